"""Putting an incremental build's files into site/ in place, with a journal to undo it.

An incremental build renders the few files that changed into a staging
folder. Swapping a whole new site/ for the old one would mean linking every
unchanged file beside them first: 213,000 links, 10 s, at 50,000 entries. So
the changed files are moved into site/ itself, one rename each, and a journal
beside site/ keeps what is needed to undo it:

1. ``.site.journal-<pid>/`` is made, and the build state is moved into it:
   from then on no state vouches for site/ but the journal's.
2. The list of files that site/ does not have yet is written (``added``).
3. Every file to be replaced or deleted is hard-linked into ``backup/``
   (a link copies no bytes), and only then is the new file renamed over it,
   or the old one deleted.
4. The new state is written, and the journal is renamed
   ``.site.committed-<pid>``: the build is done, whatever happens next.

A build killed before step 4 leaves its journal; the next build, or any
``dvk`` command that builds, rolls it back first (``roll_back``): the added
files are deleted, the backups renamed back and the old state put back, so
site/ is again exactly what it was, and the next build is incremental again.
Rolling back is itself safe to kill and run again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

ADDED = "added"
BACKUP = "backup"
STATE = "state"
STATE_PATH = "state-path"


def _files(folder: Path) -> list[str]:
    found: list[str] = []
    for walked, _, names in os.walk(folder):
        relative = os.path.relpath(walked, folder)
        found.extend(name if relative == "." else f"{relative}/{name}" for name in names)
    return found


def _prune(final: Path, uri: str) -> None:
    """Remove the folders of ``uri`` left empty, up to (not including) site/."""
    folder = (final / uri).parent
    while folder != final:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


def _move(staging: Path, final: Path, uris: Iterable[str]) -> None:
    for uri in uris:
        target = final / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / uri).replace(target)  # a reader gets the old file or the new, never half


def move_unjournalled(staging: Path, final: Path) -> None:
    """Move every file of ``staging`` into ``final``, with no journal: for files that the
    next build makes again anyway, whatever happens (generator/build/preview.py)."""
    _move(staging, final, _files(staging))


def replace_in_place(
    staging: Path, final: Path, gone: Iterable[str], state_file: Path,
    record_state: Callable[[], None],
) -> None:
    """Move every file of ``staging`` into ``final`` and delete ``gone``, as one undoable step.

    ``record_state`` writes the new build state into ``state_file``; it runs
    last, before the journal is committed.
    """
    journal = final.with_name(f".{final.name}.journal-{os.getpid()}")
    (journal / BACKUP).mkdir(parents=True)
    (journal / STATE_PATH).write_text(str(state_file), encoding="utf-8")
    if state_file.exists():
        state_file.replace(journal / STATE)
    new = _files(staging)
    doomed = [uri for uri in gone if (final / uri).is_file()]
    replaced = [uri for uri in new if (final / uri).exists()]
    added = sorted(set(new) - set(replaced))
    (journal / ADDED).write_text("".join(f"{uri}\n" for uri in added), encoding="utf-8")
    for uri in [*replaced, *doomed]:
        backup = journal / BACKUP / uri
        backup.parent.mkdir(parents=True, exist_ok=True)
        os.link(final / uri, backup, follow_symlinks=False)
    _move(staging, final, new)
    for uri in doomed:
        (final / uri).unlink()
        _prune(final, uri)
    record_state()
    committed = final.with_name(f".{final.name}.committed-{os.getpid()}")
    journal.rename(committed)
    shutil.rmtree(committed, ignore_errors=True)


def roll_back(journal: Path, final: Path) -> None:
    """Undo what a killed build's ``journal`` began in ``final``, and delete the journal."""
    listed = journal / ADDED
    if listed.exists():
        for uri in listed.read_text(encoding="utf-8").splitlines():
            (final / uri).unlink(missing_ok=True)
            _prune(final, uri)
    backups = journal / BACKUP
    for uri in _files(backups) if backups.is_dir() else []:
        target = final / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        (backups / uri).replace(target)
    saved_state = journal / STATE
    if saved_state.exists() and (journal / STATE_PATH).exists():
        saved_state.replace(Path((journal / STATE_PATH).read_text(encoding="utf-8")))
    shutil.rmtree(journal, ignore_errors=True)
