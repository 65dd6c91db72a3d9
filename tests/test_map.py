"""The tile map of the 34 units (generator/pages/tilemap.py): its grid, its markup, its counts,
and a keyboard walk through it in a real Chromium."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from playwright.sync_api import Browser

from conftest import REPO, Site
from generator.pages.tilemap import COLUMNS, GRID, ROWS, bands

REGISTRY = REPO / "generator" / "core" / "data" / "provinces.yml"

# Land borders between the 34 units of 1/7/2025 (each merged unit borders what any of
# its old units bordered), written out from the map rather than taken from the code.
BORDERS = {
    "lai-chau": {"dien-bien", "son-la", "lao-cai"},
    "dien-bien": {"lai-chau", "son-la"},
    "lao-cai": {"lai-chau", "son-la", "phu-tho", "tuyen-quang"},
    "tuyen-quang": {"lao-cai", "cao-bang", "thai-nguyen", "phu-tho"},
    "cao-bang": {"tuyen-quang", "thai-nguyen", "lang-son"},
    "son-la": {"lai-chau", "dien-bien", "lao-cai", "phu-tho", "thanh-hoa"},
    "phu-tho": {"son-la", "lao-cai", "tuyen-quang", "thai-nguyen", "ha-noi", "ninh-binh",
                "thanh-hoa"},
    "thai-nguyen": {"cao-bang", "lang-son", "tuyen-quang", "phu-tho", "ha-noi", "bac-ninh"},
    "lang-son": {"cao-bang", "thai-nguyen", "bac-ninh", "quang-ninh"},
    "ha-noi": {"phu-tho", "thai-nguyen", "bac-ninh", "hung-yen", "ninh-binh"},
    "bac-ninh": {"thai-nguyen", "lang-son", "quang-ninh", "hai-phong", "hung-yen", "ha-noi"},
    "quang-ninh": {"lang-son", "bac-ninh", "hai-phong"},
    "hai-phong": {"quang-ninh", "bac-ninh", "hung-yen"},
    "hung-yen": {"ha-noi", "bac-ninh", "hai-phong", "ninh-binh"},
    "ninh-binh": {"ha-noi", "hung-yen", "phu-tho", "thanh-hoa"},
    "thanh-hoa": {"son-la", "phu-tho", "ninh-binh", "nghe-an"},
    "nghe-an": {"thanh-hoa", "ha-tinh"},
    "ha-tinh": {"nghe-an", "quang-tri"},
    "quang-tri": {"ha-tinh", "hue"},
    "hue": {"quang-tri", "da-nang"},
    "da-nang": {"hue", "quang-ngai"},
    "quang-ngai": {"da-nang", "gia-lai"},
    "gia-lai": {"quang-ngai", "dak-lak"},
    "dak-lak": {"gia-lai", "khanh-hoa", "lam-dong"},
    "khanh-hoa": {"dak-lak", "lam-dong"},
    "lam-dong": {"dak-lak", "khanh-hoa", "dong-nai", "ho-chi-minh"},
    "dong-nai": {"lam-dong", "ho-chi-minh", "tay-ninh"},
    "ho-chi-minh": {"dong-nai", "lam-dong", "tay-ninh", "dong-thap"},
    "tay-ninh": {"dong-nai", "ho-chi-minh", "dong-thap"},
    "dong-thap": {"tay-ninh", "ho-chi-minh", "an-giang", "can-tho", "vinh-long"},
    "an-giang": {"dong-thap", "can-tho", "ca-mau"},
    "can-tho": {"an-giang", "dong-thap", "vinh-long", "ca-mau"},
    "vinh-long": {"dong-thap", "can-tho"},
    "ca-mau": {"an-giang", "can-tho"},
}
NAME = re.compile(r"^(?P<name>.+): (?:(?P<count>[\d.]+) mô hình|chưa có mô hình)$")


def registry() -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["units"]
    return units


def distance(a: str, b: str) -> int:
    """Chebyshev distance between two tiles: 1 when they touch, corners included."""
    return max(abs(GRID[a].row - GRID[b].row), abs(GRID[a].col - GRID[b].col))


# ---------------------------------------------------------------------------
# The grid, without a build.


def test_the_grid_has_one_tile_per_unit_in_its_bounds() -> None:
    """Exactly the registry's 34 slugs, each on its own cell of the 5 × 16 grid."""
    assert set(GRID) == {u["slug"] for u in registry()}
    assert len(GRID) == 34
    cells = Counter((t.row, t.col) for t in GRID.values())
    assert max(cells.values()) == 1, [c for c, n in cells.items() if n > 1]
    assert all(0 <= t.row < ROWS and 0 <= t.col < COLUMNS for t in GRID.values())
    assert {t.row for t in GRID.values()} == set(range(ROWS)), "no empty row"
    assert set(BORDERS) == set(GRID)
    assert all(a in BORDERS[b] for a in BORDERS for b in BORDERS[a]), "borders are mutual"


