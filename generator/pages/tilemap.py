"""The map of the 34 units of 2025: one square tile each, placed roughly where it lies.

No outline map: public boundary data of the 34 units of 1/7/2025 is not
published in a package registry under a licence we could ship, and the units
are new, so a tile grid it is. A tile grid also suits the data better than
an outline would: every unit gets the same room, so Hà Nội and Huế are as
easy to find and to tap as Gia Lai, whatever their area.

The grid (``GRID``) is data: 5 columns by 16 rows, north at the top, each
tile touching the tiles of the units it borders as far as a grid allows
(tests/test_map.py checks each tile's neighbours against the borders). The
markup is an inline SVG of links in north-to-south order, so that Tab walks
the country from Lai Châu to Cà Mau; each link is named "Nghệ An: 5 mô hình";
a list of the 34 with their counts follows it, for readers who do not use the
map. Colours come from CSS classes (theme/assets/stylesheets/dvk.css), so the
map follows the light and dark schemes and needs no ``style`` attribute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.provinces import Province
from generator.core.text import vi_number


@dataclass(frozen=True, slots=True)
class Tile:
    """Where a unit sits on the grid and what its tile says."""

    row: int
    """0 is the northernmost row."""
    col: int
    """0 is the westernmost column."""
    label: tuple[str, ...]
    """The lines written on the tile: the name, a syllable group a line."""
    name: str = ""
    """The name a screen reader says, when the registry's short name is not clear alone."""


COLUMNS = 5
ROWS = 16
GRID: dict[str, Tile] = {
    # The north: the border with China, then the mountains and the Red River delta.
    "lai-chau": Tile(0, 1, ("Lai", "Châu")),
    "lao-cai": Tile(0, 2, ("Lào", "Cai")),
    "tuyen-quang": Tile(0, 3, ("Tuyên", "Quang")),
    "cao-bang": Tile(0, 4, ("Cao", "Bằng")),
    "dien-bien": Tile(1, 0, ("Điện", "Biên")),
    "son-la": Tile(1, 1, ("Sơn", "La")),
    "phu-tho": Tile(1, 2, ("Phú", "Thọ")),
    "thai-nguyen": Tile(1, 3, ("Thái", "Nguyên")),
    "lang-son": Tile(1, 4, ("Lạng", "Sơn")),
    "ha-noi": Tile(2, 2, ("Hà", "Nội")),
    "bac-ninh": Tile(2, 3, ("Bắc", "Ninh")),
    "quang-ninh": Tile(2, 4, ("Quảng", "Ninh")),
    "thanh-hoa": Tile(3, 1, ("Thanh", "Hóa")),
    "ninh-binh": Tile(3, 2, ("Ninh", "Bình")),
    "hung-yen": Tile(3, 3, ("Hưng", "Yên")),
    "hai-phong": Tile(3, 4, ("Hải", "Phòng")),
    # The narrow centre, along the coast to the south-east.
    "nghe-an": Tile(4, 1, ("Nghệ", "An")),
    "ha-tinh": Tile(5, 2, ("Hà", "Tĩnh")),
    "quang-tri": Tile(6, 2, ("Quảng", "Trị")),
    "hue": Tile(7, 3, ("Huế",)),
    "da-nang": Tile(8, 3, ("Đà", "Nẵng")),
    # The south-central coast and the Central Highlands: merged units span both.
    "quang-ngai": Tile(9, 4, ("Quảng", "Ngãi")),
    "gia-lai": Tile(10, 4, ("Gia", "Lai")),
    "dak-lak": Tile(11, 4, ("Đắk", "Lắk")),
    "dong-nai": Tile(12, 2, ("Đồng", "Nai")),
    "lam-dong": Tile(12, 3, ("Lâm", "Đồng")),
    "khanh-hoa": Tile(12, 4, ("Khánh", "Hòa")),
    # The south-east and the Mekong delta.
    "tay-ninh": Tile(13, 1, ("Tây", "Ninh")),
    "ho-chi-minh": Tile(13, 2, ("TP", "HCM"), name="TP Hồ Chí Minh"),
    "an-giang": Tile(14, 0, ("An", "Giang")),
    "dong-thap": Tile(14, 1, ("Đồng", "Tháp")),
    "ca-mau": Tile(15, 0, ("Cà", "Mau")),
    "can-tho": Tile(15, 1, ("Cần", "Thơ")),
    "vinh-long": Tile(15, 2, ("Vĩnh", "Long")),
}

CELL = 50
"""Side of a grid cell, in SVG units; a tile leaves a gap of ``GAP`` to its neighbours."""
GAP = 4
CLASSES = 5
"""Colour classes: 0 is "none yet", 1 to 4 go from few to most."""


@dataclass(frozen=True, slots=True)
class Band:
    """A range of counts shown in one colour, for the legend."""

    low: int
    high: int
    colour: int
    """The class, 0 to 4 (``dvk-map__c0`` … ``dvk-map__c4``)."""

    @property
    def label(self) -> str:
        """"Chưa có", "3" or "4–5", as the legend writes it."""
        if self.high == 0:
            return "Chưa có"
        if self.low == self.high:
            return vi_number(self.low)
        return f"{vi_number(self.low)}–{vi_number(self.high)}"


def _round1(value: float) -> int:
    """``value`` to one significant figure: 12.5 -> 10, 156 -> 200."""
    unit = 10 ** math.floor(math.log10(value))
    return int(round(value / unit) * unit)


