"""Reading offline, in Chromium: the service worker keeps what a reader opened, and the site
says what it does not have (generator/publish/offline.py, docs/architecture.md "Offline").

Each test serves a built site with bench.server, lets the worker take over a page, then cuts
the connection (``context.set_offline``, which Chromium applies to the worker's fetches too)
and empties the browser's HTTP cache, so that what opens offline is what the worker kept.
"""

from __future__ import annotations

import html
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bench.server import serve
from conftest import REPO, Site
from generator.build.builder import Builder, Loaded
from generator.core import urls

pytestmark = pytest.mark.browser

READ = "ky-tuc-xa-vung-bien-nghe-an"
ALSO_READ = "vien-gach-nghia-tinh-nghe-an"
NEVER_READ = "thu-cho-dem-da-nang"
PICTURED = "thu-vuon-hue"  # a synthetic entry of the search fixture, with a picture
UNAVAILABLE = "các trang chưa mở trước đây không có trên máy này"
INCOMPLETE = "Đang ngoại tuyến: kết quả có thể chưa đầy đủ."
CONTENT = "article.md-content__inner"

TAKEN_OVER = """() => Promise.race([
  new Promise((_, reject) => setTimeout(
    () => reject(new Error("no service worker took the page over in 15 s")), 15000)),
  (async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker.state !== "activated") {
      await new Promise((resolve) => worker.addEventListener("statechange",
        () => { if (worker.state === "activated") resolve(); }));
    }
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
    return registration.scope;
  })(),
])"""
"""Waits until the worker is active and controls the page; returns its scope."""

KEPT = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) found.push([name, request.url]);
  }
  return found;
}"""
"""Every cached request, as [cache name, URL]."""

ONLY_SHELL = """async (name) => {
  const shells = async () => (await caches.keys()).filter((n) => n.startsWith("dvk-shell-"));
  while ((await shells()).join() !== name) await new Promise((resolve) => setTimeout(resolve, 50));
}"""
"""Waits until the one shell cache is ``name``: a new worker installed, and activated."""



@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone that has never seen the site: no worker, no cache."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    yield context
    context.close()


def title(site: Path, entry_id: str) -> str:
    """An entry's title as its page's head gives it."""
    page = (site / urls.entry(entry_id) / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<meta property="og:title" content="([^"]*)"', page)
    assert found is not None
    return html.unescape(found[1])


def taken_over(page: Page) -> str:
    """Wait for the worker to control ``page``; its scope."""
    scope: str = page.evaluate(TAKEN_OVER)
    return scope


def read_two_pages(page: Page, first: str, second: str) -> str:
    """Open ``first``, then ``second``: the worker comes with a reader's second page
    (dvk-offline.js), not the first. Wait for it to control the second; its scope."""
    page.goto(first)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("navigator.serviceWorker.getRegistration()") is None
    page.goto(second)
    return taken_over(page)


def kept(page: Page) -> list[tuple[str, str]]:
    return [(name, url) for name, url in page.evaluate(KEPT)]


def go_offline(context: BrowserContext, page: Page) -> None:
    """Cut the connection, and empty the browser's HTTP cache, which could otherwise answer
    offline for a file it still counts fresh: what opens must come from the worker."""
    context.set_offline(True)
    context.new_cdp_session(page).send("Network.clearBrowserCache")


def styled(page: Page) -> bool:
    """Material's stylesheet applies (the header sticks), and its bundle ran."""
    return bool(page.evaluate(
        "getComputedStyle(document.querySelector('.md-header')).position === 'sticky'"
        " && document.documentElement.classList.contains('js')"))


