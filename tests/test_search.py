"""Search as Vietnamese readers type it, in a real Chromium over the built index."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from conftest import REPO

ARTIFACTS = REPO / "tests" / ".artifacts"
INDEX = "tim-kiem/chi-muc/"
HINT = "Hãy gõ tên mô hình, địa phương hoặc đơn vị (chữ hoặc số)."

# query -> ids expected at the top of the results, in order ("*" = any order among them)
QUERIES: list[tuple[str, str, list[str]]] = [
    ("no diacritics", "ky tuc xa", ["ky-tuc-xa-vung-bien-nghe-an"]),
    ("with diacritics", "Ký túc xá", ["ky-tuc-xa-vung-bien-nghe-an"]),
    ("no diacritics, four words", "vien gach nghia tinh", ["vien-gach-nghia-tinh-nghe-an"]),
    ("đ typed as d", "da nang", ["thu-cho-dem-da-nang"]),
    ("đ typed as đ", "Đà Nẵng", ["thu-cho-dem-da-nang"]),
    ("đ inside a phrase, typed as d", "duong hoa", ["thu-duong-hoa-ha-nam"]),
    ("old province name", "Hà Nam", ["thu-duong-hoa-ha-nam"]),
    ("old province name, no diacritics", "ha nam", ["thu-duong-hoa-ha-nam"]),
    ("old province, merged and renamed", "thua thien hue", ["thu-vuon-hue"]),
    ("multi-word phrase", "doan ket quan dan", ["doan-ket-quan-dan-am-tinh-xu-dao-nghe-an"]),
    ("multi-word phrase with marks", "tình nguyện vì sức khỏe",
     ["cau-lac-bo-tinh-nguyen-vi-suc-khoe-va-moi-truong-ha-noi"]),
    ("summary words", "tranh co dong", ["bien-diem-tuong-co-chan-rac-thanh-tranh-co-dong-ha-noi"]),
    ("unit", "Bộ Chỉ huy Quân sự", ["*", "doan-ket-quan-dan-am-tinh-xu-dao-nghe-an",
                                     "giup-dan-no-du-tu-chu-ban-lang-nghe-an",
                                     "toi-yeu-to-quoc-toi-nghe-an"]),
    ("locality", "Tân Kỳ", ["vien-gach-nghia-tinh-nghe-an"]),
    ("body text", "tam quang", ["ky-tuc-xa-vung-bien-nghe-an"]),
    ("exact accents rank first", "Dũng", ["thu-ca-nhan-dung", "thu-tap-the-dung"]),
    ("plain query ranks the plain word first", "dung", ["thu-tap-the-dung", "thu-ca-nhan-dung"]),
    ("two places of one ward", "ngoc lam", [
        "*", "cau-lac-bo-tinh-nguyen-vi-suc-khoe-va-moi-truong-ha-noi",
        "bien-diem-tuong-co-chan-rac-thanh-tranh-co-dong-ha-noi"]),
]



@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.on("request", lambda request: tab.requests.append(request.url))  # type: ignore[attr-defined]
    yield tab
    hosts = {urlsplit(url).hostname for url in tab.requests}  # type: ignore[attr-defined]
    assert hosts <= {"127.0.0.1"}, tab.requests  # type: ignore[attr-defined]
    context.close()


def settled(page: Page) -> str:
    """Wait for the search page to finish, and return its status line."""
    # The element may not exist yet while a click is still navigating here.
    page.wait_for_function(
        "() => { const s = document.querySelector('#dvk-search-status')?.textContent;"
        " return s && !s.startsWith('Đang'); }"
    )
    return page.locator("#dvk-search-status").inner_text()


def result_ids(page: Page) -> list[str]:
    hrefs = page.locator(".dvk-result__title a").evaluate_all("els => els.map(a => a.href)")
    return [urlsplit(h).path.strip("/").split("/")[-1] for h in hrefs]


@pytest.mark.browser
@pytest.mark.parametrize(("case", "query", "expected"), QUERIES, ids=[q[0] for q in QUERIES])
def test_query_table(
    page: Page, search_server: str, case: str, query: str, expected: list[str]
) -> None:
    """Each query finds the expected entries at the top of its results."""
    page.goto(f"{search_server}tim-kiem/?q={quote_plus(query)}")
    settled(page)
    found = result_ids(page)
    if expected[0] == "*":
        assert set(found[: len(expected) - 1]) == set(expected[1:]), found
    else:
        assert found[: len(expected)] == expected, found


@pytest.mark.browser
def test_results_show_title_place_field_and_highlighted_summary(
    page: Page, search_server: str
) -> None:
    """A result shows its title, province, field, and the summary with the match marked."""
    page.goto(f"{search_server}tim-kiem/?q=cho+dem")
    assert settled(page) == "1 mô hình cho “cho dem”"
    result = page.locator(".dvk-result").first
    assert result.locator(".dvk-result__meta").inner_text() == "Đà Nẵng · Kinh tế · Tập thể · 2024"
    marks = result.locator(".dvk-result__summary mark").all_inner_texts()
    assert marks == ["Chợ", "đêm"]


@pytest.mark.browser
def test_filter_only_browse(page: Page, search_server: str) -> None:
    """With no words, the filters alone list their entries, with counts on every facet."""
    page.goto(f"{search_server}tim-kiem/?loai=ca-nhan")
    assert settled(page) == "1 mô hình"
    assert result_ids(page) == ["thu-ca-nhan-dung"]
    page.goto(f"{search_server}tim-kiem/?tinh=nghe-an")
    assert settled(page) == "5 mô hình"
    count = page.locator("[data-facet=linh-vuc] label", has_text="Quốc phòng - an ninh")
    expect(count.locator("[data-count]")).to_have_text("(3)")  # counts complete after results
    provinces = page.locator("[data-facet=tinh] input")
    assert provinces.count() == 34


@pytest.mark.browser
def test_no_results_says_what_to_try(page: Page, search_server: str) -> None:
    """A query with no match says so and suggests what to do, instead of an empty box."""
    page.goto(f"{search_server}tim-kiem/?q=xyzzyqw")
    assert settled(page) == "Không có kết quả cho “xyzzyqw”"
    help_box = page.locator("[data-dvk-none]")
    assert help_box.is_visible()
    assert "Bỏ bớt bộ lọc đang chọn." in help_box.inner_text()
    assert not page.locator("[data-dvk-more]").is_visible()


@pytest.mark.browser
def test_url_round_trip(page: Page, search_server: str) -> None:
    """A shared search URL reopens the same query, filters and results; changes update it."""
    page.goto(f"{search_server}tim-kiem/?q=Bo+Chi+huy&tinh=nghe-an&linh-vuc=quoc-phong-an-ninh")
    # Three units are a "Bộ Chỉ huy" in Nghệ An's defence field: two military, one border.
    assert settled(page) == "3 mô hình cho “Bo Chi huy”"
    assert page.locator("#dvk-search-q").input_value() == "Bo Chi huy"
    assert page.locator("input[name=tinh][value=nghe-an]").is_checked()
    assert page.locator("input[name=linh-vuc][value=quoc-phong-an-ninh]").is_checked()
    assert sorted(result_ids(page)) == ["doan-ket-quan-dan-am-tinh-xu-dao-nghe-an",
                                        "ky-tuc-xa-vung-bien-nghe-an",
                                        "toi-yeu-to-quoc-toi-nghe-an"]
    page.locator("input[name=linh-vuc][value=kinh-te]").check()
    page.wait_for_function("new URL(location.href).searchParams.getAll('linh-vuc').length == 2")
    assert settled(page) == "4 mô hình cho “Bo Chi huy”"
    params = {k: sorted(v) for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert params == {"q": ["Bo Chi huy"], "tinh": ["nghe-an"],
                      "linh-vuc": ["kinh-te", "quoc-phong-an-ninh"]}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-filters.png"))
    page.reload()
    assert settled(page) == "4 mô hình cho “Bo Chi huy”"


@pytest.mark.browser
def test_index_pages_link_into_search_with_their_filter(page: Page, search_server: str) -> None:
    """A province page's search link opens the search with that province ticked."""
    page.goto(f"{search_server}tinh-thanh/nghe-an/")
    page.get_by_role("link", name="Tìm trong Tỉnh Nghệ An").click()
    page.wait_for_url("**/tim-kiem/?tinh=nghe-an")
    assert settled(page) == "5 mô hình"
    assert page.locator("input[name=tinh][value=nghe-an]").is_checked()


