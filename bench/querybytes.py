"""Bytes a reader's browser downloads to run one search, measured in a real Chromium.

The built site is served from 127.0.0.1 with gzip, as any production server
would send it, and each query runs in a fresh browser context (a cold cache).
What counts is every response the search needs: Pagefind's runtime, its wasm,
the index chunks, filter chunks and result fragments, and the site's search
module; the page shell (HTML, CSS, fonts) is the same for every page and is
not a cost of searching.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

from bench.server import CHROMIUM, CHROMIUM_ARGS, serve


@dataclass(frozen=True, slots=True)
class QueryCost:
    """What one query cost the browser."""

    query: str
    results: int
    bytes_to_first_results: int
    """Bytes loaded when the first results were on screen."""
    bytes_total: int
    """Bytes loaded once the facet counts were complete too."""
    largest_file: int
    """The largest single search file fetched (a whole-site index would stand out)."""


def is_search_request(url: str) -> bool:
    """A file of a search: the index, its runtime or the search module (ours or Pagefind's)."""
    # The site's own index and runtime; "/pagefind/" is the peer's index, on the same pages.
    path = urlsplit(url).path
    return ("/tim-kiem/chi-muc/" in path or "/pagefind/" in path
            or path.endswith(("/dvk-search.js", "/dvk-index.js")))


def measure(site_dir: Path, queries: Sequence[str]) -> list[QueryCost]:
    """The cost of each query on the search page, each in a cold browser context."""
    from playwright.sync_api import sync_playwright

    costs: list[QueryCost] = []
    with serve(site_dir) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for query in queries:
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}

            def record(response: object, sizes: dict[str, int] = sizes) -> None:
                request = response.request  # type: ignore[attr-defined]
                if is_search_request(request.url):
                    body = request.sizes()["responseBodySize"]
                    headers = request.sizes()["responseHeadersSize"]
                    sizes[request.url] = body + headers

            page.on("requestfinished", lambda request: record(request.response()))
            page.goto(f"{base}tim-kiem/?q={quote_plus(query)}")
            page.wait_for_function(
                "() => { const s = document.querySelector('#dvk-search-status')?.textContent;"
                " return s && !s.startsWith('Đang'); }", timeout=120_000)
            first = sum(sizes.values())
            results = page.locator(".dvk-result").count()
            page.wait_for_load_state("networkidle")
            costs.append(QueryCost(query, results, first, sum(sizes.values()),
                                   max(sizes.values(), default=0)))
            context.close()
        browser.close()
    return costs


def summary(costs: Sequence[QueryCost]) -> dict[str, float]:
    """Medians (and worst cases) over the queries, in bytes."""
    return {
        "queries": len(costs),
        "median_bytes_to_first_results": statistics.median(c.bytes_to_first_results
                                                           for c in costs),
        "median_bytes_total": statistics.median(c.bytes_total for c in costs),
        "max_bytes_total": max(c.bytes_total for c in costs),
        "max_single_file": max(c.largest_file for c in costs),
    }


def sample_queries(entries: Sequence[tuple[str, str]], count: int, seed: int = 7) -> list[str]:
    """Queries as readers type them, drawn from (title, summary) pairs of the catalogue.

    A third are one word, a third two consecutive words, a third three; half
    are typed without marks (đ as d). Drawn with a fixed seed, so runs compare.
    """
    import random

    from generator.core.text import strip_marks

    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        title, summary = rng.choice(entries)
        words = (title if rng.random() < 0.6 else summary).rstrip(".").split()
        length = min(len(words), 1 + len(queries) % 3)
        start = rng.randrange(len(words) - length + 1)
        query = " ".join(words[start : start + length]).lower()
        queries.append(strip_marks(query) if len(queries) % 2 else query)
    return queries
