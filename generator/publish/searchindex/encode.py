"""The bytes of the index: varints, match sets, impacts, and the shard hash of bigrams.

The writer encodes millions of postings at once, so every encoder here takes
numpy arrays and works column-wise; the one-value forms serve the few headers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from generator.publish.searchindex.terms import K1, LOG_SCALE, LOG_STRETCH, B

Ints = npt.NDArray[np.int64]

_ONE_BYTE = [bytes((value,)) for value in range(0x80)]


def varint(value: int) -> bytes:
    """Unsigned LEB128 of one value."""
    if value < 0x80:
        return _ONE_BYTE[value]
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varint_lengths(values: npt.NDArray[np.integer]) -> Ints:
    """The LEB128 length of each value (all below 2**35)."""
    lengths = np.ones(len(values), dtype=np.int64)
    for bits in (7, 14, 21, 28):
        lengths += values >= (1 << bits)
    return lengths


def put_varints(out: npt.NDArray[np.uint8], at: Ints, values: npt.NDArray[np.integer],
                lengths: Ints) -> None:
    """Write each value's LEB128 at its offset of ``out``."""
    values = values.astype(np.int64, copy=False)
    for k in range(int(lengths.max(initial=0))):
        written = lengths > k
        byte = (values[written] >> (7 * k)) & 0x7F
        byte |= np.where(lengths[written] > k + 1, 0x80, 0)
        out[at[written] + k] = byte


def records(columns: Sequence[tuple[npt.NDArray[np.integer], bool]]
            ) -> tuple[npt.NDArray[np.uint8], Ints]:
    """Rows of fields laid end to end: each column a varint, or a byte if marked so.

    Returns the bytes and each row's offset, with the end as a last offset, so
    that the rows ``i`` to ``j`` are ``data[offsets[i]:offsets[j]]``.
    """
    lengths = [np.ones(len(values), dtype=np.int64) if single else varint_lengths(values)
               for values, single in columns]
    row_lengths = np.sum(lengths, axis=0) if lengths[0].size else np.zeros(0, np.int64)
    offsets = np.zeros(len(row_lengths) + 1, dtype=np.int64)
    np.cumsum(row_lengths, out=offsets[1:])
    out = np.zeros(int(offsets[-1]), dtype=np.uint8)
    at = offsets[:-1].copy()
    for (values, single), length in zip(columns, lengths, strict=True):
        if single:
            out[at] = values
        else:
            put_varints(out, at, values, length)
        at += length
    return out, offsets


def bitmap(docs: npt.NDArray[np.integer], n: int) -> bytes:
    """Bit ``d % 8`` of byte ``d // 8`` set for each document ``d``."""
    bits = np.zeros(n, dtype=np.bool_)
    bits[docs] = True
    return np.packbits(bits, bitorder="little").tobytes()


def fnv1a(text: str) -> int:
    """FNV-1a, 32 bits, of the UTF-8 bytes of ``text``: which bigram shard holds it."""
    hashed = 0x811C9DC5
    for byte in text.encode():
        hashed = ((hashed ^ byte) * 0x01000193) & 0xFFFFFFFF
    return hashed


AVGDL_STEPS = 8
"""Steps per doubling of the quantised mean document length: 9 % apart."""


def quantised_avgdl(total: int, n: int) -> float:
    """The mean weighted document length, on a log scale of ``AVGDL_STEPS`` a doubling.

    Impacts depend on it; quantised, an edit almost never moves it, so an edit
    re-scores only the terms it touches and still writes what a clean build writes.
    """
    if n == 0 or total == 0:
        return 1.0
    return float(2 ** (math.floor(AVGDL_STEPS * math.log2(total / n) + 0.5) / AVGDL_STEPS))


IMPACT_FLOORS = np.array([(2 ** ((v - 0.5) / LOG_SCALE) - 1) / LOG_STRETCH
                          for v in range(1, 256)])
"""The least score of each impact 1..255: ``32·log2(1 + 4·score)`` rounded to ``v``."""
_FLOORS_FROM_ZERO = np.concatenate([[-np.inf], IMPACT_FLOORS, [np.inf]])
"""``IMPACT_FLOORS`` at their impacts' indexes, below every score at 0 and above at 256."""


def idf(df: npt.NDArray[np.integer], n: int) -> npt.NDArray[np.float64]:
    """BM25's ``ln(1 + (N - df + 0.5) / (df + 0.5))``, per term."""
    return np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df.tolist()])


def impacts(weighted: npt.NDArray[np.integer], term_idf: npt.NDArray[np.float64],
            norms: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    """Each posting's impact, from its weighted count, its term's idf and its document's norm.

    The arithmetic is docs/search-index.md's, operation for operation, in double
    precision; the score then falls between two of ``IMPACT_FLOORS``.
    """
    score = term_idf * weighted * (K1 + 1) / (weighted + norms)
    # The rounded log is right but for a last bit either way: the floors settle it.
    guess = np.clip(np.floor(LOG_SCALE * np.log2(1 + LOG_STRETCH * score) + 0.5), 1, 255
                    ).astype(np.int64)
    below = score < _FLOORS_FROM_ZERO[guess]
    above = score >= _FLOORS_FROM_ZERO[np.minimum(guess + 1, 256)]
    return np.clip(guess - below + above, 1, 255).astype(np.uint8)


def normalisers(lengths: npt.NDArray[np.integer], avgdl: float) -> npt.NDArray[np.float64]:
    """Each document's ``k1 · (1 - b + b · dl / avgdl)``, the length part of BM25."""
    return np.asarray(K1 * (1 - B + B * lengths / avgdl), dtype=np.float64)
