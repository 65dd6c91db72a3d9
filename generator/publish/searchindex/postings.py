"""Postings by key (term or bigram), as docs/search-index.md's bytes.

``encode`` turns any set of whole keys of a ``Table`` into their bytes at
once: the writer calls it on every key for a full build, and on the keys an
edit touched for an incremental one, so both write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

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
from generator.publish.searchindex.gather import I32
from generator.publish.searchindex.table import Table
from generator.publish.searchindex.terms import HEAD

F64 = npt.NDArray[np.float64]


class Encoded(NamedTuple):
    """One key's bytes: its match set (terms only) and its head.

    A named tuple, not a dataclass: hundreds of thousands are restored from
    the build cache by every build after an edit, and tuples unpickle fastest.
    """

    df: int
    data: bytes
    """A term's match set (``varint count, kind, set``) then its head (``varint
    head_count``, then each posting); a bigram's head alone."""
    matches: int
    """The length of the match set that begins ``data``."""
    variants: tuple[int, ...]
    """The spellings (run ids) its head names, in code-point order; empty for a bigram."""


BLOCK_ROWS = 1 << 18
"""Postings encoded together: numpy's temporaries stay a few tens of megabytes."""


def encode(table: Table, keys: Iterable[int], n: int, norms: F64, *,
           ranks: I32 | None = None, known: dict[int, bytes] | None = None
           ) -> dict[int, Encoded]:
    """The bytes of each of ``keys`` (each with postings), scored against ``norms``.

    ``ranks`` (each spelling's place in code-point order) is wanted for terms;
    ``known`` are match sets still right (the key's documents are the same).
    """
    wanted = np.array(sorted(keys), dtype=np.int64)
    ends = np.cumsum(table.stops[wanted] - table.starts[wanted])
    out: dict[int, Encoded] = {}
    first = 0
    while first < len(wanted):
        # At least one key a block, however long its postings.
        start = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, start + BLOCK_ROWS, side="right")), first + 1)
        out.update(_encode_block(table, wanted[first:last], n, norms, ranks=ranks,
                                 known=known or {}))
        first = last
    return out


def _head_candidates(group: Ints, value: npt.NDArray[np.uint8], sizes: Ints) -> Ints:
    """The rows that may be in their key's head: all of a key with at most ``HEAD``
    postings; of a longer one, those with at least the impact of its ``HEAD``-th best.

    Sorting those alone spares sorting the whole postings of common syllables.
    """
    long = sizes > HEAD
    if not long.any():
        return np.arange(len(group), dtype=np.int64)
    long_index = np.cumsum(long) - 1
    in_long = long[group]
    counts = np.bincount(long_index[group[in_long]] * 256 + value[in_long],
                         minlength=int(long.sum()) * 256).reshape(-1, 256)
    at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    threshold = (at_least >= HEAD).sum(axis=1) - 1
    floor_of_row = np.where(in_long, threshold[np.where(in_long, long_index[group], 0)], 0)
    return np.flatnonzero(value >= floor_of_row)


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


def _encode_block(table: Table, wanted: Ints, n: int, norms: F64, *,
                  ranks: I32 | None, known: dict[int, bytes]) -> dict[int, Encoded]:
    sizes = table.stops[wanted] - table.starts[wanted]
    offsets = np.zeros(len(wanted) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    index = table.rows_of(wanted)
    docs = table.docs[index]
    group = np.repeat(np.arange(len(wanted), dtype=np.int64), sizes)
    value = impacts(table.weighted[index], idf(sizes, n)[group], norms[docs])

    # Each key's head: impact high first, then id low first (the rows are by id).
    candidates = _head_candidates(group, value, sizes)
    order = candidates[np.argsort(group[candidates] * 256 + (255 - value[candidates]),
                                  kind="stable")]
    ordered_group = group[order]
    first = np.searchsorted(ordered_group, np.arange(len(wanted)))
    in_head = np.arange(len(order)) - first[ordered_group] < HEAD
    head_rows = order[in_head]
    columns: list[tuple[npt.NDArray[np.integer], bool]] = [
        (docs[head_rows], False), (value[head_rows], True)]
    spellings: list[tuple[int, ...]] = [()] * len(wanted)
    if table.variants is not None and ranks is not None:
        position, spellings = _spellings(table.variants[index][head_rows], group[head_rows],
                                         len(wanted), ranks)
        columns.append((position, False))
    head_data, head_at = records(columns)
    head_sizes = np.minimum(sizes, HEAD)
    head_bounds = np.zeros(len(wanted) + 1, dtype=np.int64)
    np.cumsum(head_sizes, out=head_bounds[1:])
    head_offsets = head_at[head_bounds].tolist()
    matches = [known.get(key, b"") for key in wanted.tolist()]
    if table.variants is not None:
        needed = np.array([not m for m in matches])
        if needed.any():
            sub = np.zeros(int(needed.sum()) + 1, dtype=np.int64)
            np.cumsum(sizes[needed], out=sub[1:])
            made = iter(_match_sets(docs[needed[group]], sub, n))
            matches = [m or next(made) for m in matches]

    out: dict[int, Encoded] = {}
    raw = head_data.tobytes()
    for i, (key, df, head_size) in enumerate(zip(wanted.tolist(), sizes.tolist(),
                                                 head_sizes.tolist(), strict=True)):
        head = varint(head_size) + raw[head_offsets[i]:head_offsets[i + 1]]
        out[key] = Encoded(df, matches[i] + head, len(matches[i]), spellings[i])
    return out
