"""What a build was made from: digests of its inputs, and the state it leaves for the next one.

The inputs are digested from one stat per file (path, size, mtime), so that
50,000 entries cost a fraction of a second; the state of the last successful
build, page by page, tells an incremental build what to render again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from generator.core import urls
from generator.core.cachefile import write_whole
from generator.core.errors import Problem, Severity
from generator.core.settings import cache_dir
from generator.load.history import head
from generator.publish.feeds import source_date_epoch
from generator.render.config import PLUGIN_NAME
from generator.render.plugin import site_key

STATE_VERSION = 7
"""Of the build state saved in the cache; another version means a full build."""


def _files_state(
    root: Path, digest: Any, skipped: set[Path] | None = None,
    entries: dict[str, tuple[int, int]] | None = None,
) -> None:
    # Path, size and mtime of every file: a stat per file, no reads, so that
    # 50,000 entries cost a fraction of a second. With ``entries``, the size
    # and mtime of each file are kept too, for the entry cache: the entry files'
    # and their images'.
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            found = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        for item in found:
            if item.is_dir(follow_symlinks=False):
                # Python's compiled files are made anew in every fresh checkout (a
                # deploy job): they would make each of its builds a full one.
                if item.name != "__pycache__" and Path(item.path) not in (skipped or ()):
                    stack.append(Path(item.path))
            else:
                try:
                    info = item.stat()
                except OSError:  # a broken link: the check reports it, the digest notes it
                    info = item.stat(follow_symlinks=False)
                digest.update(f"{item.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
                if entries is not None:
                    entries[item.path] = (info.st_size, info.st_mtime_ns)


@cache
def _generator_state() -> str:
    """The generator's own files (an editable install), as this process loaded them.

    Once per process: a ``dvk serve`` started before the code changed still runs
    the old code, and must not save its caches under the new code's name.
    """
    digest = hashlib.sha256()
    _files_state(Path(__file__).parents[1], digest)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Inputs:
    """Digests of what a build reads, in two parts.

    ``shared`` covers what every page depends on: the config, the theme, the
    generator, the tools and the editorial pages. A change there rebuilds
    everything. ``entries`` covers the entry files and their images, and the
    press records; a change there alone rebuilds only the pages it reaches.
    """

    shared: str
    entries: str
    entry_files: dict[str, tuple[int, int]]
    """The path -> (size, mtime) of each file in the entries folder (entry files and
    their images), as found while digesting them."""
    press_files: dict[str, tuple[int, int]]
    """The same for the press records' folder."""


def inputs(config: MkDocsConfig, *, strict: bool) -> Inputs:
    """The digests of every input of a build, from one stat per file."""
    from importlib.metadata import version

    plugin = config.plugins[PLUGIN_NAME]
    docs = Path(config.docs_dir)
    entries_dir = docs / plugin.config.entries_dir.strip("/")
    press_dir = docs / plugin.config.press_dir.strip("/")
    shared = hashlib.sha256()
    shared.update(Path(config.config_file_path).read_bytes())
    shared.update(f"strict={strict}".encode())
    # The config file may take these from the environment (!ENV).
    shared.update(f"{config.site_url}|{config.repo_url}|{config.edit_uri}".encode())
    # Empty feeds are dated by it (generator/publish/feeds.py); checked here, before any work.
    shared.update(f"epoch={source_date_epoch()}".encode())
    for package in ("mkdocs", "mkdocs-material", "dvk"):
        shared.update(f"{package}={version(package)}".encode())
    _files_state(docs, shared, skipped={entries_dir, press_dir})
    if config.theme.custom_dir:
        _files_state(Path(config.theme.custom_dir), shared)
    shared.update(_generator_state().encode())
    entries = hashlib.sha256()
    entry_files: dict[str, tuple[int, int]] = {}
    _files_state(entries_dir, entries, entries=entry_files)
    press_files: dict[str, tuple[int, int]] = {}
    # An article edited re-renders the pages that list it, not the site.
    _files_state(press_dir, entries, entries=press_files)
    entries.update(head(docs).encode())  # a commit changes pages' "last updated" dates
    return Inputs(shared.hexdigest(), entries.hexdigest(), entry_files, press_files)


@dataclass
class BuildState:
    """What the last successful build of a site folder was made from, page by page."""

    shared: str
    entries: str
    site: str
    site_id: str
    """A digest of site/urls.txt after the build: another site there means a full build.

    Its contents, not the folder's inode and time: an incremental build changes
    site/ in place, and a deploy job restores it from its cache as a new folder.
    """
    pages: dict[str, str]
    """Generated page (source URI) -> digest of what it was rendered from."""
    statics: dict[str, str]
    """Published file (destination URI) -> digest of its source; an entry's files as one
    group (``GROUP`` and the entry id) -> the group's digest."""
    groups: dict[str, tuple[str, ...]]
    """Entry id -> the destination URIs of its group of files; () for the usual three
    (generator.publish.entryfiles.usual_files)."""
    listed: tuple[str, ...]
    """The destination URIs of the other files a reader may cite (urls.txt), sorted."""
    entry_count: int
    warnings: list[dict[str, Any]]
    version: int = 0

    def problems(self) -> tuple[Problem, ...]:
        """The warnings of that build, to report again."""
        return tuple(Problem(**{**w, "severity": Severity(w["severity"])})
                     for w in self.warnings)


def _site_id(final: Path) -> str:
    try:
        listed = (final / urls.MANIFEST).read_bytes()
    except OSError:
        return ""
    return hashlib.blake2b(listed, digest_size=16).hexdigest()


def state_file(config: MkDocsConfig, final: Path) -> Path:
    """Where the state of the last build of the site folder ``final`` is kept.

    ``final`` is named, not read from the config: while a build runs, the config
    points at its staging folder.
    """
    site = site_key(final)
    return cache_dir(Path(config.config_file_path).parent) / f"last-build-{site}.pickle"


def previous_state(config: MkDocsConfig) -> BuildState | None:
    """The state of the build that made site/, if site/ is still that build's folder."""
    final = Path(config.site_dir)
    try:
        state = pickle.loads(state_file(config, final).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    if not isinstance(state, BuildState) or state.version != STATE_VERSION:
        return None
    if state.site != str(final) or not state.site_id or _site_id(final) != state.site_id:
        return None
    return state


def record_state(config: MkDocsConfig, final: Path, state: BuildState) -> None:
    """Keep ``state`` as that of the site in ``final``, as it is now."""
    # Pickled, not JSON: 54,000 page digests load and save in a tenth of the time.
    state.site_id = _site_id(final)
    write_whole(state_file(config, final),
                lambda file: pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL))


def forget_state(config: MkDocsConfig, final: Path) -> None:
    """Forget the state of the site in ``final``."""
    # Called before a full build swaps its site in: if the build dies half-way,
    # the next one must not trust the old state, and rebuilds everything.
    state_file(config, final).unlink(missing_ok=True)
