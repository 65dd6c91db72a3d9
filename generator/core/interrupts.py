"""A Ctrl-C that no library can swallow.

Python raises KeyboardInterrupt wherever the main thread happens to be. Where
that is a callback from native code (a Rust or C library calling back into
Python), the library may report it as "Exception ignored" and carry on, and a
build the reader stopped would go on to replace site/ and exit 0. So the
interrupt is also remembered here, and a build asks before it commits.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_received = threading.Event()


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    _received.set()
    signal.default_int_handler(signum, frame)


def remember_interrupts() -> None:
    """From now on, a SIGINT raises KeyboardInterrupt as usual and is remembered."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if a SIGINT arrived, even one something swallowed."""
    if _received.is_set():
        raise KeyboardInterrupt


def interrupt_handled() -> None:
    """Forget the SIGINT received: the command stopped as it was asked to (a server)."""
    _received.clear()
