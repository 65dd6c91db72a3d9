"""The entry schema (front matter) and the normalised, typed objects built from it.

``EntryFrontMatter`` is the schema an editor writes against; it is declared once
here, with a Vietnamese description per field, and exported as JSON Schema.
``Entry`` is what the rest of the pipeline sees: province resolved to one of the
34 units, field resolved in the taxonomy, the body kept as Markdown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from generator.core import urls
from generator.core.provinces import OldProvince, Province

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 120
"""Ids are URL segments; longer ones are a title pasted in, not an id."""
FIRST_YEAR = 1945
"""No model predates the Democratic Republic; earlier years are typos."""
LAST_YEAR = 2100


class Kind(Enum):
    """A model is carried out by a collective or by one person."""

    TAP_THE = "tap-the"
    CA_NHAN = "ca-nhan"

    @property
    def label(self) -> str:
        """The Vietnamese label shown on pages."""
        return _KIND_LABELS[self]

    @property
    def slug(self) -> str:
        """The URL slug of the kind's index page."""
        return self.value


_KIND_LABELS = {Kind.TAP_THE: "Tập thể", Kind.CA_NHAN: "Cá nhân"}


@dataclass(frozen=True, slots=True)
class FieldOfWork:
    """A lĩnh vực of the taxonomy: a slug and its Vietnamese label."""

    slug: str
    label: str
    provinces: tuple[str, ...] = ()
    """Slugs of the provinces that added this field; empty for a national field."""

    def allowed_in(self, province: Province) -> bool:
        """Whether entries of ``province`` may use this field."""
        return not self.provinces or province.slug in self.provinces


def _date(value: Any) -> dt.date:
    # YAML already turns 2024-08-19 into a date; anything else (a string such
    # as "19/8/2024", a datetime, a number) is a typo worth a precise message.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("dvk_date", "not a date: {value!r}", {"value": value})


def _date_or_year(value: Any) -> dt.date | int:
    if isinstance(value, int) and not isinstance(value, bool):
        if FIRST_YEAR <= value <= LAST_YEAR:
            return value
        raise PydanticCustomError("dvk_year", "year out of range: {value!r}", {"value": value})
    if isinstance(value, str) and value.strip().isdigit():
        return _date_or_year(int(value.strip()))
    return _date(value)


