"""The plugin's options in site_config.yml, declared with MkDocs' own config machinery."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from generator.core.errors import ConfigError
from generator.core.model import ID_PATTERN, FieldOfWork
from generator.core.press import PRESS_DIR, Contest
from generator.core.settings import (
    DEFAULT_AUTHOR,
    DEFAULT_FIELDS,
    DEFAULT_LICENCE,
    Settings,
    SiteInfo,
)
from generator.core.urls import PRESS_RESERVED

PLUGIN_NAME = "dvk"
"""The plugin's name in site_config.yml (and its ``mkdocs.plugins`` entry point)."""


class FieldConfig(Config):
    """One lĩnh vực of the taxonomy."""

    slug = c.Type(str)
    """The URL slug, e.g. kinh-te."""
    label = c.Type(str)
    """The Vietnamese label, e.g. Kinh tế."""
    provinces = c.ListOfItems(c.Type(str), default=[])
    """Slugs of the provinces that added this field; empty for the national fields."""


class ContestConfig(Config):
    """A press contest articles may be filed under (``contest:`` in a press record)."""

    slug = c.Type(str)
    """The contest's id, e.g. bao-chi-dan-van-kheo-2024: its page is /bao-chi/<slug>/."""
    name = c.Type(str)
    year = c.Type(int)
    organiser = c.Type(str)
    rules_url = c.Type(str, default="")
    """A link to its rules (thể lệ)."""


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
    reported = c.Type(str, default="so-lieu-bao-cao.yml")
    """The file of figures provinces reported, in the content folder; shown apart on /thong-ke/."""
    press_dir = c.Type(str, default=PRESS_DIR)
    """The folder of press records (one YAML file per article) in the content folder."""
    contests = c.ListOfItems(c.SubConfig(ContestConfig), default=[])
    """The press contests articles may be filed under; none by default."""
    editor_backend = c.Choice(("github", "git-gateway"), default="github")
    """How the form-based editor saves (docs/editors.md)."""
    editor_auth_url = c.Type(str, default="")
    """The editor's sign-in server (docs/editors.md); "" for none."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Also reject a non-positive page size and duplicate field slugs."""
        failed, warnings = super().validate()
        if not failed:
            if self.page_size < 1:
                failed.append(("page_size", ValidationError("must be at least 1")))
            for option, slugs in (("fields", [f.slug for f in self.fields]),
                                  ("contests", [k.slug for k in self.contests])):
                duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
                if duplicated:
                    failed.append(
                        (option, ValidationError(f"duplicate slugs: {', '.join(duplicated)}")))
            bad = [k.slug for k in self.contests
                   if not re.fullmatch(ID_PATTERN, k.slug) or k.slug in PRESS_RESERVED]
            if bad:
                failed.append(("contests", ValidationError(
                    f"slugs must be lowercase ASCII letters, digits and hyphens, and not "
                    f"{', '.join(sorted(PRESS_RESERVED))}: {', '.join(bad)}")))
        return failed, warnings


def settings_from(plugin_config: ShowcaseConfig, config: MkDocsConfig) -> Settings:
    """The engine-independent settings for a loaded MkDocs config."""
    config_file = config.config_file_path
    return _settings(
        plugin_config, content_dir=Path(config.docs_dir),
        root=Path(config_file).parent if config_file else Path.cwd(),
        site_name=config.site_name, site_url=config.site_url or "",
        repo_url=config.repo_url or "", edit_uri=config.edit_uri or "",
    )


