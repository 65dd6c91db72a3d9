"""One entry file checked: read, then the rules beyond the schema, the lints, the unsafe URLs.

Reading (``generator.load``) turns a file into an entry or located problems;
this adds the rules and lints and applies the file's ``dvk-ignore`` comments.
``EntryCache`` keeps the result while the file is unchanged, for ``dvk serve``.
"""

from __future__ import annotations

import contextlib
import copyreg
import operator
import os
import pickle
import signal
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, replace
from functools import partial
from pathlib import Path, PosixPath
from typing import Any, BinaryIO

from generator.check.lints import ignored_rules, lint_entry
from generator.check.rules import check_entry
from generator.check.unsafe import unsafe_urls
from generator.core.cachefile import UNREADABLE, collector_paused, write_whole
from generator.core.errors import Problem, Severity, display_path
from generator.core.lifetime import die_with_parent
from generator.core.model import Entry, FieldOfWork, Image, Source, body_utf8
from generator.core.provinces import OldProvince, Province, ProvinceRegistry
from generator.core.settings import Settings
from generator.load.entries import read_entry
from generator.load.listing import stamp as file_stamp


def check_file(
    path: Path, settings: Settings, registry: ProvinceRegistry
) -> tuple[Entry | None, list[Problem]]:
    """Read one entry file and apply every per-entry rule and lint to it.

    Returns the entry (None when it has an error that stops reading it) and
    every problem found, errors and warnings.
    """
    read = read_entry(path, settings, registry)
    entry, problems = read.entry, read.problems
    if entry is None:
        return None, problems
    ignored = ignored_rules(read.text)
    if ignored:
        entry = replace(entry, ignored=ignored)
    problems.extend(check_entry(entry, settings))
    problems.extend(lint_entry(entry, read.text, read.body_line, settings))
    problems.extend(unsafe_urls(entry.body, display_path(path, settings.root), read.body_line))
    if ignored:
        problems = [p for p in problems if p.severity is Severity.ERROR or p.rule not in ignored]
    return entry, problems


Cached = tuple[tuple[int, int], Entry | None, list[Problem], tuple[tuple[int, int], ...]]
"""A checked file: its (size, mtime), its entry, its problems, its images' (size, mtime)."""

PARALLEL_FILES = 2000
"""New or changed entry files from which a second process reads half of them."""

SHARDS = 64
"""Files the saved cache is split into, so that saving after an edit rewrites one of them."""


