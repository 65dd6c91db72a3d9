"""The catalogue: every checked entry, plus the indexes the pages are made from.

All of it is built before any output is written, so a page never has to scan
the catalogue: each index is a list in Vietnamese order, computed once.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.rules import check_ids
from generator.core.errors import ContentErrors, Problem, Severity
from generator.core.model import Entry, FieldOfWork, Kind
from generator.core.provinces import OldProvince, Province, ProvinceRegistry, default_registry
from generator.core.settings import Settings
from generator.core.text import sort_key
from generator.load.entries import link_outside, load_entry
from generator.load.reported import Report, load_reported


@dataclass(frozen=True, slots=True)
class Group:
    """Entries of a merged province filed under one old unit (or under the new one)."""

    label: str
    old: OldProvince | None
    entries: tuple[Entry, ...]


@dataclass
class Catalogue:
    """Checked entries and their indexes by province, field, year and kind."""

    settings: Settings
    registry: ProvinceRegistry
    entries: tuple[Entry, ...]
    """All entries, in Vietnamese order of title."""
    warnings: tuple[Problem, ...] = ()
    reported: tuple[Report, ...] = ()
    """Figures provinces reported (generator/load/reported.py): shown apart, never counted here."""
    by_id: dict[str, Entry] = field(init=False)
    by_province: dict[str, tuple[Entry, ...]] = field(init=False)
    """Province slug -> entries, grouped by old unit, then in title order."""
    by_field: dict[str, tuple[Entry, ...]] = field(init=False)
    by_year: dict[int, tuple[Entry, ...]] = field(init=False)
    by_kind: dict[Kind, tuple[Entry, ...]] = field(init=False)
    newest: tuple[Entry, ...] = field(init=False)
    """All entries, newest first (ties in title order)."""

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}
        province: defaultdict[str, list[Entry]] = defaultdict(list)
        fields: defaultdict[str, list[Entry]] = defaultdict(list)
        years: defaultdict[int, list[Entry]] = defaultdict(list)
        kinds: defaultdict[Kind, list[Entry]] = defaultdict(list)
        for entry in self.entries:  # already in title order, so each list is too
            province[entry.province.slug].append(entry)
            fields[entry.field.slug].append(entry)
            years[entry.year].append(entry)
            kinds[entry.kind].append(entry)
        self.by_province = {
            slug: tuple(sorted(items, key=_group_key)) for slug, items in province.items()
        }
        self.by_field = {slug: tuple(items) for slug, items in fields.items()}
        self.by_year = {year: tuple(years[year]) for year in sorted(years, reverse=True)}
        self.by_kind = {kind: tuple(items) for kind, items in kinds.items()}
        # Stable sort on an already title-ordered tuple keeps ties alphabetical.
        self.newest = tuple(sorted(self.entries, key=lambda e: e.date, reverse=True))

    @property
    def fields(self) -> tuple[FieldOfWork, ...]:
        """The taxonomy, in the order site_config.yml gives it."""
        return self.settings.fields

    @property
    def provinces(self) -> tuple[Province, ...]:
        """The 34 units, in Vietnamese order."""
        return self.registry.units

    @property
    def years(self) -> tuple[int, ...]:
        """Every year with at least one entry, newest first."""
        return tuple(self.by_year)

    def in_province(self, province: Province) -> tuple[Entry, ...]:
        """Entries of ``province`` (empty when none are published)."""
        return self.by_province.get(province.slug, ())

    def field_counts(self, entries: Iterable[Entry]) -> list[tuple[FieldOfWork, int]]:
        """How many of ``entries`` fall in each field of the taxonomy, zeros included."""
        counts = Counter(e.field.slug for e in entries)
        return [(f, counts[f.slug]) for f in self.fields if counts[f.slug] or not f.provinces]

    def groups(self, province: Province, entries: Sequence[Entry]) -> list[Group]:
        """Split ``entries`` (a page of a province's list) by the old unit they were filed under."""
        groups: list[Group] = []
        for entry in entries:
            if groups and groups[-1].old == entry.old_province:
                groups[-1] = Group(groups[-1].label, groups[-1].old, (*groups[-1].entries, entry))
                continue
            old = entry.old_province
            label = f"{old.name} (cũ)" if old else province.name
            groups.append(Group(label, old, (entry,)))
        return groups


def _group_key(entry: Entry) -> tuple[int, bytes, bytes]:
    old = entry.old_province
    return (0 if old is None else 1, sort_key(old.name) if old else b"", entry.title_key)


def entry_files(settings: Settings) -> list[str]:
    """Every entry file under the entries folder, in a stable order."""
    # os.walk and string sorting: Path.rglob and sorting Paths take a second
    # at 50,000 entries, which dvk serve would pay on every edit.
    found: list[str] = []
    for folder, dirnames, filenames in os.walk(settings.entries_path):
        dirnames.sort()
        found.extend(os.path.join(folder, name) for name in filenames if name.endswith(".md"))  # noqa: PTH118
    return sort_paths(found)


def sort_paths(paths: Iterable[str]) -> list[str]:
    """File paths in the order ``sorted`` gives their ``Path``s: folder by folder."""
    return sorted(paths, key=lambda name: name.split(os.sep))  # noqa: PTH206


class EntryCache:
    """Entries already loaded in this process, reused while their files are unchanged.

    ``dvk serve`` keeps one across rebuilds, so an edit re-reads one file, not
    50,000. A file counts as unchanged while its size and mtime are, and so
    do its images': the page shows their sizes.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[tuple[int, int], Entry | None, list[Problem],
                                      tuple[tuple[int, int], ...]]] = {}

    def load(
        self, path: str, settings: Settings, registry: ProvinceRegistry,
        stamp: tuple[int, int] | None = None,
    ) -> tuple[Entry | None, list[Problem]]:
        """The entry at ``path`` and its problems, from the cache if its files are unchanged.

        ``stamp`` is the file's (size, mtime) if the caller has it already.
        """
        if stamp is None:
            stamp = _stamp(path)
        known = self._loaded.get(path)
        if known is not None and known[0] == stamp and (
                not known[1] or known[3] == _image_stamps(known[1])):
            return known[1], known[2]
        entry, problems = load_entry(Path(path), settings, registry)
        if not any(p.rule.startswith("image-") for p in problems):
            # An entry whose image is wrong is read again each time: which file
            # would fix it is not known.
            images = _image_stamps(entry) if entry is not None else ()
            self._loaded[path] = (stamp, entry, problems, images)
        else:
            self._loaded.pop(path, None)
        return entry, problems

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forget the entries of files that are gone."""
        wanted = set(paths)
        for path in [p for p in self._loaded if p not in wanted]:
            del self._loaded[path]


def _stamp(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)  # noqa: PTH116 (the same call, without a Path method's overhead)
    except OSError:
        return (-1, -1)
    return info.st_size, info.st_mtime_ns


def _image_stamps(entry: Entry) -> tuple[tuple[int, int], ...]:
    return tuple(_stamp(str(image.path)) for image in entry.images)


def _editorial_links_outside(settings: Settings) -> list[Problem]:
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


def load_catalogue(
    settings: Settings, registry: ProvinceRegistry | None = None,
    cache: EntryCache | None = None, listed: dict[str, tuple[int, int]] | None = None,
) -> Catalogue:
    """Load and check every entry; raise ``ContentErrors`` with all problems if any is an error.

    ``listed`` maps each entry file to its (size, mtime), when the caller has
    just listed the entries folder: it is not listed again.
    """
    registry = registry or default_registry()
    problems: list[Problem] = []
    entries: list[Entry] = []
    listed = listed or {}
    paths = sort_paths(listed) if listed else entry_files(settings)
    for path in paths:
        entry, found = (cache.load(path, settings, registry, listed.get(path)) if cache is not None
                        else load_entry(Path(path), settings, registry))
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    if cache is not None:
        cache.keep_only(paths)
    problems.extend(check_ids(entries, settings))
    problems.extend(_editorial_links_outside(settings))
    reported, found = load_reported(settings, registry)
    problems.extend(found)
    if any(p.severity is Severity.ERROR for p in problems):
        raise ContentErrors(problems)
    ordered = tuple(sorted(entries, key=lambda e: (e.title_key, e.id)))
    return Catalogue(settings, registry, ordered, tuple(problems), reported)
