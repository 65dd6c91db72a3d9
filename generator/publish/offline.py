"""Offline reading: the service worker the build writes at the site's root, ``sw.js``.

Readers open the site on phones in border and mountain communes, where the
connection comes and goes. The worker (its source is ``serviceworker.js``
beside this module) keeps the shell (the stylesheets, scripts and fonts of the
pages), each page the reader opens and each part of the search index the
reader's searches fetch, so that those open again without a connection; a page
never opened shows the offline page (``urls.OFFLINE``), which lists the models
the phone has kept. docs/architecture.md ("Offline") says what is kept, when,
and how a deploy replaces it.

The build writes into the worker what it must know of this build: every file
of the shell with its SRI digest (the worker takes the browser's own copy of a
file only when its bytes are this build's), the files the offline page loads
(fetched with it when the worker installs), and a version, a digest of all of
that. A deploy that changes any file of the shell changes the worker's bytes,
so browsers install the new worker, which drops the old shell.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generator.core import urls
from generator.publish.scripts import without_comments

SOURCE = Path(__file__).with_name("serviceworker.js")
"""The worker's source; ``SETTINGS_MARK`` in it becomes this build's settings."""
SETTINGS_MARK = "__DVK_SETTINGS__"
PUBLISHED_NOTE = "// dvk's service worker; with its comments: generator/publish/serviceworker.js"
SHELL = ("assets/stylesheets/*.css", "assets/javascripts/*.js", "assets/fonts/*.woff2")
"""The shell, besides what the offline page loads: Material's bundle and stylesheets, the
site's own scripts and stylesheet, the fonts. Not Material's search workers and language
files (sub-folders, and unused: its search is off), nor the editor's files."""
PAGES_CACHE = "dvk-pages-1"
"""The cache of the pages a reader opened: the worker writes it, the offline page reads it.
Kept across deploys (each page is replaced whenever it is opened online); the number
changes only if the way a page is kept changes."""
TITLE_HEADER = "X-Dvk-Title"
"""A kept page's title (percent-encoded, as its head writes it): the offline page lists
the kept models by title without reading each page."""


def integrity(data: bytes) -> str:
    """The Subresource Integrity digest of ``data``, which ``fetch`` checks."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


class _Loads(HTMLParser):
    """The site's own files a page loads: its stylesheets, scripts, preloads, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        rel = set((found.get("rel") or "").split())
        if tag in {"script", "img"}:
            url = found.get("src")
        elif tag == "link" and rel & {"stylesheet", "preload", "icon"}:
            url = found.get("href")
        else:
            return
        if url and ":" not in url and not url.startswith("/"):  # relative: the site's own
            self.found.append(url)


def page_loads(html: str, folder: str) -> list[str]:
    """What the page in ``folder`` (from the root) loads of the site's own files, as paths
    from the root."""
    parser = _Loads()
    parser.feed(html)
    return list(dict.fromkeys(posixpath.normpath(posixpath.join(folder, url))
                              for url in parser.found))


def service_worker(site_dir: Path) -> bytes:
    """``sw.js`` for the site built in ``site_dir``: its shell, the offline page (built
    already) and the files that page loads."""
    offline = (site_dir / urls.OFFLINE_PAGE).read_bytes()
    loads = [path for path in page_loads(offline.decode("utf-8"), urls.OFFLINE)
             if (site_dir / path).is_file()]
    shell = {path.relative_to(site_dir).as_posix()
             for pattern in SHELL for path in site_dir.glob(pattern) if path.is_file()}
    files = {path: integrity((site_dir / path).read_bytes())
             for path in sorted(shell | set(loads))}
    files[urls.OFFLINE] = integrity(offline)
    settings: dict[str, Any] = {
        "files": files,
        "precache": [urls.OFFLINE, *loads],
        "offline": urls.OFFLINE,
        "index": urls.SEARCH_INDEX,
        "skip": [urls.EDITOR],
        "pages": PAGES_CACHE,
        "title": TITLE_HEADER,
    }
    source = SOURCE.read_bytes()
    digest = hashlib.sha256(source + json.dumps(settings, sort_keys=True).encode())
    return _filled(source, {"version": digest.hexdigest()[:16], **settings})


def retiring_worker() -> bytes:
    """A worker that removes itself and what a worker of the site kept: what ``dvk serve``
    publishes, so that a worker a built site left on the same address (a preview on the
    same port) stops answering for the pages an editor is changing."""
    return _filled(SOURCE.read_bytes(), {"retire": True})


def write_service_worker(site_dir: Path, *, retire: bool = False) -> None:
    """Write ``sw.js`` into the site built in ``site_dir`` (the whole site: a full build)."""
    worker = retiring_worker() if retire else service_worker(site_dir)
    (site_dir / urls.SERVICE_WORKER).write_bytes(worker)


def offline_page_settings(*, register: bool) -> dict[str, Any]:
    """What the templates need: whether pages register the worker, and where the offline
    page finds the kept models (theme/main.html, ngoai-tuyen/index.html)."""
    return {"register": register, "cache": PAGES_CACHE, "title": TITLE_HEADER,
            "entries": urls.ENTRIES}


def _filled(source: bytes, settings: dict[str, Any]) -> bytes:
    """The worker as published: the settings in, the source's comments out
    (generator/publish/scripts.py)."""
    text = json.dumps(settings, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    published = without_comments(source.decode("utf-8"), PUBLISHED_NOTE)
    return published.replace(SETTINGS_MARK, text, 1).encode("utf-8")
