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
import hashlib
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation
from generator.catalogue.stats import StatFile, Stats, stat_files
from generator.core import urls
from generator.core.errors import ContentErrors, ImageProblem, Problem, display_path
from generator.core.model import Entry, Image
from generator.core.settings import SiteInfo, cache_dir
from generator.load.images import EXTENSIONS, rendition_name
from generator.pages.views import EntryPage, SitePages, StatsPage
from generator.publish.cards import Drawing, site_cards
from generator.publish.feeds import quiet_moment, render_feed, site_feeds
from generator.publish.headers import csp, headers_file
from generator.publish.opendata import (
    RowText,
    datapackage,
    stat_csv,
    stat_resources,
    tables,
    to_csv,
    to_json,
)
from generator.publish.renditions import SETTINGS, renditions

if TYPE_CHECKING:  # numpy's import is not for a build that has nothing to do
    from generator.publish.searchindex import SearchIndex


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file published as is: from ``content``, made by ``make``, or copied from ``path``."""

    dest_uri: str
    content: str | bytes | None = None
    path: Path | str | None = None
    """A string where tens of thousands are listed and few published (the cards)."""
    listed: bool = False
    """Whether it is a document a reader may cite or link (listed in urls.txt)."""
    make: Callable[[], str | bytes] | None = None
    """Makes the content, only when the file is published: for the files of each entry,
    whose ``key`` is known without making them (an edit publishes a handful of 150,000)."""
    key: str = ""
    """Changes whenever the file would, known without making or reading it: needed with
    ``make``; with ``path``, for a file named by a digest of its contents (a card)."""
    cached: bool = False
    """``path`` is in the build cache, which replaces its files whole and never writes
    into one: the site may share the file (a hard link) rather than copy it."""

    @property
    def digest(self) -> str:
        """Changes whenever the published file would: its text, or its source's size and time."""
        if self.content is not None:
            data = self.content.encode() if isinstance(self.content, str) else self.content
            return hashlib.blake2b(data, digest_size=16).hexdigest()
        if self.key:
            return self.key
        assert self.path is not None
        info = Path(self.path).stat()
        return f"{self.path}:{info.st_size}:{info.st_mtime_ns}"

    def source(self) -> str | bytes | Path:
        """What the published file holds: its text or bytes, or the file to copy."""
        if self.content is not None:
            return self.content
        if self.make is not None:
            return self.make()
        assert self.path is not None
        return Path(self.path)


