"""The search index writer follows docs/search-index.md: syllables, encodings, files, bytes.

The runtime's agreement with the reference scorer is tested in Chromium
(tests/test_search_index.py); these are the writer's own rules, read back
from its files with a decoder written here from the spec.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from search_reference import found_in_index, read_postings

from bench.corpus import make_corpus
from conftest import REPO, Site
from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.publish.searchindex import (
    SearchIndex,
    index_files,
    write_index,
    writer,
)
from generator.publish.searchindex import table as tables
from generator.publish.searchindex.encode import fnv1a, varint
from generator.publish.searchindex.gather import Rows
from generator.publish.searchindex.postings import encode
from generator.publish.searchindex.table import Table
from generator.publish.searchindex.terms import (
    HEAD,
    Syllable,
    document_order,
    fold,
    syllables,
)
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

    def match_set(docs: list[int], n: int) -> bytes:
        rows = Rows(np.array(docs, np.int32), np.zeros(len(docs), np.int32),
                    np.ones(len(docs), np.int32), np.zeros(len(docs), np.int32))
        data = encode(Table.of([rows], 1, spelled=True), [0], n, np.ones(n),
                      ranks=np.zeros(1, np.int32))[0].data
        assert read_postings(data, n)[0] == docs
        return data

    # count, kind 0, gaps from -1; then the head's count
    assert match_set([0, 2], 1000).startswith(b"\x02\x00\x01\x02\x02")
    assert match_set([300], 1000).startswith(b"\x01\x00\xad\x02\x01")  # a gap of 301
    dense = match_set(list(range(0, 80, 2)), 80)
    # count 40, kind 1, ten bytes of bitmap (smaller than 40 gaps), then the head's count
    assert dense[:2] == b"\x28\x01" and dense[2:12] == b"\x55" * 10 and dense[12] == 40


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


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated site of 800 entries: its config file."""
    made = make_corpus(tmp_path_factory.mktemp("index") / "corpus", 800,
                       theme_dir=REPO / "theme", base_config=REPO / "site_config.yml")
    return made.config


def _catalogue(config: Path) -> Catalogue:
    return load_catalogue(read_settings(config))


