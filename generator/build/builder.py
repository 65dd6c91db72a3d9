"""Build the site into a temporary folder and swap it into place.

A failed or interrupted build must leave the previous site/ exactly as it was,
so MkDocs never writes into site/ itself: it writes a sibling folder, which
replaces site/ only once the whole build has succeeded.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.check.file import EntryCache
from generator.core import urls
from generator.core.errors import Problem, SearchIndexError, Severity
from generator.core.folders import discard, swap
from generator.core.progress import Progress, Silent
from generator.core.settings import cache_dir
from generator.load.history import file_dates, head
from generator.pages.digests import page_digest
from generator.pages.site import build_pages
from generator.publish.feeds import source_date_epoch
from generator.publish.search import (
    SearchIndexJob,
    start_search_index,
)
from generator.render.config import PLUGIN_NAME, load_site_config, settings_from
from generator.render.loop import render_site
from generator.render.plugin import BuildPlan, Selection, ShowcasePlugin, records_dir, site_key

STATE_VERSION = 2
"""Of the build state saved in the cache; another version means a full build."""
log = logging.getLogger("mkdocs.commands.serve")


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
          entry_files: dict[str, tuple[int, int]] | None = None) -> Loaded:
    """Check every entry of a loaded config; raise ``ContentErrors`` on any error.

    ``entry_files``, each entry file's (size, mtime) when the caller has just
    listed them, saves listing them again.
    """
    plugin = config.plugins[PLUGIN_NAME]
    assert isinstance(plugin, ShowcasePlugin)
    settings = settings_from(plugin.config, config)
    catalogue = load_catalogue(settings, strict=strict, cache=cache, listed=entry_files)
    return Loaded(config, plugin, catalogue)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A build that found nothing to do: the inputs are those of the last build."""

    entries: int
    site_dir: str
    warnings: tuple[Problem, ...]


