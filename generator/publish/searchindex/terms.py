"""What the search index is made of: syllables, terms and bigrams of each entry's fields.

The rules are docs/search-index.md's, which the browser runtime follows too:
a syllable is a run of characters that fold to ``a-z0-9``; its *term* is the
run folded (marks stripped, đ → d), its *variant* the run as written, lower
case. Vietnamese writes one syllable per word, so terms are syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.model import Entry, Kind

VERSION = 1
"""Of the index format: the runtime refuses another."""
MAX_SYLLABLE = 24
"""Longer runs are not words (a hash, a long number) and are not indexed."""
MAX_QUERY_SYLLABLES = 8
WEIGHTS = {"title": 8, "place": 4, "summary": 2, "body": 1}
"""Field weights: title > unit, locality, province names > summary, results > body."""
BIGRAM_FIELDS = ("title", "place")
"""Adjacent syllables lift a result where phrases are short and decisive; bodies would
multiply the index for little."""
K1, B = 1.2, 0.75
LOG_SCALE, LOG_STRETCH = 32, 4
"""An impact is ``32 · log2(1 + 4 · score)``, rounded, in 1..255: a log scale keeps the
differences between the small scores of common syllables, which a linear one
rounds to 1 (Anh & Moffat quantise impacts on a log scale too)."""
HEAD = 1000
"""Postings kept per term for ranking, highest impact first."""
PREFIX_TERMS = 20
"""Terms a last, unfinished syllable stands for, commonest first."""
FACETS = ("tinh", "linh-vuc", "nam", "loai")
PRESS_FLAG, COVERED, UNCOVERED = urls.SEARCH_PRESS, urls.COVERED, urls.UNCOVERED
"""The flag facet of press coverage: whether any press record names the entry."""
FLAGS = (PRESS_FLAG,)
"""Two-valued facets kept per document, beside the range table (docs/search-index.md)."""

_D_STROKE = str.maketrans({"đ": "d"})
_MARKDOWN_TARGET = re.compile(r"\]\([^)\n]*\)|<!--.*?-->|<[^>\n]+>|\{:[^}\n]*\}", re.DOTALL)


def fold(text: str) -> str:
    """Marks stripped and đ mapped to d, of lower-case NFC text: "đường" -> "duong".

    Not ``core.text.strip_marks``: the browser runtime must fold alike, and the
    rule it can state is Unicode's category ``Mn`` (``/\\p{Mn}/u``), not
    Python's combining classes, which differ for a few marks."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", kept.translate(_D_STROKE))


@cache
def _word_pattern() -> re.Pattern[str]:
    # Every code point of the Basic Multilingual Plane whose folded form is a-z or 0-9;
    # outside it nothing folds to ASCII. Computed once: about 0.2 s.
    ascii_word = re.compile(r"[a-z0-9]+")
    ranges: list[str] = []
    start = previous = -2
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        if ascii_word.fullmatch(fold(chr(code))):
            if code != previous + 1:
                if start >= 0:
                    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
                start = code
            previous = code
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
    return re.compile(f"[{''.join(ranges)}]+")


@dataclass(frozen=True, slots=True)
class Syllable:
    """One indexed syllable: as written (lower case) and folded."""

    variant: str
    term: str


_SYLLABLES: dict[str, Syllable] = {}
"""Each run met so far, folded once: a catalogue repeats a few thousand syllables."""


def runs(text: str) -> list[str]:
    """The runs of word characters of ``text``, lower case, NFC: its syllables as written."""
    return _word_pattern().findall(unicodedata.normalize("NFC", text).lower())


def syllable_of(run: str) -> Syllable | None:
    """The syllable a run is, or None for a run too long to be one."""
    syllable = _SYLLABLES.get(run)
    if syllable is None:
        if len(run) > MAX_SYLLABLE:
            return None
        syllable = _SYLLABLES[run] = Syllable(run, fold(run))
    return syllable


def syllables(text: str) -> list[Syllable | None]:
    """The syllables of ``text`` in order; None where an over-long run was dropped.

    The gaps keep two syllables on either side of a dropped run from making a bigram.
    """
    return [syllable_of(run) for run in runs(text)]


def query_syllables(query: str) -> list[Syllable]:
    """A query's syllables, the first ``MAX_QUERY_SYLLABLES`` of them."""
    return [s for s in syllables(query) if s is not None][:MAX_QUERY_SYLLABLES]


