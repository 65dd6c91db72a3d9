"""Press records (content/bao-chi/*.yml): checked like entries, shown on the entries' pages.

A journalist opens a model's page to see what has been written about it: each
article, newest first, with its outlet and date, a link out, and the contest
it was entered in. An editor who files an article wrongly gets every problem
at its line, in Vietnamese and English, from ``dvk check``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml

from conftest import Site

CONTEST = {"slug": "giai-bao-chi-2024", "name": "Giải báo chí Dân vận khéo 2024",
           "year": 2024, "organiser": "Ban Dân vận Tỉnh ủy", "rules_url": "https://example.org/"}
NEWER = {"title": "Ký túc xá giữ chân học sinh vùng biên", "outlet": "Báo Thử",
         "author": "Lê Văn A", "date": dt.date(2024, 9, 2),
         "url": "https://bao.example/ky-tuc-xa", "language": "vi",
         "models": ["ky-tuc-xa", "vien-gach"], "contest": "giai-bao-chi-2024",
         "archive_url": "https://web.archive.org/web/2024/https://bao.example/ky-tuc-xa"}
OLDER = {"title": "Border dormitory", "outlet": None, "date": dt.date(2024, 7, 24), "url": None,
         "language": "en", "models": ["ky-tuc-xa-cu"]}


def _record(site: Site, name: str, data: dict[str, Any]) -> None:
    site.raw(f"bao-chi/{name}.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.fixture
def covered(site: Site) -> Site:
    """Three entries; two articles about the first (one by its old id), one about the second."""
    site.write_config(contests=[CONTEST])
    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", redirect_from=["ky-tuc-xa-cu"])
    site.entry("vien-gach", title="Viên gạch nghĩa tình")
    site.entry("chua-co-bai", title="Mô hình chưa ai viết")
    _record(site, "2024-09-ky-tuc-xa", NEWER)
    _record(site, "2024-07-border", OLDER)
    return site


class _Items(HTMLParser):
    """The press section's articles: each item's text, and its links' (href, rel, lang)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "li":
            self.items.append({"text": "", "links": []})
        elif tag == "a" and self.items:
            self.items[-1]["links"].append((found.get("href"), found.get("rel"),
                                            found.get("lang")))

    def handle_data(self, data: str) -> None:
        if self.items:
            self.items[-1]["text"] += data


def _press(html: str) -> tuple[str, list[dict[str, Any]]]:
    """The press section's heading and its items, as a reader sees them."""
    found = re.search(r'<section class="dvk-press"[^>]*>(.*?)</section>', html, re.S)
    assert found, "no press section"
    parser = _Items()
    parser.feed(found.group(1))
    for item in parser.items:
        item["text"] = " ".join(item["text"].split())
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", found.group(1))
    assert heading
    return heading.group(1), parser.items


def test_an_entry_page_lists_what_the_press_wrote_newest_first(covered: Site) -> None:
    assert covered.run("build", "--strict") == 0
    heading, items = _press(covered.html("mo-hinh/ky-tuc-xa/"))
    assert heading == "Báo chí viết về mô hình này"
    assert [item["text"] for item in items] == [
        "02/09/2024 · Báo Thử Ký túc xá giữ chân học sinh vùng biên, Lê Văn A · "
        "bản lưu Tác phẩm dự thi Giải báo chí Dân vận khéo 2024",
        "24/07/2024 Border dormitory",  # no outlet, no address: as the record says
    ]
    assert items[0]["links"] == [
        ("https://bao.example/ky-tuc-xa", "noopener", None),
        ("https://web.archive.org/web/2024/https://bao.example/ky-tuc-xa", "noopener", None),
        ("../../bao-chi/giai-bao-chi-2024/", None, None)]  # the contest's page
    assert items[1]["links"] == []
    html = covered.html("mo-hinh/ky-tuc-xa/")
    assert '<cite lang="en">Border dormitory</cite>' in html
    # The article about two models is on both pages.
    assert [i["text"].split(" · ")[1] for i in _press(covered.html("mo-hinh/vien-gach/"))[1]] \
        == ["Báo Thử Ký túc xá giữ chân học sinh vùng biên, Lê Văn A"]


def test_an_entry_no_one_wrote_about_says_so(covered: Site) -> None:
    assert covered.run("build") == 0
    html = covered.html("mo-hinh/chua-co-bai/")
    _, items = _press(html)
    assert items == []
    assert "Chưa ghi nhận bài báo nào viết về mô hình này." in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))  # type: ignore[union-attr]
    assert "subjectOf" not in data


