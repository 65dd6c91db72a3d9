"""What a build hands the MkDocs plugin: the checked content, and what to make of it.

Kept apart from the plugin so that the build loop and the builder name a plan
without the plugin's MkDocs lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.catalogue.catalogue import Catalogue
from generator.core.progress import Progress, Silent
from generator.pages.views import SitePages
from generator.publish.opendata import RowText
from generator.publish.searchaside import Aside

if TYPE_CHECKING:
    from generator.publish.searchindex import SearchIndex


def new_search_index(saved: Path | None = None, salt: str = "") -> SearchIndex:
    """The search index ``saved`` holds under ``salt``, or an empty one. Imported when
    first needed: numpy's import is a tenth of a second that a build with nothing to do
    never needs."""
    from generator.publish.searchindex import SearchIndex

    return (saved and SearchIndex.restore(saved, salt)) or SearchIndex()


def nav_sources(items: Any) -> set[str]:
    """Source URIs of the pages the nav config names: every build must have them read."""
    found: set[str] = set()
    if isinstance(items, str):
        if items.endswith(".md"):
            found.add(items)
    elif isinstance(items, dict):
        for value in items.values():
            found |= nav_sources(value)
    elif isinstance(items, list):
        for value in items:
            found |= nav_sources(value)
    return found


@dataclass(frozen=True, slots=True)
class Selection:
    """What an incremental build makes: generated pages by source URI, static files by dest."""

    pages: frozenset[str]
    statics: frozenset[str]
    groups: frozenset[str] = frozenset()
    """Entries (by id) whose every file is made (``Publication.groups``); their files'
    dest URIs are in ``statics`` too."""
    same_urls: bool = False
    """The site publishes the URLs of the last build: its urls.txt stands (210,000 lines
    at 50,000 entries)."""
    preview: bool = False
    """Only the selected generated pages are rendered, and no static file, sitemap or
    urls.txt is made: ``dvk serve``'s first look at an edit (generator/build/preview.py)."""


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """What a build hands the plugin (``ShowcasePlugin.prepare``): the content, checked, and
    what to make of it. Without one (a plain ``mkdocs build``), the plugin loads its own."""

    catalogue: Catalogue
    site_pages: SitePages
    selection: Selection | None = None
    """An incremental build's pages and static files; None makes every one."""
    progress: Progress = field(default_factory=Silent)
    """The progress bar of a build on a terminal."""
    search: SearchIndex | None = None
    """The search index to bring up to date, which ``dvk serve`` keeps from build to
    build (an edit re-indexes only what it touches); None makes a new one."""
    rows: RowText | None = None
    """The open-data rows of the last build, kept like the search index."""
    search_aside: Aside | None = None
    """Set by a build that needs no index afterwards (``dvk build``): the index is made
    in a forked process while the pages are read and rendered, instead of ``search``
    (generator/publish/searchaside.py)."""
    offline: bool = True
    """Pages register the service worker that keeps them for reading offline
    (generator/publish/offline.py). Not in ``dvk serve``, where the shell it keeps would
    hide an edit of the theme: that site gets a worker that removes itself."""