def _settings(
    plugin_config: ShowcaseConfig, *, content_dir: Path, root: Path, site_name: str,
    site_url: str, repo_url: str, edit_uri: str,
) -> Settings:
    """Settings from the plugin's options and the few MkDocs options they depend on."""
    return Settings(
        content_dir=content_dir,
        entries_dir=plugin_config.entries_dir.strip("/"),
        fields=tuple(
            FieldOfWork(f.slug, f.label, tuple(f.provinces)) for f in plugin_config.fields
        ),
        page_size=plugin_config.page_size,
        root=root,
        site=SiteInfo(
            name=site_name,
            url=site_url.rstrip("/") + "/" if site_url else "",
            author=plugin_config.author,
            repo_url=repo_url,
            edit_uri=edit_uri,
            data_licence=plugin_config.data_licence,
        ),
        reported=plugin_config.reported.strip("/"),
        press_dir=plugin_config.press_dir.strip("/"),
        contests=tuple(Contest(k.slug, k.name, k.year, k.organiser, k.rules_url)
                       for k in plugin_config.contests),
        editor_backend=plugin_config.editor_backend,
        editor_auth_url=plugin_config.editor_auth_url.rstrip("/"),
    )


def read_settings(config_file: Path) -> Settings:
    """The settings from site_config.yml without loading MkDocs, its theme or its plugins.

    A check of one file must answer in well under a second, and MkDocs'
    ``load_config`` imports the theme and every plugin, this one's rendering
    code included, first. Only the options the loader reads are taken here;
    ``dvk build`` and a full ``dvk check`` still validate the whole config.
    """
    from mkdocs.utils.yaml import yaml_load

    try:
        raw = yaml_load(config_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{config_file}: không đọc được tệp cấu hình "
                          f"(cannot read the config file): {exc}") from exc
    except Exception as exc:  # any YAML or !ENV error is the config's fault
        raise ConfigError(f"{config_file}: cấu hình không hợp lệ (invalid config): {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_file}: cấu hình phải là các dòng `khóa: giá trị` "
                          "(the config must be `key: value` lines)")
    options: object = None
    for plugin in raw.get("plugins") or []:
        if plugin == "dvk":
            options = {}
        elif isinstance(plugin, dict) and "dvk" in plugin:
            options = plugin["dvk"] or {}
    if options is None:
        raise ConfigError(f"{config_file}: plugins: thiếu plugin `dvk` "
                          "(the `dvk` plugin is missing)")
    plugin_config = ShowcaseConfig()
    plugin_config.load_dict(options if isinstance(options, dict) else {})
    failed, _ = plugin_config.validate()
    if failed:
        details = "; ".join(f"{key}: {error}" for key, error in failed)
        raise ConfigError(f"{config_file}: plugins.dvk: cấu hình không hợp lệ "
                          f"(invalid config): {details}")
    root = config_file.resolve().parent
    return _settings(
        plugin_config,
        # As MkDocs does: docs_dir is relative to the config file's folder, made absolute.
        content_dir=Path(os.path.abspath(root / str(raw.get("docs_dir") or "docs"))),  # noqa: PTH100
        root=root, site_name=str(raw.get("site_name") or ""),
        site_url=str(raw.get("site_url") or ""), repo_url=str(raw.get("repo_url") or ""),
        edit_uri=str(raw.get("edit_uri") or ""),
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collecting(logger: str) -> Iterator[_Collect]:
    handler = _Collect()
    log = logging.getLogger(logger)
    log.addHandler(handler)
    try:
        yield handler
    finally:
        log.removeHandler(handler)


def load_site_config(config_file: Path, *, strict: bool = False) -> MkDocsConfig:
    """Load and validate site_config.yml; raise ``ConfigError`` naming every problem."""
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: không tìm thấy tệp cấu hình (config file not found)")
    with collecting("mkdocs.config") as collected:
        try:
            config = load_config(config_file=str(config_file), strict=strict)
        except (Abort, ConfigurationError) as exc:
            details = "\n".join(collected.messages) or str(exc)
            raise ConfigError(
                f"{config_file}: cấu hình không hợp lệ (invalid config)\n{details}"
            ) from exc
    if PLUGIN_NAME not in config.plugins:
        raise ConfigError(f"{config_file}: plugins: thiếu plugin `{PLUGIN_NAME}` "
                          f"(the `{PLUGIN_NAME}` plugin is missing)")
    return config


def site_settings(config: MkDocsConfig) -> Settings:
    """The engine-independent settings of a config loaded by ``load_site_config``."""
    return settings_from(config.plugins[PLUGIN_NAME].config, config)
