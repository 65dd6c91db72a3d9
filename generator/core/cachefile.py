"""Objects kept in the build cache between processes: pickled under a salt, replaced whole.

The salt names what the object was made with (the generator, the settings);
a file saved under another salt, or damaged, or of an older layout, reads as
nothing, and the caller makes the object again. A save writes a scratch file
and renames it, so a killed process leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.core.lifetime import die_with_parent

UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
              IndexError, KeyError, TypeError, ValueError)
"""What reading a damaged or outdated pickle may raise."""


def save(path: Path, salt: str, value: Any) -> None:
    """Keep ``value`` in ``path`` under ``salt``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    with scratch.open("wb") as file:
        pickle.dump((salt, value), file, protocol=pickle.HIGHEST_PROTOCOL)
    scratch.replace(path)


def load(path: Path, salt: str) -> Any | None:
    """What ``save`` kept in ``path`` under ``salt``; None if nothing usable is there."""
    with collector_paused():
        try:
            with path.open("rb") as file:
                saved_salt, value = pickle.load(file)
        except UNREADABLE:
            return None
    return value if saved_salt == salt else None


class collector_paused:
    """Pause the garbage collector while a cache loads.

    A catalogue's cache is millions of small objects: the collector would walk
    them again and again while they are made (50,000 entries: 3.0 s against
    1.3 s).
    """

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        if self._was_enabled:
            gc.enable()


def in_background(saves: list[Callable[[], None]]) -> Callable[[], None]:
    """Run ``saves`` in a forked child while the caller goes on; return a function that
    waits for the child.

    The caches an edit leaves for the next process take a second to pickle at
    50,000 entries, which a build can spend rendering on the other core. The
    child shares the caller's memory as it was at the fork, so the objects it
    saves are those of that moment. A save that fails is lost (the next build
    makes that cache again), never half-written.
    """
    if not saves:
        return lambda: None
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 0
        try:
            die_with_parent(parent)
            for save_one in saves:
                save_one()
        except BaseException:
            code = 1
        os._exit(code)

    def wait() -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    return wait
