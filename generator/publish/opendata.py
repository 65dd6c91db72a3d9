"""Open data: every entry as CSV and JSON, per province too, and a Frictionless data package.

The columns are declared once (``COLUMNS``): the CSV header, the JSON keys, the
``datapackage.json`` schema and the human page's table of fields all come from
that one list, so they cannot disagree. The tables carry the facts and the
link of each entry; its full text stays on its page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation
from generator.core.model import Entry

DATA_DIR = "du-lieu/"
ALL_ENTRIES = "mo-hinh"
LIST_SEPARATOR = " | "
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License v1.0",
                   "https://opendatacommons.org/licenses/by/1-0/"),
}


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the tables: its name, Frictionless type, description and value."""

    name: str
    type: str
    title: str
    """The Vietnamese name, for the human page."""
    description: str
    value: Callable[[Citation], Any]
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


COLUMNS: tuple[Column, ...] = (
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


@dataclass(frozen=True, slots=True)
class Table:
    """One table of entries, published as CSV and JSON."""

    name: str
    """Frictionless resource name, and the file stem."""
    title: str
    rows: tuple[Citation, ...]

    @property
    def csv_path(self) -> str:
        """The CSV file, relative to the site root."""
        return f"{DATA_DIR}{self.name}.csv"

    @property
    def json_path(self) -> str:
        """The JSON file, relative to the site root."""
        return f"{DATA_DIR}{self.name}.json"


def tables(catalogue: Catalogue, cites: dict[str, Citation]) -> list[Table]:
    """Every entry in one table, then one table per province that has entries."""
    found = [Table(ALL_ENTRIES, "Tất cả mô hình",
                   tuple(cites[e.id] for e in catalogue.entries))]
    for province in catalogue.provinces:
        entries: Sequence[Entry] = catalogue.in_province(province)
        if entries:
            found.append(Table(f"tinh-thanh/{province.slug}", province.full_name,
                               tuple(cites[e.id] for e in entries)))
    return found


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection")."""


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text a spreadsheet would run as a formula gets a leading '.

    Only the CSV: JSON readers take strings as strings, so the JSON keeps the text as is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(c.name for c in COLUMNS)
    for cite in table.rows:
        writer.writerow(csv_cell(c.value(cite)) for c in COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def to_json(table: Table) -> bytes:
    """An array of objects with the CSV's columns (empty values as null)."""
    rows = [{c.name: value if (value := c.value(cite)) != "" else None for c in COLUMNS}
            for cite in table.rows]
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode()


def schema() -> dict[str, Any]:
    """The Table Schema every table follows."""
    return {
        "fields": [
            {"name": c.name, "type": c.type, "title": c.title, "description": c.description,
             **({"constraints": {"required": True}} if c.required else {})}
            for c in COLUMNS
        ],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


def datapackage(catalogue: Catalogue, found: Sequence[Table],
                extra: Sequence[dict[str, Any]] = ()) -> bytes:
    """``datapackage.json``: the package, its licence and every resource with its schema.

    ``extra`` are further resources (statistics, generator/catalogue/stats.py) after the tables.
    """
    site = catalogue.settings.site
    licence = site.data_licence
    title, path = LICENCES.get(licence, (licence, ""))
    resources = []
    for table in found:
        stem = table.name.replace("/", "-")
        resources.append({
            "name": stem, "title": table.title, "path": table.csv_path.removeprefix(DATA_DIR),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "schema": schema(),
        })
        resources.append({
            "name": f"{stem}-json", "title": table.title,
            "path": table.json_path.removeprefix(DATA_DIR), "format": "json",
            "mediatype": "application/json", "encoding": "utf-8", "schema": schema(),
        })
    resources.extend(extra)
    package = {
        "name": "dan-van-kheo",
        "title": f"{site.name}: các mô hình \"Dân vận khéo\"",
        "description": "Mỗi dòng là một mô hình \"Dân vận khéo\" đã đăng trên trang, kèm "
                       "nguồn của các thông tin.",
        "homepage": site.absolute(DATA_DIR),
        "licenses": [{"name": licence, "title": title, **({"path": path} if path else {})}],
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode()
