"""MkDocs' build loop, with the page rendering spread over every core.

This mirrors ``mkdocs.commands.build.build`` of MkDocs 1.6.1 (pinned, and frozen
upstream) for a full, non-serve build, with one change: once every page is read
and converted (in this process, so cross-page anchors still validate), the
template rendering and writing of the pages, which is most of a build, runs in
forked workers that share everything read so far copy-on-write. Each worker
reports its warnings and failures back through a pipe.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from jinja2 import Environment, TemplateError, TemplateSyntaxError
from mkdocs import utils
from mkdocs.commands.build import _build_extra_template, _build_theme_template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.structure.files import (
    File,
    Files,
    InclusionLevel,
    _file_sort_key,
    get_files,
    set_exclusions,
)
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import get_toc

from generator.core.errors import BuildFailed
from generator.core.lifetime import die_with_parent
from generator.render.config import PLUGIN_NAME, collecting
from generator.render.frames import Frames, build_page, log_page_error
from generator.render.plan import Selection

log = logging.getLogger("mkdocs.commands.build")
FORK_THRESHOLD = 200
"""Fewer pages than this render in the build's own process."""


def workers() -> int:
    """How many processes render pages: one per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)))


@dataclass
class Shared:
    """What every renderer needs: the build's files, navigation, templates and converter."""

    config: MkDocsConfig
    files: Files
    doc_files: Sequence[File]
    nav: Navigation
    env: Environment
    md: markdown.Markdown
    frames: Frames
    """The blocks every page outside the navigation shares, rendered once per process."""
    statics: Sequence[File] = ()
    """Files to copy as they are (a full build's), shared out among the renderers too."""


def _render_share(share: Sequence[File], shared: Shared, part: slice) -> dict[str, Any]:
    """Copy the ``part`` of the static files, then render and write ``share``,
    converting first the pages not converted yet.

    Those are converted here, on whichever core renders them, and their HTML
    is dropped once written: no process ever holds every page's HTML. Their
    anchors, which the links of other pages are checked against, are returned:
    {"present": {page: [ids]}, "links": {page: {target page: {anchor: link}}}}.
    """
    for static in shared.statics[part]:
        static.copy_file()
    present: dict[str, list[str]] = {}
    links: dict[str, dict[str, dict[str, str]]] = {}
    for file in share:
        page = file.page
        assert page is not None
        converted_here = page.content is None
        if converted_here:
            _populate(page, shared.config, shared.files, shared.md)
        build_page(page, shared.config, shared.doc_files, shared.nav, shared.env,
                   frames=shared.frames)
        if converted_here:
            present[file.src_uri] = sorted(page.present_anchor_ids or ())
            if page.links_to_anchors:
                links[file.src_uri] = {target.src_uri: dict(anchors)
                                       for target, anchors in page.links_to_anchors.items()}
            page.content = page.toc = None  # type: ignore[assignment]
    return {"present": present, "links": links}


def _fork_worker(share: Sequence[File], shared: Shared, part: slice) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid:  # the parent
        os.close(write_end)
        return pid, read_end
    # The worker: render its share, report, and leave without running any
    # of the parent's exit handlers or buffered output twice.
    die_with_parent(parent)  # the parent waits for it, in this same thread
    os.close(read_end)
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    report: dict[str, object] = {"ok": True}
    plugin = shared.config.plugins.get(PLUGIN_NAME)
    if plugin is not None:
        plugin.share_rendering(workers(), in_worker=True)  # the parent's bar counts for all
    try:
        report["anchors"] = _render_share(share, shared, part)
    except BaseException as exc:  # reported to the parent, which raises it there
        report = {"ok": False, "error": str(exc), "template": isinstance(exc, TemplateError)}
    report["warnings"] = sum(count for _, count in counter.get_counts())
    with os.fdopen(write_end, "w") as pipe:
        pipe.write(json.dumps(report))
    os._exit(0)