def test_tiles_that_share_an_edge_are_units_that_share_a_border() -> None:
    """No false neighbours: two tiles side by side, or one above the other, border each other."""
    false = [(a, b) for a in GRID for b in GRID
             if a < b and abs(GRID[a].row - GRID[b].row) + abs(GRID[a].col - GRID[b].col) == 1
             and b not in BORDERS[a]]
    assert not false


def test_units_that_share_a_border_are_close_on_the_grid() -> None:
    """Every border is kept within two cells, nine in ten by touching tiles (corners count),
    and every tile touches at least one unit it borders."""
    pairs = {tuple(sorted((a, b))) for a in BORDERS for b in BORDERS[a]}
    far = [p for p in pairs if distance(*p) > 2]
    assert not far
    touching = [p for p in pairs if distance(*p) == 1]
    assert len(touching) >= 0.9 * len(pairs), sorted(pairs - set(touching))
    assert all(any(distance(a, b) == 1 for b in BORDERS[a]) for a in GRID)


def test_north_to_south_the_grid_follows_the_latitude_of_famous_places() -> None:
    """Hà Nội above Huế above Đà Nẵng above TP Hồ Chí Minh above Cà Mau; the north is wider."""
    rows = [GRID[s].row for s in ("ha-noi", "hue", "da-nang", "ho-chi-minh", "ca-mau")]
    assert rows == sorted(rows) and len(set(rows)) == 5
    assert GRID["quang-ninh"].col > GRID["ha-noi"].col > GRID["dien-bien"].col


@pytest.mark.parametrize(("top", "labels", "colours"), [
    (0, ["Chưa có"], [0]),
    (1, ["Chưa có", "1"], [0, 4]),
    (3, ["Chưa có", "1", "2", "3"], [0, 2, 3, 4]),
    (5, ["Chưa có", "1", "2", "3", "4–5"], [0, 1, 2, 3, 4]),
    (24250, ["Chưa có", "1–10", "11–200", "201–2.000", "2.001–24.250"], [0, 1, 2, 3, 4]),
])
def test_the_legend_spreads_counts_over_five_classes(
        top: int, labels: list[str], colours: list[int]) -> None:
    """Ranges grow geometrically; with few entries the unit with the most is darkest."""
    scale = bands(top)
    assert [b.label for b in scale] == labels
    assert [b.colour for b in scale] == colours
    assert scale[-1].high == top
    assert all(a.high + 1 == b.low for a, b in pairwise(scale))


# ---------------------------------------------------------------------------
# The map in the built site.


def home_svg(site_dir: Path) -> ET.Element:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<svg class="dvk-map__svg".*?</svg>', html, re.DOTALL)
    assert match, "the home page has the map"
    return ET.fromstring(match.group(0))  # raises if the SVG is not well-formed XML


def tiles(svg: ET.Element) -> list[ET.Element]:
    return [a for a in svg if a.tag == "a"]


def counted(name: str) -> tuple[str, int]:
    match = NAME.match(name)
    assert match, f"accessible name {name!r}"
    return match["name"], int((match["count"] or "0").replace(".", ""))