LooseDate = Annotated[dt.date, BeforeValidator(_date)]
DateOrYear = Annotated[dt.date | int, BeforeValidator(_date_or_year)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _year_range(schema: dict[str, Any]) -> None:
    # The year branch of ``started`` is checked by _date_or_year, which pydantic
    # cannot see; say the same range in the JSON Schema so editors check it too.
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "integer":
            branch.update(minimum=FIRST_YEAR, maximum=LAST_YEAR)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceSpec(_Strict):
    """Nguồn: một bài báo hay văn bản nêu các thông tin của mô hình."""

    title: Text = Field(
        description="Tên bài viết hoặc văn bản, chép đúng như nguồn.",
        examples=['Phong trào "Dân vận khéo" phải gắn với nhiệm vụ chính trị của địa phương'],
    )
    publisher: Text | None = Field(
        None,
        description="Cơ quan báo chí, trang hay cơ quan đăng bài; bỏ trống nếu nguồn không ghi.",
        examples=["Báo Nghệ An"],
    )
    author: Text | None = Field(None, description="Tác giả, nếu bài có ghi.", examples=["NPV"])
    date: LooseDate | None = Field(
        None, description="Ngày đăng, dạng YYYY-MM-DD.", examples=["2024-07-24"]
    )
    url: AnyHttpUrl | None = Field(
        None,
        description="Địa chỉ đầy đủ của bài viết, bắt đầu bằng http:// hoặc https://.",
        examples=["https://baonghean.vn/"],
        json_schema_extra={"pattern": "^https?://"},
    )
    note: Text | None = Field(
        None, description="Ghi chú về nguồn: bài thiếu thông tin gì, lấy ý nào từ bài."
    )


class ImageSpec(_Strict):
    """Ảnh: tệp nằm cạnh tệp mô hình, kèm mô tả và nguồn ảnh."""

    src: Text = Field(description="Tên tệp ảnh, đường dẫn tương đối tới tệp mô hình.")
    alt: Text = Field(description="Mô tả ảnh cho người không nhìn thấy ảnh.")
    credit: Text = Field(description="Nguồn / tác giả ảnh.")


class EntryFrontMatter(_Strict):
    """Một mô hình "Dân vận khéo": phần khai báo YAML ở đầu tệp."""

    id: Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] = Field(
        description=(
            "Mã cố định, cũng là đường dẫn /mo-hinh/<id>/: chữ thường không dấu, chữ số, "
            "dấu gạch nối; không bao giờ đổi sau khi đăng."
        ),
        examples=["ky-tuc-xa-vung-bien-nghe-an"],
    )
    title: Text = Field(
        description="Tên mô hình, như nguồn gọi.", examples=["Ký túc xá vùng biên"]
    )
    province: Text = Field(
        description=(
            "Tỉnh, thành phố: mã một trong 34 đơn vị từ 1/7/2025 (ví dụ nghe-an), hoặc "
            "tên tỉnh cũ có dấu (ví dụ Hà Nam) khi nguồn viết trước khi sáp nhập."
        ),
        examples=["nghe-an", "Hà Nam"],
    )
    locality: Text | None = Field(
        None,
        description="Địa bàn: xã, phường, thôn… ghi như nguồn, có thể là địa danh cũ.",
        examples=["xã Tam Quang"],
    )
    field: Text = Field(
        description="Lĩnh vực: mã trong danh mục lĩnh vực của site_config.yml.",
        examples=["kinh-te"],
    )
    kind: Kind = Field(
        description="Loại mô hình: tap-the (tập thể) hoặc ca-nhan (cá nhân).",
        examples=["tap-the"],
    )
    unit: Text | None = Field(
        None,
        description="Đơn vị hoặc người thực hiện mô hình.",
        examples=["Đồn Biên phòng Tam Quang, Bộ đội Biên phòng tỉnh Nghệ An"],
    )
    started: DateOrYear | None = Field(
        None,
        description=(
            f"Ngày bắt đầu (YYYY-MM-DD) hoặc chỉ năm ({FIRST_YEAR}-{LAST_YEAR}); "
            "bỏ trống nếu nguồn không ghi."
        ),
        examples=["2024-08-19", 2021],
        json_schema_extra=_year_range,
    )
    summary: Text = Field(
        description="Tóm tắt một hai câu, hiện trên thẻ, kết quả tìm kiếm và ảnh chia sẻ.",
        examples=["Bộ đội Biên phòng đón học sinh vùng biên ở bán trú để các em đi học đều."],
    )
    results: list[Text] = Field(
        default_factory=list,
        description="Kết quả kiểm chứng được, mỗi mục một dòng bắt đầu bằng `- `.",
        examples=[["Xây 2 phòng ở cho 30 học sinh"]],
    )
    images: list[ImageSpec] = Field(
        default_factory=list, description="Ảnh minh họa: tệp ảnh đặt cạnh tệp mô hình."
    )
    sources: Annotated[list[SourceSpec], Field(min_length=1)] = Field(
        description="Nguồn của các thông tin; bắt buộc ít nhất một, ghi tên bài, nơi đăng, ngày."
    )
    redirect_from: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list,
        description="Các mã cũ, khi mô hình phải đổi mã: đường dẫn cũ chuyển về trang này.",
    )
    updated: LooseDate | None = Field(
        None, description="Ngày cập nhật nội dung trang, YYYY-MM-DD.", examples=["2024-07-24"]
    )


