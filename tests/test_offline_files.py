"""What the build publishes for reading offline: the service worker and the offline page
(generator/publish/offline.py). The browser tests are tests/test_offline.py."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

from conftest import Site
from generator.build.builder import Builder, Loaded
from generator.core import urls
from generator.publish.offline import integrity, page_loads, service_worker

REGISTERS = "assets/javascripts/dvk-offline.js"


def settings(worker: str) -> dict[str, Any]:
    """The settings the build wrote into a worker."""
    found = re.search(r"^const SETTINGS = (\{.*?\});$", worker, re.MULTILINE)
    assert found is not None
    data: dict[str, Any] = json.loads(found[1])
    return data


def test_the_offline_page_is_published_and_listed_nowhere(search_site: Path) -> None:
    """Like 404.html: a page of the site, but no sitemap, urls.txt or search result names it,
    and search engines are asked not to index it."""
    page = (search_site / urls.OFFLINE_PAGE).read_text(encoding="utf-8")
    assert "<h1>Bạn đang ngoại tuyến</h1>" in page
    assert "các trang chưa mở trước đây không có trên máy này" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "ngoai-tuyen" not in (search_site / urls.SITEMAP).read_text(encoding="utf-8")
    assert "ngoai-tuyen" not in (search_site / urls.MANIFEST).read_text(encoding="utf-8")
    cards = search_site / urls.SEARCH_INDEX / "c"
    assert not [p for p in cards.iterdir() if "ngoai-tuyen" in p.read_text(encoding="utf-8")]


def test_the_worker_knows_the_shell_with_each_files_digest(search_site: Path) -> None:
    """sw.js at the root names every stylesheet, script and font, with the digest of the
    file published; it fetches the offline page and what that page loads when it installs."""
    found = settings((search_site / urls.SERVICE_WORKER).read_text(encoding="utf-8"))
    files = found["files"]
    for url, digest in files.items():
        path = url + "index.html" if url.endswith("/") else url
        assert digest == integrity((search_site / path).read_bytes()), url
    for page in ("index.html", "mo-hinh/ky-tuc-xa-vung-bien-nghe-an/index.html",
                 "tim-kiem/index.html"):
        text = (search_site / page).read_text(encoding="utf-8")
        folder = posixpath.dirname(page)
        loads = {posixpath.normpath(posixpath.join(folder, path)) for path in re.findall(
            r'<(?:script|link rel="stylesheet")[^>]* (?:src|href)="([^"]+\.(?:js|css))"', text)}
        assert loads and loads <= files.keys(), page
    assert {p.relative_to(search_site).as_posix()
            for p in (search_site / urls.FONTS).glob("*.woff2")} <= files.keys()
    assert found["precache"][0] == urls.OFFLINE
    assert found["precache"][1:] == page_loads(
        (search_site / urls.OFFLINE_PAGE).read_text(encoding="utf-8"), urls.OFFLINE)
    assert REGISTERS in found["precache"]
    assert not [path for path in files if path.startswith(urls.EDITOR)]


def test_the_worker_changes_when_the_shell_does_and_only_then(
    search_site: Path, tmp_path: Path
) -> None:
    """A changed stylesheet, script, font or offline page changes the worker's bytes, so
    browsers install it; a changed model page does not (pages are fetched network first)."""
    copy = tmp_path / "site"
    shutil.copytree(search_site, copy, ignore=shutil.ignore_patterns("*.png", "chi-muc"))
    built = (search_site / urls.SERVICE_WORKER).read_bytes()
    assert service_worker(copy) == built  # the same bytes from the same site
    entry = copy / "mo-hinh" / "ky-tuc-xa-vung-bien-nghe-an" / "index.html"
    entry.write_text(entry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert service_worker(copy) == built
    versions = {settings(built.decode())["version"]}
    for changed in ("assets/stylesheets/dvk.css", "assets/javascripts/dvk-index.js",
                    "assets/fonts/be-vietnam-pro-700.woff2", urls.OFFLINE_PAGE):
        path = copy / changed
        path.write_bytes(path.read_bytes() + b"\n")
        versions.add(settings(service_worker(copy).decode())["version"])
    assert len(versions) == 5


def test_dvk_serve_registers_no_worker_and_retires_an_old_one(site: Site) -> None:
    """The site dvk serve builds (generator/build/serve.py) loads no registration, and its
    sw.js only removes a worker a built site left on the same address."""
    site.entry("mo-hinh-thu")
    assert isinstance(Builder(site.config, once=True).build(), Loaded)
    assert REGISTERS in site.html(urls.entry("mo-hinh-thu"))
    assert settings((site.out / urls.SERVICE_WORKER).read_text("utf-8")).get("retire") is None
    assert isinstance(Builder(site.config, offline=False).build(clean=True), Loaded)
    assert REGISTERS not in site.html(urls.entry("mo-hinh-thu"))
    assert REGISTERS not in site.html("")
    assert settings((site.out / urls.SERVICE_WORKER).read_text("utf-8")) == {"retire": True}
