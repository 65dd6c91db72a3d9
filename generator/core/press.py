"""Press records: what has been written about the models, one YAML file per article.

``PressSpec`` is the schema an editor writes a file of ``content/bao-chi/``
against (exported as JSON Schema beside the entries'); ``PressRecord`` is the
article as the rest of the pipeline sees it, its models resolved to current
entry ids. ``Contest`` is a press contest the site's config declares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Annotated, Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from generator.core.model import ID_PATTERN, LooseDate, Text

PRESS_DIR = "bao-chi"
"""The folder of press records inside the content folder, and the URL of their hub."""
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
"""A BCP 47 language tag, as articles are labelled: vi, en, zh-Hans."""

Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_HTTP: dict[str, Any] = {"pattern": "^https?://"}


class PressSpec(_Strict):
    """Một bài báo viết về một hay nhiều mô hình "Dân vận khéo"."""

    title: Text = Field(
        description="Tên bài báo, chép đúng như bài đăng.",
        examples=['Phong trào "Dân vận khéo" phải gắn với nhiệm vụ chính trị của địa phương'],
    )
    outlet: Text | None = Field(
        description="Cơ quan báo chí đăng bài; ghi `outlet: null` nếu bài không ghi.",
        examples=["Báo Nghệ An"],
    )
    author: Text | None = Field(None, description="Tác giả, nếu bài có ghi.", examples=["NPV"])
    date: LooseDate = Field(description="Ngày đăng bài, dạng YYYY-MM-DD.",
                            examples=["2024-07-24"])
    url: AnyHttpUrl | None = Field(
        description="Địa chỉ đầy đủ của bài, bắt đầu bằng http:// hoặc https://; ghi "
                    "`url: null` nếu không còn địa chỉ của bài.",
        examples=["https://baonghean.vn/"], json_schema_extra=_HTTP,
    )
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = Field(
        description="Ngôn ngữ của bài: vi (tiếng Việt), en (tiếng Anh)…", examples=["vi"],
    )
    models: Annotated[list[Slug], Field(min_length=1)] = Field(
        description="Mã các mô hình bài viết về (id trong tệp mô hình), ít nhất một.",
        examples=[["ky-tuc-xa-vung-bien-nghe-an"]],
    )
    contest: Slug | None = Field(
        None, description="Mã cuộc thi báo chí bài dự thi, khai báo trong site_config.yml.",
        examples=["bao-chi-dan-van-kheo-2024"],
    )
    archive_url: AnyHttpUrl | None = Field(
        None, description="Địa chỉ bản lưu của bài (ví dụ trên web.archive.org).",
        examples=["https://web.archive.org/web/2024/https://baonghean.vn/"],
        json_schema_extra=_HTTP,
    )


@dataclass(frozen=True, slots=True)
class PressRecord:
    """One article about models, checked; ``models`` are current entry ids."""

    id: str
    """The file's name without its extension: unique, since the files share a folder."""
    title: str
    outlet: str | None
    author: str | None
    date: dt.date
    url: str | None
    language: str
    models: tuple[str, ...]
    contest: str | None
    archive_url: str | None
    rel_path: str
    """The file relative to the content folder (POSIX), for messages."""
    digest: str = dataclass_field(default="", compare=False, repr=False)
    """Of the file's place and text: what the pages that show the article depend on."""
    lines: dict[str, int] = dataclass_field(default_factory=dict, compare=False, repr=False)
    """The line of each top-level key, to locate the checks made after reading."""


@dataclass(frozen=True, slots=True)
class Contest:
    """A press contest about the movement, as site_config.yml declares it."""

    slug: str
    name: str
    year: int
    organiser: str
    rules_url: str = ""
