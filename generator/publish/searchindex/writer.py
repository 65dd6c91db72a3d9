"""The search index writer: the catalogue's syllables as the files of docs/search-index.md.

Every score is computed here, once, and stored as a one-byte impact, so the
runtime only adds bytes and needs no document lengths; every facet count
comes from the range table, so no per-document facet file exists.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.core.model import Entry
from generator.publish.searchindex.terms import (
    ACCENT,
    BIGRAM_FIELDS,
    HEAD,
    K1,
    MAX_QUERY_SYLLABLES,
    MAX_SYLLABLE,
    PREFIX_TERMS,
    SCALE,
    VERSION,
    WEIGHTS,
    B,
    bigrams,
    document_order,
    facet_key,
    facet_values,
    fields,
    syllables,
)

DICTIONARY_SHARD = 128
"""Terms per dictionary file: about 2 KB compressed."""
BIGRAM_KEYS_PER_SHARD = 128
MAX_BIGRAM_SHARDS = 4096
CARDS = 16
"""Documents per card file: ten results spread over the ids cost ten small files."""


def varint(value: int) -> bytes:
    """Unsigned LEB128."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def fnv1a(text: str) -> int:
    """FNV-1a, 32 bits, of the UTF-8 bytes of ``text``: which bigram shard holds it."""
    hashed = 0x811C9DC5
    for byte in text.encode():
        hashed = ((hashed ^ byte) * 0x01000193) & 0xFFFFFFFF
    return hashed


def impact(tf: float, dl: float, avgdl: float, df: int, n: int) -> int:
    """The one-byte BM25 contribution of a term occurring ``tf`` weighted times."""
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
    return min(255, max(1, math.floor(score * SCALE + 0.5)))


@dataclass
class Postings:
    """What the writer gathers of one term: its documents, weighted counts and variants."""

    docs: list[int] = field(default_factory=list)
    weighted: list[int] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)


@dataclass
class Gathered:
    """Every document's syllables, gathered in one pass."""

    terms: dict[str, Postings]
    bigrams: dict[str, Postings]
    lengths: list[int]


def _variant(counts: Counter[str]) -> str:
    # The commonest spelling in the document; ties go to the first in code-point order.
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def gather(entries: Sequence[Entry]) -> Gathered:
    """Each term's and bigram's postings (in id order) and each document's weighted length."""
    terms: defaultdict[str, Postings] = defaultdict(Postings)
    pairs: defaultdict[str, Postings] = defaultdict(Postings)
    lengths: list[int] = []
    for doc, entry in enumerate(entries):
        weighted: Counter[str] = Counter()
        spelled: defaultdict[str, Counter[str]] = defaultdict(Counter)
        pair_weighted: Counter[str] = Counter()
        length = 0
        for name, texts in fields(entry).items():
            weight = WEIGHTS[name]
            for text in texts:
                found = syllables(text)
                for syllable in found:
                    if syllable is None:
                        continue
                    weighted[syllable.term] += weight
                    spelled[syllable.term][syllable.variant] += 1
                    length += weight
                if name in BIGRAM_FIELDS:
                    for key in bigrams(found):
                        pair_weighted[key] += weight
        lengths.append(length)
        for term in sorted(weighted):
            postings = terms[term]
            postings.docs.append(doc)
            postings.weighted.append(weighted[term])
            postings.variants.append(_variant(spelled[term]))
        for key in sorted(pair_weighted):
            postings = pairs[key]
            postings.docs.append(doc)
            postings.weighted.append(pair_weighted[key])
    return Gathered(dict(terms), dict(pairs), lengths)


def head(postings: Postings, lengths: Sequence[int], avgdl: float, n: int
         ) -> list[tuple[int, int, str]]:
    """(id, impact, variant) of the highest impacts, ties by id, at most ``HEAD``."""
    df = len(postings.docs)
    scored = [(impact(w, lengths[d], avgdl, df, n), d, v) for d, w, v in zip(
        postings.docs, postings.weighted, postings.variants or [""] * df, strict=True)]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(d, i, v) for i, d, v in scored[:HEAD]]


