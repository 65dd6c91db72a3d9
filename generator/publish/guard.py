"""The URL guard: every URL the site ever published must still answer, or redirect.

``dvk build`` writes ``urls.txt``, the manifest of the site's permanent URLs.
``dvk check --published urls.MANIFEST`` compares the URLs the content would publish
now with a manifest published before (a file, a built site folder, or the
live site's address) and names each URL that would die.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.errors import ConfigError, ContentErrors, Problem
from generator.pages.site import build_pages
from generator.publish.artefacts import manifest, publication


def read_manifest(source: str) -> tuple[str, list[str]]:
    """(where it came from, its lines) for a manifest file, a site folder or a site URL."""
    if source.startswith(("http://", "https://")):
        url = source if source.endswith(".txt") else source.rstrip("/") + "/" + urls.MANIFEST
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return url, response.read().decode("utf-8").splitlines()
        except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{url}: không tải được danh sách URL đã công bố "
                              f"(cannot fetch the published manifest): {exc}") from exc
    path = Path(source)
    if path.is_dir():
        path = path / urls.MANIFEST
    try:
        return str(path), path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: không đọc được danh sách URL đã công bố "
                          f"(cannot read the published manifest): {exc}") from exc


def editorial_urls(catalogue: Catalogue) -> list[str]:
    """URLs of the editorial pages (every Markdown file outside the entries folder)."""
    settings = catalogue.settings
    root = settings.content_dir
    skipped = str(settings.entries_path)
    found = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if os.path.join(folder, d) != skipped]  # noqa: PTH118
        for name in filenames:
            if name.endswith(".md"):
                relative = Path(folder, name).relative_to(root).as_posix()
                found.append(urls.page_url(relative))
    return found


def current_urls(catalogue: Catalogue) -> set[str]:
    """Every permanent URL the content publishes now, as ``dvk build`` writes them."""
    site_pages = build_pages(catalogue, dates={})  # dates do not change URLs
    return set(manifest(site_pages, editorial_urls(catalogue),
                        publication(catalogue, site_pages).listed()))


def check_published(catalogue: Catalogue, source: str) -> int:
    """Raise ``ContentErrors`` naming every published URL that is gone; return how many held."""
    where, lines = read_manifest(source)
    now = current_urls(catalogue)
    problems = []
    held = 0
    for number, line in enumerate(lines, start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if url in now:
            held += 1
            continue
        problems.append(_gone(where, number, url))
    if problems:
        raise ContentErrors(problems)
    return held


def _gone(where: str, line: int, url: str) -> Problem:
    rest = url.removeprefix(f"/{urls.ENTRIES}")
    if url.startswith(f"/{urls.ENTRIES}") and rest.count("/") == 1 and rest.endswith("/"):
        old_id = rest.rstrip("/")
        return Problem(
            where, line, "published",
            f"URL đã công bố không còn: {url} — nếu mô hình đã đổi mã, thêm "
            f"`redirect_from: [{old_id}]` vào mô hình đó; không được xóa trang đã công bố",
            f"a published URL is gone: {url} — if the entry's id changed, add "
            f"`redirect_from: [{old_id}]` to it; published pages must not be removed",
            rule="published-url-gone",
        )
    return Problem(
        where, line, "published",
        f"URL đã công bố không còn: {url} — khôi phục trang hoặc tệp này",
        f"a published URL is gone: {url} — restore this page or file",
        rule="published-url-gone",
    )
