"""Files published beside the pages: redirects, citations, feeds, open data, robots.txt,
_headers, the sitemap and the manifest of published URLs.

Each is made from the catalogue and the generated pages alone, so a partial
(incremental) build makes exactly the files a full one would. Each is a path
below the site and its bytes (or a file to copy): ``generator.render.files``
hands them to MkDocs, which this layer does not know.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation
from generator.catalogue.stats import StatFile, Stats, stat_files
from generator.core import urls
from generator.core.settings import SiteInfo, cache_dir
from generator.pages.views import EntryPage, SitePages, StatsPage
from generator.publish.cards import Drawing, site_cards
from generator.publish.editor import editor_files, has_editor
from generator.publish.entryfiles import EntryFiles, StaticFile, entry_file
from generator.publish.feeds import quiet_moment, render_feed, site_feeds
from generator.publish.headers import headers_file
from generator.publish.opendata import (
    RowText,
    datapackage,
    stat_csv,
    stat_resources,
    tables,
    to_csv,
    to_json,
)
from generator.publish.pressdata import (
    feed_key,
    press_csv,
    press_feed,
    press_json,
    press_key,
    press_resources,
)
from generator.publish.searchaside import Aside, IndexAside

if TYPE_CHECKING:  # numpy's import is not for a build that has nothing to do
    from generator.publish.searchindex import SearchIndex


def citations(site_pages: SitePages) -> dict[str, Citation]:
    """Each entry's citation, by entry id."""
    return {page.context.entry.id: page.context.cite for page in site_pages.pages.values()
            if isinstance(page.context, EntryPage)}


GROUP = "@"
"""Before an entry id: the key of its group of files among the files' dest URIs."""


@dataclass(frozen=True, slots=True)
class Publication:
    """Every file published beside the pages: each entry's as one group, the rest one by one."""

    files: dict[str, StaticFile]
    """By dest URI: feeds, open data, statistics, the search index, the index pages'
    cards, robots.txt, _headers; the fonts, which the plugin adds."""
    groups: dict[str, EntryFiles]
    """By entry id."""
    search_aside: IndexAside | None = None
    """The search index, when a forked process makes it (generator/publish/searchaside.py):
    its files are none of ``files``, and are moved into the site once the pages render."""

    def every_file(self) -> Iterator[StaticFile]:
        """Every file, each entry's made now (a full build, the URL guard)."""
        yield from self.files.values()
        for group in self.groups.values():
            yield from group.files()

    def listed(self) -> Iterator[str]:
        """The dest URIs of the files a reader may cite or link (urls.txt)."""
        yield from (dest for dest, file in self.files.items() if file.listed)
        for group in self.groups.values():
            yield from group.listed()

    def digests(self) -> dict[str, str]:
        """Each file's digest by dest URI, and each group's by ``GROUP`` and entry id."""
        found = {dest: file.digest for dest, file in self.files.items()}
        found.update((GROUP + entry_id, group.digest) for entry_id, group in self.groups.items())
        return found


def publication(
    catalogue: Catalogue, site_pages: SitePages, cards: Drawing | None = None, *,
    search: SearchIndex | None = None, rows: RowText | None = None,
    aside: Aside | None = None,
) -> Publication:
    """Every file made from the catalogue: redirects, images, citations, feeds, data, the
    search index, robots.

    Also ``_headers``, the HTTP headers the host should send (generator/publish/headers.py).

    With ``cards`` (``draw_cards``), the social cards too, named by what they show:
    the caller waits for the drawing before it publishes them. With ``search``, the
    search index, brought up to date by what changed since it last indexed. With
    ``rows``, the open-data rows of the last build, only the rows of changed entries
    are made. With ``aside`` instead, the search index is made in a forked process.
    """
    cites = citations(site_pages)
    settings = catalogue.settings
    images_dir = cache_dir(settings.root) / "images"
    drawn = dict(cards.found) if cards is not None else {}
    cards_dir = cards.cache_dir if cards is not None else ""
    groups = {}
    for entry in catalogue.entries:
        card_dest = f"{entry.url}{urls.CARD}"
        name = drawn.pop(card_dest, None)
        groups[entry.id] = EntryFiles(cites[entry.id], settings.site, images_dir, settings.root,
                                      (card_dest, f"{cards_dir}/{name}") if name else None)
    made_aside = None
    if aside is not None:
        made_aside = IndexAside(catalogue, aside)
        search = None
    try:
        files = {f.dest_uri: f
                 for f in _site_files(catalogue, site_pages, cites, search, rows)}
    except BaseException:
        if made_aside is not None:
            made_aside.stop()
        raise
    for dest, name in drawn.items():  # the index pages' and the site's cards
        files[dest] = StaticFile(dest, path=f"{cards_dir}/{name}", key=name, cached=True)
    return Publication(files, groups, made_aside)


def draw_cards(catalogue: Catalogue, site_pages: SitePages, cards_dir: Path) -> Drawing:
    """The social cards not cached yet, drawn on every core from now on, while the build
    goes on (a first build's search index and pages read): ``Drawing.wait`` joins it."""
    return Drawing(site_cards(site_pages, catalogue), cards_dir)


