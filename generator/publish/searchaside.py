"""The search index of a ``dvk build``, made in a forked process while the build goes on.

At 50,000 entries a first build's index takes 15 s of one core, and an edit's
0.8 s (0.3 s of it restoring the last build's index). Neither build has other
work for a second core meanwhile: MkDocs must be told every file before it reads
the pages, and the index's files are known only once it is made. Made aside,
they are not told at all. The forked process restores the last index, brings it
up to date, and writes the files that differ from the site's into a folder of
the build cache; the build moves that folder into its staging folder once the
pages are rendered (``IndexAside.move_into``), and from there into the site with
every other file. The index is made while MkDocs reads and renders the pages.

Only a build that needs no index afterwards makes one aside; ``dvk serve`` keeps
its index from build to build and updates it in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.cachefile import detach_streams
from generator.core.lifetime import die_with_parent
from generator.publish.entryfiles import file_digest

if TYPE_CHECKING:  # numpy's import is not for a build that has nothing to do
    from generator.publish.searchindex import SearchIndex


@dataclass(frozen=True, slots=True)
class Aside:
    """How a build wants its search index made aside (``publication``)."""

    folder: Path
    """Where the forked process writes the index's files (the build cache)."""
    index: Callable[[], SearchIndex]
    """The index to bring up to date: the last build's, restored in the forked process."""
    keep: Callable[[SearchIndex], None] | None = None
    """Called in that process with the index once its files are written."""
    published: Mapping[str, str] = field(default_factory=dict)
    """The digests of the index's files in the site, by dest URI, where the build adds
    only what changed to the site (an incremental build): only the files that differ
    are written."""


class IndexAside:
    """The search index of ``catalogue``, being made in a forked process.

    ``aside.keep``, called in that process with the index once its files are
    written, saves it for the next build (in a process of its own, which the
    build does not wait for: ``cachefile.in_background``).
    """

    def __init__(self, catalogue: Catalogue, aside: Aside) -> None:
        self.aside = aside
        shutil.rmtree(aside.folder, ignore_errors=True)  # a killed build's, half-written
        aside.folder.mkdir(parents=True)
        self._digests: dict[str, str] | None = None
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the forked process; its work is tested through it)
            os.close(read_end)
            _make(catalogue, aside, parent, write_end)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def wait(self) -> dict[str, str]:
        """Each file's digest by dest URI, once the process has written them.

        Raises ``RuntimeError`` when it failed or died.
        """
        if self._digests is None:
            # One line, not the pipe's end: the process that saves the index for the
            # next build (``Aside.keep``) holds the pipe open until it is done.
            with os.fdopen(self._pipe) as pipe:
                self._pipe = -1
                raw = pipe.readline()
            # Reaped aside too: a process that leaves a gigabyte behind takes a few
            # tenths of a second to exit.
            threading.Thread(target=os.waitpid, args=(self._pid, 0), daemon=True).start()
            report: dict[str, Any] = json.loads(raw) if raw else {"error": "it died"}
            if "error" in report:
                raise RuntimeError(f"making the search index failed: {report['error']}")
            self._digests = report["digests"]
        return self._digests

    def removed(self) -> list[str]:
        """The dest URIs of the site's index files that the index no longer has."""
        digests = self.wait()
        return sorted(dest for dest in self.aside.published if dest not in digests)

    def move_into(self, site_dir: Path) -> None:
        """Wait, then move the files written into ``site_dir``."""
        self.wait()
        folder, target = self.aside.folder, site_dir / urls.SEARCH_INDEX
        if target.exists():  # nothing else publishes there; merged all the same
            shutil.copytree(folder, target, dirs_exist_ok=True)
            shutil.rmtree(folder)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(folder, target)  # one rename on the same file system

    def stop(self) -> None:
        """Stop making the index (the build failed)."""
        if self._pipe < 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.close(self._pipe)
        self._pipe = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        shutil.rmtree(self.aside.folder, ignore_errors=True)


def _make(catalogue: Catalogue, aside: Aside, parent: int,
          write_end: int) -> None:  # pragma: no cover (the forked process)
    report: dict[str, Any]
    try:
        die_with_parent(parent)  # a killed build stops making its index too
        index = aside.index()
        digests = {}
        made: set[Path] = set()
        for name, data in index.update(catalogue).items():
            dest = f"{urls.SEARCH_INDEX}{name}"
            digests[dest] = digest = file_digest(data)
            if aside.published.get(dest) == digest:
                continue
            path = aside.folder / name
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
        if aside.keep is not None:  # before the report: the next build waits for it
            aside.keep(index)
        report = {"digests": digests}
    except BaseException as exc:
        report = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(json.dumps(report) + "\n")
        detach_streams()  # ending takes a few tenths of a second more: see ``wait``
    finally:
        os._exit(0)
