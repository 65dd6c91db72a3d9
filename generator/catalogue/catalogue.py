"""The catalogue: every checked entry, plus the indexes the pages are made from.

All of it is built before any output is written, so a page never has to scan
the catalogue: each index is a list in Vietnamese order, computed once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field, replace

from generator.check.file import EntryCache
from generator.check.press import PressCache
from generator.check.run import check_all, title_order
from generator.core.errors import Problem
from generator.core.model import Entry, FieldOfWork, Kind
from generator.core.press import PressRecord
from generator.core.provinces import OldProvince, Province, ProvinceRegistry, default_registry
from generator.core.settings import Settings
from generator.core.text import sort_key
from generator.load.reported import Report


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
    press: tuple[PressRecord, ...] = ()
    """What has been written about the models, newest first (generator/check/press.py)."""
    by_id: dict[str, Entry] = field(init=False)
    by_province: dict[str, tuple[Entry, ...]] = field(init=False)
    """Province slug -> entries, grouped by old unit, then in title order."""
    by_field: dict[str, tuple[Entry, ...]] = field(init=False)
    by_year: dict[int, tuple[Entry, ...]] = field(init=False)
    by_kind: dict[Kind, tuple[Entry, ...]] = field(init=False)
    newest: tuple[Entry, ...] = field(init=False)
    """All entries, newest first (ties in title order)."""
    press_by_entry: dict[str, tuple[PressRecord, ...]] = field(init=False)
    """Entry id -> the articles about it, newest first; only entries written about."""

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
        about: defaultdict[str, list[PressRecord]] = defaultdict(list)
        for record in self.press:  # newest first, so each list is too
            for model in record.models:
                about[model].append(record)
        self.press_by_entry = {model: tuple(records) for model, records in about.items()}

    def uncovered(self, entries: Iterable[Entry]) -> int:
        """How many of ``entries`` no press record is about."""
        return sum(1 for entry in entries if entry.id not in self.press_by_entry)

    def with_edited(self, edited: Iterable[Entry]) -> Catalogue:
        """This catalogue with entries swapped for edited versions of themselves (same ids):
        what a full check would give if nothing else changed."""
        by_id = {entry.id: entry for entry in edited}
        if not all(_placed(entry) == _placed(self.by_id[i]) for i, entry in by_id.items()):
            entries = (by_id.get(entry.id, entry) for entry in self.entries)
            return replace(self, entries=tuple(sorted(entries, key=title_order)))
        # Each edited entry keeps its place in every index: swapped there, not indexed
        # again (a fifth of a second at 50,000 entries, for ``dvk serve``'s preview).
        patched = copy(self)  # its indexes are copied before they change
        patched.by_id = {**self.by_id, **by_id}
        by_province, by_field = dict(self.by_province), dict(self.by_field)
        by_year, by_kind = dict(self.by_year), dict(self.by_kind)
        for entry in by_id.values():
            old = self.by_id[entry.id]
            patched.entries = _swapped(patched.entries, old, entry)
            patched.newest = _swapped(patched.newest, old, entry)
            slug = entry.province.slug
            by_province[slug] = _swapped(by_province[slug], old, entry)
            by_field[entry.field.slug] = _swapped(by_field[entry.field.slug], old, entry)
            by_year[entry.year] = _swapped(by_year[entry.year], old, entry)
            by_kind[entry.kind] = _swapped(by_kind[entry.kind], old, entry)
        patched.by_province, patched.by_field = by_province, by_field
        patched.by_year, patched.by_kind = by_year, by_kind
        return patched

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


def _placed(entry: Entry) -> tuple[object, ...]:
    """What orders and files an entry in the catalogue's indexes."""
    return (entry.title_key, entry.province, entry.old_province, entry.field, entry.year,
            entry.kind, entry.date)


def _swapped(entries: tuple[Entry, ...], old: Entry, new: Entry) -> tuple[Entry, ...]:
    at = next(i for i, e in enumerate(entries) if e is old)  # ``index`` would compare fields
    return (*entries[:at], new, *entries[at + 1:])


def _group_key(entry: Entry) -> tuple[int, bytes, bytes]:
    old = entry.old_province
    return (0 if old is None else 1, sort_key(old.name) if old else b"", entry.title_key)


def load_catalogue(
    settings: Settings, registry: ProvinceRegistry | None = None, *, strict: bool = False,
    cache: EntryCache | None = None, listed: dict[str, tuple[int, int]] | None = None,
    press: PressCache | None = None, press_listed: dict[str, tuple[int, int]] | None = None,
) -> Catalogue:
    """Check every entry (``check_all``) and index the result; raise ``ContentErrors`` on errors."""
    registry = registry or default_registry()
    checked = check_all(settings, registry, strict=strict, cache=cache, listed=listed,
                        press=press, press_listed=press_listed)
    return Catalogue(settings, registry, checked.entries, checked.warnings, checked.reported,
                     checked.press)
