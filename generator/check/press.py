"""Press records checked against each other and against the entries.

Each file is read alone (``generator.load.press``); here they are checked
together: the models each names exist (an old id, kept in an entry's
``redirect_from``, counts as that entry), the contest is one the config
declares, no article is filed twice, and none is dated after today.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from generator.core import cachefile
from generator.core.errors import Problem, display_path
from generator.core.model import Entry
from generator.core.press import PressRecord
from generator.core.settings import Settings
from generator.load.listing import sort_paths
from generator.load.listing import stamp as file_stamp
from generator.load.press import EXTENSIONS, press_files, read_press


@dataclass(frozen=True, slots=True)
class Models:
    """The entry ids a press record may name: each current id, and each old id with the
    current id it redirects to."""

    ids: set[str]
    moved: dict[str, str]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Models:
        """The ids of ``entries``."""
        listed = list(entries)
        return cls({e.id for e in listed}, {old: e.id for e in listed for old in e.redirect_from})


Read = tuple[tuple[int, int], PressRecord | None, list[Problem]]
"""A press record file as read: its (size, mtime), the record, its problems."""


class PressCache:
    """Press records already read, reused while their files' size and mtime are unchanged.

    20,000 records take 2.3 s to read and validate; ``dvk build`` keeps them in the build
    cache (one file: a record is a few hundred bytes) and ``dvk serve`` in memory, so
    that an edit reads again only the files that changed.
    """

    def __init__(self) -> None:
        self._read: dict[str, Read] = {}
        self.changed = False
        """Whether a file was read since the cache was restored or saved."""

    def read(self, path: str, settings: Settings,
             stamp: tuple[int, int] | None) -> tuple[PressRecord | None, list[Problem]]:
        """The record at ``path`` (and its problems), read again only if it changed."""
        stamp = stamp or file_stamp(path)
        known = self._read.get(path)
        if known is not None and known[0] == stamp:
            return known[1], known[2]
        record, problems = read_press(Path(path), settings)
        self._read[path] = (stamp, record, problems)
        self.changed = True
        return record, problems

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forget the files that are gone."""
        wanted = set(paths)
        for gone in [path for path in self._read if path not in wanted]:
            del self._read[gone]
            self.changed = True

    def save(self, path: Path, salt: str) -> None:
        """Keep the records in ``path`` for the next process, under ``salt``."""
        later = self.save_later(path, salt)
        if later is not None:
            later()

    def save_later(self, path: Path, salt: str) -> Callable[[], None] | None:
        """What ``save`` writes, to run in a forked process (``cachefile.in_background``):
        the records as they are now; None when nothing changed."""
        if not self.changed:
            return None
        self.changed = False
        return partial(cachefile.save, path, salt, self._read)

    def restore(self, path: Path, salt: str) -> None:
        """Take the records ``save`` kept in ``path`` under ``salt``, if any."""
        saved = cachefile.load(path, salt)
        if isinstance(saved, dict):
            self._read.update(saved)


def load_press(
    settings: Settings, models: Models, paths: Sequence[str] | None = None,
    today: dt.date | None = None, *, cache: PressCache | None = None,
    stamps: dict[str, tuple[int, int]] | None = None,
) -> tuple[tuple[PressRecord, ...], list[Problem]]:
    """The press records of ``paths`` (default: every one), checked, newest first; and every
    problem of any of them. Named paths are checked against the others' URLs too.

    ``stamps``: the (size, mtime) of the press files, when the caller listed them already.
    """
    records: list[PressRecord] = []
    problems: list[Problem] = []
    named = paths is not None
    if paths is None:
        paths = sort_paths(p for p in stamps if p.endswith(EXTENSIONS)) if stamps is not None \
            else press_files(settings)
    cache = cache or PressCache()
    for path in paths:
        record, found = cache.read(path, settings, (stamps or {}).get(path))
        problems.extend(found)
        if record is not None:
            records.append(record)
    if not named:
        cache.keep_only(paths)
    filed = _urls_filed(settings, {r.rel_path for r in records}) if named else {}
    checked, found = check_press(records, models, settings, today or dt.date.today(), filed)
    return checked, problems + found


_URL_LINE = re.compile(r"^url:[ \t]*['\"]?(https?://[^'\"\s]+)", re.M)


def _urls_filed(settings: Settings, skipped: set[str]) -> dict[str, str]:
    """The URL of each press record but ``skipped`` (relative paths), as messages show its file.

    A check of a few files reads the others' ``url:`` lines only, not their YAML:
    20,000 of them take a second this way. A URL the loader would normalise
    differently (a missing "/" after the host) may escape it; the full check,
    which reads every file, does not.
    """
    found: dict[str, str] = {}
    for path in press_files(settings):
        relative = Path(path).relative_to(settings.content_dir).as_posix()
        if relative in skipped:
            continue
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        match = _URL_LINE.search(text)
        if match:
            found.setdefault(match.group(1), display_path(Path(path), settings.root))
    return found