def _convert(page: Page, config: MkDocsConfig, files: Files, md: markdown.Markdown) -> None:
    """``Page.render`` of MkDocs 1.6.1, on a reused Markdown instance.

    MkDocs builds a new ``markdown.Markdown``, with every extension, for each page
    (4 s per 10,000 pages). One instance, reset between pages, does the same
    work: the four page-bound processors are registered anew for each page, and
    Python-Markdown's registry replaces the previous page's by name.
    """
    assert page.markdown is not None
    md.reset()
    raw_html = _RawHTMLPreprocessor()
    raw_html._register(md)
    anchors = _ExtractAnchorsTreeprocessor(page.file, files, config)
    anchors._register(md)
    relative_paths = _RelativePathTreeprocessor(page.file, files, config)
    relative_paths._register(md)
    title = _ExtractTitleTreeprocessor()
    title._register(md)
    page.content = md.convert(page.markdown)
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    page._title_from_render = title.title
    page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_paths.links_to_anchors


def _populate(page: Page, config: MkDocsConfig, files: Files, md: markdown.Markdown) -> None:
    """``_populate_page`` of MkDocs 1.6.1 (read, plugin events, convert), for a full build."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(
            page.markdown, page=page, config=config, files=files)
        _convert(page, config, files, md)
        assert page.content is not None
        page.content = config.plugins.on_page_content(
            page.content, page=page, config=config, files=files)
    except Exception as exc:
        log_page_error("reading", page, exc)
        raise
    finally:
        config._current_page = None


def _files_outside(config: MkDocsConfig, skipped: set[str]) -> Files:
    """``get_files`` of MkDocs 1.6.1, without walking the top-level folders ``skipped``.

    An incremental build renders a few pages; walking the 50,000 entry files (or
    the press records) only to drop them (the plugin publishes them itself) would
    cost a second.
    """
    found: list[File] = []
    conflicting: list[tuple[File, File]] = []
    for source_dir, dirnames, filenames in os.walk(config.docs_dir, followlinks=True):
        relative_dir = os.path.relpath(source_dir, config.docs_dir)
        if relative_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in skipped]
        dirnames.sort()
        filenames.sort(key=_file_sort_key)
        by_dest: dict[str, File] = {}
        for filename in filenames:
            file = File(str(Path(relative_dir) / filename), config.docs_dir, config.site_dir,
                        config.use_directory_urls)
            previous = by_dest.setdefault(file.dest_uri, file)
            if previous is not file:
                conflicting.append((previous, file))
            found.append(file)
    set_exclusions(found, config)
    for first, second in conflicting:  # README.md beside index.md, as MkDocs settles it
        loser = first if second.inclusion.is_included() else second  # type: ignore[no-untyped-call]
        if loser in found:
            found.remove(loser)
    return Files(found)


def _read_everything(
    config: MkDocsConfig, partial: Selection | None
) -> tuple[Files, Navigation, Shared]:
    """Files, navigation and pages read and converted: MkDocs' first half.

    A full build leaves the plugin's generated pages outside the navigation
    (the entries and the pages of the indexes, nearly all of them) for the
    renderers to convert, on every core (``_render_share``): only the pages
    another page's navigation shows are converted here.
    """
    inclusion = InclusionLevel.is_included
    env = config.theme.get_env()
    if partial is None:
        files = get_files(config)
        files.add_files_from_theme(env, config)
    else:  # the theme's own files are unchanged, or the build would not be partial
        plugin = config.plugins[PLUGIN_NAME]
        files = _files_outside(config, {plugin.config.entries_dir.strip("/"),
                                        plugin.config.press_dir.strip("/")})
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    md = markdown.Markdown(extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs or {})
    doc_files = files.documentation_pages(inclusion=inclusion)
    in_nav = {id(page) for page in nav.pages}
    defer = partial is None and len(doc_files) >= FORK_THRESHOLD
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
            Page(None, file, config)
        assert file.page is not None
        if not (defer and file.generated_by == PLUGIN_NAME and id(file.page) not in in_nav):
            _populate(file.page, config, files, md)
    env = config.plugins.on_env(env, config=config, files=files)
    return files, nav, Shared(config, files, doc_files, nav, env, md, Frames(nav))


def _render_pages(shared: Shared, doc_files: Sequence[File]) -> int:
    """Render and write ``doc_files`` on every core; return the workers' warning count."""
    # Forking a large process costs a few tenths of a second: not worth it for
    # the handful of pages of an incremental build.
    count = workers() if len(doc_files) >= FORK_THRESHOLD else 1
    children = [_fork_worker(doc_files[k::count], shared, slice(k, None, count))
                for k in range(1, count)]
    plugin = shared.config.plugins.get(PLUGIN_NAME)
    if plugin is not None:
        plugin.share_rendering(count)  # this process renders one page in ``count``
    waiting = dict(children)
    """Worker pid -> its pipe, until it is reaped."""
    try:
        _render_share(doc_files[0::count], shared, slice(0, None, count))
        reports = [_report(pid, waiting) for pid, _ in children]
    except BaseException:
        # The build is abandoned (an error, or Ctrl-C sent to this process
        # alone): the workers' pages would be thrown away, and they must not
        # write on into a staging folder that is being removed.
        _stop(waiting)
        raise
    warnings = 0
    failures: list[str] = []
    for report in reports:
        warnings += int(report.get("warnings", 0))
        if not report["ok"]:
            if report.get("template"):
                raise TemplateError(str(report["error"]))
            failures.append(str(report["error"]))
        else:
            _take_anchors(report["anchors"], shared.files)
    if failures:
        raise Abort("Rendering failed: " + "; ".join(failures))
    return warnings