def test_the_json_ld_names_each_article(covered: Site) -> None:
    assert covered.run("build") == 0
    html = covered.html("mo-hinh/ky-tuc-xa/")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    articles = json.loads(found.group(1))["subjectOf"]
    assert [a["@type"] for a in articles] == ["NewsArticle", "NewsArticle"]
    assert articles[0] == {
        "@type": "NewsArticle", "headline": NEWER["title"], "datePublished": "2024-09-02",
        "inLanguage": "vi", "url": NEWER["url"],
        "publisher": {"@type": "NewsMediaOrganization", "name": "Báo Thử"},
        "author": {"@type": "Person", "name": "Lê Văn A"}, "archivedAt": NEWER["archive_url"]}
    assert articles[1] == {"@type": "NewsArticle", "headline": "Border dormitory",
                           "datePublished": "2024-07-24", "inLanguage": "en"}


def test_an_article_filed_later_reaches_its_pages_incrementally(covered: Site) -> None:
    assert covered.run("build") == 0
    untouched = covered.out / "mo-hinh/vien-gach/index.html"
    stamp = untouched.stat().st_mtime_ns
    _record(covered, "2025-01-moi", {**OLDER, "title": "Bài mới về mô hình chưa ai viết",
                                     "date": dt.date(2025, 1, 5), "models": ["chua-co-bai"]})
    assert covered.run("build") == 0
    _, items = _press(covered.html("mo-hinh/chua-co-bai/"))
    assert [item["text"] for item in items] == [
        "05/01/2025 Bài mới về mô hình chưa ai viết"]
    assert untouched.stat().st_mtime_ns == stamp
    # Edited, then deleted: the next builds (each restoring the records kept in the build
    # cache) show the edit, then nothing.
    _record(covered, "2025-01-moi", {**OLDER, "title": "Tên bài đã sửa",
                                     "date": dt.date(2025, 1, 5), "models": ["chua-co-bai"]})
    assert covered.run("build") == 0
    assert [i["text"] for i in _press(covered.html("mo-hinh/chua-co-bai/"))[1]] == [
        "05/01/2025 Tên bài đã sửa"]
    table, feed = covered.out / "du-lieu/bao-chi.csv", covered.out / "bao-chi/atom.xml"
    assert "Tên bài đã sửa" in table.read_text("utf-8-sig")
    assert "Tên bài đã sửa" in feed.read_text("utf-8")
    (covered.content / "bao-chi" / "2025-01-moi.yml").unlink()
    assert covered.run("build") == 0
    assert _press(covered.html("mo-hinh/chua-co-bai/"))[1] == []
    assert "Tên bài đã sửa" not in table.read_text("utf-8-sig")
    assert "Tên bài đã sửa" not in feed.read_text("utf-8")


