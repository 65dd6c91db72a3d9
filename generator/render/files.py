"""The published files (``generator.publish``) as MkDocs files: the adapter at the seam."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.publish.artefacts import StaticFile


def mkdocs_file(static: StaticFile, config: MkDocsConfig) -> File:
    """The MkDocs file that publishes ``static``: generated from its bytes, or copied."""
    source = static.source()
    if isinstance(source, Path):
        return File.generated(config, static.dest_uri, abs_src_path=str(source))
    return File.generated(config, static.dest_uri, content=source)
