"""The checked entries kept between builds (generator/check/file.py, ``EntryCache``):
restored as they were saved, never under another salt, read again when damaged, and
read on two cores on a first build with the same result as on one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Site
from generator.check import file as entry_file
from generator.check.file import SHARDS, EntryCache
from generator.core.model import Entry
from generator.core.provinces import default_registry
from generator.render.config import read_settings


@pytest.fixture
def filled(site: Site) -> Site:
    """Twelve entries, one with an error, one with a warning."""
    for n in range(10):
        site.entry(f"mo-hinh-{n:02d}", title=f"Mô hình số {n}",
                   province=("nghe-an", "ha-noi")[n % 2])
    site.entry("loi-nam", title="Sai năm", started=1800)
    site.entry("canh-bao", title="Có số điện thoại", summary="Gọi 0912 345 678 để hỏi.")
    return site


def _checked(cache: EntryCache, site: Site, **extra: Any
             ) -> dict[str, tuple[Entry | None, list[str]]]:
    settings = read_settings(site.config)
    paths = sorted(str(p) for p in (site.content / "mo-hinh").rglob("*.md"))
    stamps = {p: (Path(p).stat().st_size, Path(p).stat().st_mtime_ns) for p in paths}
    found = cache.load_many(paths, settings, default_registry(), stamps, **extra)
    return {path: (entry, [p.format() for p in problems])
            for path, (entry, problems) in zip(paths, found, strict=True)}


def _read_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, a few files are enough to fork a reader; returns the list of the files
    this process reads itself (the forked one's are not seen here)."""
    monkeypatch.setattr(entry_file, "PARALLEL_FILES", 2)
    read_here: list[str] = []
    check_file = entry_file.check_file

    def spy(path: Path, *args: Any) -> Any:
        read_here.append(str(path))
        return check_file(path, *args)

    monkeypatch.setattr(entry_file, "check_file", spy)
    return read_here


def test_a_first_build_reads_on_two_cores_what_one_reads(
    filled: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _checked(EntryCache(), filled)
    read_here = _read_here(monkeypatch)
    shared = _checked(EntryCache(), filled)
    assert shared == alone
    assert 0 < len(read_here) < len(alone)  # the others were read by the forked process
    assert any("năm" in " ".join(problems) for _, problems in shared.values())


def test_other_work_done_meanwhile_leaves_the_forked_process_more_entries(
    filled: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The press records are read while the forked process reads entries: it takes as many
    more entries as that work is worth, and what is read is the same."""
    alone = _checked(EntryCache(), filled)
    read_here = _read_here(monkeypatch)
    done: list[int] = []
    shared = _checked(EntryCache(), filled, meanwhile=lambda: done.append(len(read_here)),
                      meanwhile_cost=4)
    assert shared == alone
    assert done == [0]  # before this process read any entry
    assert len(read_here) == (len(alone) - 4) // 2  # 12 entries: 8 forked, 4 here


def test_saved_entries_come_back_under_the_same_salt_only(
    filled: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = read_settings(filled.config)
    first = EntryCache()
    before = _checked(first, filled)
    first.save(tmp_path / "entries", "salt")
    assert len(list((tmp_path / "entries").glob("*.pickle"))) <= SHARDS

    again = EntryCache()
    assert again.restore(tmp_path / "entries", "salt", settings, default_registry()) == 12
    reads: list[Path] = []
    check_file = entry_file.check_file

    def spy(path: Path, *args: Any) -> Any:
        reads.append(path)
        return check_file(path, *args)

    monkeypatch.setattr(entry_file, "check_file", spy)
    assert _checked(again, filled) == before
    assert reads == []  # every file restored, the one with an error too
    entries = [found[0] for found in _checked(again, filled).values()]
    restored = next(e for e in entries if isinstance(e, Entry))
    assert restored.province is default_registry().by_slug(restored.province.slug)

    other = EntryCache()
    assert other.restore(tmp_path / "entries", "another salt", settings, default_registry()) == 0
    for shard in (tmp_path / "entries").glob("*.pickle"):
        shard.write_bytes(b"damaged")
    assert EntryCache().restore(tmp_path / "entries", "salt", settings, default_registry()) == 0


def test_a_build_waits_for_the_caches_the_last_one_is_still_saving(tmp_path: Path) -> None:
    """Caches are saved by a forked process (``in_background``); the next build restores
    them only once that process is done, so it never reads the ones before."""
    import time

    from generator.core.cachefile import in_background, wait_for_saves

    lock, saved = tmp_path / "cache" / "saving.lock", tmp_path / "saved"

    def slow_save() -> None:
        time.sleep(0.6)
        saved.write_text("done", encoding="utf-8")

    started = time.monotonic()
    in_background([slow_save], lock)
    assert time.monotonic() - started < 0.5  # the build goes on at once
    assert not saved.exists()
    wait_for_saves(lock)
    assert saved.read_text(encoding="utf-8") == "done"
    wait_for_saves(lock)  # nothing saving: returns at once
