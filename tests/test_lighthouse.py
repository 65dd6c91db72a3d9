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
NOT_FOUND = "not found"
"""A missing page answers 404, which Lighthouse's SEO audit fails by design (a 404 must not
be indexed): that page is held to 100 in the other two categories."""


@pytest.fixture(scope="module")
def reports(search_site: Path) -> Iterator[dict[str, dict[str, Any]]]:
    """One Lighthouse report per page type, from one Chromium (about 4 s a page)."""
    with serve(search_site) as base:
        urls = {name: base + ("khong-co-trang-nay/" if name == NOT_FOUND else path)
                for name, path in PAGES.items()}
        found = run_lighthouse(CATEGORIES, list(urls.values()))
    assert [report["url"] for report in found] == list(urls.values())
    yield dict(zip(urls, found, strict=True))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_scores_100(reports: dict[str, dict[str, Any]], name: str) -> None:
    report = reports[name]
    assert report["runtimeError"] is None, report["runtimeError"]
    categories = [c for c in CATEGORIES if not (name == NOT_FOUND and c == "seo")]
    failed = [f"{f['category']}: {f['id']} ({f['title']}) {f['items']}"
              for f in report["failed"] if f["category"] in categories]
    assert failed == [], "\n".join(failed)
    assert {c: report["scores"][c] for c in categories} == dict.fromkeys(categories, 100)


def test_the_not_found_page_is_a_404_lighthouse_sees(reports: dict[str, dict[str, Any]]) -> None:
    """The exception above is earned: the SEO audit saw a 404, not a page that passed."""
    seo = [f["id"] for f in reports[NOT_FOUND]["failed"] if f["category"] == "seo"]
    assert seo == ["http-status-code"]
