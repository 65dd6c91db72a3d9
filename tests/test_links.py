"""Every link between the site's own pages leads somewhere: files exist, #fragments exist.

The checker is written here over the standard library (html.parser, urllib.parse)
rather than taken from a package: it is small, it needs no server, and the usual
link checkers (linkchecker, lychee, htmltest) fetch over HTTP and follow external
links, which the tests must not do. External links are not fetched; every
internal ``href``, ``src``, ``srcset``, form ``action`` and meta refresh is
resolved as a browser would (a folder URL serves its ``index.html``) against the
built files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest

# Attributes that name another resource, by element.
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
    "form": ("action",),
}
REFRESH = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*(.+?)\s*$", re.IGNORECASE)


@dataclass
class Link:
    """One address written in a page: where, in which attribute, and what it says."""

    page: str
    attribute: str
    url: str


@dataclass
class ParsedPage:
    """What the checker needs of a page: its anchors and the addresses it writes."""

    anchors: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)
    base: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.parsed.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.parsed.anchors.add(values["name"])
        if tag == "base" and "href" in values and self.parsed.base is None:
            self.parsed.base = values["href"]
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = REFRESH.match(values.get("content", ""))
            if match:
                self.parsed.links.append(("meta refresh", match.group(1).strip("'\"")))
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.parsed.links.append((f"{tag} srcset", candidate.split()[0]))
            else:
                self.parsed.links.append((f"{tag} {attribute}", value.strip()))

    handle_startendtag = handle_starttag


def parse(path: Path) -> ParsedPage:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.parsed


def page_url(site: Path, path: Path) -> str:
    """The root-relative URL a page is served at (index.html pages by their folder)."""
    rel = path.relative_to(site).as_posix()
    return "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def target_file(site: Path, path: str) -> Path | None:
    """The file a root-relative URL path serves, or None when nothing would answer."""
    parts = PurePosixPath(unquote(path)).parts[1:]
    if ".." in parts:
        return None
    target = site.joinpath(*parts)
    if path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path) -> Iterator[Link]:
    """Every internal link of every page of ``site`` whose file or #fragment is missing."""
    pages = {page_url(site, p): p for p in sorted(site.rglob("*.html"))}
    parsed = {url: parse(path) for url, path in pages.items()}
    for url, page in parsed.items():
        base = urljoin(url, page.base) if page.base else url
        for attribute, written in page.links:
            parts = urlsplit(written)
            if parts.scheme or parts.netloc or not written:
                continue  # external (not fetched), or the page itself
            resolved = urlsplit(urljoin(base, written))
            target_url = resolved.path
            target = target_file(site, target_url)
            if target is None:
                folder = site.joinpath(*PurePosixPath(unquote(target_url)).parts[1:])
                problem = ("a folder without its trailing slash" if folder.is_dir()
                           else "no such file")
                yield Link(url, attribute, f"{written} ({problem}: {target_url})")
                continue
            fragment = unquote(resolved.fragment)
            if not fragment or target.suffix != ".html":
                continue
            target_page = parsed.get(page_url(site, target)) or parse(target)
            if fragment not in target_page.anchors:
                yield Link(url, attribute,
                           f"{written} (no id or name {fragment!r} in {page_url(site, target)})")


def report(links: list[Link]) -> str:
    return f"{len(links)} broken link(s):\n" + "\n".join(
        f"  {link.page}: {link.attribute}={link.url}" for link in links)


def test_every_internal_link_of_the_site_resolves(search_site: Path) -> None:
    """Each href, src, srcset, form action and meta refresh inside the site finds its file,
    and each #fragment an id (or a name) in that page."""
    assert len(list(search_site.rglob("*.html"))) > 50, "the site was not built"
    broken = list(broken_links(search_site))
    assert not broken, report(broken)


def test_the_audit_covers_redirects_and_images(search_site: Path) -> None:
    """The site checked holds an old id's redirect page and an entry with a picture."""
    redirect = parse(search_site / "mo-hinh/thu-vuon-rau-hue/index.html")
    assert ("meta refresh", "../thu-vuon-hue/") in redirect.links
    entry = parse(search_site / "mo-hinh/thu-vuon-hue/index.html")
    assert any(attribute.endswith("srcset") for attribute, _ in entry.links)


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="#top" id="top">ok</a>'
        '<a href="https://example.org/missing">external</a><a href="mailto:x@y.z">mail</a>'
        '<a href="a">folder</a><a href="b/">gone</a><a href="a/#nowhere">fragment</a>'
        '<img src="/img.png" srcset="img.png 1x, img-2x.png 2x" alt="">'
        '<form action="tim-kiem/"></form>', "utf-8")
    (tmp_path / "a/index.html").write_text(
        '<meta http-equiv="refresh" content="0; url=../c/"><h2 id="here">x</h2>'
        '<a name="old"></a><a href="../#top">ok</a><a href="#old">ok</a>'
        '<a href="../a/index.html#here">ok</a>', "utf-8")
    (tmp_path / "img.png").write_bytes(b"")
    return tmp_path


def test_the_checker_finds_what_is_broken(broken_site: Path) -> None:
    """The checker itself: a missing file, folder, fragment, srcset candidate, form action
    and refresh target are each reported with their page; external links are left alone."""
    found = {(link.page, link.attribute, link.url.split(" (")[0])
             for link in broken_links(broken_site)}
    assert found == {
        ("/", "a href", "a"),
        ("/", "a href", "b/"),
        ("/", "a href", "a/#nowhere"),
        ("/", "img srcset", "img-2x.png"),
        ("/", "form action", "tim-kiem/"),
        ("/a/", "meta refresh", "../c/"),
    }
