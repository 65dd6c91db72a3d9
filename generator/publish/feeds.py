"""Atom and RSS feeds of the newest entries: the whole site, each province and each field.

Written with feedgen. Every date in a feed comes from the entries (never the
build's clock), so the same catalogue always gives the same bytes. A feed with
no entries yet still needs an ``updated``: SOURCE_DATE_EPOCH when the builder
sets it (https://reproducible-builds.org/specs/source-date-epoch/), else the
newest change of any entry.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.citation import Citation
from generator.core import urls
from generator.core.errors import ConfigError
from generator.core.model import Entry

FEED_SIZE = 20
"""Entries per feed: the newest ones."""
VIETNAM = dt.timezone(dt.timedelta(hours=7))
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
FIRST_DAY = dt.date(2000, 1, 1)
"""The ``updated`` of an empty feed on a site with no entries and no SOURCE_DATE_EPOCH."""


def source_date_epoch() -> dt.datetime | None:
    """The moment SOURCE_DATE_EPOCH names, if set; raise ``ConfigError`` if it is not a time."""
    raw = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not raw:
        return None
    if not raw.isdigit():  # the specification: an integer number of seconds, not negative
        raise ConfigError(f"{SOURCE_DATE_EPOCH}={raw!r}: không phải số giây (not a number "
                          "of seconds since 1970-01-01 UTC)")
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).astimezone(VIETNAM)


def quiet_moment(catalogue: Catalogue, cites: dict[str, Citation]) -> dt.datetime:
    """The ``updated`` of a feed without entries: see the module. Never the build's clock."""
    declared = source_date_epoch()
    if declared is not None:
        return declared
    days = [cites[e.id].modified or e.date for e in catalogue.entries]
    return moment(max(days, default=FIRST_DAY))


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed: where it lives (a folder URL, "" for the site) and what it lists."""

    folder: str
    title: str
    description: str
    entries: tuple[Entry, ...]

    @property
    def atom_path(self) -> str:
        """The Atom file, relative to the site root."""
        return self.folder + urls.ATOM

    @property
    def rss_path(self) -> str:
        """The RSS file, relative to the site root."""
        return self.folder + urls.RSS


def site_feeds(catalogue: Catalogue) -> list[Feed]:
    """The site's feed, then one per province and one per field."""
    by_province: dict[str, list[Entry]] = {}
    by_field: dict[str, list[Entry]] = {}
    for entry in catalogue.newest:  # one pass, newest first: each list stays in that order
        for bucket, key in ((by_province, entry.province.slug), (by_field, entry.field.slug)):
            found = bucket.setdefault(key, [])
            if len(found) < FEED_SIZE:
                found.append(entry)
    site_name = catalogue.settings.site.name
    feeds = [Feed("", site_name, "Các mô hình \"Dân vận khéo\" mới nhất.",
                  catalogue.newest[:FEED_SIZE])]
    # Every province and field has an index page, and each index page links
    # its own feed, so each gets one, even while it is empty.
    for province in catalogue.provinces:
        feeds.append(Feed(
            urls.index(urls.PROVINCES, province.slug), f"{site_name}: {province.full_name}",
            f"Các mô hình \"Dân vận khéo\" mới nhất của {province.full_name}.",
            tuple(by_province.get(province.slug, ()))))
    for field in catalogue.fields:
        feeds.append(Feed(
            urls.index(urls.FIELDS, field.slug), f"{site_name}: {field.label}",
            f"Các mô hình \"Dân vận khéo\" mới nhất, lĩnh vực {field.label}.",
            tuple(by_field.get(field.slug, ()))))
    return feeds


def render_feed(
    feed: Feed, cites: dict[str, Citation], catalogue: Catalogue,
    quiet: dt.datetime | None = None,
) -> tuple[str, str]:
    """The feed as (Atom, RSS) text; ``quiet`` is its ``updated`` if it has no entries."""
    site = catalogue.settings.site
    generator = FeedGenerator()
    page = site.absolute(feed.folder)
    generator.id(tag(site.url, feed.folder or "/"))
    generator.title(feed.title)
    generator.subtitle(feed.description)
    generator.description(feed.description)
    generator.language("vi")
    generator.author({"name": site.author})
    generator.generator("dvk")
    generator.link(href=page, rel="alternate")
    stamps = []
    for entry in reversed(feed.entries):  # feedgen puts each new item first
        cite = cites[entry.id]
        updated = moment(cite.modified or entry.date)
        stamps.append(updated)
        item = generator.add_entry()
        item.id(tag(site.url, entry.url))
        item.guid(cite.url, permalink=bool(site.url))
        item.title(entry.title)
        item.link(href=cite.url)
        item.summary(entry.summary)
        item.published(moment(entry.date))
        item.updated(updated)
        item.author({"name": site.author})
        for term, label in _categories(entry):
            item.category(term=term, label=label)
    latest = max(stamps, default=quiet or quiet_moment(catalogue, cites))
    generator.updated(latest)
    generator.lastBuildDate(latest)
    atom = with_self_link(generator, site.absolute(feed.atom_path)).atom_str(pretty=True)
    rss = with_self_link(generator, site.absolute(feed.rss_path)).rss_str(pretty=True)
    return atom.decode(), rss.decode()


def with_self_link(generator: FeedGenerator, href: str) -> FeedGenerator:
    links = [link for link in generator.link() if link.get("rel") != "self"]
    generator.link(links, replace=True)
    generator.link(href=href, rel="self")
    return generator


def _categories(entry: Entry) -> Iterable[tuple[str, str]]:
    yield entry.province.slug, entry.province.name
    yield entry.field.slug, entry.field.label


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=VIETNAM)


def tag(site_url: str, path: str) -> str:
    # A feed id must be an absolute IRI that never changes: the page's URL when
    # the site knows its address, else a URN built from the path alone.
    if site_url:
        return site_url + path.lstrip("/")
    return "urn:dvk:" + (path.strip("/") or "site")
