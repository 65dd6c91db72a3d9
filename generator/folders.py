"""Replacing a folder by another as one step, for site/ and its search index."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def swap(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final`` with two renames, never a half-written folder.

    Both must be on one file system. The old folder is deleted afterwards.
    """
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> subprocess.Popen[bytes] | None:
    """Move ``folder`` out of the way at once and delete it in another process.

    For folders of tens of thousands of files (the search records), whose
    deletion would otherwise hold up the build that follows for seconds.
    The caller waits for the returned process before it exits.
    """
    if not folder.exists():
        return None
    doomed = folder.with_name(f".{folder.name}.discarded-{os.getpid()}")
    shutil.rmtree(doomed, ignore_errors=True)
    folder.rename(doomed)
    return subprocess.Popen(["rm", "-rf", "--", str(doomed)])
