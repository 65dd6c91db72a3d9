"""Build the site into a temporary folder and swap it into place.

A failed or interrupted build must leave the previous site/ exactly as it was,
so MkDocs never writes into site/ itself: it writes a sibling folder, which
replaces site/ only once the whole build has succeeded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig

from generator.build.journal import replace_in_place
from generator.build.preview import Shown, edited_entries, show_edits
from generator.build.staging import staging_folder, sweep_abandoned
from generator.build.state import (
    STATE_VERSION,
    BuildState,
    Inputs,
    forget_state,
    inputs,
    previous_state,
    record_state,
    state_file,
)
from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.check.file import EntryCache
from generator.check.press import PressCache
from generator.core import cachefile, urls
from generator.core.cachefile import collector_on_new_objects, collector_paused
from generator.core.errors import Problem
from generator.core.folders import discard, swap
from generator.core.interrupts import stop_if_interrupted
from generator.core.progress import Progress, Silent
from generator.core.provinces import default_registry
from generator.core.settings import cache_dir
from generator.load.history import file_dates
from generator.pages.digests import page_digest
from generator.pages.site import build_pages
from generator.publish.artefacts import GROUP, Publication
from generator.publish.entryfiles import usual_files
from generator.publish.opendata import RowText
from generator.publish.searchaside import Aside
from generator.render.config import PLUGIN_NAME, load_site_config, settings_from
from generator.render.loop import render_site
from generator.render.plan import BuildPlan, Selection, nav_sources, new_search_index
from generator.render.plugin import ShowcasePlugin

if TYPE_CHECKING:
    from generator.publish.searchindex import SearchIndex

log = logging.getLogger("mkdocs.commands.serve")
SEARCH_INDEX = "search-index.pickle"
SAVING = "saving.lock"
"""Held by the process that saves a build's caches for the next (``cachefile.in_background``)."""
BACKGROUND_SHARDS = 8
"""Entry cache shards worth a forked saver: an edit changes one, saved at once."""
ROWS = "open-data-rows.pickle"
PRESS = "press-records.pickle"
"""In the build cache: what a build keeps for the next process, so an edit rebuilds fast."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A loaded config and its checked catalogue."""

    config: MkDocsConfig
    plugin: ShowcasePlugin
    catalogue: Catalogue


def load(config_file: Path, *, strict: bool = False) -> Loaded:
    """Load the config and check every entry; raise ``ContentErrors`` on any error.

    In strict mode warnings count as errors.
    """
    return check(load_site_config(config_file, strict=strict), strict=strict)


def check(config: MkDocsConfig, *, strict: bool = False, cache: EntryCache | None = None,
          now: Inputs | None = None, press: PressCache | None = None) -> Loaded:
    """Check every entry of a loaded config; raise ``ContentErrors`` on any error.

    ``now``, the inputs the caller has just listed (the (size, mtime) of each entry
    file and press record), saves listing and stat-ing them again.
    """
    plugin = config.plugins[PLUGIN_NAME]
    assert isinstance(plugin, ShowcasePlugin)
    settings = settings_from(plugin.config, config)
    catalogue = load_catalogue(
        settings, strict=strict, cache=cache, listed=now.entry_files if now else None,
        press=press, press_listed=now.press_files if now else None)
    return Loaded(config, plugin, catalogue)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A build that found nothing to do: the inputs are those of the last build."""

    entries: int
    site_dir: str
    warnings: tuple[Problem, ...]


def _search_aside(kept: Path, salt: str, before: BuildState | None) -> Aside:
    """The search index of a build that needs it no more once made: made in a forked
    process, from the one the last build kept, and kept for the next.

    With ``before``, the state of the site the build updates, only the files that
    changed are written.
    """
    return Aside(kept / "search-aside", partial(new_search_index, kept / SEARCH_INDEX, salt),
                 partial(_keep_search, kept, salt),
                 {} if before is None else {dest: digest for dest, digest in before.statics.items()
                                            if dest.startswith(urls.SEARCH_INDEX)})


def _keep_search(kept: Path, salt: str, index: SearchIndex) -> None:
    """Save a search index made aside for the next build, as ``Builder._saves`` would."""
    cachefile.in_background([partial(index.save, kept / SEARCH_INDEX, salt)], kept / SAVING)


def _kept(entry_id: str, dests: tuple[str, ...]) -> tuple[str, ...]:
    """An entry's files as the build state keeps them: () for ``usual_files``, which
    halves the state an edit's build loads and saves (150,000 strings at 50,000 entries)."""
    return () if dests == usual_files(entry_id) else dests


