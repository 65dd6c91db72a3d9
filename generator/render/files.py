"""The published files (``generator.publish``) as MkDocs files: the adapter at the seam."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.publish.entryfiles import StaticFile
from generator.publish.scripts import without_comments

OWN_SCRIPTS = ("assets/javascripts/dvk-", ".js")
"""The site's own scripts (theme/assets/javascripts/dvk-*.js), published without comments."""


class _LinkedFile(File):
    """A file made in the build cache (a card, an image rendition, a font): hard-linked
    into the site rather than copied, one system call and no bytes (50,000 cards are a
    gigabyte). The cache only ever replaces its files whole, never writes into one, so
    the two names may share it; where links are not possible, it is copied."""

    def copy_file(self, dirty: bool = False) -> None:
        assert self.abs_src_path is not None
        output = self.abs_dest_path
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.abs_src_path, output)
        except OSError:  # another file system, no hard links, or there already
            super().copy_file(dirty)


def mkdocs_file(static: StaticFile, config: MkDocsConfig) -> File:
    """The MkDocs file that publishes ``static``: generated from its bytes, linked or copied."""
    source = static.source()
    if isinstance(source, Path):
        kind = _LinkedFile if static.cached else File
        return kind.generated(config, static.dest_uri, abs_src_path=str(source))
    return File.generated(config, static.dest_uri, content=source)


def published_script(file: File, config: MkDocsConfig) -> File:
    """A file of the theme; the site's own scripts without their comments."""
    prefix, suffix = OWN_SCRIPTS
    if not (file.src_uri.startswith(prefix) and file.src_uri.endswith(suffix)
            and file.abs_src_path):
        return file
    source = Path(file.abs_src_path).read_text(encoding="utf-8")
    note = f"// With its comments: theme/{file.src_uri}"
    return File.generated(config, file.src_uri, content=without_comments(source, note))