def _problems(site: Site, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = site.run("check")
    err = capsys.readouterr().err
    assert code == 1, err
    return [line for line in err.splitlines() if line.endswith("[lỗi]")]


def test_every_press_record_problem_is_located(
    covered: Site, capsys: pytest.CaptureFixture[str],
) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    covered.raw("bao-chi/loi.yml", (
        "title: Bài có lỗi\n"
        "outlet: Báo Thử\n"
        f"date: {tomorrow.isoformat()}\n"
        "url: https://bao.example/ky-tuc-xa\n"
        "language: vi\n"
        "models:\n"
        "  - ky-tuc-xa\n"
        "  - vien-gac\n"
        "contest: giai-khac\n"))
    covered.raw("bao-chi/thieu.yml", (
        "title: Bài thiếu\n"
        "date: 24/7/2024\n"
        "url: ftp://bao.example/bai\n"
        "language: Tiếng Việt\n"
        "models: []\n"
        "tac_gia: Ai đó\n"))
    lines = _problems(covered, capsys)
    loi, thieu = "content/bao-chi/loi.yml", "content/bao-chi/thieu.yml"
    assert sorted(lines) == sorted([
        f"{loi}:4: url: bài này đã có trong content/bao-chi/2024-09-ky-tuc-xa.yml; mỗi bài "
        "chỉ ghi một tệp: gộp các mô hình vào `models:` của tệp kia rồi xóa tệp này (EN: this "
        "article is already filed in content/bao-chi/2024-09-ky-tuc-xa.yml; file each article "
        "once: add the models to that file's `models:` and delete this one) [lỗi]",
        f"{loi}:3: date: ngày đăng {tomorrow.isoformat()} ở sau hôm nay "
        f"({dt.date.today().isoformat()}); kiểm tra lại ngày, tháng, năm (EN: the date "
        f"{tomorrow.isoformat()} is after today ({dt.date.today().isoformat()}); check the "
        "day, month and year) [lỗi]",
        f'{loi}:8: models[1]: không có mô hình mã "vien-gac"; có phải "vien-gach"? Ghi mã (id) '
        'trong tệp mô hình (EN: no model has the id "vien-gac"; did you mean "vien-gach"? '
        "Give the id from the entry file) [lỗi]",
        f'{loi}:9: contest: cuộc thi "giai-khac" chưa được khai báo trong site_config.yml; '
        'dùng một trong: giai-bao-chi-2024 (EN: the contest "giai-khac" is not declared in '
        "site_config.yml; use one of: giai-bao-chi-2024) [lỗi]",
        f"{thieu}:1: outlet: thiếu trường bắt buộc; hãy thêm dòng `outlet: …` (nếu bài không "
        "ghi nơi đăng, ghi `outlet: null`) (EN: required field is missing; add a `outlet: …` "
        "line (if the article does not say where it appeared, write `outlet: null`)) [lỗi]",
        f"{thieu}:2: date: ngày không hợp lệ '24/7/2024'; hãy viết dạng YYYY-MM-DD, ví dụ "
        "2024-08-19 (EN: malformed date '24/7/2024'; write it as YYYY-MM-DD, e.g. 2024-08-19)"
        " [lỗi]",
        f"{thieu}:3: url: đường dẫn không hợp lệ; hãy dùng địa chỉ đầy đủ bắt đầu bằng "
        "http:// hoặc https:// (EN: invalid URL; use a full address starting with http:// or "
        "https://) [lỗi]",
        f"{thieu}:4: language: ngôn ngữ ghi bằng mã như vi (tiếng Việt) hoặc en (tiếng Anh) "
        "(EN: give the language as a code such as vi (Vietnamese) or en (English)) [lỗi]",
        f"{thieu}:5: models: bài phải nêu ít nhất một mô hình: thêm dòng `- <mã mô hình>` "
        "dưới `models:` (EN: the article must name at least one model: add a `- <entry id>` "
        "line under `models:`) [lỗi]",
        f"{thieu}:6: tac_gia: trường không được hỗ trợ; dùng một trong: title, outlet, author, "
        "date, url, language, models, contest, archive_url (EN: unknown field; use one of: "
        "title, outlet, author, date, url, language, models, contest, archive_url) [lỗi]",
    ])


def test_a_contest_when_none_is_declared(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.entry("ky-tuc-xa")
    _record(site, "bai", {**OLDER, "models": ["ky-tuc-xa"], "contest": "giai-bao-chi-2024"})
    assert _problems(site, capsys) == [
        'content/bao-chi/bai.yml:8: contest: cuộc thi "giai-bao-chi-2024" chưa được khai báo: '
        "site_config.yml chưa có cuộc thi nào (mục `contests:` của plugin dvk) (EN: the contest "
        '"giai-bao-chi-2024" is not declared: site_config.yml declares none (the dvk '
        "plugin's `contests:`)) [lỗi]"]


def test_a_check_of_named_records_reads_only_them(
    covered: Site, capsys: pytest.CaptureFixture[str],
) -> None:
    """`dvk check <file>` (and a folder): the named record against every entry's id and
    the other records' URLs, as the pull-request check does with --changed-since."""
    _record(covered, "moi", {**NEWER, "title": "Bài trùng", "models": ["ky-tuc-xa-cu", "khong-co"]})
    code = covered.run("check", str(covered.content / "bao-chi" / "moi.yml"))
    err = capsys.readouterr().err
    assert code == 1
    lines = [line.split(": ", 2)[:2] for line in err.splitlines() if line.endswith("[lỗi]")]
    assert sorted(lines) == [["content/bao-chi/moi.yml:5", "url"],
                             ["content/bao-chi/moi.yml:9", "models[1]"]]
    assert "content/bao-chi/2024-09-ky-tuc-xa.yml" in err  # the other file, named
    (covered.content / "bao-chi" / "moi.yml").unlink()
    assert covered.run("check", str(covered.content / "bao-chi")) == 0
    assert "Đã kiểm tra 0 mô hình và 2 bài báo: không có lỗi" in capsys.readouterr().out
    assert covered.run("check") == 0
    assert "Đã kiểm tra 3 mô hình và 2 bài báo: không có lỗi" in capsys.readouterr().out


# --- The press hub, outlets, years and contests ----------------------------------------------

ARTICLES = [  # newest first
    ("a1", "Bài một", "Báo Thử", dt.date(2024, 9, 2), ["ky-tuc-xa", "vien-gach"], True),
    ("a2", "Bài hai", "Báo Nghệ An", dt.date(2024, 8, 1), ["ky-tuc-xa"], True),
    ("a3", "Bài ba", "Báo Thử", dt.date(2024, 3, 15), ["ha-noi-mot"], False),
    ("a4", "Bài bốn", None, dt.date(2023, 11, 20), ["vien-gach"], False),
    ("a5", "Bài năm", "Báo Nghệ An", dt.date(2023, 5, 5), ["ha-noi-mot"], True),
]


@pytest.fixture
def many(site: Site) -> Site:
    """Five articles over two outlets, two years and one contest, two to a page."""
    site.write_config(page_size=2, contests=[CONTEST])
    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", field="quoc-phong-an-ninh")
    site.entry("vien-gach", title="Viên gạch nghĩa tình")
    site.entry("ha-noi-mot", title="Mô hình Hà Nội", province="ha-noi", field="van-hoa-xa-hoi")
    site.entry("chua-co-bai", title="Mô hình chưa ai viết")
    for name, title, outlet, date, models, entered in ARTICLES:
        _record(site, name, {"title": title, "outlet": outlet, "date": date,
                             "url": f"https://bao.example/{name}", "language": "vi",
                             "models": models,
                             **({"contest": CONTEST["slug"]} if entered else {})})
    assert site.run("build", "--strict") == 0
    return site


def _titles(html: str) -> list[str]:
    """The titles of a page's list of articles, in order."""
    found = re.search(r'<ol class="dvk-press__list"[^>]*>(.*?)</ol>', html, re.S)
    if found is None:
        return []
    return re.findall(r'<span class="dvk-press__meta">.*?</span>\s*(?:<a [^>]*>|<cite[^>]*>)'
                      r"([^<]*)<", found.group(1), re.S)


def _hub(html: str, kind: str) -> list[tuple[str, str]]:
    """A hub list's (label, count) pairs."""
    found = re.search(rf'<ul class="dvk-hub dvk-hub--{kind}">(.*?)</ul>', html, re.S)
    assert found, kind
    return re.findall(r'dvk-hub__label">([^<]*)</span> <span class="dvk-hub__count">([^<]*)<',
                      found.group(1))


def test_the_press_hub_lists_every_article_newest_first(many: Site) -> None:
    pages = [many.html("bao-chi/"), many.html("bao-chi/trang/2/"), many.html("bao-chi/trang/3/")]
    assert [_titles(html) for html in pages] == [["Bài một", "Bài hai"], ["Bài ba", "Bài bốn"],
                                                 ["Bài năm"]]
    first = pages[0]
    assert '<ol class="dvk-press__list" start="1">' in first
    assert '<ol class="dvk-press__list" start="3">' in pages[1]
    assert 'rel="next" href="trang/2/"' in first
    assert _hub(first, "outlet") == [("Báo Nghệ An", "2 bài"), ("Báo Thử", "2 bài")]
    assert _hub(first, "year") == [("2024", "3 bài"), ("2023", "2 bài")]
    assert _hub(first, "contest") == [(CONTEST["name"], "3 tác phẩm")]
    assert "<strong>1</strong> mô hình chưa có bài báo nào viết về: đề tài cho bài viết mới." \
        in first
    assert '<a href="../tim-kiem/?bao-chi=chua-co">Tìm các mô hình chưa có bài' in first
    # The province page says how many of its models no article is about, and lists them.
    assert ('<p class="dvk-search-link">Báo chí: <a class="dvk-uncovered" '
            'href="../../tim-kiem/?tinh=nghe-an&amp;bao-chi=chua-co">'
            "1 mô hình chưa có bài báo viết về&nbsp;›</a></p>") in many.html("tinh-thanh/nghe-an/")
    assert "dvk-uncovered" not in many.html("tinh-thanh/ha-noi/")
    assert "<strong>5</strong> bài báo; đang xem 1–2." in first
    # Each article leads to the models it is about.
    assert 'Về mô hình: <a href="../mo-hinh/ky-tuc-xa/">Ký túc xá vùng biên</a>; ' \
           '<a href="../mo-hinh/vien-gach/">Viên gạch nghĩa tình</a>' in first


def test_an_outlets_and_a_years_articles(many: Site) -> None:
    assert _titles(many.html("bao-chi/co-quan/bao-thu/")) == ["Bài một", "Bài ba"]
    assert _titles(many.html("bao-chi/co-quan/bao-nghe-an/")) == ["Bài hai", "Bài năm"]
    assert _titles(many.html("bao-chi/nam/2023/")) == ["Bài bốn", "Bài năm"]
    assert _titles(many.html("bao-chi/nam/2024/")) + _titles(
        many.html("bao-chi/nam/2024/trang/2/")) == ["Bài một", "Bài hai", "Bài ba"]


def test_a_contest_page_counts_the_models_its_articles_cover(many: Site) -> None:
    html = many.html(f"bao-chi/{CONTEST['slug']}/")
    assert "<h1>Giải báo chí Dân vận khéo 2024</h1>" in html
    assert "Cuộc thi do Ban Dân vận Tỉnh ủy tổ chức, năm 2024." in html
    assert '<a href="https://example.org/" rel="noopener">Thể lệ cuộc thi</a>' in html
    assert _titles(html) == ["Bài một", "Bài hai"]
    assert _titles(many.html(f"bao-chi/{CONTEST['slug']}/trang/2/")) == ["Bài năm"]
    models = re.search(r'<ul class="dvk-press__models">(.*?)</ul>', html, re.S)
    assert models
    assert re.findall(r'<a href="[^"]*">([^<]*)</a>', models.group(1)) == [
        "Ký túc xá vùng biên", "Mô hình Hà Nội", "Viên gạch nghĩa tình"]
    provinces = re.findall(r'<tr><th scope="row"><a href="[^"]*tinh-thanh/[^"]*">([^<]*)</a>'
                           r"</th><td>(\d+)</td><td>(.*?)</td></tr>", html)
    assert provinces == [
        ("Nghệ An", "2", '<a href="../../tim-kiem/?tinh=nghe-an&amp;bao-chi=chua-co" '
                         'aria-label="1 mô hình của Nghệ An chưa có bài">1</a>'),
        ("Hà Nội", "1", "0")]
    assert "Còn <strong>1</strong> mô hình chưa có bài báo nào viết về: " \
           '<a href="../../tim-kiem/?bao-chi=chua-co">tìm các mô hình chưa có bài ›</a>' in html
    fields = re.findall(r'<tr><th scope="row"><a href="[^"]*linh-vuc/[^"]*">([^<]*)</a></th>'
                        r"<td>(\d+)</td></tr>", html)
    assert ("Kinh tế", "1") in fields and ("Quốc phòng - an ninh", "1") in fields
    assert ("Văn hóa - xã hội", "1") in fields
    # An entry's page links its articles' contest.
    entry = many.html("mo-hinh/ky-tuc-xa/")
    assert f'Tác phẩm dự thi <a href="../../bao-chi/{CONTEST["slug"]}/">' in entry


def test_a_hub_where_every_model_has_an_article_says_so(site: Site) -> None:
    site.entry("ky-tuc-xa")
    _record(site, "bai", {**OLDER, "models": ["ky-tuc-xa"]})
    assert site.run("build", "--strict") == 0
    html = site.html("bao-chi/")
    assert "Mọi mô hình trên trang đều đã có bài báo viết về." in html
    assert "bao-chi=chua-co" not in html and "đề tài cho bài viết mới" not in html


def test_no_contest_and_no_article_read_as_such(site: Site) -> None:
    site.entry("ky-tuc-xa")
    assert site.run("build", "--strict") == 0
    html = site.html("bao-chi/")
    assert "Trang chưa có dữ liệu về cuộc thi báo chí nào." in html
    assert "Chưa có bài báo nào được ghi nhận." in html
    assert "<strong>1</strong> mô hình chưa có bài báo nào viết về: đề tài" in html


def test_the_press_feeds_read_back(many: Site) -> None:
    import feedparser

    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((many.out / "bao-chi" / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert [e.title for e in feed.entries] == [a[1] for a in ARTICLES]
        assert feed.entries[0].link == "https://bao.example/a1"
        assert "Về mô hình: Ký túc xá vùng biên; Viên gạch nghĩa tình" in feed.entries[0].summary
    head = many.html("bao-chi/").split("</head>")[0]
    assert 'type="application/atom+xml" title="Báo chí (Atom)" ' \
           'href="atom.xml">' in head


def test_the_press_records_are_open_data(many: Site) -> None:
    import csv

    from frictionless import Package

    package_file = many.out / "du-lieu/datapackage.json"
    report = Package(str(package_file)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = [r["name"] for r in json.loads(package_file.read_text("utf-8"))["resources"]]
    assert "bao-chi" in names and "bao-chi-json" in names
    raw = (many.out / "du-lieu/bao-chi.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "a4", "a5"]
    assert rows[0]["models"] == "ky-tuc-xa | vien-gach"
    assert rows[3]["outlet"] == "" and rows[0]["contest"] == CONTEST["slug"]
    as_json = json.loads((many.out / "du-lieu/bao-chi.json").read_text("utf-8"))
    assert [r["id"] for r in as_json] == [r["id"] for r in rows]
    assert as_json[3]["outlet"] is None
