"""``dvk serve`` measured as an editor meets it: from saving an entry to seeing it.

The server runs on the bench's corpus, after its builds (the entry cache, search
index and cards are theirs; the served site is its own, built once at start).
Each edit adds a new word to one entry's summary, then polls, every 20 ms, the
entry's page over HTTP and the served search index read as the browser reads it
(``bench.indexread``), until both have the word. The next edit waits for the
build that follows the save to end.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.indexread import found_in_index
from generator.core import urls
from generator.core.settings import cache_dir

REBUILT = "Đã dựng lại"
"""What ``dvk serve`` logs when a build ends (generator/build/serve.py)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_text(url: str) -> str:
    """The body of ``url`` as text, or "" when it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _searchable(index: Path, word: str, url: str) -> bool:
    try:
        return url in found_in_index(index, word)
    except (OSError, ValueError, KeyError, IndexError):  # a file being replaced
        return False


def _until(done: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"dvk serve: {what} after {seconds:.0f} s")
        time.sleep(0.02)


@dataclass(frozen=True, slots=True)
class _Served:
    base: str
    index: Path
    log: Path

    def builds(self) -> int:
        return self.log.read_text(encoding="utf-8").count(REBUILT)

    def edit(self, path: Path, word: str) -> float:
        """Save ``word`` into the summary of ``path``; the seconds until it shows."""
        text = path.read_text(encoding="utf-8")
        builds = self.builds()
        url = urls.entry(path.stem)  # the corpus names each file by its id
        saved = time.monotonic()
        path.write_text(text.replace("summary: ", f"summary: {word} ", 1), encoding="utf-8")
        _until(lambda: word in get_text(self.base + url), 120, "the edited page did not show")
        _until(lambda: _searchable(self.index, word, url), 120, "the edit was not searchable")
        shown = time.monotonic() - saved
        _until(lambda: self.builds() > builds, 300, "the build after the save did not end")
        return shown


def serve_latencies(root: Path, config: Path, edits: int, seed: int = 7) -> list[float]:
    """Seconds from each save to the entry's page and the search both showing the edit."""
    entries = sorted((root / "content" / "mo-hinh").rglob("*.md"))
    port = free_port()
    served = _Served(f"http://127.0.0.1:{port}/",
                     cache_dir(root) / "serve" / "site" / urls.SEARCH_INDEX, root / "serve.log")
    with served.log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--config", str(config),
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    chosen = random.Random(seed)
    try:
        _until(lambda: get_text(served.base) != "", 900, "not serving")
        return [served.edit(chosen.choice(entries), f"quokka{chosen.randrange(10**6)}")
                for _ in range(edits)]
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as an editor stops it; then a kill, if SIGINT is ignored (a bench started in
    the background by a shell without job control inherits that) or the server hangs."""
    for sent in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(server.pid, sent)
            server.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