class Builder:
    """Builds one site, again and again: what ``dvk build`` runs once and ``dvk serve`` keeps.

    A build is full when the config, theme, generator or editorial pages
    changed, or when site/ is not the folder the last build made. Otherwise it
    is incremental: it renders only the pages whose inputs changed (an edited
    entry's page and the index pages that list it), and makes only the changed
    images, citations and search index files. A full build makes the new site
    in a staging folder, which replaces site/ in one step; an incremental one
    moves its few files into site/ under a journal (generator/build/journal.py).
    Either way a build that fails, is interrupted or is killed leaves site/
    exactly as it was.
    """

    def __init__(self, config_file: Path, *, strict: bool = False,
                 progress: Progress | None = None, site_dir: Path | None = None,
                 once: bool = False, offline: bool = True) -> None:
        self.config_file = config_file
        self.strict = strict
        self.progress = progress
        self.site_dir = site_dir
        """Where to build, instead of the config's site_dir (``dvk serve`` builds in the cache)."""
        self.once = once
        """Build once (``dvk build``), not again and again (``dvk serve``): what only the
        next build needs is released once saved."""
        self.offline = offline
        """Whether the site's pages register the service worker (``BuildPlan.offline``)."""
        self._lock = threading.Lock()
        self.entry_cache = EntryCache()
        """Entries already read, by this process or saved by another: what makes a rebuild fast."""
        self.press_cache = PressCache()
        """Press records already read, likewise."""
        self._restored = False
        self.search_index: SearchIndex | None = None
        """The search index of the last build, which the next one updates by what changed."""
        self.rows: RowText | None = None
        """The open-data rows of the last build, likewise."""
        self._shown: Shown | None = None
        """What the last build showed, which ``preview`` swaps edited entries into."""
        self.last_mode = ""
        """"full", "incremental" or "unchanged": what the last ``build`` did."""

    def build(self, *, clean: bool = False) -> Loaded | Unchanged:
        """Build site/; see the class for what is rebuilt."""
        with self._lock:
            return self._build(clean)

    def _build(self, clean: bool) -> Loaded | Unchanged:
        config = load_site_config(self.config_file, strict=self.strict)
        if self.site_dir is not None:
            config.site_dir = str(self.site_dir)
        now = inputs(config, strict=self.strict)
        deleting = discard(cache_dir(Path(config.config_file_path).parent)) if clean else None
        try:
            with collector_paused():
                return self._build_from(config, now, clean)
        finally:
            if deleting is not None:
                deleting.wait()

    def _build_from(self, config: MkDocsConfig, now: Inputs, clean: bool) -> Loaded | Unchanged:
        final = Path(config.site_dir)
        sweep_abandoned(final)  # first: a killed build's journal holds the last state
        before = None if clean else previous_state(config)
        if before is not None and (before.shared, before.entries) == (now.shared, now.entries):
            self.last_mode = "unchanged"
            return Unchanged(before.entry_count, str(final), before.problems())
        loaded = self._check(config, now)
        kept = cache_dir(Path(config.config_file_path).parent)
        if self.search_index is None and not self.once:
            self.search_index = new_search_index(kept / SEARCH_INDEX, now.shared)
        if self.search_index is not None:
            self.search_index.last_update = ""
        if self.rows is None:
            saved = cachefile.load(kept / ROWS, now.shared)
            self.rows = saved if isinstance(saved, RowText) else RowText()
        catalogue = loaded.catalogue
        dates = file_dates(catalogue.settings.content_dir)
        full = before is None or before.shared != now.shared
        plan = BuildPlan(
            catalogue, build_pages(catalogue, dates),
            progress=self.progress or Silent(), search=self.search_index, rows=self.rows,
            search_aside=_search_aside(kept, now.shared, None if full else before)
            if self.once else None,
            offline=self.offline,
        )
        loaded.plugin.prepare(plan)
        published = loaded.plugin.statics()
        state = BuildState(
            shared=now.shared, entries=now.entries, site=str(final), site_id="",
            pages={uri: page_digest(p) for uri, p in plan.site_pages.pages.items()},
            statics=published.digests(), groups={},
            listed=tuple(sorted(dest for dest, f in published.files.items() if f.listed)),
            entry_count=len(catalogue.entries),
            warnings=[{**asdict(w), "severity": w.severity.value} for w in catalogue.warnings],
            version=STATE_VERSION,
        )
        if before is not None and not full:
            # Saved on the other core while the few changed pages render, and after.
            cachefile.in_background(self._saves(kept, now.shared), kept / SAVING)
            self._incremental(loaded, plan, before, state, published)
            self.last_mode = "incremental"
        else:
            # Saved while MkDocs reads the pages, which leaves a core idle.
            cachefile.in_background(self._saves(kept, now.shared), kept / SAVING)
            self._full(loaded)
            if published.search_aside is not None:
                state.statics.update(published.search_aside.wait())
            state.groups = {entry_id: _kept(entry_id, tuple(f.dest_uri for f in group.files()))
                            for entry_id, group in published.groups.items()}
            record_state(config, final, state)
            self.last_mode = "full"
        if not self.once:
            self._shown = Shown.of(catalogue, plan.site_pages, dates)
        return loaded

    def preview(self, paths: Collection[str]) -> bool:
        """Publish what an edit of the entry files ``paths`` changed in their pages and the
        search index, ahead of the build that follows (generator/build/preview.py).

        False when the change is not one a preview shows: only the build will.
        """
        with self._lock, collector_paused():
            shown, search = self._shown, self.search_index
            if shown is None or search is None:
                return False
            edited = edited_entries(shown, paths, self.entry_cache, strict=self.strict)
            if edited is None:
                return False
            config = load_site_config(self.config_file, strict=self.strict)
            if self.site_dir is not None:
                config.site_dir = str(self.site_dir)
            show_edits(config, shown, edited, search)
            return True

    def _saves(self, kept: Path, salt: str) -> list[Callable[[], None]]:
        """What this build updated, to keep in the build cache for the next process."""
        assert self.rows is not None
        saves: list[Callable[[], None]] = []
        if self.search_index is not None and self.search_index.last_update:
            saves.append(partial(self.search_index.save, kept / SEARCH_INDEX, salt))
        if self.rows.changed:
            saves.append(partial(cachefile.save, kept / ROWS, salt, self.rows))
            self.rows.changed = False
        return saves

    def _check(self, config: MkDocsConfig, now: Inputs) -> Loaded:
        """``check``, with the entries a previous process saved in the build cache."""
        store = cache_dir(Path(config.config_file_path).parent) / "entries"
        if not self._restored:
            self._restored = True
            plugin = config.plugins[PLUGIN_NAME]
            assert isinstance(plugin, ShowcasePlugin)
            settings = settings_from(plugin.config, config)
            # The last build may still be saving what this one restores.
            cachefile.wait_for_saves(store.with_name(SAVING))
            self.entry_cache.restore(store, now.shared, settings, default_registry())
            self.press_cache.restore(store.with_name(PRESS), now.shared)
        try:
            return check(config, strict=self.strict, cache=self.entry_cache, now=now,
                         press=self.press_cache)
        finally:  # what was read stays read, even when an entry has an error
            many = self.entry_cache.unsaved > BACKGROUND_SHARDS
            saves = [save for save in (self.entry_cache.save_later(store, now.shared),
                                       self.press_cache.save_later(store.with_name(PRESS),
                                                                   now.shared))
                     if save is not None]
            if many:  # a first build: two seconds of pickling, on the core the build leaves idle
                cachefile.in_background(saves, store.with_name(SAVING))
            else:
                for save in saves:
                    save()

    def _full(self, loaded: Loaded) -> None:
        with (staging_folder(loaded.config) as (staging, final),
              collector_on_new_objects(collect_first=True)):
            render_site(loaded.config, None)
            stop_if_interrupted()  # one a library swallowed while rendering
            forget_state(loaded.config, final)
            swap(staging, final, later=True)

    def _incremental(
        self, loaded: Loaded, plan: BuildPlan, before: BuildState, now: BuildState,
        published: Publication,
    ) -> None:
        config = loaded.config
        pages = {uri for uri, d in now.pages.items() if before.pages.get(uri) != d}
        changed = {key for key, d in now.statics.items() if not d or before.statics.get(key) != d}
        statics = {key for key in changed if not key.startswith(GROUP)}
        entry_ids = {key.removeprefix(GROUP) for key in changed - statics}
        # Unchanged entries publish the files they did: their groups are not made.
        now.groups = {entry_id: before.groups[entry_id] for entry_id in published.groups
                      if entry_id not in entry_ids and entry_id in before.groups}
        entry_ids |= published.groups.keys() - now.groups.keys()
        for entry_id in entry_ids:
            dests = tuple(f.dest_uri for f in published.groups[entry_id].files())
            now.groups[entry_id] = _kept(entry_id, dests)
            statics.update(dests)
        gone = [urls.page_output(uri) for uri in before.pages.keys() - now.pages.keys()]
        aside = published.search_aside  # its files are known once the pages are rendered
        left = {key for key in before.statics.keys() - now.statics.keys()
                if not key.startswith(GROUP)
                and not (aside and key.startswith(urls.SEARCH_INDEX))}
        for entry_id, kept in before.groups.items():
            if entry_id in entry_ids or entry_id not in now.groups:
                left.update(kept or usual_files(entry_id))
        gone += left - statics - now.statics.keys()
        # The nav needs its pages in every build; they are few.
        pages |= nav_sources(config.nav) & now.pages.keys()
        # The URLs are those of the last build when the same pages and cited files are
        # published, and the changed entries publish the files they did (redirects).
        same_urls = (before.pages.keys() == now.pages.keys() and before.listed == now.listed
                     and before.groups.keys() == now.groups.keys()
                     and all(before.groups.get(i) == now.groups[i] for i in entry_ids))
        selection = Selection(frozenset(pages), frozenset(statics), frozenset(entry_ids),
                              same_urls=same_urls)
        loaded.plugin.prepare(replace(plan, selection=selection))
        with staging_folder(config) as (staging, final), collector_on_new_objects():
            render_site(config, selection)
            if aside is not None:
                now.statics.update(aside.wait())
                gone += aside.removed()
            stop_if_interrupted()  # one a library swallowed while rendering
            replace_in_place(staging, final, gone, state_file(config, final),
                             lambda: record_state(config, final, now))


def build(
    config_file: Path, *, strict: bool = False, clean: bool = False,
    progress: Progress | None = None,
) -> Loaded | Unchanged:
    """Check, then build the site (incrementally when it can), replacing site/ only on success."""
    return Builder(config_file, strict=strict, progress=progress, once=True).build(clean=clean)


