"""A citizen's path in a real Chromium: home → a province → an entry, all from 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from conftest import REPO

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "tests" / ".artifacts"


def _open(browser: Browser, width: int) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    return page, requests


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_home_to_province_to_entry(browser: Browser, bundled_server: str, width: int) -> None:
    """A reader clicks from the home page to Nghệ An, then to an entry; nothing leaves 127.0.0.1."""
    page, requests = _open(browser, width)
    page.goto(bundled_server)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").first.inner_text().startswith("Mô hình \"Dân vận khéo\"")

    page.get_by_role("link", name="Nghệ An: 5 mô hình").click()  # its tile on the map
    page.wait_for_url("**/tinh-thanh/nghe-an/")
    assert page.locator("h1").inner_text() == "Tỉnh Nghệ An"
    assert "5 mô hình" in page.locator(".dvk-total").inner_text()

    page.get_by_role("link", name="Ký túc xá vùng biên").click()
    page.wait_for_url("**/mo-hinh/ky-tuc-xa-vung-bien-nghe-an/")
    assert page.locator("h1").inner_text() == "Ký túc xá vùng biên"
    assert page.get_by_role("navigation", name="Vị trí trang").get_by_role(
        "link", name="Nghệ An").is_visible()
    sources = page.locator("#nguon + ol").inner_text()
    assert "NPV" in sources and "24/07/2024" in sources
    page.wait_for_load_state("networkidle")

    # The page is set in the self-hosted Be Vietnam Pro, not a fallback face.
    assert page.evaluate("document.fonts.check('16px \"Be Vietnam Pro\"', 'Ký túc xá')")
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Be Vietnam Pro"')

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"entry-{width}.png"), full_page=True)
    hosts = {urlsplit(url).hostname for url in requests}
    assert hosts == {"127.0.0.1"}, requests
    assert any(url.endswith(".woff2") for url in requests)
    page.context.close()


def test_empty_province_page_reads_well_on_a_phone(browser: Browser, bundled_server: str) -> None:
    """A province with nothing published says so plainly, on a 360 px screen."""
    page, requests = _open(browser, 360)
    page.goto(bundled_server + "tinh-thanh/cao-bang/")
    status = page.get_by_role("status")
    assert "Chưa có mô hình nào được đăng ở đây." in status.inner_text()
    page.wait_for_load_state("networkidle")
    # Nothing overflows sideways on a phone: the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "province-empty-360.png"), full_page=True)
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}
    page.context.close()
