"""`dvk build` makes its search index in a forked process, beside the pages
(generator/publish/searchaside.py): the same files as an index made in the build's
own process, build after build, and a failure there fails the build."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from search_reference import found_in_index
from test_incremental import assert_same_as_clean_build, edit, sample, tree

from conftest import Site
from generator.build.builder import SAVING, SEARCH_INDEX, Builder, Loaded
from generator.core.cachefile import wait_for_saves
from generator.core.settings import cache_dir
from generator.publish.searchindex import SearchIndex

__all__ = ["sample"]  # the fixture, shared with the incremental builds' tests

SUMMARY = "Tóm tắt của mô hình thử."


def compared_in(tmp_path: Path, name: str) -> Path:
    """A folder of its own for a clean build to compare against."""
    folder = tmp_path / name
    folder.mkdir()
    return folder


def build_once(site: Site, *, clean: bool = False) -> Builder:
    """Build as ``dvk build`` does: a builder that needs no search index afterwards."""
    builder = Builder(site.config, once=True)
    assert isinstance(builder.build(clean=clean), Loaded)
    return builder


def kept_index_files(site: Site) -> dict[str, bytes]:
    """The files of the search index the last build kept for the next one."""
    kept = cache_dir(site.root)
    wait_for_saves(kept / SAVING)
    _salt, (_version, fields) = pickle.loads((kept / SEARCH_INDEX).read_bytes())
    return fields["files"]


def test_the_index_made_aside_is_the_index_made_in_process(sample: Site, tmp_path: Path) -> None:
    """A first build, two edits and an edit undone: each time the index is the one the
    build's own process would make, files of words gone are deleted, and the index the
    build keeps for the next is the one it published."""
    index = sample.out / "tim-kiem" / "chi-muc"
    builder = build_once(sample)
    assert builder.last_mode == "full"
    assert builder.search_index is None  # this process never held one
    first = set(tree(index))
    assert_same_as_clean_build(sample, tmp_path)
    assert {f"tim-kiem/chi-muc/{name}" for name in kept_index_files(sample)} == {
        f"tim-kiem/chi-muc/{name}" for name in first}

    path = sample.content / "mo-hinh/nghe-an/ky-tuc-xa.md"
    edit(path, SUMMARY, "Ký túc xá cho học sinh vùng biên, xây bằng gạch nung.")
    untouched = sample.out / "mo-hinh/ben-do/index.html"
    stamp = untouched.stat().st_mtime_ns
    builder = build_once(sample)
    assert builder.last_mode == "incremental"
    assert untouched.stat().st_mtime_ns == stamp
    assert found_in_index(index, "gạch nung") == {"mo-hinh/ky-tuc-xa/"}
    assert set(tree(index)) > first  # the new words' files
    assert tree(index) == kept_index_files(sample)
    assert_same_as_clean_build(sample, compared_in(tmp_path, "second"))

    edit(path, "Ký túc xá cho học sinh vùng biên, xây bằng gạch nung.", SUMMARY)
    assert build_once(sample).last_mode == "incremental"
    assert found_in_index(index, "gạch nung") == set()
    assert set(tree(index)) == first  # the files of words no entry has are deleted
    assert_same_as_clean_build(sample, compared_in(tmp_path, "third"))


@pytest.mark.parametrize("clean", [False, True], ids=["incremental", "full"])
def test_a_failure_aside_fails_the_build_and_leaves_site_as_it_was(
    sample: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    clean: bool,
) -> None:
    """The forked process's error is the build's, named; site/ is untouched, no staging
    folder is left, and the next build, the error gone, catches up."""
    assert sample.run("build") == 0
    before = sample.tree_digest()
    path = sample.content / "mo-hinh/nghe-an/ky-tuc-xa.md"
    edit(path, SUMMARY, "Đã sửa.")

    def broken(self: SearchIndex, catalogue: object) -> dict[str, bytes]:
        raise ValueError("hỏng")

    with monkeypatch.context() as patched:
        patched.setattr(SearchIndex, "update", broken)
        args = ("build", "--clean") if clean else ("build",)
        assert sample.run(*args) == 1
    err = capsys.readouterr().err
    assert "making the search index failed: ValueError: hỏng" in err
    assert sample.tree_digest() == before
    assert sorted(p.name for p in sample.root.glob(".site.*")
                  if not p.name.startswith(".site.discarded-")) == []
    assert sample.run("build") == 0
    assert found_in_index(sample.out / "tim-kiem" / "chi-muc", "Đã sửa") == {
        "mo-hinh/ky-tuc-xa/"}
