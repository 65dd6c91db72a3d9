"""Be Vietnam Pro, subset to Vietnamese and served from the site itself.

fontpkg-be-vietnam-pro ships TTF files of about 130 KB each. fontTools subsets
them to the characters Vietnamese text uses and compresses them to WOFF2: about
12 KB a face, down from 30 KB with the whole Latin-1 block, every OpenType
feature and the TrueType hinting. Fonts were half of a first visit's bytes; a
first visit must stay under 120 KB on a phone (docs/performance.md). The result
is cached by the font package's version and these options, so only the first
build pays for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import fontpkg_be_vietnam_pro

# Basic Latin; of Latin-1, the no-break space, « » ° ¶ · × and the letters Vietnamese
# uses (à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals); the Vietnamese letters
# (Ă Đ Ĩ Ũ Ơ Ư, and the precomposed block U+1EA0-1EF9); combining marks for
# decomposed input; the punctuation Vietnamese typography uses (dashes, quotes,
# the ellipsis, the bullet, ‹ › of the breadcrumbs and links), ₫, € and arrows; ¶ is the
# headings' anchor. tests/test_build.py checks every character the bundled pages show is
# in it. A character outside it (ç, ß, ©) is drawn by the reader's own font, one by one.
UNICODES = (
    "U+0020-007E,U+00A0,U+00AB,U+00B0,U+00B6,U+00B7,U+00BB,U+00C0-00C3,U+00C8-00CA,"
    "U+00CC-00CD,U+00D2-00D5,U+00D7,U+00D9-00DA,U+00DD,U+00E0-00E3,U+00E8-00EA,"
    "U+00EC-00ED,U+00F2-00F5,U+00F9-00FA,U+00FD,U+0102-0103,U+0110-0111,U+0128-0129,"
    "U+0168-0169,U+01A0-01A1,U+01AF-01B0,U+0300-0301,U+0303,U+0309,U+0323,U+1EA0-1EF9,"
    "U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+2039-203A,U+20AB,U+20AC,U+2122,"
    "U+2190-2193,U+2212"
)
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)
"""The name records kept: the family and version, and the copyright and licence (OFL)."""
OPTIONS = f"{UNICODES} hinting=no features=default names={NAME_IDS}"
"""What makes a subset: part of its cache key, so changing them re-subsets."""


@dataclass(frozen=True, slots=True)
class Face:
    """One weight and style of the family, as published."""

    source: str
    weight: int
    style: str

    @property
    def filename(self) -> str:
        """The published file name."""
        return f"be-vietnam-pro-{self.weight}{'-italic' if self.style == 'italic' else ''}.woff2"


FACES = (
    Face("BeVietnamPro-Regular.ttf", 400, "normal"),
    Face("BeVietnamPro-Italic.ttf", 400, "italic"),
    Face("BeVietnamPro-Bold.ttf", 700, "normal"),
)
"""Body text in 400, citations' titles in italic, bold and the header's title in 700.
Material sets h1 and h2 in 300: dvk.css sets them in 400, one face fewer to fetch."""


def font_files(cache_dir: Path) -> dict[str, Path]:
    """Published name -> subset WOFF2 file, made on first use and cached."""
    source_dir = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    out: dict[str, Path] = {}
    for face in FACES:
        source = source_dir / face.source
        digest = hashlib.sha256(source.read_bytes() + OPTIONS.encode()).hexdigest()[:16]
        target = cache_dir / f"{digest}-{face.filename}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Imported only when a font is not cached yet: 0.08 s every build otherwise.
            from fontTools import subset

            options = subset.Options()
            options.flavor = "woff2"
            # fontTools' default features keep what text needs: kerning, the marks'
            # positioning for stacked diacritics, and locl, Vietnamese's own accent forms.
            # Not stylistic sets or small capitals, which the site never asks for.
            # Hinting goes: phones and Macs ignore it, and it was half of each file.
            options.hinting = False
            options.name_IDs = list(NAME_IDS)
            partial = target.with_suffix(".part")
            with subset.load_font(str(source), options) as font:
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
                subsetter.subset(font)
                subset.save_font(font, str(partial), options)
            partial.replace(target)  # atomic, so a killed build never caches half a font
        out[face.filename] = target
    return out