def _shard(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


class EntryCache:
    """Entries already checked, reused while their files are unchanged.

    ``dvk serve`` keeps one across rebuilds, so an edit re-reads one file, not
    50,000; ``dvk build`` saves it in the build cache and restores it in the
    next process. A file counts as unchanged while its size and mtime are, and
    so do its images': the page shows their sizes.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, Cached] = {}
        self._dirty: set[int] = set()
        """Shards changed since the cache was restored or saved."""

    def load(
        self, path: str, settings: Settings, registry: ProvinceRegistry,
        stamp: tuple[int, int] | None = None,
    ) -> tuple[Entry | None, list[Problem]]:
        """The entry at ``path`` and its problems, from the cache if its files are unchanged.

        ``stamp`` is the file's (size, mtime) if the caller has it already.
        """
        if stamp is None:
            stamp = file_stamp(path)
        if self._current(path, stamp):
            _, entry, problems, _ = self._loaded[path]
            return entry, problems
        entry, problems = check_file(Path(path), settings, registry)
        if not any(p.rule.startswith("image-") for p in problems):
            # An entry whose image is wrong is read again each time: which file
            # would fix it is not known.
            images = _image_stamps(entry) if entry is not None else ()
            self._loaded[path] = (stamp, entry, problems, images)
        else:
            self._loaded.pop(path, None)
        self._dirty.add(_shard(path))
        return entry, problems

    def load_many(
        self, paths: Sequence[str], settings: Settings, registry: ProvinceRegistry,
        stamps: dict[str, tuple[int, int]], *,
        meanwhile: Callable[[], object] | None = None, meanwhile_cost: float = 0.0,
    ) -> list[tuple[Entry | None, list[Problem]]]:
        """``load`` of every path, in order. When many files are new or changed (a
        first build), half the work is done by a forked process, on the other core,
        and comes back pickled as the cache saves it: 50,000 entries took 28.6 s on
        one core.

        ``stamps`` maps files to their (size, mtime): the entry files, and any of
        their images the caller listed with them (others are stat-ed).

        ``meanwhile`` is other work this process does while the forked one reads
        (the press records), worth ``meanwhile_cost`` entries: the forked process
        takes that many more entries, so both finish together. It is not called when
        nothing is forked.
        """
        new = [p for p in paths if not self._current(p, stamps.get(p), stamps)]
        if len(new) >= PARALLEL_FILES and len(os.sched_getaffinity(0)) > 1:
            # Every other file, so that each half has as many of each province.
            order = new[1::2] + new[0::2]
            forked = min(len(new), round((len(new) + meanwhile_cost) / 2))
            pid, read_end = self._fork_loading(order[:forked], settings, registry, stamps)
            try:
                if meanwhile is not None:
                    meanwhile()
                for path in order[forked:]:
                    self.load(path, settings, registry, stamps.get(path))
            except BaseException:  # Ctrl-C, say: stop the other half rather than wait for it
                os.close(read_end)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise
            # The other half, or nothing if that process failed (read here then).
            self._take(pid, read_end, _shared_objects(settings, registry))
        new_ones = set(new)
        loaded = self._loaded
        # Each file found current above is not stat-ed again: 50,000 entries.
        return [self.load(p, settings, registry, stamps.get(p)) if p in new_ones
                else (loaded[p][1], loaded[p][2]) for p in paths]

    def _current(self, path: str, stamp: tuple[int, int] | None,
                 stamps: dict[str, tuple[int, int]] | None = None) -> bool:
        """Whether the cached check of ``path`` still holds: its file and images unchanged."""
        known = self._loaded.get(path)
        return known is not None and known[0] == (stamp or file_stamp(path)) and (
            not known[1] or known[3] == _image_stamps(known[1], stamps))

    def _fork_loading(self, paths: Sequence[str], settings: Settings,
                      registry: ProvinceRegistry, stamps: dict[str, tuple[int, int]],
                      ) -> tuple[int, int]:
        """Check ``paths`` in a forked process, which pipes back what it read."""
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid:
            os.close(write_end)
            return pid, read_end
        os.close(read_end)  # pragma: no cover (the child, to the end)
        code = 0
        try:
            die_with_parent(parent)
            for path in paths:
                self.load(path, settings, registry, stamps.get(path))
            found = {path: self._loaded[path] for path in paths if path in self._loaded}
            with os.fdopen(write_end, "wb") as pipe:
                _Pickler(pipe, pickle.HIGHEST_PROTOCOL).dump(found)
        except BaseException:
            code = 1
        os._exit(code)

    def _take(self, pid: int, read_end: int, shared: dict[Any, object]) -> None:
        try:
            with os.fdopen(read_end, "rb") as pipe, collector_paused():
                found: dict[str, Cached] = _Unpickler(pipe, shared).load()
        except UNREADABLE:
            found = {}
        finally:
            os.waitpid(pid, 0)
        self._loaded.update(found)
        self._dirty.update(_shard(path) for path in found)

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forget the entries of files that are gone."""
        wanted = set(paths)
        for path in [p for p in self._loaded if p not in wanted]:
            del self._loaded[path]
            self._dirty.add(_shard(path))

    def save(self, folder: Path, salt: str) -> None:
        """Write the shards changed since the last save or restore into ``folder``.

        ``salt`` names what the entries were checked against (the settings,
        the generator); ``restore`` with another salt restores nothing.
        """
        later = self.save_later(folder, salt)
        if later is not None:
            later()

    @property
    def unsaved(self) -> int:
        """How many shards changed since the last save or restore."""
        return len(self._dirty)

    def save_later(self, folder: Path, salt: str) -> Callable[[], None] | None:
        """What ``save`` writes, to run in a forked process (``cachefile.in_background``),
        which sees the entries as they are now; None when no shard changed."""
        if not self._dirty:
            return None
        dirty, self._dirty = self._dirty, set()
        return partial(self._write_shards, folder, salt, dirty)

    def _write_shards(self, folder: Path, salt: str, dirty: set[int]) -> None:
        shards: dict[int, dict[str, Cached]] = {k: {} for k in dirty}
        for path, cached in self._loaded.items():
            shard = shards.get(_shard(path))
            if shard is not None:
                shard[path] = cached
        for number, found in shards.items():
            write_whole(folder / f"{number:02d}.pickle",
                        partial(_dump_shard, content=(salt, found)))

    def restore(self, folder: Path, salt: str, settings: Settings,
                registry: ProvinceRegistry) -> int:
        """Add the entries saved in ``folder`` under ``salt``; how many were restored.

        A shard that is missing, damaged or saved under another salt is
        skipped: its files are read again, and it is saved anew.
        """
        shared = _shared_objects(settings, registry)
        restored = 0
        with collector_paused():
            for number in range(SHARDS):
                try:
                    with (folder / f"{number:02d}.pickle").open("rb") as file:
                        saved_salt, found = _Unpickler(file, shared).load()
                except UNREADABLE:
                    self._dirty.add(number)
                    continue
                if saved_salt != salt:
                    self._dirty.add(number)
                    continue
                self._loaded.update(found)
                restored += len(found)
        return restored


def _dump_shard(file: BinaryIO, content: tuple[str, dict[str, Cached]]) -> None:
    _Pickler(file, pickle.HIGHEST_PROTOCOL).dump(content)


def _shared_objects(settings: Settings, registry: ProvinceRegistry) -> dict[Any, object]:
    # Entries point at the registry's provinces and the settings' fields; they are
    # saved by name and restored as those same objects, not as copies.
    found: dict[Any, object] = {("field", f.slug): f for f in settings.fields}
    for unit in registry.units:
        found["province", unit.code] = unit
        for old in unit.formed_from:
            found["old", old.code, old.name] = old
    return found


def _made(kind: type[Any], values: tuple[Any, ...]) -> Any:
    return kind(*values)


def _by_fields(obj: Any) -> tuple[Any, ...]:
    # A frozen dataclass by its constructor, not by dataclasses' __setstate__,
    # which lists the class's fields again for every object: 0.75 s of
    # 2.7 s restoring 50,000 entries (profiled).
    return _made, (type(obj), tuple(getattr(obj, f) for f in _FIELDS[type(obj)]))


def _by_fields_body_encoded(entry: Entry) -> tuple[Any, ...]:
    # The body as UTF-8 bytes, which the entry decodes only if it is read
    # (generator.core.model.body_utf8).
    return _made, (Entry, tuple(body_utf8(entry) if f == "body" else getattr(entry, f)
                                for f in _FIELDS[Entry]))


_FIELDS = {kind: tuple(f.name for f in fields(kind) if f.init) for kind in (Entry, Source, Image)}


_SHARED = object()
"""Stands for the shared objects (``_shared_objects``) in a pickle."""


def _by_name(obj: Province | OldProvince | FieldOfWork) -> tuple[Any, ...]:
    # Entries point at the registry's provinces and the settings' fields: each is
    # saved as its name in the shared objects, once per shard (the pickle's memo
    # holds it after), where a persistent id would be looked up 50,000 times.
    if isinstance(obj, Province):
        key: tuple[str, ...] = ("province", obj.code)
    elif isinstance(obj, OldProvince):
        key = ("old", obj.code, obj.name)
    else:
        key = ("field", obj.slug)
    return operator.getitem, (_SHARED, key)


class _Pickler(pickle.Pickler):
    def __init__(self, file: Any, protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        self.dispatch_table = {**copyreg.dispatch_table, **dict.fromkeys(_FIELDS, _by_fields),
                               Entry: _by_fields_body_encoded,
                               **dict.fromkeys((Province, OldProvince, FieldOfWork), _by_name)}

    def persistent_id(self, obj: Any) -> Any:
        if obj is _SHARED:
            return ("shared",)
        if isinstance(obj, PosixPath):
            # One string, parsed once: a Path pickles as its parts, and is made
            # again from several strings (0.3 s against 0.14 s for 50,000).
            return ("path", str(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, shared: dict[Any, object]) -> None:
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, pid: Any) -> object:
        if pid[0] == "path":
            return Path(pid[1])
        # The provinces and fields, which each shard names once (below); a KeyError
        # there means the taxonomy changed, and the shard is read again.
        return self._shared


def _image_stamps(entry: Entry, stamps: dict[str, tuple[int, int]] | None = None,
                  ) -> tuple[tuple[int, int], ...]:
    if not entry.images:
        return ()
    found = stamps or {}
    return tuple(found.get(name) or file_stamp(name)
                 for name in (str(image.path) for image in entry.images))