def newest_first(records: Iterable[PressRecord]) -> tuple[PressRecord, ...]:
    """Articles by date, newest first; one day's in title order."""
    by_title = sorted(records, key=lambda r: (r.title, r.id))
    return tuple(sorted(by_title, key=lambda r: r.date, reverse=True))


def check_press(
    records: Sequence[PressRecord], models: Models, settings: Settings, today: dt.date,
    filed: dict[str, str] | None = None,
) -> tuple[tuple[PressRecord, ...], list[Problem]]:
    """The records with their models' current ids, and the problems between files.

    ``filed``: the URLs of articles filed in other files, by the file shown.
    """
    ids, moved = models.ids, models.moved
    contests = {contest.slug for contest in settings.contests}
    filed = filed or {}
    first_with: dict[str, str] = {}
    """An article's URL -> the file it was first found in, relative to the content folder."""
    problems: list[Problem] = []
    checked: list[PressRecord] = []
    for record in records:
        found: list[tuple[str, str, tuple[str, str], str]] = []
        """(line key, field shown, (vi, en), rule) of each problem of this record."""
        current_ids: dict[str, None] = {}
        for index, model in enumerate(record.models):
            current = model if model in ids else moved.get(model)
            if current is None:
                found.append((f"models.{index}", f"models[{index}]", unknown_model(model, ids),
                              "unknown-model"))
            else:
                current_ids[current] = None
        if record.contest is not None and record.contest not in contests:
            found.append(("contest", "contest", unknown_contest(record.contest, contests),
                          "unknown-contest"))
        first = _filed_before(record, filed, first_with, settings)
        if first is not None:
            found.append(("url", "url", (
                f"bài này đã có trong {first}; mỗi bài chỉ ghi một tệp: gộp các mô hình "
                "vào `models:` của tệp kia rồi xóa tệp này",
                f"this article is already filed in {first}; file each article once: "
                "add the models to that file's `models:` and delete this one"),
                "duplicate-article"))
        if record.date > today:
            found.append(("date", "date", (
                f"ngày đăng {record.date.isoformat()} ở sau hôm nay ({today.isoformat()}); "
                "kiểm tra lại ngày, tháng, năm",
                f"the date {record.date.isoformat()} is after today ({today.isoformat()}); "
                "check the day, month and year"), "future-date"))
        if found:
            shown = display_path(settings.content_dir / record.rel_path, settings.root)
            problems.extend(Problem(shown, record.lines.get(key, 1), where, vi, en, rule=rule)
                            for key, where, (vi, en), rule in found)
        elif tuple(current_ids) == record.models:
            checked.append(record)
        else:  # an old id named, or one twice
            checked.append(replace(record, models=tuple(current_ids)))
    return newest_first(checked), problems


def _filed_before(record: PressRecord, filed: dict[str, str], first_with: dict[str, str],
                  settings: Settings) -> str | None:
    """The file, as messages show it, where the article of ``record`` was filed already."""
    if record.url is None:
        return None
    first = filed.get(record.url)
    if first is None:
        earlier = first_with.setdefault(record.url, record.rel_path)
        if earlier != record.rel_path:
            first = display_path(settings.content_dir / earlier, settings.root)
    return first


def nearest_id(model: str, ids: Iterable[str]) -> str | None:
    """The id ``model`` most likely meant: the shortest that starts with it (an id typed
    without its place), else the closest spelling."""
    known = list(ids)
    longer = [i for i in known if i.startswith(model)]
    if longer:
        return min(longer, key=lambda i: (len(i), i))
    close = difflib.get_close_matches(model, known, n=1)
    return close[0] if close else None


def unknown_model(model: str, ids: Iterable[str]) -> tuple[str, str]:
    """The message, Vietnamese and English, of an id no entry has, with the nearest one."""
    near = nearest_id(model, ids)
    hint_vi = f"; có phải \"{near}\"?" if near else ""
    hint_en = f"; did you mean \"{near}\"?" if near else ""
    return (f"không có mô hình mã \"{model}\"{hint_vi} Ghi mã (id) trong tệp mô hình",
            f"no model has the id \"{model}\"{hint_en} Give the id from the entry file")


def unknown_contest(contest: str, contests: set[str]) -> tuple[str, str]:
    """The message, Vietnamese and English, of a contest the config does not declare."""
    if not contests:
        return (f"cuộc thi \"{contest}\" chưa được khai báo: site_config.yml chưa có cuộc thi "
                "nào (mục `contests:` của plugin dvk)",
                f"the contest \"{contest}\" is not declared: site_config.yml declares none "
                "(the dvk plugin's `contests:`)")
    known = ", ".join(sorted(contests))
    return (f"cuộc thi \"{contest}\" chưa được khai báo trong site_config.yml; dùng một "
            f"trong: {known}",
            f"the contest \"{contest}\" is not declared in site_config.yml; use one of: {known}")
