"""``dvk serve``'s first look at an edit: the edited entries' pages and search index first.

The incremental build after an edit takes about 3 s at 50,000 entries: it derives
the catalogue, every index page, the feeds, the open data and the cards again, to
find the thirty files the edit changed. The editor is waiting for one page, and
for the search to find its new words. So when only entry files changed, and each
is still the same entry (same id), read without an error, ``dvk serve`` first:

1. swaps the edited entries into the last build's catalogue;
2. renders their pages, and nothing else;
3. brings the search index up to date with that catalogue;
4. moves those files into the served site, and the browsers reload.

The incremental build follows at once, as it would have anyway. It makes the rest
(index pages, feeds, data, cards), checks every entry again, and records the
build state. That state is the only one there is, and it still describes the
site before the edit, so whatever this step wrote, the build writes again. That
is also why this step keeps no journal: if the process dies after it, the next
build finds the old state and rewrites those files.

Anything else goes straight to the build: a new, moved or deleted file, an image,
the config or theme, or an entry with an error, which the build reports.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig

from generator.build.journal import move_unjournalled
from generator.build.staging import staging_folder
from generator.catalogue.catalogue import Catalogue
from generator.check.file import EntryCache
from generator.core import urls
from generator.core.errors import Severity
from generator.core.model import Entry
from generator.load.history import FileDates
from generator.pages.site import entry_page
from generator.pages.views import SitePages
from generator.render.config import PLUGIN_NAME
from generator.render.loop import render_site
from generator.render.plan import BuildPlan, Selection
from generator.render.plugin import ShowcasePlugin

if TYPE_CHECKING:
    from generator.publish.searchindex import SearchIndex


@dataclass(frozen=True, slots=True)
class Shown:
    """What the last successful build made its pages from: what a preview edits."""

    catalogue: Catalogue
    site_pages: SitePages
    dates: Mapping[str, FileDates]
    by_path: dict[str, Entry]
    """The catalogue's entries by file path: made with the build, not with the preview."""

    @classmethod
    def of(cls, catalogue: Catalogue, site_pages: SitePages,
           dates: Mapping[str, FileDates]) -> Shown:
        """What a build made its pages from."""
        return cls(catalogue, site_pages, dates, {str(e.path): e for e in catalogue.entries})


def edited_entries(shown: Shown, paths: Collection[str], cache: EntryCache, *,
                   strict: bool) -> list[Entry] | None:
    """The entries ``paths`` now hold, if every path is an entry file of the last build
    that still reads without an error (nor a warning, when ``strict``), under the same
    id; else None, and the whole build shows the change."""
    settings = shown.catalogue.settings
    before = {p: shown.by_path[p] for p in paths if p in shown.by_path}
    # An editor that saves through a temporary file leaves its name among the changes:
    # gone by now, and never an entry. Any other file is not an entry of the last build.
    if not before or any(p not in before and os.path.lexists(p) for p in paths):
        return None
    edited = []
    for path, old in before.items():
        if not old.path.is_file():
            return None  # deleted
        entry, problems = cache.load(path, settings, shown.catalogue.registry)
        if entry is None or entry.id != old.id or any(
                strict or p.severity is Severity.ERROR for p in problems):
            return None
        edited.append(entry)
    return edited


def show_edits(config: MkDocsConfig, shown: Shown, edited: list[Entry],
               search: SearchIndex) -> None:
    """Publish the pages of ``edited`` and the search index files they change into the
    config's site folder (the served one), each file replaced whole."""
    catalogue = shown.catalogue.with_edited(edited)
    pages = SitePages(dict(shown.site_pages.pages), shown.site_pages.home)
    for entry in edited:
        page = entry_page(entry, catalogue.settings.site, shown.dates,
                          catalogue.press_by_entry.get(entry.id, ()))
        pages.pages[page.src_uri] = page
    before = dict(search.files)
    after = search.update(catalogue)
    selection = Selection(frozenset(urls.entry_source(e.id) for e in edited), frozenset(),
                          preview=True)
    plugin = config.plugins[PLUGIN_NAME]
    assert isinstance(plugin, ShowcasePlugin)
    plugin.prepare(BuildPlan(catalogue, pages, selection))
    with staging_folder(config) as (staging, final):
        render_site(config, selection)
        for name, data in after.items():
            if before.get(name) != data:
                path = staging / urls.SEARCH_INDEX / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        move_unjournalled(staging, final)