@pytest.mark.browser
def test_header_search_by_keyboard_alone(page: Page, search_server: str) -> None:
    """Type in the header box, arrow down to a suggestion, Enter opens it; Escape closes."""
    page.goto(f"{search_server}gioi-thieu/")
    box = page.get_by_role("combobox", name="Tìm mô hình")
    box.focus()
    page.keyboard.type("vien gach")
    listbox = page.get_by_role("listbox", name="Gợi ý")
    listbox.wait_for()
    first = listbox.get_by_role("option").first
    assert "Viên gạch nghĩa tình" in first.inner_text()
    assert first.locator("mark").all_inner_texts()[:2] == ["Viên", "gạch"]
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("ArrowDown")
    listbox.wait_for()
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "dvk-suggest-0"
    page.keyboard.press("Enter")
    page.wait_for_url("**/mo-hinh/vien-gach-nghia-tinh-nghe-an/")


@pytest.mark.browser
def test_header_enter_opens_the_full_search(page: Page, search_server: str) -> None:
    """Enter without choosing a suggestion opens /tim-kiem/ with the query."""
    page.goto(search_server)
    box = page.get_by_role("combobox", name="Tìm mô hình")
    box.fill("ngoc lam")
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=ngoc+lam")
    assert settled(page).endswith("mô hình cho “ngoc lam”")
    assert set(result_ids(page)[:2]) == {
        "cau-lac-bo-tinh-nguyen-vi-suc-khoe-va-moi-truong-ha-noi",
        "bien-diem-tuong-co-chan-rac-thanh-tranh-co-dong-ha-noi",
    }


