"""Replacing a folder by another as one step, for site/ and its search index."""

from __future__ import annotations

import os
import shutil
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