def test_a_model_read_once_opens_again_offline_under_a_sub_path(
    context: BrowserContext, search_site: Path, tmp_path: Path
) -> None:
    """The first page a reader opened, before the worker came with the second, is kept with
    the shell: offline it opens, styled. The site is served from a sub-path, so the
    worker's scope is that path, not the host's."""
    (tmp_path / "dvk").symlink_to(search_site, target_is_directory=True)
    with serve(tmp_path) as host:
        base = host + "dvk/"
        page = context.new_page()
        assert read_two_pages(page, base + urls.entry(READ), base + "gioi-thieu/") == base
        page.wait_for_function(f"""async () => (await caches.keys()).length > 0
            && !!(await caches.match({base + urls.entry(READ)!r}))""")
        go_offline(context, page)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(base + urls.entry(READ))
        expect(page.locator("h1")).to_have_text(title(search_site, READ))
        assert styled(page)
        page.wait_for_load_state("networkidle")
        # Every file it loads too, those the second page did not (its citation script,
        # the italic face): the worker kept them from the browser's cache at install.
        assert failed == []
        assert all(url.startswith(base) for _, url in kept(page))
        # Its caches are named for its scope: another site on the host keeps its own.
        assert all(name.endswith(f" {base}") for name, _ in kept(page))


def test_a_model_never_opened_shows_the_offline_page_listing_the_kept_ones(
    context: BrowserContext, search_server: str, search_site: Path
) -> None:
    page = context.new_page()
    read_two_pages(page, search_server + urls.entry(READ),
                   search_server + urls.entry(ALSO_READ))
    page.wait_for_function(
        f"async () => !!(await caches.match({search_server + urls.entry(READ)!r}))")
    go_offline(context, page)
    page.goto(search_server + urls.entry(NEVER_READ))
    expect(page).to_have_url(re.compile(re.escape(urls.OFFLINE) + r"\?trang="))
    expect(page.locator("h1")).to_have_text("Bạn đang ngoại tuyến")
    expect(page.locator(CONTENT)).to_contain_text(UNAVAILABLE)
    assert styled(page)
    models = page.locator("[data-dvk-kept] a")
    expect(models).to_have_count(2)
    assert sorted(models.all_inner_texts()) == sorted(
        [title(search_site, READ), title(search_site, ALSO_READ)])
    expect(page.locator("[data-dvk-kept-status]")).to_contain_text("đã lưu 2 mô hình")
    # The page asked for, to open again once online.
    wanted = page.locator("[data-dvk-wanted-link]")
    expect(wanted).to_be_visible()
    assert wanted.get_attribute("href") == search_server + urls.entry(NEVER_READ)
    # A kept model opens from the list.
    models.filter(has_text=title(search_site, READ)).click()
    expect(page.locator("h1")).to_have_text(title(search_site, READ))


def settled(page: Page) -> str:
    page.wait_for_function(
        "() => { const s = document.querySelector('#dvk-search-status')?.textContent;"
        " return s && !s.startsWith('Đang'); }")
    return page.locator("#dvk-search-status").inner_text()


def search(page: Page, query: str) -> str:
    """Type ``query`` into the search page and submit it; the status line once done."""
    page.locator("#dvk-search-q").fill(query)
    page.locator("#dvk-search-q").press("Enter")
    page.wait_for_function(
        "(q) => new URL(location.href).searchParams.get('q') === q", arg=query)
    return settled(page)


def test_search_offline_runs_over_what_was_fetched_and_says_what_it_lacks(
    context: BrowserContext, search_server: str, search_site: Path
) -> None:
    page = context.new_page()
    read_two_pages(page, search_server, search_server + "gioi-thieu/")
    page.goto(search_server + "tim-kiem/?q=ky+tuc+xa")
    online = settled(page)
    first = page.locator(".dvk-result a").first.inner_text()
    go_offline(context, page)

    # What was searched online is found offline, whole: no notice.
    page.reload()
    assert settled(page) == online
    expect(page.locator(".dvk-result a").first).to_have_text(first)
    expect(page.locator(".dvk-search__offline")).to_have_count(0)

    # Two more words, whose part of the index the phone never fetched: the results of the
    # words it has, and a notice naming the others instead of an error.
    search(page, "ky tuc xa vung bien")
    expect(page.locator(".dvk-result a").first).to_have_text(title(search_site, READ))
    notice = page.locator(".dvk-search__offline")
    expect(notice).to_contain_text(INCOMPLETE)
    expect(notice).to_contain_text("“vung”, “bien”")

    # With no index at all on the phone, the page says so rather than that it failed.
    page.evaluate("(name) => caches.delete(name)", f"dvk-index-1 {search_server}")
    page.reload()
    assert settled(page).startswith("Không tìm được khi ngoại tuyến")
    assert all(url.startswith(search_server) for _, url in kept(page))


