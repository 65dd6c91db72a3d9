"""Reproducible builds: one commit, built twice, gives two byte-identical site/ trees.

The two builds run as separate processes, from two clones in different folders,
with different build caches and different ``PYTHONHASHSEED``s, and every file
is compared: pages, the search index (file names included), feeds, sitemap,
urls.txt, open data, social cards, image renditions and fonts.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Site

COMMITTED = "2024-05-06T10:00:00+07:00"
EPOCH = 1_700_000_000
"""2023-11-14T22:13:20Z: earlier than any entry, so it cannot be mistaken for one's date."""


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED}
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed site (synthetic entries, for tests only) with images, redirects and filters."""
    from PIL import Image

    site = Site(tmp_path_factory.mktemp("repro") / "repo")
    site.root.mkdir()
    site.write_config()
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    provinces = ("nghe-an", "ha-noi", "da-nang", "lai-chau")
    fields = ("kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh")
    for n in range(24):
        site.entry(f"thu-{n:02d}", title=f"Mô hình thử {n}", province=provinces[n % 4],
                   field=fields[n % 3], kind="ca-nhan" if n % 5 == 0 else "tap-the",
                   redirect_from=[f"cu-{n:02d}"] if n % 7 == 0 else None)
    # Large enough for all three widths, each saved as WebP and JPEG at once on threads.
    noise = random.Random(7).randbytes(64 * 40 * 3)
    picture = Image.frombytes("RGB", (64, 40), noise).resize((1700, 1060), Image.Resampling.BICUBIC)
    for n in (1, 2):
        turned = picture.rotate(90 * n).resize((1700, 1060))
        turned.save(site.content / f"mo-hinh/ha-noi/anh-{n}.jpg", quality=90)
        site.entry(f"co-anh-{n}", province="ha-noi",
                   images=[{"src": f"anh-{n}.jpg", "alt": "Ảnh thử", "credit": "Dữ liệu thử"}])
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", ".")
    git(site.root, "commit", "-q", "-m", "thử")
    return site.root


def build(repo: Path, where: Path, *, seed: str, epoch: int | None = None) -> Path:
    """Clone ``repo`` to ``where`` and build it in a new process with a cache of its own."""
    subprocess.run(["git", "clone", "-q", str(repo), str(where)], check=True)
    env = {**os.environ, "DVK_CACHE_DIR": str(where.parent / f"{where.name}-cache"),
           "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--config",
                           str(where / "site_config.yml")], cwd=where, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return where / "site"


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    """Every path that is in one tree only, or whose bytes differ."""
    return sorted(name for name in first.keys() | second.keys()
                  if first.get(name) != second.get(name))


@pytest.fixture(scope="module")
def twice(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("builds")
    return (build(repo, where / "a", seed="0"), build(repo, where / "b", seed="4242"))


def test_two_clean_builds_are_byte_identical(twice: tuple[Path, Path]) -> None:
    """Two folders, two caches, two hash seeds: the same paths, the same bytes, every file."""
    first, second = (files(site) for site in twice)
    assert differences(first, second) == []
    names = list(first)
    for kind in (r"\.webp$", r"-1600\.jpg$", r"the-chia-se\.png$", r"\.woff2$",
                 r"^tim-kiem/chi-muc/t/.+\.bin$", r"^tim-kiem/chi-muc/b/.+\.bin$",
                 r"^tim-kiem/chi-muc/manifest\.json$", r"^sitemap\.xml\.gz$", r"^urls\.txt$",
                 r"\.csv$",
                 r"^atom\.xml$", r"^mo-hinh/cu-00/index\.html$"):
        assert any(re.search(kind, name) for name in names), f"nothing compared matches {kind}"


def test_source_date_epoch_dates_only_the_feeds_without_entries(
    repo: Path, twice: tuple[Path, Path], tmp_path: Path
) -> None:
    """SOURCE_DATE_EPOCH changes the date of the feeds with no entry to date them, nothing else.

    Without it those feeds take the newest change of any entry: never the build's clock.
    """
    plain = files(twice[0])
    dated = files(build(repo, tmp_path / "c", seed="99", epoch=EPOCH))
    changed = differences(plain, dated)
    empty = sorted(name for name, data in plain.items()
                   if name.endswith(("atom.xml", "rss.xml")) and b"<item>" not in data
                   and b"<entry>" not in data)
    assert empty, "the site should have provinces without entries"
    assert changed == empty
    site_updated = re.search(rb"<updated>(.+?)</updated>", plain["atom.xml"])
    assert site_updated is not None
    for name in changed:
        if name.endswith("atom.xml"):
            assert re.findall(rb"<updated>(.+?)</updated>", plain[name]) == [site_updated[1]]
            assert re.findall(rb"<updated>(.+?)</updated>", dated[name]) == [
                b"2023-11-15T05:13:20+07:00"]
        else:
            assert b"<lastBuildDate>Wed, 15 Nov 2023 05:13:20 +0700</lastBuildDate>" in dated[name]
        # Nothing but those dates differs.
        strip = re.compile(rb"<(updated|lastBuildDate)>.*?</\1>")
        assert strip.sub(b"", plain[name]) == strip.sub(b"", dated[name])


def test_a_malformed_source_date_epoch_stops_the_build(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The specification asks a build to fail, not guess, when the variable is not a number."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hôm qua")
    assert site.run("build") == 2
    assert not site.out.exists()
