"""The site works under its own strict Content-Security-Policy (generator/publish/headers.py).

The policy reaches browsers as the headers of the published ``_headers`` file
(Netlify, Cloudflare Pages) and as a ``<meta>`` in every page (GitHub Pages).
The browser tests serve the search site with every header of ``_headers`` on
every response, open each kind of page in Chromium, use what needs script
(the colour toggle, search, filters, the citation block) and assert that the
browser refused nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from conftest import REPO
from generator.core.urls import HEADERS as HEADERS_FILE
from generator.publish.headers import HEADERS, META_IGNORED, csp, headers_file

DATA_SCRIPTS = {"application/json", "application/ld+json"}
"""Script elements that hold data: CSP does not apply to them, browsers never run them."""


def read_headers(text: str) -> dict[str, list[tuple[str, str]]]:
    """A ``_headers`` file as hosts read it: a path pattern, then its indented headers."""
    rules: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), [])
            continue
        assert current is not None, f"a header before any path: {line!r}"
        if line.strip().startswith("! "):  # Cloudflare Pages: drop a header a wider rule set
            current.append(("!", line.strip()[2:]))
            continue
        name, sep, value = line.strip().partition(":")
        assert sep, f"not a header line: {line!r}"
        current.append((name.strip(), value.strip()))
    return rules


def directives(policy: str) -> dict[str, list[str]]:
    """A policy's directives, by name."""
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


# ---------------------------------------------------------------------------
# The policy and the published files, without a browser.


