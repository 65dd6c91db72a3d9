"""`dvk serve`: builds, serves on 127.0.0.1 and rebuilds when an entry changes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from search_reference import found_in_index

from bench.serve import free_port, get_text
from conftest import Site


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@contextmanager
def _serving(site: Site) -> Iterator[tuple[str, Path]]:
    """``dvk serve`` of ``site`` on a free port: its base URL and its log file."""
    port = free_port()
    log = site.root / "serve.log"  # a file, not a pipe, which could fill and block the server
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--config", str(site.config),
             "--dev-addr", f"127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}/", log
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_shows_the_site_and_reloads_an_edited_entry(site: Site) -> None:
    """An editor runs dvk serve, opens an entry, edits its title and sees the new one."""
    path = site.entry("xem-thu", title="Tên ban đầu")
    with _serving(site) as (base, log):
        started = _wait_for(lambda: "Tên ban đầu" in get_text(base + "mo-hinh/xem-thu/"), 60)
        assert started, log.read_text(encoding="utf-8")
        home = get_text(base)
        assert '<html lang="vi"' in home
        # MkDocs' reload script is inline: the preview drops the pages' policy (serve.py).
        assert "livereload(" in home and "Content-Security-Policy" not in home
        path.write_text(path.read_text(encoding="utf-8").replace("Tên ban đầu", "Tên đã sửa"),
                        encoding="utf-8")
        assert _wait_for(lambda: "Tên đã sửa" in get_text(base + "mo-hinh/xem-thu/"), 30)
        # One edit, one rebuild: reading the files must not count as changing them
        # (inotify reports opens and closes too), or the browser reloads forever.
        time.sleep(1)
        settled = log.read_text(encoding="utf-8").count("Detected file changes")
        time.sleep(4)
        output = log.read_text(encoding="utf-8")
        assert output.count("Detected file changes") == settled, output
        assert output.count("Đã dựng lại") == 1, output
        # The page was shown ahead of the build (generator/build/preview.py).
        assert output.count("Đã hiện trang vừa sửa") == 1, output
        assert output.index("Đã hiện trang vừa sửa") < output.index("Đã dựng lại"), output
    output = log.read_text(encoding="utf-8")
    assert f"Serving on {base}" in output, output


def test_serve_keeps_the_last_good_site_and_refreshes_search(site: Site) -> None:
    """A broken edit is reported and the old page stays; a fixed one shows, and is searchable."""
    import os

    path = site.entry("xem-thu", title="Tên ban đầu")
    served = Path(os.environ["DVK_CACHE_DIR"]) / "serve" / "site"

    def indexed(words: str) -> bool:
        try:
            return found_in_index(served / "tim-kiem" / "chi-muc", words) == {"mo-hinh/xem-thu/"}
        except (OSError, ValueError, KeyError, IndexError):
            return False  # a file being replaced

    with _serving(site) as (base, log):
        assert _wait_for(lambda: "Tên ban đầu" in get_text(base + "mo-hinh/xem-thu/"), 60), \
            log.read_text(encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("province: nghe-an", "province: Nghệ Anh Hùng"),
                        encoding="utf-8")
        assert _wait_for(lambda: "province: tỉnh/thành không xác định" in log.read_text(
            encoding="utf-8"), 30), log.read_text(encoding="utf-8")
        assert "Tên ban đầu" in get_text(base + "mo-hinh/xem-thu/")
        path.write_text(text.replace("Tên ban đầu", "Tên đã sửa").replace(
            "Tóm tắt của mô hình thử.", "Hợp tác xã rau sạch."), encoding="utf-8")
        assert _wait_for(lambda: "Tên đã sửa" in get_text(base + "mo-hinh/xem-thu/"), 30)
        # The index files change in the same build as the page, moved in just after it.
        assert _wait_for(lambda: indexed("Hợp tác xã rau sạch"), 5), "search did not follow"
        assert not indexed("Tên ban đầu")


@pytest.mark.browser
def test_an_open_entry_page_reloads_itself_when_saved(site: Site, browser: Browser) -> None:
    """The editor keeps the entry open in Chromium and saves: the page reloads by itself
    with the edit, and the province's list follows."""
    path = site.entry("xem-thu", title="Tên ban đầu")
    with _serving(site) as (base, log):
        assert _wait_for(lambda: "Tên ban đầu" in get_text(base + "mo-hinh/xem-thu/"), 60), \
            log.read_text(encoding="utf-8")
        page = browser.new_page()
        try:
            page.goto(base + "mo-hinh/xem-thu/")
            expect(page.locator("h1")).to_have_text("Tên ban đầu", timeout=30_000)
            path.write_text(path.read_text(encoding="utf-8").replace(
                "Tên ban đầu", "Ngôi nhà đại đoàn kết"), encoding="utf-8")
            expect(page.locator("h1")).to_have_text("Ngôi nhà đại đoàn kết", timeout=30_000)
            # In a tab of its own: the entry's tab reloads again when the build behind the
            # preview ends, which would abort a navigation started in it.
            province = browser.new_page()
            province.goto(base + "tinh-thanh/nghe-an/")
            expect(province.locator("main")).to_contain_text("Ngôi nhà đại đoàn kết",
                                                             timeout=30_000)
            province.close()
        finally:
            page.close()