def _site_files(
    catalogue: Catalogue, site_pages: SitePages, cites: dict[str, Citation],
    search: SearchIndex | None, rows: RowText | None,
) -> Iterator[StaticFile]:
    """``publication``'s files that are not an entry's, but the cards."""
    site = catalogue.settings.site
    quiet = quiet_moment(catalogue, cites)
    for feed in site_feeds(catalogue):
        atom, rss = render_feed(feed, cites, catalogue, quiet)
        yield StaticFile(feed.atom_path, content=atom, listed=True)
        yield StaticFile(feed.rss_path, content=rss, listed=True)
    found = tables(catalogue, cites)
    text = rows if rows is not None else RowText()
    text.keep_only(cites)
    for cite in cites.values():  # rows made now, to be kept by the build cache
        text.csv_line(cite)
    for table in found:
        # After an edit, the tables of its province and of every entry are written:
        # the other 33 are unchanged.
        key = table.key
        yield entry_file(table.csv_path, partial(to_csv, table, text), key)
        yield entry_file(table.json_path, partial(to_json, table, text), key)
    # Made only when what they show changed: 20,000 articles are 4 MB of CSV and JSON.
    news, key = feed_key(catalogue, quiet), press_key(catalogue)
    yield entry_file(urls.PRESS + urls.ATOM, lambda: press_feed(catalogue, quiet)[0], news)
    yield entry_file(urls.PRESS + urls.RSS, lambda: press_feed(catalogue, quiet)[1], news)
    yield entry_file(urls.data_table(urls.PRESS_TABLE, "csv"),
                     partial(press_csv, catalogue.press), key)
    yield entry_file(urls.data_table(urls.PRESS_TABLE, "json"),
                     partial(press_json, catalogue.press), key)
    counted = statistics(catalogue, site_pages)
    for stat in counted:
        yield StaticFile(stat.path, content=stat_csv(stat), listed=True)
    yield StaticFile(urls.DATAPACKAGE,
                     content=datapackage(catalogue, found,
                                         [*press_resources(), *stat_resources(counted)]),
                     listed=True)
    # Found through the search page, never cited: not in urls.txt, so the URL guard,
    # which only lists URLs, skips writing the index (no ``search``).
    for name, data in (search.update(catalogue) if search is not None else {}).items():
        yield StaticFile(f"{urls.SEARCH_INDEX}{name}", content=data)
    yield StaticFile(urls.ROBOTS, content=robots(site))
    settings = catalogue.settings
    yield StaticFile(urls.HEADERS,
                     content=headers_file(settings if has_editor(settings) else None))
    yield from editor_files(settings)


def statistics(catalogue: Catalogue, site_pages: SitePages) -> list[StatFile]:
    """The CSV files of /thong-ke/: made from the page's own counts, so they say the same."""
    page = site_pages.pages.get(urls.numbered_source(urls.STATS, 1))
    if page is not None and isinstance(page.context, StatsPage):
        return list(page.context.files.values())
    return stat_files(Stats.of(catalogue))


def robots(site: SiteInfo) -> str:
    """Everything may be crawled; the sitemap is named when the site knows its address."""
    lines = ["User-agent: *", "Allow: /"]
    if site.url:  # the Sitemap line must be an absolute URL
        lines.append(f"Sitemap: {site.absolute(urls.SITEMAP)}")
    return "\n".join(lines) + "\n"


SITEMAP_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')


def sitemap_urls(
    site_pages: SitePages, doc_urls: Iterable[str]
) -> list[tuple[str, dt.date | None]]:
    """Every page's URL, with the date it last changed where known (entry pages)."""
    found: list[tuple[str, dt.date | None]] = [(url, None) for url in doc_urls]
    for page in site_pages.pages.values():
        modified = page.context.cite.modified if isinstance(page.context, EntryPage) else None
        found.append((urls.page_url(page.src_uri), modified))
    return sorted(found)


def write_sitemap(
    site_dir: Path, site: SiteInfo, pages: Sequence[tuple[str, dt.date | None]]
) -> None:
    """sitemap.xml and its gzip (reproducible: no timestamp inside), listing every page.

    ``lastmod`` is given only where an entry's last change is known; a build
    date on every page (as MkDocs writes) would tell crawlers nothing.
    """
    lines = [SITEMAP_HEAD]
    for url, modified in pages:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{html.escape(site.absolute(url))}</loc>{lastmod}</url>\n")
    lines.append("</urlset>\n")
    data = "".join(lines).encode()
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / urls.SITEMAP).write_bytes(data)
    (site_dir / f"{urls.SITEMAP}.gz").write_bytes(gzip.compress(data, mtime=0))


def manifest(
    site_pages: SitePages, doc_urls: Iterable[str], listed: Iterable[str]
) -> list[str]:
    """Every permanent URL of the site, as root-relative paths, sorted.

    ``listed``: the dest URIs of the published files that are documents
    (``Publication.listed``).
    """
    found = {"/" + url for url in doc_urls}
    found |= {"/" + urls.page_url(uri) for uri in site_pages.pages}
    found |= {"/" + dest.removesuffix("index.html") for dest in listed}
    # Pages 2, 3 … of an index move as entries come and go: they are not permanent URLs.
    return sorted(url for url in found if f"/{urls.PAGER}" not in url)


def write_manifest(site_dir: Path, published: Sequence[str]) -> None:
    """``urls.txt``: one URL path per line, what ``dvk check --published`` compares against."""
    site_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{url}\n" for url in published)
    (site_dir / urls.MANIFEST).write_text(lines, encoding="utf-8")
