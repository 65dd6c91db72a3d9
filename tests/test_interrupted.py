"""No lost page: a build that fails, is killed or is interrupted leaves site/ exactly as it was.

Each test runs ``python -m generator build`` as a real process on a site large
enough to watch it work, stops it halfway, proves that site/ is byte for byte
what it was, and that the next build sweeps what the dead one left and succeeds.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Site
from generator.build.staging import sweep_abandoned

ENTRIES = 300
"""Enough pages that the rendering lasts long enough to be caught halfway."""
PROVINCES = ("nghe-an", "ha-noi", "ninh-binh", "da-nang", "lai-chau", "hue")
FIELDS = ("kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh")
DEADLINE = 60.0


def fill(site: Site, count: int) -> None:
    """``count`` synthetic entries (for tests only), spread over provinces and fields."""
    for n in range(count):
        words = " ".join(f"từ{k}" for k in range(n % 40, n % 40 + 60))
        site.entry(f"thu-{n:04d}", title=f"Mô hình thử số {n}", province=PROVINCES[n % 6],
                   field=FIELDS[n % 3], body=f"## Bối cảnh\n\n{words}.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A site of ``ENTRIES`` entries, built once; tests work on copies of it."""
    site = Site(tmp_path_factory.mktemp("interrupted"))
    site.write_config()
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    fill(site, ENTRIES)
    assert site.run("build") == 0
    return site


@pytest.fixture
def copy(built: Site, tmp_path: Path) -> Site:
    """A copy of the built site (content and site/): its next build is a full one."""
    shutil.copytree(built.root, tmp_path / "copy", symlinks=True)
    site = Site(tmp_path / "copy")
    (tmp_path / "tmp").mkdir()
    return site