def _entry_file(dest_uri: str, make: Callable[[], str | bytes], key: str) -> StaticFile:
    """A file made from entries: made when published if ``key`` (from the entries'
    digests) can tell when it changes, else now."""
    if key:
        return StaticFile(dest_uri, make=make, key=f"{dest_uri}:{key}", listed=True)
    return StaticFile(dest_uri, content=make(), listed=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRendition(StaticFile):
    """One width and format of an entry image, made from the image when it is published.

    Made then, and not when the list of files is, so that a build in which the
    image did not change does not read it, and ``dvk check --published`` never does.
    """

    image: Image
    width: int
    extension: str
    cache_dir: Path
    """Where renditions are kept, by a digest of the source's bytes (generator/load/images.py)."""
    entry_file: str
    """The entry file, as problems name it."""
    index: int
    """The image's place in the entry's ``images``."""

    @property
    def digest(self) -> str:
        """Changes whenever the source file does (its size and time), or the processing."""
        try:
            info = self.image.path.stat()
        except OSError:
            return "gone"  # publishing it reports the missing file, at its line
        return f"{self.image.path}:{info.st_size}:{info.st_mtime_ns}:{SETTINGS}"

    def source(self) -> Path:
        """The rendition in the cache, processed now if it is not there yet."""
        try:
            folder = renditions(self.image.path, self.image.src, self.image.widths,
                                self.cache_dir)
        except ImageProblem as problem:
            # The header was checked when the entry loaded; this is a damaged body,
            # or a file changed since: the same kind of problem, at the same line.
            raise ContentErrors([Problem(
                self.entry_file, self.image.line, f"images[{self.index}].src",
                problem.vi, problem.en, rule=problem.rule,
            )]) from problem
        return folder / rendition_name(self.width, self.extension)


def image_files(entry: Entry, cache_dir: Path, entry_file: str) -> Iterator[ImageRendition]:
    """The published files of an entry's images: each width, as WebP and as JPEG."""
    for index, image in enumerate(entry.images):
        for width in image.widths:
            for extension in EXTENSIONS:
                yield ImageRendition(
                    f"{entry.url}{image.file_name(width, extension)}",
                    image=image, width=width, extension=extension, cache_dir=cache_dir,
                    entry_file=entry_file, index=index, cached=True,
                )


def citations(site_pages: SitePages) -> dict[str, Citation]:
    """Each entry's citation, by entry id."""
    return {page.context.entry.id: page.context.cite for page in site_pages.pages.values()
            if isinstance(page.context, EntryPage)}


def published_files(
    catalogue: Catalogue, site_pages: SitePages, cards: Drawing | None = None, *,
    search: SearchIndex | None = None, rows: RowText | None = None,
) -> Iterable[StaticFile]:
    """Every file made from the catalogue: redirects, images, citations, feeds, data, the
    search index, robots.

    Also ``_headers``, the HTTP headers the host should send (generator/publish/headers.py).

    With ``cards`` (``draw_cards``), the social cards too, named by what they show:
    the caller waits for the drawing before it publishes them. With ``search``, the
    search index, brought up to date by what changed since it last indexed. With
    ``rows``, the open-data rows of the last build, only the rows of changed entries
    are made.
    """
    yield from _made_files(catalogue, site_pages, citations(site_pages), search, rows)
    if cards is not None:
        for dest, name in cards.found.items():
            yield StaticFile(dest, path=f"{cards.cache_dir}/{name}", key=name, cached=True)


def draw_cards(catalogue: Catalogue, site_pages: SitePages, cards_dir: Path) -> Drawing:
    """The social cards not cached yet, drawn on every core from now on, while the build
    goes on (a first build's search index and pages read): ``Drawing.wait`` joins it."""
    return Drawing(site_cards(site_pages, catalogue), cards_dir)


def _made_files(
    catalogue: Catalogue, site_pages: SitePages, cites: dict[str, Citation],
    search: SearchIndex | None, rows: RowText | None,
) -> Iterator[StaticFile]:
    """``published_files`` but the cards."""
    site = catalogue.settings.site
    images_dir = cache_dir(catalogue.settings.root) / "images"
    for entry in catalogue.entries:
        cite = cites[entry.id]
        key = cite.key
        yield _entry_file(f"{entry.url}{urls.CITE_JSON}", cite.csl_json, key)
        yield _entry_file(f"{entry.url}{urls.CITE_RIS}", cite.ris, key)
        for old_id in entry.redirect_from:
            old = urls.entry(old_id)
            yield _entry_file(f"{old}index.html", partial(redirect_page, entry, site), key)
            # A download cannot redirect: its old address keeps serving it.
            yield _entry_file(f"{old}{urls.CITE_JSON}", cite.csl_json, key)
            yield _entry_file(f"{old}{urls.CITE_RIS}", cite.ris, key)
        if entry.images:
            yield from image_files(entry, images_dir,
                                   display_path(entry.path, catalogue.settings.root))
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
        yield _entry_file(table.csv_path, partial(to_csv, table, text), key)
        yield _entry_file(table.json_path, partial(to_json, table, text), key)
    counted = statistics(catalogue, site_pages)
    for stat in counted:
        yield StaticFile(stat.path, content=stat_csv(stat), listed=True)
    yield StaticFile(urls.DATAPACKAGE,
                     content=datapackage(catalogue, found, stat_resources(counted)),
                     listed=True)
    # Found through the search page, never cited: not in urls.txt, so the URL guard,
    # which only lists URLs, skips writing the index (no ``search``).
    for name, data in (search.update(catalogue) if search is not None else {}).items():
        yield StaticFile(f"{urls.SEARCH_INDEX}{name}", content=data)
    yield StaticFile(urls.ROBOTS, content=robots(site))
    yield StaticFile(urls.HEADERS, content=headers_file())


def statistics(catalogue: Catalogue, site_pages: SitePages) -> list[StatFile]:
    """The CSV files of /thong-ke/: made from the page's own counts, so they say the same."""
    page = site_pages.pages.get(urls.numbered_source(urls.STATS, 1))
    if page is not None and isinstance(page.context, StatsPage):
        return list(page.context.files.values())
    return stat_files(Stats.of(catalogue))


def redirect_page(entry: Entry, site: SiteInfo) -> str:
    """A page at an old id that sends readers (and search engines) to the entry's URL."""
    target = site.absolute(entry.url) if site.url else f"../{entry.id}/"
    title = html.escape(entry.title)
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp(meta=True)}">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>Trang đã chuyển tới <a href="{target}">{title}</a>.</p>\n</body>\n</html>\n'
    )


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
    site_pages: SitePages, doc_urls: Iterable[str], statics: Iterable[StaticFile]
) -> list[str]:
    """Every permanent URL of the site, as root-relative paths, sorted."""
    found = {"/" + url for url in doc_urls}
    found |= {"/" + urls.page_url(uri) for uri in site_pages.pages}
    found |= {"/" + s.dest_uri.removesuffix("index.html") for s in statics if s.listed}
    # Pages 2, 3 … of an index move as entries come and go: they are not permanent URLs.
    return sorted(url for url in found if f"/{urls.PAGER}" not in url)


def write_manifest(site_dir: Path, published: Sequence[str]) -> None:
    """``urls.txt``: one URL path per line, what ``dvk check --published`` compares against."""
    site_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{url}\n" for url in published)
    (site_dir / urls.MANIFEST).write_text(lines, encoding="utf-8")
