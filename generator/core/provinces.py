"""The province registry: Vietnam's 34 province-level units of 2025 and the 63 they replaced.

Editors type provinces as free text, often with pre-2025 names ("Hà Nam",
"Thừa Thiên Huế"), abbreviations ("TP HCM") or without diacritics. ``resolve``
maps all of these to the current unit and remembers which old unit was named,
so content written before 1/7/2025 keeps working and can still say where it
came from. Codes are deliberately not accepted as input: a merged unit may
carry another old unit's code (Tây Ninh's 80 was Long An's), so a bare code
in old content would silently point at the wrong place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import TypeVar

import yaml
from rapidfuzz import fuzz, process

from generator.core.text import fold, nfc, sorted_vi, strip_marks

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# Matched after folding, so "T.P.", "TP." and "Thành phố" all reach here as
# plain words. Longest first, so "thanh pho " is never half-stripped.
_PREFIXES = ("thanh pho ", "tinh ", "t p ", "tp ")
# "(cũ)" is how editors say "the old unit, not the new one of the same name";
# it is matched before folding because folding drops the parentheses.
_OLD_MARKER = re.compile(r"\(\s*cu\s*\)\s*$")
_CODE = re.compile(r"\d{2}")
# Below this WRatio score a suggestion is more likely to mislead than help.
_SUGGEST_CUTOFF = 75.0

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class OldProvince:
    """A province-level unit as it was before 1/7/2025."""

    name: str
    """Short name, with diacritics ("Hà Nam", "Hồ Chí Minh")."""
    code: str
    """Its two-digit code before the reorganisation."""


@dataclass(frozen=True, slots=True)
class Province:
    """A province-level unit from 1/7/2025 (Nghị quyết 202/2025/QH15)."""

    code: str
    """Two-digit code from Quyết định 19/2025/QĐ-TTg."""
    slug: str
    """ASCII slug of ``name``."""
    name: str
    """Short name used in lists ("Huế")."""
    full_name: str
    """Official name with its tier ("Thành phố Huế")."""
    formed_from: tuple[OldProvince, ...]
    """The old units it replaced; a single one when nothing was merged."""

    @property
    def merged(self) -> bool:
        """Whether the unit was formed by merging more than one old unit."""
        return len(self.formed_from) > 1


@dataclass(frozen=True, slots=True)
class ProvinceMatch:
    """What a piece of free text names: a current unit and maybe an old one."""

    province: Province
    """The current unit the text resolves to."""
    old: OldProvince | None
    """The old unit named, when the text named one other than the current unit itself."""


def _split(text: str) -> tuple[str, bool]:
    """The lookup key for ``text``, and whether it was marked "(cũ)"."""
    plain = strip_marks(nfc(text)).lower()
    marker = _OLD_MARKER.search(plain)
    if marker:
        plain = plain[: marker.start()]
    key = fold(plain)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key.removeprefix(prefix)
            break
    return key, marker is not None


def _key(text: str) -> str:
    """The lookup key for a known name, which never carries the "(cũ)" marker."""
    return _split(text)[0]


def _display(match: ProvinceMatch) -> str:
    """The name, with diacritics, that a match stands for."""
    return match.old.name if match.old is not None else match.province.name


class ProvinceRegistry:
    """Every current unit and old unit, with lookups from what editors type."""

    units: tuple[Province, ...]
    """The 34 current units, in Vietnamese order of name."""
    old_units: tuple[OldProvince, ...]
    """The 63 old units, in Vietnamese order of name."""

    def __init__(self, units: Iterable[Province], aliases: Mapping[str, str] | None = None) -> None:
        """Index ``units``; ``aliases`` map extra spellings to an old unit's exact name.

        Raises ValueError when the data is inconsistent: a duplicate code or
        slug, an old unit in two places, an alias to an unknown name, or two
        spellings that fold to the same key but mean different things.
        """
        self.units = tuple(sorted_vi(units, key=lambda p: p.name))
        self._by_slug: dict[str, Province] = {}
        self._by_code: dict[str, Province] = {}
        self._by_old_code: dict[str, Province] = {}
        old_by_name: dict[str, OldProvince] = {}
        # Plain text means the current unit; "(cũ)" text means the old one, so
        # each gets its own table rather than a flag checked on every lookup.
        self._current: dict[str, ProvinceMatch] = {}
        self._former: dict[str, ProvinceMatch] = {}

        for unit in self.units:
            if not _CODE.fullmatch(unit.code):
                raise ValueError(f"{unit.name}: code {unit.code!r} is not two digits")
            if not unit.formed_from:
                raise ValueError(f"{unit.name}: formed_from is empty")
            _claim(self._by_code, unit.code, unit, "unit code")
            _claim(self._by_slug, unit.slug, unit, "slug")
            itself = ProvinceMatch(unit, None)
            for text in (unit.name, unit.full_name, unit.slug):
                _add(self._current, _key(text), itself)
            for old in unit.formed_from:
                if not _CODE.fullmatch(old.code):
                    raise ValueError(f"{old.name}: old code {old.code!r} is not two digits")
                _claim(self._by_old_code, old.code, unit, "old code")
                _claim(old_by_name, nfc(old.name), old, "old unit name")
                self._add_old(_key(old.name), unit, old)

        for alias, target in (aliases or {}).items():
            named = old_by_name.get(nfc(target))
            if named is None:
                raise ValueError(f"alias {alias!r} names {target!r}, which is not an old unit")
            self._add_old(_key(alias), self._by_old_code[named.code], named)

        self.old_units = tuple(sorted_vi(old_by_name.values(), key=lambda o: o.name))
        self._suggestions: dict[str, str] = {
            key: _display(match) for key, match in self._current.items()
        }

    def _add_old(self, key: str, unit: Province, old: OldProvince) -> None:
        """Index ``key`` as a spelling of old unit ``old`` inside ``unit``."""
        # An old unit that shares the current unit's name is, without "(cũ)",
        # just the current unit: "Bắc Ninh" today means the merged province.
        same_name = _key(old.name) == _key(unit.name)
        _add(self._current, key, ProvinceMatch(unit, None if same_name else old))
        _add(self._former, key, ProvinceMatch(unit, old))

    def by_slug(self, slug: str) -> Province | None:
        """The current unit with exactly this slug."""
        return self._by_slug.get(slug)

    def by_code(self, code: str) -> Province | None:
        """The current unit with this 2025 code (never an old code)."""
        return self._by_code.get(code)

    def new_unit_of(self, old: OldProvince) -> Province:
        """The current unit an old unit went into; KeyError if it is not one of ours."""
        unit = self._by_old_code[old.code]
        if old not in unit.formed_from:
            raise KeyError(old)
        return unit

    def resolve(self, text: str) -> ProvinceMatch | None:
        """What ``text`` names, or None when it is not a known name, slug or alias.

        Diacritics, case, punctuation and a leading "Tỉnh", "Thành phố" or "TP"
        do not matter. A current unit's name means that unit, even when an old
        unit had the same name, unless it ends in "(cũ)".
        """
        key, marked_old = _split(text)
        return (self._former if marked_old else self._current).get(key)

    def suggest(self, text: str) -> str | None:
        """The known name nearest to ``text``, with diacritics, or None if none is close."""
        key, _ = _split(text)
        if not key:
            return None
        best = process.extractOne(
            key,
            self._suggestions.keys(),
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=_SUGGEST_CUTOFF,
        )
        return None if best is None else self._suggestions[best[0]]

    @classmethod
    def from_file(cls, path: Path) -> ProvinceRegistry:
        """Load a registry from a provinces.yml file; ValueError if it is malformed."""
        # The C loader: the pure-Python one takes 80 ms here, on every one-file check.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
        where = path.as_posix()
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected a mapping with 'units' and 'aliases'")
        raw_units = data.get("units")
        if not isinstance(raw_units, list):
            raise ValueError(f"{where}: 'units' must be a list")
        units = [_parse_unit(raw, f"{where}: units[{i}]") for i, raw in enumerate(raw_units)]
        raw_aliases = data.get("aliases") or {}
        if not isinstance(raw_aliases, dict):
            raise ValueError(f"{where}: 'aliases' must be a mapping")
        aliases: dict[str, str] = {}
        for alias, target in raw_aliases.items():
            if not isinstance(alias, str) or not isinstance(target, str):
                raise ValueError(f"{where}: aliases: {alias!r}: {target!r} must both be text")
            aliases[nfc(alias)] = nfc(target)
        return cls(units, aliases)


def _claim(table: dict[K, V], key: K, value: V, what: str) -> None:
    """Record ``key`` as ``value``, refusing a key already taken."""
    if key in table:
        raise ValueError(f"duplicate {what} {key!r}")
    table[key] = value


def _add(table: dict[str, ProvinceMatch], key: str, match: ProvinceMatch) -> None:
    """Index ``key``; the same key meaning two different things is a data error."""
    if not key:
        raise ValueError(f"a spelling of {_display(match)!r} folds to nothing")
    existing = table.get(key)
    if existing is not None and existing != match:
        raise ValueError(
            f"{key!r} would mean both {_display(existing)} ({existing.province.name}) "
            f"and {_display(match)} ({match.province.name})"
        )
    table[key] = match


def _text(raw: dict[object, object], field: str, where: str) -> str:
    """The text value of ``field``, NFC-normalised."""
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        # An unquoted code such as 01 loads as an int and loses its zero.
        raise ValueError(f"{where}: '{field}' must be non-empty text (quote codes)")
    return nfc(value.strip())


def _parse_unit(raw: object, where: str) -> Province:
    """One entry of ``units``."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping")
    raw_old = raw.get("formed_from")
    if not isinstance(raw_old, list):
        raise ValueError(f"{where}: 'formed_from' must be a list")
    formed_from: list[OldProvince] = []
    for i, item in enumerate(raw_old):
        if not isinstance(item, dict):
            raise ValueError(f"{where}: formed_from[{i}]: expected {{name, code}}")
        old_where = f"{where}: formed_from[{i}]"
        formed_from.append(
            OldProvince(name=_text(item, "name", old_where), code=_text(item, "code", old_where))
        )
    return Province(
        code=_text(raw, "code", where),
        slug=_text(raw, "slug", where),
        name=_text(raw, "name", where),
        full_name=_text(raw, "full_name", where),
        formed_from=tuple(formed_from),
    )


@cache
def default_registry() -> ProvinceRegistry:
    """The registry built from the packaged generator/data/provinces.yml (read once: it is
    never changed, and entries restored from the build cache point at its provinces)."""
    resource = files("generator.core").joinpath("data").joinpath("provinces.yml")
    with as_file(resource) as path:
        return ProvinceRegistry.from_file(path)
