"""A built site served from 127.0.0.1 with gzip, as a production server sends it.

The bench measures search bytes through it, and the browser tests load pages
from it; neither is part of the product.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")
"""Types a web server gzips. Pagefind's own chunks are gzipped when written."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync")


class _CountingWriter(io.BufferedIOBase):
    """The connection's output, counting what goes through it."""

    def __init__(self, raw: Any) -> None:
        self.raw, self.sent = raw, 0

    def write(self, data: Any) -> int:
        self.sent += len(data)
        return int(self.raw.write(data))

    def flush(self) -> None:
        self.raw.flush()


class _GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped on the fly for text types when the client accepts it; the
    site's 404.html for a missing path, as hosts serve it. With ``sent``, each response's
    path and size on the wire (headers included) are appended to it: what a page cost."""

    sent: list[tuple[str, int]] | None = None
    slow: Callable[[str], float] | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def finish(self) -> None:
        super().finish()
        if self.sent is not None and hasattr(self, "path"):
            self.sent.append((self.path, self.wfile.sent))  # type: ignore[attr-defined]

    def _unchanged_since(self, path: Path) -> bool:
        """A revalidation the file answers with 304, as hosts do (If-Modified-Since)."""
        since = self.headers.get("If-Modified-Since")
        if since is None or not path.is_file():
            return False
        try:
            return int(path.stat().st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self) -> io.BytesIO | None:
        if self.slow is not None:  # a weak connection, for the file types a test names
            time.sleep(self.slow(urlsplit(self.path).path))
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # type: ignore[return-value]  # redirects to "…/"
            path = path / "index.html"
        if self._unchanged_since(path):
            self.send_response(304)
            self.end_headers()
            return None
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()  # type: ignore[return-value]
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(site_dir: Path, port: int = 0, sent: list[tuple[str, int]] | None = None,
          slow: Callable[[str], float] | None = None) -> Iterator[str]:
    """Serve ``site_dir`` on loopback ``port`` (a free one by default); yield its base URL.
    With ``sent``, every response's path and bytes are appended to it; with ``slow``, each
    response waits ``slow(path)`` seconds first (each request has its own thread)."""
    counted = type("CountedHandler", (_GzipHandler,),
                   {"sent": sent, "slow": staticmethod(slow) if slow else None})
    handler = functools.partial(counted, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
