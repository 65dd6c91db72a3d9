"""Gathering: each entry's terms and bigrams, their weighted counts and spellings, as arrays.

Tokenising stays in Python (the rules of terms.py), but only as far as a
list of syllable ids per text: counting, summing and choosing each term's
spelling are done in numpy over a thousand entries at a time.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.core.model import Entry
from generator.publish.searchindex.terms import (
    BIGRAM_FIELDS,
    MAX_SYLLABLE,
    WEIGHTS,
    fields,
    fold,
    runs,
)

I32 = npt.NDArray[np.int32]
CHUNK = 1024
"""Entries counted together: large enough for numpy to pay, small enough to stay in cache."""


class Vocabulary:
    """Ids of every spelling, term and bigram met, kept across builds (``dvk serve``).

    Ids follow the order things were met in, so nothing written may depend on
    them: everything the index shows is ordered by text.
    """

    def __init__(self) -> None:
        self.runs: dict[str, int] = {}
        """A syllable as written -> its id; -1 for a run too long to be a syllable."""
        self.run_text: list[str] = []
        self.run_term: list[int] = []
        self.terms: dict[str, int] = {}
        self.term_text: list[str] = []
        self.pairs: dict[tuple[int, int], int] = {}
        """Two adjacent terms' ids -> the bigram's id."""
        self.pair_text: list[str] = []
        self._run_term: I32 = np.zeros(0, np.int32)
        self._run_rank: I32 = np.zeros(0, np.int32)

    def run_id(self, run: str) -> int:
        """The id of a syllable as written, registering it (and its term) when new."""
        found = self.runs.get(run)
        if found is not None:
            return found
        if len(run) > MAX_SYLLABLE:
            self.runs[run] = -1
            return -1
        term = fold(run)
        term_id = self.terms.get(term)
        if term_id is None:
            term_id = self.terms[term] = len(self.term_text)
            self.term_text.append(term)
        found = self.runs[run] = len(self.run_text)
        self.run_text.append(run)
        self.run_term.append(term_id)
        return found

    def pair_id(self, first: int, second: int) -> int:
        """The id of the bigram of two term ids, registering it when new."""
        key = (first, second)
        found = self.pairs.get(key)
        if found is None:
            found = self.pairs[key] = len(self.pair_text)
            self.pair_text.append(f"{self.term_text[first]} {self.term_text[second]}")
        return found

    def run_terms(self) -> I32:
        """Each spelling's term id, as an array."""
        if len(self._run_term) != len(self.run_term):
            self._run_term = np.array(self.run_term, dtype=np.int32)
        return self._run_term

    def run_ranks(self) -> I32:
        """Each spelling's place in code-point order: ties between spellings go to the first."""
        if len(self._run_rank) != len(self.run_text):
            order = sorted(range(len(self.run_text)), key=self.run_text.__getitem__)
            ranks = np.empty(len(order), dtype=np.int32)
            ranks[order] = np.arange(len(order), dtype=np.int32)
            self._run_rank = ranks
        return self._run_rank


@dataclass(frozen=True, slots=True)
class Rows:
    """Postings of some documents, by document, then key ascending."""

    docs: I32
    keys: I32
    weighted: I32
    variants: I32 | None
    """The spelling (run id) of each term; None for bigrams, which keep none."""

    @classmethod
    def joined(cls, parts: Sequence[Rows]) -> Rows:
        """Rows of several parts, one after the other."""
        variants = [p.variants for p in parts if p.variants is not None]
        return cls(np.concatenate([p.docs for p in parts] or [_EMPTY]),
                   np.concatenate([p.keys for p in parts] or [_EMPTY]),
                   np.concatenate([p.weighted for p in parts] or [_EMPTY]),
                   np.concatenate(variants) if variants else None)


_EMPTY: I32 = np.zeros(0, np.int32)


@dataclass(frozen=True, slots=True)
class Gathered:
    """What a run of entries contributes to the index; documents are numbered from 0."""

    terms: Rows
    pairs: Rows
    lengths: npt.NDArray[np.int64]
    """Each document's weighted length ``dl``: its syllables, each with its field's weight."""


