"""``dvk check``: every entry file read, then the rules and lints, then the cross-entry rules.

Reading (``generator.load``) turns a file into an entry or located problems;
this module adds the rules beyond the schema, the lints and the unsafe-URL
check, and applies the file's ``dvk-ignore`` comments. The catalogue is built
from what this returns, so a site is only ever made from checked entries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from generator.check.file import EntryCache, check_file
from generator.check.partial import new_entry_warnings
from generator.check.press import Models, PressCache, load_press
from generator.check.rules import check_ids
from generator.core.errors import Problem, raise_on_errors
from generator.core.model import Entry
from generator.core.press import PressRecord
from generator.core.provinces import ProvinceRegistry, default_registry
from generator.core.settings import Settings
from generator.load.frontmatter import link_outside
from generator.load.listing import entry_files, sort_paths
from generator.load.press import EXTENSIONS as PRESS_EXTENSIONS
from generator.load.press import press_files
from generator.load.reported import Report, load_reported


def editorial_links_outside(settings: Settings) -> list[Problem]:
    """Symbolic links out of the content folder among the editorial pages and assets.

    (Entry files are checked as they load.) MkDocs would publish the target.
    """
    found: list[Problem] = []
    stack = [str(settings.content_dir)]
    entries = str(settings.entries_path)
    while stack:
        folder = stack.pop()
        try:
            items = list(os.scandir(folder))
        except OSError:
            continue
        for item in items:
            if item.path == entries:
                continue
            if item.is_symlink():
                problem = link_outside(Path(item.path), settings)
                if problem is not None:
                    found.append(problem)
            elif item.is_dir():
                stack.append(item.path)
    return found



@dataclass(frozen=True, slots=True)
class Checked:
    """Every entry of the content folder, checked: what the catalogue is made from."""

    entries: tuple[Entry, ...]
    """In Vietnamese order of title (then id)."""
    warnings: tuple[Problem, ...]
    reported: tuple[Report, ...]
    files: int
    """How many entry files were checked."""
    press: tuple[PressRecord, ...] = ()
    """The press records, checked, newest first (generator/check/press.py)."""


def title_order(entry: Entry) -> tuple[bytes, str]:
    """The catalogue's order: Vietnamese order of title, then id."""
    return entry.title_key, entry.id


PRESS_READ_COST = 0.3
"""Reading a press record, in entries' worth (2.3 s for 20,000 records, 20 s for 50,000
entries): how many more entries the forked reader takes while this process reads them."""


def check_all(
    settings: Settings, registry: ProvinceRegistry | None = None, *, strict: bool = False,
    cache: EntryCache | None = None, listed: dict[str, tuple[int, int]] | None = None,
    press: PressCache | None = None, press_listed: dict[str, tuple[int, int]] | None = None,
) -> Checked:
    """Check every entry; raise ``ContentErrors`` with all problems if any is an error.

    With ``strict``, warnings count as errors.

    ``listed`` maps each file of the entries folder (entry files and images) to
    its (size, mtime), when the caller has just listed the folder: it is not
    listed again. ``press`` and ``press_listed`` are the same for the press records.
    """
    registry = registry or default_registry()
    problems: list[Problem] = []
    entries: list[Entry] = []
    listed = listed or {}
    paths = (sort_paths(p for p in listed if p.endswith(".md")) if listed
             else entry_files(settings))
    press = press or PressCache()
    if cache is not None:
        press_paths = (sort_paths(p for p in press_listed if p.endswith(PRESS_EXTENSIONS))
                       if press_listed is not None else press_files(settings))

        def read_press() -> None:
            # Read while the forked process reads its share of the entries: 20,000
            # records are two seconds that would otherwise leave a core idle.
            for path in press_paths:
                press.read(path, settings, (press_listed or {}).get(path))

        checked = cache.load_many(paths, settings, registry, listed, meanwhile=read_press,
                                  meanwhile_cost=len(press_paths) * PRESS_READ_COST)
    else:
        checked = [check_file(Path(path), settings, registry) for path in paths]
    for entry, found in checked:
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    if cache is not None:
        cache.keep_only(paths)
    problems.extend(check_ids(entries, settings))
    problems.extend(editorial_links_outside(settings))
    reported, found = load_reported(settings, registry)
    problems.extend(found)
    records, found = load_press(settings, Models.of(entries), cache=press,
                                stamps=press_listed)
    problems.extend(found)
    warnings = raise_on_errors(problems, strict=strict, checked=len(paths))
    ordered = tuple(sorted(entries, key=title_order))
    return Checked(ordered, warnings, reported, len(paths), records)


def check_site(settings: Settings, *, strict: bool = False) -> Checked:
    """``dvk check`` without paths: every entry, and the similar-title lint for new ones.

    A new entry is one git has not seen at HEAD; its title is compared with
    every other entry's, as a partial check does for the files it names.
    """
    checked = check_all(settings)
    warnings = [*checked.warnings, *new_entry_warnings(settings, checked.entries)]
    return replace(checked, warnings=raise_on_errors(warnings, strict=strict,
                                                     checked=checked.files))
