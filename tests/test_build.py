"""End to end: a small real site built in tmp_path, asserted on the HTML a reader gets."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import Site
from generator.core.provinces import default_registry

REGISTRY = default_registry()
SOURCE = [{"title": "Bài nguồn", "publisher": "Báo thử", "date": dt.date(2023, 5, 2)}]


class Links(HTMLParser):
    """Collects every URL a page loads or links to, with the tag that does it."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "srcset", "action"} and value:
                self.urls.append((tag, name, value))


def links(html: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.urls


def text(html: str) -> str:
    """The page's text with tags and runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def built(site: Site) -> Site:
    """A sample site: a merged province with old names, pagination, Vietnamese titles."""
    site.write_config(page_size=2)
    site.entry(
        "ky-tuc-xa-vung-bien", title="Ký túc xá vùng biên", field="quoc-phong-an-ninh",
        unit="Đồn Biên phòng Tam Quang", locality="xã Tam Quang", started=dt.date(2024, 8, 19),
        results=["Kết quả kiểm chứng được"], summary="Tóm tắt <script>alert(1)</script> an toàn.",
    )
    site.entry("mo-hinh-ha-nam", title="Đường hoa", province="Hà Nam", folder="ninh-binh",
               sources=SOURCE)
    site.entry("mo-hinh-nam-dinh", title="Ao cá", province="Nam Định", folder="ninh-binh",
               kind="ca-nhan", started=2022)
    site.entry("mo-hinh-ninh-binh", title="Bến đò", province="ninh-binh")
    for title, slug in [("Đà Nẵng xanh", "da"), ("Dung dị", "dung"), ("Cà phê", "ca"),
                        ("Cao nguyên", "cao"), ("Dũng cảm", "dung2")]:
        site.entry(f"hn-{slug}", title=title, province="ha-noi", field="van-hoa-xa-hoi")
    assert site.run("build") == 0
    return site


def test_every_page_type_exists(built: Site) -> None:
    """One page per entry, all 34 province pages, every field, year and kind page."""
    entries = sorted(p.name for p in (built.out / "mo-hinh").iterdir())
    assert len(entries) == 9
    provinces = {p.name for p in (built.out / "tinh-thanh").iterdir() if p.is_dir()}
    assert provinces == {u.slug for u in REGISTRY.units}
    for slug in ["kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "xay-dung-he-thong-chinh-tri"]:
        assert (built.out / "linh-vuc" / slug / "index.html").is_file()
    years = sorted(p.name for p in (built.out / "nam").iterdir() if p.is_dir())
    assert years == ["2022", "2023", "2024"]
    assert (built.out / "loai/tap-the/index.html").is_file()
    assert (built.out / "loai/ca-nhan/index.html").is_file()


def test_entry_page_shows_every_fact_and_its_breadcrumbs(built: Site) -> None:
    """Title, province, locality, field, kind, unit, dates, results, sources, breadcrumbs."""
    html = built.html("mo-hinh/ky-tuc-xa-vung-bien/")
    page = text(html)
    assert '<html lang="vi"' in html
    assert "<h1>Ký túc xá vùng biên</h1>" in html
    for fact in ["Tỉnh Nghệ An", "xã Tam Quang", "Quốc phòng - an ninh", "Tập thể",
                 "Đồn Biên phòng Tam Quang", "19/08/2024", "Kết quả kiểm chứng được",
                 "Bài báo nguồn , Báo thử, 24/07/2024"]:
        assert fact in page, fact
    hrefs = [url for _, _, url in links(html)]
    assert "../../tinh-thanh/nghe-an/" in hrefs
    assert "../../linh-vuc/quoc-phong-an-ninh/" in hrefs
    assert "../../nam/2024/" in hrefs


def test_front_matter_text_is_escaped(built: Site) -> None:
    """A summary cannot inject markup into the entry page or the lists."""
    for url in ["mo-hinh/ky-tuc-xa-vung-bien/", "tinh-thanh/nghe-an/"]:
        html = built.html(url)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_old_province_name_is_kept_on_display(built: Site) -> None:
    """An entry filed under Hà Nam is in Ninh Bình and still says Hà Nam (cũ)."""
    page = text(built.html("mo-hinh/mo-hinh-ha-nam/"))
    assert "Tỉnh Ninh Bình · Hà Nam (cũ)" in page


def test_merged_province_groups_entries_by_old_province_and_paginates(built: Site) -> None:
    """Ninh Bình lists its own entries, then each old unit's, two per page here."""
    first = built.html("tinh-thanh/ninh-binh/")
    second = built.html("tinh-thanh/ninh-binh/trang/2/")
    groups = re.findall(r'<h2 class="dvk-group">([^<]+)</h2>', first + second)
    assert groups == ["Ninh Bình", "Hà Nam (cũ)", "Nam Định (cũ)"]
    assert "Hà Nam, Nam Định, Ninh Bình (Nghị quyết 202/2025/QH15)" in text(first)
    assert 'rel="next" href="trang/2/"' in first
    assert 'rel="prev" href="../../"' in second
    assert "3 mô hình; đang xem 3–3" in text(second)


def test_province_page_counts_entries_per_field(built: Site) -> None:
    """The field table of a province counts its entries, zeros included."""
    page = text(built.html("tinh-thanh/ha-noi/"))
    assert "Văn hóa - xã hội 5" in page
    assert "Kinh tế 0" in page


def test_empty_province_says_so(built: Site) -> None:
    """A province with no entries says none are published, and how to send one."""
    page = text(built.html("tinh-thanh/cao-bang/"))
    assert "0 mô hình" in page
    assert "Chưa có mô hình nào được đăng ở đây." in page
    assert "Cách gửi một mô hình" in page


def test_lists_are_in_vietnamese_order(built: Site) -> None:
    """ICU "vi" order, page after page: Cà < Cao, D before Đ, and letters before tones.

    Tone marks are a secondary difference, so "Dũng cảm" sorts before "Dung dị":
    the letters differ first (c < d), as ICU's "vi" collation has it.
    """
    html = "".join(built.html(url) for url in
                   ["linh-vuc/van-hoa-xa-hoi/", "linh-vuc/van-hoa-xa-hoi/trang/2/",
                    "linh-vuc/van-hoa-xa-hoi/trang/3/"])
    titles = re.findall(r'class="dvk-card__title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["Cà phê", "Cao nguyên", "Dũng cảm", "Dung dị", "Đà Nẵng xanh"]


def test_province_hub_lists_all_34_in_vietnamese_order(built: Site) -> None:
    """The province hub has the 34 units, Cà Mau before Cao Bằng, Đà Nẵng after the D's."""
    labels = re.findall(r'class="dvk-hub__label">([^<]+)<', built.html("tinh-thanh/"))
    assert len(labels) == 34
    assert labels.index("Cà Mau") < labels.index("Cao Bằng")
    assert labels.index("Điện Biên") > labels.index("Đà Nẵng")
    assert labels == [u.name for u in REGISTRY.units]


def test_home_page_has_counts_newest_and_every_index(built: Site) -> None:
    """The home page shows the totals, the newest entries and links to every index."""
    html = built.html("")
    page = text(html)
    assert "9 mô hình đã đăng" in page
    assert "3 /34 tỉnh, thành phố có mô hình" in page
    newest = re.findall(r'class="dvk-card__title"><a href="([^"]+)"', html)
    assert newest[0] == "mo-hinh/ky-tuc-xa-vung-bien/"  # 2024-08-19 is the latest date
    hrefs = {url for _, _, url in links(html)}
    assert {"tinh-thanh/", "linh-vuc/", "nam/", "loai/", "gioi-thieu/", "dong-gop/"} <= hrefs
    assert {"tinh-thanh/nghe-an/", "linh-vuc/kinh-te/", "nam/2024/", "loai/ca-nhan/"} <= hrefs


def test_entry_pages_stay_out_of_the_navigation(built: Site) -> None:
    """No page's navigation lists entries: its size does not grow with the catalogue."""
    html = built.html("mo-hinh/hn-da/")
    start = html.index('<nav class="md-nav md-nav--primary')
    nav = html[start : html.index('<nav class="md-nav md-nav--secondary"', start)]
    assert "Trang chủ" in nav and "Tỉnh, thành phố" in nav
    assert "mo-hinh/" not in nav


def test_pages_load_nothing_from_other_hosts(built: Site) -> None:
    """Fonts, styles and scripts are all served by the site itself."""
    for path in built.out.rglob("*.html"):
        for tag, _, url in links(path.read_text(encoding="utf-8")):
            if tag in {"link", "script", "img", "source", "iframe"}:
                assert not re.match(r"(https?:)?//", url), f"{path}: {url}"
    css = (built.out / "assets/stylesheets/dvk.css").read_text(encoding="utf-8")
    assert 'url("../fonts/be-vietnam-pro-400.woff2")' in css
    font = built.out / "assets/fonts/be-vietnam-pro-400.woff2"
    assert font.read_bytes()[:4] == b"wOF2"


def test_subset_font_covers_vietnamese(built: Site) -> None:
    """The served font has a glyph for every Vietnamese letter, stacked marks included."""
    from fontTools.ttLib import TTFont

    with TTFont(built.out / "assets/fonts/be-vietnam-pro-400.woff2") as font:
        cmap = font.getBestCmap()
    letters = "ăâđêôơưĂÂĐÊÔƠƯấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữựỳỷỹỵýĩỉị"
    assert [ch for ch in letters if ord(ch) not in cmap] == []


def test_every_character_the_pages_show_is_in_the_font(bundled_site: Path) -> None:
    """The subset keeps what Vietnamese uses, not all of Latin-1 (generator/publish/fonts.py):
    every character of the bundled site's pages that the family draws (‹ › of the
    breadcrumbs, ¶ of the heading anchors) is in the published face, not left to a fallback."""
    from html.parser import HTMLParser

    from fontTools.ttLib import TTFont

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.chars: set[str] = set()
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in {"script", "style", "svg"}

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in {"script", "style", "svg"}

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.chars.update(data)

    text = Text()
    for page in bundled_site.rglob("*.html"):
        if "quan-tri" not in page.parts:  # the editor has its own fonts
            text.feed(page.read_text(encoding="utf-8"))
    import fontpkg_be_vietnam_pro

    family = Path(fontpkg_be_vietnam_pro.ROOT) / "files" / "BeVietnamPro-Regular.ttf"
    with TTFont(family) as font:  # what the family draws at all (no arrows, for one)
        drawn = set(font.getBestCmap())
    with TTFont(bundled_site / "assets/fonts/be-vietnam-pro-400.woff2") as font:
        cmap = font.getBestCmap()
    shown = {ord(ch) for ch in text.chars if ch.isprintable() and not ch.isspace()}
    assert ord("ạ") in shown and ord("›") in shown  # the pages were read
    missing = sorted(shown & drawn - set(cmap))
    assert missing == [], [f"U+{code:04X} {chr(code)}" for code in missing]


def test_rebuild_replaces_site_and_drops_removed_pages(built: Site) -> None:
    """A removed entry disappears from site/ on the next build: no stale pages."""
    (built.content / "mo-hinh/ha-noi/hn-da.md").unlink()
    assert built.run("build") == 0
    assert not (built.out / "mo-hinh/hn-da").exists()
    assert (built.out / "mo-hinh/hn-dung").exists()


def test_entry_images_are_published_with_alt_and_credit(site: Site) -> None:
    """An image next to the entry is published, resized, at /mo-hinh/<id>/ with alt and credit."""
    from PIL import Image

    image = site.content / "mo-hinh/nghe-an/anh-thu.png"
    image.parent.mkdir(parents=True)
    Image.new("RGB", (640, 400), (30, 90, 150)).save(image)
    site.entry("co-anh", images=[{"src": "anh-thu.png", "alt": "Nhà văn hóa thôn",
                                  "credit": "Báo thử"}])
    assert site.run("build") == 0
    html = site.html("mo-hinh/co-anh/")
    assert '<img src="anh-thu-480.jpg" srcset="anh-thu-480.jpg 480w"' in html
    assert 'alt="Nhà văn hóa thôn" loading="lazy"' in html
    assert "Ảnh: Báo thử" in text(html)
    assert (site.out / "mo-hinh/co-anh/anh-thu-480.webp").is_file()
    assert not (site.out / "mo-hinh/co-anh/anh-thu.png").exists(), "the original is not published"
    assert not (site.out / "mo-hinh/nghe-an").exists(), "sources are not published as-is"


def test_redirect_from_keeps_old_urls_alive(site: Site) -> None:
    """An old id is a real redirect page: meta refresh plus a canonical link to the new URL."""
    site.entry("ten-moi", redirect_from=["ten-cu"])
    assert site.run("build") == 0
    html = (site.out / "mo-hinh/ten-cu/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../ten-moi/">' in html
    assert '<link rel="canonical" href="../ten-moi/">' in html


def test_two_entries_cannot_claim_one_old_id(site: Site) -> None:
    """One old URL cannot lead to two pages."""
    site.entry("mot", redirect_from=["cu"])
    site.entry("hai", redirect_from=["cu"])
    assert site.run("check") == 1


def test_heading_anchors_fold_vietnamese(site: Site) -> None:
    """Heading ids fold diacritics and đ, so "Đóng góp" links as #dong-gop."""
    site.entry("co-muc", body="## Đóng góp của đoàn viên\n\nx\n")
    assert site.run("build") == 0
    assert 'id="dong-gop-cua-doan-vien"' in site.html("mo-hinh/co-muc/")


def test_newest_is_ordered_by_the_models_dates_not_by_edits(site: Site) -> None:
    """A page edited today does not jump ahead of a model with a more recent source."""
    site.entry("cu", title="Cũ", updated=dt.date(2026, 1, 1),
               sources=[{"title": "Nguồn", "date": dt.date(2019, 6, 13)}])
    site.entry("moi", title="Mới", sources=[{"title": "Nguồn", "date": dt.date(2024, 7, 24)}])
    assert site.run("build") == 0
    newest = re.findall(r'class="dvk-card__title"><a href="mo-hinh/([^/]+)/"', site.html(""))
    assert newest == ["moi", "cu"]


def test_titles_with_yaml_and_html_specials_render_intact(site: Site) -> None:
    """Quotes, colons, #, @ and & in a title reach the page exactly as written."""
    title = 'Mô hình "Ấm": #1 @xã & <b>'
    site.entry("ky-tu", title=title, summary="Tóm tắt: có dấu hai chấm.")
    assert site.run("build") == 0
    html = site.html("mo-hinh/ky-tu/")
    assert "<h1>Mô hình &#34;Ấm&#34;: #1 @xã &amp; &lt;b&gt;</h1>" in html
    assert "<title>Mô hình &quot;Ấm&quot;: #1 @xã &amp; &lt;b&gt; - Dân vận khéo</title>" in html
    assert '<meta name="description" content="Tóm tắt: có dấu hai chấm.">' in html


def test_parallel_build_matches_mkdocs_own_build(built: Site, tmp_path: Path) -> None:
    """generator/render/loop.py mirrors MkDocs' build loop: every output file is byte-identical."""
    from mkdocs.commands import build as mkdocs_build

    from generator.build.builder import load

    loaded = load(built.config)
    reference = tmp_path / "mkdocs-own"
    loaded.config.site_dir = str(reference)
    mkdocs_build.build(loaded.config)

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file()}

    ours, theirs = tree(built.out), tree(reference)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_fragments_rendered_once_match_rendering_each_page(
    built: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The templates render the parts of a page that are the same at one depth once per
    build (``memo``: the header but its title, the tabs, the navigation): a site built
    rendering them on every page is the same, byte for byte."""
    from markupsafe import Markup

    from generator.render import plugin

    def tree() -> dict[str, bytes]:
        return {p.relative_to(built.out).as_posix(): p.read_bytes()
                for p in built.out.rglob("*") if p.is_file() and p.suffix == ".html"}

    once = tree()
    calls: list[str] = []

    def every_time(self: Any, key: str, caller: Any) -> Markup:
        calls.append(key)
        return Markup(caller())

    monkeypatch.setattr(plugin.Memo, "__call__", every_time)
    assert built.run("build", "--clean") == 0
    assert {key.split(":")[0] for key in calls} >= {"header-head", "header-tail", "entry-nav"}
    each = tree()
    assert sorted(each) == sorted(once)
    assert [name for name in once if once[name] != each[name]] == []


def test_sitemap_lists_every_page_once_from_the_site_root(built: Site) -> None:
    """The sitemap has the home page, the editorial pages, every entry and index page."""
    sitemap = (built.out / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs[0] == "/"
    assert {"/gioi-thieu/", "/mo-hinh/ky-tuc-xa-vung-bien/", "/tinh-thanh/ha-noi/trang/2/",
            "/tim-kiem/"} <= set(locs)
    assert len(locs) == len(set(locs))
    assert [loc for loc in locs if "/./" in loc] == []


def test_pages_converted_on_every_core_match_mkdocs_own_build(
    built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A large build converts its generated pages on every core, not all in the parent
    first: the output is still MkDocs' own, byte for byte, and a link to an anchor that
    a page converted by another process lacks is still reported, as MkDocs reports it."""
    from mkdocs.commands import build as mkdocs_build

    from generator.build.builder import load
    from generator.render import loop

    for n in range(4):  # pages on both sides of the split, each linking to a missing anchor
        built.entry(f"neo-{n}", title=f"Neo {n}", body=f"## Mục\n\nXem [mục](#khong-co-{n}).\n")
    converted_here: list[str] = []
    populate = loop._populate

    def spy(page: Any, *args: Any) -> None:
        converted_here.append(page.file.src_uri)
        populate(page, *args)

    monkeypatch.setattr(loop, "FORK_THRESHOLD", 2)  # this small site is built as a large one
    monkeypatch.setattr(loop, "workers", lambda: 2)
    monkeypatch.setattr(loop, "_populate", spy)
    with caplog.at_level(logging.INFO, logger="mkdocs.structure.pages"):
        assert built.run("build", "--clean") == 0
    linking = {f"mo-hinh/neo-{n}.md" for n in range(4)}
    assert linking & set(converted_here)  # some converted in this process,
    assert linking - set(converted_here)  # some in the worker, which reported their anchors
    for n in range(4):
        assert f"link '#khong-co-{n}', but there is no such anchor on this page" in caplog.text

    monkeypatch.setattr(loop, "_populate", populate)
    loaded = load(built.config)
    reference = tmp_path / "mkdocs-own"
    loaded.config.site_dir = str(reference)
    mkdocs_build.build(loaded.config)
    ours = {p.relative_to(built.out).as_posix(): p.read_bytes()
            for p in built.out.rglob("*") if p.is_file()}
    theirs = {p.relative_to(reference).as_posix(): p.read_bytes()
              for p in reference.rglob("*") if p.is_file()}
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