def start(site: Site, *prefix: str) -> subprocess.Popen[str]:
    """``dvk build`` in its own process group, with its own temporary folder."""
    env = {**os.environ, "TMPDIR": str(site.root.parent / "tmp")}
    command = [*prefix] if prefix else [sys.executable, "-m", "generator"]
    return subprocess.Popen(
        [*command, "build", "--config", str(site.config)], cwd=site.root, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_for(condition: Callable[[], bool], build: subprocess.Popen[str], what: str) -> None:
    """Poll until ``condition``; fail if the build ends (or the deadline passes) first."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if build.poll() is not None:
            pytest.fail(f"the build ended before {what}: {build.communicate()}")
        if time.monotonic() > deadline:
            build.kill()
            pytest.fail(f"no {what} within {DEADLINE} s")
        time.sleep(0.005)


def staging(site: Site, build: subprocess.Popen[str]) -> Path:
    return site.root / f".site.building-{build.pid}"


def rendered(folder: Path) -> int:
    """Entry pages written so far into ``folder``."""
    return sum(1 for _ in folder.glob("mo-hinh/*/index.html"))


def group_alive(group: int) -> list[int]:
    """Processes of ``group`` still running (zombies waiting for a reaper are not)."""
    alive = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            # The fields after the command's closing parenthesis: state, ppid, pgrp, ...
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(proc.name))
    return alive


def assert_group_ends(group: int) -> None:
    """No renderer or indexer of the build outlives it."""
    deadline = time.monotonic() + 10
    while group_alive(group):
        assert time.monotonic() < deadline, f"still running: {group_alive(group)}"
        time.sleep(0.02)


def leftovers(site: Site) -> list[str]:
    """Folders beside site/ once the old site's deletion, left to run after the build, is done."""
    deadline = time.monotonic() + DEADLINE
    while any(site.root.glob(".site.discarded-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in site.root.glob(".site.*"))


def halfway(site: Site, build: subprocess.Popen[str]) -> None:
    """Wait until the build has written some of its pages, not all, into its staging folder."""
    folder = staging(site, build)
    wait_for(lambda: rendered(folder) >= 20, build, "20 pages in the staging folder")
    assert build.poll() is None


def test_killed_full_build_leaves_site_as_it_was(copy: Site) -> None:
    """SIGKILL halfway through a full build: site/ is unchanged; the next build cleans up."""
    before = copy.tree_digest()
    copy.raw("gioi-thieu.md", "# Giới thiệu\n\nĐã sửa.\n")  # the build that follows is full
    build = start(copy)
    halfway(copy, build)
    build.send_signal(signal.SIGKILL)
    build.communicate(timeout=DEADLINE)
    assert build.returncode == -signal.SIGKILL
    assert_group_ends(build.pid)
    assert 0 < rendered(staging(copy, build)) < ENTRIES  # it was stopped halfway
    assert copy.tree_digest() == before

    assert copy.run("build") == 0
    assert leftovers(copy) == []
    assert "Đã sửa." in copy.html("gioi-thieu/")


def test_interrupted_build_cleans_up_and_leaves_site_as_it_was(copy: Site) -> None:
    """Ctrl-C (SIGINT) halfway: exit 130 with a message, no staging folder, site/ unchanged."""
    before = copy.tree_digest()
    copy.raw("gioi-thieu.md", "# Giới thiệu\n\nĐã sửa.\n")
    build = start(copy)
    halfway(copy, build)
    build.send_signal(signal.SIGINT)  # to the build alone: it must stop its helpers itself
    _, err = build.communicate(timeout=DEADLINE)
    assert build.returncode == 130, err
    assert "dvk: đã dừng (interrupted)" in err
    assert "Traceback" not in err
    assert_group_ends(build.pid)
    assert leftovers(copy) == []
    assert list((copy.root.parent / "tmp").iterdir()) == []  # no helper left a scratch folder
    assert copy.tree_digest() == before


# Stands in for ``python -m generator``: the build, unchanged, except that a
# Ctrl-C reaches it where Python cannot raise it, only report it ("Exception
# ignored in: ...") and carry on: here a __del__, there a native library's
# callback into Python (nh3's did). The first argument names a file it writes
# once that happened.
SWALLOWS_INTERRUPT = """
import os, signal, sys
from generator.render import plugin
from generator.cli.main import main
swallowed_to, build, real, calls = sys.argv.pop(1), os.getpid(), plugin.clean_body, [0]
class Dropped:
    def __del__(self):
        try:
            os.kill(build, signal.SIGINT)
            for _ in range(1000):  # the handler runs between these steps
                pass
        except KeyboardInterrupt:
            open(swallowed_to, "w").write("swallowed")
            raise
def swallowing(content):
    if os.getpid() == build:  # not in the page writers it forks
        calls[0] += 1
        if calls[0] == 10:
            Dropped()  # freed at once
    return real(content)
plugin.clean_body = swallowing
sys.exit(main())
"""


def test_an_interrupt_a_library_swallows_still_stops_the_build(copy: Site) -> None:
    """A Ctrl-C caught by a library mid-build: exit 130 all the same, site/ unchanged."""
    before = copy.tree_digest()
    copy.raw("gioi-thieu.md", "# Giới thiệu\n\nĐã sửa.\n")
    swallowed = copy.root.parent / "swallowed"
    env = {**os.environ, "TMPDIR": str(copy.root.parent / "tmp")}
    build = subprocess.run(
        [sys.executable, "-c", SWALLOWS_INTERRUPT, str(swallowed), "build",
         "--config", str(copy.config)],
        cwd=copy.root, env=env, capture_output=True, text=True, timeout=DEADLINE, check=False)
    assert swallowed.read_text() == "swallowed"
    assert build.returncode == 130, build.stderr
    assert build.stderr.endswith("dvk: đã dừng (interrupted)\n"), build.stderr
    assert "Traceback" not in build.stderr and "Exception ignored" not in build.stderr
    assert leftovers(copy) == []
    assert copy.tree_digest() == before


# Stands in for ``python -m generator``: the build, unchanged, except that it
# kills itself (SIGKILL, nothing cleaned up) at its Nth change to site/ or to
# its journal beside it: a link, rename, replace or deletion, before or after
# making it. N = 0 only counts them, into the file named by the first argument.
KILL_AT_CHANGE = """
import atexit, os, signal, sys
from generator.cli.main import main
counted_to, at, after = sys.argv.pop(1), int(sys.argv.pop(1)), sys.argv.pop(1) == "after"
count = [0]
def counting(real):
    def call(*args, **kwargs):
        if not any("/site/" in str(a) or "/.site.journal-" in str(a) for a in args[:2]):
            return real(*args, **kwargs)
        count[0] += 1
        if count[0] == at and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            return real(*args, **kwargs)
        finally:
            if count[0] == at:
                os.kill(os.getpid(), signal.SIGKILL)
    return call
for name in ("link", "rename", "replace", "unlink", "rmdir"):
    setattr(os, name, counting(getattr(os, name)))
atexit.register(lambda: open(counted_to, "w").write(str(count[0])))
sys.exit(main())
"""


def _edit_incrementally(site: Site) -> None:
    """A change an incremental build makes in place: a title (every index reorders),
    an entry added, one removed."""
    entry = site.content / "mo-hinh" / PROVINCES[7 % 6] / "thu-0007.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "Mô hình thử số 7", "Mô hình đổi tên"), encoding="utf-8")
    site.entry("thu-moi", title="Mô hình mới thêm", province="nghe-an", field="kinh-te",
               body="## Bối cảnh\n\nMới.\n")
    (site.content / "mo-hinh" / PROVINCES[8 % 6] / "thu-0008.md").unlink()


def _killed_build(site: Site, at: int, *, after: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(site.root.parent / "tmp")}
    counted = site.root.parent / "changes"
    return subprocess.run(
        [sys.executable, "-c", KILL_AT_CHANGE, str(counted), str(at),
         "after" if after else "before", "build", "--config", str(site.config)],
        cwd=site.root, env=env, capture_output=True, text=True, timeout=DEADLINE, check=False)


def test_incremental_build_killed_at_random_points_leaves_site_as_it_was(
    built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incremental build changes site/ in place under a journal. Killed at any of its
    changes (a random sample of them, before or after each), it leaves a journal that
    the next build rolls back: site/ is byte for byte what it was, and that next build,
    still incremental, makes the site a build never interrupted makes."""
    # Every trial runs at the same path: a build state names its site/ folder.
    work = tmp_path / "work"
    monkeypatch.setenv("DVK_CACHE_DIR", str(work / "cache"))  # copied with the rest
    template = Site(work / "project")
    shutil.copytree(built.root, template.root, symlinks=True)
    (work / "tmp").mkdir()
    assert template.run("build") == 0  # of this folder: the next build is incremental
    assert leftovers(template) == []  # the old site/ deleted: the copies below copy none of it
    before = template.tree_digest()
    _edit_incrementally(template)
    pristine = tmp_path / "pristine"
    work.rename(pristine)

    def fresh(name: str) -> Site:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work, symlinks=True)
        return Site(work / "project")

    reference = fresh("reference")
    folder = reference.out.stat().st_ino
    done = _killed_build(reference, 0, after=True)  # counts, kills nothing
    assert done.returncode == 0, done.stderr
    assert reference.out.stat().st_ino == folder  # changed in place: an incremental build
    changes = int((reference.root.parent / "changes").read_text())
    assert changes > 20, changes  # backups, renames and deletions of many files
    expected = reference.tree_digest()
    assert expected != before

    chooser = random.Random()
    points = sorted({1, changes} | set(chooser.sample(range(2, changes), 4)))
    for at in points:
        after = chooser.random() < 0.5
        where = f"killed at change {at} of {changes}, {'after' if after else 'before'} it"
        site = fresh(f"killed-{at}")
        killed = _killed_build(site, at, after=after)
        assert killed.returncode == -signal.SIGKILL, (where, killed.stderr)
        committed = at == changes and after  # the journal's last step: the build is done
        journals = list(site.root.glob(".site.journal-*"))
        assert len(journals) == (0 if committed else 1), where
        if journals and (journals[0] / "added").exists() and at % 2:
            # The roll-back itself killed at its second change, then run again.
            again = _killed_build(site, 2, after=True)
            assert again.returncode == -signal.SIGKILL, (where, again.stderr)
        sweep_abandoned(site.out)
        assert site.tree_digest() == (expected if committed else before), where
        assert site.run("build") == 0, where
        assert site.tree_digest() == expected, where
        assert leftovers(site) == [], where


def test_site_is_put_back_if_killed_between_two_renames(tmp_path: Path) -> None:
    """Where a folder swap takes two renames, a build killed between them loses no site/."""
    final = tmp_path / "site"
    old_site = tmp_path / f".site.old-{_dead_pid()}"
    (old_site / "mo-hinh").mkdir(parents=True)
    (old_site / "mo-hinh" / "index.html").write_text("trước", encoding="utf-8")
    (tmp_path / f".site.building-{_dead_pid()}").mkdir()
    sweep_abandoned(final)
    assert (final / "mo-hinh" / "index.html").read_text(encoding="utf-8") == "trước"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _dead_pid() -> int:
    """The id of a process that has ended, as a killed build's is."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