def test_a_deploy_replaces_kept_pages_and_the_shell(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    """Online, a page changed by a deploy is the new one (pages are network first), and the
    offline copy becomes it. A deploy that changes the shell installs a new worker, which
    serves the new stylesheet and deletes the old shell."""
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    site.write_config()
    site.config.write_text(site.config.read_text(encoding="utf-8").replace(
        str(REPO / "theme"), str(theme)), encoding="utf-8")
    site.entry("mo-hinh-thu", body="## Bối cảnh\n\nBản cũ của trang.\n")
    site.entry("mo-hinh-khac")
    builder = Builder(site.config, once=True)
    assert isinstance(builder.build(), Loaded)
    context = browser.new_context(locale="vi-VN")
    try:
        with serve(site.out) as base:
            page = context.new_page()
            entry = base + urls.entry("mo-hinh-thu")
            read_two_pages(page, base + urls.entry("mo-hinh-khac"), entry)
            old_shell = {name for name, _ in kept(page) if name.startswith("dvk-shell-")}
            assert len(old_shell) == 1

            # A deploy a second later at least: HTTP dates count whole seconds, and the server
            # answers "not modified" to a page rewritten within the second it was sent.
            time.sleep(1.1)
            site.entry("mo-hinh-thu", body="## Bối cảnh\n\nBản mới của trang.\n")
            assert isinstance(Builder(site.config, once=True).build(), Loaded)
            page.goto(entry)
            expect(page.locator(CONTENT)).to_contain_text("Bản mới của trang.")
            go_offline(context, page)
            page.goto(entry)
            expect(page.locator(CONTENT)).to_contain_text("Bản mới của trang.")
            context.set_offline(False)

            css = theme / "assets" / "stylesheets" / "dvk.css"
            css.write_text(css.read_text(encoding="utf-8")
                           + "\n.md-typeset h1 { letter-spacing: 3px; }\n", encoding="utf-8")
            assert isinstance(Builder(site.config, once=True).build(), Loaded)
            version = re.search(r'"version":"(\w+)"', (site.out / "sw.js").read_text("utf-8"))
            assert version is not None
            page.goto(entry)  # the browser checks sw.js, finds it changed, installs it
            # The new worker's shell is made, and the old one deleted once it activates.
            page.evaluate(ONLY_SHELL, f"dvk-shell-{version[1]} {base}")
            page.reload()
            expect(page.locator("h1")).to_have_css("letter-spacing", "3px")
            assert {name for name, _ in kept(page)}.isdisjoint(old_shell)

            # A deploy that removes a model: opened online, its kept copy goes too.
            gone = base + urls.entry("mo-hinh-khac")
            assert page.evaluate("async (url) => !!(await caches.match(url))", gone)
            next(site.content.rglob("mo-hinh-khac.md")).unlink()
            assert isinstance(Builder(site.config, once=True).build(), Loaded)
            page.goto(gone)
            page.wait_for_function("async (url) => !(await caches.match(url))", arg=gone)
    finally:
        context.close()


PICTURES_SHOWN = """() => {
  const pictures = [...document.querySelectorAll("article figure img")];
  return pictures.length > 0 && pictures.every((img) => img.complete && img.naturalWidth > 0)
    ? pictures.map((img) => img.currentSrc) : null;
}"""
"""The page's pictures' files, once every one is drawn (not its alt text); else null."""


def shown_pictures(page: Page) -> list[str]:
    """Scroll to the entry's pictures (they load lazily); the files shown, once drawn."""
    page.locator(f"{CONTENT} figure img").first.scroll_into_view_if_needed()
    shown: list[str] = page.wait_for_function(PICTURES_SHOWN, timeout=10_000).json_value()
    return shown


def wait_kept(page: Page, urls_kept: list[str]) -> None:
    page.wait_for_function("async (urls) => (await Promise.all(urls.map((url) => "
                           "caches.match(url)))).every(Boolean)", arg=urls_kept)


def test_a_picture_shown_before_the_worker_came_shows_offline(
    context: BrowserContext, search_server: str
) -> None:
    """The first page's picture, loaded before any worker, is handed over with the page:
    offline, the page opens with its picture drawn, not its alt text."""
    page = context.new_page()
    page.goto(search_server + urls.entry(PICTURED))
    shown = shown_pictures(page)
    page.goto(search_server + urls.entry(READ))
    taken_over(page)
    wait_kept(page, [search_server + urls.entry(PICTURED), *shown])
    go_offline(context, page)
    page.goto(search_server + urls.entry(PICTURED))
    assert shown_pictures(page) == shown


def test_a_picture_shown_once_the_worker_came_shows_offline(
    context: BrowserContext, search_server: str
) -> None:
    """A picture a controlled page shows is kept as it loads; offline, it is drawn."""
    page = context.new_page()
    read_two_pages(page, search_server + urls.entry(READ), search_server + urls.entry(ALSO_READ))
    page.goto(search_server + urls.entry(PICTURED))
    shown = shown_pictures(page)
    wait_kept(page, shown)
    assert {name.split()[0] for name, url in kept(page) if url in shown} == {"dvk-pictures-1"}
    go_offline(context, page)
    page.goto(search_server + urls.entry(READ))
    page.goto(search_server + urls.entry(PICTURED))
    assert shown_pictures(page) == shown


def test_nothing_from_another_origin_is_kept(
    context: BrowserContext, search_server: str, search_site: Path
) -> None:
    """A page the worker controls asks another origin (the same server, named localhost) for
    what the worker keeps of its own: an index part. Only the site's own copy is kept."""
    page = context.new_page()
    read_two_pages(page, search_server + urls.entry(ALSO_READ), search_server + urls.entry(READ))
    # robots.txt: a document the worker controls, without the pages' policy, which would
    # refuse a request to another origin before the worker saw it.
    page.goto(search_server + urls.ROBOTS)
    other = search_server.replace("127.0.0.1", "localhost")
    part = urls.SEARCH_INDEX + "manifest.json"
    posted = page.evaluate("""async ([own, other]) => {
      await fetch(other, { mode: "no-cors" });
      await fetch(own);
      return (await fetch(own, { method: "POST" })).status;
    }""", [search_server + part, other + part])
    assert posted == 501  # the server's answer to a POST, not the kept copy
    found = kept(page)
    # The site's own part is kept.
    assert (f"dvk-index-1 {search_server}", search_server + part) in found
    assert [url for _, url in found if not url.startswith(search_server)] == []


def test_a_worker_left_on_the_address_of_dvk_serve_removes_itself(
    browser: Browser, site: Site
) -> None:
    """A phone or an editor's browser that kept a built site's worker, then opens `dvk serve`
    on the same address: the served site's worker replaces it, deletes what it kept and
    unregisters, so the editor sees every edit (docs/architecture.md, "Offline")."""
    site.entry("mo-hinh-thu")
    assert isinstance(Builder(site.config, once=True).build(), Loaded)
    context = browser.new_context(locale="vi-VN")
    try:
        with serve(site.out) as base:
            page = context.new_page()
            read_two_pages(page, base, base + urls.entry("mo-hinh-thu"))
            assert kept(page)
            # The site as dvk serve builds it (generator/build/serve.py).
            assert isinstance(Builder(site.config, offline=False).build(clean=True), Loaded)
            page.goto(base + urls.entry("mo-hinh-thu"))
            page.evaluate("""() => new Promise((resolve, reject) => {
              const deadline = Date.now() + 15000;
              const check = async () => {
                const left = await navigator.serviceWorker.getRegistrations();
                const names = (await caches.keys()).filter((name) => name.startsWith("dvk-"));
                if (!left.length && !names.length) resolve();
                else if (Date.now() > deadline) reject(new Error(`still there: ${names}`));
                else setTimeout(check, 50);
              };
              check();
            })""")
            page.reload()
            assert page.evaluate("navigator.serviceWorker.controller") is None
    finally:
        context.close()
