"""``python -m bench.audit`` (``make audit``): what each page type costs a reader on a phone.

For every page type of the bundled site, served with gzip from 127.0.0.1:
- the bytes a first visit transfers (cold cache, everything counted at the server:
  the page, its styles, scripts, fonts, images, and whatever its scripts fetch);
- the bytes a repeat visit transfers: the same page opened as a reader's second page on
  the site (which also brings the offline worker, once), and as a third (which the worker
  serves the shell of);
- Lighthouse (npm, pinned) on a simulated mobile connection: the performance score and
  its figures, median of ``--runs``, and the accessibility, best-practice and SEO scores.

Tooling, not the product: figures go to docs/performance.md, never into a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.screenshots import build_bundled
from bench.server import CHROMIUM, CHROMIUM_ARGS, serve

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "bench" / "lighthouse.mjs"

PAGES: dict[str, str] = {
    "home": "",
    "entry": "mo-hinh/ky-tuc-xa-vung-bien-nghe-an/",
    "province": "tinh-thanh/nghe-an/",
    "field": "linh-vuc/kinh-te/",
    "year": "nam/2024/",
    "kind": "loai/ca-nhan/",
    "search": "tim-kiem/?q=ky+tuc+xa",
    "statistics": "thong-ke/",
    "open data": "du-lieu/",
    "press": "bao-chi/",
    "about": "gioi-thieu/",
    "not found": "khong-co-trang-nay/",
}
"""One page of each type on the bundled site, as a reader reaches it."""

LIGHTHOUSE_PATHS = {"not found": "404.html"}
"""Lighthouse will not audit a document answered with a 404: it gets the page itself."""

PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75,
         "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
"""Lighthouse's mobile device (a Moto G Power), for the transfer counts."""


@dataclass
class PageAudit:
    """One page type's figures."""

    page: str
    path: str
    first_visit_kb: float = 0.0
    repeat_visit_kb: float = 0.0
    later_visit_kb: float = 0.0
    performance: list[int] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    lighthouse_kb: list[float] = field(default_factory=list)
    cls: list[float] = field(default_factory=list)
    lcp_ms: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def free_port() -> int:
    """A loopback port free now, so the site can be built for the address it is served at."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_lighthouse(categories: Sequence[str], urls: Sequence[str]) -> list[dict[str, Any]]:
    """Lighthouse over ``urls`` in one Chromium (bench/lighthouse.mjs): one report each."""
    if not (REPO / "node_modules" / "lighthouse").is_dir():
        raise RuntimeError("node_modules/lighthouse is missing: `make test` installs it (npm ci)")
    done = subprocess.run(["node", str(LIGHTHOUSE), ",".join(categories), *urls],
                          capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "CHROME_PATH": CHROMIUM}, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def settle(page: Any) -> None:
    """Wait until the page and what its scripts start are done (a service worker's
    install included, when the site has one)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("""async () => {
        const registered = 'serviceWorker' in navigator
            && await navigator.serviceWorker.getRegistration();
        if (registered) await Promise.race([navigator.serviceWorker.ready,
                                            new Promise((r) => setTimeout(r, 3000))]);
    }""")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def visit_bytes(browser: Any, base: str, sent: list[tuple[str, int]], path: str,
                after: Sequence[str] = ()) -> int:
    """Bytes the server sent while a fresh phone opened ``path`` (after the pages ``after``,
    whose own bytes are not counted)."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        for earlier in after:
            page.goto(base + earlier)
            settle(page)
        sent.clear()
        page.goto(base + path)
        settle(page)
        return sum(size for _, size in sent)
    finally:
        context.close()


def audit(site: Path, port: int, runs: int, say: Any) -> list[PageAudit]:
    """Every page type of ``site``, served at ``port``."""
    from playwright.sync_api import sync_playwright

    results = [PageAudit(name, path) for name, path in PAGES.items()]
    sent: list[tuple[str, int]] = []
    with serve(site, port, sent) as base:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for result in results:
                result.first_visit_kb = visit_bytes(browser, base, sent, result.path) / 1024
                # A second page, which brings the offline worker; then a third, which it serves.
                before = [PAGES["entry"] if result.page == "home" else PAGES["home"]]
                result.repeat_visit_kb = visit_bytes(
                    browser, base, sent, result.path, after=before) / 1024
                before.append(PAGES["about"] if result.page != "about" else PAGES["year"])
                result.later_visit_kb = visit_bytes(
                    browser, base, sent, result.path, after=before) / 1024
            browser.close()
        say("transfers counted")
        categories = ("performance", "accessibility", "best-practices", "seo")
        for run in range(runs):
            for result, report in zip(results, run_lighthouse(
                    categories, [base + LIGHTHOUSE_PATHS.get(r.page, r.path) for r in results]),
                    strict=True):
                result.performance.append(report["scores"]["performance"])
                # Deterministic (each audit passes or fails on what the page is): the last
                # run's stand for all; performance, which is timed, is kept run by run.
                result.scores = {k: v for k, v in report["scores"].items() if k != "performance"}
                figures = report["figures"]
                result.lighthouse_kb.append(figures.get("total-byte-weight", 0) / 1024)
                result.cls.append(figures.get("cumulative-layout-shift", 0))
                result.lcp_ms.append(figures.get("largest-contentful-paint", 0))
                result.failed = sorted({f["id"] for f in report["failed"]
                                        if f["category"] != "performance"})
            say(f"lighthouse run {run + 1} of {runs}")
    return results


def table(results: Sequence[PageAudit]) -> str:
    """The figures as a Markdown table (medians of the Lighthouse runs)."""
    lines = ["| page | first visit | second page | third page | Lighthouse performance (median)"
             " | CLS (worst) | LCP (median) | accessibility / best practices / SEO |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        scores = " / ".join(str(r.scores.get(k, "–"))
                            for k in ("accessibility", "best-practices", "seo"))
        if r.failed:
            scores += f" ({', '.join(r.failed)})"
        performance = (f"{statistics.median(r.performance):.0f} "
                       f"({'/'.join(map(str, r.performance))})" if r.performance else "–")
        lines.append(
            f"| {r.page} | {r.first_visit_kb:.1f} KB | {r.repeat_visit_kb:.1f} KB "
            f"| {r.later_visit_kb:.1f} KB "
            f"| {performance} | {max(r.cls, default=0):.3f} "
            f"| {statistics.median(r.lcp_ms or [0]):.0f} ms | {scores} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--site", help="audit this built site (built for --port) instead of "
                                       "building the bundled content")
    parser.add_argument("--port", type=int, help="the port --site was built for")
    parser.add_argument("--out", default="audit.json", help="JSON report")
    args = parser.parse_args(argv)
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"{time.monotonic() - started:6.1f} s {line}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="dvk-audit-") as scratch:
        if args.site:
            site, port = Path(args.site), args.port or free_port()
        else:
            port = free_port()
            site = build_bundled(Path(scratch), site_url=f"http://127.0.0.1:{port}/")
            say(f"built {site}")
        results = audit(site, port, args.runs, say)
    Path(args.out).write_text(json.dumps([asdict(r) for r in results], indent=2), "utf-8")
    print(table(results))
    print(f"\n(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
