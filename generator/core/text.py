"""Vietnamese text helpers: diacritic folding, slugs, collation, numbers and dates.

Folding and slugs are written by hand because they are a few lines over the
standard library's Unicode data; sorting uses ICU's "vi" collator, the
yardstick for Vietnamese order (pyuca and vn-collate both get it wrong).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import TypeVar

import icu

T = TypeVar("T")

# NFD splits tone and vowel marks off their letters, but đ/Đ is a letter of
# its own with no decomposition, so it needs an explicit mapping.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_marks(text: str) -> str:
    """Remove tone and vowel marks, and map đ to d, keeping case."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Fold to lowercase ASCII words separated by single spaces.

    "Bà Rịa - Vũng Tàu" and "ba ria vung tau" fold to the same string.
    """
    return " ".join(_NON_ALNUM.split(strip_marks(text).lower())).strip()


def slugify(text: str) -> str:
    """An ASCII URL slug: "Đà Nẵng" -> "da-nang"."""
    return fold(text).replace(" ", "-")


def nfc(text: str) -> str:
    """Normalise to NFC, so that composed and decomposed input compare equal."""
    return unicodedata.normalize("NFC", text)


@cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


# Cached because dvk serve re-sorts the whole catalogue on every edit.
@lru_cache(maxsize=1 << 17)
def sort_key(text: str) -> bytes:
    """The ICU "vi" collation key of ``text``."""
    return bytes(_collator().getSortKey(nfc(text)))


def sorted_vi(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """Sort ``items`` in Vietnamese order of ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def heading_slug(value: str, separator: str) -> str:
    """Anchor ids for Markdown headings: "Đóng góp" -> "dong-gop" (Python-Markdown drops đ)."""
    return fold(value).replace(" ", separator)


def vi_number(value: int) -> str:
    """24.250: thousands separated by dots, as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".")


def vi_date(value: dt.date | int | None) -> str:
    """A date the Vietnamese way: 19/08/2024; a bare year stays a year."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"
