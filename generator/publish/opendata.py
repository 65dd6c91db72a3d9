"""Open data: every entry as CSV and JSON, per province too, and a Frictionless data package.

The columns are declared once (``COLUMNS``): the CSV header, the JSON keys, the
``datapackage.json`` schema and the human page's table of fields all come from
that one list, so they cannot disagree. The tables carry the facts and the
link of each entry; its full text stays on its page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation
from generator.catalogue.columns import COLUMNS, LICENCES
from generator.catalogue.stats import StatFile
from generator.core import urls
from generator.core.model import Entry


@dataclass(frozen=True, slots=True)
class Table:
    """One table of entries, published as CSV and JSON."""

    name: str
    """Frictionless resource name, and the file stem."""
    title: str
    rows: tuple[Citation, ...]

    @property
    def key(self) -> str:
        """Changes whenever the table's files would, the site's settings aside: a digest
        of its rows' keys (``Citation.key``). Empty if a row has none."""
        keys = [cite.key for cite in self.rows]
        if not all(keys):
            return ""
        joined = "\n".join((self.name, self.title, *keys)).encode()
        return hashlib.blake2b(joined, digest_size=16).hexdigest()

    @property
    def csv_path(self) -> str:
        """The CSV file, relative to the site root."""
        return urls.data_table(self.name, "csv")

    @property
    def json_path(self) -> str:
        """The JSON file, relative to the site root."""
        return urls.data_table(self.name, "json")


def tables(catalogue: Catalogue, cites: dict[str, Citation]) -> list[Table]:
    """Every entry in one table, then one table per province that has entries."""
    found = [Table(urls.ALL_ENTRIES, "Tất cả mô hình",
                   tuple(cites[e.id] for e in catalogue.entries))]
    for province in catalogue.provinces:
        entries: Sequence[Entry] = catalogue.in_province(province)
        if entries:
            stem = urls.index(urls.PROVINCES, province.slug).rstrip("/")
            found.append(Table(stem, province.full_name, tuple(cites[e.id] for e in entries)))
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


_JSON_KEYS = tuple(f"  {encode_basestring(c.name)}: " for c in COLUMNS)


def _json_value(value: Any) -> str:
    if value == "" or value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)  # json.dumps's own, in C
    return json.dumps(value, ensure_ascii=False)


class RowText:
    """Each entry's CSV line and JSON object, made once for all the tables it is in, and
    kept from build to build while what they show is unchanged.

    An entry is in the table of every entry and in its province's: at 50,000
    entries, making each row once, and the JSON by hand rather than through
    ``json.dumps(indent=1)`` (whose indented output only the pure-Python
    encoder writes), took the tables from 10 s to 2 s, byte for byte the same
    (tests/test_opendata.py); keeping the rows (``dvk serve``, and the build
    cache between processes) makes them a join after an edit. They are kept
    encoded: the table of every entry is 60 MB of text to encode otherwise.
    """

    def __init__(self) -> None:
        self._rows: dict[str, tuple[str, bytes, bytes]] = {}
        """Entry id -> (what the row is made of, its CSV line, its JSON object), UTF-8."""
        self.changed = False
        """Whether a row was made since the rows were restored or saved."""

    def _row(self, cite: Citation) -> tuple[str, bytes, bytes]:
        entry, key = cite.entry, cite.key
        found = self._rows.get(entry.id)
        if found is not None and key and found[0] == key:
            return found
        values = [c.value(cite) for c in COLUMNS]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell(v) for v in values])
        members = ",\n".join(name + _json_value(value)
                             for name, value in zip(_JSON_KEYS, values, strict=True))
        found = self._rows[entry.id] = (key, buffer.getvalue().encode(),
                                        f" {{\n{members}\n }}".encode())
        self.changed = True
        return found

    def csv_line(self, cite: Citation) -> bytes:
        """The entry's CSV line, its line end included."""
        return self._row(cite)[1]

    def json_object(self, cite: Citation) -> bytes:
        """The entry's JSON object, as ``json.dumps(rows, indent=1)`` writes it in a list."""
        return self._row(cite)[2]

    def keep_only(self, ids: Iterable[str]) -> None:
        """Forget the rows of entries that are gone."""
        wanted = set(ids)
        for gone in [i for i in self._rows if i not in wanted]:
            del self._rows[gone]
            self.changed = True


def to_csv(table: Table, text: RowText | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly."""
    text = text or RowText()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(c.name for c in COLUMNS)
    head = buffer.getvalue().encode("utf-8-sig")
    return b"".join([head, *map(text.csv_line, table.rows)])


def to_json(table: Table, text: RowText | None = None) -> bytes:
    """An array of objects with the CSV's columns (empty values as null)."""
    if not table.rows:
        return b"[]\n"
    text = text or RowText()
    objects = b",\n".join(map(text.json_object, table.rows))
    return b"[\n" + objects + b"\n]\n"


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
            "name": stem, "title": table.title, "path": table.csv_path.removeprefix(urls.DATA),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "schema": schema(),
        })
        resources.append({
            "name": f"{stem}-json", "title": table.title,
            "path": table.json_path.removeprefix(urls.DATA), "format": "json",
            "mediatype": "application/json", "encoding": "utf-8", "schema": schema(),
        })
    resources.extend(extra)
    package = {
        "name": "dan-van-kheo",
        "title": f"{site.name}: các mô hình \"Dân vận khéo\"",
        "description": "Mỗi dòng là một mô hình \"Dân vận khéo\" đã đăng trên trang, kèm "
                       "nguồn của các thông tin.",
        "homepage": site.absolute(urls.DATA),
        "licenses": [{"name": licence, "title": title, **({"path": path} if path else {})}],
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode()


def stat_csv(table: StatFile) -> bytes:
    """As the open data writes its tables: UTF-8 with a BOM, CRLF, formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(c.name for c in table.columns)
    for row in table.rows:
        writer.writerow(csv_cell(value) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def stat_resources(files: Sequence[StatFile]) -> list[dict[str, Any]]:
    """The Frictionless resources of the statistics files, for ``datapackage.json``."""
    return [{
        "name": f"thong-ke-{f.name}", "title": f.title,
        "path": f.path.removeprefix(urls.DATA), "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": {"fields": [{"name": c.name, "type": c.type, "title": c.title,
                               "description": c.description} for c in f.columns],
                   "missingValues": [""]},
    } for f in files]
