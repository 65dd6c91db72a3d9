"""The site's search and the peer's Pagefind, measured the same way in Chromium.

Each engine runs behind a bare harness page served from 127.0.0.1 (the site's
runtime over ``tim-kiem/chi-muc/``; Pagefind's JS API over the peer's
``pagefind/``), in a fresh browser context per query, so both start from a
cold cache and neither is helped or slowed by its page's own layout. Counted
are the encoded bytes of every search file received: to the first ten results
(their cards, or Pagefind's fragments), then with facet counts, then a second
query on the same page, and a browse by filters alone, a province's models no
article is about, as its page links to it (the peer's corpus has no filter).
The mean reciprocal rank of title queries (the target entry's
title, half typed without marks) is taken within the first ten results.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.querybytes import is_search_request, sample_queries
from bench.server import CHROMIUM, CHROMIUM_ARGS, serve
from generator.core.provinces import default_registry

HARNESS = "bench-search.html"
TOP = 10
OURS_JS = {
    "open": """async (base) => {
      window.engine = await DvkIndex.open(base + "tim-kiem/chi-muc/");
    }""",
    "search": """async ([query, filters]) => {
      // As the search page asks: with the flags' counts (press coverage).
      const r = await window.engine.search(query, {prefix: false, limit: TOP, filters,
                                                   flags: true});
      return (await window.engine.cards(r.ids)).map((c) => c.url);
    }""".replace("TOP", str(TOP)),
    "counts": "() => null",  # the counts come with the results
}
PEER_JS = {
    "open": """async (base) => {
      window.engine = await import(base + "pagefind/pagefind.js");
      window.engine.init();
    }""",
    "search": """async ([query]) => {
      const r = await window.engine.search(query);
      const data = await Promise.all(r.results.slice(0, TOP).map((x) => x.data()));
      return data.map((d) => d.url);
    }""".replace("TOP", str(TOP)),
    "counts": "async () => { await window.engine.filters(); }",
}


@dataclass(frozen=True, slots=True)
class Cost:
    """Bytes of one query on one engine, at each step; 0 where a step was not taken."""

    first: int
    counted: int
    second: int
    browse: int


def _write_harness(site: Path, ours: bool) -> None:
    script = '<script src="assets/javascripts/dvk-index.js"></script>' if ours else ""
    (site / HARNESS).write_text(
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">{script}</head>'
        "<body></body></html>", encoding="utf-8")


class _Engine:
    """One site behind its harness page, in one Chromium."""

    def __init__(self, browser: Any, base: str, ours: bool) -> None:
        self.browser, self.base, self.ours = browser, base, ours
        self.scripts = OURS_JS if ours else PEER_JS

    def run(self, query: str, second: str = "", browse: dict[str, list[str]] | None = None,
            *, counted: bool = True) -> tuple[list[str], Cost]:
        """The first results' URLs, and the bytes of each step, in a cold context
        (without ``counted``, the facet counts are not asked for)."""
        context = self.browser.new_context()
        page = context.new_page()
        received: list[int] = []
        started: list[str] = []

        def record(request: Any) -> None:
            if is_search_request(request.url):
                sizes = request.sizes()
                received.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

        def step(script: str, argument: Any = None) -> tuple[Any, int]:
            before = len(received)
            value = page.evaluate(script, argument)
            # Every fetch of the step has resolved in the page; wait for the last
            # "finished" events to reach us, so no byte is counted in the next step.
            while len(received) < len(started):
                page.wait_for_timeout(10)
            return value, sum(received[before:])

        def start(request: Any) -> None:
            if is_search_request(request.url):
                started.append(request.url)

        page.on("request", start)
        page.on("requestfinished", record)
        page.goto(self.base + HARNESS)
        _, opening = step(self.scripts["open"], self.base)
        found, first = step(self.scripts["search"], [query, {}])
        counts = step(self.scripts["counts"])[1] if counted else 0
        second_bytes = step(self.scripts["search"], [second, {}])[1] if second else 0
        browse_bytes = step(self.scripts["search"], ["", browse])[1] if browse else 0
        context.close()
        return found, Cost(opening + first, opening + first + counts, second_bytes,
                           browse_bytes)


def _rank(urls: Sequence[str], entry_id: str) -> float:
    for position, url in enumerate(urls, start=1):
        if url.rstrip("/").rsplit("/", 1)[-1] == entry_id:
            return 1 / position
    return 0.0


def _percentile(values: Sequence[int], share: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))])


def compare(site: Path, peer: Path | None, asked: Asked) -> dict[str, dict[str, float]]:
    """Bytes per query and title-query MRR of both engines (of ours alone without ``peer``)."""
    from playwright.sync_api import sync_playwright

    sites = {"ours": site} if peer is None else {"ours": site, "peer": peer}
    for name, folder in sites.items():
        _write_harness(folder, ours=name == "ours")
    report: dict[str, dict[str, float]] = {}
    try:
        with ExitStack() as stack:
            bases = {name: stack.enter_context(serve(folder)) for name, folder in sites.items()}
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=list(CHROMIUM_ARGS))
            for name, base in bases.items():
                engine = _Engine(browser, base, ours=name == "ours")
                costs = []
                queries = asked.queries
                for i, query in enumerate(queries):
                    second = queries[(i + 1) % len(queries)]
                    _, cost = engine.run(query, second, asked.browse if engine.ours else None)
                    costs.append(cost)
                # A title's rank needs only the results: no facet counts (which cost
                # the peer's Pagefind seconds a query at 50,000 entries).
                ranks = [_rank(engine.run(query, counted=False)[0], entry_id)
                         for entry_id, query in asked.titles]
                firsts = [c.first for c in costs]
                report[name] = {
                    "queries": len(costs),
                    "median_first": statistics.median(firsts),
                    "p95_first": _percentile(firsts, 0.95),
                    "median_counted": statistics.median(c.counted for c in costs),
                    "median_second": statistics.median(c.second for c in costs),
                    "median_browse": statistics.median(c.browse for c in costs),
                    "title_queries": len(ranks),
                    "mrr": sum(ranks) / len(ranks) if ranks else 0.0,
                }
            browser.close()
    finally:
        for folder in sites.values():
            (folder / HARNESS).unlink(missing_ok=True)
    return report


def table(report: dict[str, dict[str, float]]) -> str:
    """Both engines side by side, in KB and MRR."""
    rows = [("engine", "first KB (median / p95)", "with counts KB", "second query KB",
             "browse KB", "title MRR")]
    for name, r in report.items():
        rows.append((
            name, f"{r['median_first'] / 1000:.1f} / {r['p95_first'] / 1000:.1f}",
            f"{r['median_counted'] / 1000:.1f}", f"{r['median_second'] / 1000:.1f}",
            f"{r['median_browse'] / 1000:.1f}" if name == "ours" else "-",
            f"{r['mrr']:.3f} ({r['title_queries']:.0f})"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                     for row in rows)


def title_queries(heads: Sequence[tuple[str, str, str]], count: int, seed: int = 11
                  ) -> list[tuple[str, str]]:
    """(entry id, its title as typed): every other one without marks, đ as d."""
    import random

    from generator.core.text import strip_marks

    rng = random.Random(seed)
    chosen = rng.sample(list(heads), min(count, len(heads)))
    return [(entry_id, strip_marks(title) if i % 2 else title)
            for i, (entry_id, title, _) in enumerate(chosen)]


@dataclass(frozen=True, slots=True)
class Asked:
    """What the bench asks both engines: typed queries, title queries, a filter to browse."""

    queries: list[str]
    titles: list[tuple[str, str]]
    """(entry id, its title as typed)."""
    browse: dict[str, list[str]]


def asked_of(entries_dir: Path, size: int, count: int) -> Asked:
    """Queries drawn from about 300 entries of a corpus: ``count`` typed ones, more titles."""
    pairs, heads = [], []
    every = max(1, size // 300)
    for path in sorted(entries_dir.rglob("*.md"))[::every]:
        data = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n")[0][4:])
        pairs.append((data["title"], data["summary"]))
        heads.append((data["id"], data["title"], data["province"]))
    # The corpus names provinces (old names too); the filter wants a unit's slug.
    match = default_registry().resolve(heads[0][2])
    if match is None:
        raise ValueError(f"the corpus names an unknown province: {heads[0][2]}")
    return Asked(sample_queries(pairs, count), title_queries(heads, max(20, 2 * count)),
                 {"tinh": [match.province.slug], "bao-chi": ["chua-co"]})
