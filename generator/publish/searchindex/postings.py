"""Postings by key (term or bigram), and their encoding as docs/search-index.md's bytes.

A ``Table`` holds every key's postings in one set of arrays, grouped by key
id, documents ascending. ``encode`` turns any set of whole keys into their
bytes at once: the writer calls it on every key for a full build, and on the
keys an edit touched for an incremental one, so both write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.publish.searchindex.encode import (
    Ints,
    bitmap,
    idf,
    impacts,
    records,
    varint,
)
from generator.publish.searchindex.gather import I32, Rows
from generator.publish.searchindex.terms import HEAD

F64 = npt.NDArray[np.float64]


@dataclass
class Table:
    """Postings of every key: rows ``starts[k]:starts[k + 1]`` are key ``k``'s, by document."""

    starts: Ints
    docs: I32
    weighted: I32
    variants: I32 | None

    @classmethod
    def of(cls, parts: Sequence[Rows], keys: int, *, spelled: bool) -> Table:
        """The table of some rows, given a part at a time, for ``keys`` key ids."""
        counts = np.zeros(keys, dtype=np.int64)
        for part in parts:
            counts += np.bincount(part.keys, minlength=keys)
        starts = np.zeros(keys + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        total = int(starts[-1])
        table = cls(starts, np.empty(total, np.int32), np.empty(total, np.int32),
                    np.empty(total, np.int32) if spelled else None)
        fill = starts[:-1].copy()
        # Each part scattered into place (parts in document order, so each key's
        # documents stay ascending): no array of every posting is made but the table's.
        for part in parts:
            if not len(part.keys):
                continue
            order = np.argsort(part.keys, kind="stable")
            keys_sorted = part.keys[order]
            new_group = np.ones(len(order), dtype=np.bool_)
            new_group[1:] = keys_sorted[1:] != keys_sorted[:-1]
            group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
            target = fill[keys_sorted] + (np.arange(len(order)) - group_start)
            table.docs[target] = part.docs[order]
            table.weighted[target] = part.weighted[order]
            if table.variants is not None and part.variants is not None:
                table.variants[target] = part.variants[order]
            fill += np.bincount(part.keys, minlength=keys)
        return table

    def update(self, mapping: I32, fresh: Rows, keys: int, *, renumber: bool) -> set[int]:
        """Renumber the documents (``mapping[old]`` is the new id, -1 for a document gone or
        changed), add the fresh rows, and return the keys whose rows changed.

        The documents kept keep their order (ids follow the content, which is
        the same), so each key's rows stay sorted without sorting them again.
        """
        new_ids = mapping[self.docs]
        gone = np.flatnonzero(new_ids < 0)
        spellings = fresh.variants if fresh.variants is not None else np.zeros(
            len(fresh.keys), np.int32)
        touched = set((np.searchsorted(self.starts, gone, side="right") - 1).tolist())
        touched.update(fresh.keys.tolist())
        old_keys = len(self.starts) - 1
        if not renumber:
            order = np.argsort(fresh.keys, kind="stable")
            fresh_keys = fresh.keys[order]
            replaced = {}
            for key in touched:
                taken = order[np.searchsorted(fresh_keys, key):
                              np.searchsorted(fresh_keys, key, side="right")]
                a, b = (int(self.starts[key]), int(self.starts[key + 1])) if key < old_keys \
                    else (0, 0)
                kept = new_ids[a:b] >= 0
                docs = np.concatenate([self.docs[a:b][kept], fresh.docs[taken]])
                by_doc = np.argsort(docs, kind="stable")
                weighted = np.concatenate([self.weighted[a:b][kept], fresh.weighted[taken]])
                variants = None
                if self.variants is not None:
                    variants = np.concatenate([self.variants[a:b][kept],
                                               spellings[taken]])[by_doc]
                replaced[key] = (docs[by_doc], weighted[by_doc], variants)
            self.replace(keys, replaced)
            return touched
        kept = new_ids >= 0
        key_of = np.repeat(np.arange(old_keys, dtype=np.int64), np.diff(self.starts))[kept]
        docs = new_ids[kept]
        placed = (key_of << 32) | docs
        order = np.argsort((fresh.keys.astype(np.int64) << 32) | fresh.docs)
        at = np.searchsorted(placed, (fresh.keys[order].astype(np.int64) << 32)
                             | fresh.docs[order])
        self.docs = np.insert(docs, at, fresh.docs[order]).astype(np.int32)
        self.weighted = np.insert(self.weighted[kept], at, fresh.weighted[order])
        if self.variants is not None:
            self.variants = np.insert(self.variants[kept], at, spellings[order])
        counts = np.bincount(key_of, minlength=keys) + np.bincount(fresh.keys, minlength=keys)
        self.starts = np.zeros(keys + 1, dtype=np.int64)
        np.cumsum(counts, out=self.starts[1:])
        return touched

    def replace(self, keys: int, changed: dict[int, tuple[I32, I32, I32 | None]]) -> None:
        """Give the keys of ``changed`` their new rows; ``keys`` is the new number of key ids."""
        counts = np.zeros(keys, dtype=np.int64)
        old = np.diff(self.starts)
        counts[:len(old)] = old
        pieces: list[list[npt.NDArray[np.int32]]] = [[np.zeros(0, np.int32)] for _ in range(3)]
        at = 0
        for key in sorted(changed):
            # A key new since the table was made has no rows yet: it goes at the end.
            a = int(self.starts[min(key, len(old))])
            self._take(pieces, at, a)
            at = int(self.starts[key + 1]) if key < len(old) else a
            docs, weighted, variants = changed[key]
            pieces[0].append(docs)
            pieces[1].append(weighted)
            if variants is not None:
                pieces[2].append(variants)
            counts[key] = len(docs)
        self._take(pieces, at, int(self.starts[-1]))
        self.starts = np.zeros(keys + 1, dtype=np.int64)
        np.cumsum(counts, out=self.starts[1:])
        self.docs = np.concatenate(pieces[0]).astype(np.int32, copy=False)
        self.weighted = np.concatenate(pieces[1]).astype(np.int32, copy=False)
        if self.variants is not None:
            self.variants = np.concatenate(pieces[2]).astype(np.int32, copy=False)

    def _take(self, pieces: list[list[npt.NDArray[np.int32]]], a: int, b: int) -> None:
        if b > a:
            pieces[0].append(self.docs[a:b])
            pieces[1].append(self.weighted[a:b])
            if self.variants is not None:
                pieces[2].append(self.variants[a:b])

    def live(self) -> Ints:
        """The ids of the keys with postings."""
        return np.flatnonzero(np.diff(self.starts))


@dataclass(frozen=True, slots=True)
class Encoded:
    """One key's bytes: its match set (terms only) and its head."""

    df: int
    data: bytes
    """A term's match set (``varint count, kind, set``) then its head (``varint
    head_count``, then each posting); a bigram's head alone."""
    variants: tuple[int, ...]
    """The spellings (run ids) its head names, in code-point order; empty for a bigram."""


BLOCK_ROWS = 1 << 18
"""Postings encoded together: numpy's temporaries stay a few tens of megabytes."""


def encode(table: Table, keys: Iterable[int], n: int, norms: F64,
           ranks: I32 | None = None) -> dict[int, Encoded]:
    """The bytes of each of ``keys`` (each with postings), scored against ``norms``.

    ``ranks`` (each spelling's place in code-point order) is wanted for terms.
    """
    wanted = np.array(sorted(keys), dtype=np.int64)
    ends = np.cumsum(table.starts[wanted + 1] - table.starts[wanted])
    out: dict[int, Encoded] = {}
    first = 0
    while first < len(wanted):
        # At least one key a block, however long its postings.
        start = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, start + BLOCK_ROWS, side="right")), first + 1)
        out.update(_encode_block(table, wanted[first:last], n, norms, ranks))
        first = last
    return out