def _chunk(entries: Sequence[Entry], vocabulary: Vocabulary) -> Gathered:
    # Per text, its syllables' ids (bigram fields apart, with -1 between texts so
    # that no bigram spans two); per text, its document, weight and length.
    run_ids, pair_runs = array("i"), array("i")
    text_docs, text_weights, text_lengths = array("i"), array("i"), array("i")
    pair_docs, pair_weights, pair_lengths = array("i"), array("i"), array("i")
    known = vocabulary.runs.get
    for doc, entry in enumerate(entries):
        for name, texts in fields(entry).items():
            field_weight = WEIGHTS[name]
            bigrams = name in BIGRAM_FIELDS
            for text in texts:
                written = runs(text)
                looked_up = list(map(known, written))
                ids: list[int] = (
                    [vocabulary.run_id(run) for run in written] if None in looked_up
                    else looked_up)  # type: ignore[assignment]  # no None in it
                run_ids.extend(ids)
                text_docs.append(doc)
                text_weights.append(field_weight)
                text_lengths.append(len(ids))
                if bigrams:
                    pair_runs.extend(ids)
                    pair_runs.append(-1)
                    pair_docs.append(doc)
                    pair_weights.append(field_weight)
                    pair_lengths.append(len(ids) + 1)
    text_length = np.frombuffer(text_lengths, dtype=np.int32)
    spelled = np.frombuffer(run_ids, dtype=np.int32)
    docs = np.repeat(np.frombuffer(text_docs, dtype=np.int32), text_length)
    weight = np.repeat(np.frombuffer(text_weights, dtype=np.int32), text_length)
    kept = spelled >= 0
    docs, spelled, weight = docs[kept], spelled[kept], weight[kept]
    doc_lengths = np.bincount(docs, weights=weight, minlength=len(entries)).astype(np.int64)
    return Gathered(_terms(docs, spelled, weight, vocabulary),
                    _pairs(np.frombuffer(pair_runs, dtype=np.int32),
                           np.frombuffer(pair_docs, dtype=np.int32),
                           np.frombuffer(pair_weights, dtype=np.int32),
                           np.frombuffer(pair_lengths, dtype=np.int32), vocabulary),
                    doc_lengths)


def _terms(docs: I32, spelled: I32, weight: I32, vocabulary: Vocabulary) -> Rows:
    # Each (document, spelling): how often, and its weighted count. The occurrences
    # are in document order already, so one stable sort by spelling within the
    # chunk's documents does it.
    width = np.int64(max(len(vocabulary.run_text), 1))
    combined = docs.astype(np.int64) * width + spelled
    by_spelling = np.argsort(combined)
    combined = combined[by_spelling]
    boundary = np.ones(len(combined), dtype=np.bool_)
    boundary[1:] = combined[1:] != combined[:-1]
    firsts = np.flatnonzero(boundary)
    often = np.diff(np.append(firsts, len(combined)))
    summed = (np.add.reduceat(weight[by_spelling].astype(np.int64), firsts) if len(firsts)
              else often)
    combined = combined[firsts]
    doc_of = (combined // width).astype(np.int32)
    run_of = (combined % width).astype(np.int32)
    term_of = vocabulary.run_terms()[run_of]
    # Each (document, term): the summed counts of its spellings, and its commonest
    # spelling, ties to the first in code-point order: the least of (-count, rank).
    ranks = vocabulary.run_ranks()
    preference = (np.int64(1 << 31) - often) * np.int64(len(ranks)) + ranks[run_of]
    primary = doc_of.astype(np.int64) * np.int64(len(vocabulary.term_text)) + term_of
    order = np.argsort(primary)
    primary = primary[order]
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = primary[1:] != primary[:-1]
    starts = np.flatnonzero(first)
    if len(starts):
        weighted = np.add.reduceat(summed[order], starts).astype(np.int32)
        best = np.minimum.reduceat(preference[order], starts) % np.int64(len(ranks))
    else:
        weighted, best = summed.astype(np.int32), preference
    by_rank = np.empty(len(ranks), dtype=np.int32)
    by_rank[ranks] = np.arange(len(ranks), dtype=np.int32)
    doc_of, term_of = doc_of[order][starts], term_of[order][starts]
    spelling = by_rank[best]
    return Rows(doc_of, term_of, weighted, spelling)


def _pairs(pair_runs: I32, docs: I32, weights: I32, lengths: I32, vocabulary: Vocabulary
           ) -> Rows:
    if not len(pair_runs):
        return Rows(_EMPTY, _EMPTY, _EMPTY, None)
    doc_of = np.repeat(docs, lengths)[:-1]
    weight = np.repeat(weights, lengths)[:-1]
    first, second = pair_runs[:-1], pair_runs[1:]
    adjacent = (first >= 0) & (second >= 0)
    term_of = vocabulary.run_terms()
    width = np.int64(max(len(vocabulary.term_text), 1))
    found = term_of[first[adjacent]].astype(np.int64) * width + term_of[second[adjacent]]
    named, inverse = np.unique(found, return_inverse=True)
    ids = np.array([vocabulary.pair_id(a, b) for a, b
                    in zip((named // width).tolist(), (named % width).tolist(), strict=True)],
                   dtype=np.int64)
    pair_width = np.int64(max(len(vocabulary.pair_text), 1))
    combined, at = np.unique(doc_of[adjacent].astype(np.int64) * pair_width + ids[inverse],
                             return_inverse=True)
    summed = np.bincount(at, weights=weight[adjacent], minlength=len(combined)).astype(np.int32)
    return Rows((combined // pair_width).astype(np.int32),
                (combined % pair_width).astype(np.int32), summed, None)


def gather(entries: Sequence[Entry], vocabulary: Vocabulary) -> Iterator[Gathered]:
    """What the entries contribute to the index, a chunk of them at a time; the
    documents are numbered in the order given, from 0."""
    for start in range(0, len(entries), CHUNK):
        part = _chunk(entries[start:start + CHUNK], vocabulary)
        offset = np.int32(start)
        yield Gathered(
            Rows(part.terms.docs + offset, part.terms.keys, part.terms.weighted,
                 part.terms.variants),
            Rows(part.pairs.docs + offset, part.pairs.keys, part.pairs.weighted, None),
            part.lengths)
