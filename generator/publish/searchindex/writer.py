"""The search index writer: the catalogue's syllables as the files of docs/search-index.md.

Every score is computed here, once, and stored as a one-byte impact, so the
runtime only adds bytes and needs no document lengths; every facet count
comes from the range table, so no per-document facet file exists.

A ``SearchIndex`` is kept between builds (``dvk serve``): it remembers what
each entry contributed, and an edit re-scores only the terms and bigrams the
edited entries had or have. The statistics every impact depends on, the
number of entries and their quantised mean length, do not move with such an
edit; when they do, or when entries were added, removed or moved in the id
order, every file is written again from what was gathered. Either way the
files are those a clean build writes (tests/test_search_writer.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from generator.catalogue.catalogue import Catalogue
from generator.core import cachefile
from generator.core.model import Entry
from generator.publish.searchindex.encode import (
    fnv1a,
    normalisers,
    quantised_avgdl,
    varint,
)
from generator.publish.searchindex.gather import Rows, Vocabulary, gather
from generator.publish.searchindex.postings import Encoded, encode
from generator.publish.searchindex.table import Spill, Table
from generator.publish.searchindex.terms import (
    HEAD,
    MAX_QUERY_SYLLABLES,
    MAX_SYLLABLE,
    PREFIX_TERMS,
    VERSION,
    Place,
    SortKey,
    document_ids,
    facet_values,
    fields,
    flag_bits,
    flag_values,
    place,
)
from generator.publish.searchindex.terms import sort_keys as sort_keys_of

DICTIONARY_SHARD = 128
"""Terms per dictionary file: about 2 KB compressed."""
BIGRAM_KEYS_PER_SHARD = 128
MAX_BIGRAM_SHARDS = 4096
CARDS = 16
"""Documents per card file: ten results spread over the ids cost ten small files."""


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _card(entry: Entry) -> list[Any]:
    return [entry.url, entry.title, entry.province_label, entry.field.label, entry.year,
            entry.kind.label, entry.summary]


def _key(entry: Entry) -> str:
    # What the entry's postings and card are made from: its file (the digest), and
    # the label of its field, which the config gives.
    if entry.digest:
        return f"{entry.digest}\0{entry.field.label}"
    made = json.dumps([fields(entry), _card(entry)], ensure_ascii=False, default=str)
    return hashlib.blake2b(made.encode(), digest_size=16).hexdigest()


def _keys(entries: Sequence[Entry]) -> list[str]:
    """Each entry's key, made unique: two entries alike (made in memory, without a file)
    are still two documents."""
    keys = [_key(entry) for entry in entries]
    if len(set(keys)) < len(keys):
        seen: dict[str, int] = {}
        for i, key in enumerate(keys):
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                keys[i] = f"{key}\0{seen[key]}"
    return keys


def _ranges(places: Sequence[Place], values: dict[str, list[tuple[str, str]]]
            ) -> list[list[int]]:
    index = [{key: i for i, (key, _) in enumerate(vals)} for vals in values.values()]
    province, field_of, year, kind = index
    ranges: list[list[int]] = []
    previous: tuple[str, str, int, str] | None = None
    for doc, (p, f, y, k, _) in enumerate(places):
        if ranges and previous == (p, f, y, k):
            ranges[-1][1] += 1
        else:
            ranges.append([doc, 1, province[p], field_of[f], year[str(y)], kind[k]])
            previous = (p, f, y, k)
    return ranges


def _bigram_shards(keys: int) -> int:
    shards = 1
    while shards * BIGRAM_KEYS_PER_SHARD < keys and shards < MAX_BIGRAM_SHARDS:
        shards *= 2
    return shards


class SearchIndex:
    """The index of a catalogue, updated build after build by what changed."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self.files: dict[str, bytes] = {}
        """Every file of the index: its path in the index folder -> its bytes."""
        self.last_update = ""
        """What the last ``update`` did: "full", "renumbered" (ids moved), "rescored" (the
        quantised mean length moved) or "incremental"."""
        self._order: list[str] = []
        """Each document's key (``_key``), by id."""
        self._lengths: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self._avgdl = 0.0
        self._terms: Table | None = None
        self._pairs: Table | None = None
        self._term_codes: dict[int, Encoded] = {}
        self._pair_codes: dict[int, Encoded] = {}
        self._pair_hashes: list[int] = []
        self._shards = 0
        self._dictionary_firsts: list[str] = []
        self._places: dict[str, Place] = {}
        """Each entry's place in the id order, by key: computed once per entry."""
        self._sort_keys: dict[str, SortKey] = {}
        self._sort_basis: tuple[list[str], list[str]] = ([], [])
        """The provinces' and fields' order the sort keys were made for."""

    def save(self, path: Path, salt: str) -> None:
        """Keep the index in ``path`` for the next process (``restore``), under ``salt``."""
        cachefile.save(path, salt, (VERSION, self.__dict__))

    @classmethod
    def restore(cls, path: Path, salt: str) -> SearchIndex | None:
        """The index ``save`` kept in ``path`` under ``salt``; None if there is none."""
        saved = cachefile.load(path, salt)
        if not (isinstance(saved, tuple) and saved[0] == VERSION and isinstance(saved[1], dict)):
            return None
        index = cls()
        index.__dict__.update(saved[1])
        return index

    def release(self) -> None:
        """Forget what makes the next update incremental (the posting tables, the keys'
        codes), keeping the files: the next ``update`` writes everything again."""
        files = self.files
        self.__init__()  # type: ignore[misc]
        self.files = files

    def update(self, catalogue: Catalogue) -> dict[str, bytes]:
        """Bring the index to ``catalogue``, and return every file of it."""
        try:
            return self._update_to(catalogue)
        except BaseException:
            # Half-updated tables would corrupt the next update: start again from nothing.
            self.__init__()  # type: ignore[misc]
            raise

    def _update_to(self, catalogue: Catalogue) -> dict[str, bytes]:
        titled = _keys(catalogue.entries)
        places, sort_keys = self._places, self._sort_keys
        basis = ([p.slug for p in catalogue.provinces], [f.slug for f in catalogue.fields])
        if basis != self._sort_basis:
            sort_keys.clear()
            self._sort_basis = basis
        sort_key = sort_keys_of(catalogue)
        for key, entry in zip(titled, catalogue.entries, strict=True):
            if key not in sort_keys:
                places[key] = place(entry)
                sort_keys[key] = sort_key(places[key])
        order = document_ids(catalogue, [sort_keys[key] for key in titled])
        entries = [catalogue.entries[i] for i in order]
        keys = [titled[i] for i in order]
        n = len(keys)
        before = {key: doc for doc, key in enumerate(self._order)}
        mapping = np.full(len(self._order), -1, dtype=np.int32)
        fresh: list[int] = []
        for doc, key in enumerate(keys):
            old = before.get(key)
            if old is None:
                fresh.append(doc)
            else:
                mapping[old] = doc
        if self._terms is None or self._pairs is None or len(fresh) > max(n // 4, 1):
            self._full(entries)
            self.last_update = "full"
        else:
            self._update(entries, mapping, fresh)
        self._order = keys
        # Only the entries of this catalogue: an entry edited away is forgotten.
        if len(places) > len(keys) + len(keys) // 4 + 64:
            self._places = {key: places[key] for key in keys}
            self._sort_keys = {key: sort_keys[key] for key in keys}
        self._write_dictionary()
        for name, bits in flag_bits(catalogue, entries).items():
            self.files[f"f/{name}.bin"] = bits
        self.files["manifest.json"] = self._manifest(catalogue, [places[key] for key in keys])
        return self.files

    def _full(self, entries: Sequence[Entry]) -> None:
        vocabulary, n = self.vocabulary, len(entries)
        terms, pairs = Spill(spelled=True), Spill(spelled=False)
        lengths = []
        for part in gather(entries, vocabulary):
            terms.add(part.terms)
            pairs.add(part.pairs)
            lengths.append(part.lengths)
        self._lengths = np.concatenate(lengths or [np.zeros(0, np.int64)])
        self._avgdl = quantised_avgdl(int(self._lengths.sum()), n)
        self._terms = terms.table(len(vocabulary.term_text))
        self._pairs = pairs.table(len(vocabulary.pair_text))
        self._encode_all(entries)

    def _encode_all(self, entries: Sequence[Entry]) -> None:
        assert self._terms is not None and self._pairs is not None
        vocabulary, n = self.vocabulary, len(entries)
        norms = normalisers(self._lengths, self._avgdl)
        self._term_codes = encode(self._terms, self._terms.live().tolist(), n, norms,
                                  ranks=vocabulary.run_ranks())
        self._pair_codes = encode(self._pairs, self._pairs.live().tolist(), n, norms)
        self.files = {f"t/{vocabulary.term_text[term]}.bin": code.data
                      for term, code in self._term_codes.items()}
        self._shards = 0
        self._write_bigrams(set(self._pair_codes))
        for start in range(0, n, CARDS):
            self._write_cards(entries, start // CARDS)

    def _update(self, entries: Sequence[Entry], mapping: npt.NDArray[np.int32],
                fresh: list[int]) -> None:
        """Apply what changed: entries added, removed, edited or moved in the id order."""
        assert self._terms is not None and self._pairs is not None
        vocabulary, n = self.vocabulary, len(entries)
        positions = np.array(fresh, dtype=np.int32)
        parts = list(gather([entries[doc] for doc in fresh], vocabulary))
        new_terms = Rows.joined([p.terms for p in parts])
        new_pairs = Rows.joined([p.pairs for p in parts])
        new_terms = replace(new_terms, docs=positions[new_terms.docs])
        new_pairs = replace(new_pairs, docs=positions[new_pairs.docs])
        lengths = np.zeros(n, dtype=np.int64)
        kept = mapping >= 0
        lengths[mapping[kept]] = self._lengths[kept]
        if parts:
            lengths[positions] = np.concatenate([p.lengths for p in parts])
        avgdl = quantised_avgdl(int(lengths.sum()), n)
        # Ids move when an entry is added, removed or moved: then every file changes.
        renumber = n != len(mapping) or bool(
            np.any(mapping[kept] != np.flatnonzero(kept)))
        rescore = renumber or avgdl != self._avgdl
        self._lengths, self._avgdl = lengths, avgdl
        if renumber:
            self._terms.renumber(mapping, new_terms, len(vocabulary.term_text))
            self._pairs.renumber(mapping, new_pairs, len(vocabulary.pair_text))
        else:
            touched_terms, reshaped = self._terms.edit(positions, new_terms,
                                                       len(vocabulary.term_text))
            touched_pairs, _ = self._pairs.edit(positions, new_pairs, len(vocabulary.pair_text))
        if rescore:
            self._encode_all(entries)
            self.last_update = "renumbered" if renumber else "rescored"
            return
        norms = normalisers(lengths, avgdl)
        live = [t for t in touched_terms if self._terms.stops[t] > self._terms.starts[t]]
        known = {term: code.data[:code.matches] for term in touched_terms - reshaped
                 if (code := self._term_codes.get(term)) is not None}
        codes = encode(self._terms, live, n, norms, ranks=vocabulary.run_ranks(), known=known)
        for term in touched_terms:
            name = f"t/{vocabulary.term_text[term]}.bin"
            code = codes.get(term)
            if code is None:
                self._term_codes.pop(term, None)
                self.files.pop(name, None)
            else:
                self._term_codes[term] = code
                self.files[name] = code.data
        live = [p for p in touched_pairs if self._pairs.stops[p] > self._pairs.starts[p]]
        pair_codes = encode(self._pairs, live, n, norms)
        for pair in touched_pairs:
            if pair in pair_codes:
                self._pair_codes[pair] = pair_codes[pair]
            else:
                self._pair_codes.pop(pair, None)
        self._write_bigrams(touched_pairs)
        for card in sorted({doc // CARDS for doc in fresh}):
            self._write_cards(entries, card)
        self.last_update = "incremental"

    def _write_cards(self, entries: Sequence[Entry], card: int) -> None:
        self.files[f"c/{card}.json"] = _json(
            [_card(entry) for entry in entries[card * CARDS:(card + 1) * CARDS]])

    def _write_bigrams(self, touched: set[int]) -> None:
        vocabulary = self.vocabulary
        hashes = self._pair_hashes
        hashes.extend(fnv1a(text) for text in vocabulary.pair_text[len(hashes):])
        shards = _bigram_shards(len(self._pair_codes))
        if shards != self._shards:
            for old in range(shards, self._shards):
                self.files.pop(f"b/{old}.bin", None)
            self._shards = shards
            wanted = set(range(shards))
        else:
            wanted = {hashes[pair] % shards for pair in touched}
        members: dict[int, list[tuple[str, int]]] = {shard: [] for shard in wanted}
        for pair in self._pair_codes:
            shard = hashes[pair] % shards
            if shard in members:
                members[shard].append((vocabulary.pair_text[pair], pair))
        for shard, named in members.items():
            data = bytearray()
            for text, pair in sorted(named):
                encoded = text.encode()
                data += varint(len(encoded)) + encoded + self._pair_codes[pair].data
            self.files[f"b/{shard}.bin"] = bytes(data)

    def _write_dictionary(self) -> None:
        vocabulary = self.vocabulary
        for name in [name for name in self.files if name.startswith("d/")]:
            del self.files[name]
        terms = sorted(self._term_codes, key=vocabulary.term_text.__getitem__)
        self._dictionary_firsts = []
        for start in range(0, len(terms), DICTIONARY_SHARD):
            shard = []
            for term in terms[start:start + DICTIONARY_SHARD]:
                code = self._term_codes[term]
                shard.append([vocabulary.term_text[term], code.df,
                              [vocabulary.run_text[run] for run in code.variants]])
            self._dictionary_firsts.append(vocabulary.term_text[terms[start]])
            self.files[f"d/{start // DICTIONARY_SHARD}.json"] = _json(shard)

    def _manifest(self, catalogue: Catalogue, places: Sequence[Place]) -> bytes:
        values = facet_values(catalogue)
        return _json({
            "version": VERSION,
            "N": len(places),
            "params": {"head": HEAD, "prefixTerms": PREFIX_TERMS,
                       "maxSyllable": MAX_SYLLABLE, "maxQuery": MAX_QUERY_SYLLABLES},
            "facets": {facet: [list(v) for v in vals] for facet, vals in values.items()},
            "ranges": _ranges(places, values),
            "flags": {flag: [list(v) for v in vals] for flag, vals in flag_values().items()},
            "dict": self._dictionary_firsts,
            "bigrams": self._shards,
            "cards": CARDS,
        })


def index_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every file of the index of ``catalogue``: its path in the index folder -> its bytes."""
    return SearchIndex().update(catalogue)


def write_index(catalogue: Catalogue, out: Path) -> None:
    """Write the index of ``catalogue`` into the folder ``out``, replacing what is there."""
    shutil.rmtree(out, ignore_errors=True)
    for name, data in index_files(catalogue).items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
