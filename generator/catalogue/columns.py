"""The columns of the open data: declared once, for the CSV, the JSON, the schema and the page.

The CSV header, the JSON keys, ``datapackage.json``'s Table Schema and the
open-data page's table of fields all come from ``COLUMNS``, so they cannot
disagree. Each column computes its value from an entry's citation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.catalogue.citation import Citation
from generator.core.press import PressRecord

LIST_SEPARATOR = " | "
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License v1.0",
                   "https://opendatacommons.org/licenses/by/1-0/"),
}


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """A column of a table: its name, Frictionless type, description and value (from a row:
    an entry's citation, or a press record)."""

    name: str
    type: str
    title: str
    """The Vietnamese name, for the human page."""
    description: str
    value: Callable[[R], Any]
    required: bool = False


def _joined(items: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(items)


def _sources(cite: Citation) -> str:
    described = []
    for source in cite.entry.sources:
        parts = [source.title]
        parts += [p for p in (source.publisher, source.author) if p]
        if source.date:
            parts.append(source.date.isoformat())
        if source.url:
            parts.append(source.url)
        described.append(", ".join(parts))
    return _joined(described)


def _date(value: Any) -> str:
    return value.isoformat() if value is not None and not isinstance(value, int) else ""


COLUMNS: tuple[Column[Citation], ...] = (
    Column("id", "string", "Mã", "Mã cố định của mô hình; trang của nó là /mo-hinh/<id>/.",
           lambda c: c.entry.id, required=True),
    Column("url", "string", "Đường dẫn", "Địa chỉ trang của mô hình.", lambda c: c.url,
           required=True),
    Column("title", "string", "Tên mô hình", "Tên mô hình.", lambda c: c.entry.title,
           required=True),
    Column("province", "string", "Mã tỉnh", "Mã của tỉnh, thành phố (34 đơn vị từ 2025).",
           lambda c: c.entry.province.slug, required=True),
    Column("province_name", "string", "Tỉnh, thành phố", "Tên tỉnh, thành phố.",
           lambda c: c.entry.province.full_name, required=True),
    Column("old_province", "string", "Tỉnh cũ",
           "Tỉnh, thành phố trước sáp nhập năm 2025 mà mô hình được ghi theo, nếu có.",
           lambda c: c.entry.old_province.name if c.entry.old_province else ""),
    Column("locality", "string", "Địa bàn", "Xã, phường, thôn… nơi thực hiện.",
           lambda c: c.entry.locality or ""),
    Column("field", "string", "Mã lĩnh vực", "Mã lĩnh vực.", lambda c: c.entry.field.slug,
           required=True),
    Column("field_label", "string", "Lĩnh vực", "Tên lĩnh vực.", lambda c: c.entry.field.label,
           required=True),
    Column("kind", "string", "Loại", "tap-the (tập thể) hoặc ca-nhan (cá nhân).",
           lambda c: c.entry.kind.value, required=True),
    Column("unit", "string", "Đơn vị thực hiện", "Đơn vị hoặc người thực hiện.",
           lambda c: c.entry.unit or ""),
    Column("started", "string", "Bắt đầu",
           "Ngày (YYYY-MM-DD) hoặc năm bắt đầu, nếu nguồn có ghi.",
           lambda c: "" if c.entry.started is None else (
               str(c.entry.started) if isinstance(c.entry.started, int)
               else c.entry.started.isoformat())),
    Column("year", "integer", "Năm", "Năm bắt đầu, hoặc năm của nguồn sớm nhất.",
           lambda c: c.entry.year, required=True),
    Column("summary", "string", "Tóm tắt", "Tóm tắt một hai câu.", lambda c: c.entry.summary,
           required=True),
    Column("results", "string", "Kết quả", f"Các kết quả, cách nhau bởi “{LIST_SEPARATOR}”.",
           lambda c: _joined(c.entry.results)),
    Column("sources", "string", "Nguồn",
           f"Các nguồn (tên bài, cơ quan, tác giả, ngày, đường dẫn), cách nhau bởi "
           f"“{LIST_SEPARATOR}”.", _sources, required=True),
    Column("updated", "date", "Cập nhật", "Ngày trang được cập nhật lần cuối, nếu biết.",
           lambda c: _date(c.modified)),
)


def _models(record: PressRecord) -> str:
    return _joined(record.models)


PRESS_COLUMNS: tuple[Column[PressRecord], ...] = (
    Column("id", "string", "Mã", "Tên tệp của bài trong content/bao-chi/, không có phần đuôi.",
           lambda r: r.id, required=True),
    Column("title", "string", "Tên bài", "Tên bài báo.", lambda r: r.title, required=True),
    Column("outlet", "string", "Cơ quan báo chí", "Nơi đăng bài, nếu bài có ghi.",
           lambda r: r.outlet or ""),
    Column("author", "string", "Tác giả", "Tác giả, nếu bài có ghi.", lambda r: r.author or ""),
    Column("date", "date", "Ngày đăng", "Ngày đăng bài.", lambda r: r.date.isoformat(),
           required=True),
    Column("url", "string", "Địa chỉ bài", "Địa chỉ của bài, nếu còn.", lambda r: r.url or ""),
    Column("language", "string", "Ngôn ngữ", "Mã ngôn ngữ của bài (vi, en…).",
           lambda r: r.language, required=True),
    Column("models", "string", "Mô hình",
           f"Mã các mô hình bài viết về, cách nhau bởi “{LIST_SEPARATOR}”; trang của mỗi mô "
           "hình là /mo-hinh/<mã>/.", _models, required=True),
    Column("contest", "string", "Cuộc thi", "Mã cuộc thi báo chí bài dự thi, nếu có.",
           lambda r: r.contest or ""),
    Column("archive_url", "string", "Bản lưu", "Địa chỉ bản lưu của bài, nếu có.",
           lambda r: r.archive_url or ""),
)
"""The columns of the press records' table (du-lieu/bao-chi.csv and .json)."""
