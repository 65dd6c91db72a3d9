"""The search index writer follows docs/search-index.md: syllables, encodings, files, bytes.

The runtime's agreement with the reference scorer is tested in Chromium
(tests/test_search_index.py); these are the writer's own rules, read back
from its files with a decoder written here from the spec.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from search_reference import read_postings

from conftest import REPO
from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.publish.searchindex import write_index
from generator.publish.searchindex.terms import Syllable, document_order, fold, syllables
from generator.publish.searchindex.writer import HEAD, fnv1a, match_set, varint
from generator.render.config import read_settings


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    """The bundled content's catalogue."""
    return load_catalogue(read_settings(REPO / "site_config.yml"))


def test_folding_and_syllables_follow_the_spec() -> None:
    """Marks go, đ becomes d, case goes; punctuation, emoji and long runs separate syllables."""
    assert fold("đường") == "duong"
    assert fold("ký túc xá") == "ky tuc xa"
    assert syllables("Ký túc-xá, ĐƯỜNG 🚀 2024!") == [
        Syllable("ký", "ky"), Syllable("túc", "tuc"), Syllable("xá", "xa"),
        Syllable("đường", "duong"), Syllable("2024", "2024")]
    decomposed = "Ky\u0301 tu\u0301c"  # typed with combining marks: the same syllables
    assert syllables(decomposed) == syllables("Ký túc")
    assert syllables("a" * 25 + " b") == [None, Syllable("b", "b")]
    assert syllables("中文 😀 ...") == []


def test_numbers_and_hashes_are_the_specs() -> None:
    """LEB128 varints, FNV-1a 32 and the smaller match-set encoding (gaps on a tie)."""
    assert varint(0) == b"\x00"
    assert varint(127) == b"\x7f"
    assert varint(300) == b"\xac\x02"
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert match_set([0, 2], 1000) == b"\x02\x00\x01\x02"  # gaps from -1
    dense = match_set(list(range(0, 80, 2)), 80)
    assert dense[:2] == b"\x28\x01" and len(dense) == 2 + 10  # the bitmap is smaller
    assert read_postings(dense + b"\x00", 80)[0] == list(range(0, 80, 2))


def test_the_index_of_the_bundled_site_reads_back(bundled: Catalogue, tmp_path: Path) -> None:
    """Each dictionary term's file holds its match set and a head in impact order."""
    write_index(bundled, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    n = manifest["N"]
    assert n == len(bundled.entries)
    order = document_order(bundled)
    ranges = manifest["ranges"]
    assert sum(r[1] for r in ranges) == n and ranges[0][0] == 0
    assert all(a[0] + a[1] == b[0] for a, b in pairwise(ranges))
    seen: set[str] = set()
    for number, first in enumerate(manifest["dict"]):
        shard = json.loads((tmp_path / "d" / f"{number}.json").read_text("utf-8"))
        assert shard[0][0] == first
        for term, df, variants in shard:
            docs, head = read_postings((tmp_path / "t" / f"{term}.bin").read_bytes(), n)
            assert len(docs) == df and docs == sorted(set(docs))
            assert len(head) == min(df, HEAD)
            assert head == sorted(head, key=lambda h: (-h[1], h[0]))
            assert all(0 <= v < len(variants) and 1 <= i <= 255 for _, i, v in head)
            seen.add(term)
    assert {"ky", "tuc", "xa", "bien", "vien", "gach"} <= seen
    assert sorted(seen) == sorted(seen, key=str)
    cards = json.loads((tmp_path / "c" / "0.json").read_text("utf-8"))
    assert cards[0][0] == order[0].url and cards[0][1] == order[0].title


def test_two_writes_are_byte_identical(bundled: Catalogue, tmp_path: Path) -> None:
    """The same catalogue always gives the same files, whatever was in the folder before."""
    write_index(bundled, tmp_path / "a")
    (tmp_path / "b" / "t").mkdir(parents=True)
    (tmp_path / "b" / "t" / "stale.bin").write_bytes(b"old")
    write_index(bundled, tmp_path / "b")

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert tree(tmp_path / "a") == tree(tmp_path / "b")
