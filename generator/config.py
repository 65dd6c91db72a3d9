"""The plugin's options in site_config.yml, declared with MkDocs' own config machinery."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig

from generator.model import FieldOfWork
from generator.settings import (
    DEFAULT_AUTHOR,
    DEFAULT_FIELDS,
    DEFAULT_LICENCE,
    Settings,
    SiteInfo,
)


class FieldConfig(Config):
    """One lĩnh vực of the taxonomy."""

    slug = c.Type(str)
    """The URL slug, e.g. kinh-te."""
    label = c.Type(str)
    """The Vietnamese label, e.g. Kinh tế."""
    provinces = c.ListOfItems(c.Type(str), default=[])
    """Slugs of the provinces that added this field; empty for the national fields."""


class ShowcaseConfig(Config):
    """Options of the ``dvk`` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the generator off, e.g. to build only the editorial pages."""
    entries_dir = c.Type(str, default="mo-hinh")
    """The folder inside the content folder (docs_dir) that holds one file per model."""
    fields = c.ListOfItems(
        c.SubConfig(FieldConfig),
        default=[{"slug": f.slug, "label": f.label} for f in DEFAULT_FIELDS],
    )
    """The field taxonomy: the four national fields, plus any a province adds."""
    page_size = c.Type(int, default=50)
    """Entries per page of an index."""
    author = c.Type(str, default=DEFAULT_AUTHOR)
    """Who citations name as the author of an entry page."""
    data_licence = c.Type(str, default=DEFAULT_LICENCE)
    """SPDX id of the licence of the open data and the entries' text."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Also reject a non-positive page size and duplicate field slugs."""
        failed, warnings = super().validate()
        if not failed:
            if self.page_size < 1:
                failed.append(("page_size", ValidationError("must be at least 1")))
            slugs = [f.slug for f in self.fields]
            duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
            if duplicated:
                failed.append(
                    ("fields", ValidationError(f"duplicate slugs: {', '.join(duplicated)}"))
                )
        return failed, warnings


def settings_from(plugin_config: ShowcaseConfig, config: MkDocsConfig) -> Settings:
    """The engine-independent settings for a loaded MkDocs config."""
    config_file = config.config_file_path
    return Settings(
        content_dir=Path(config.docs_dir),
        entries_dir=plugin_config.entries_dir.strip("/"),
        fields=tuple(
            FieldOfWork(f.slug, f.label, tuple(f.provinces)) for f in plugin_config.fields
        ),
        page_size=plugin_config.page_size,
        root=Path(config_file).parent if config_file else Path.cwd(),
        site=SiteInfo(
            name=config.site_name,
            url=(config.site_url or "").rstrip("/") + "/" if config.site_url else "",
            author=plugin_config.author,
            repo_url=config.repo_url or "",
            edit_uri=config.edit_uri or "",
            data_licence=plugin_config.data_licence,
        ),
    )
