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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.core.model import Entry
from generator.publish.searchindex.terms import (
    BIGRAM_FIELDS,
    HEAD,
    K1,
    LOG_SCALE,
    LOG_STRETCH,
    MAX_QUERY_SYLLABLES,
    MAX_SYLLABLE,
    PREFIX_TERMS,
    VERSION,
    WEIGHTS,
    B,
    bigrams,
    document_order,
    facet_key,
    facet_values,
    fields,
    runs,
    syllable_of,
)

DICTIONARY_SHARD = 128
"""Terms per dictionary file: about 2 KB compressed."""
BIGRAM_KEYS_PER_SHARD = 128
MAX_BIGRAM_SHARDS = 4096
CARDS = 16
"""Documents per card file: ten results spread over the ids cost ten small files."""


_ONE_BYTE = [bytes((value,)) for value in range(0x80)]


def varint(value: int) -> bytes:
    """Unsigned LEB128."""
    if value < 0x80:
        return _ONE_BYTE[value]
    if value < 0x4000:
        return bytes((value & 0x7F | 0x80, value >> 7))
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


def gather(entries: Sequence[Entry]) -> Gathered:
    """Each term's and bigram's postings (in id order) and each document's weighted length."""
    terms: defaultdict[str, Postings] = defaultdict(Postings)
    pairs: defaultdict[str, Postings] = defaultdict(Postings)
    lengths: list[int] = []
    for doc, entry in enumerate(entries):
        weighted: dict[str, int] = {}
        spelled: dict[tuple[str, str], int] = {}
        pair_weighted: dict[str, int] = {}
        length = 0
        for name, texts in fields(entry).items():
            weight = WEIGHTS[name]
            for text in texts:
                written = runs(text)
                # Counted in C first, as strings (their hash is cached): a body
                # repeats its syllables.
                for run, count in Counter(written).items():
                    syllable = syllable_of(run)
                    if syllable is None:
                        continue
                    term = syllable.term
                    weighted[term] = weighted.get(term, 0) + weight * count
                    key = (term, syllable.variant)
                    spelled[key] = spelled.get(key, 0) + count
                    length += weight * count
                if name in BIGRAM_FIELDS:
                    for pair in bigrams([syllable_of(run) for run in written]):
                        pair_weighted[pair] = pair_weighted.get(pair, 0) + weight
        lengths.append(length)
        # The commonest spelling in the document; ties go to the first in code-point order.
        chosen: dict[str, tuple[int, str]] = {}
        for (term, variant), count in spelled.items():
            best = chosen.get(term)
            if best is None or count > best[0] or (count == best[0] and variant < best[1]):
                chosen[term] = (count, variant)
        for term in sorted(weighted):
            postings = terms[term]
            postings.docs.append(doc)
            postings.weighted.append(weighted[term])
            postings.variants.append(chosen[term][1])
        for pair in sorted(pair_weighted):
            postings = pairs[pair]
            postings.docs.append(doc)
            postings.weighted.append(pair_weighted[pair])
    return Gathered(dict(terms), dict(pairs), lengths)


def normalisers(lengths: Sequence[int], avgdl: float) -> list[float]:
    """Each document's ``K1 · (1 - B + B · dl / avgdl)``, the length part of BM25."""
    return [K1 * (1 - B + B * dl / avgdl) for dl in lengths]


def head(postings: Postings, norms: Sequence[float], n: int) -> list[tuple[int, int, str]]:
    """(id, impact, variant) of the highest impacts, ties by id, at most ``HEAD``.

    ``impact``'s arithmetic, operation for operation, with each document's
    length part computed once (``normalisers``).
    """
    df = len(postings.docs)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    floor, log2 = math.floor, math.log2
    scored = []
    for i, (d, w) in enumerate(zip(postings.docs, postings.weighted, strict=True)):
        score = idf * w * (K1 + 1) / (w + norms[d])
        value = floor(LOG_SCALE * log2(1 + LOG_STRETCH * score) + 0.5)
        scored.append((-(255 if value > 255 else 1 if value < 1 else value), d, i))
    scored.sort()
    variants = postings.variants
    return [(d, -v, variants[i] if variants else "") for v, d, i in scored[:HEAD]]


def match_set(docs: Sequence[int], n: int) -> bytes:
    """The sorted ids as varint gaps or as a bitmap, whichever is smaller (ties: gaps)."""
    gaps = [doc - previous for previous, doc in zip((-1, *docs), docs, strict=False)]
    encoded = bytes(gaps) if max(gaps, default=0) < 0x80 else b"".join(map(varint, gaps))
    size = (n + 7) // 8
    if size < len(encoded):
        bitmap = bytearray(size)
        for doc in docs:
            bitmap[doc >> 3] |= 1 << (doc & 7)
        return varint(len(docs)) + b"\x01" + bytes(bitmap)
    return varint(len(docs)) + b"\x00" + encoded


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
    shutil.rmtree(out, ignore_errors=True)
    for name, data in index_files(catalogue).items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def index_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every file of the index of ``catalogue``: its path in the index folder -> its bytes."""
    files: dict[str, bytes] = {}
    entries = document_order(catalogue)
    n = len(entries)
    gathered = gather(entries)
    norms = normalisers(gathered.lengths, sum(gathered.lengths) / n if n else 1.0)

    terms = sorted(gathered.terms)
    shard_firsts: list[str] = []
    for start in range(0, len(terms), DICTIONARY_SHARD):
        shard: list[list[Any]] = []
        for term_id in range(start, min(start + DICTIONARY_SHARD, len(terms))):
            term = terms[term_id]
            postings = gathered.terms[term]
            top = head(postings, norms, n)
            variants = sorted({v for _, _, v in top})
            position = {v: i for i, v in enumerate(variants)}
            data = bytearray(match_set(postings.docs, n))
            data += varint(len(top))
            for doc, value, variant in top:
                data += varint(doc) + bytes((value,)) + varint(position[variant])
            files[f"t/{term}.bin"] = bytes(data)
            shard.append([term, len(postings.docs), variants])
        shard_firsts.append(terms[start])
        files[f"d/{len(shard_firsts) - 1}.json"] = _json(shard)

    keys = sorted(gathered.bigrams)
    shards = _bigram_shards(len(keys))
    contents: list[bytearray] = [bytearray() for _ in range(shards)]
    for key in keys:
        top = head(gathered.bigrams[key], norms, n)
        encoded = key.encode()
        data = contents[fnv1a(key) % shards]
        data += varint(len(encoded)) + encoded + varint(len(top))
        for doc, value, _ in top:
            data += varint(doc) + bytes((value,))
    for shard_number, shard_data in enumerate(contents):
        files[f"b/{shard_number}.bin"] = bytes(shard_data)

    for start in range(0, n, CARDS):
        files[f"c/{start // CARDS}.json"] = _json(
            [_card(entry) for entry in entries[start:start + CARDS]])

    values = facet_values(catalogue)
    files["manifest.json"] = _json({
        "version": VERSION,
        "N": n,
        "params": {"head": HEAD, "prefixTerms": PREFIX_TERMS,
                   "maxSyllable": MAX_SYLLABLE, "maxQuery": MAX_QUERY_SYLLABLES},
        "facets": {facet: [list(v) for v in vals] for facet, vals in values.items()},
        "ranges": _ranges(entries, values),
        "dict": shard_firsts,
        "bigrams": shards,
        "cards": CARDS,
    })
    return files
