"""The heads of every entry file: id, title, province and old ids, from a quick read.

Checking one entry against 50,000 others needs only these four keys of the
others. Loading the others would take many seconds, so each file's front
matter is scanned for the four top-level keys with a regular expression, and
parsed as YAML only when a value is not a plain one-line scalar (a quoted
title with escapes, a block list of old ids). The heads are kept in the build
cache by file size and mtime, so a check after an edit re-reads one file.
"""

from __future__ import annotations

import os
import pickle
import re
from typing import Any, NamedTuple

import yaml

from generator.core.errors import FrontMatterError
from generator.core.settings import Settings, cache_dir
from generator.load.frontmatter import MAX_FILE_BYTES
from generator.load.listing import sort_paths
from generator.load.yamlguard import refuse_unsafe_yaml

try:  # The C loader is several times faster; fall back where libyaml is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

INDEX_VERSION = 4
"""Of the cached heads; another version reads every file again."""
_KEYS = re.compile(rb"^(id|title|province|redirect_from)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)
_PLAIN = re.compile(r"[^\s\"'>|\[\]{}&*!%@`#,?:-][^#]*")
"""A plain one-line scalar: no quote, block, flow or anchor indicator to start with."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SIMPLE_LIST = re.compile(r"\[([a-z0-9,\s-]*)\]")

Stamp = tuple[int, int]
"""A file's (size, mtime in ns): what says it has not changed."""
Row = tuple[Any, ...]
"""A head as a plain tuple: (id, title, province, redirect_from, path)."""
ID, TITLE, PROVINCE, REDIRECT_FROM, PATH = range(5)
"""Positions of a row's fields."""


class Head(NamedTuple):
    """The keys of an entry file that rules across the catalogue need.

    ``HeadIndex.rows`` gives plain tuples instead: building 50,000 of these
    costs a sixth of a second, and a check needs only the few that share an id
    with the checked files.
    """

    id: str
    title: str
    province: str
    """As written: a slug, or an old province's name."""
    redirect_from: tuple[str, ...]
    path: str
    """The file, absolute: a string, since building 50,000 Paths costs a tenth of a second."""
    lines: dict[str, int]
    """Line of each of the four keys."""


def scan(settings: Settings) -> dict[str, Stamp]:
    """Every entry file under the entries folder -> its stamp: a stat per file, no reads."""
    found: dict[str, Stamp] = {}
    stack = [str(settings.entries_path)]
    while stack:
        folder = stack.pop()
        try:
            items = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            if item.is_dir(follow_symlinks=False):
                stack.append(item.path)
            elif item.name.endswith(".md"):
                try:
                    info = item.stat()
                except OSError:  # a broken link: the loader reports it if it is checked
                    continue
                found[item.path] = (info.st_size, info.st_mtime_ns)
    return found


def read_head(path: str, data: bytes | None = None) -> Head | None:
    """The head of the entry file at ``path`` (or of its bytes), or None if it has none."""
    if data is None:
        try:
            with open(path, "rb") as handle:  # noqa: PTH123 (50,000 calls: no Path objects)
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
    if len(data) > MAX_FILE_BYTES:
        return None  # the loader refuses it; its head is no one's to clash with
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data.startswith(b"---"):
        return None
    end = data.find(b"\n---", 3)
    front = data[: end if end > 0 else len(data)]
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for match in _KEYS.finditer(front):
        key = match.group(1).decode()
        if key in values:
            continue  # a duplicate key is the loader's to report
        try:
            values[key] = match.group(2).decode("utf-8")
        except UnicodeDecodeError:
            return None
        lines[key] = front.count(b"\n", 0, match.start()) + 1
    simple = _simple(values)
    if simple is None:
        simple = _parsed(front)
    if simple is None:
        return None
    entry_id, title, province, old_ids = simple
    if _CONTROL.search(title) or _CONTROL.search(province):
        return None  # the loader refuses the file; its title must not reach a terminal
    return Head(entry_id, title, province, old_ids, path, lines)


def _simple(values: dict[str, str]) -> tuple[str, str, str, tuple[str, ...]] | None:
    """The four values when each is a plain scalar (or a flow list of ids), else None."""
    scalars = []
    for key in ("id", "title", "province"):
        value = values.get(key, "")
        if not _PLAIN.fullmatch(value) or " #" in value or ": " in value:
            return None
        scalars.append(value)
    old = values.get("redirect_from")
    old_ids: tuple[str, ...] = ()
    if old:
        flow = _SIMPLE_LIST.fullmatch(old)
        if flow is None:
            return None
        old_ids = tuple(part.strip() for part in flow.group(1).split(",") if part.strip())
    elif old is not None:
        return None  # a block list on the next lines
    return scalars[0], scalars[1], scalars[2], old_ids


def _parsed(front: bytes) -> tuple[str, str, str, tuple[str, ...]] | None:
    try:
        source = front.partition(b"\n")[2].decode("utf-8")
        # The loader's own guards first: an alias bomb or 100,000 nested brackets
        # would otherwise explode (or crash libyaml) here, before any message.
        refuse_unsafe_yaml(source, "")
        data: Any = yaml.load(source, Loader=_Loader)  # a safe loader
    except (FrontMatterError, yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    old = data.get("redirect_from") or []
    return (
        str(data.get("id") or ""), str(data.get("title") or ""), str(data.get("province") or ""),
        tuple(str(o) for o in old) if isinstance(old, list) else (),
    )


class HeadIndex:
    """The heads of every entry file, kept in the build cache between runs.

    Kept as columns (a list per key, in path order): 50,000 rows of tuples and
    dicts take a sixth of a second to unpickle, columns of strings a fortieth.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.file = cache_dir(settings.root) / "entry-heads.pickle"

    def _cached(self) -> dict[str, Any]:
        try:
            version, key, columns = pickle.loads(self.file.read_bytes())  # our own cache
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        if version != INDEX_VERSION or key != str(self.settings.entries_path):
            return {}
        return columns if isinstance(columns, dict) else {}

    def rows(self, stamps: dict[str, Stamp] | None = None) -> list[Row]:
        """Every entry file's head as a row ``(id, title, province, redirect_from, path)``.

        In path order, files without a readable head left out. Refreshes the
        cache: a file whose stamp changed is read again.
        """
        stamps = scan(self.settings) if stamps is None else stamps
        cached = self._cached()
        paths: list[str] = cached.get("paths", [])
        known = dict(zip(paths, zip(cached.get("sizes", []), cached.get("mtimes", []),
                                    strict=True), strict=True))
        # Sorting 50,000 paths folder by folder takes a fifth of a second:
        # only when files came or went.
        order = paths if known.keys() == stamps.keys() else sort_paths(stamps)
        # Comparing the dicts whole runs in C: the common case, nothing changed, costs 5 ms.
        stale = [] if known == stamps else [
            path for path, stamp in stamps.items() if known.get(path) != stamp]
        if order is paths and not stale:
            ids, titles, provinces = cached["ids"], cached["titles"], cached["provinces"]
            redirects: dict[str, tuple[str, ...]] = cached["redirects"]
        else:
            before = {path: (cached["ids"][i], cached["titles"][i], cached["provinces"][i])
                      for i, path in enumerate(paths)} if paths else {}
            redirects = {p: r for p, r in cached.get("redirects", {}).items() if p in stamps}
            for path in stale:
                head = read_head(path)
                before[path] = (head.id, head.title, head.province) if head else ("", "", "")
                redirects.pop(path, None)
                if head is not None and head.redirect_from:
                    redirects[path] = head.redirect_from
            ids = [before[p][0] for p in order]
            titles = [before[p][1] for p in order]
            provinces = [before[p][2] for p in order]
            self._save({
                "paths": order, "sizes": [stamps[p][0] for p in order],
                "mtimes": [stamps[p][1] for p in order], "ids": ids, "titles": titles,
                "provinces": provinces, "redirects": redirects,
            })
        return [
            (entry_id, title, province, redirects.get(path, ()), path)
            for entry_id, title, province, path in zip(ids, titles, provinces, order, strict=True)
            if entry_id
        ]

    def _save(self, columns: dict[str, Any]) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.file.with_name(f"{self.file.name}.{os.getpid()}")
            scratch.write_bytes(pickle.dumps(
                (INDEX_VERSION, str(self.settings.entries_path), columns),
                protocol=pickle.HIGHEST_PROTOCOL))
            scratch.replace(self.file)
        except OSError:
            pass  # a read-only checkout still checks, only more slowly next time
