"""``dvk serve``: the incremental build behind MkDocs' live-reload server.

MkDocs' own ``serve`` rebuilds the whole site, on one core, after every change
(minutes at 50,000 entries), and polls every file twice a second. Here the
server is MkDocs' (it injects the reload script and serves the files), but:

- the builder is ``build.Builder``, kept for the whole session, so an edit
  re-reads one entry file and renders only the pages that show it;
- the search index files an edit changes are rewritten with its pages, so
  search finds the edit as soon as the page shows;
- changes are noticed through inotify rather than by polling 50,000 files.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.livereload import LiveReloadServer

from generator.build.builder import Builder, Loaded
from generator.core.errors import ContentErrors, DvkError
from generator.core.interrupts import interrupt_handled
from generator.core.settings import cache_dir
from generator.render.config import load_site_config

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent

log = logging.getLogger("mkdocs.commands.serve")


class _ServedBuilder:
    """Rebuilds on each change and reports what went wrong without stopping the server.

    An edit of entry files is shown first (``Builder.preview``): the browsers reload
    onto the edited page while the build makes the rest, and once more after it.
    """

    def __init__(self, builder: Builder, report: Callable[[ContentErrors], None]) -> None:
        self.builder = builder
        self.report = report
        self.lock = threading.Lock()
        self.server: _ReloadServer | None = None

    def __call__(self) -> None:
        with self.lock:
            server = self.server
            changed = server.take_changes() if server is not None else set()
            try:
                shown = bool(changed) and self.builder.preview(changed)
            except DvkError as exc:  # the build reports it, located, if it is the content's
                log.debug("dvk: no preview: %s", exc)
                shown = False
            if shown and server is not None:
                log.info("Đã hiện trang vừa sửa (the edited page is shown)")
                server.show_now()
            try:
                done = self.builder.build()
            except ContentErrors as exc:
                self.report(exc)
                log.error("Trang chưa được dựng lại: hãy sửa các lỗi trên "
                          "(the site was not rebuilt: fix the errors above)")
                return
            except DvkError as exc:
                log.error("dvk: %s", exc)
                return
            if isinstance(done, Loaded):
                log.info("Đã dựng lại (%s) (rebuilt)", self.builder.last_mode)
            if shown and server is not None:
                server.next_epoch()  # the browsers reload once more, onto the whole build


def serve(
    config_file: Path, *, dev_addr: str, strict: bool,
    report: Callable[[ContentErrors], None],
) -> None:
    """Build the site into the cache, serve it at ``dev_addr`` and rebuild on every change.

    The served site lives in the build cache, not in site/, and survives the
    session: the next ``dvk serve`` starts from it incrementally.
    """
    config = load_site_config(config_file, strict=strict)
    root = Path(config.config_file_path).parent
    site_dir = cache_dir(root) / "serve" / "site"
    # The preview is private and an edit should show within 2 s at 50,000
    # entries: its files are moved in place rather than the folder swapped.
    # No service worker: the shell it keeps would show an edit of the theme's styles or
    # scripts only once a new worker installed (generator/publish/offline.py).
    builder = Builder(config_file, strict=strict, site_dir=site_dir, offline=False)
    builder.build()  # content errors here end the command, with their report
    host, _, port = dev_addr.rpartition(":")
    served = _ServedBuilder(builder, report)
    server = _ReloadServer(builder=served, host=host, port=int(port), root=str(site_dir))
    served.server = server
    _use_inotify(server)
    server.watch(config.docs_dir)
    server.watch(config.config_file_path)
    if config.theme.custom_dir:
        server.watch(config.theme.custom_dir)
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:  # how a reader stops the server: not an interrupted command
        interrupt_handled()
        log.info("Shutting down...")
    finally:
        server.shutdown()


_META_CSP = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>')


class _ReloadServer(LiveReloadServer):
    """MkDocs' server, minus the pages' Content-Security-Policy, plus what the preview of
    an edit needs: the files each change names, and serving before the build ends.

    The reload script MkDocs adds to each page is inline, which the policy
    (generator/publish/headers.py) rightly refuses; the preview drops the policy rather
    than weaken the published one. The built site keeps it.

    The epochs (``_wanted_epoch``, ``_visible_epoch``, ``_epoch_cond``) are MkDocs
    1.6's own, which the lock file pins and upstream no longer changes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._changes: set[str] = set()
        """Files changed since the last build began (``note_change``, inotify only)."""
        self._changes_lock = threading.Lock()

    def note_change(self, event: FileSystemEvent) -> None:
        """Remember the files an event names, for the next build's preview."""
        if event.is_directory:
            return
        with self._changes_lock:
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if path:
                    self._changes.add(os.fsdecode(path))

    def take_changes(self) -> set[str]:
        """The files changed since the last call."""
        with self._changes_lock:
            changes, self._changes = self._changes, set()
        return changes

    def show_now(self) -> None:
        """Serve the site as it is, and reload the browsers, though a build is under way.

        MkDocs holds every request until the build is done; the files a preview
        wrote are whole, and the rest of the site is the last build's."""
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def next_epoch(self) -> None:
        """Count the build that ends now as a new version of the site: after ``show_now``,
        the browsers reload only if the version changes."""
        with self._epoch_cond:
            self._wanted_epoch = max(self._wanted_epoch + 1, round(time.monotonic() * 1000))

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = _META_CSP.sub(b"", content, count=1)
        return super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call,no-any-return]


def _use_inotify(server: _ReloadServer) -> None:
    # MkDocs polls: a stat of every watched file every half second, which at
    # 50,000 entries is a core kept busy and up to a second before a change is
    # seen. The kernel's notifications cost nothing and arrive at once.
    try:
        from watchdog.events import (
            FileClosedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
            FileSystemEventHandler,
        )
        from watchdog.observers.api import ObservedWatch
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux: keep MkDocs' polling
        return

    # inotify also reports a file opened or closed after reading. MkDocs'
    # handler rebuilds on any event, and a build reads the watched files, so
    # without this filter every rebuild would trigger the next, forever.
    changes: list[type[FileSystemEvent]] = [
        FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
    ]

    class ChangesOnly(InotifyObserver):
        def schedule(self, event_handler: FileSystemEventHandler, *args: Any,
                     **kwargs: Any) -> ObservedWatch:
            kwargs.setdefault("event_filter", changes)
            rebuild = event_handler.on_any_event

            def noted(event: FileSystemEvent) -> None:
                server.note_change(event)  # before the rebuild it asks for
                rebuild(event)

            event_handler.on_any_event = noted  # type: ignore[method-assign]
            return super().schedule(event_handler, *args, **kwargs)

    server.observer = ChangesOnly()  # type: ignore[assignment]
