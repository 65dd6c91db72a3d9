"""An entry's published files (citations, redirects, image renditions, its card) as
one group, and the ``StaticFile`` each of them is.

After an edit, only the edited entries' files change. A build tells that from
each group's digest, without making the 150,000 file objects of 50,000 entries
(``EntryFiles``): it makes the files of the changed groups only.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.catalogue.citation import Citation
from generator.core import urls
from generator.core.errors import ContentErrors, ImageProblem, Problem, display_path
from generator.core.model import Entry, Image
from generator.core.settings import SiteInfo
from generator.load.images import EXTENSIONS, rendition_name
from generator.publish.headers import csp
from generator.publish.renditions import SETTINGS, renditions


def file_digest(data: bytes) -> str:
    """What a build's state keeps of a file published from its bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file published as is: from ``content``, made by ``make``, or copied from ``path``."""

    dest_uri: str
    content: str | bytes | None = None
    path: Path | str | None = None
    """A string where tens of thousands are listed and few published (the cards)."""
    listed: bool = False
    """Whether it is a document a reader may cite or link (listed in urls.txt)."""
    make: Callable[[], str | bytes] | None = None
    """Makes the content, only when the file is published: for the files of each entry,
    whose ``key`` is known without making them (an edit publishes a handful of 150,000)."""
    key: str = ""
    """Changes whenever the file would, known without making or reading it: needed with
    ``make``; with ``path``, for a file named by a digest of its contents (a card)."""
    cached: bool = False
    """``path`` is in the build cache, which replaces its files whole and never writes
    into one: the site may share the file (a hard link) rather than copy it."""

    @property
    def digest(self) -> str:
        """Changes whenever the published file would: its text, or its source's size and time."""
        if self.content is not None:
            data = self.content.encode() if isinstance(self.content, str) else self.content
            return file_digest(data)
        if self.key:
            return self.key
        assert self.path is not None
        info = Path(self.path).stat()
        return f"{self.path}:{info.st_size}:{info.st_mtime_ns}"

    def source(self) -> str | bytes | Path:
        """What the published file holds: its text or bytes, or the file to copy."""
        if self.content is not None:
            return self.content
        if self.make is not None:
            return self.make()
        assert self.path is not None
        return Path(self.path)


def entry_file(dest_uri: str, make: Callable[[], str | bytes], key: str) -> StaticFile:
    """A file made from entries: made when published if ``key`` (from the entries'
    digests) can tell when it changes, else now."""
    if key:
        return StaticFile(dest_uri, make=make, key=f"{dest_uri}:{key}", listed=True)
    return StaticFile(dest_uri, content=make(), listed=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRendition(StaticFile):
    """One width and format of an entry image, made from the image when it is published.

    Made then, and not when the list of files is, so that a build in which the
    image did not change does not read it, and ``dvk check --published`` never does.
    """

    image: Image
    width: int
    extension: str
    cache_dir: Path
    """Where renditions are kept, by a digest of the source's bytes (generator/load/images.py)."""
    entry_file: str
    """The entry file, as problems name it."""
    index: int
    """The image's place in the entry's ``images``."""

    @property
    def digest(self) -> str:
        """Changes whenever the source file does (its size and time), or the processing."""
        try:
            info = self.image.path.stat()
        except OSError:
            return "gone"  # publishing it reports the missing file, at its line
        return f"{self.image.path}:{info.st_size}:{info.st_mtime_ns}:{SETTINGS}"

    def source(self) -> Path:
        """The rendition in the cache, processed now if it is not there yet."""
        try:
            folder = renditions(self.image.path, self.image.src, self.image.widths,
                                self.cache_dir)
        except ImageProblem as problem:
            # The header was checked when the entry loaded; this is a damaged body,
            # or a file changed since: the same kind of problem, at the same line.
            raise ContentErrors([Problem(
                self.entry_file, self.image.line, f"images[{self.index}].src",
                problem.vi, problem.en, rule=problem.rule,
            )]) from problem
        return folder / rendition_name(self.width, self.extension)


def image_files(entry: Entry, cache_dir: Path, entry_file: str) -> Iterator[ImageRendition]:
    """The published files of an entry's images: each width, as WebP and as JPEG."""
    for index, image in enumerate(entry.images):
        for width in image.widths:
            for extension in EXTENSIONS:
                yield ImageRendition(
                    f"{entry.url}{image.file_name(width, extension)}",
                    image=image, width=width, extension=extension, cache_dir=cache_dir,
                    entry_file=entry_file, index=index, cached=True,
                )


def redirect_page(entry: Entry, site: SiteInfo) -> str:
    """A page at an old id that sends readers (and search engines) to the entry's URL."""
    target = site.absolute(entry.url) if site.url else f"../{entry.id}/"
    title = html.escape(entry.title)
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp(meta=True)}">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>Trang đã chuyển tới <a href="{target}">{title}</a>.</p>\n</body>\n</html>\n'
    )


@dataclass(frozen=True, slots=True)
class EntryFiles:
    """Every file published for one entry, known to change only with ``digest``."""

    cite: Citation
    site: SiteInfo
    images_dir: Path
    root: Path
    """The site's root folder, from which problems name the entry file."""
    card: tuple[str, str] | None = None
    """The card's dest URI and its file in the cache, when the build draws cards."""

    @property
    def entry(self) -> Entry:
        """The entry whose files these are."""
        return self.cite.entry

    @property
    def digest(self) -> str:
        """Changes whenever one of the files would: the entry (its file, dates), its
        card and its images' files (size and time); "" when that cannot be known (an
        entry made without a file), which publishes the files every time."""
        key = self.cite.key
        if not key:
            return ""
        card = self.card[1] if self.card else ""
        if not self.entry.images:  # 50,000 of them a build
            return f"{key}|{card}"
        parts = [key, card]
        for image in self.entry.images:
            try:
                info = image.path.stat()
            except OSError:
                return ""  # publishing it reports the missing file, at its line
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
        parts.append(SETTINGS)
        return "|".join(parts)

    def _cited(self) -> Iterator[tuple[str, Callable[[], str | bytes]]]:
        # The files a reader may cite or link, each with what makes it.
        entry, cite = self.entry, self.cite
        yield f"{entry.url}{urls.CITE_JSON}", cite.csl_json
        yield f"{entry.url}{urls.CITE_RIS}", cite.ris
        for old_id in entry.redirect_from:
            old = urls.entry(old_id)
            yield f"{old}index.html", partial(redirect_page, entry, self.site)
            # A download cannot redirect: its old address keeps serving it.
            yield f"{old}{urls.CITE_JSON}", cite.csl_json
            yield f"{old}{urls.CITE_RIS}", cite.ris

    def listed(self) -> Iterator[str]:
        """The dest URIs of the files a reader may cite or link (urls.txt), without
        making those."""
        return (dest for dest, _ in self._cited())

    def files(self) -> Iterator[StaticFile]:
        """The files themselves: made, read or copied only when published."""
        entry, key = self.entry, self.cite.key
        for dest, make in self._cited():
            yield entry_file(dest, make, key)
        if entry.images:
            yield from image_files(entry, self.images_dir, display_path(entry.path, self.root))
        if self.card is not None:
            dest, path = self.card
            yield StaticFile(dest, path=path, key=Path(path).name, cached=True)


def usual_files(entry_id: str) -> tuple[str, ...]:
    """The dest URIs ``EntryFiles.files`` lists for most entries (no redirect, no image,
    a card): its citation in two formats, and its card."""
    url = urls.entry(entry_id)
    return f"{url}{urls.CITE_JSON}", f"{url}{urls.CITE_RIS}", f"{url}{urls.CARD}"
