"""A phone on a weak connection, in a real Chromium: what a first visit costs, whether
anything moves while it loads, and whether the console stays clean.

Bytes are counted at the server (bench/server.py), gzip and headers included: they do not
depend on this machine's speed, so a budget on them is a test, not a benchmark. How fast
the pages are is measured by ``make audit`` (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from test_a11y import PAGES

from bench.audit import PHONE, settle
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


FONT_DELAY, INDEX_DELAY = 1.0, 0.5
"""Seconds the server holds each font and each search index file: a weak connection."""


def _weak(path: str) -> float:
    return FONT_DELAY if path.endswith(".woff2") else INDEX_DELAY if "/chi-muc/" in path else 0


@dataclass
class Visit:
    """What a phone met on a first visit to one page."""

    sent: list[tuple[str, int]]
    shifts: list[dict[str, Any]]
    errors: list[str]
    failed: list[str]

    @property
    def listing(self) -> str:
        biggest = sorted(self.sent, key=lambda sent: -sent[1])
        return "\n".join(f"{size:8d} {path}" for path, size in biggest)


def _path(name: str) -> str:
    return "khong-co-trang-nay/" if name == "not found" else PAGES[name]


@pytest.fixture(scope="module")
def visits(browser: Browser, search_site: Path) -> Iterator[dict[str, Visit]]:
    """A first visit to every page type, each from a fresh phone, with the fonts and the
    search index arriving late: every response's size, the layout shifts, the console's
    errors and the failed requests."""
    sent: list[tuple[str, int]] = []
    found: dict[str, Visit] = {}
    with serve(search_site, sent=sent, slow=_weak) as base:
        for name in PAGES:
            context = browser.new_context(**PHONE)
            visit = Visit([], [], [], [])
            page = context.new_page()
            page.add_init_script(SHIFTS)
            page.on("console", lambda m, v=visit: v.errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e, v=visit: v.errors.append(str(e)))
            page.on("response", lambda r, v=visit: v.failed.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            sent.clear()
            page.goto(base + _path(name))
            if "q=" in _path(name):  # the results are in: what a weak link delays is done
                page.locator("[data-dvk-search] [role=status]").filter(
                    has_not_text="Đang").wait_for()
            settle(page)
            visit.shifts = page.evaluate("window.dvkShifts")
            visit.sent = list(sent)
            visit.failed = [f.replace(base, "/") for f in visit.failed]
            found[name] = visit
            context.close()
        yield found


@pytest.mark.parametrize("name", PAGES)
def test_a_first_visit_stays_under_120_kb(visits: dict[str, Visit], name: str) -> None:
    """Everything counted: the page, styles, scripts, fonts, pictures and what scripts
    fetch (the offline worker comes with the second page: dvk-offline.js)."""
    visit = visits[name]
    total = sum(size for _, size in visit.sent)
    assert total < FIRST_VISIT_BUDGET, f"{total / 1024:.1f} KB:\n{visit.listing}"
    # Nothing a page does not use: Material's bundle no longer fetches sitemap.xml.
    assert not [p for p, _ in visit.sent if p.endswith("sitemap.xml")], visit.listing


@pytest.mark.parametrize("name", PAGES)
def test_nothing_moves_while_the_page_loads(visits: dict[str, Visit], name: str) -> None:
    """Cumulative layout shift 0 on a phone, input or not, with the fonts arriving after the
    first paint and the search results later still."""
    visit = visits[name]
    assert any(path.endswith(".woff2") for path, _ in visit.sent)  # the late fonts came
    assert visit.shifts == []


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_failed_request(visits: dict[str, Visit], name: str) -> None:
    visit = visits[name]
    if name == "not found":  # the page itself answers 404, as it must; nothing else fails
        assert visit.failed == ["404 /khong-co-trang-nay/"]
        assert [e for e in visit.errors if "404" not in e] == []
    else:
        assert visit.failed == []
        assert visit.errors == []


@pytest.mark.parametrize("name", ["home", "entry", "province", "search with results and a filter"])
def test_a_repeat_visit_costs_the_page_and_not_the_shell(
        browser: Browser, search_site: Path, name: str) -> None:
    """After one page, the next costs its HTML and what it alone needs: nothing the first
    page fetched (style, script, font) is sent again."""
    sent: list[tuple[str, int]] = []
    with serve(search_site, sent=sent) as base:
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
    published = set((search_site / "urls.txt").read_text(encoding="utf-8").splitlines())
    for feed in feeds:
        assert (search_site / feed).is_file()
        assert f"/{feed}" in published
