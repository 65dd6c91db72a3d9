"""One entry file checked: read, then the rules beyond the schema, the lints, the unsafe URLs.

Reading (``generator.load``) turns a file into an entry or located problems;
this adds the rules and lints and applies the file's ``dvk-ignore`` comments.
``EntryCache`` keeps the result while the file is unchanged, for ``dvk serve``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from generator.check.lints import ignored_rules, lint_entry
from generator.check.rules import check_entry
from generator.check.unsafe import unsafe_urls
from generator.core.errors import Problem, Severity, display_path
from generator.core.model import Entry
from generator.core.provinces import ProvinceRegistry
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
            stamp = file_stamp(path)
        known = self._loaded.get(path)
        if known is not None and known[0] == stamp and (
                not known[1] or known[3] == _image_stamps(known[1])):
            return known[1], known[2]
        entry, problems = check_file(Path(path), settings, registry)
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


def _image_stamps(entry: Entry) -> tuple[tuple[int, int], ...]:
    return tuple(file_stamp(str(image.path)) for image in entry.images)