@pytest.mark.browser
def test_search_page_on_a_phone(page: Page, search_server: str) -> None:
    """On a 360 px screen the filters fold away and nothing overflows sideways."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{search_server}tim-kiem/?q=ky+tuc+xa")
    settled(page)
    assert page.locator("[data-dvk-filters]").get_attribute("open") is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)


def test_the_built_site_has_the_index_the_search_page_filters_by(search_site: Path) -> None:
    """The index at tim-kiem/chi-muc/ offers the very filter values the page shows, in its
    order, and a card per entry with what a result shows (an old province's name included)."""
    index = search_site / INDEX
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    html = (search_site / "tim-kiem" / "index.html").read_text(encoding="utf-8")
    for facet, values in (manifest["facets"] | manifest["flags"]).items():
        boxes = re.findall(rf'<input type="checkbox" name="{facet}" value="([^"]*)"', html)
        assert [key for key, _ in values] == boxes, facet
    assert len(manifest["facets"]["tinh"]) == 34
    cards = [card for path in sorted((index / "c").glob("*.json"))
             for card in json.loads(path.read_text(encoding="utf-8"))]
    assert len(cards) == manifest["N"]
    card = next(c for c in cards if c[0] == "mo-hinh/thu-duong-hoa-ha-nam/")
    assert card[1:6] == ["Thử nghiệm đường hoa", "Ninh Bình · Hà Nam (cũ)", "Văn hóa - xã hội",
                         2024, "Tập thể"]


def watch(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions, from now on."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


BAD_QUERIES = [
    ("500 characters", "a" * 500),
    ("punctuation only", "?!… — ,;:()\"'%"),
    ("emoji only", "😀🎉 🇻🇳"),
]


@pytest.mark.browser
@pytest.mark.parametrize(("case", "query"), BAD_QUERIES, ids=[q[0] for q in BAD_QUERIES])
def test_bad_input_says_what_to_type(page: Page, search_server: str, case: str, query: str) -> None:
    """A query with nothing to look up says what to type, from a link, the page's box or the
    header's; never an error on the console."""
    problems = watch(page)
    page.goto(f"{search_server}tim-kiem/?q={quote_plus(query)}")
    assert settled(page) == HINT
    assert result_ids(page) == []
    assert not page.locator("[data-dvk-none]").is_visible()
    assert not page.locator("[data-dvk-more]").is_visible()
    # Typed over a query that had results: those go, the hint comes.
    page.goto(f"{search_server}tim-kiem/?q=ky+tuc+xa")
    assert settled(page) == "1 mô hình cho “ky tuc xa”"
    page.locator("#dvk-search-q").fill(query)
    expect(page.locator("#dvk-search-status")).to_have_text(HINT)
    assert result_ids(page) == []
    # The header box shows the hint as an option that cannot be chosen; Enter opens the page.
    page.goto(f"{search_server}gioi-thieu/")
    box = page.get_by_role("combobox", name="Tìm mô hình")
    box.fill(query)
    option = page.get_by_role("listbox", name="Gợi ý").get_by_role("option")
    expect(option).to_have_text(HINT)
    assert option.get_attribute("aria-disabled") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") is None
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    assert settled(page) == HINT
    assert problems == []


@pytest.mark.browser
def test_a_pasted_paragraph_searches_its_first_words(page: Page, search_server: str) -> None:
    """500 characters of words search with the first eight, and say so, in a short status."""
    problems = watch(page)
    query = ("Ký túc xá vùng biên " * 30)[:500]
    page.goto(f"{search_server}tim-kiem/?q={quote_plus(query)}")
    status = settled(page)
    assert result_ids(page)[0] == "ky-tuc-xa-vung-bien-nghe-an"
    assert status.startswith("1 mô hình cho “Ký túc xá vùng biên")
    assert status.endswith("…” (chỉ tìm theo 8 từ đầu)")
    assert len(status) < 120
    assert problems == []


@pytest.mark.browser
def test_malformed_url_parameters_are_ignored(
    page: Page, search_server: str, search_site: Path
) -> None:
    """Filter values no box offers are dropped; a broken escape in q is no error."""
    problems = watch(page)
    total = json.loads((search_site / INDEX / "manifest.json").read_text(encoding="utf-8"))["N"]
    page.goto(f"{search_server}tim-kiem/?tinh=khong-co&nam=abc&loai=%22%3E%3Cb%3E&linh-vuc=")
    assert settled(page) == f"{total} mô hình"  # no words, no filter: everything
    assert len(result_ids(page)) == min(total, 20)
    assert urlsplit(page.url).query == ""
    page.goto(f"{search_server}tim-kiem/?q=%E0%A4%&tinh=nghe-an&tinh=nghe-an&nam=")
    assert settled(page) == HINT
    assert page.locator("input[name=tinh][value=nghe-an]").is_checked()
    assert problems == []


@pytest.mark.browser
def test_pages_fetch_no_index_until_the_reader_searches(page: Page, search_server: str) -> None:
    """Reading pages loads neither the runtime nor any index file; typing in the header box
    loads the runtime, the manifest and the files the query needs."""
    problems = watch(page)
    for url in ("", "gioi-thieu/", "mo-hinh/ky-tuc-xa-vung-bien-nghe-an/", "thong-ke/"):
        page.goto(search_server + url)
        page.wait_for_load_state("networkidle")
    requests: list[str] = page.requests  # type: ignore[attr-defined]
    assert [u for u in requests if u.endswith("/dvk-index.js") or INDEX in u] == []
    page.get_by_role("combobox", name="Tìm mô hình").fill("ky tuc")
    expect(page.get_by_role("listbox", name="Gợi ý").get_by_role("option").first).to_contain_text(
        "Ký túc xá")
    assert sum(u.endswith("/dvk-index.js") for u in requests) == 1
    index_files = [urlsplit(u).path.split(INDEX, 1)[1] for u in requests if INDEX in u]
    assert index_files.count("manifest.json") == 1
    assert {f.split("/")[0] for f in index_files} <= {"manifest.json", "d", "t", "b", "c"}
    assert not [u for u in requests if "pagefind" in u]
    assert problems == []


def _coverage(site: Path) -> tuple[dict[str, str], set[str]]:
    """Every model's province by id, and the ids some press record is about, read from the
    site's open data (the data package), not from the search index."""
    models = json.loads((site / "du-lieu" / "mo-hinh.json").read_text(encoding="utf-8"))
    press = json.loads((site / "du-lieu" / "bao-chi.json").read_text(encoding="utf-8"))
    covered = {model for record in press for model in record["models"].split(" | ")}
    return {model["id"]: model["province"] for model in models}, covered


def all_results(page: Page) -> list[str]:
    """Every result of the search, "Xem thêm" pressed until none is left."""
    more = page.locator("[data-dvk-more]")
    while more.is_visible():
        shown = page.locator(".dvk-result").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.dvk-result').length > {shown}")
    return result_ids(page)


def facet_count(page: Page, facet: str, value: str) -> str:
    """The count beside one filter box, as the reader sees it."""
    return page.locator(f"input[name={facet}][value={value}] ~ [data-count]").inner_text()


@pytest.mark.browser
def test_models_no_one_has_written_about(page: Page, search_server: str, search_site: Path) -> None:
    """"Chưa có bài" lists exactly the models no press record is about, and the "Báo chí"
    counts say how many are and are not, whatever else is filtered."""
    provinces, covered = _coverage(search_site)
    uncovered = set(provinces) - covered
    assert len(covered) > 5 and len(uncovered) > 2  # both sides of the filter are tested
    page.goto(f"{search_server}tim-kiem/?bao-chi=chua-co")
    assert settled(page) == f"{len(uncovered)} mô hình"
    assert page.locator("input[name=bao-chi][value=chua-co]").is_checked()
    assert set(all_results(page)) == uncovered
    assert facet_count(page, "bao-chi", "da-co") == f"({len(covered)})"
    assert facet_count(page, "bao-chi", "chua-co") == f"({len(uncovered)})"
    # A province's count under the filter is its models without an article.
    for province in ("ha-noi", "lai-chau", "da-nang"):
        left = sum(1 for i in uncovered if provinces[i] == province)
        assert facet_count(page, "tinh", province) == f"({left})", province
    # Ticking "Đã có bài" too lists every model; unticking "Chưa có bài" the covered ones.
    page.locator("input[name=bao-chi][value=da-co]").check()
    assert settled(page) == f"{len(provinces)} mô hình"
    page.locator("input[name=bao-chi][value=chua-co]").uncheck()
    page.wait_for_function("new URL(location.href).searchParams.getAll('bao-chi').length == 1")
    assert settled(page) == f"{len(covered)} mô hình"
    assert set(all_results(page)) == covered
    # With words: only the uncovered among the matches.
    page.goto(f"{search_server}tim-kiem/?q=thu+nghiem&bao-chi=chua-co")
    status = settled(page)
    found = set(all_results(page))
    assert found and not found & covered and status == f"{len(found)} mô hình cho “thu nghiem”"
    assert "thu-vuon-hue" not in found  # a test article is about it


@pytest.mark.browser
def test_province_and_contest_pages_link_to_their_uncovered_models(
    page: Page, search_server: str, search_site: Path
) -> None:
    """A province page says how many of its models have no article and links to their
    search; a contest page links to every uncovered model, and per province."""
    provinces, covered = _coverage(search_site)
    in_lai_chau = {i for i, p in provinces.items() if p == "lai-chau"} - covered
    assert in_lai_chau == {"thu-tap-the-dung"}
    page.goto(f"{search_server}tinh-thanh/lai-chau/")
    page.get_by_role("link", name="1 mô hình chưa có bài báo viết về").click()
    page.wait_for_url("**/tim-kiem/?tinh=lai-chau&bao-chi=chua-co")
    assert settled(page) == "1 mô hình"
    assert result_ids(page) == ["thu-tap-the-dung"]
    # Where every model has an article, the page offers no such link.
    page.goto(f"{search_server}tinh-thanh/ha-noi/")
    assert not page.locator(".dvk-uncovered").count()
    page.goto(f"{search_server}bao-chi/giai-thu/")
    uncovered = len(provinces) - len(covered)
    assert f"Còn {uncovered} mô hình chưa có bài báo nào viết về" in page.locator(
        ".dvk-contest").inner_text()
    page.get_by_role("link", name="1 mô hình của Lai Châu chưa có bài").click()
    page.wait_for_url("**/tim-kiem/?tinh=lai-chau&bao-chi=chua-co")
    assert settled(page) == "1 mô hình"
    page.goto(f"{search_server}bao-chi/giai-thu/")
    page.get_by_role("link", name="tìm các mô hình chưa có bài").click()
    page.wait_for_url("**/tim-kiem/?bao-chi=chua-co")
    assert settled(page) == f"{uncovered} mô hình"
