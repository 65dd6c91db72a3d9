"""The open-data tables are written by hand for speed: they must be byte for byte what
the standard library's JSON and CSV writers make of the same rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Site

AWKWARD = [
    'Dấu "ngoặc kép", dấu phẩy, và \\ gạch chéo',
    "=HYPERLINK(\"http://x\")",
    "+ cộng đầu dòng",
    "-5 độ; @tên; tab\tbên trong",
    "Chữ 𝔘 ngoài BMP, emoji 🏠 và dấu </script>",
    "Dòng một\u2028dòng hai",
]


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Entries whose text every CSV and JSON escape applies to; one without optional fields."""
    site = Site(tmp_path_factory.mktemp("opendata"))
    site.write_config()
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    for n, text in enumerate(AWKWARD):
        site.entry(f"kho-{n}", title=f"Mô hình {text}", summary=text, unit=text,
                   locality=text, results=[text, "kết quả hai"],
                   province=("nghe-an", "ha-noi")[n % 2])
    site.entry("tron", title="Mô hình không có gì thêm", started=2021)
    assert site.run("build") == 0
    return site


def _tables(site: Site) -> list[Path]:
    found = sorted(site.out.joinpath("du-lieu").rglob("*.json"))
    return [p for p in found if p.name != "datapackage.json"]


def test_json_tables_are_what_json_dumps_writes(awkward: Site) -> None:
    tables = _tables(awkward)
    assert len(tables) >= 3  # every entry, and the two provinces'
    for path in tables:
        data = path.read_bytes()
        rows = json.loads(data)
        if not isinstance(rows, list):
            continue
        assert data == (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode(), path
    every = json.loads(next(p for p in tables if p.stem == "mo-hinh").read_bytes())
    assert {row["summary"] for row in every} >= set(AWKWARD)
    assert next(r for r in every if r["id"] == "tron")["unit"] is None  # empty as null


def test_csv_tables_are_what_the_csv_writer_writes(awkward: Site) -> None:
    tables = sorted(awkward.out.joinpath("du-lieu").rglob("*.csv"))
    assert tables
    for path in tables:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        again = io.StringIO()
        csv.writer(again, lineterminator="\r\n").writerows(rows)
        assert data == again.getvalue().encode("utf-8-sig"), path
