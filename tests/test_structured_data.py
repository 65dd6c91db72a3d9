"""Structured data as search engines read it: JSON-LD, OpenGraph and the Twitter tags.

The built pages are read back with extruct, the extractor crawlers' pipelines use,
and with lxml for what extruct leaves aside (scripts it would repair, name= tags).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import extruct
import lxml.html
import pytest
import yaml
from mkdocs.utils.yaml import yaml_load
from PIL import Image

from conftest import REPO, Site, site_config
from generator.cli.main import main

SITE_URL = "https://dvk.example.org/"
SEARCH_TEMPLATE = f"{SITE_URL}tim-kiem/?q={{search_term_string}}"
PICTURED = "co-anh-thu"
PLAIN = "khong-anh-thu"
SOURCE_URL = "https://bao.example.org/lop-hoc"
PRESS_URL = "https://bao.example.org/bai-viet-ve-lop-hoc"
PICTURES = [
    # (file, stored size, alt, credit): the first wider than two published widths, the
    # second narrower than all of them; the credit carries what a <script> must escape.
    ("lop-hoc.jpg", (1000, 700), "Lớp học buổi tối ở đồn", "Báo thử & <bạn>"),
    ("so-do.png", (400, 300), "Sơ đồ lớp học", "Đồn thử"),
]
PUBLISHED = [  # what the page's <img> falls back to: the widest JPEG published
    (f"{SITE_URL}mo-hinh/{PICTURED}/lop-hoc-960.jpg", 960, 672),
    (f"{SITE_URL}mo-hinh/{PICTURED}/so-do-400.jpg", 400, 300),
]


def _small_site(root: Path, site_url: str) -> Site:
    """An entry with two pictures, sources and a press article; one with none of them."""
    site = Site(root)
    config = site_config()
    config["site_url"] = site_url
    site.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    site.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    site.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    site.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    folder = site.content / "mo-hinh" / "nghe-an"
    folder.mkdir(parents=True)
    for name, size, _alt, _credit in PICTURES:
        Image.new("RGB", size, (46, 125, 50)).save(folder / name)  # format from the name
    site.entry(PICTURED, title="Lớp học có ảnh", images=[
        {"src": name, "alt": alt, "credit": credit} for name, _size, alt, credit in PICTURES
    ], sources=[
        {"title": "Bài có địa chỉ", "publisher": "Báo thử", "date": dt.date(2024, 7, 24),
         "url": SOURCE_URL},
        {"title": "Bài không có địa chỉ", "publisher": "Báo thử", "date": dt.date(2024, 8, 1)},
    ])
    site.entry(PLAIN, title="Mô hình không ảnh", province="ha-noi")
    site.raw("bao-chi/bai-lop-hoc.yml", yaml.safe_dump({
        "title": "Lớp học ở đồn biên phòng", "outlet": "Báo Thử", "date": dt.date(2024, 9, 2),
        "url": PRESS_URL, "language": "vi", "models": [PICTURED],
    }, allow_unicode=True, sort_keys=False))
    assert site.run("build", "--strict") == 0
    return site


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _small_site(tmp_path_factory.mktemp("structured"), SITE_URL)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's own content, built with the site's address (conftest's bundled_site has none)."""
    root = tmp_path_factory.mktemp("structured-bundled")
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(REPO / "content"), site_dir=str(root / "site"), site_url=SITE_URL)
    config["theme"]["custom_dir"] = str(REPO / "theme")
    (root / "site_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    assert main(["build", "--strict", "--config", str(root / "site_config.yml")]) == 0
    return root / "site"


def _read(path: Path) -> dict[str, Any]:
    """What a crawler reads from one built page."""
    text = path.read_text(encoding="utf-8")
    found: dict[str, Any] = extruct.extract(
        text, base_url=SITE_URL, syntaxes=["json-ld", "opengraph", "microdata"], errors="strict")
    tree = lxml.html.fromstring(text)
    scripts = [s.text or "" for s in tree.xpath('//script[@type="application/ld+json"]')]
    # extruct repairs broken JSON (comments, bad escapes, trailing junk) as crawlers
    # try to: the page's own blocks must need none of that.
    found["strict"] = [json.loads(script) for script in scripts]
    found["raw"] = scripts
    found["og"] = {key: value for item in found["opengraph"] for key, value in item["properties"]}
    found["twitter"] = {meta.get("name"): meta.get("content") for meta in
                        tree.xpath('//head/meta[starts-with(@name, "twitter:")]')}
    return found


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _website(found: dict[str, Any]) -> dict[str, Any]:
    (website,) = [item for item in found["json-ld"] if item.get("@type") == "WebSite"]
    return dict(website)


def _webpage(found: dict[str, Any]) -> dict[str, Any]:
    (page,) = [item for item in found["json-ld"] if item.get("@type") == "WebPage"]
    return dict(page)


def _front_matter(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return data


# --- The home page: the site and its search -----------------------------------------------


def test_home_page_names_the_site_and_its_search(bundled: Path) -> None:
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    website = _website(_read(bundled / "index.html"))
    assert website["@context"] == "https://schema.org"
    assert website["name"] == config["site_name"] == "Dân vận khéo"
    assert website["url"] == SITE_URL
    assert website["inLanguage"] == "vi"
    assert website["description"] == config["site_description"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"] == {"@type": "EntryPoint", "urlTemplate": SEARCH_TEMPLATE}
    assert action["query-input"] == "required name=search_term_string"


def test_the_search_template_names_the_search_pages_own_query(bundled: Path) -> None:
    """The template's query is the parameter the search page's box submits and reads."""
    page = lxml.html.fromstring((bundled / "tim-kiem/index.html").read_text(encoding="utf-8"))
    (box,) = page.xpath('//input[@id="dvk-search-q"]')
    template = _website(_read(bundled / "index.html"))["potentialAction"]["target"]["urlTemplate"]
    assert template == f"{SITE_URL}tim-kiem/?{box.get('name')}={{search_term_string}}"


def test_only_the_home_page_declares_the_website(bundled: Path) -> None:
    declaring = [page.relative_to(bundled).as_posix() for page in _pages(bundled)
                 if any(item.get("@type") == "WebSite" for item in _read(page)["json-ld"])]
    assert declaring == ["index.html"]


# --- Entry pages: pictures, card, citations -------------------------------------------------


def test_an_entrys_pictures_are_its_image(small: Site) -> None:
    page = _webpage(_read(small.out / "mo-hinh" / PICTURED / "index.html"))
    images = page["image"]
    assert [(i["url"], i["width"], i["height"]) for i in images] == PUBLISHED
    assert [i["contentUrl"] for i in images] == [url for url, _w, _h in PUBLISHED]
    assert [(i["caption"], i["creditText"]) for i in images] == [
        (alt, credit) for _name, _size, alt, credit in PICTURES]
    assert {i["@type"] for i in images} == {"ImageObject"}
    for url, width, height in PUBLISHED:  # each names a file the site publishes
        with Image.open(small.out / url.removeprefix(SITE_URL)) as published:
            assert (published.format, published.size) == ("JPEG", (width, height))


def test_an_entry_without_pictures_shows_its_card(small: Site) -> None:
    found = _read(small.out / "mo-hinh" / PLAIN / "index.html")
    card = f"{SITE_URL}mo-hinh/{PLAIN}/the-chia-se.png"
    assert _webpage(found)["image"] == card == found["og"]["og:image"]
    assert (small.out / card.removeprefix(SITE_URL)).is_file()


def test_citations_and_articles_carry_their_urls(small: Site) -> None:
    page = _webpage(_read(small.out / "mo-hinh" / PICTURED / "index.html"))
    assert [(c["name"], c.get("url")) for c in page["citation"]] == [
        ("Bài có địa chỉ", SOURCE_URL), ("Bài không có địa chỉ", None)]
    (article,) = page["subjectOf"]
    assert (article["@type"], article["url"]) == ("NewsArticle", PRESS_URL)


def test_the_bundled_entries_say_what_their_files_say(bundled: Path) -> None:
    """Every entry of content/mo-hinh/: its sources as citations, its picture or its card."""
    files = sorted((REPO / "content" / "mo-hinh").rglob("*.md"))
    assert any(path.stem == "ky-tuc-xa-vung-bien-nghe-an" for path in files)
    for path in files:
        entry = _front_matter(path)
        page = _webpage(_read(bundled / "mo-hinh" / entry["id"] / "index.html"))
        assert page["url"] == f"{SITE_URL}mo-hinh/{entry['id']}/", path.name
        assert page["name"] == entry["title"]
        assert [(c["name"], c.get("url"), c.get("datePublished")) for c in page["citation"]] == [
            (s["title"], s.get("url"), s["date"].isoformat() if s.get("date") else None)
            for s in entry["sources"]], path.name
        if entry.get("images"):
            assert [i["caption"] for i in page["image"]] == [i["alt"] for i in entry["images"]]
        else:
            assert page["image"] == f"{SITE_URL}mo-hinh/{entry['id']}/the-chia-se.png"


# --- Every page ------------------------------------------------------------------------------


@pytest.mark.parametrize("built", ["bundled", "small"])
def test_every_json_ld_block_parses_and_stays_in_its_script(
    built: str, request: pytest.FixtureRequest
) -> None:
    value = request.getfixturevalue(built)
    out = value.out if isinstance(value, Site) else value
    kinds: set[str] = set()
    for page in _pages(out):
        found = _read(page)
        name = page.relative_to(out).as_posix()
        assert found["json-ld"] == found["strict"], name  # nothing left to repair or drop
        assert not [raw for raw in found["raw"] if set(raw) & set("<>&")], name
        kinds.update(item["@type"] for item in found["strict"])
    assert kinds == {"WebSite", "WebPage"}


@pytest.mark.parametrize("built", ["bundled", "small"])
def test_every_twitter_image_has_its_alt_text(built: str, request: pytest.FixtureRequest) -> None:
    value = request.getfixturevalue(built)
    out = value.out if isinstance(value, Site) else value
    pictured = 0
    for page in _pages(out):
        found = _read(page)
        twitter, og = found["twitter"], found["og"]
        name = page.relative_to(out).as_posix()
        if "twitter:image" not in twitter:
            assert "twitter:image:alt" not in twitter, name
            continue
        pictured += 1
        assert twitter["twitter:image"] == og["og:image"], name
        assert twitter["twitter:image:alt"] == og["og:image:alt"] == og["og:title"], name
        assert twitter["twitter:image:alt"].strip(), name
    assert pictured >= 10


def test_microdata_says_nothing_of_its_own(small: Site) -> None:
    """JSON-LD is the one schema.org description: no microdata repeats or contradicts it."""
    for page in _pages(small.out):
        assert _read(page)["microdata"] == [], page.relative_to(small.out).as_posix()


# --- Without the site's address --------------------------------------------------------------


def test_without_site_url_nothing_names_a_url_it_cannot_know(tmp_path: Path) -> None:
    """schema.org and the social tags want absolute URLs: without site_url they are left out."""
    site = _small_site(tmp_path, "")
    home = _read(site.out / "index.html")
    assert home["json-ld"] == [] and home["raw"] == []
    assert "twitter:image" not in home["twitter"] and "og:image" not in home["og"]
    for entry_id in (PICTURED, PLAIN):
        found = _read(site.out / "mo-hinh" / entry_id / "index.html")
        page = _webpage(found)
        assert "image" not in page
        assert "twitter:image:alt" not in found["twitter"]
    cited = _webpage(_read(site.out / "mo-hinh" / PICTURED / "index.html"))
    assert cited["citation"][0]["url"] == SOURCE_URL  # the sources' own URLs stay
