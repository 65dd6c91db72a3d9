"""``dvk serve``'s preview: an edited entry's page and search words first, the rest after.

Each test builds a small real site with a kept ``Builder`` (as ``dvk serve``
does), edits entry files, and calls ``Builder.preview`` with the changed paths,
as the server's file watcher reports them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from search_reference import found_in_index
from test_incremental import assert_same_as_clean_build, edit, rebuild, sample, tree

from conftest import Site
from generator.build.builder import Loaded

__all__ = ["sample"]  # the fixture, shared with test_incremental

ENTRY = "mo-hinh/nghe-an/ky-tuc-xa.md"
SUMMARY = "Tóm tắt của mô hình thử."


def test_preview_shows_the_page_and_its_words_and_the_build_the_rest(
    sample: Site, tmp_path: Path,
) -> None:
    builder, _ = rebuild(sample)
    path = sample.content / ENTRY
    listing = sample.out / "tinh-thanh/nghe-an/index.html"
    assert SUMMARY in listing.read_text(encoding="utf-8")
    edit(path, SUMMARY, "Học sinh người Mông ở nội trú.")

    assert builder.preview({str(path)})
    page = (sample.out / "mo-hinh/ky-tuc-xa/index.html").read_text(encoding="utf-8")
    assert "Học sinh người Mông ở nội trú." in page and SUMMARY not in page
    index = sample.out / "tim-kiem/chi-muc"
    assert found_in_index(index, "hoc sinh nguoi mong") == {"mo-hinh/ky-tuc-xa/"}
    assert found_in_index(index, "Học sinh người Mông") == {"mo-hinh/ky-tuc-xa/"}
    # Only the page and the index: the province's list waits for the build.
    assert SUMMARY in listing.read_text(encoding="utf-8")

    assert isinstance(builder.build(), Loaded)
    assert builder.last_mode == "incremental"
    assert "Học sinh người Mông ở nội trú." in listing.read_text(encoding="utf-8")
    assert_same_as_clean_build(sample, tmp_path)


def test_preview_of_a_new_title_and_body(sample: Site, tmp_path: Path) -> None:
    """A new title moves the entry in every list: the preview's search still finds it."""
    builder, _ = rebuild(sample)
    path = sample.content / ENTRY
    edit(path, "Ký túc xá vùng biên", "Nhà nội trú vùng cao")
    path.write_text(path.read_text(encoding="utf-8") + "\nBộ đội biên phòng nấu cơm.\n",
                    encoding="utf-8")
    # An editor that saves through a temporary file: its name comes with the change.
    assert builder.preview({str(path), str(path.with_name(".ky-tuc-xa.md.swp"))})
    page = (sample.out / "mo-hinh/ky-tuc-xa/index.html").read_text(encoding="utf-8")
    assert "Nhà nội trú vùng cao" in page and "Bộ đội biên phòng nấu cơm." in page
    index = sample.out / "tim-kiem/chi-muc"
    assert found_in_index(index, "nha noi tru") == {"mo-hinh/ky-tuc-xa/"}
    assert found_in_index(index, "nau com") == {"mo-hinh/ky-tuc-xa/"}
    assert found_in_index(index, "ky tuc xa") == set()
    assert isinstance(builder.build(), Loaded)
    assert_same_as_clean_build(sample, tmp_path)


@pytest.mark.parametrize("title", ["An ninh biên giới", "Ký túc xá vùng biên"])
def test_edited_catalogue_is_the_one_a_check_makes(sample: Site, title: str) -> None:
    """Swapped in place (same title) or sorted again (new title): the same indexes."""
    _, before = rebuild(sample)
    path = sample.content / ENTRY
    edit(path, SUMMARY, "Một tóm tắt khác.")
    edit(path, "Ký túc xá vùng biên", title)
    _, after = rebuild(sample)
    edited = after.catalogue.by_id["ky-tuc-xa"]
    swapped = before.catalogue.with_edited([edited])
    fresh = after.catalogue
    assert [e.id for e in swapped.entries] == [e.id for e in fresh.entries]
    for name in ("entries", "newest", "by_id", "by_province", "by_field", "by_year", "by_kind"):
        assert getattr(swapped, name) == getattr(fresh, name), name
    assert before.catalogue.by_id["ky-tuc-xa"].summary == SUMMARY  # not changed in place


def _error(site: Site, path: Path) -> set[str]:
    edit(path, "province: nghe-an", "province: Nghệ Anh Hùng")
    return {str(path)}


def _new_id(site: Site, path: Path) -> set[str]:
    edit(path, "id: ky-tuc-xa", "id: ky-tuc-xa-moi")
    return {str(path)}


def _new_file(site: Site, path: Path) -> set[str]:
    return {str(site.entry("moi-them", title="Mô hình mới thêm"))}


def _deleted(site: Site, path: Path) -> set[str]:
    path.unlink()
    return {str(path)}


def _config(site: Site, path: Path) -> set[str]:
    edit(path, SUMMARY, "Tóm tắt mới.")
    site.write_config(page_size=3)
    return {str(path), str(site.config)}


@pytest.mark.parametrize("change", [_error, _new_id, _new_file, _deleted, _config])
def test_other_changes_are_left_to_the_build(sample: Site, change: object) -> None:
    """An entry with an error, a new id, a new or deleted file, or the config: the
    preview declines and site/ is untouched; the build shows (or reports) it."""
    builder, _ = rebuild(sample)
    before = tree(sample.out)
    assert callable(change)
    paths = change(sample, sample.content / ENTRY)
    assert not builder.preview(paths)
    assert tree(sample.out) == before
