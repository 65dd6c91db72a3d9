"""The staging folder a build writes into, and how it replaces site/ without losing it.

MkDocs never writes into site/ itself: it writes a sibling folder, which
replaces site/ in one step once the whole build has succeeded (a full build),
or whose files are moved into site/ under a journal (an incremental one,
generator/build/journal.py). A build killed half-way leaves its folders for
the next one to sweep.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from generator.build.journal import roll_back
from generator.core.folders import delete_in_background


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




def sweep_abandoned(final: Path) -> None:
    """Remove staging folders left by builds that were killed (their process is gone).

    A build killed between the two renames of a swap leaves no site/ but its
    old folder: that is put back first. A build killed while it moved its files
    into site/ leaves a journal: it is rolled back (generator/build/journal.py).
    """
    for leftover in sorted(final.parent.glob(f".{final.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not (kind.endswith((".building", ".old", ".discarded", ".journal", ".committed"))
                and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if kind.endswith(".old") and not final.exists():
                leftover.rename(final)
            elif kind.endswith(".journal"):
                roll_back(leftover, final)
            elif kind.endswith(".discarded"):  # the last build's old site, maybe still
                delete_in_background(leftover)   # being deleted by the process it started
            else:
                shutil.rmtree(leftover, ignore_errors=True)
        except PermissionError:
            pass  # alive, and someone else's
