"""A built site's search index read the way the browser runtime reads it (docs/search-index.md).

Shared by the tests (tests/search_reference.py) and the bench, which waits on it
for an edit to be searchable in ``dvk serve``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from pathlib import Path

from generator.publish.searchindex.terms import query_syllables


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def read_postings(data: bytes, n: int) -> tuple[list[int], list[tuple[int, int, int]]]:
    """A term file decoded as docs/search-index.md says: (match set, head)."""
    count, at = _varint(data, 0)
    kind, at = data[at], at + 1
    docs: list[int] = []
    if kind == 0:
        previous = -1
        for _ in range(count):
            gap, at = _varint(data, at)
            previous += gap
            docs.append(previous)
    else:
        bitmap = data[at:at + (n + 7) // 8]
        at += len(bitmap)
        docs = [i for i in range(n) if bitmap[i // 8] >> (i % 8) & 1]
    assert len(docs) == count
    size, at = _varint(data, at)
    head = []
    for _ in range(size):
        doc, at = _varint(data, at)
        value, at = data[at], at + 1
        variant, at = _varint(data, at)
        head.append((doc, value, variant))
    assert at == len(data)
    return docs, head


def found_in_index(index: Path, query: str) -> set[str]:
    """The URLs of the entries whose indexed text holds every syllable of ``query``.

    Read from a built site's index files alone, the way the runtime reads them
    (without ranking): what a reader's search would list.
    """
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    n = manifest["N"]
    matched: set[int] | None = None
    for syllable in query_syllables(query):
        shard = bisect_right(manifest["dict"], syllable.term) - 1
        terms = {entry[0] for entry in json.loads(
            (index / "d" / f"{max(shard, 0)}.json").read_text("utf-8"))}
        docs = set(read_postings((index / "t" / f"{syllable.term}.bin").read_bytes(), n)[0]
                   ) if syllable.term in terms else set()
        matched = docs if matched is None else matched & docs
    size = manifest["cards"]
    return {json.loads((index / "c" / f"{doc // size}.json").read_text("utf-8"))[doc % size][0]
            for doc in matched or ()}
