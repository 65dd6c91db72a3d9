"""Progress of long builds: the library reports stages, the CLI decides how to show them."""

from __future__ import annotations

import os
import sys
from typing import NoReturn, Protocol

from tqdm import tqdm

# tqdm's monitor thread would be copied, lock and all, into the forked render
# workers (generator/render/loop.py); the bars refresh on their own updates instead.
tqdm.monitor_interval = 0


class Progress(Protocol):
    """Receives a build's stages and counts; library code never prints."""

    def stage(self, name: str, total: int) -> None:
        """A new stage of ``total`` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""

    def close(self) -> None:
        """The build is over."""


class Silent:
    """No progress shown: the default for libraries, pipes and CI."""

    def stage(self, name: str, total: int) -> None:
        """Ignore the stage."""

    def advance(self, steps: int = 1) -> None:
        """Ignore the steps."""

    def close(self) -> None:
        """Nothing to close."""


class Bar:
    """A tqdm bar on standard error, one per stage."""

    def __init__(self) -> None:
        self._bar: tqdm[NoReturn] | None = None

    def stage(self, name: str, total: int) -> None:
        """Close the previous stage's bar and open one for ``name``."""
        self.close()
        self._bar = tqdm(total=total, desc=name, unit=" trang", file=sys.stderr,
                         dynamic_ncols=True, leave=False)

    def advance(self, steps: int = 1) -> None:
        """Move the bar."""
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def for_terminal() -> Progress:
    """A bar when standard error is a terminal and not under CI; else silence."""
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return Bar()
    return Silent()