def _files_state(
    root: Path, digest: Any, skipped: Path | None = None,
    entries: dict[str, tuple[int, int]] | None = None,
) -> None:
    # Path, size and mtime of every file: a stat per file, no reads, so that
    # 50,000 entries cost a fraction of a second. With ``entries``, the size
    # and mtime of each Markdown file are kept too, for the entry cache.
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            found = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        for item in found:
            if item.is_dir(follow_symlinks=False):
                if skipped is None or Path(item.path) != skipped:
                    stack.append(Path(item.path))
            else:
                try:
                    info = item.stat()
                except OSError:  # a broken link: the check reports it, the digest notes it
                    info = item.stat(follow_symlinks=False)
                digest.update(f"{item.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
                if entries is not None and item.name.endswith(".md"):
                    entries[item.path] = (info.st_size, info.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Digests of what a build reads, in two parts.

    ``shared`` covers what every page depends on: the config, the theme, the
    generator, the tools and the editorial pages. A change there rebuilds
    everything. ``entries`` covers the entry files and their images; a change
    there alone rebuilds only the pages it reaches.
    """

    shared: str
    entries: str
    entry_files: dict[str, tuple[int, int]]
    """Each entry file's path -> (size, mtime), as found while digesting them."""


def inputs(config: MkDocsConfig, *, strict: bool) -> Inputs:
    """The digests of every input of a build, from one stat per file."""
    from importlib.metadata import version

    plugin = config.plugins[PLUGIN_NAME]
    docs = Path(config.docs_dir)
    entries_dir = docs / plugin.config.entries_dir.strip("/")
    shared = hashlib.sha256()
    shared.update(Path(config.config_file_path).read_bytes())
    shared.update(f"strict={strict}".encode())
    # The config file may take these from the environment (!ENV).
    shared.update(f"{config.site_url}|{config.repo_url}|{config.edit_uri}".encode())
    # Empty feeds are dated by it (generator/publish/feeds.py); checked here, before any work.
    shared.update(f"epoch={source_date_epoch()}".encode())
    for package in ("mkdocs", "mkdocs-material", "pagefind", "dvk"):
        shared.update(f"{package}={version(package)}".encode())
    _files_state(docs, shared, skipped=entries_dir)
    if config.theme.custom_dir:
        _files_state(Path(config.theme.custom_dir), shared)
    _files_state(Path(__file__).parents[1], shared)  # the generator itself, for editable installs
    entries = hashlib.sha256()
    entry_files: dict[str, tuple[int, int]] = {}
    _files_state(entries_dir, entries, entries=entry_files)
    entries.update(head(docs).encode())  # a commit changes pages' "last updated" dates
    return Inputs(shared.hexdigest(), entries.hexdigest(), entry_files)


@dataclass
class BuildState:
    """What the last successful build of a site folder was made from, page by page."""

    shared: str
    entries: str
    site: str
    site_id: tuple[int, int]
    """Inode and mtime of site/ after the build: another folder there means a full build."""
    pages: dict[str, str]
    """Generated page (source URI) -> digest of what it was rendered from."""
    statics: dict[str, str]
    """Published file (destination URI) -> digest of its source."""
    search: str
    """Digest of the entries the search index was made from."""
    entry_count: int
    warnings: list[dict[str, Any]]
    version: int = 0

    def problems(self) -> tuple[Problem, ...]:
        """The warnings of that build, to report again."""
        return tuple(Problem(**{**w, "severity": Severity(w["severity"])})
                     for w in self.warnings)


def _site_id(final: Path) -> tuple[int, int]:
    info = final.stat()
    return info.st_ino, info.st_mtime_ns


def _state_file(config: MkDocsConfig) -> Path:
    site = site_key(Path(config.site_dir))
    return cache_dir(Path(config.config_file_path).parent) / f"last-build-{site}.pickle"


def _previous(config: MkDocsConfig) -> BuildState | None:
    """The state of the build that made site/, if site/ is still that build's folder."""
    final = Path(config.site_dir)
    try:
        state = pickle.loads(_state_file(config).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    if not isinstance(state, BuildState) or state.version != STATE_VERSION:
        return None
    if state.site != str(final) or not final.is_dir() or _site_id(final) != state.site_id:
        return None
    return state


def _record(config: MkDocsConfig, state: BuildState) -> None:
    # Pickled, not JSON: 54,000 page digests load and save in a tenth of the time.
    state.site_id = _site_id(Path(config.site_dir))
    state_file = _state_file(config)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    scratch = state_file.with_name(f"{state_file.name}.{os.getpid()}")
    scratch.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    scratch.replace(state_file)


def _forget(config: MkDocsConfig) -> None:
    # Called before site/ is changed in place: if the build dies half-way, the
    # next one must not trust the old state, and rebuilds everything.
    _state_file(config).unlink(missing_ok=True)


def _nav_sources(items: Any) -> set[str]:
    """Source URIs of the pages the nav config names: every page must have them read."""
    found: set[str] = set()
    if isinstance(items, str):
        if items.endswith(".md"):
            found.add(items)
    elif isinstance(items, dict):
        for value in items.values():
            found |= _nav_sources(value)
    elif isinstance(items, list):
        for value in items:
            found |= _nav_sources(value)
    return found


def _search_digest(catalogue: Catalogue) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for entry in catalogue.entries:
        digest.update(entry.digest.encode())
    return digest.hexdigest()


class Builder:
    """Builds one site, again and again: what ``dvk build`` runs once and ``dvk serve`` keeps.

    A build is full when the config, theme, generator or editorial pages
    changed, or when site/ is not the folder the last build made. Otherwise it
    is incremental: it renders only the pages whose inputs changed (an edited
    entry's page and the index pages that list it), copies only changed images,
    re-indexes search only if an entry changed, and hard-links every unchanged
    file of site/ beside the new ones. Either way the new site is complete in a
    staging folder before it replaces site/ in one step, so a build that fails,
    is interrupted or is killed leaves site/ exactly as it was.
    """

    def __init__(self, config_file: Path, *, strict: bool = False,
                 progress: Progress | None = None, site_dir: Path | None = None,
                 background_search: bool = False, in_place: bool = False) -> None:
        self.config_file = config_file
        self.strict = strict
        self.progress = progress
        self.site_dir = site_dir
        """Where to build, instead of the config's site_dir (``dvk serve`` builds in the cache)."""
        self.background_search = background_search
        """Put the pages in place first and refresh the search index after (``dvk serve``)."""
        self.in_place = in_place
        """Move an incremental build's files into the site one by one (``dvk serve``).

        Quicker than linking every unchanged file (seconds at 50,000 entries),
        but a build killed meanwhile leaves the site part old, part new. Only
        for a private preview, which the next build then makes in full.
        """
        self._search: tuple[SearchIndexJob, threading.Thread] | None = None
        self._lock = threading.Lock()
        self.entry_cache = EntryCache()
        """Entries already read by this process: what makes ``dvk serve`` rebuild fast."""
        self.last_mode = ""
        """"full", "incremental" or "unchanged": what the last ``build`` did."""

    def build(self, *, clean: bool = False) -> Loaded | Unchanged:
        """Build site/; see the class for what is rebuilt."""
        self._stop_search()
        with self._lock:
            return self._build(clean)

    def _build(self, clean: bool) -> Loaded | Unchanged:
        config = load_site_config(self.config_file, strict=self.strict)
        if self.site_dir is not None:
            config.site_dir = str(self.site_dir)
        now = inputs(config, strict=self.strict)
        deleting = discard(cache_dir(Path(config.config_file_path).parent)) if clean else None
        try:
            return self._build_from(config, now, clean)
        finally:
            if deleting is not None:
                deleting.wait()

    def _build_from(self, config: MkDocsConfig, now: Inputs, clean: bool) -> Loaded | Unchanged:
        final = Path(config.site_dir)
        before = None if clean else _previous(config)
        if before is not None and (before.shared, before.entries) == (now.shared, now.entries):
            self.last_mode = "unchanged"
            return Unchanged(before.entry_count, str(final), before.problems())
        loaded = check(config, strict=self.strict, cache=self.entry_cache,
                       entry_files=now.entry_files)
        catalogue = loaded.catalogue
        searched = _search_digest(catalogue)
        search_needed = before is None or before.search != searched
        incremental = before is not None and before.shared == now.shared
        plan = BuildPlan(
            catalogue, build_pages(catalogue, file_dates(catalogue.settings.content_dir)),
            records_dir(catalogue.settings.root, final),
            # In the background (dvk serve), the index follows the pages; else it is
            # made with them, when the entries changed or everything is rebuilt.
            index_search=(search_needed or not incremental) and not self.background_search,
            progress=self.progress or Silent(),
        )
        loaded.plugin.prepare(plan)
        state = BuildState(
            shared=now.shared, entries=now.entries, site=str(final), site_id=(0, 0),
            pages={uri: page_digest(p) for uri, p in plan.site_pages.pages.items()},
            statics={dest: s.digest for dest, s in loaded.plugin.statics().items()},
            search=searched,
            entry_count=len(catalogue.entries),
            warnings=[{**asdict(w), "severity": w.severity.value} for w in catalogue.warnings],
            version=STATE_VERSION,
        )
        _sweep_abandoned(final)
        if before is not None and incremental:
            if self.background_search and search_needed:
                state.search = before.search  # the index in place until the new one is
            self._incremental(loaded, plan, before, state)
            self.last_mode = "incremental"
        else:
            if self.background_search:
                state.search = ""  # no index until the background one is in place
            self._full(loaded)
            self.last_mode = "full"
        _record(config, state)
        if self.background_search and (search_needed or self.last_mode == "full"):
            self._start_search(loaded, state, searched, plan.search_records)
        return loaded

    def _start_search(
        self, loaded: Loaded, state: BuildState, searched: str, records: Path
    ) -> None:
        """Index ``searched`` (the entries' digest) in the background, then record it."""
        config = loaded.config
        job = start_search_index(loaded.catalogue, Path(config.site_dir), records)

        def finish() -> None:
            try:
                job.wait()
            except SearchIndexError as exc:
                if not job.cancelled:
                    log.error("dvk: %s", exc)
                return
            with self._lock:
                if self._search is not None and self._search[0] is job:
                    state.search = searched
                    _record(config, state)
                    log.info("Đã cập nhật chỉ mục tìm kiếm (search index updated)")

        thread = threading.Thread(target=finish, name="dvk-search", daemon=True)
        self._search = (job, thread)
        thread.start()

    def _stop_search(self) -> None:
        """Stop a background index that a newer build will replace."""
        running, self._search = self._search, None
        if running is not None:
            job, thread = running
            job.kill()
            thread.join()

    def wait_for_search(self) -> None:
        """Wait until a background search index is in place (for tests and shutdown)."""
        running = self._search
        if running is not None:
            running[1].join()

    def close(self) -> None:
        """Stop any background work."""
        self._stop_search()

    def _full(self, loaded: Loaded) -> None:
        with _staging(loaded.config) as (staging, final):
            render_site(loaded.config, None)
            _forget(loaded.config)
            swap(staging, final, later=True)

    def _incremental(
        self, loaded: Loaded, plan: BuildPlan, before: BuildState, now: BuildState
    ) -> None:
        config = loaded.config
        pages = {uri for uri, d in now.pages.items() if before.pages.get(uri) != d}
        statics = {dest for dest, d in now.statics.items() if before.statics.get(dest) != d}
        gone = [urls.page_output(uri) for uri in before.pages.keys() - now.pages.keys()]
        gone += before.statics.keys() - now.statics.keys()
        # The nav needs its pages in every build; they are few.
        pages |= _nav_sources(config.nav) & now.pages.keys()
        selection = Selection(frozenset(pages), frozenset(statics))
        loaded.plugin.prepare(replace(plan, selection=selection))
        with _staging(config) as (staging, final):
            render_site(config, selection)
            if self.in_place:
                _forget(config)
                _move_into(staging, final, gone)
                return
            _link_unchanged(final, staging, frozenset(gone))
            _forget(config)
            swap(staging, final, later=True)


@contextmanager
def _staging(config: MkDocsConfig) -> Iterator[tuple[Path, Path]]:
    """Point the build at an empty staging folder beside site/; yield (staging, site/).

    Afterwards the config points at site/ again and the staging folder is gone.
    """
    final = Path(config.site_dir)
    staging = final.with_name(f".{final.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config.site_dir = str(staging)
    try:
        yield staging, final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        config.site_dir = str(final)


def build(
    config_file: Path, *, strict: bool = False, clean: bool = False,
    progress: Progress | None = None,
) -> Loaded | Unchanged:
    """Check, then build the site (incrementally when it can), replacing site/ only on success."""
    return Builder(config_file, strict=strict, progress=progress).build(clean=clean)


def _move_into(staging: Path, final: Path, gone: Sequence[str]) -> None:
    """Move an incremental build's files into site/ and delete the pages that are gone.

    Each file is replaced by a rename, so a reader never gets half a page. The
    search index is a set of files that refer to each other by name, so it is
    swapped as one folder.
    """
    for walked, dirnames, filenames in os.walk(staging):
        relative = Path(walked).relative_to(staging)
        if relative == Path(urls.SEARCH_INDEX):
            dirnames[:] = []
            continue
        (final / relative).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            (Path(walked) / name).replace(final / relative / name)
    index = staging / urls.SEARCH_INDEX
    if index.is_dir():
        swap(index, final / urls.SEARCH_INDEX)
    for uri in gone:
        target = final / uri
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != final and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _link_unchanged(final: Path, staging: Path, gone: frozenset[str]) -> None:
    """Hard-link into ``staging`` every file of site/ it lacks, but those ``gone``.

    An incremental build renders only what changed; this makes the staging
    folder the whole new site, to replace site/ in one step. A link is one
    system call and copies no bytes (0.4 s for 10,000 files here); nothing ever
    writes into a published file in place, so the two folders may share them.
    The search index is one set of files: if the build made a new one, none of
    the old is kept.
    """
    new_index = (staging / urls.SEARCH_INDEX).is_dir()
    for walked, dirnames, filenames in os.walk(final):
        relative = os.path.relpath(walked, final)
        if relative == ".":
            relative = ""
            # A half-moved index of a killed build, and the index being replaced.
            dirnames[:] = [d for d in dirnames if not d.startswith(f".{urls.SEARCH_INDEX}.")
                           and not (new_index and d == urls.SEARCH_INDEX)]
        # Strings, not Paths: this runs once per file of the site.
        target = f"{staging}/{relative}"
        made = False
        for name in filenames:
            uri = f"{relative}/{name}" if relative else name
            if uri in gone:
                continue
            if not made:  # only folders that keep a file: a folder emptied by ``gone`` goes
                Path(target).mkdir(parents=True, exist_ok=True)
                made = True
            source, copy = f"{walked}/{name}", f"{target}/{name}"
            try:
                os.link(source, copy, follow_symlinks=False)
            except FileExistsError:
                pass  # rebuilt: the new file stays
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP):
                    raise
                shutil.copy2(source, copy, follow_symlinks=False)  # no hard links here


def _sweep_abandoned(final: Path) -> None:
    """Remove staging folders left by builds that were killed (their process is gone).

    A build killed between the two renames of a swap leaves no site/ but its
    old folder: that is put back first.
    """
    for leftover in sorted(final.parent.glob(f".{final.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not (kind.endswith((".building", ".old", ".discarded")) and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if kind.endswith(".old") and not final.exists():
                leftover.rename(final)
            else:
                shutil.rmtree(leftover, ignore_errors=True)
        except PermissionError:
            pass  # alive, and someone else's