@dataclass(frozen=True, slots=True)
class Source:
    """A cited source, normalised."""

    title: str
    publisher: str | None
    author: str | None
    date: dt.date | None
    url: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Image:
    """An image of an entry; ``path`` is the checked file on disk, published resized."""

    src: str
    alt: str
    credit: str
    path: Path
    name: str
    """The ASCII stem its published files are named from, unique within the entry."""
    widths: tuple[int, ...]
    """The widths it is published at, narrowest first; none wider than the original."""
    width: int
    height: int
    """The size of the widest published file, upright: the box the page reserves for it."""
    line: int
    """The line of its ``src`` in the entry file, to locate a problem found when publishing."""

    def file_name(self, width: int, extension: str) -> str:
        """The published file of one width and format, e.g. ``anh-1-960.webp``."""
        return f"{self.name}-{width}.{extension}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One published model, normalised and checked."""

    id: str
    title: str
    province: Province
    old_province: OldProvince | None
    """The pre-2025 unit the entry was filed under, when it differs from ``province``."""
    locality: str | None
    field: FieldOfWork
    kind: Kind
    unit: str | None
    started: dt.date | int | None
    summary: str
    results: tuple[str, ...]
    images: tuple[Image, ...]
    sources: tuple[Source, ...]
    redirect_from: tuple[str, ...]
    updated: dt.date | None
    body: str
    """The Markdown body, without front matter. Given as UTF-8 bytes (the build cache),
    it is decoded when first read (``_lazy_body``)."""
    path: Path
    """The entry file on disk."""
    rel_path: str
    """The entry file relative to the content folder (POSIX), for messages and edit links."""
    lines: dict[str, int] = dataclass_field(default_factory=dict, compare=False, repr=False)
    """Line of each top-level key, so later checks can locate their messages."""
    digest: str = dataclass_field(default="", compare=False, repr=False)
    """A digest of the entry file's place and text: what a page made from it depends on."""
    title_key: bytes = dataclass_field(default=b"", compare=False, repr=False)
    """The title's collation key, computed once per load (sorting needs it 50,000 times)."""
    ignored: frozenset[str] = dataclass_field(default=frozenset(), compare=False, repr=False)
    """Warnings the file turns off with a ``dvk-ignore: rule, …`` comment, once a reviewer
    has confirmed them false (a public hotline that looks like a mobile number)."""
    date: dt.date = dataclass_field(init=False, compare=False, repr=False)
    """The date that orders entries newest first: the model's own latest date.

    That is its start or its newest source; ``updated`` (an edit to the
    page) only counts when the model has no date of its own. Made once: every
    build orders 50,000 entries by it and dates its feeds with it.
    """
    year: int = dataclass_field(init=False, compare=False, repr=False)
    """The year the model started, else the year of its earliest dated source; made once."""

    def __post_init__(self) -> None:
        dated = [s.date for s in self.sources if s.date is not None]
        if isinstance(self.started, int):
            year = self.started
        elif self.started is not None:
            year = self.started.year
        else:
            year = min(dated).year if dated else (self.updated.year if self.updated else 0)
        object.__setattr__(self, "year", year)
        candidates = list(dated)
        if isinstance(self.started, dt.date):
            candidates.append(self.started)
        elif isinstance(self.started, int):
            candidates.append(dt.date(self.started, 1, 1))
        if not candidates and self.updated:
            candidates.append(self.updated)
        object.__setattr__(self, "date", max(candidates, default=dt.date(FIRST_YEAR, 1, 1)))

    @property
    def url(self) -> str:
        """The permanent URL path, relative to the site root."""
        return urls.entry(self.id)

    @property
    def year_is_started(self) -> bool:
        """Whether ``year`` comes from ``started`` rather than from a source date."""
        return self.started is not None

    @property
    def province_label(self) -> str:
        """"Ninh Bình · Hà Nam (cũ)": the new unit, and the old one it was filed under."""
        if self.old_province is None:
            return self.province.name
        return f"{self.province.name} · {self.old_province.name} (cũ)"


# An entry's body is most of its bytes, and a build after an edit reads the bodies of
# the edited entries only: decoding 50,000 restored bodies took 0.35 s of the 1.06 s
# of restoring them. The build cache keeps each body as UTF-8 (``body_utf8``) and the
# entry decodes it when it is first read, through a property over the body's slot.
_BODY_SLOT: Any = Entry.__dict__["body"]


def _lazy_body(entry: Entry) -> str:
    value = _BODY_SLOT.__get__(entry, Entry)
    if isinstance(value, bytes):
        value = value.decode()
        _BODY_SLOT.__set__(entry, value)
    return value  # type: ignore[no-any-return]


setattr(Entry, "body", property(_lazy_body, _BODY_SLOT.__set__,  # noqa: B010
                                 doc="The Markdown body, without front matter."))


def body_utf8(entry: Entry) -> bytes:
    """The entry's body as UTF-8, without decoding a body not read yet."""
    value = _BODY_SLOT.__get__(entry, Entry)
    return value if isinstance(value, bytes) else value.encode()
