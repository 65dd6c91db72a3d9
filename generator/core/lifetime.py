"""Forked helpers that end with the build that forked them.

A build forks page renderers and the search indexer. Killed (SIGKILL, or the
machine's out-of-memory killer), the build cannot stop them, and they would go
on writing into its staging folder while the next build sweeps it away. Linux
lets a child ask to be killed when its parent dies; elsewhere they run to the
end of their share, which is what they did before.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a just-forked child of ``parent``: be killed when ``parent`` ends.

    The kernel ties this to the thread that forked, not to the process, so only
    call it in children of a thread that outlives them (the main thread, or one
    that waits for them).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)
