"""A reference of docs/search-index.md's scoring, in Python, straight from the catalogue.

It reads no index file: it tokenises the entries itself, scores every
posting with BM25, cuts the heads and answers queries with sets. The browser
runtime, reading the writer's files, must give the same top ids and counts
(tests/test_search_index.py); a disagreement is a bug in the writer, the
runtime or the spec. Only the tokeniser and the document order are shared.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise

from bench.indexread import found_in_index, read_postings
from generator.catalogue.catalogue import Catalogue
from generator.publish.searchindex.terms import (
    BIGRAM_FIELDS,
    FACETS,
    FLAGS,
    HEAD,
    PREFIX_TERMS,
    WEIGHTS,
    Syllable,
    bigrams,
    document_order,
    facet_key,
    facet_values,
    fields,
    flag_key,
    flag_values,
    query_syllables,
    syllables,
)

__all__ = ["found_in_index", "read_postings"]  # the reading side, shared with the bench

K1, B = 1.2, 0.75
EVERY_FACET = FACETS + FLAGS
"""A flag filters and counts as a facet does; it is kept apart only in the files."""
FLOORS = [(2 ** ((v - 0.5) / 32) - 1) / 4 for v in range(1, 256)]
"""The least score of each impact 1..255."""


def _avgdl(lengths: Sequence[int]) -> float:
    """The mean length, quantised to eight steps a doubling."""
    return 2 ** (math.floor(8 * math.log2(sum(lengths) / len(lengths)) + 0.5) / 8)


def _impact(tf: float, dl: float, avgdl: float, df: int, n: int) -> int:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
    return max(1, bisect_right(FLOORS, score))


Counts = dict[str, dict[str, int]]


class Reference:
    """Every posting of a catalogue in memory, and the spec's query rules over sets."""

    def __init__(self, catalogue: Catalogue) -> None:
        entries = document_order(catalogue)
        self.n = len(entries)
        self.keys = [facet_key(e) + flag_key(catalogue, e) for e in entries]
        self.values = {facet: [key for key, _ in vals] for facet, vals
                       in (facet_values(catalogue) | flag_values()).items()}
        tf: defaultdict[str, dict[int, int]] = defaultdict(dict)
        spelled: defaultdict[str, dict[int, str]] = defaultdict(dict)
        pair_tf: defaultdict[str, dict[int, int]] = defaultdict(dict)
        lengths = []
        for doc, entry in enumerate(entries):
            length = 0
            variants: defaultdict[str, Counter[str]] = defaultdict(Counter)
            for name, texts in fields(entry).items():
                for text in texts:
                    found = syllables(text)
                    for syllable in (s for s in found if s is not None):
                        tf[syllable.term][doc] = tf[syllable.term].get(doc, 0) + WEIGHTS[name]
                        variants[syllable.term][syllable.variant] += 1
                        length += WEIGHTS[name]
                    if name in BIGRAM_FIELDS:
                        for key in bigrams(found):
                            pair_tf[key][doc] = pair_tf[key].get(doc, 0) + WEIGHTS[name]
            for term, counts in variants.items():
                top = max(counts.values())
                spelled[term][doc] = min(v for v, c in counts.items() if c == top)
            lengths.append(length)
        avgdl = _avgdl(lengths)

        def heads(table: Mapping[str, dict[int, int]]) -> dict[str, dict[int, int]]:
            cut = {}
            for key, docs in table.items():
                scored = sorted(((-_impact(w, lengths[d], avgdl, len(docs), self.n), d)
                                 for d, w in docs.items()))
                cut[key] = {d: -negative for negative, d in scored[:HEAD]}
            return cut

        self.match = {term: frozenset(docs) for term, docs in tf.items()}
        self.df = {term: len(docs) for term, docs in tf.items()}
        self.impacts = heads(tf)
        self.variant = {term: {d: spelled[term][d] for d in top}
                        for term, top in self.impacts.items()}
        self.pairs = heads(pair_tf)
        self.terms = sorted(tf)

    def _expand(self, prefix: str) -> list[str]:
        others = sorted((t for t in self.terms if t.startswith(prefix) and t != prefix),
                        key=lambda t: (-self.df[t], t))
        exact = [prefix] if prefix in self.match else []
        return (exact + others)[:PREFIX_TERMS]

    def _passes(self, doc: int, filters: Mapping[str, set[str]], skip: str = "") -> bool:
        return all(self.keys[doc][i] in wanted for i, facet in enumerate(EVERY_FACET)
                   if facet != skip and (wanted := filters.get(facet)))

    def _counts(self, docs: frozenset[int] | range, filters: Mapping[str, set[str]]) -> Counts:
        counts: Counts = {facet: {} for facet in EVERY_FACET}
        for doc in docs:
            for i, facet in enumerate(EVERY_FACET):
                if self._passes(doc, filters, skip=facet):
                    key = self.keys[doc][i]
                    counts[facet][key] = counts[facet].get(key, 0) + 1
        return counts

    def search(self, query: str, filters: Mapping[str, Sequence[str]], prefix: bool,
               limit: int = 20) -> tuple[list[int], Counts, int]:
        """(top ids, facet counts, total) for ``query`` under ``filters``."""
        wanted = {facet: {v for v in filters.get(facet, ()) if v in self.values[facet]}
                  for facet in EVERY_FACET}
        wanted = {facet: values for facet, values in wanted.items() if values}
        found = query_syllables(query)
        prefix = prefix and not query.endswith(" ")
        # Adjacent as in text: an over-long run dropped between two syllables parts them.
        kept: list[tuple[int, Syllable]] = [
            (i, s) for i, s in enumerate(syllables(query)) if s is not None][:len(found)]
        adjacent = [(first, second) for (i, first), (j, second) in pairwise(kept) if j == i + 1]
        if not found:
            every = range(self.n)
            listed = [d for d in every if self._passes(d, wanted)]
            return listed[:limit], self._counts(every, wanted), len(listed)
        expansions = []
        for i, syllable in enumerate(found):
            last = prefix and i == len(found) - 1
            names = self._expand(syllable.term) if last else (
                [syllable.term] if syllable.term in self.match else [])
            expansions.append(names)
        if any(not names for names in expansions):
            return [], {facet: {} for facet in EVERY_FACET}, 0
        matched = frozenset.intersection(*(frozenset().union(*(self.match[t] for t in names))
                                           for names in expansions))
        listed = [d for d in matched if self._passes(d, wanted)]

        def score(doc: int) -> int:
            total = 0
            for syllable, names in zip(found, expansions, strict=True):
                total += max(self.impacts[t].get(doc, 0) for t in names)
                exact = syllable.term if syllable.term in self.match else None
                if exact is not None and self.variant[exact].get(doc) == syllable.variant:
                    total += self.impacts[exact][doc] // 8
            for first, second in adjacent:
                if second.term in self.match:
                    total += self.pairs.get(f"{first.term} {second.term}", {}).get(doc, 0)
            return total

        ranked = sorted(listed, key=lambda d: (-score(d), d))
        return ranked[:limit], self._counts(matched, wanted), len(listed)
