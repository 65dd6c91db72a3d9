"""A Ctrl-C that no library can swallow.

Python raises KeyboardInterrupt wherever the main thread happens to be. Where
that is a callback from native code (a Rust or C library calling back into
Python), the library may report it as "Exception ignored" and carry on, and a
build the reader stopped would go on to replace site/ and exit 0. So the
interrupt is also remembered here, and a build asks before it commits. What
Python prints of such a KeyboardInterrupt (a traceback under "Exception ignored
in: ...") is left out: the command stops all the same, with its one line.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
from typing import Any

_received = threading.Event()


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    _received.set()
    signal.default_int_handler(signum, frame)


def _report_unraisable(unraisable: Any) -> None:
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def remember_interrupts() -> None:
    """From now on, a SIGINT raises KeyboardInterrupt as usual and is remembered."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)
        sys.unraisablehook = _report_unraisable


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if a SIGINT arrived, even one something swallowed."""
    if _received.is_set():
        raise KeyboardInterrupt


def interrupt_handled() -> None:
    """Forget the SIGINT received: the command stopped as it was asked to (a server)."""
    _received.clear()
