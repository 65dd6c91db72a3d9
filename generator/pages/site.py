"""The generated pages: one per entry, and paginated indexes by province, field, year and kind.

Each page carries only its own slice of the catalogue (``generator.pages.views``),
so rendering a page costs O(page size), never O(entries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation, Version
from generator.catalogue.columns import COLUMNS, LICENCES, PRESS_COLUMNS
from generator.catalogue.stats import Stats, stat_files, year_counts
from generator.core import urls
from generator.core.model import Entry, FieldOfWork, Kind
from generator.core.press import PressRecord
from generator.core.provinces import Province
from generator.core.settings import SiteInfo
from generator.load.history import FileDates
from generator.pages.charts import Bar, bar_chart, column_chart
from generator.pages.press import press_pages
from generator.pages.tilemap import province_map
from generator.pages.views import (
    DATA_TEMPLATE,
    ENTRY_TEMPLATE,
    HOME_NEWEST,
    HUB_TEMPLATE,
    LISTING_TEMPLATE,
    SEARCH_TEMPLATE,
    STATS_TEMPLATE,
    DataFile,
    DataPage,
    EntryPage,
    Facet,
    HomePage,
    HubItem,
    HubPage,
    ListingPage,
    Pagination,
    SearchPage,
    SitePages,
    StatsPage,
    VirtualPage,
    paginate,
)


def search_page(catalogue: Catalogue) -> SearchPage:
    """The facets of the search page; keys match the search index's filters."""
    return SearchPage((
        Facet(urls.SEARCH_PROVINCE, "Tỉnh, thành phố",
              tuple((p.slug, p.name) for p in catalogue.provinces)),
        Facet(urls.SEARCH_FIELD, "Lĩnh vực", tuple((f.slug, f.label) for f in catalogue.fields)),
        Facet(urls.SEARCH_YEAR, "Năm", tuple((str(y), str(y)) for y in catalogue.years)),
        Facet(urls.SEARCH_KIND, "Loại mô hình", tuple((k.slug, k.label) for k in Kind)),
        Facet(urls.SEARCH_PRESS, "Báo chí", urls.PRESS_COVERAGE),
    ))


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
    uncovered = catalogue.uncovered(entries) if province else 0
    uncovered_url = urls.uncovered_search(province.slug) if province else ""
    chunks = paginate(entries, size)
    pager = tuple(urls.numbered(base, n) for n in range(1, len(chunks) + 1))
    counts = tuple(catalogue.field_counts(entries)) if index in {"province", "year", "kind"} else ()
    years = year_counts(entries) if province and entries else ()
    charts = province_charts(province, counts, years) if province and entries else ()
    for number, chunk in enumerate(chunks, start=1):
        groups = tuple(catalogue.groups(province, chunk)) if province else ()
        title = heading if number == 1 else f"{heading} (trang {number})"
        context = ListingPage(
            index, heading, tuple(chunk), len(entries),
            Pagination(number, len(chunks), pager), (number - 1) * size + 1,
            province, groups, counts, search, feed,
            charts=charts if number == 1 else (), year_counts=years if number == 1 else (),
            uncovered=uncovered, uncovered_url=uncovered_url,
        )
        pages.add(VirtualPage(urls.numbered_source(base, number), title, LISTING_TEMPLATE, context,
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
    return str(province_map(catalogue, root="../", ident="ban-do-thong-ke"))


def data_page(catalogue: Catalogue) -> DataPage:
    """The open-data page: every table with its count, every column, the licence."""
    site = catalogue.settings.site
    files = [DataFile("Tất cả mô hình", len(catalogue.entries), f"{urls.ALL_ENTRIES}.csv",
                      f"{urls.ALL_ENTRIES}.json")]
    for province in catalogue.provinces:
        count = len(catalogue.in_province(province))
        if count:
            stem = urls.index(urls.PROVINCES, province.slug).rstrip("/")
            files.append(DataFile(province.full_name, count, f"{stem}.csv", f"{stem}.json"))
    title, url = LICENCES.get(site.data_licence, (site.data_licence, ""))
    return DataPage(tuple(files), tuple((c.name, c.type, c.title, c.description) for c in COLUMNS),
                    site.data_licence, title, url, len(catalogue.press),
                    tuple((c.name, c.type, c.title, c.description) for c in PRESS_COLUMNS))


def entry_page(entry: Entry, site: SiteInfo, dates: Mapping[str, FileDates],
               press: tuple[PressRecord, ...] = ()) -> VirtualPage:
    """An entry's page: it shows the entry, its citation and the articles about it (``press``,
    newest first), nothing of other entries."""
    known = dates.get(entry.rel_path)
    # A version is cited only where a reader can open it: in the site's repository.
    version = (Version(known.commit, known.last)
               if known and known.commit and site.version_url(entry.rel_path, known.commit)
               else None)
    cite = Citation(entry, site, known.first if known else entry.updated,
                    entry.updated or (known.last if known else None), press, version)
    return VirtualPage(urls.entry_source(entry.id), entry.title, ENTRY_TEMPLATE,
                       EntryPage(entry, cite), entry.summary)


def build_pages(catalogue: Catalogue, dates: Mapping[str, FileDates]) -> SitePages:
    """Every generated page of the site, from the catalogue and the content's history.

    ``dates`` maps entry files (relative to the content folder) to their commit
    dates (``generator.load.history.file_dates``; empty outside a repository).
    """
    pages = SitePages()
    settings = catalogue.settings
    size = settings.page_size
    about = catalogue.press_by_entry
    for entry in catalogue.entries:
        pages.add(entry_page(entry, settings.site, dates, about.get(entry.id, ())))

    province_items = []
    for province in catalogue.provinces:
        entries = catalogue.in_province(province)
        url = urls.index(urls.PROVINCES, province.slug)
        _listing(
            pages, url, index="province", heading=province.full_name,
            entries=entries, size=size, catalogue=catalogue, province=province,
            search=urls.search(urls.SEARCH_PROVINCE, province.slug), feed=url,
            description=f"Các mô hình \"Dân vận khéo\" của {province.full_name}.",
        )
        olds = ", ".join(o.name for o in province.formed_from) if province.merged else ""
        province_items.append(HubItem(province.name, url, len(entries), olds))

    field_items = []
    for field_of_work in catalogue.fields:
        entries = catalogue.by_field.get(field_of_work.slug, ())
        url = urls.index(urls.FIELDS, field_of_work.slug)
        _listing(
            pages, url, index="field", heading=field_of_work.label,
            entries=entries, size=size, catalogue=catalogue,
            search=urls.search(urls.SEARCH_FIELD, field_of_work.slug), feed=url,
            description=f"Các mô hình \"Dân vận khéo\" lĩnh vực {field_of_work.label}.",
        )
        field_items.append(HubItem(field_of_work.label, url, len(entries)))

    year_items = []
    for year, entries in catalogue.by_year.items():
        _listing(
            pages, urls.index(urls.YEARS, year), index="year", heading=f"Năm {year}",
            entries=entries, size=size, catalogue=catalogue,
            search=urls.search(urls.SEARCH_YEAR, str(year)),
            description=f"Các mô hình \"Dân vận khéo\" năm {year}.",
        )
        year_items.append(HubItem(str(year), urls.index(urls.YEARS, year), len(entries)))

    kind_items = []
    for kind in Kind:
        entries = catalogue.by_kind.get(kind, ())
        _listing(
            pages, urls.index(urls.KINDS, kind.slug), index="kind",
            heading=f"Mô hình {kind.label.lower()}",
            entries=entries, size=size, catalogue=catalogue,
            search=urls.search(urls.SEARCH_KIND, kind.slug),
            description=f"Các mô hình \"Dân vận khéo\" {kind.label.lower()}.",
        )
        kind_items.append(HubItem(kind.label, urls.index(urls.KINDS, kind.slug), len(entries)))

    hubs = (
        (urls.PROVINCES, "Tỉnh, thành phố", "province", province_items),
        (urls.FIELDS, "Lĩnh vực", "field", field_items),
        (urls.YEARS, "Theo năm", "year", year_items),
        (urls.KINDS, "Tập thể và cá nhân", "kind", kind_items),
    )
    for base, title, index, items in hubs:
        pages.add(VirtualPage(urls.numbered_source(base, 1), title, HUB_TEMPLATE,
                              HubPage(index, tuple(items))))

    pages.add(VirtualPage(urls.numbered_source(urls.SEARCH, 1), "Tìm kiếm", SEARCH_TEMPLATE,
                          search_page(catalogue), "Tìm mô hình \"Dân vận khéo\""))

    pages.add(VirtualPage(urls.numbered_source(urls.STATS, 1), "Thống kê", STATS_TEMPLATE,
                          stats_page(catalogue),
                          "Số mô hình \"Dân vận khéo\" đã đăng, theo lĩnh vực, tỉnh, thành phố, "
                          "năm và loại, kèm số liệu các địa phương báo cáo."))

    pages.add(VirtualPage(urls.numbered_source(urls.DATA, 1), "Dữ liệu mở", DATA_TEMPLATE,
                          data_page(catalogue),
                          "Tải toàn bộ các mô hình \"Dân vận khéo\" dưới dạng CSV và JSON."))

    press_pages(pages, catalogue)

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