def test_policy_is_strict() -> None:
    """default-src 'self'; scripts never 'unsafe-inline' nor 'unsafe-eval'; no framing."""
    policy = directives(csp())
    assert policy["default-src"] == ["'self'"]
    for name in ("default-src", "script-src", "style-src", "worker-src"):
        assert "'unsafe-inline'" not in policy.get(name, []), name
        assert "'unsafe-eval'" not in policy.get(name, []), name
        assert "'unsafe-hashes'" not in policy.get(name, []), name
    # Search is plain JavaScript: no WebAssembly.
    assert policy["script-src"] == ["'self'"]
    # One worker, the site's own service worker (sw.js, for reading offline): exactly 'self',
    # never blob: or data:, with which a script that got in could start a worker it wrote.
    assert policy["worker-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "X-Frame-Options" not in dict(HEADERS)  # frame-ancestors replaces it


def test_headers_file_is_published_with_every_header(search_site: Path) -> None:
    """The site root has ``_headers``, sending the policy and its companions on every path."""
    text = (search_site / HEADERS_FILE).read_text(encoding="utf-8")
    assert text == headers_file()
    rules = read_headers(text)
    assert list(rules) == ["/*"]
    sent = dict(rules["/*"])
    assert sent["Content-Security-Policy"] == csp()
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in sent["Permissions-Policy"]
    # Hosts refuse long lines (Cloudflare Pages: 2,000 characters).
    assert max(len(line) for line in text.splitlines()) < 2000
    assert f"/{HEADERS_FILE}\n" not in (search_site / "urls.txt").read_text(encoding="utf-8")


def test_docs_show_the_policy_the_build_publishes() -> None:
    """docs/security.md quotes every header exactly as generator/publish/headers.py writes it."""
    docs = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    section = docs.split("## Content-Security-Policy", 1)[1]
    for name, value in HEADERS:
        assert f"\n{name}: {value}\n" in section, name


class _Scan(HTMLParser):
    """What in a page CSP would refuse, and where the meta policy sits."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.meta: list[str] = []
        self.loads_before_meta: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an event-handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=…>: a style attribute")
        if tag == "style":
            self.problems.append("<style>: a style element")
        if tag == "meta" and (found.get("http-equiv") or "").lower() == (
                "content-security-policy"):
            self.meta.append(found.get("content") or "")
        loads = tag == "script" or (tag == "link" and found.get("rel") == "stylesheet")
        if loads and not self.meta:
            self.loads_before_meta.append(tag)
        if tag == "script" and found.get("src") is None and found.get("type") not in DATA_SCRIPTS:
            self._script = True
        if tag == "a" and (found.get("href") or "").lower().startswith("javascript:"):
            self.problems.append("<a href=javascript:…>")

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append(f"<script>{data.strip()[:60]}…: an inline script")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False


def test_no_page_has_inline_script_or_style(search_site: Path) -> None:
    """No page holds what the policy refuses: inline scripts, handlers, style attributes.

    Every page carries the policy in a <meta> before anything it loads, for
    hosts that send no headers; without what browsers ignore there.
    """
    pages = sorted(search_site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        scan = _Scan()
        scan.feed(path.read_text(encoding="utf-8"))
        name = path.relative_to(search_site)
        assert scan.problems == [], f"{name}: {scan.problems}"
        assert scan.meta == [csp(meta=True)], name
        assert scan.loads_before_meta == [], name
    assert not any(name in csp(meta=True) for name in META_IGNORED)


# ---------------------------------------------------------------------------
# In Chromium, with the headers a host would send.


class _HeadersHandler(SimpleHTTPRequestHandler):
    """Static files with the headers of the site's ``_headers`` on every response."""

    sent: tuple[tuple[str, str], ...] = ()

    def end_headers(self) -> None:
        for name, value in self.sent:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(search_site: Path) -> Iterator[str]:
    """The search site on 127.0.0.1, sending the headers its ``_headers`` file asks for."""
    rules = read_headers((search_site / HEADERS_FILE).read_text(encoding="utf-8"))
    handler = type("Handler", (_HeadersHandler,), {"sent": tuple(rules["/*"])})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(handler, directory=str(search_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


# Runs in every page before its own scripts: each refusal is kept for the test.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} refused ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""

REFUSAL = re.compile(r"Content[- ]Security[- ]Policy|Refused to|worker", re.IGNORECASE)


@dataclass
class Tab:
    """A page, and what the browser refused or complained about while it was open."""

    page: Page
    messages: list[str]

    def refused(self) -> list[str]:
        """Violation events in the page, and console messages about refusals."""
        events: list[str] = self.page.evaluate("window.__violations || []")
        return events + self.messages


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh context in light mode, allowed to use the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  color_scheme="light",
                                  permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(RECORD_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def tab(context: BrowserContext) -> Tab:
    """A page whose console errors and warnings (its workers' too) are collected."""
    page = context.new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"} and REFUSAL.search(message.text):
            messages.append(f"console {message.type}: {message.text}")

    page.on("console", keep)
    page.on("worker", lambda worker: worker.on("console", keep))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return Tab(page, messages)


PAGES = {
    "home": "",
    "entry": "mo-hinh/ky-tuc-xa-vung-bien-nghe-an/",
    "province index": "tinh-thanh/",
    "province": "tinh-thanh/nghe-an/",
    "province with charts and old units": "tinh-thanh/ninh-binh/",
    "statistics": "thong-ke/",
    "field": "linh-vuc/kinh-te/",
    "year": "nam/2024/",
    "kind": "loai/ca-nhan/",
    "search": "tim-kiem/?q=ky+tuc+xa",
    "open data": "du-lieu/",
    "press hub": "bao-chi/",
    "press outlet": "bao-chi/co-quan/bao-thu/",
    "press year": "bao-chi/nam/2024/",
    "press contest": "bao-chi/giai-thu/",
    "editorial": "gioi-thieu/",
    "not found": "404.html",
}


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_every_kind_of_page_loads_with_nothing_refused(
    tab: Tab, server: str, width: int
) -> None:
    """Each kind of page, wide and narrow, loads under the policy without a single refusal."""
    tab.page.set_viewport_size({"width": width, "height": 900})
    for kind, url in PAGES.items():
        tab.page.goto(server + url)
        tab.page.wait_for_load_state("networkidle")
        # Material's bundle ran: it marks the page as having JavaScript.
        assert tab.page.evaluate("document.documentElement.classList.contains('js')"), kind
        assert tab.refused() == [], kind


@pytest.mark.browser
def test_palette_toggle_switches_and_remembers_the_scheme(tab: Tab, server: str) -> None:
    """The colour toggle works, and the next page opens in the chosen scheme.

    That takes Material's bundle, and its two bootstrap scripts served as files
    (theme/partials/javascripts/): one reads the choice back from storage, the
    other applies it before the page is drawn.
    """
    page = tab.page
    page.goto(server)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("label[for='__palette_1']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.goto(server + "gioi-thieu/")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate("typeof __md_get") == "function"
    page.locator("label[for='__palette_0']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert tab.refused() == []


@pytest.mark.browser
def test_search_and_filters_work(tab: Tab, server: str) -> None:
    """Under the policy, the search runtime finds results, and a filter narrows them."""
    page = tab.page
    page.goto(server + "tim-kiem/")
    page.locator("#dvk-search-q").fill("ky tuc xa")
    status = page.locator("#dvk-search-status")
    expect(status).to_contain_text("cho “ky tuc xa”")
    expect(page.locator(".dvk-result").first).to_be_visible()
    assert "ky-tuc-xa-vung-bien-nghe-an" in page.locator(".dvk-result a").first.get_attribute(
        "href") or ""
    page.locator("#dvk-search-q").fill("")  # no words: browse everything
    expect(status).to_have_text(re.compile(r"^[\d.]+ mô hình$"))
    everything = page.locator(".dvk-result").count()
    page.locator("input[name='loai'][value='ca-nhan']").check()
    expect(page).to_have_url(re.compile(r"loai=ca-nhan"))  # set as the search starts
    expect(status).not_to_contain_text("Đang")
    expect(page.locator(".dvk-result").first).to_be_visible()
    assert 0 < page.locator(".dvk-result").count() < everything

    # The header box: suggestions from the same index.
    page.goto(server + "gioi-thieu/")
    page.locator("#dvk-searchbox-q").fill("ky tuc")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert tab.refused() == []


@pytest.mark.browser
def test_citation_block_fills_the_date_and_copies(tab: Tab, server: str) -> None:
    """The access date is filled in, and a copy button puts the citation on the clipboard."""
    page = tab.page
    page.goto(server + PAGES["entry"])
    # The reader's own day, as the page's script sees it.
    year, month, day = page.evaluate(
        "(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]"
        ".map((n) => String(n).padStart(2, '0')); })()")
    today = f"{year}-{month}-{day}"
    expect(page.locator("[data-dvk-today='vi']").first).to_have_text(f"{day}/{month}/{year}")
    expect(page.locator("[data-dvk-today='iso']").first).to_have_text(today)
    assert page.locator(".dvk-cite .dvk-blank").count() == 0
    button = page.locator("[data-dvk-copy='cite-vi']")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_have_text("Đã sao chép")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-vi").inner_text().strip()
    assert dt.date.fromisoformat(today)  # a real date, not a blank
    assert tab.refused() == []