def match_set(docs: Sequence[int], n: int) -> bytes:
    """The sorted ids as varint gaps or as a bitmap, whichever is smaller (ties: gaps)."""
    gaps = bytearray()
    previous = -1
    for doc in docs:
        gaps += varint(doc - previous)
        previous = doc
    bitmap = bytearray((n + 7) // 8)
    for doc in docs:
        bitmap[doc // 8] |= 1 << (doc % 8)
    if len(bitmap) < len(gaps):
        return varint(len(docs)) + b"\x01" + bytes(bitmap)
    return varint(len(docs)) + b"\x00" + bytes(gaps)


def _json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def _card(entry: Entry) -> list[Any]:
    return [entry.url, entry.title, entry.province_label, entry.field.label, entry.year,
            entry.kind.label, entry.summary]


def _ranges(entries: Sequence[Entry], values: dict[str, list[tuple[str, str]]]
            ) -> list[list[int]]:
    index = {facet: {key: i for i, (key, _) in enumerate(vals)} for facet, vals in values.items()}
    ranges: list[list[int]] = []
    for doc, entry in enumerate(entries):
        keys = facet_key(entry)
        combination = [index[facet][key] for facet, key in zip(index, keys, strict=True)]
        if ranges and ranges[-1][2:] == combination:
            ranges[-1][1] += 1
        else:
            ranges.append([doc, 1, *combination])
    return ranges


def _bigram_shards(keys: int) -> int:
    shards = 1
    while shards * BIGRAM_KEYS_PER_SHARD < keys and shards < MAX_BIGRAM_SHARDS:
        shards *= 2
    return shards


def write_index(catalogue: Catalogue, out: Path) -> None:
    """Write the index of ``catalogue`` into the folder ``out``, replacing what is there."""
    entries = document_order(catalogue)
    n = len(entries)
    gathered = gather(entries)
    avgdl = sum(gathered.lengths) / n if n else 1.0
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("d", "t", "b", "c"):
        (out / folder).mkdir(parents=True)

    terms = sorted(gathered.terms)
    shard_firsts: list[str] = []
    for start in range(0, len(terms), DICTIONARY_SHARD):
        shard: list[list[Any]] = []
        for term_id in range(start, min(start + DICTIONARY_SHARD, len(terms))):
            term = terms[term_id]
            postings = gathered.terms[term]
            top = head(postings, gathered.lengths, avgdl, n)
            variants = sorted({v for _, _, v in top})
            position = {v: i for i, v in enumerate(variants)}
            data = bytearray(match_set(postings.docs, n))
            data += varint(len(top))
            for doc, value, variant in top:
                data += varint(doc) + bytes((value,)) + varint(position[variant])
            (out / "t" / f"{term_id}.bin").write_bytes(bytes(data))
            shard.append([term, len(postings.docs), term_id, variants])
        shard_firsts.append(terms[start])
        _json(out / "d" / f"{len(shard_firsts) - 1}.json", shard)

    keys = sorted(gathered.bigrams)
    shards = _bigram_shards(len(keys))
    contents: list[bytearray] = [bytearray() for _ in range(shards)]
    for key in keys:
        top = head(gathered.bigrams[key], gathered.lengths, avgdl, n)
        encoded = key.encode()
        data = contents[fnv1a(key) % shards]
        data += varint(len(encoded)) + encoded + varint(len(top))
        for doc, value, _ in top:
            data += varint(doc) + bytes((value,))
    for shard_number, shard_data in enumerate(contents):
        (out / "b" / f"{shard_number}.bin").write_bytes(bytes(shard_data))

    for start in range(0, n, CARDS):
        _json(out / "c" / f"{start // CARDS}.json",
              [_card(entry) for entry in entries[start:start + CARDS]])

    values = facet_values(catalogue)
    _json(out / "manifest.json", {
        "version": VERSION,
        "N": n,
        "params": {"head": HEAD, "accent": ACCENT, "prefixTerms": PREFIX_TERMS,
                   "maxSyllable": MAX_SYLLABLE, "maxQuery": MAX_QUERY_SYLLABLES},
        "facets": {facet: [list(v) for v in vals] for facet, vals in values.items()},
        "ranges": _ranges(entries, values),
        "dict": shard_firsts,
        "bigrams": shards,
        "cards": CARDS,
    })


def files(out: Path) -> Iterable[Path]:
    """Every file of an index folder, in a stable order."""
    return sorted(p for p in out.rglob("*") if p.is_file())