def counts_from_entry_files(content: Path) -> Counter[str]:
    """Entries per unit, read from the entry files' front matter and provinces.yml alone."""
    names: dict[str, str] = {}
    for unit in registry():
        for name in (unit["slug"], unit["name"], unit["full_name"],
                     *(old["name"] for old in unit["formed_from"])):
            names[name.casefold()] = unit["slug"]
    found: Counter[str] = Counter()
    for path in sorted((content / "mo-hinh").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        found[names[str(front["province"]).casefold()]] += 1
    return found


def test_the_map_is_well_formed_svg_with_a_title_and_a_description(bundled_site: Path) -> None:
    """The SVG parses as XML; its first children are the <title> and <desc> it is named by."""
    svg = home_svg(bundled_site)
    assert [child.tag for child in svg][:2] == ["title", "desc"]
    title, desc = svg[0], svg[1]
    assert title.text == "Bản đồ 34 tỉnh, thành phố theo số mô hình"
    assert "từ Bắc vào Nam" in (desc.text or "")
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")


def test_the_map_has_34_tiles_each_linking_to_its_province_page(bundled_site: Path) -> None:
    """34 links, one per unit, in north-to-south order; each resolves to a built page."""
    found = tiles(home_svg(bundled_site))
    assert len(found) == 34
    slugs = [a.get("data-slug") for a in found]
    assert sorted(map(str, slugs)) == sorted(GRID)
    rects = [a.find("rect") for a in found]
    positions = [(float(r.get("y", "")), float(r.get("x", ""))) for r in rects if r is not None]
    assert positions == sorted(positions), "tiles come north to south, west to east"
    for a, slug in zip(found, slugs, strict=True):
        url = urljoin("https://example.org/", a.get("href", ""))
        assert url == f"https://example.org/tinh-thanh/{slug}/"
        assert (bundled_site / "tinh-thanh" / str(slug) / "index.html").is_file()


def test_the_counts_in_the_names_are_those_of_the_entry_files(bundled_site: Path) -> None:
    """Each tile says "<name>: N mô hình" with N counted from content/ independently."""
    expected = counts_from_entry_files(REPO / "content")
    assert sum(expected.values()) > 0
    names = {u["slug"]: u["name"] for u in registry()}
    for a in tiles(home_svg(bundled_site)):
        title = a.find("title")
        assert title is not None and a[0] is title, "the name is the link's first child"
        name, count = counted(title.text or "")
        slug = str(a.get("data-slug"))
        assert name == ("TP Hồ Chí Minh" if slug == "ho-chi-minh" else names[slug])
        assert count == expected[slug], slug


def test_old_names_count_for_the_new_unit_and_the_list_repeats_the_map(site: Site) -> None:
    """An entry filed as "Hà Nam" counts for Ninh Bình; the list under the map has the same
    34 links and counts; the colour of each tile follows the legend's classes."""
    for number in range(3):
        site.entry(f"mo-hinh-nghe-an-{number}", province="nghe-an")
    site.entry("mo-hinh-ha-nam", province="Hà Nam", folder="ninh-binh")
    assert site.run("build", "--strict") == 0
    svg = home_svg(site.out)
    by_slug = {a.get("data-slug"): a for a in tiles(svg)}
    assert counted(by_slug["ninh-binh"][0].text or "") == ("Ninh Bình", 1)
    assert counted(by_slug["nghe-an"][0].text or "") == ("Nghệ An", 3)
    assert counted(by_slug["cao-bang"][0].text or "") == ("Cao Bằng", 0)
    colours = {slug: a.get("class", "").split()[-1] for slug, a in by_slug.items()}
    assert (colours["nghe-an"], colours["ninh-binh"], colours["cao-bang"]) == (
        "dvk-map__c4", "dvk-map__c2", "dvk-map__c0")  # bands(3): none, 1, 2, 3
    html = site.html("")
    listing = html.split('<details class="dvk-map__list">', 1)[1].split("</details>", 1)[0]
    links = re.findall(r'<a href="tinh-thanh/([a-z-]+)/"><span class="dvk-hub__label">'
                       r'[^<]+</span> <span class="dvk-hub__count">(\d+)</span>', listing)
    assert len(links) == 34 and dict(links)["nghe-an"] == "3"
    legend = re.findall(r'dvk-map__swatch dvk-map__c(\d)"></span>([^<]+)</li>', html)
    assert legend == [("0", "Chưa có"), ("2", "1"), ("3", "2"), ("4", "3")]
    assert "style=" not in html.split('<figure class="dvk-map">', 1)[1].split("</figure>")[0]


# ---------------------------------------------------------------------------
# In a browser: the keyboard walk and the phone screen.



FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {slug: el.getAttribute("data-slug"), href: el.getAttribute("href"),
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0};
}"""


@pytest.mark.browser
def test_tab_walks_the_map_north_to_south_and_enter_follows_a_tile(
        browser: Browser, bundled_server: str) -> None:
    """From the top of the home page, Tab reaches the 34 tiles one after another, north to
    south, each with a visible focus ring; Enter on Nghệ An opens its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(bundled_server)
        page.wait_for_load_state("load")
        walked: list[str] = []
        for _ in range(150):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["slug"]:
                assert focused["outline"], f"no visible focus on {focused}"
                walked.append(focused["slug"])
            elif walked:
                break
        expected = sorted(GRID, key=lambda slug: (GRID[slug].row, GRID[slug].col))
        assert walked == expected
        assert walked[0] == "lai-chau" and walked[-1] == "vinh-long"

        page.goto(bundled_server)
        page.wait_for_load_state("load")
        for _ in range(150):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUSED)["slug"] == "nghe-an":
                break
        page.keyboard.press("Enter")
        page.wait_for_url("**/tinh-thanh/nghe-an/")
        assert page.locator("h1").inner_text() == "Tỉnh Nghệ An"
    finally:
        context.close()


@pytest.mark.browser
def test_the_whole_map_fits_a_phone_screen(browser: Browser, bundled_server: str) -> None:
    """At 360 × 800 the map and its legend fit the width and, below the header, the height;
    tiles are at least 40 px, and the page does not scroll sideways."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(bundled_server)
        page.wait_for_load_state("load")
        box = page.evaluate("""() => {
          const rect = e => e.getBoundingClientRect();
          const svg = rect(document.querySelector('.dvk-map__svg'));
          const legend = rect(document.querySelector('.dvk-map__legend'));
          const tile = rect(document.querySelector('.dvk-map__tile rect'));
          const header = rect(document.querySelector('.md-header'));
          return {svg: [svg.width, svg.height], legendRight: legend.right, tile: tile.width,
                  header: header.height, scroll: document.documentElement.scrollWidth};
        }""")
        assert box["scroll"] <= 360
        assert box["legendRight"] <= 360
        assert box["tile"] >= 40
        assert box["svg"][1] <= 800 - box["header"]
    finally:
        context.close()
