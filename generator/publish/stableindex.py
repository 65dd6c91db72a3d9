"""Pagefind's index put in one canonical order, so that the same records give the same bytes.

Pagefind 1.5 gathers each filter's values in a Rust hash map, which is seeded
afresh on every run, and writes them, and the filters themselves, in that
map's order. The values and pages are the same from run to run, but their order
is not, so the filter files' names (digests of their bytes), the meta file that
names them, its own name and pagefind-entry.json differ between two runs on the
same records. (Upstream sorts them since; see Pagefind issue #638.) Fragments and
word indexes are already stable.

So once Pagefind is done, each filter file's values are sorted by value, the
meta file's filters by name, and the files renamed after their new bytes the
way Pagefind names them. The search reads values by name, not by position, so
the order changes nothing for a reader. Only what this module understands is
rewritten: a file that does not decode and re-encode to its own bytes (another
Pagefind format) fails the build rather than publish a damaged index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

from generator.core.errors import IndexFormatError

SIGNATURE = b"pagefind_dcd"
"""What Pagefind puts before the CBOR of each gzipped file."""

# The two names Pagefind derives from a digest, as lengths past the language:
# "vi_" and 7 characters for a filter file, "vi_" and 10 for the meta file.
FILTER_DIGITS = 7
META_DIGITS = 10


def _head(major: int, value: int) -> bytes:
    # Shortest form, as minicbor (Pagefind's encoder) writes it.
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + struct.pack(fmt, value)
    raise IndexFormatError(f"integer too large for CBOR: {value}")


def encode(item: Any) -> bytes:
    """CBOR of ``item`` (int, str, bytes, list or bool), with definite lengths."""
    if isinstance(item, bool):
        return b"\xf5" if item else b"\xf4"
    if isinstance(item, int):
        return _head(0, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        data = item.encode()
        return _head(3, len(data)) + data
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(encode(x) for x in item)
    raise IndexFormatError(f"cannot encode {type(item).__name__}")


def decode(data: bytes) -> Any:
    """The item of a CBOR document of ints, strings, byte strings, arrays and booleans."""
    item, end = _decode(data, 0)
    if end != len(data):
        raise IndexFormatError("trailing bytes after the CBOR item")
    return item


def _argument(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after them) of the CBOR head at ``at``."""
    if at >= len(data):
        raise IndexFormatError("truncated CBOR")
    major, extra = data[at] >> 5, data[at] & 0x1F
    at += 1
    if extra < 24 or major == 7:
        return major, extra, at
    if extra > 27:
        raise IndexFormatError("indefinite-length CBOR")
    size = 1 << (extra - 24)
    if at + size > len(data):
        raise IndexFormatError("truncated CBOR")
    return major, int.from_bytes(data[at:at + size], "big"), at + size


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    major, value, at = _argument(data, at)
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at:at + value]
        if len(raw) != value:
            raise IndexFormatError("truncated CBOR")
        return (raw if major == 2 else raw.decode()), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 7 and value in (20, 21):
        return value == 21, at
    raise IndexFormatError(f"unexpected CBOR item (major type {major})")


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise IndexFormatError(f"{path.name}: no Pagefind signature")
    body = data[len(SIGNATURE):]
    item = decode(body)
    if encode(item) != body:  # a format this module would not write back faithfully
        raise IndexFormatError(f"{path.name}: does not re-encode to its own bytes")
    return item


def _packed(item: Any) -> tuple[bytes, bytes]:
    """(CBOR, gzipped file) of ``item``: level 9 as Pagefind, and no timestamp."""
    body = encode(item)
    return body, gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0)


def _digest(data: bytes) -> str:
    # Pagefind's digest: SHA-1, each byte in hex without its leading zero.
    return "".join(f"{b:x}" for b in hashlib.sha1(data).digest())


def _name(language: str, data: bytes, digits: int, taken: set[str]) -> str:
    full = f"{language}_{_digest(data)}"
    length = len(language) + 1 + digits
    while full[:length] in taken and length < len(full):  # lengthened on a clash, as Pagefind
        length += 1
    taken.add(full[:length])
    return full[:length]


def canonical_index(output: Path) -> None:
    """Reorder the Pagefind index in ``output`` in place; see the module."""
    entry_file = output / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_file = output / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_file)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise IndexFormatError(f"{meta_file.name}: unexpected layout")
        filters: list[list[str]] = []
        written: dict[str, bytes] = {}
        taken: set[str] = set()
        for name, old in sorted(meta[3]):
            path = output / "filter" / f"{old}.pf_filter"
            index = _read(path)
            path.unlink()
            index[1] = sorted(index[1], key=lambda value: value[0])
            body, packed = _packed(index)
            new = _name(language, body, FILTER_DIGITS, taken)
            written[new] = packed
            filters.append([name, new])
        for new, packed in written.items():  # after every old one is gone: names may swap
            (output / "filter" / f"{new}.pf_filter").write_bytes(packed)
        meta[3] = filters
        body, packed = _packed(meta)
        meta_file.unlink()
        info["hash"] = _name(language, body, META_DIGITS, set())
        (output / f"pagefind.{info['hash']}.pf_meta").write_bytes(packed)
    # As Pagefind writes it (serde_json): compact, UTF-8, in the same key order.
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
