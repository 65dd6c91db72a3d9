"""Social cards: a 1200×630 PNG per entry and per index, drawn with Pillow in Be Vietnam Pro.

A card shows the title, the province and the field. Text is NFC-normalised and
lettered as generator/publish/lettering.py says.
Each card is cached by a digest of what it shows and of this design, so a
rebuild draws only cards whose text changed, and a fork per core draws the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import struct
import time
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from PIL import Image, ImageDraw

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.lifetime import die_with_parent
from generator.core.text import vi_number
from generator.pages.views import EntryPage, ListingPage, PressPage, SitePages
from generator.publish.lettering import (
    INK_TOP,
    LEADING,
    advance,
    fit_title,
    font_version,
    pixels,
    typeface,
    word_image,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pixels: TypeAlias = npt.NDArray[np.uint8]
    """Palette indexes, a row per line of pixels."""

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
STALE_CARD_SECONDS = 24 * 3600
"""A cached card no page shows is deleted once this old."""
DESIGN = "6"
"""Bump when the drawing or the encoding changes, so cached cards are drawn again."""
PAPER, INK, RED, GOLD = (255, 253, 247), (33, 33, 33), (183, 28, 28), (255, 193, 7)
# The card is drawn in one 8-bit channel whose values index a palette: 0-199
# run from paper to ink, 200-251 from paper to red, then two solid colours.
# Anti-aliased text is then exact, and the PNG needs no quantising (a third
# of the time of drawing in RGB and reducing the colours after).
RED_BASE, RED_TOP, GOLD_INDEX, RED_INDEX = 200, 251, 252, 253
MUTED_LEVEL = 150
"""The facts under the title: three quarters of the way from paper to ink."""
TITLE_TOP = 124
FACT_STEP = 48
"""The card's file name, next to its page."""
FORK_THRESHOLD = 64
"""Fewer cards than this are drawn in the build's own process."""


@dataclass(frozen=True, slots=True)
class Card:
    """What one card shows, and the page folder it belongs to ("" for the site)."""

    folder: str
    title: str
    lines: tuple[str, ...]
    """Facts under the title: the province, the field."""
    site: str

    @property
    def dest_uri(self) -> str:
        """The published file, relative to the site root."""
        return self.folder + urls.CARD

    @property
    def digest(self) -> str:
        """Of the text and the design: the cache key."""
        text = "\x1f".join((DESIGN, font_version(), self.title, *self.lines, self.site))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@cache
def _palette() -> list[int]:
    def blend(colour: tuple[int, int, int], share: float) -> list[int]:
        return [round(p + (c - p) * share) for p, c in zip(PAPER, colour, strict=True)]

    palette: list[int] = []
    for value in range(256):
        if value <= INK_TOP:
            palette += blend(INK, value / INK_TOP)
        elif value <= RED_TOP:
            palette += blend(RED, (value - RED_BASE) / (RED_TOP - RED_BASE))
        elif value == GOLD_INDEX:
            palette += list(GOLD)
        else:
            palette += list(RED)
    return palette


@lru_cache(maxsize=1024)
def _label(text: str, weight: str, size: int, level: int, red: bool = False) -> Pixels:
    """A line that recurs on many cards (the site, a province, a field), drawn once."""
    face = typeface(weight, size)
    _, _, right, bottom = face.getbbox(text)
    label = Image.new("L", (int(right), int(bottom)), 0)
    ImageDraw.Draw(label).text((0, 0), text, font=face, fill=level)
    if red:  # drawn in the ink range, then moved to the red range of the palette
        span = RED_TOP - RED_BASE
        label = label.point(lambda v: RED_BASE + v * span // INK_TOP if v else 0)
    return pixels(label)


def draw(card: Card) -> Image.Image:
    """The card, as a palette image."""
    import numpy as np

    pixels = np.ascontiguousarray(_scanlines(card)[:, 1:])
    card_image = Image.frombuffer("P", (WIDTH, HEIGHT), pixels.tobytes(), "raw", "P", 0, 1)
    card_image.putpalette(_palette())
    return card_image


def png(card: Card) -> bytes:
    """The card as a PNG file: 8-bit palette, unfiltered rows.

    Written here rather than by Pillow, whose encoder is zlib: zlib-ng's deflate
    at level 2 takes a third of zlib's time (level 1) for a smaller file,
    and the encoding was two thirds of a card's cost. Not ISA-L's, which took
    half the time: once in about 10,000 cards its level 1 chose other matches for
    the same pixels, and two builds of one commit differed.
    """
    from zlib_ng import zlib_ng  # imported by the builds that draw (numpy too)

    # Scanlines drawn one pixel to the right: column 0 stays 0, the byte that
    # says "filter: none" in front of each row, so the pixels are the stream.
    stream = zlib_ng.compress(_scanlines(card), 2)
    return b"".join((PNG_SIGNATURE, _png_head(), _chunk(b"IDAT", stream), _chunk(b"IEND", b"")))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def _png_head() -> bytes:
    # 8 bits a pixel, colour type 3 (palette), deflate, no filter method, no interlace.
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0)
    return _chunk(b"IHDR", header) + _chunk(b"PLTE", bytes(_palette()))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return b"".join((struct.pack(">I", len(data)), kind, data,
                     struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))))


