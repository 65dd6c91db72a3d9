"""Lighthouse (npm ``lighthouse``, pinned in package-lock.json) on every page type: 100 in
accessibility, best practices and SEO.

Those three scores are deterministic: each audit passes or fails on what the page is, not
on how fast this machine is. Performance, which is timed, is measured by ``make audit``
(bench/audit.py) into docs/performance.md, never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_a11y import PAGES

from bench.audit import run_lighthouse
from bench.server import serve

pytestmark = pytest.mark.browser

CATEGORIES = ("accessibility", "best-practices", "seo")
TYPES = ("home", "entry", "entry with a picture", "province", "province index", "statistics",
         "field", "year", "kind", "search with results and a filter", "open data", "press hub",
         "press contest", "about", "not found")
"""One page of each template (test_a11y.PAGES has more: every content variant, for axe).
Lighthouse takes about 5 s a page. "not found" is 404.html itself: Lighthouse will not
audit a document answered with a 404 status."""


@pytest.fixture(scope="module")
def reports(search_site: Path) -> Iterator[dict[str, dict[str, Any]]]:
    """One Lighthouse report per page type, from one Chromium (about 4 s a page)."""
    with serve(search_site) as base:
        urls = {name: base + PAGES[name] for name in TYPES}
        found = run_lighthouse(CATEGORIES, list(urls.values()))
    assert [report["url"] for report in found] == list(urls.values())
    yield dict(zip(urls, found, strict=True))


@pytest.mark.parametrize("name", TYPES)
def test_every_page_type_scores_100(reports: dict[str, dict[str, Any]], name: str) -> None:
    report = reports[name]
    assert report["runtimeError"] is None, report["runtimeError"]
    failed = [f"{f['category']}: {f['id']} ({f['title']}) {f['items']}"
              for f in report["failed"]]
    assert failed == [], "\n".join(failed)
    assert report["scores"] == dict.fromkeys(CATEGORIES, 100)
