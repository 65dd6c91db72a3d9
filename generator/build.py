"""Build the site into a temporary folder and swap it into place.

A failed or interrupted build must leave the previous site/ exactly as it was,
so MkDocs never writes into site/ itself: it writes a sibling folder, which
replaces site/ only once the whole build has succeeded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException, PluginError

from generator import render
from generator.catalogue import Catalogue, load_catalogue
from generator.config import settings_from
from generator.errors import ConfigError, ContentErrors, DvkError, Problem, Severity
from generator.plugin import ShowcasePlugin, cache_dir
from generator.progress import Progress

PLUGIN_NAME = "dvk"


class BuildFailed(DvkError):
    """MkDocs itself failed (exit 1): a broken link in strict mode, a template error..."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Loaded:
    """A loaded config and its checked catalogue."""

    config: MkDocsConfig
    plugin: ShowcasePlugin
    catalogue: Catalogue


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collecting(logger: str) -> Iterator[_Collect]:
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
    with _collecting("mkdocs.config") as collected:
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


def load(config_file: Path, *, strict: bool = False) -> Loaded:
    """Load the config and check every entry; raise ``ContentErrors`` on any error.

    In strict mode warnings count as errors.
    """
    return check(load_site_config(config_file, strict=strict), strict=strict)


def check(config: MkDocsConfig, *, strict: bool = False) -> Loaded:
    """Check every entry of a loaded config; raise ``ContentErrors`` on any error."""
    plugin = config.plugins[PLUGIN_NAME]
    assert isinstance(plugin, ShowcasePlugin)
    settings = settings_from(plugin.config, config)
    catalogue = load_catalogue(settings)
    if strict and catalogue.warnings:
        raise ContentErrors(
            Problem(p.path, p.line, p.field, p.vi, p.en, Severity.ERROR)
            for p in catalogue.warnings
        )
    return Loaded(config, plugin, catalogue)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A build that found nothing to do: the inputs are those of the last build."""

    entries: int
    site_dir: str
    warnings: tuple[Problem, ...]


def _files_state(root: Path, digest: Any) -> None:
    # Path, size and mtime of every file: a stat per file, no reads, so that
    # 50,000 entries cost a fraction of a second.
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                info = entry.stat()
                digest.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def fingerprint(config: MkDocsConfig, *, strict: bool) -> str:
    """A digest of everything a build reads: config, content, theme, tools and generator."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(Path(config.config_file_path).read_bytes())
    digest.update(f"strict={strict}".encode())
    for package in ("mkdocs", "mkdocs-material", "pagefind", "dvk"):
        digest.update(f"{package}={version(package)}".encode())
    _files_state(Path(config.docs_dir), digest)
    if config.theme.custom_dir:
        _files_state(Path(config.theme.custom_dir), digest)
    _files_state(Path(__file__).parent, digest)  # the generator itself, for editable installs
    return digest.hexdigest()


def _state_file(config: MkDocsConfig) -> Path:
    site = hashlib.sha256(str(Path(config.site_dir).resolve()).encode()).hexdigest()[:16]
    return cache_dir(Path(config.config_file_path).parent) / f"last-build-{site}.json"


def _unchanged(config: MkDocsConfig, print_: str) -> Unchanged | None:
    state_file = _state_file(config)
    final = Path(config.site_dir)
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    # site/ must be the very folder the last build swapped in, untouched since.
    if not final.is_dir() or state.get("site_mtime_ns") != final.stat().st_mtime_ns:
        return None
    if state.get("fingerprint") != print_ or state.get("site") != str(final):
        return None
    warnings = tuple(Problem(**{**w, "severity": Severity(w["severity"])})
                     for w in state.get("warnings", []))
    return Unchanged(state["entries"], str(final), warnings)


def _record(config: MkDocsConfig, print_: str, loaded: Loaded) -> None:
    final = Path(config.site_dir)
    state = {
        "fingerprint": print_, "site": str(final), "site_mtime_ns": final.stat().st_mtime_ns,
        "entries": len(loaded.catalogue.entries),
        "warnings": [{**asdict(w), "severity": w.severity.value}
                     for w in loaded.catalogue.warnings],
    }
    state_file = _state_file(config)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def build(
    config_file: Path, *, strict: bool = False, clean: bool = False,
    progress: Progress | None = None,
) -> Loaded | Unchanged:
    """Check, then build the whole site, replacing site/ only on success.

    When nothing the build reads has changed since the last successful build,
    and site/ is still that build's output, there is nothing to do.
    """
    config = load_site_config(config_file, strict=strict)
    print_ = fingerprint(config, strict=strict)
    if not clean and (same := _unchanged(config, print_)) is not None:
        return same
    loaded = check(config, strict=strict)
    if progress is not None:
        loaded.plugin.progress = progress
    config = loaded.config
    final = Path(config.site_dir)
    if clean:
        shutil.rmtree(cache_dir(Path(config.config_file_path).parent), ignore_errors=True)
    _sweep_abandoned(final)
    staging = final.with_name(f".{final.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config.site_dir = str(staging)
    loaded.plugin.catalogue = loaded.catalogue
    try:
        with _collecting("mkdocs") as collected:
            try:
                render.build(config)
            except PluginError as exc:
                raise BuildFailed(str(exc)) from exc
            except TemplateError as exc:
                where = f"{exc.filename}:{exc.lineno}: " if isinstance(
                    exc, TemplateSyntaxError) else ""
                raise BuildFailed(
                    f"{where}lỗi mẫu giao diện (theme template error): {exc}") from exc
            except (Abort, MkDocsException) as exc:
                details = "\n".join(collected.messages)
                raise BuildFailed(f"{exc}\n{details}".strip()) from exc
        _swap(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        config.site_dir = str(final)
    _record(config, print_, loaded)
    return loaded


def _sweep_abandoned(final: Path) -> None:
    """Remove staging folders left by builds that were killed (their process is gone)."""
    for leftover in final.parent.glob(f".{final.name}.*-*"):
        kind, _, pid = leftover.name.rpartition("-")
        if not (kind.endswith((".building", ".old")) and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
        except PermissionError:
            pass  # alive, and someone else's


def _swap(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final`` with two renames, never a half-written site."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
