"""The generated pages: one per entry, and paginated indexes by province, field, year and kind.

Each page carries only its own slice of the catalogue, so rendering a page
costs O(page size), never O(entries).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from math import ceil
from typing import Any, TypeVar

from markupsafe import Markup

from generator.catalogue.catalogue import Catalogue, Group
from generator.catalogue.citation import Citation
from generator.catalogue.stats import StatFile, Stats, stat_files, year_counts
from generator.core.model import Entry, FieldOfWork, Kind
from generator.core.provinces import OldProvince, Province
from generator.load.history import FileDates, file_dates
from generator.pages.charts import Bar, bar_chart, column_chart
from generator.publish.cards import CARD_NAME, Card
from generator.publish.opendata import ALL_ENTRIES, COLUMNS, DATA_DIR, LICENCES
from generator.publish.search import FILTER_FIELD, FILTER_KIND, FILTER_PROVINCE, FILTER_YEAR

T = TypeVar("T")

ENTRY_TEMPLATE = "dvk/entry.html"
LISTING_TEMPLATE = "dvk/listing.html"
HUB_TEMPLATE = "dvk/hub.html"
SEARCH_TEMPLATE = "dvk/search.html"
DATA_TEMPLATE = "dvk/data.html"
STATS_TEMPLATE = "dvk/stats.html"
STATS_URL = "thong-ke/"
SEARCH_URL = "tim-kiem/"
HOME_NEWEST = 12


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a page of a paginated list sits among its siblings."""

    number: int
    count: int
    urls: tuple[str, ...]
    """The URL of every page of the list, first page first."""

    @property
    def previous_url(self) -> str | None:
        """The URL of the page before, if any."""
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """The URL of the page after, if any."""
        return self.urls[self.number] if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class EntryPage:
    """Context of an entry page."""

    entry: Entry
    cite: Citation
    """The page's citation, dates and provenance."""

    @property
    def card(self) -> str:
        """The page's social card, relative to the site root."""
        return self.entry.url + CARD_NAME


@dataclass(frozen=True, slots=True)
class ListingPage:
    """Context of one page of an index (a province, field, year or kind)."""

    index: str
    """"province", "field", "year" or "kind"."""
    heading: str
    entries: tuple[Entry, ...]
    """This page's slice of the list."""
    total: int
    pagination: Pagination
    first: int
    """1-based position of the first entry of this page in the whole list."""
    province: Province | None = None
    groups: tuple[Group, ...] = ()
    field_counts: tuple[tuple[FieldOfWork, int], ...] = ()
    search_url: str = ""
    """The search page with this index's filter set."""
    feed: str = ""
    """The folder of this index's Atom and RSS feeds, if it has them (provinces, fields)."""
    charts: tuple[str, ...] = ()
    """A province's first page: SVG charts of its entries by field, then by year."""
    year_counts: tuple[tuple[int, int], ...] = ()
    """The numbers of the year chart, for the table beside it."""

    @property
    def card(self) -> str:
        """The index's social card (one for all its pages), relative to the site root."""
        return self.pagination.urls[0] + CARD_NAME


@dataclass(frozen=True, slots=True)
class HubItem:
    """One link on a hub page: a province, field, year or kind, and its count."""

    label: str
    url: str
    count: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class HubPage:
    """Context of the page listing every province, field, year or kind."""

    index: str
    items: tuple[HubItem, ...]


@dataclass(frozen=True, slots=True)
class HomePage:
    """Context of the home page."""

    total: int
    province_count: int
    newest: tuple[Entry, ...]
    provinces: tuple[HubItem, ...]
    fields: tuple[HubItem, ...]
    years: tuple[HubItem, ...]
    kinds: tuple[HubItem, ...]
    province_map: Markup
    """The tile map of the 34 units (generator/pages/tilemap.py)."""


@dataclass(frozen=True, slots=True)
class DataFile:
    """A table of the open data: its title, entry count and files."""

    title: str
    count: int
    csv: str
    json: str