def _spellings(spelled: I32, head_group: Ints, keys: int, ranks: I32
               ) -> tuple[Ints, list[tuple[int, ...]]]:
    """Each head posting's place in its key's spellings, and each key's spellings (run ids),
    in code-point order."""
    width = np.int64(len(ranks))
    by_rank = np.empty(len(ranks), dtype=np.int64)
    by_rank[ranks] = np.arange(len(ranks))
    named, position = np.unique(head_group * width + ranks[spelled], return_inverse=True)
    first_named = np.searchsorted(named, np.arange(keys) * width)
    runs_named = by_rank[named % width]
    bounds = np.append(first_named, len(named)).tolist()
    return (position - first_named[head_group],
            [tuple(runs_named[bounds[i]:bounds[i + 1]].tolist()) for i in range(keys)])


def _match_sets(docs: I32, offsets: Ints, n: int) -> list[bytes]:
    """Each key's match set (``varint count, kind, set``): gaps, or a bitmap if smaller."""
    previous = np.empty_like(docs)
    previous[1:] = docs[:-1]
    previous[offsets[:-1]] = -1
    data, at = records([(docs - previous, False)])
    gaps = data.tobytes()
    bounds = at[offsets].tolist()
    found = []
    size = (n + 7) // 8
    for i, (a, b) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)):
        encoded = gaps[bounds[i]:bounds[i + 1]]
        if size < len(encoded):
            found.append(varint(b - a) + b"\x01" + bitmap(docs[a:b], n))
        else:
            found.append(varint(b - a) + b"\x00" + encoded)
    return found


