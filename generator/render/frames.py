"""Page rendering with the parts every page of a kind shares rendered once.

MkDocs renders each page through Material's whole template stack. For the pages
outside the navigation (entries, the pages of the indexes: nearly all of a
large site), several of Material's blocks come out the same on every page of
one template at one depth: the stylesheets, the footer (no previous or next
page), the client configuration, the scripts. ``Frames`` renders each of those
once per (template, depth) and hands the stored text to Jinja for every other
page, so Jinja still renders the rest of the page, in order, as MkDocs would.

The build's own check is a test: a site built through this module is compared
byte for byte with MkDocs' own build of it (tests/test_build.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from jinja2 import Environment, Template
from jinja2.runtime import Context
from mkdocs import utils
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.commands.build")

SHARED_BLOCKS = ("styles", "libs", "fonts", "analytics", "footer", "config", "scripts")
"""Material's blocks that read only the configuration, the language, the features and
the page's depth (its relative links), and the page's place in the navigation (the
footer's previous and next links): the same on every page outside the navigation."""

BlockRender = Callable[[Context], Iterator[str]]


class Frames:
    """The shared blocks of the pages outside the navigation, by template and depth."""

    def __init__(self, nav: Navigation) -> None:
        self._in_nav = {id(page) for page in nav.pages}
        self._texts: dict[tuple[str, str, str], str] = {}

    def render(self, template: Template, context: Mapping[str, Any], page: Page) -> str:
        """``template.render(context)``, with the shared blocks' stored text where known."""
        if id(page) in self._in_nav or page.is_homepage or template.name is None:
            return template.render(context)
        environment: Environment = template.environment
        jinja_context = template.new_context(dict(context))
        depth = str(context.get("base_url"))
        for name in SHARED_BLOCKS:
            key = (template.name, depth, name)
            text = self._texts.get(key)
            # Called first for the block. The templates' own functions for it follow:
            # the child's now, its parents' appended as Jinja walks up the
            # inheritance; ``super()`` finds each by its place in the chain.
            first = _stored(text) if text is not None else self._recording(key, name)
            jinja_context.blocks[name] = [first, *jinja_context.blocks.get(name, ())]
        try:
            return environment.concat(template.root_render_func(jinja_context))
        except Exception:
            environment.handle_exception()
            raise  # handle_exception always raises; this says so to the type checker

    def _recording(self, key: tuple[str, str, str], name: str) -> BlockRender:
        def record(context: Context) -> Iterator[str]:
            text = "".join(context.blocks[name][1](context))
            self._texts[key] = text
            yield text

        return record


def _stored(text: str) -> BlockRender:
    def replay(_: Context) -> Iterator[str]:
        yield text

    return replay


def build_page(page: Page, config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation,
               env: Environment, *, frames: Frames) -> None:
    """``_build_page`` of MkDocs 1.6.1 for a full build, rendering through ``frames``."""
    config._current_page = page
    try:
        log.debug(f"Building page {page.file.src_uri}")
        page.active = True  # the theme's sign of the current page
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = frames.render(template, context, page)
        output = config.plugins.on_post_page(output, page=page, config=config)
        if output.strip():
            utils.write_file(output.encode("utf-8", errors="xmlcharrefreplace"),
                             page.file.abs_dest_path)
        else:
            log.info(f"Page skipped: '{page.file.src_uri}'. Generated empty output.")
    except Exception as exc:
        log_page_error("building", page, exc)
        raise
    finally:
        page.active = False
        config._current_page = None


def log_page_error(doing: str, page: Page, exc: Exception) -> None:
    """MkDocs' message for a page that failed ("Error reading page 'x.md': ..."), whose
    own errors (``BuildError``) have been logged already."""
    message = f"Error {doing} page '{page.file.src_uri}':"
    if not isinstance(exc, BuildError):
        message += f" {exc}"
    log.error(message)
