"""What each generated page shows: one typed context per kind of page, its slice only.

The templates (``dvk/*.html``) read these; each holds the page's own entries,
never the whole catalogue, so rendering a page costs O(page size).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import TypeVar

from markupsafe import Markup

from generator.catalogue.catalogue import Group
from generator.catalogue.citation import Citation
from generator.catalogue.stats import StatFile, Stats
from generator.core import urls
from generator.core.model import Entry, FieldOfWork
from generator.core.press import Contest, PressRecord
from generator.core.provinces import Province

ENTRY_TEMPLATE = "dvk/entry.html"
LISTING_TEMPLATE = "dvk/listing.html"
HUB_TEMPLATE = "dvk/hub.html"
SEARCH_TEMPLATE = "dvk/search.html"
DATA_TEMPLATE = "dvk/data.html"
STATS_TEMPLATE = "dvk/stats.html"
PRESS_TEMPLATE = "dvk/press.html"
HOME_NEWEST = 12

T = TypeVar("T")


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


def paginate(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split ``items`` into pages of ``size``; an empty list still has one (empty) page."""
    count = max(1, ceil(len(items) / size))
    return [items[i * size : (i + 1) * size] for i in range(count)]


@dataclass(frozen=True, slots=True)
class EntryPage:
    """Context of an entry page."""

    entry: Entry
    cite: Citation
    """The page's citation, dates and provenance."""

    @property
    def card(self) -> str:
        """The page's social card, relative to the site root."""
        return self.entry.url + urls.CARD


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
    uncovered: int = 0
    uncovered_url: str = ""
    """A province's pages: how many of its models no press record is about, and the search
    that lists them (empty on other indexes)."""

    @property
    def card(self) -> str:
        """The index's social card (one for all its pages), relative to the site root."""
        return self.pagination.urls[0] + urls.CARD


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
    press_count: int = 0
    press_columns: tuple[tuple[str, str, str, str], ...] = ()
    """The columns of the press records' table, as ``columns``."""


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


@dataclass(frozen=True, slots=True)
class PressItem:
    """An article, with the entries it is about."""

    record: PressRecord
    models: tuple[Entry, ...]
    contest: Contest | None = None


@dataclass(frozen=True, slots=True)
class PressPage:
    """Context of one page of the press hub, of an outlet's or a year's articles, or of a
    contest's."""

    index: str
    """"all", "outlet", "year" or "contest"."""
    heading: str
    items: tuple[PressItem, ...]
    """This page's slice of the articles, newest first."""
    total: int
    pagination: Pagination
    first: int
    """1-based position of the first article of this page in the whole list."""
    outlets: tuple[HubItem, ...] = ()
    years: tuple[HubItem, ...] = ()
    """The hub's first page: every outlet and every year, with their article counts."""
    contests: tuple[HubItem, ...] = ()
    contest: Contest | None = None
    models: tuple[Entry, ...] = ()
    """A contest's first page: the models its articles are about, in title order."""
    province_counts: tuple[tuple[str, str, int, int, str], ...] = ()
    """A contest's first page: (province name, its URL, models covered, models no article
    is about yet, the search that lists those), most covered first."""
    field_counts: tuple[tuple[FieldOfWork, int], ...] = ()
    uncovered: int = 0
    """The hub's and a contest's first page: how many models no article is about yet."""
    uncovered_url: str = ""
    """The search that lists those models."""

    @property
    def card(self) -> str:
        """The list's social card (one for all its pages), relative to the site root."""
        return self.pagination.urls[0] + urls.CARD

    @property
    def feed(self) -> str:
        """The folder of the press feeds, on the hub's pages (the head links them)."""
        return urls.PRESS if self.index == "all" else ""


PageContext = (EntryPage | ListingPage | HubPage | HomePage | SearchPage | DataPage | StatsPage
               | PressPage)


@dataclass(frozen=True, slots=True)
class VirtualPage:
    """A page the plugin adds to MkDocs: where it lives, its template and its context."""

    src_uri: str
    title: str
    template: str
    context: PageContext
    description: str = ""
    markdown: str = ""
    """The Markdown MkDocs renders into ``page.content``; see ``source``."""

    @property
    def source(self) -> str:
        """``markdown``, or an entry page's body: read only for a page that renders, since
        a build after an edit restores 50,000 bodies undecoded (generator.core.model)."""
        if isinstance(self.context, EntryPage):
            return self.context.entry.body
        return self.markdown


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
