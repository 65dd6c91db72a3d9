"""The form-based editor's backend on this machine: decap-server, for ``dvk serve --cms``.

decap-server (npm, pinned in package-lock.json) answers the editor at
/quan-tri/ on 127.0.0.1:8081 and writes the repository it runs in. In the
``fs`` mode ``dvk serve --cms`` uses, a saved form is a file in content/ at
once, so the served site shows it like any edit; in ``git`` mode (the tests'
editorial workflow) each entry is a branch, as each is a pull request on GitHub.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from generator.core import urls
from generator.core.errors import DvkError
from generator.core.settings import cache_dir

SERVER = Path("node_modules") / "decap-server" / "dist" / "index.js"
"""Where ``npm ci`` puts decap-server, from the project's root."""
PORT = int(urls.EDITOR_BACKEND.rsplit(":", 1)[1])
"""The port the editor's configuration names (``local_backend``, schema/cms.yml)."""
START_SECONDS = 20.0
_WITH_PARENT = ("process.stdin.on('end', () => process.exit(0)); process.stdin.resume(); "
                "require(process.argv[1]);")
"""decap-server, ended when ``dvk serve`` ends however it ends (or it would keep the port):
its standard input is a pipe only ``dvk serve`` holds, closed when it exits."""


def _listening(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def local_backend(root: Path, *, mode: str = "fs", port: int = PORT) -> Iterator[str]:
    """Run decap-server on the repository at ``root`` while the block runs; its API URL.

    Raises ``DvkError`` naming the fix when Node or decap-server is missing, the port is
    taken, or the server does not start.
    """
    script = root / SERVER
    node = shutil.which("node")
    if node is None or not script.is_file():
        raise DvkError("trình soạn thảo cần Node.js và decap-server: chạy `npm ci` "
                       "(`make cms` tự làm) (the editor needs Node.js and decap-server: "
                       "run `npm ci`)")
    if _listening(port):
        raise DvkError(f"cổng {port} đã có chương trình khác dùng; tắt nó rồi chạy lại "
                       f"(port {port} is taken: stop what uses it)")
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": mode,
           "GIT_REPO_DIRECTORY": str(root.resolve()), "LOG_LEVEL": "warn"}
    log = cache_dir(root) / "decap-server.log"  # a file, not a pipe no one would empty
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as said:
        server = subprocess.Popen([node, "-e", _WITH_PARENT, str(script)], cwd=root, env=env,
                                  stdin=subprocess.PIPE, stdout=said, stderr=said)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                server.wait()
                raise DvkError("decap-server không chạy được (did not start): "
                               + log.read_text(encoding="utf-8").strip())
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        if server.stdin is not None:
            server.stdin.close()
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
