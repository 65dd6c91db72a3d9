"""Every URL the site publishes, and every published file's name: the permanent-link promise.

A model keeps ``/mo-hinh/<id>/`` for ever, and journalists cite the index,
feed, data and citation URLs too, so they are written here once. Every other
module asks this one, and a change here shows in one diff. URLs are relative
to the site root, without a leading slash, and folders end in "/", as MkDocs
writes them (``use_directory_urls``).
"""

from __future__ import annotations

ENTRIES = "mo-hinh/"
"""The folder of entry pages: ``mo-hinh/<id>/``, never the province (provinces merge)."""
PROVINCES = "tinh-thanh/"
FIELDS = "linh-vuc/"
YEARS = "nam/"
KINDS = "loai/"
STATS = "thong-ke/"
SEARCH = "tim-kiem/"
DATA = "du-lieu/"
STATS_DATA = f"{DATA}thong-ke/"
"""The statistics' CSV files: below ``du-lieu/``, because a Frictionless package may
only name files below its own folder."""
SEARCH_PROVINCE, SEARCH_FIELD, SEARCH_YEAR, SEARCH_KIND = "tinh", "linh-vuc", "nam", "loai"
"""The search page's filters, as its URL carries them: ``tim-kiem/?tinh=nghe-an``. Shared
links carry them, so they are as permanent as a page's URL; the index uses the same keys."""
SEARCH_PRESS = "bao-chi"
"""The search filter of press coverage: ``da-co`` (a press record names the model), ``chua-co``."""
COVERED, UNCOVERED = "da-co", "chua-co"
PRESS_COVERAGE = ((COVERED, "Đã có bài"), (UNCOVERED, "Chưa có bài"))
"""The values of ``SEARCH_PRESS`` and their labels, as the search page shows them."""
PAGER = "trang/"
"""Page 2, 3 … of an index: ``tinh-thanh/nghe-an/trang/2/``."""

ALL_ENTRIES = "mo-hinh"
"""The stem of the open-data tables of every entry: ``du-lieu/mo-hinh.csv``."""
DATAPACKAGE = f"{DATA}datapackage.json"
ATOM, RSS = "atom.xml", "rss.xml"
"""A feed's file names, inside the folder of the index it follows (or the root)."""
CARD = "the-chia-se.png"
"""A page's social card, inside the page's folder."""
CITE_JSON, CITE_RIS = "trich-dan.json", "trich-dan.ris"
"""An entry's citation downloads, inside its folder."""
MANIFEST = "urls.txt"
"""Every permanent URL, one a line, for ``dvk check --published``."""
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
HEADERS = "_headers"
"""The HTTP headers file of Netlify and Cloudflare Pages (the Content-Security-Policy)."""
SERVICE_WORKER = "sw.js"
"""The service worker (generator/publish/offline.py): at the root, so that its scope is the
whole site."""
OFFLINE = "ngoai-tuyen/"
"""The page a reader sees offline when the page asked for is not on the phone: a theme
template like 404.html, so no navigation, sitemap, search or urls.txt lists it."""
OFFLINE_PAGE = f"{OFFLINE}index.html"
"""The offline page's file, and the theme template it is rendered from. Below the root, like
the pages of the nav: a template without a page at the root would write its links "./x"
where a page there writes "x", and the memoised header is shared by depth."""
FONTS = "assets/fonts/"
"""The site's own subset fonts (Be Vietnam Pro); the stylesheet names them there."""
SEARCH_INDEX = f"{SEARCH}chi-muc/"
EDITOR = "quan-tri/"
"""The form-based editor (generator/publish/editor.py): no page, in no listing."""
EDITOR_CONFIG = "schema/cms.yml"
"""The editor's configuration, from the project's root: ``dvk schema`` writes it
(generator/author/cms.py), the build publishes it as ``EDITOR`` + config.yml."""
EDITOR_BACKEND = "http://127.0.0.1:8081"
"""decap-server, the editor's backend on this machine (``dvk serve --cms``): the
configuration names it, the editor's policy lets the page reach it."""
"""The search index's folder (docs/search-index.md), beside the search page."""
PRESS = "bao-chi/"
"""The press hub: every article about the models, newest first."""
PRESS_OUTLETS, PRESS_YEARS = f"{PRESS}co-quan/", f"{PRESS}nam/"
"""The articles of one outlet (``bao-chi/co-quan/bao-nghe-an/``), of one year
(``bao-chi/nam/2024/``); a contest's page is ``bao-chi/<contest>/``."""
PRESS_RESERVED = frozenset({PAGER.strip("/"), "co-quan", "nam"})
"""Names below ``bao-chi/`` that no contest may take."""
PRESS_TABLE = "bao-chi"
"""The stem of the open-data tables of the press records: ``du-lieu/bao-chi.csv``."""


def press_outlet(slug: str) -> str:
    """The articles of one outlet: ``bao-chi/co-quan/<slug>/``."""
    return f"{PRESS_OUTLETS}{slug}/"


def press_year(year: int) -> str:
    """The articles of one year: ``bao-chi/nam/<year>/``."""
    return f"{PRESS_YEARS}{year}/"


def press_contest(slug: str) -> str:
    """A press contest's page: ``bao-chi/<slug>/``."""
    return f"{PRESS}{slug}/"


def entry(entry_id: str) -> str:
    """An entry's page: ``mo-hinh/<id>/``."""
    return f"{ENTRIES}{entry_id}/"


def entry_source(entry_id: str) -> str:
    """The source URI MkDocs gets for an entry's generated page."""
    return f"{ENTRIES}{entry_id}.md"


def index(facet: str, key: str | int) -> str:
    """The first page of a facet's index: ``tinh-thanh/nghe-an/``, ``linh-vuc/kinh-te/``,
    ``nam/2024/``, ``loai/tap-the/``; ``facet`` is ``PROVINCES``, ``FIELDS``, ``YEARS``
    or ``KINDS``."""
    return f"{facet}{key}/"


def search(filter_key: str, value: str) -> str:
    """The search page filtered by one facet: ``tim-kiem/?tinh=nghe-an``."""
    return f"{SEARCH}?{filter_key}={value}"


def uncovered_search(province: str = "") -> str:
    """The search page listing the models no press record names, in one province if given:
    ``tim-kiem/?tinh=nghe-an&bao-chi=chua-co``."""
    where = f"{SEARCH_PROVINCE}={province}&" if province else ""
    return f"{SEARCH}?{where}{SEARCH_PRESS}={UNCOVERED}"


def numbered_source(base: str, number: int) -> str:
    """The source URI of page ``number`` of the index whose first page is ``base``."""
    return f"{base}index.md" if number == 1 else f"{base}{PAGER}{number}.md"


def numbered(base: str, number: int) -> str:
    """The URL of page ``number`` of the index whose first page is ``base``."""
    return base if number == 1 else f"{base}{PAGER}{number}/"


def page_url(src_uri: str) -> str:
    """The URL of a page made from ``src_uri``, as MkDocs makes it with directory URLs."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else stem + "/"


def page_output(src_uri: str) -> str:
    """The file, below the site folder, that holds the page made from ``src_uri``."""
    return page_url(src_uri) + "index.html"


def data_table(stem: str, extension: str) -> str:
    """An open-data table: ``du-lieu/<stem>.<csv|json>``."""
    return f"{DATA}{stem}.{extension}"


def stats_table(name: str) -> str:
    """A statistics table: ``du-lieu/thong-ke/<name>.csv``."""
    return f"{STATS_DATA}{name}.csv"
