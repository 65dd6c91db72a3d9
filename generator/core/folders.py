"""Replacing a folder by another as one step, for site/ and its search index."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@cache
def _renameat2() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux's C library, or older than glibc 2.28
        return None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2); False where that is not offered."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap(staging: Path, final: Path, *, later: bool = False) -> None:
    """Put ``staging`` in place of ``final`` in one step, never a half-written folder.

    Both must be on one file system. The old folder is deleted afterwards; with
    ``later``, by a process of its own that the caller does not wait for (a
    site of 10,000 files took 0.5-2 s to delete here).
    Where the two cannot be exchanged in one step, it takes two renames, and a
    build killed between them leaves no ``final`` but ``.<final>.old-<pid>``,
    which the next build puts back (generator.build.staging.sweep_abandoned).
    """
    if final.exists() and _exchange(staging, final):
        old = staging  # the old folder, now under the staging name
    else:
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        if final.exists():
            final.rename(old)
        try:
            staging.rename(final)
        except BaseException:
            if old.exists():
                old.rename(final)
            raise
    doomed = final.with_name(f".{final.name}.discarded-{os.getpid()}")
    if not later or not old.exists() or doomed.exists():
        shutil.rmtree(old, ignore_errors=True)
        return
    old.rename(doomed)  # a name the next build sweeps, if the deletion is cut short
    delete_in_background(doomed)


def delete_in_background(folder: Path) -> None:
    """Delete ``folder`` in a process the caller does not wait for.

    Through a shell that leaves it running in the background: ``dvk build`` ends
    as soon as the new site is in place, and the build after it does not wait
    for the old site's 200,000 files either (10 s at 50,000 entries).
    """
    subprocess.run(["sh", "-c", 'rm -rf -- "$1" &', "sh", str(folder)], check=False,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


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
