"""When each entry file was first published and last changed, from the repository's history.

One ``git log`` over the content folder answers for every file at once (a
process per file would cost minutes at 50,000 entries). Outside a repository,
or in a shallow clone that lacks the history, a file simply has no dates here
and the page falls back on the entry's own ``updated``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class FileDates:
    """The dates of the first and the last commit that touched a file, and the last one's id."""

    first: dt.date
    last: dt.date
    commit: str = ""
    """The full id of the last commit that changed the file: the version a reader cites."""


def file_dates(folder: Path) -> dict[str, FileDates]:
    """Each file ever committed under ``folder`` (POSIX path relative to it) -> its dates.

    Kept per checked-out commit, so that ``dvk serve`` reads the history once,
    not on every edit.
    """
    return _file_dates(folder, head(folder))


@lru_cache(maxsize=4)
def _file_dates(folder: Path, commit: str) -> dict[str, FileDates]:
    if not commit:
        return {}
    try:
        prefix = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-prefix"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        log = subprocess.run(
            # Newest commit first; %H is its id, %cs the committer date as YYYY-MM-DD.
            ["git", "-C", str(folder), "log", f"--format={RECORD}%H %cs", "--name-only",
             "--no-renames", "--", "."],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, FileDates] = {}
    for record in log.split(RECORD)[1:]:
        header, _, names = record.partition("\n")
        commit, _, day = header.strip().partition(" ")
        date = dt.date.fromisoformat(day)
        for name in names.split("\n"):
            if not name.startswith(prefix):
                continue
            path = name[len(prefix):]
            known = dates.get(path)
            # Walking from the newest commit: the first sighting is the last change.
            dates[path] = (FileDates(date, known.last, known.commit) if known
                           else FileDates(date, date, commit))
    return dates


def head(folder: Path) -> str:
    """The commit checked out at ``folder``, or "" outside a repository."""
    try:
        return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
