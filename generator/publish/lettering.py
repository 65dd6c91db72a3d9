"""The lettering of the social cards: Be Vietnam Pro at a size, words measured, titles
wrapped to fit, and each word drawn once in ink.

Text is laid out with Raqm when Pillow has it (it does in the official wheels),
which places stacked Vietnamese marks (ấ, ổ, ự) from the font's own mark tables.
A word's image is put together from its letters, each drawn once per size
(``composed``): the same pixels as Pillow's, at a twentieth of the cost.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import fontpkg_be_vietnam_pro
from PIL import Image, ImageDraw, ImageFont, features

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pixels: TypeAlias = npt.NDArray[np.uint8]
    """Palette indexes, a row per line of pixels."""

INK_TOP = 199
"""The darkest ink: the cards' palette runs from paper (0) to ink (199)."""


@cache
def font_version() -> str:
    """The font package's version: part of each card's cache key."""
    return version("fontpkg-be-vietnam-pro")


@cache
def _font_path(weight: str) -> str:
    return str(Path(fontpkg_be_vietnam_pro.ROOT) / "files" / f"BeVietnamPro-{weight}.ttf")


@cache
def typeface(weight: str, size: int) -> ImageFont.FreeTypeFont:
    """Be Vietnam Pro of ``weight`` (Bold, SemiBold, Regular) at ``size`` pixels."""
    engine = (ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC)
    return ImageFont.truetype(_font_path(weight), size, layout_engine=engine)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    # Word widths are measured once per size (titles share most syllables);
    # a line's width is their sum plus the spaces, without kerning across them.
    space = advance(font, " ")
    lines: list[list[str]] = []
    used = 0.0
    for word in text.split():
        wide = advance(font, word)
        if lines and used + space + wide <= width:
            lines[-1].append(word)
            used += space + wide
        else:
            lines.append([word])
            used = wide
    return [" ".join(words) for words in lines]


@lru_cache(maxsize=65536)
def advance(font: ImageFont.FreeTypeFont, word: str) -> float:
    """How far ``word`` moves the pen, shaped."""
    return font.getlength(word)


def fit_title(title: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits the box (at the smallest, cut with "…")."""
    for size in (76, 66, 58, 50, 44):
        font = typeface("Bold", size)
        lines = _wrap(title, font, width)
        if len(lines) * size * LEADING <= height:
            return font, lines
    fitting = max(1, int(height // (size * LEADING)))
    lines = lines[:fitting]
    while font.getlength(lines[-1] + " …") > width and " " in lines[-1]:
        lines[-1] = lines[-1].rsplit(" ", 1)[0]
    lines[-1] += " …"
    return font, lines


LEADING = 1.32
"""Line height over font size: room above for stacked marks, below for dấu nặng."""


def pixels(image: Image.Image) -> Pixels:
    """An "L" image as an array of its values (palette indexes), its own copy."""
    import numpy as np

    return np.asarray(image, dtype=np.uint8).copy()


@lru_cache(maxsize=8192)
def word_image(word: str, size: int) -> tuple[Pixels, int, int]:
    """A title word in ink, and where its image goes from the pen (marks above the line
    and overhangs to the left included)."""
    return composed(word, size) or rendered(word, size)


@lru_cache(maxsize=2048)
def rendered(text: str, size: int) -> tuple[Pixels, int, int]:
    """``text`` drawn by Pillow (shaped by Raqm), and where its image goes from the pen."""
    font = typeface("Bold", size)
    left, top, right, bottom = font.getbbox(text)
    left, top = min(int(left), 0), min(int(top), 0)
    glyphs = Image.new("L", (int(right) - left + 1, int(bottom) - top + 1), 0)
    ImageDraw.Draw(glyphs).text((-left, -top), text, font=font, fill=INK_TOP)
    return pixels(glyphs), left, top


@lru_cache(maxsize=65536)
def _kerning(pair: str, size: int) -> float:
    """How far the font moves the second letter of ``pair`` from where its advance puts it."""
    font = typeface("Bold", size)
    return advance(font, pair) - advance(font, pair[0]) - advance(font, pair[1])


def composed(word: str, size: int) -> tuple[Pixels, int, int] | None:
    """``word`` put together from its letters, each drawn once per size, or None when
    shaping does more than place letters (a ligature, a mark not precomposed).

    Rendering a word costs a fifth of a millisecond, and the rare words of 50,000
    titles miss any cache of words; letters never do. Each letter goes where Pillow
    puts it (the pen, its advance and the pair's kerning, rounded half up), and the
    overlaps keep the darker pixel, as Pillow does: the result is Pillow's, pixel for
    pixel (tests/test_citable.py).
    """
    import numpy as np

    font = typeface("Bold", size)
    if "f" in word or any(unicodedata.combining(ch) for ch in word):
        return None  # the font's ligatures start with f; a lone mark needs shaping
    pens, pen = [], 0.0
    for index, letter in enumerate(word):
        pens.append(math.floor(pen + 0.5))
        pen += advance(font, letter)
        if index + 1 < len(word):
            pen += _kerning(word[index:index + 2], size)
    if abs(pen - advance(font, word)) > 0.01:
        return None  # shaping moved something: draw the word whole
    placed = [(rendered(letter, size), x) for letter, x in zip(word, pens, strict=True)]
    left = min(x + glyph_left for (_, glyph_left, _), x in placed)
    top = min(glyph_top for (_, _, glyph_top), _ in placed)
    right = max(x + glyph_left + glyphs.shape[1] for (glyphs, glyph_left, _), x in placed)
    bottom = max(glyph_top + glyphs.shape[0] for (glyphs, _, glyph_top), _ in placed)
    canvas = np.zeros((bottom - top, right - left), dtype=np.uint8)
    for (glyphs, glyph_left, glyph_top), x in placed:
        y0, x0 = glyph_top - top, x + glyph_left - left
        box = canvas[y0:y0 + glyphs.shape[0], x0:x0 + glyphs.shape[1]]
        np.maximum(box, glyphs, out=box)
    return canvas, left, top
