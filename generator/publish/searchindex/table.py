"""Postings by key in one set of arrays: the ``Table`` a build fills and an edit updates.

Rows of a key are contiguous and by document; the ``Spill`` holds a full
build's rows on disk until the table takes them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from generator.publish.searchindex.encode import Ints
from generator.publish.searchindex.gather import I32, Rows

COMPACT_SLACK = 1 << 16
"""Rows no key owns that a table tolerates beyond as many as it has in use."""


@dataclass
class Table:
    """Postings of every key: rows ``starts[k]:stops[k]`` of the arrays are key ``k``'s,
    documents ascending.

    An edit that gives a key a new posting moves that key's rows to the end of
    the arrays; the rows it leaves (document -1) belong to no key until
    ``compact`` drops them.
    """

    starts: Ints
    stops: Ints
    docs: I32
    weighted: I32
    variants: I32 | None
    used: int
    """Rows in use, from the start of the arrays; the rest is room to grow."""

    @classmethod
    def of(cls, parts: Sequence[Rows], keys: int, *, spelled: bool) -> Table:
        """The table of some rows, given a part at a time, for ``keys`` key ids."""
        counts = np.zeros(keys, dtype=np.int64)
        for part in parts:
            counts += np.bincount(part.keys, minlength=keys)
        return cls._scatter(parts, counts, spelled=spelled)

    @classmethod
    def _scatter(cls, parts: Iterable[Rows], counts: Ints, *, spelled: bool) -> Table:
        keys = len(counts)
        bounds = np.zeros(keys + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        total = int(bounds[-1])
        # Room for edits to move keys into: untouched, it costs no memory.
        room = total + total // 8 + COMPACT_SLACK
        table = cls(bounds[:-1].copy(), bounds[1:].copy(), np.empty(room, np.int32),
                    np.empty(room, np.int32), np.empty(room, np.int32) if spelled else None,
                    total)
        fill = table.starts.copy()
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

    def live(self) -> Ints:
        """The ids of the keys with postings."""
        return np.flatnonzero(self.stops > self.starts)

    def rows_of(self, wanted: Ints) -> Ints:
        """The row numbers of the keys ``wanted``, one key after the other."""
        starts, sizes = self.starts[wanted], self.stops[wanted] - self.starts[wanted]
        offsets = np.zeros(len(wanted) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return np.arange(int(offsets[-1]), dtype=np.int64) + np.repeat(starts - offsets[:-1],
                                                                        sizes)

    def _grow(self, keys: int) -> None:
        if keys > len(self.starts):
            more = np.zeros(keys - len(self.starts), dtype=np.int64)
            self.starts = np.concatenate([self.starts, more])
            self.stops = np.concatenate([self.stops, more])

    def compact(self) -> None:
        """Every key's rows in key order, with no row between them."""
        every = np.arange(len(self.starts), dtype=np.int64)
        index = self.rows_of(every)
        self.docs, self.weighted = self.docs[index], self.weighted[index]
        if self.variants is not None:
            self.variants = self.variants[index]
        sizes = self.stops - self.starts
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.stops = self.starts + sizes
        self.used = len(index)

    def edit(self, edited: I32, fresh: Rows, keys: int) -> tuple[set[int], set[int]]:
        """The documents ``edited`` now have the rows ``fresh`` (no id moves); return the keys
        whose rows changed, and those of them whose documents changed.

        A posting that stays is rewritten where it is, one that goes is cut out
        of its key's rows, and a key that gains one moves to the end.
        """
        self._grow(keys)
        hit = np.flatnonzero(np.isin(self.docs[:self.used], edited))
        live = self.live()
        by_start = live[np.argsort(self.starts[live])]
        owner = by_start[np.searchsorted(self.starts[by_start], hit, side="right") - 1]
        old = dict(zip(zip(owner.tolist(), self.docs[hit].tolist(), strict=True), hit.tolist(),
                       strict=True))
        new = {posting: i for i, posting in enumerate(zip(fresh.keys.tolist(),
                                                          fresh.docs.tolist(), strict=True))}
        spellings = fresh.variants if fresh.variants is not None else np.zeros(
            len(fresh.keys), np.int32)
        columns = [self.docs, self.weighted] + ([self.variants] if self.variants is not None
                                                else [])
        for posting, row in sorted(old.items(), key=lambda item: -item[1]):
            i = new.get(posting)
            if i is not None:  # still there: its counts again
                self.weighted[row] = fresh.weighted[i]
                if self.variants is not None:
                    self.variants[row] = spellings[i]
                continue
            key = posting[0]
            stop = int(self.stops[key])
            for column in columns:  # gone: the key's later rows move up one
                column[row:stop - 1] = column[row + 1:stop]
            self.docs[stop - 1] = -1
            self.stops[key] -= 1
        added: dict[int, list[int]] = {}
        for posting, i in new.items():
            if posting not in old:
                added.setdefault(posting[0], []).append(i)
        for key, taken in added.items():
            a, b = int(self.starts[key]), int(self.stops[key])
            docs = np.concatenate([self.docs[a:b], fresh.docs[taken]])
            order = np.argsort(docs, kind="stable")
            self._move_to_end(key, docs[order],
                              np.concatenate([self.weighted[a:b], fresh.weighted[taken]])[order],
                              np.concatenate([self.variants[a:b], spellings[taken]])[order]
                              if self.variants is not None else None)
        if self.used > 2 * int((self.stops - self.starts).sum()) + COMPACT_SLACK:
            self.compact()
        reshaped = {posting[0] for posting in old.keys() ^ new.keys()}
        return {posting[0] for posting in old} | {posting[0] for posting in new}, reshaped

    def _move_to_end(self, key: int, docs: I32, weighted: I32, variants: I32 | None) -> None:
        size = len(docs)
        if self.used + size > len(self.docs):
            room = max(self.used + size, len(self.docs) * 5 // 4)
            self.docs = _grown(self.docs, self.used, room)
            self.weighted = _grown(self.weighted, self.used, room)
            if self.variants is not None:
                self.variants = _grown(self.variants, self.used, room)
        self.docs[self.starts[key]:self.stops[key]] = -1
        at = self.used
        self.docs[at:at + size] = docs
        self.weighted[at:at + size] = weighted
        if self.variants is not None and variants is not None:
            self.variants[at:at + size] = variants
        self.starts[key], self.stops[key] = at, at + size
        self.used += size

    def renumber(self, mapping: I32, fresh: Rows, keys: int) -> None:
        """Give each document its new id (``mapping[old]``, -1 for one gone or changed), and
        add the fresh rows.

        The documents kept keep their order (ids follow the content, which is
        the same), so each key's rows stay sorted without sorting them again.
        """
        self._grow(keys)
        self.compact()
        new_ids = mapping[self.docs]
        kept = new_ids >= 0
        key_of = np.repeat(np.arange(keys, dtype=np.int64), self.stops - self.starts)[kept]
        docs = new_ids[kept]
        order = np.argsort((fresh.keys.astype(np.int64) << 32) | fresh.docs)
        at = np.searchsorted((key_of << 32) | docs,
                             (fresh.keys[order].astype(np.int64) << 32) | fresh.docs[order])
        self.docs = np.insert(docs, at, fresh.docs[order]).astype(np.int32)
        self.weighted = np.insert(self.weighted[kept], at, fresh.weighted[order])
        if self.variants is not None:
            spellings = fresh.variants if fresh.variants is not None else np.zeros(
                len(fresh.keys), np.int32)
            self.variants = np.insert(self.variants[kept], at, spellings[order])
        counts = np.bincount(key_of, minlength=keys) + np.bincount(fresh.keys, minlength=keys)
        self.stops = np.cumsum(counts).astype(np.int64)
        self.starts = self.stops - counts
        self.used = len(self.docs)


class Spill:
    """Rows kept in a temporary file as they are gathered, until a table takes them.

    A full build gathers every entry before it knows how many postings each key
    has; held in memory, the rows and the table made from them would be twice
    the table (a gigabyte and more at 250,000 entries, beside the catalogue).
    """

    def __init__(self, *, spelled: bool) -> None:
        self.spelled = spelled
        self.counts = np.zeros(0, dtype=np.int64)
        """Postings per key id so far."""
        self._sizes: list[int] = []
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ``table``)

    def add(self, rows: Rows) -> None:
        """Keep some rows, after the ones kept already."""
        found = np.bincount(rows.keys)
        if len(found) > len(self.counts):
            self.counts = np.concatenate(
                [self.counts, np.zeros(len(found) - len(self.counts), np.int64)])
        self.counts[:len(found)] += found
        columns = [rows.docs, rows.keys, rows.weighted]
        if self.spelled:
            assert rows.variants is not None
            columns.append(rows.variants)
        for column in columns:
            self._file.write(column.astype(np.int32, copy=False).tobytes())
        self._sizes.append(len(rows.keys))

    def _parts(self) -> Iterator[Rows]:
        self._file.seek(0)
        for size in self._sizes:
            docs, keys, weighted, *variants = (
                np.frombuffer(self._file.read(4 * size), dtype=np.int32)
                for _ in range(4 if self.spelled else 3))
            yield Rows(docs, keys, weighted, variants[0] if variants else None)

    def table(self, keys: int) -> Table:
        """The table of every row kept, for ``keys`` key ids; the file is then deleted."""
        counts = np.concatenate([self.counts, np.zeros(keys - len(self.counts), np.int64)])
        try:
            return Table._scatter(self._parts(), counts, spelled=self.spelled)
        finally:
            self._file.close()


def _grown(values: I32, used: int, room: int) -> I32:
    grown = np.empty(room, dtype=values.dtype)
    grown[:used] = values[:used]
    return grown


