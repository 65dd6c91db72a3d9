"""Objects kept in the build cache between processes: pickled under a salt, replaced whole.

The salt names what the object was made with (the generator, the settings);
a file saved under another salt, or damaged, or of an older layout, reads as
nothing, and the caller makes the object again. A save writes a scratch file
and renames it, so a killed process leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
              IndexError, KeyError, TypeError, ValueError)
"""What reading a damaged or outdated pickle may raise."""


def save(path: Path, salt: str, value: Any) -> None:
    """Keep ``value`` in ``path`` under ``salt``."""
    write_whole(path, lambda file: pickle.dump((salt, value), file,
                                               protocol=pickle.HIGHEST_PROTOCOL))


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through ``write`` into a scratch file renamed over it: a killed
    process leaves the previous file whole, never half of the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    with scratch.open("wb") as file:
        write(file)
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
    """Pause the garbage collector while a cache loads, or a build makes its catalogue.

    A catalogue is millions of small objects, none of them garbage: the collector
    would walk them again and again while they are made (restoring 50,000
    entries: 3.0 s against 1.3 s; a whole build after an edit: 10.2 s against 7.5 s).
    """

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        if self._was_enabled:
            gc.enable()


class collector_on_new_objects:
    """Collect garbage again, among the objects made from now on only.

    Rendering makes garbage in cycles (MkDocs' pages and files point at each
    other) that only the collector frees; the catalogue before it is long-lived,
    and is frozen out of the collector's walks. Frozen before the renderers fork,
    so that they neither walk it nor copy its pages by touching their headers.

    With ``collect_first``, the garbage made while the collector was paused is
    collected before the freeze (a first build reads 50,000 files: its parsers'
    cycles); an edit's build makes too little to be worth a walk of everything.
    """

    def __init__(self, *, collect_first: bool = False) -> None:
        self._collect_first = collect_first

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        if self._collect_first:
            gc.collect()
        gc.freeze()
        gc.enable()

    def __exit__(self, *_: object) -> None:
        gc.unfreeze()  # the next catalogue replaces this one: collected as usual
        if not self._was_enabled:
            gc.disable()


def in_background(saves: list[Callable[[], None]], lock: Path | None = None) -> None:
    """Run ``saves`` in a process of their own, which outlives the caller if need be.

    The caches a build leaves for the next process take a second or two to
    pickle at 50,000 entries: the build does not wait for them. The process
    shares the caller's memory as it was when it started, so what it saves is
    that moment's; each save replaces its file whole. A save that fails is lost,
    never half-written.

    With ``lock``, the saving process holds it until it is done, and
    ``wait_for_saves`` waits for it: a build that starts at once (a first build,
    then an edit) restores the caches this one leaves, not the ones before.
    """
    if not saves:
        return
    held = _lock_file(lock, fcntl.LOCK_EX) if lock is not None else None
    try:
        child = os.fork()
    except BaseException:
        if held is not None:
            os.close(held)
        raise
    if child:
        # The lock stays held by the grandchild's copy of the descriptor.
        if held is not None:
            os.close(held)
        os.waitpid(child, 0)  # at once: the grandchild does the work, reaped by init
        return
    try:  # pragma: no cover (the forked processes)
        if os.fork() == 0:
            os.setsid()  # not stopped by a Ctrl-C meant for the build
            detach_streams()
            for save_one in saves:
                with contextlib.suppress(Exception):
                    save_one()
    finally:
        os._exit(0)


def detach_streams() -> None:
    """In a process that outlives the command that started it: let go of its standard
    streams, which it has nothing to say on. A pipe the command writes into (``dvk
    build | tee log``, a CI step) would otherwise stay open until the process ends."""
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(null)


def wait_for_saves(lock: Path) -> None:
    """Return once no process ``in_background`` started with ``lock`` is still saving."""
    os.close(_lock_file(lock, fcntl.LOCK_SH))


def _lock_file(lock: Path, how: int) -> int:
    lock.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, how)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor
