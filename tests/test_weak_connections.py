"""A phone on a weak connection, in a real Chromium: what a first visit costs, whether
anything moves while it loads, and whether the console stays clean.

Bytes are counted at the server (bench/server.py), gzip and headers included: they do not
depend on this machine's speed, so a budget on them is a test, not a benchmark. How fast
the pages are is measured by ``make audit`` (docs/performance.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Route
from test_a11y import PAGES

from bench.audit import PHONE, settle, visit_bytes
from bench.server import serve

pytestmark = pytest.mark.browser

FIRST_VISIT_BUDGET = 120 * 1024
"""Bytes a first visit may transfer, everything counted (issue: "under 120 KB")."""

SHIFTS = """
window.dvkShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.dvkShifts.push({value: entry.value, nodes: entry.sources.map(
      (s) => s.node ? `${s.node.nodeName}.${s.node.className}` : "?")});
  }
}).observe({type: "layout-shift", buffered: true});
"""
"""Records every layout shift, input or not: the page must not move by itself."""


@pytest.fixture(scope="module")
def counted(search_site: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """The search fixture site served from 127.0.0.1, every response's size recorded."""
    sent: list[tuple[str, int]] = []
    with serve(search_site, sent=sent) as base:
        yield base, sent


def _path(name: str) -> str:
    return "khong-co-trang-nay/" if name == "not found" else PAGES[name]


@pytest.mark.parametrize("name", PAGES)
def test_a_first_visit_stays_under_120_kb(
        browser: Browser, counted: tuple[str, list[tuple[str, int]]], name: str) -> None:
    base, sent = counted
    total = visit_bytes(browser, base, sent, _path(name))
    listing = "\n".join(f"{size:8d} {path}" for path, size in sorted(sent, key=lambda s: -s[1]))
    assert total < FIRST_VISIT_BUDGET, f"{total / 1024:.1f} KB:\n{listing}"
    # Nothing fetched twice, and nothing a page does not use (no sitemap.xml).
    paths = [path for path, _ in sent]
    assert not [p for p in paths if p.endswith("sitemap.xml")], listing


@pytest.mark.parametrize("name", ["home", "entry", "province", "search with results and a filter"])
def test_a_repeat_visit_costs_the_page_and_not_the_shell(
        browser: Browser, counted: tuple[str, list[tuple[str, int]]], name: str) -> None:
    """After one page, the next costs its HTML and what it alone needs: nothing the first
    page fetched (style, script, font) is sent again."""
    base, sent = counted
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(base + "gioi-thieu/")
        settle(page)
        first = {path for path, _ in sent}
        sent.clear()
        page.goto(base + _path(name))
        settle(page)
        again = [(path, size) for path, size in sent if path in first and size > 400]
        assert again == [], sent
    finally:
        context.close()


def _slowly(delay: float, delayed: list[str]) -> Any:
    def handler(route: Route) -> None:
        delayed.append(route.request.url)
        time.sleep(delay)
        route.continue_()
    return handler


@pytest.mark.parametrize("name", PAGES)
def test_nothing_moves_while_the_page_loads(
        browser: Browser, counted: tuple[str, list[tuple[str, int]]], name: str) -> None:
    """Cumulative layout shift 0 on a phone, with the fonts arriving late (1.5 s) and the
    search index later still (1 s a file), as on a weak connection."""
    base, _ = counted
    context = browser.new_context(**PHONE)
    try:
        delayed: list[str] = []
        context.route("**/*.woff2", _slowly(1.5, delayed))
        context.route("**/chi-muc/**", _slowly(1.0, delayed))
        context.add_init_script(SHIFTS)
        page = context.new_page()
        page.goto(base + _path(name))
        page.wait_for_load_state("networkidle")
        if "q=" in name or name.startswith("search"):
            page.locator("[data-dvk-search] [role=status]").filter(
                has_not_text="Đang").wait_for()
        page.wait_for_timeout(300)
        shifts = page.evaluate("window.dvkShifts")
        assert shifts == [], shifts
        assert any(url.endswith(".woff2") for url in delayed)  # the fonts did come late
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_failed_request(
        browser: Browser, counted: tuple[str, list[tuple[str, int]]], name: str) -> None:
    base, _ = counted
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        errors: list[str] = []
        failed: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(base + _path(name))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        if name == "not found":  # the page itself answers 404, as it must; nothing else
            assert failed == [f"404 {base}khong-co-trang-nay/"]
            errors = [e for e in errors if "404" not in e]
        else:
            assert failed == []
        assert errors == []
    finally:
        context.close()


class _FeedLinks(HTMLParser):
    """The feeds a reader (or a feed reader) discovers in a page's head."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        rel = (found.get("rel") or "").lower().split()
        if tag == "link" and "alternate" in rel and found.get("type", "").endswith("+xml"):
            self.feeds.append((found["type"] or "", found.get("href") or ""))


@pytest.mark.parametrize(("page", "feeds"), [
    ("tinh-thanh/nghe-an/index.html",
     ["atom.xml", "rss.xml", "tinh-thanh/nghe-an/atom.xml", "tinh-thanh/nghe-an/rss.xml"]),
    ("linh-vuc/kinh-te/index.html", ["atom.xml", "rss.xml",
                                     "linh-vuc/kinh-te/atom.xml", "linh-vuc/kinh-te/rss.xml"]),
    ("index.html", ["atom.xml", "rss.xml"]),
])
def test_feeds_stay_discoverable_at_their_urls(
        search_site: Path, page: str, feeds: list[str]) -> None:
    """The 404s went without moving a feed: every page still announces its feeds, at the
    addresses urls.txt has published."""
    parser = _FeedLinks()
    parser.feed((search_site / page).read_text(encoding="utf-8"))
    folder = (search_site / page).parent
    found = sorted((folder / href).resolve().relative_to(search_site.resolve()).as_posix()
                   for _, href in parser.feeds)
    assert found == sorted(feeds)
    published = (search_site / "urls.txt").read_text(encoding="utf-8")
    for feed in feeds:
        assert (search_site / feed).is_file()
        assert f"/{feed}" in published or feed in published