def _encode_block(table: Table, wanted: Ints, n: int, norms: F64,
                  ranks: I32 | None) -> dict[int, Encoded]:
    starts, stops = table.starts[wanted], table.starts[wanted + 1]
    sizes = stops - starts
    # The wanted keys' rows, laid end to end (an arange per key, done in one go).
    offsets = np.zeros(len(wanted) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    index = np.arange(int(offsets[-1]), dtype=np.int64) + np.repeat(starts - offsets[:-1], sizes)
    docs = table.docs[index]
    group = np.repeat(np.arange(len(wanted), dtype=np.int64), sizes)
    value = impacts(table.weighted[index], idf(sizes, n)[group], norms[docs])

    # Each key's head: impact high first, then id low first (the rows are by id).
    order = np.argsort(group * 256 + (255 - value.astype(np.int64)), kind="stable")
    in_head = np.arange(len(order)) - offsets[:-1][group] < HEAD
    head_rows = order[in_head]
    columns: list[tuple[npt.NDArray[np.integer], bool]] = [
        (docs[head_rows], False), (value[head_rows], True)]
    spellings: list[tuple[int, ...]] = [()] * len(wanted)
    if table.variants is not None and ranks is not None:
        position, spellings = _spellings(table.variants[index][head_rows], group[in_head],
                                         len(wanted), ranks)
        columns.append((position, False))
    head_data, head_at = records(columns)
    head_sizes = np.minimum(sizes, HEAD)
    head_bounds = np.zeros(len(wanted) + 1, dtype=np.int64)
    np.cumsum(head_sizes, out=head_bounds[1:])
    head_offsets = head_at[head_bounds].tolist()
    matches = (_match_sets(docs, offsets, n) if table.variants is not None
               else [b""] * len(wanted))

    out: dict[int, Encoded] = {}
    raw = head_data.tobytes()
    for i, (key, df, head_size) in enumerate(zip(wanted.tolist(), sizes.tolist(),
                                                 head_sizes.tolist(), strict=True)):
        head = varint(head_size) + raw[head_offsets[i]:head_offsets[i + 1]]
        out[key] = Encoded(df, matches[i] + head, spellings[i])
    return out
