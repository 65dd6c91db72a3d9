"""/thong-ke/ and the provinces' charts: every number is the catalogue's, every chart is SVG
with a title and a description, every table is downloadable as the same CSV, and the
reported figures (content/so-lieu-bao-cao.yml) stay apart from the counts.

The expected counts are computed here from the entry files themselves (their YAML and a
table of the provinces the test writes), not with the generator's own code.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Site
from generator.catalogue.catalogue import load_catalogue
from generator.core.errors import ContentErrors
from generator.render.config import read_settings

# Synthetic entries (tests only): id -> (province as written, field, kind, started year).
ENTRIES: dict[str, tuple[str, str, str, int]] = {
    "thu-mot": ("nghe-an", "kinh-te", "tap-the", 2019),
    "thu-hai": ("nghe-an", "quoc-phong-an-ninh", "tap-the", 2024),
    "thu-ba": ("nghe-an", "quoc-phong-an-ninh", "ca-nhan", 2024),
    "thu-bon": ("ha-noi", "van-hoa-xa-hoi", "tap-the", 2021),
    "thu-nam": ("Hà Nam", "van-hoa-xa-hoi", "tap-the", 2022),
    "thu-sau": ("Nam Định", "kinh-te", "ca-nhan", 2024),
    "thu-bay": ("ninh-binh", "xay-dung-he-thong-chinh-tri", "tap-the", 2024),
    "thu-tam": ("Thua Thien Hue", "kinh-te", "tap-the", 2023),
}
# What the test knows of the provinces it writes: text -> (unit slug, old unit or "").
PROVINCES = {
    "nghe-an": ("nghe-an", ""), "ha-noi": ("ha-noi", ""), "Hà Nam": ("ninh-binh", "Hà Nam"),
    "Nam Định": ("ninh-binh", "Nam Định"), "ninh-binh": ("ninh-binh", ""),
    "Thua Thien Hue": ("hue", "Thừa Thiên Huế"),
}
NINH_BINH_OLD = ("Hà Nam", "Nam Định", "Ninh Bình")
FIELDS = ("kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "xay-dung-he-thong-chinh-tri")
FIELD_LABELS = ("Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh",
                "Xây dựng hệ thống chính trị")
# Synthetic reported figures (tests only), far larger than the entries they must not touch.
REPORTED = """\
- province: nghe-an
  period: 6 tháng thử
  counted: Mô hình thử
  figures:
    - {measure: tong-so, value: 9000}
    - {measure: tap-the, value: 8000}
    - {measure: kinh-te, value: 700}
  source: {title: Bài thử, publisher: Báo thử, date: 2024-07-24}
- province: ca-nuoc
  period: Năm thử
  counted: Mô hình thử cả nước
  figures:
    - {measure: tong-so, value: 123456, more_than: true}
  source: {title: Bài thử hai}