def _take_anchors(anchors: dict[str, Any], files: Files) -> None:
    """Put the anchors of the pages a worker converted on this process's pages, so
    that every page's links are checked here as MkDocs would."""
    for src_uri, present in anchors["present"].items():
        page = files.get_file_from_path(src_uri).page  # type: ignore[union-attr]
        assert page is not None
        page.present_anchor_ids = set(present)
    for src_uri, targets in anchors["links"].items():
        page = files.get_file_from_path(src_uri).page  # type: ignore[union-attr]
        assert page is not None
        page.links_to_anchors = {files.get_file_from_path(target): dict(links)
                                 for target, links in targets.items()}


def _report(pid: int, waiting: dict[int, int]) -> dict[str, Any]:
    """Wait for a worker to finish; its report."""
    read_end, waiting[pid] = waiting[pid], -1  # closed by the ``with``, even if interrupted
    with os.fdopen(read_end) as pipe:
        raw = pipe.read()
    os.waitpid(pid, 0)
    del waiting[pid]
    return json.loads(raw) if raw else {"ok": False, "error": "worker died"}


def _stop(waiting: dict[int, int]) -> None:
    """Kill and reap the workers not yet reaped."""
    for pid in waiting:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid, read_end in waiting.items():
        if read_end >= 0:
            os.close(read_end)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def build(config: MkDocsConfig, partial: Selection | None = None) -> None:
    """Build the site into ``config.site_dir``.

    With ``partial``, build only the selected generated pages and static files,
    plus the editorial pages (few, and the navigation needs them read), into
    an empty folder: an incremental build, which then moves them into site/.
    """
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files, nav, shared = _read_everything(config, partial)
        env = shared.env

        if partial is None:  # the static files are copied by the renderers, on every core
            shared.statics = [f for f in files if not f.is_documentation_page()
                              and inclusion(f.inclusion)]  # type: ignore[no-untyped-call]
            for template in config.theme.static_templates:
                _build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                _build_extra_template(template, files, config, nav)
        else:  # only the plugin's changed files: the rest of site/ is still current
            for file in files:
                if file.src_uri in partial.statics and not file.is_documentation_page():
                    file.copy_file()
        rendered = shared.doc_files
        if partial is not None and partial.preview:  # the editorial pages have not changed
            rendered = [f for f in rendered if f.src_uri in partial.pages]
        worker_warnings = _render_pages(shared, rendered)

        log_level = config.validation.links.anchors
        for file in shared.doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)

        total = sum(v for _, v in warning_counter.get_counts()) + worker_warnings
        if config.strict and total:
            raise Abort(f"Aborted with {total} warnings in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(warning_counter)


def render_site(config: MkDocsConfig, partial: Selection | None) -> None:
    """Render the site into ``config.site_dir``; MkDocs' failures become ``BuildFailed``."""
    with collecting("mkdocs") as collected:
        try:
            build(config, partial)
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