def bands(top: int) -> tuple[Band, ...]:
    """The legend for counts from 0 to ``top``: "none", then up to 4 ranges of counts.

    The upper bounds grow geometrically (top^¼, top^½, top^¾, top), rounded to one
    significant figure, so that a few dozen entries and Hà Nội's 24,250 both spread
    over the scale. With fewer than four distinct ranges (few entries), the ranges
    take the darkest colours: the unit with the most always reads as "most".
    """
    none = Band(0, 0, 0)
    if top <= 0:
        return (none,)
    uppers: list[int] = []
    for step in (1, 2, 3):
        upper = _round1(top ** (step / 4))
        if upper >= top:
            break
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    uppers.append(top)
    first = CLASSES - len(uppers)
    found = [none]
    low = 1
    for colour, upper in enumerate(uppers, start=first):
        found.append(Band(low, upper, colour))
        low = upper + 1
    return tuple(found)


def _colour(count: int, scale: Sequence[Band]) -> int:
    return next(b.colour for b in scale if b.low <= count <= b.high)


def spoken_count(count: int) -> str:
    """"5 mô hình", or "chưa có mô hình" for none."""
    return f"{vi_number(count)} mô hình" if count else "chưa có mô hình"


def _link(root: str, province: Province) -> str:
    return root + urls.index(urls.PROVINCES, province.slug)


def province_map(catalogue: Catalogue, root: str = "", ident: str = "dvk-map") -> Markup:
    """The tile map of the 34 units, its legend and its list, as one ``<figure>``.

    ``root`` leads from the page the map is on to the site root: "" on the
    home page, "../" on /thong-ke/ (MkDocs' ``base_url`` + "/" does too).
    ``ident`` prefixes the ids of the figure's parts, unique on the page.
    """
    if root and not root.endswith("/"):
        root += "/"
    if root == "./":
        root = ""
    by_slug = {p.slug: p for p in catalogue.provinces}
    missing = set(by_slug) ^ set(GRID)
    if missing:  # the registry and the grid must name the same 34 units
        raise ValueError(f"the tile map and the province registry differ: {sorted(missing)}")
    counts = {slug: len(catalogue.in_province(p)) for slug, p in by_slug.items()}
    scale = bands(max(counts.values(), default=0))
    width, height = COLUMNS * CELL, ROWS * CELL
    side = CELL - GAP
    title = f"Bản đồ {len(by_slug)} tỉnh, thành phố theo số mô hình"
    most = max(by_slug.values(), key=lambda p: counts[p.slug])
    none = sum(1 for c in counts.values() if c == 0)
    summary = ("Mỗi ô là một tỉnh, thành phố, xếp gần đúng theo vị trí từ Bắc vào Nam; "
               "màu càng đậm, càng nhiều mô hình.")
    if counts[most.slug]:
        summary += f" Nhiều nhất: {most.name}, {spoken_count(counts[most.slug])}."
    if none:
        summary += f" {none} tỉnh, thành phố chưa có mô hình."

    caption = ("Mỗi ô là một tỉnh, thành phố, đặt gần đúng theo vị trí từ Bắc vào Nam; "
               "màu càng đậm, càng nhiều mô hình. Chọn một ô để xem các mô hình ở đó.")
    parts = [
        # The caption first: a figure's caption is its first or last child, and the
        # list comes last; CSS places each part (theme/assets/stylesheets/dvk.css).
        f'<figure class="dvk-map"><figcaption>{escape(caption)}</figcaption>',
        f'<svg class="dvk-map__svg" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]
    order = sorted(GRID.items(), key=lambda item: (item[1].row, item[1].col))
    for slug, tile in order:
        province = by_slug[slug]
        count = counts[slug]
        name = f"{tile.name or province.name}: {spoken_count(count)}"
        x, y = tile.col * CELL + GAP / 2, tile.row * CELL + GAP / 2
        middle = x + side / 2
        # Lines 13 units apart, centred on the tile's middle.
        first = tile.row * CELL + CELL / 2 - (len(tile.label) - 1) * 6.5
        spans = "".join(
            f'<tspan x="{middle:g}" y="{first + 13 * i:g}">{escape(line)}</tspan>'
            for i, line in enumerate(tile.label))
        parts.append(
            f'<a href="{escape(_link(root, province))}" '
            f'class="dvk-map__tile dvk-map__c{_colour(count, scale)}" data-slug="{slug}">'
            f"<title>{escape(name)}</title>"
            f'<rect x="{x:g}" y="{y:g}" width="{side}" height="{side}" rx="4"/>'
            f'<text aria-hidden="true">{spans}</text></a>')
    parts.append("</svg>")

    parts.append(f'<div class="dvk-map__legend"><p id="{ident}-legend">Số mô hình</p>'
                 f'<ul aria-labelledby="{ident}-legend">')
    for band in scale:
        parts.append(f'<li><span class="dvk-map__swatch dvk-map__c{band.colour}"></span>'
                     f"{escape(band.label)}</li>")
    parts.append("</ul></div>")
    parts.append('<details class="dvk-map__list"><summary>Xem dạng danh sách</summary>'
                 '<ul class="dvk-hub dvk-hub--compact">')
    for province in catalogue.provinces:
        parts.append(
            f'<li><a href="{escape(_link(root, province))}">'
            f'<span class="dvk-hub__label">{escape(province.name)}</span> '
            f'<span class="dvk-hub__count">{vi_number(counts[province.slug])}</span>'
            "</a></li>")
    parts.append("</ul></details></figure>")
    return Markup("".join(parts))
