"""Be Vietnam Pro, subset to Latin and Vietnamese and served from the site itself.

fontpkg-be-vietnam-pro ships TTF files of about 130 KB each. fontTools subsets
them to the characters Vietnamese text uses and compresses them to WOFF2 (about
a fifth of the size), which matters on slow phone connections. The result is
cached by the font package's version, so only the first build pays for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import fontpkg_be_vietnam_pro

# Basic Latin and Latin-1, the Vietnamese letters (Ă Â Đ Ê Ô Ơ Ư, and the
# precomposed block U+1EA0-1EF9), combining marks for decomposed input, and
# the punctuation and symbols Vietnamese typography uses (dashes, quotes, ₫).
UNICODES = (
    "U+0000-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,"
    "U+01AF-01B0,U+0300-0301,U+0303,U+0309,U+0323,U+1EA0-1EF9,U+2000-206F,"
    "U+20AB,U+20AC,U+2122,U+2190-2193,U+2212"
)


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
    Face("BeVietnamPro-Light.ttf", 300, "normal"),
    Face("BeVietnamPro-Regular.ttf", 400, "normal"),
    Face("BeVietnamPro-Italic.ttf", 400, "italic"),
    Face("BeVietnamPro-Bold.ttf", 700, "normal"),
)
"""Material sets h1 in 300 and bold in 700; body text in 400."""


def font_files(cache_dir: Path) -> dict[str, Path]:
    """Published name -> subset WOFF2 file, made on first use and cached."""
    source_dir = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    out: dict[str, Path] = {}
    for face in FACES:
        source = source_dir / face.source
        digest = hashlib.sha256(source.read_bytes() + UNICODES.encode()).hexdigest()[:16]
        target = cache_dir / f"{digest}-{face.filename}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Imported only when a font is not cached yet: 0.08 s every build otherwise.
            from fontTools import subset

            options = subset.Options()
            options.flavor = "woff2"
            options.layout_features = ["*"]  # keep the marks' positioning for stacked diacritics
            options.name_IDs = ["*"]
            partial = target.with_suffix(".part")
            with subset.load_font(str(source), options) as font:
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
                subsetter.subset(font)
                subset.save_font(font, str(partial), options)
            partial.replace(target)  # atomic, so a killed build never caches half a font
        out[face.filename] = target
    return out
