"""Accessibility in a real Chromium: axe-core over every page type, light and dark, and
search by keyboard alone.

axe-core comes from the npm package pinned in package-lock.json (installed by
`make test`, npm ci). It checks the rendered page, after scripts have run, against
WCAG 2.2 level AA; a violation of impact "serious" or "critical" fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "__test__/axe.min.js"  # never a file of the site: answered by the test's route
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

# One page of each type, as a reader reaches it (the redirect of an old id leads to
# its entry, audited here; tests/test_validity.py checks the redirect page itself).
PAGES: dict[str, str] = {
    "home": "",
    "entry": "mo-hinh/ky-tuc-xa-vung-bien-nghe-an/",
    "entry with a picture": "mo-hinh/thu-vuon-hue/",
    "province": "tinh-thanh/nghe-an/",
    "province with no entry": "tinh-thanh/cao-bang/",
    "province with charts and old units": "tinh-thanh/ninh-binh/",
    "statistics": "thong-ke/",
    "province index": "tinh-thanh/",
    "field": "linh-vuc/kinh-te/",
    "field index": "linh-vuc/",
    "year": "nam/2024/",
    "year index": "nam/",
    "kind": "loai/ca-nhan/",
    "kind index": "loai/",
    "search with results and a filter": "tim-kiem/?q=ky+tuc+xa&tinh=nghe-an",
    "search with no result": "tim-kiem/?q=khong+co+gi+ca",
    "open data": "du-lieu/",
    "press hub": "bao-chi/",
    "press outlet": "bao-chi/co-quan/bao-thu/",
    "press year": "bao-chi/nam/2024/",
    "press contest": "bao-chi/giai-thu/",
    "about": "gioi-thieu/",
    "contribute": "dong-gop/",
    "not found": "404.html",
    "offline": "ngoai-tuyen/?trang=mo-hinh/thu-cho-dem-da-nang/",
}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme



def audit_context(browser: Browser, scheme: str) -> BrowserContext:
    """A context in colour scheme ``scheme`` that serves axe-core from the site's own origin.

    The site's Content-Security-Policy allows scripts from 'self' only, so axe is loaded
    as a same-origin <script src> rather than inline: pages are audited under their real
    policy, as a reader gets them.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  color_scheme=scheme)  # type: ignore[arg-type]
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci)")
    context.route(f"**/{AXE_URL}", lambda route: route.fulfill(
        path=str(AXE), content_type="text/javascript"))
    return context


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """One browser context per colour scheme, reused by every page of that scheme."""
    made = {scheme: audit_context(browser, scheme) for scheme in SCHEMES}
    yield made
    for context in made.values():
        context.close()


def settle(page: Page) -> None:
    """Wait until the page, its fonts and, on the search page, its results are shown."""
    page.wait_for_load_state("load")
    if page.locator("#dvk-search-status").count():
        page.wait_for_function(
            "() => !document.querySelector('#dvk-search-status').textContent.startsWith('Đang')")
    page.evaluate("document.fonts.ready.then(() => true)")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.2 AA on the page as it is now."""
    page.add_script_tag(url="/" + AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_serious_axe_violation(
        contexts: dict[str, BrowserContext], search_server: str, scheme: str, url: str) -> None:
    """WCAG 2.2 AA by axe-core: no serious or critical violation, in either colour scheme."""
    page = contexts[scheme].new_page()
    try:
        page.goto(search_server + url)
        settle(page)
        shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert shown == SCHEMES[scheme], f"the page follows the reader's {scheme} scheme"
        found = serious(axe_violations(page))
        assert not found, f"{url or '/'} ({scheme}):\n{describe(found)}"
    finally:
        page.close()


def test_the_audit_finds_a_violation(
    contexts: dict[str, BrowserContext], search_server: str
) -> None:
    """A faint paragraph and an unlabelled field added to a page are reported: axe looks."""
    page = contexts["light"].new_page()
    try:
        page.goto(search_server + "gioi-thieu/")
        settle(page)
        page.evaluate("""() => {
          const p = document.createElement("p");
          p.textContent = "Chữ quá nhạt"; p.style.color = "#ddd";
          document.querySelector("article").append(p, document.createElement("input"));
        }""")
        found = {v["id"] for v in serious(axe_violations(page))}
        assert {"color-contrast", "label"} <= found, found
    finally:
        page.close()


def test_the_palette_toggle_switches_scheme_and_stays_accessible(
        browser: Browser, search_server: str) -> None:
    """A reader in light mode switches to dark with Material's toggle; the page still passes."""
    context = audit_context(browser, "light")
    page = context.new_page()
    try:
        page.goto(search_server + "mo-hinh/thu-vuon-hue/")
        settle(page)
        assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
        page.get_by_title("Chuyển sang nền tối").click()
        page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        found = serious(axe_violations(page))
        assert not found, f"after the toggle:\n{describe(found)}"
    finally:
        context.close()


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName, id: el.id, name: el.getAttribute("name"), value: el.value ?? null,
    href: el.getAttribute("href"), checked: el.checked ?? null,
    inResult: !!el.closest(".dvk-result__title"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def tab_to(page: Page, wanted: Callable[[dict[str, Any]], bool],
           limit: int = 120) -> dict[str, Any]:
    """Press Tab until the focused element is ``wanted``; return what is focused."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    pytest.fail(f"Tab did not reach the element within {limit} presses")


def assert_focus_visible(focused: dict[str, Any]) -> None:
    assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"


def test_search_and_filters_work_by_keyboard_alone(browser: Browser, search_server: str) -> None:
    """Tab to the search box, type, Tab to a filter, Space toggles it, Tab to a result,
    Enter opens it; every stop shows where the focus is."""
    # A context of its own, under the site's Content-Security-Policy (no axe here).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(search_server + "tim-kiem/")
        settle(page)
        box = tab_to(page, lambda f: f["id"] == "dvk-search-q")
        assert_focus_visible(box)
        page.keyboard.type("ky tuc xa")
        page.wait_for_function("() => location.search.includes('q=ky')")
        settle(page)

        nghe_an = tab_to(page, lambda f: f["name"] == "tinh" and f["value"] == "nghe-an")
        assert_focus_visible(nghe_an)
        assert not nghe_an["checked"]
        page.keyboard.press("Space")
        assert page.evaluate(FOCUSED)["checked"]
        page.wait_for_function("() => location.search.includes('tinh=nghe-an')")
        settle(page)
        assert page.locator("#dvk-search-status").inner_text() == "1 mô hình cho “ky tuc xa”"

        result = tab_to(page, lambda f: f["inResult"])
        assert_focus_visible(result)
        assert result["href"].endswith("mo-hinh/ky-tuc-xa-vung-bien-nghe-an/")
        page.keyboard.press("Enter")
        page.wait_for_url("**/mo-hinh/ky-tuc-xa-vung-bien-nghe-an/")
    finally:
        context.close()