def _dump(files: dict[str, bytes], folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_an_updated_index_is_a_clean_one(corpus: Path, tmp_path: Path) -> None:
    """Edits, a move, additions and removals: each update writes what a clean build writes,
    and only an edit that keeps every id re-scores just what it touched."""
    index = SearchIndex()
    index.update(_catalogue(corpus))
    assert index.last_update == "full"
    entries = sorted((corpus.parent / "content" / "mo-hinh").rglob("*.md"))
    edited, moved, removed = entries[10], entries[20], entries[30]

    def step(expected: str) -> dict[str, bytes]:
        catalogue = _catalogue(corpus)
        before = dict(index.files)
        files = dict(index.update(catalogue))
        assert index.last_update == expected
        clean = index_files(catalogue)
        assert sorted(files) == sorted(clean)
        assert [name for name in files if files[name] != clean[name]] == []
        if expected == "incremental":  # most files are the very same objects
            assert sum(before.get(name) is data for name, data in files.items()) > len(files) / 2
        return files

    text = edited.read_text("utf-8")
    edited.write_text(text + "\nTừ khóa riêng xuất hiện một lần: quýt đỏ.\n", "utf-8")
    found = _dump(step("incremental"), tmp_path / "a")
    url = f"mo-hinh/{edited.stem}/"
    assert found_in_index(found, "quýt đỏ") == {url}
    assert found_in_index(found, "Từ khoá riêng xuất hiện") == {url}

    edited.write_text(text, "utf-8")  # and back: the new words are gone again
    assert found_in_index(_dump(step("incremental"), tmp_path / "b"), "quýt đỏ") == set()

    lines = moved.read_text("utf-8").splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    old_title = lines[title].removeprefix("title: ")
    lines[title] = "title: Ánh đèn quýt đỏ"
    province = next(i for i, line in enumerate(lines) if line.startswith("province:"))
    # Another province is another range of ids: the entry moves, and every id between too.
    lines[province] = "province: Vĩnh Long"
    moved.write_text("\n".join(lines) + "\n", "utf-8")
    found = _dump(step("renumbered"), tmp_path / "c")
    assert found_in_index(found, "Ánh đèn quýt") == {f"mo-hinh/{moved.stem}/"}
    assert f"mo-hinh/{moved.stem}/" not in found_in_index(found, old_title)

    new = removed.with_name("mo-hinh-moi.md")
    new.write_text(removed.read_text("utf-8").replace(f"id: {removed.stem}", "id: mo-hinh-moi")
                   .replace("title: ", "title: Cầu Zeta-kiwi ", 1), "utf-8")
    found = _dump(step("renumbered"), tmp_path / "d")
    assert json.loads((found / "manifest.json").read_text("utf-8"))["N"] == 801
    assert found_in_index(found, "zeta kiwi") == {"mo-hinh/mo-hinh-moi/"}

    gone = f"mo-hinh/{removed.stem}/"
    words = " ".join(line.removeprefix("title: ") for line in
                     removed.read_text("utf-8").splitlines() if line.startswith("title: "))
    assert gone in found_in_index(found, words)
    removed.unlink()
    found = _dump(step("renumbered"), tmp_path / "e")
    assert json.loads((found / "manifest.json").read_text("utf-8"))["N"] == 800
    assert gone not in found_in_index(found, words)


def test_the_worked_example_of_the_spec(site: Site) -> None:
    """docs/search-index.md's worked example, byte for byte."""
    site.entry("ky-tuc-xa-sinh-vien", title="Ký túc xá sinh viên", province="ha-noi",
               body="Sinh viên ở xa có chỗ ở.\n")
    site.entry("bep-an-ban-tru", title="Bếp ăn bán trú")
    site.entry("ky-tuc-xa-vung-bien", title="Ký túc xá vùng biên")
    files = index_files(_catalogue(site.config))
    manifest = json.loads(files["manifest.json"])
    assert [card[0] for card in json.loads(files["c/0.json"])] == [
        "mo-hinh/ky-tuc-xa-sinh-vien/", "mo-hinh/bep-an-ban-tru/", "mo-hinh/ky-tuc-xa-vung-bien/"]
    tinh = [key for key, _ in manifest["facets"]["tinh"]]
    assert manifest["ranges"] == [[0, 1, tinh.index("ha-noi"), 0, 0, 0],
                                  [1, 2, tinh.index("nghe-an"), 0, 0, 0]]
    assert manifest["dict"] == ["an"]
    shard = {term: [df, variants] for term, df, variants in json.loads(files["d/0.json"])}
    assert shard["ky"] == [2, ["ký"]] and shard["tuc"] == [2, ["túc"]]
    assert shard["xa"] == [2, ["xa", "xá"]]
    assert files["t/ky.bin"].hex(" ") == "02 01 05 02 00 46 00 02 46 00"


@pytest.mark.parametrize("slack", [0, 1 << 16])
def test_edited_tables_hold_what_fresh_ones_do(monkeypatch: pytest.MonkeyPatch,
                                               slack: int) -> None:
    """Random edits (postings rewritten, cut out, added) leave a table's keys holding the
    rows a table made from scratch holds, whether it compacts after each edit or never."""
    monkeypatch.setattr(tables, "COMPACT_SLACK", slack)
    rng = random.Random(slack)
    docs, keys = 60, 25

    def rows_of(postings_of: dict[int, dict[int, int]], only: list[int]) -> Rows:
        found = [(doc, key, weight) for doc in only for key, weight in
                 sorted(postings_of[doc].items())]
        return Rows(np.array([f[0] for f in found], np.int32),
                    np.array([f[1] for f in found], np.int32),
                    np.array([f[2] for f in found], np.int32),
                    np.array([f[2] * 7 for f in found], np.int32))

    def draw() -> dict[int, int]:
        return {key: rng.randint(1, 9) for key in rng.sample(range(keys), rng.randint(0, 8))}

    held = {doc: draw() for doc in range(docs)}
    table = Table.of([rows_of(held, list(range(docs)))], keys, spelled=True)
    for _ in range(40):
        edited = sorted(rng.sample(range(docs), rng.randint(1, 3)))
        for doc in edited:
            held[doc] = draw()
        touched, reshaped = table.edit(np.array(edited, np.int32), rows_of(held, edited), keys)
        assert reshaped <= touched
        fresh = Table.of([rows_of(held, list(range(docs)))], keys, spelled=True)
        for key in range(keys):
            mine = slice(table.starts[key], table.stops[key])
            theirs = slice(fresh.starts[key], fresh.stops[key])
            assert table.docs[mine].tolist() == fresh.docs[theirs].tolist()
            assert table.weighted[mine].tolist() == fresh.weighted[theirs].tolist()
            assert table.variants is not None and fresh.variants is not None
            assert table.variants[mine].tolist() == fresh.variants[theirs].tolist()


def test_a_moved_mean_length_rescores_every_term(corpus: Path) -> None:
    """An edit long enough to move the quantised mean length re-scores everything, and
    still writes what a clean build writes."""
    catalogue = _catalogue(corpus)
    index = SearchIndex()
    index.update(catalogue)
    entries = list(catalogue.entries)
    longer = dataclasses.replace(entries[0], body=entries[0].body + " dài" * 200_000,
                                 digest="longer")
    edited = Catalogue(catalogue.settings, catalogue.registry, (longer, *entries[1:]))
    files = dict(index.update(edited))
    assert index.last_update == "rescored"
    assert files == index_files(edited)


def test_entries_alike_are_documents_each(bundled: Catalogue) -> None:
    """Two entries alike, made in memory without a file, are indexed as two documents."""
    first = dataclasses.replace(bundled.entries[0], digest="")
    twin = dataclasses.replace(first, id=f"{first.id}-2")
    catalogue = Catalogue(bundled.settings, bundled.registry,
                          (first, twin, *bundled.entries[1:]))
    index = SearchIndex()
    index.update(bundled)
    files = dict(index.update(catalogue))
    assert json.loads(files["manifest.json"])["N"] == len(bundled.entries) + 1
    assert files == index_files(catalogue)


def test_a_failed_update_leaves_no_half_index(bundled: Catalogue,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that fails half-way (here, out of memory while encoding) is forgotten:
    the next one starts from nothing and writes a clean build's files."""
    index = SearchIndex()
    index.update(bundled)
    entries = list(bundled.entries)
    entries[0] = dataclasses.replace(entries[0], body=entries[0].body + "\nQuýt đỏ.\n",
                                     digest="edited")
    edited = Catalogue(bundled.settings, bundled.registry, tuple(entries))

    def fail(*args: object, **kwargs: object) -> None:
        raise MemoryError

    with monkeypatch.context() as patched:
        patched.setattr(writer, "encode", fail)
        with pytest.raises(MemoryError):
            index.update(edited)
    files = dict(index.update(edited))
    assert index.last_update == "full"
    assert files == index_files(edited)


def test_a_released_index_keeps_its_files_and_starts_again(bundled: Catalogue) -> None:
    """``dvk build`` releases the index's tables once saved: its files stay published,
    and an update after that writes a clean build's files from nothing."""
    index = SearchIndex()
    files = dict(index.update(bundled))
    index.release()
    assert index.files == files
    assert index._terms is None and index._order == []
    entries = list(bundled.entries)
    entries[0] = dataclasses.replace(entries[0], body=entries[0].body + "\nQuýt đỏ.\n",
                                     digest="edited")
    edited = Catalogue(bundled.settings, bundled.registry, tuple(entries))
    assert dict(index.update(edited)) == index_files(edited)
    assert index.last_update == "full"