def bigrams(found: Sequence[Syllable | None]) -> Iterator[str]:
    """``"<term> <term>"`` for each two adjacent syllables."""
    for first, second in pairwise(found):
        if first is not None and second is not None:
            yield f"{first.term} {second.term}"


def _plain(markdown: str) -> str:
    # Link targets, HTML tags, comments and attribute lists are not the entry's words.
    return _MARKDOWN_TARGET.sub(" ", markdown)


def fields(entry: Entry) -> dict[str, list[str]]:
    """Each weighted field's texts; syllables and bigrams never run from one text to the next."""
    place = [entry.unit or "", entry.locality or "", entry.province.name,
             entry.province.full_name, entry.old_province.name if entry.old_province else ""]
    return {
        "title": [entry.title],
        "place": [text for text in place if text],
        "summary": [entry.summary, *entry.results],
        "body": [_plain(entry.body)],
    }


Place = tuple[str, str, int, str, int]
"""What puts an entry in the id order: province, field, year, kind (URL keys), date."""


def place(entry: Entry) -> Place:
    """An entry's ``Place``: its facets' URL keys and the ordinal of its date."""
    return (entry.province.slug, entry.field.slug, entry.year, entry.kind.slug,
            entry.date.toordinal())


def document_order(catalogue: Catalogue) -> list[Entry]:
    """Entries in document-id order: every facet combination is one run of ids."""
    return [catalogue.entries[i] for i in document_ids(catalogue)]


SortKey = tuple[int, int, int, int, int]


def sort_keys(catalogue: Catalogue) -> Callable[[Place], SortKey]:
    """What sorts places in the id order of ``catalogue``: province (the registry's
    Vietnamese order), field (the config's), year (newest first), kind, date (newest
    first)."""
    provinces = {p.slug: i for i, p in enumerate(catalogue.provinces)}
    field_index = {f.slug: i for i, f in enumerate(catalogue.fields)}
    kinds = {k.slug: i for i, k in enumerate(Kind)}

    def sort_key(found: Place) -> SortKey:
        return (provinces[found[0]], field_index[found[1]], -found[2], kinds[found[3]],
                -found[4])

    return sort_key


def document_ids(catalogue: Catalogue, keys: Sequence[SortKey] | None = None) -> list[int]:
    """The indexes of ``catalogue.entries`` in document-id order; ``keys`` (each entry's
    sort key) saves computing them."""
    if keys is None:
        sort_key = sort_keys(catalogue)
        keys = [sort_key(place(entry)) for entry in catalogue.entries]
    # The catalogue is in title order already; a stable sort keeps it within a date.
    return sorted(range(len(keys)), key=keys.__getitem__)


def facet_values(catalogue: Catalogue) -> dict[str, list[tuple[str, str]]]:
    """Each facet's values as (URL key, label), in document-id order."""
    return {
        "tinh": [(p.slug, p.name) for p in catalogue.provinces],
        "linh-vuc": [(f.slug, f.label) for f in catalogue.fields],
        "nam": [(str(y), str(y)) for y in catalogue.years],
        "loai": [(k.slug, k.label) for k in Kind],
    }


def flag_values() -> dict[str, list[tuple[str, str]]]:
    """Each flag facet's two values as (URL key, label): the first is the one a set bit means."""
    return {PRESS_FLAG: list(urls.PRESS_COVERAGE)}


def flag_bits(catalogue: Catalogue, entries: Sequence[Entry]) -> dict[str, bytes]:
    """Each flag facet's bitmap over ``entries`` (in document-id order): bit ``i % 8`` of
    byte ``i // 8`` is set when document ``i`` has the flag's first value."""
    bits = bytearray((len(entries) + 7) // 8)
    for doc, entry in enumerate(entries):
        if flag_key(catalogue, entry)[0] == COVERED:
            bits[doc >> 3] |= 1 << (doc & 7)
    return {PRESS_FLAG: bytes(bits)}


def flag_key(catalogue: Catalogue, entry: Entry) -> tuple[str]:
    """An entry's value of each flag facet, as URL keys."""
    return (COVERED if entry.id in catalogue.press_by_entry else UNCOVERED,)


def facet_key(entry: Entry) -> tuple[str, str, str, str]:
    """An entry's value of each facet, as URL keys."""
    return (entry.province.slug, entry.field.slug, str(entry.year), entry.kind.slug)
