"""The staging folder a build writes into, and how it replaces site/ without losing it.

MkDocs never writes into site/ itself: it writes a sibling folder, which
replaces site/ in one step once the whole build has succeeded. An incremental
build hard-links the unchanged files of site/ beside the new ones first. A
build killed half-way leaves its folder for the next one to sweep.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


@contextmanager
def staging_folder(config: MkDocsConfig) -> Iterator[tuple[Path, Path]]:
    """Point the build at an empty staging folder beside site/; yield (staging, site/).

    Afterwards the config points at site/ again and the staging folder is gone.
    """
    final = Path(config.site_dir)
    staging = final.with_name(f".{final.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config.site_dir = str(staging)
    try:
        yield staging, final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        config.site_dir = str(final)




def move_into(staging: Path, final: Path, gone: Sequence[str]) -> None:
    """Move an incremental build's files into site/ and delete the pages that are gone.

    Each file is replaced by a rename, so a reader never gets half a page.
    """
    for walked, _, filenames in os.walk(staging):
        relative = Path(walked).relative_to(staging)
        (final / relative).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            (Path(walked) / name).replace(final / relative / name)
    for uri in gone:
        target = final / uri
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != final and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def link_unchanged(final: Path, staging: Path, gone: frozenset[str]) -> None:
    """Hard-link into ``staging`` every file of site/ it lacks, but those ``gone``.

    An incremental build renders only what changed; this makes the staging
    folder the whole new site, to replace site/ in one step. A link is one
    system call and copies no bytes (0.4 s for 10,000 files here); nothing ever
    writes into a published file in place, so the two folders may share them.
    """
    for walked, _, filenames in os.walk(final):
        relative = os.path.relpath(walked, final)
        if relative == ".":
            relative = ""
        # Strings, not Paths: this runs once per file of the site.
        target = f"{staging}/{relative}"
        made = False
        for name in filenames:
            uri = f"{relative}/{name}" if relative else name
            if uri in gone:
                continue
            if not made:  # only folders that keep a file: a folder emptied by ``gone`` goes
                Path(target).mkdir(parents=True, exist_ok=True)
                made = True
            source, copy = f"{walked}/{name}", f"{target}/{name}"
            try:
                os.link(source, copy, follow_symlinks=False)
            except FileExistsError:
                pass  # rebuilt: the new file stays
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP):
                    raise
                shutil.copy2(source, copy, follow_symlinks=False)  # no hard links here


def sweep_abandoned(final: Path) -> None:
    """Remove staging folders left by builds that were killed (their process is gone).

    A build killed between the two renames of a swap leaves no site/ but its
    old folder: that is put back first.
    """
    for leftover in sorted(final.parent.glob(f".{final.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not (kind.endswith((".building", ".old", ".discarded")) and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if kind.endswith(".old") and not final.exists():
                leftover.rename(final)
            else:
                shutil.rmtree(leftover, ignore_errors=True)
        except PermissionError:
            pass  # alive, and someone else's