@dataclass(frozen=True, slots=True)
class DataPage:
    """Context of the open-data page: the files, the columns and the licence."""

    tables: tuple[DataFile, ...]
    columns: tuple[tuple[str, str, str, str], ...]
    """(name, type, Vietnamese title, description) of each column."""
    licence: str
    licence_title: str
    licence_url: str


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter of the search page: its URL key, label and (value, label) options."""

    key: str
    label: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """Context of the search page: the facets, in display order."""

    facets: tuple[Facet, ...]


@dataclass(frozen=True, slots=True)
class StatsPage:
    """Context of /thong-ke/: the counts, their charts, their CSV files and the map."""

    stats: Stats
    charts: dict[str, str]
    """SVG charts by name: fields, provinces, years, kinds."""
    files: dict[str, StatFile]
    """The CSV file of each table, by name (see generator/catalogue/stats.py)."""
    province_map: str = ""
    """The tile map of the 34 units (generator/pages/tilemap.py)."""


PageContext = EntryPage | ListingPage | HubPage | HomePage | SearchPage | DataPage | StatsPage


@dataclass(frozen=True, slots=True)
class VirtualPage:
    """A page the plugin adds to MkDocs: where it lives, its template and its context."""

    src_uri: str
    title: str
    template: str
    context: PageContext
    description: str = ""
    markdown: str = ""
    """The Markdown MkDocs renders into ``page.content`` (an entry's body)."""


@dataclass
class SitePages:
    """Every generated page, keyed by its source URI, plus the home page's context."""

    pages: dict[str, VirtualPage] = field(default_factory=dict)
    home: HomePage | None = None

    def add(self, page: VirtualPage) -> None:
        """Register ``page``; two pages at one URI would be a bug in the generator."""
        if page.src_uri in self.pages:
            raise ValueError(f"two generated pages at {page.src_uri}")
        self.pages[page.src_uri] = page


def _feed(digest: Any, value: object) -> None:
    # What a page's HTML is made from, written out so that two pages with the
    # same inputs get the same digest. An entry stands for its file's digest
    # (the rest of an entry derives from the file, the config and the code,
    # and those are part of every page's inputs already).
    if isinstance(value, tuple):
        _feed_tuple(digest, value)
    elif isinstance(value, Entry):
        digest.update(f"E{value.digest};".encode())
    elif isinstance(value, Province):
        digest.update(f"P{value.slug};".encode())
    elif isinstance(value, OldProvince):
        digest.update(f"O{value.name};".encode())
    elif isinstance(value, FieldOfWork):
        digest.update(f"F{value.slug};".encode())
    elif hasattr(type(value), "__dataclass_fields__"):
        kind: Any = type(value)
        digest.update(f"{kind.__name__}{{".encode())
        for name in _field_names(kind):
            _feed(digest, getattr(value, name))
        digest.update(b"}")
    else:
        digest.update(f"{value!r};".encode())


def _feed_tuple(digest: Any, value: tuple[Any, ...]) -> None:
    if not value:
        digest.update(b"()")
    elif isinstance(value[0], Entry):  # the hot path: a page's entries
        digest.update(f"E{';'.join(e.digest for e in value)};".encode())
    elif isinstance(value[0], str):  # a pager's URLs
        digest.update(f"S{chr(31).join(value)};".encode())
    else:
        digest.update(b"(")
        for item in value:
            _feed(digest, item)
        digest.update(b")")


@cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def page_digest(page: VirtualPage) -> str:
    """A digest of everything ``page`` renders from, besides the config, theme and code."""
    digest = hashlib.blake2b(digest_size=16)
    if isinstance(page.context, EntryPage):  # the page is its entry: 50,000 of them
        cite = page.context.cite
        digest.update(f"{page.src_uri};{page.template};{page.context.entry.digest};"
                      f"{cite.published};{cite.modified}".encode())
    else:
        _feed(digest, page)
    return digest.hexdigest()


def province_url(province: Province) -> str:
    """URL of a province's index page."""
    return f"tinh-thanh/{province.slug}/"


def field_url(field_of_work: FieldOfWork) -> str:
    """URL of a field's index page."""
    return f"linh-vuc/{field_of_work.slug}/"


def year_url(year: int) -> str:
    """URL of a year's index page."""
    return f"nam/{year}/"


def kind_url(kind: Kind) -> str:
    """URL of a kind's index page."""
    return f"loai/{kind.slug}/"


def search_page(catalogue: Catalogue) -> SearchPage:
    """The facets of the search page; keys match the search index's filters."""
    return SearchPage((
        Facet(FILTER_PROVINCE, "Tỉnh, thành phố",
              tuple((p.slug, p.name) for p in catalogue.provinces)),
        Facet(FILTER_FIELD, "Lĩnh vực", tuple((f.slug, f.label) for f in catalogue.fields)),
        Facet(FILTER_YEAR, "Năm", tuple((str(y), str(y)) for y in catalogue.years)),
        Facet(FILTER_KIND, "Loại mô hình", tuple((k.slug, k.label) for k in Kind)),
    ))


def page_url(src_uri: str) -> str:
    """The URL of a page from its source URI, as MkDocs makes it with directory URLs."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else stem + "/"


def page_output(src_uri: str) -> str:
    """The file a page is written to, relative to the site folder."""
    return page_url(src_uri) + "index.html"


def _page_src(base: str, number: int) -> str:
    return f"{base}index.md" if number == 1 else f"{base}trang/{number}.md"


def _page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}trang/{number}/"


def paginate(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into pages of ``size``; an empty list still has one (empty) page."""
    count = max(1, ceil(len(items) / size))
    return [items[i * size : (i + 1) * size] for i in range(count)]


def _listing(
    pages: SitePages,
    base: str,
    *,
    index: str,
    heading: str,
    entries: Sequence[Entry],
    size: int,
    description: str,
    catalogue: Catalogue,
    search: str,
    province: Province | None = None,
    feed: str = "",
) -> None:
    chunks = paginate(entries, size)
    urls = tuple(_page_url(base, n) for n in range(1, len(chunks) + 1))
    counts = tuple(catalogue.field_counts(entries)) if index in {"province", "year", "kind"} else ()
    years = year_counts(entries) if province and entries else ()
    charts = province_charts(province, counts, years) if province and entries else ()
    for number, chunk in enumerate(chunks, start=1):
        groups = tuple(catalogue.groups(province, chunk)) if province else ()
        title = heading if number == 1 else f"{heading} (trang {number})"
        context = ListingPage(
            index, heading, tuple(chunk), len(entries),
            Pagination(number, len(chunks), urls), (number - 1) * size + 1,
            province, groups, counts, f"{SEARCH_URL}?{search}", feed,
            charts=charts if number == 1 else (), year_counts=years if number == 1 else (),
        )
        pages.add(VirtualPage(_page_src(base, number), title, LISTING_TEMPLATE, context,
                              description))


def province_charts(
    province: Province, counts: Sequence[tuple[FieldOfWork, int]],
    years: Sequence[tuple[int, int]],
) -> tuple[str, str]:
    """A province's small charts: its entries by field, and by year."""
    return (
        bar_chart(f"bieu-do-linh-vuc-{province.slug}",
                  f"Số mô hình của {province.full_name} theo lĩnh vực",
                  [Bar(f.label, n) for f, n in counts]),
        column_chart(f"bieu-do-nam-{province.slug}",
                     f"Số mô hình của {province.full_name} theo năm",
                     [Bar(str(y), n) for y, n in years]),
    )


def stats_page(catalogue: Catalogue) -> StatsPage:
    """/thong-ke/: every count of the published entries, charted, and the reported figures."""
    stats = Stats.of(catalogue)
    ranked = stats.ranked
    charts = {
        "fields": bar_chart("bieu-do-linh-vuc", "Số mô hình theo lĩnh vực",
                            [Bar(f.label, n) for f, n in stats.fields]),
        "provinces": bar_chart(
            "bieu-do-tinh-thanh",
            "Số mô hình theo tỉnh, thành phố (các tỉnh, thành phố đã có mô hình)",
            [Bar(p.province.name, p.count) for p in ranked]) if ranked else "",
        "years": column_chart("bieu-do-nam", "Số mô hình theo năm",
                              [Bar(str(y), n) for y, n in stats.years]) if stats.years else "",
        "kinds": bar_chart("bieu-do-loai", "Số mô hình tập thể và cá nhân",
                           [Bar(k.label, n) for k, n in stats.kinds]),
    }
    files = {f.name: f for f in stat_files(stats)}
    return StatsPage(stats, charts, files, _province_map(catalogue))


def _province_map(catalogue: Catalogue) -> str:
    # Here, not at the top: generator.pages.tilemap builds on this module's URLs.
    from generator.pages.tilemap import province_map

    return str(province_map(catalogue, root="../", ident="ban-do-thong-ke"))


def cards(site_pages: SitePages, catalogue: Catalogue) -> list[Card]:
    """The social card of every entry, of every index and of the site."""
    site = catalogue.settings.site.name
    found = [Card("", "Các mô hình “Dân vận khéo” tiêu biểu trên cả nước",
                  ("Theo tỉnh, thành phố, lĩnh vực và năm",), site)]
    kinds = {"province": "Tỉnh, thành phố", "field": "Lĩnh vực", "year": "Theo năm",
             "kind": "Tập thể, cá nhân"}
    for page in site_pages.pages.values():
        context = page.context
        if isinstance(context, EntryPage):
            entry = context.entry
            found.append(Card(entry.url, entry.title, (entry.province_label, entry.field.label),
                              site))
        elif isinstance(context, ListingPage) and context.pagination.number == 1:
            found.append(Card(context.pagination.urls[0], context.heading,
                              (kinds[context.index], f"{vi_count(context.total)} mô hình"), site))
    return found


def vi_count(value: int) -> str:
    """24.250: thousands separated by dots, as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".")


def data_page(catalogue: Catalogue) -> DataPage:
    """The open-data page: every table with its count, every column, the licence."""
    site = catalogue.settings.site
    files = [DataFile("Tất cả mô hình", len(catalogue.entries), f"{ALL_ENTRIES}.csv",
                      f"{ALL_ENTRIES}.json")]
    for province in catalogue.provinces:
        count = len(catalogue.in_province(province))
        if count:
            stem = f"tinh-thanh/{province.slug}"
            files.append(DataFile(province.full_name, count, f"{stem}.csv", f"{stem}.json"))
    title, url = LICENCES.get(site.data_licence, (site.data_licence, ""))
    return DataPage(tuple(files), tuple((c.name, c.type, c.title, c.description) for c in COLUMNS),
                    site.data_licence, title, url)


def build_pages(catalogue: Catalogue, dates: dict[str, FileDates] | None = None) -> SitePages:
    """Every generated page of the site, from the catalogue and the content's history.

    ``dates`` maps entry files (relative to the content folder) to their commit
    dates; by default they are read from the repository, if there is one.
    """
    # Here, not at the top: generator.pages.tilemap builds on this module's URLs.
    from generator.pages.tilemap import province_map

    pages = SitePages()
    settings = catalogue.settings
    size = settings.page_size
    if dates is None:
        dates = file_dates(settings.content_dir)
    for entry in catalogue.entries:
        known = dates.get(entry.rel_path)
        cite = Citation(entry, settings.site, known.first if known else entry.updated,
                        entry.updated or (known.last if known else None))
        pages.add(
            VirtualPage(f"mo-hinh/{entry.id}.md", entry.title, ENTRY_TEMPLATE,
                        EntryPage(entry, cite), entry.summary, entry.body)
        )

    province_items = []
    for province in catalogue.provinces:
        entries = catalogue.in_province(province)
        _listing(
            pages, province_url(province), index="province", heading=province.full_name,
            entries=entries, size=size, catalogue=catalogue, province=province,
            search=f"tinh={province.slug}", feed=province_url(province),
            description=f"Các mô hình \"Dân vận khéo\" của {province.full_name}.",
        )
        olds = ", ".join(o.name for o in province.formed_from) if province.merged else ""
        province_items.append(HubItem(province.name, province_url(province), len(entries), olds))

    field_items = []
    for field_of_work in catalogue.fields:
        entries = catalogue.by_field.get(field_of_work.slug, ())
        _listing(
            pages, field_url(field_of_work), index="field", heading=field_of_work.label,
            entries=entries, size=size, catalogue=catalogue,
            search=f"linh-vuc={field_of_work.slug}", feed=field_url(field_of_work),
            description=f"Các mô hình \"Dân vận khéo\" lĩnh vực {field_of_work.label}.",
        )
        field_items.append(HubItem(field_of_work.label, field_url(field_of_work), len(entries)))

    year_items = []
    for year, entries in catalogue.by_year.items():
        _listing(
            pages, year_url(year), index="year", heading=f"Năm {year}",
            entries=entries, size=size, catalogue=catalogue, search=f"nam={year}",
            description=f"Các mô hình \"Dân vận khéo\" năm {year}.",
        )
        year_items.append(HubItem(str(year), year_url(year), len(entries)))

    kind_items = []
    for kind in Kind:
        entries = catalogue.by_kind.get(kind, ())
        _listing(
            pages, kind_url(kind), index="kind", heading=f"Mô hình {kind.label.lower()}",
            entries=entries, size=size, catalogue=catalogue, search=f"loai={kind.slug}",
            description=f"Các mô hình \"Dân vận khéo\" {kind.label.lower()}.",
        )
        kind_items.append(HubItem(kind.label, kind_url(kind), len(entries)))

    hubs = (
        ("tinh-thanh/index.md", "Tỉnh, thành phố", "province", province_items),
        ("linh-vuc/index.md", "Lĩnh vực", "field", field_items),
        ("nam/index.md", "Theo năm", "year", year_items),
        ("loai/index.md", "Tập thể và cá nhân", "kind", kind_items),
    )
    for src_uri, title, index, items in hubs:
        pages.add(VirtualPage(src_uri, title, HUB_TEMPLATE, HubPage(index, tuple(items))))

    pages.add(VirtualPage(f"{SEARCH_URL}index.md", "Tìm kiếm", SEARCH_TEMPLATE,
                          search_page(catalogue), "Tìm mô hình \"Dân vận khéo\""))

    pages.add(VirtualPage(f"{STATS_URL}index.md", "Thống kê", STATS_TEMPLATE,
                          stats_page(catalogue),
                          "Số mô hình \"Dân vận khéo\" đã đăng, theo lĩnh vực, tỉnh, thành phố, "
                          "năm và loại, kèm số liệu các địa phương báo cáo."))

    pages.add(VirtualPage(f"{DATA_DIR}index.md", "Dữ liệu mở", DATA_TEMPLATE,
                          data_page(catalogue),
                          "Tải toàn bộ các mô hình \"Dân vận khéo\" dưới dạng CSV và JSON."))

    pages.home = HomePage(
        total=len(catalogue.entries),
        province_count=len(catalogue.by_province),
        newest=catalogue.newest[:HOME_NEWEST],
        provinces=tuple(province_items),
        fields=tuple(field_items),
        years=tuple(year_items),
        kinds=tuple(kind_items),
        province_map=province_map(catalogue),
    )
    return pages