"""
STAT_FILES = ("theo-linh-vuc", "theo-tinh", "theo-nam", "theo-loai", "tinh-x-linh-vuc")


def _write(site: Site, reported: bool) -> None:
    site.write_config()
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    for entry_id, (province, field, kind, year) in ENTRIES.items():
        site.entry(entry_id, folder=PROVINCES[province][0], title=f"Mô hình {entry_id}",
                   province=province, field=field, kind=kind, started=year)
    if reported:
        site.raw("so-lieu-bao-cao.yml", REPORTED)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Site]:
    """The same entries built twice: with the reported-figures file, and without it."""
    built = {}
    for name, reported in (("with", True), ("without", False)):
        site = Site(tmp_path_factory.mktemp(f"stats-{name}"))
        _write(site, reported)
        assert site.run("build", "--strict") == 0
        built[name] = site
    return built


def expected(site: Site) -> dict[str, Any]:
    """Every count, from the entry files as written on disk."""
    fields: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    olds: Counter[tuple[str, str]] = Counter()
    years: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for path in sorted((site.content / "mo-hinh").rglob("*.md")):
        data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        unit, old = PROVINCES[data["province"]]
        fields[data["field"]] += 1
        provinces[unit] += 1
        olds[unit, old] += 1
        years[data["started"]] += 1
        kinds[data["kind"]] += 1
        pairs[unit, data["field"]] += 1
    return {"fields": fields, "provinces": provinces, "olds": olds, "years": years,
            "kinds": kinds, "pairs": pairs, "total": sum(fields.values())}


class _Tables(HTMLParser):
    """Each table with an id: its rows as (row header, [cells], the row's data-* attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[tuple[str, list[str], dict[str, str]]]] = {}
        self.heads: dict[str, list[str]] = {}
        self._table: str | None = None
        self._row: tuple[list[str], dict[str, str]] | None = None
        self._cell: list[str] | None = None
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "table" and "id" in found:
            self._table = found["id"]
            self.tables[self._table] = []
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr" and self._table:
            self._row = ([], {k: v for k, v in found.items() if k.startswith("data-")})
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row[0].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            cells, data = self._row
            if self._section == "thead":
                self.heads[self._table] = cells
            else:
                self.tables[self._table].append((cells[0], cells[1:], data))
            self._row = None
        elif tag == "table":
            self._table = None


def tables(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def number(text: str) -> int:
    """A count as the page writes it: 1.234 (and "trên 24.250" for a reported figure)."""
    return int(text.removeprefix("trên ").replace(".", ""))


def read_csv(site: Site, name: str) -> list[dict[str, str]]:
    raw = (site.out / "du-lieu" / "thong-ke" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, as the open data"
    assert b"\r\n" in raw
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_counts_on_the_page_and_in_the_csv_are_the_entries(sites: dict[str, Site]) -> None:
    """Each table of /thong-ke/ and each CSV says what the entry files say."""
    site = sites["with"]
    want = expected(site)
    page = tables(site.html("thong-ke/"))

    rows = page.tables["bang-linh-vuc"]
    assert [(h, number(c[0])) for h, c, _ in rows] == [
        *[(label, want["fields"][slug]) for slug, label in zip(FIELDS, FIELD_LABELS,
                                                               strict=True)],
        ("Tổng", want["total"])]
    assert [(r["field"], int(r["count"])) for r in read_csv(site, "theo-linh-vuc")] == [
        (slug, want["fields"][slug]) for slug in FIELDS]

    rows = page.tables["bang-loai"]
    assert {h: number(c[0]) for h, c, _ in rows} == {
        "Tập thể": want["kinds"]["tap-the"], "Cá nhân": want["kinds"]["ca-nhan"],
        "Tổng": want["total"]}
    assert {r["kind"]: int(r["count"]) for r in read_csv(site, "theo-loai")} == {
        "tap-the": want["kinds"]["tap-the"], "ca-nhan": want["kinds"]["ca-nhan"]}

    first, last = min(want["years"]), max(want["years"])
    years = [(y, want["years"][y]) for y in range(first, last + 1)]
    assert [(int(h), number(c[0])) for h, c, _ in page.tables["bang-nam"]] == years[::-1]
    assert [(int(r["year"]), int(r["count"])) for r in read_csv(site, "theo-nam")] == years


def test_provinces_and_their_old_units_are_counted(sites: dict[str, Site]) -> None:
    """All 34 units are listed; a merged one has a row per old unit, and one for its new name."""
    site = sites["with"]
    want = expected(site)
    rows = tables(site.html("thong-ke/")).tables["bang-tinh-thanh"]
    units = {d["data-province"]: number(c[0]) for _, c, d in rows
             if "data-province" in d and "data-old" not in d}
    assert len(units) == 34
    assert units == {slug: want["provinces"][slug] for slug in units}
    parts = [(h, number(c[0])) for h, c, d in rows
             if d.get("data-province") == "ninh-binh" and "data-old" in d]
    assert parts == [*[(f"trong đó {old} (cũ)", want["olds"]["ninh-binh", old])
                       for old in NINH_BINH_OLD],
                     ("trong đó Ghi theo tên mới Ninh Bình", want["olds"]["ninh-binh", ""])]
    assert sum(n for _, n in parts) == units["ninh-binh"]
    assert number(rows[-1][1][0]) == want["total"]

    by_csv = read_csv(site, "theo-tinh")
    assert {r["province"]: int(r["count"]) for r in by_csv if r["part"] == "tong-so"} == units
    assert [(r["part"], r["old_province"], int(r["count"])) for r in by_csv
            if r["province"] == "ninh-binh" and r["part"] != "tong-so"] == [
        *[("tinh-cu", old, want["olds"]["ninh-binh", old]) for old in NINH_BINH_OLD],
        ("ten-moi", "", want["olds"]["ninh-binh", ""])]

    grid = tables(site.html("thong-ke/"))
    assert grid.heads["bang-tinh-linh-vuc"] == ["Tỉnh, thành phố", *FIELD_LABELS, "Tổng"]
    for _, cells, data in grid.tables["bang-tinh-linh-vuc"]:
        if "data-province" not in data:
            assert [number(c) for c in cells] == [*(want["fields"][f] for f in FIELDS),
                                                  want["total"]]
            continue
        slug = data["data-province"]
        assert [number(c) for c in cells] == [
            *(want["pairs"][slug, f] for f in FIELDS), want["provinces"][slug]], slug
    crossed = {r["province"]: r for r in read_csv(site, "tinh-x-linh-vuc")}
    assert len(crossed) == 34
    for slug, row in crossed.items():
        assert [int(row[f]) for f in FIELDS] == [want["pairs"][slug, f] for f in FIELDS]
        assert int(row["total"]) == want["provinces"][slug]


def test_a_province_page_charts_its_own_entries(sites: dict[str, Site]) -> None:
    """Ninh Bình's page: its entries by field and by year, as charts and tables."""
    site = sites["with"]
    want = expected(site)
    html = site.html("tinh-thanh/ninh-binh/")
    assert len(svgs(html)) == 2
    found = tables(html)
    caption = re.findall(r"<caption>(.*?)</caption>", html)
    assert caption == ["Số mô hình theo lĩnh vực", "Số mô hình theo năm"]
    by_field, by_year = (re.split(r"<table", html)[i] for i in (1, 2))
    assert found.tables == {}  # the province page's tables carry no id: read them by order
    field_rows = tables(f'<table id="f"{by_field.split("</table>")[0]}</table>').tables["f"]
    assert {h: number(c[0]) for h, c, _ in field_rows} == {
        label: want["pairs"]["ninh-binh", slug] for slug, label in zip(FIELDS, FIELD_LABELS,
                                                                       strict=True)}
    year_rows = tables(f'<table id="y"{by_year.split("</table>")[0]}</table>').tables["y"]
    mine = Counter(year for province, _, _, year in ENTRIES.values()
                   if PROVINCES[province][0] == "ninh-binh")
    assert [(int(h), number(c[0])) for h, c, _ in year_rows] == [
        (y, mine[y]) for y in range(max(mine), min(mine) - 1, -1)]
    # A province without entries has no chart.
    assert svgs(site.html("tinh-thanh/cao-bang/")) == []


SVG = re.compile(r'<svg class="dvk-chart__svg.*?</svg>', re.S)


def svgs(html: str) -> list[ET.Element]:
    """The charts of a page, each parsed as XML on its own."""
    return [ET.fromstring(found) for found in SVG.findall(html)]


def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(
        sites: dict[str, Site]) -> None:
    """role="img", named by its <title> and described by its <desc>, which gives the numbers."""
    site = sites["with"]
    ns = "{http://www.w3.org/2000/svg}"
    charts = svgs(site.html("thong-ke/")) + svgs(site.html("tinh-thanh/nghe-an/"))
    assert len(charts) == 6
    for chart in charts:
        title, desc = chart.find(f"{ns}title"), chart.find(f"{ns}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert chart.get("role") == "img"
        assert chart.get("aria-labelledby") == title.get("id")
        assert chart.get("aria-describedby") == desc.get("id")
        assert chart.get("style") is None and not chart.findall(f".//{ns}style")
        assert all(e.get("style") is None for e in chart.iter())
    fields = svgs(site.html("thong-ke/"))[0]
    want = expected(site)
    assert fields.find(f"{ns}desc").text == "; ".join(  # type: ignore[union-attr]
        f"{label}: {want['fields'][slug]} mô hình"
        for slug, label in zip(FIELDS, FIELD_LABELS, strict=True)) + "."


def test_reported_figures_are_shown_apart_and_change_no_count(sites: dict[str, Site]) -> None:
    """With or without the reported figures, every count, table and CSV of entries is the same;
    the figures have their own table, with their source, and their own CSV."""
    with_file, without = sites["with"], sites["without"]
    for name in STAT_FILES:
        assert read_csv(with_file, name) == read_csv(without, name), name
    shown, bare = tables(with_file.html("thong-ke/")), tables(without.html("thong-ke/"))
    counted = {k: v for k, v in shown.tables.items() if not k.startswith("bao-cao-")}
    assert counted == bare.tables
    for page in ("", "tinh-thanh/nghe-an/", "linh-vuc/kinh-te/"):
        assert tables(with_file.html(page)).tables == tables(without.html(page)).tables

    first = shown.tables["bao-cao-1"]
    assert [(h, number(c[0])) for h, c, _ in first[:-1]] == [
        ("Tổng số mô hình", 9000), ("Mô hình tập thể", 8000), ("Lĩnh vực kinh tế", 700)]
    assert first[-1][0] == "Nguồn: “Bài thử”, Báo thử, 24/07/2024."
    assert shown.tables["bao-cao-2"][0][1] == ["trên 123.456"]
    assert "bao-cao-1" not in bare.tables
    rows = read_csv(with_file, "so-lieu-bao-cao")
    assert [(r["province"], r["measure"], int(r["value"]), r["more_than"]) for r in rows] == [
        ("nghe-an", "tong-so", 9000, "false"), ("nghe-an", "tap-the", 8000, "false"),
        ("nghe-an", "kinh-te", 700, "false"), ("ca-nuoc", "tong-so", 123456, "true")]
    assert read_csv(without, "so-lieu-bao-cao") == []
    # The editors' file itself is not published.
    assert not (with_file.out / "so-lieu-bao-cao.yml").exists()


def test_the_csv_files_are_open_data(sites: dict[str, Site]) -> None:
    """Listed in datapackage.json (valid by Frictionless) and in urls.txt, linked from the page."""
    from frictionless import Package

    site = sites["with"]
    package = site.out / "du-lieu" / "datapackage.json"
    names = [r["name"] for r in json.loads(package.read_text(encoding="utf-8"))["resources"]]
    assert [n for n in names if n.startswith("thong-ke-")] == [
        f"thong-ke-{n}" for n in (*STAT_FILES, "so-lieu-bao-cao")]
    report = Package(str(package)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    urls = (site.out / "urls.txt").read_text(encoding="utf-8").splitlines()
    html = site.html("thong-ke/")
    assert "/thong-ke/" in urls
    for name in (*STAT_FILES, "so-lieu-bao-cao"):
        assert f"/du-lieu/thong-ke/{name}.csv" in urls
        assert f'href="../du-lieu/thong-ke/{name}.csv" download' in html


# --- The reported-figures file is checked like an entry ------------------------------------

BROKEN = """\
- province: nghe-an
  period: Năm 2024
  counted: Mô hình thử
  figures:
    - {measure: tong-so, value: 24.250}
    - {measure: tong-so, value: 3}
    - {measure: tong-sô, value: 1}
  source: {title: Bài thử, dat: 2024-07-24}
- province: Nghe Ann
  period: Năm 2024
  counted: Mô hình thử
  figures: []
"""


def _problems(site: Site, text: str) -> list[str]:
    site.raw("so-lieu-bao-cao.yml", text)
    settings = read_settings(site.config)
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(settings)
    return [p.format() for p in caught.value.problems]


def test_a_broken_reported_file_gives_every_problem_at_its_line(site: Site) -> None:
    """Each mistake is named at its line, in Vietnamese and English, all in one run."""
    found = _problems(site, BROKEN)
    path = "content/so-lieu-bao-cao.yml"
    assert found == [
        f"{path}:5: [0].figures[0].value: con số phải là số nguyên không âm, không phải "
        "'24.250'; viết liền không dấu chấm: 24250 (EN: a figure must be a whole number of "
        "at least 0, not '24.250'; write it without separators: 24250)",
        f"{path}:6: [0].figures[1].measure: báo cáo này đã có con số `tong-so` (mục 1); mỗi "
        "con số chỉ ghi một lần: xóa một mục, hoặc tách thành báo cáo khác nếu khác thời gian "
        "hay nguồn (EN: this report already has a `tong-so` figure (item 1); give each figure "
        "once: remove one, or make another report if the period or source differs)",
        f"{path}:7: [0].figures[2].measure: không rõ con số đếm gì: `tong-sô` (có phải "
        "`tong-so`?); dùng một trong: tong-so, tap-the, ca-nhan, kinh-te, van-hoa-xa-hoi, "
        "quoc-phong-an-ninh, xay-dung-he-thong-chinh-tri (EN: unknown measure `tong-sô` (did "
        "you mean `tong-so`?); use one of: tong-so, tap-the, ca-nhan, kinh-te, van-hoa-xa-hoi, "
        "quoc-phong-an-ninh, xay-dung-he-thong-chinh-tri)",
        f"{path}:8: [0].source.dat: trường không được hỗ trợ; có phải `date`? (EN: unknown "
        "field; did you mean `date`?)",
        f"{path}:9: [1].province: tỉnh/thành không xác định \"Nghe Ann\"; có phải \"Nghệ An\"? "
        "Dùng mã một trong 34 đơn vị (ví dụ nghe-an), tên một tỉnh cũ, hoặc ca-nuoc cho cả "
        "nước (EN: unknown province \"Nghe Ann\"; did you mean \"Nghệ An\"? Use the slug of "
        "one of the 34 units (e.g. nghe-an), an old province name, or ca-nuoc for the whole "
        "country)",
        f"{path}:9: [1].source: thiếu trường bắt buộc; hãy thêm dòng `source: …` (EN: required "
        "field is missing; add a `source: …` line)",
        f"{path}:12: [1].figures: danh sách con số đang trống; thêm ít nhất một mục "
        "`- measure: …` kèm `value: …` (EN: the list of figures is empty; add at least one "
        "`- measure: …` with `value: …`)",
    ]


def test_yaml_mistakes_in_the_reported_file_are_located(site: Site) -> None:
    """Broken YAML, and a file that is not a list, name the line and the fix."""
    broken = _problems(site, "- province: nghe-an\n  period: [2024\n")
    assert len(broken) == 1 and broken[0].startswith("content/so-lieu-bao-cao.yml:3: -: YAML")
    assert _problems(site, "province: nghe-an\n") == [
        "content/so-lieu-bao-cao.yml: -: tệp phải là một danh sách báo cáo, mỗi báo cáo bắt "
        "đầu bằng `- province: …` (EN: the file must be a list of reports, each starting with "
        "`- province: …`)"]


def test_dvk_check_reports_the_reported_file(site: Site,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`dvk check` checks the file with the entries, and exits 1 on its errors."""
    site.entry("thu-mot")
    site.raw("so-lieu-bao-cao.yml", BROKEN)
    assert site.run("check", "--format", "json") == 1
    rules = {p["rule"] for p in json.loads(capsys.readouterr().out)["problems"]}
    assert {"bad-number", "duplicate-figure", "unknown-measure", "unknown-province",
            "unknown-key", "missing-field"} <= rules
    shutil.copy(Path(__file__).parents[1] / "content" / "so-lieu-bao-cao.yml",
                site.content / "so-lieu-bao-cao.yml")
    assert site.run("check") == 0  # the bundled file is valid


def test_a_partial_check_checks_the_reported_file_when_named_or_changed(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dvk check <file>` and `--changed-since` reach the figures file, as the full check does."""
    site.entry("thu-mot")
    figures = site.raw("so-lieu-bao-cao.yml", BROKEN)
    assert site.run("check", "--format", "json", str(figures)) == 1
    assert "bad-number" in {p["rule"] for p in json.loads(capsys.readouterr().out)["problems"]}

    shutil.copy(Path(__file__).parents[1] / "content" / "so-lieu-bao-cao.yml", figures)
    who = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "."], [*who, "commit", "-q", "-m", "x"]):
        subprocess.run(["git", "-C", str(site.root), *args], check=True, capture_output=True)
    assert site.run("check", "--changed-since", "HEAD") == 0
    figures.write_text(BROKEN, encoding="utf-8")
    capsys.readouterr()
    assert site.run("check", "--format", "json", "--changed-since", "HEAD") == 1
    assert "bad-number" in {p["rule"] for p in json.loads(capsys.readouterr().out)["problems"]}