def _scanlines(card: Card) -> Pixels:
    """The card's palette indexes, one pixel to the right of a zero column.

    Composed in a numpy array: Pillow copies an image line by line, which took
    more time than drawing, and the array is the deflate input as it is.
    """
    canvas = _blank(card.site).copy()
    facts_top = HEIGHT - MARGIN - FACT_STEP * len(card.lines)
    title_font, lines = fit_title(_nfc(card.title), WIDTH - 2 * MARGIN,
                                   facts_top - 24 - TITLE_TOP)
    step = (title_font.size or 0) * LEADING
    space = advance(title_font, " ")
    for number, line in enumerate(lines):
        x, y = float(LEFT), TITLE_TOP + number * step
        for word in line.split(" "):
            # Word by word, each drawn once per size: titles share most of their
            # syllables, and shaping a line is most of a card's drawing.
            glyphs, left, top = word_image(word, title_font.size or 0)
            _paste(canvas, glyphs, round(x) + left, round(y) + top)
            x += advance(title_font, word) + space
    for number, fact in enumerate(card.lines):
        _paste(canvas, _label(_nfc(fact), "Regular", 34, MUTED_LEVEL),
               LEFT, facts_top + number * FACT_STEP)
    return canvas


def _paste(canvas: Pixels, glyphs: Pixels, x: int, y: int) -> None:
    """``Image.paste`` without a mask: the box is replaced, clipped to the canvas."""
    height, width = glyphs.shape
    top, left = max(y, 0), max(x, 0)
    bottom, right = min(y + height, HEIGHT), min(x + width, WIDTH + 1)
    if top < bottom and left < right:
        canvas[top:bottom, left:right] = glyphs[top - y:bottom - y, left - x:right - x]


LEFT = MARGIN + 1
"""Where text starts in the scanlines, past their filter-byte column."""


@lru_cache(maxsize=4)
def _blank(site: str) -> Pixels:
    """What every card of the site shows: the bars and the site's name."""
    import numpy as np

    canvas = np.zeros((HEIGHT, WIDTH + 1), dtype=np.uint8)
    canvas[0:14, 1:] = RED_INDEX
    canvas[14:19, 1:] = GOLD_INDEX
    _paste(canvas, _label(_nfc(site.upper()), "SemiBold", 30, INK_TOP, red=True), LEFT, 60)
    return canvas


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def render_cards(cards: Sequence[Card], cache_dir: Path) -> dict[str, str]:
    """Card dest URI -> name of its PNG file in the cache, drawing the ones not cached yet."""
    return Drawing(cards, cache_dir).wait()


class Drawing:
    """The cards not cached yet, being drawn on every core while the caller goes on with
    other work (a first build makes its search index): the processes share the cores."""

    def __init__(self, cards: Sequence[Card], cache_dir: Path) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = cache_dir
        cached = set(os.listdir(cache_dir))  # noqa: PTH208 (names, not 50,000 Paths)
        self.found: dict[str, str] = {}
        missing: list[tuple[Card, Path]] = []
        for card in cards:
            name = self.found[card.dest_uri] = f"{card.digest}.png"
            if name not in cached:
                missing.append((card, cache_dir / name))
        # Cards no page shows any more (an edited title, an older design): the cache
        # would otherwise grow by a card per edit, for ever, in a deploy job too.
        # Only those a day old: another build running meanwhile (dvk serve beside
        # dvk build) may still be about to link one into its site.
        old = time.time() - STALE_CARD_SECONDS
        for stale in cached - set(self.found.values()):
            path = cache_dir / stale
            with contextlib.suppress(FileNotFoundError):
                if stale.endswith(".png") and path.stat().st_mtime < old:
                    path.unlink()
        self._children: list[int] = []
        if len(missing) < FORK_THRESHOLD or (os.cpu_count() or 1) < 2:
            _draw_all(missing)
        else:
            self._children = _fork_drawers(missing)

    def wait(self) -> dict[str, str]:
        """Card dest URI -> name of its PNG file in the cache, once every card is drawn."""
        children, self._children = self._children, []
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
        if failed:
            raise RuntimeError(f"drawing social cards failed in {len(failed)} worker(s)")
        return self.found

    def stop(self) -> None:
        """Stop drawing (the build failed): no card is half-written, each is renamed whole."""
        children, self._children = self._children, []
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _draw_all(work: Iterable[tuple[Card, Path]]) -> None:
    for card, path in work:
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(png(card))
        partial.replace(path)  # atomic: a killed build never caches half a card


def _fork_drawers(work: list[tuple[Card, Path]]) -> list[int]:
    # One child per core, each drawing a stride of the list; fork shares the
    # loaded fonts. A failed child leaves its cards undrawn, which is reported.
    workers = min(os.cpu_count() or 1, 4)
    children = []
    parent = os.getpid()
    for index in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (child)
            code = 0
            try:
                die_with_parent(parent)  # a killed build stops drawing too
                _draw_all(work[index::workers])
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    return children


def site_cards(site_pages: SitePages, catalogue: Catalogue) -> list[Card]:
    """The social card of every entry, of every index and of the site."""
    site = catalogue.settings.site.name
    found = [Card("", "Các mô hình “Dân vận khéo” tiêu biểu trên cả nước",
                  ("Theo tỉnh, thành phố, lĩnh vực và năm",), site)]
    kinds = {"province": "Tỉnh, thành phố", "field": "Lĩnh vực", "year": "Theo năm",
             "kind": "Tập thể, cá nhân"}
    for page in site_pages.pages.values():
        context = page.context
        if isinstance(context, EntryPage):
            entry = context.entry
            found.append(Card(entry.url, entry.title, (entry.province_label, entry.field.label),
                              site))
        elif isinstance(context, ListingPage) and context.pagination.number == 1:
            found.append(Card(context.pagination.urls[0], context.heading,
                              (kinds[context.index], f"{vi_number(context.total)} mô hình"), site))
        elif isinstance(context, PressPage) and context.pagination.number == 1:
            found.append(Card(context.pagination.urls[0], context.heading,
                              ("Báo chí", f"{vi_number(context.total)} bài báo"), site))
    return found
