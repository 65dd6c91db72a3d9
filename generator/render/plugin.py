"""The MkDocs plugin: lifecycle glue between the catalogue and MkDocs + Material.

It loads (or is handed) the checked catalogue, swaps the entry files in the
content folder for generated pages at their permanent URLs, and gives each
template the context of its own page. It holds no content logic of its own.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from itertools import chain
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.catalogue.citation import as_html, website_json_ld
from generator.core import urls
from generator.core.errors import ContentErrors
from generator.core.progress import Progress, Silent
from generator.core.settings import Settings, cache_dir
from generator.core.text import heading_slug, vi_date, vi_number
from generator.load.history import file_dates
from generator.pages.site import build_pages
from generator.pages.views import EntryPage, VirtualPage
from generator.publish.artefacts import (
    Publication,
    draw_cards,
    manifest,
    publication,
    sitemap_urls,
    write_manifest,
    write_sitemap,
)
from generator.publish.cards import Drawing
from generator.publish.entryfiles import StaticFile
from generator.publish.fonts import font_files
from generator.publish.headers import csp
from generator.publish.offline import offline_page_settings, write_service_worker
from generator.publish.searchaside import IndexAside
from generator.render.config import ShowcaseConfig, settings_from
from generator.render.files import mkdocs_file, published_script
from generator.render.plan import BuildPlan, nav_sources, new_search_index
from generator.render.sanitise import clean_body, safe_toc

TEMPLATES = str(Path(__file__).with_name("templates"))
"""The plugin's templates, package data of the wheel."""


def site_key(site_dir: Path) -> str:
    """A short name for a site folder, to keep its build state apart from other folders'."""
    return hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]


class Memo:
    """Renders a template fragment once per key: ``{% call memo(key) %}…{% endcall %}``."""

    def __init__(self) -> None:
        self._fragments: dict[str, Markup] = {}

    def __call__(self, key: str, caller: Callable[[], str]) -> Markup:
        """The fragment for ``key``, rendered by ``caller`` the first time only."""
        if key not in self._fragments:
            self._fragments[key] = Markup(caller())
        return self._fragments[key]


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    """Turns the catalogue into MkDocs pages."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.plan: BuildPlan | None = None
        """What this build makes: handed over by ``prepare``, else made in ``on_files``."""
        self._doc_urls: list[str] = []
        self._statics: tuple[Catalogue, Publication] | None = None
        self._drawing: Drawing | None = None
        """The cards of this build, being drawn until the pages render."""
        self._pages_per_step = 1
        self._silent = False

    def prepare(self, plan: BuildPlan) -> None:
        """Build from ``plan``: content the caller has checked already, and what to make of it."""
        self.plan = plan

    def share_rendering(self, workers: int, *, in_worker: bool = False) -> None:
        """The pages are rendered by ``workers`` processes; this is one of the forked ones.

        The bar is the parent's: it counts each page it renders for ``workers``,
        and the workers count nothing.
        """
        self._pages_per_step = workers
        self._silent = in_worker

    @property
    def progress(self) -> Progress:
        """The build's progress bar (silent in a forked worker, or without a plan)."""
        return self.plan.progress if self.plan is not None and not self._silent else Silent()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Derive the engine-independent settings."""
        if not self.config.enabled:
            return config
        self.settings = settings_from(self.config, config)
        if "toc" in config.mdx_configs or "toc" in config.markdown_extensions:
            config.mdx_configs.setdefault("toc", {}).setdefault("slugify", heading_slug)
        # MkDocs' sitemap template walks every page of the build; ours is written
        # from the catalogue (on_post_build), so that an incremental build,
        # which hands MkDocs only the pages it renders, writes the same one.
        config.theme.static_templates.discard(urls.SITEMAP)
        # The offline page, a theme template like 404.html: no page, so no navigation,
        # sitemap, search or urls.txt lists it (generator/publish/offline.py).
        config.theme.static_templates.add(urls.OFFLINE_PAGE)
        # The plugin's own templates (dvk/*.html and their partials) ship in the package,
        # so that it builds a site anywhere it is installed. Searched last: a site's
        # custom_dir may still override any of them.
        if TEMPLATES not in config.theme.dirs:
            config.theme.dirs.append(TEMPLATES)
        if not config.repo_url:
            # A relative edit_uri without repo_url makes MkDocs warn on every page.
            config.edit_uri = None
        if config.site_description:
            # Material prints it unescaped in <meta name="description"> (pages without
            # their own), where a '"' ends the attribute: it reaches templates as HTML,
            # like page descriptions (_page_source). Unescaping first keeps a config
            # object that is configured twice (dvk serve) from being escaped twice.
            config.site_description = html.escape(html.unescape(config.site_description))
        return config

    # Runs before other plugins' on_files so that they see the generated pages.
    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Replace the entry sources with generated pages, indexes, images and fonts."""
        if not self.config.enabled or self.settings is None:
            return files
        plan = self.plan or self._own_plan(config)
        self.plan = plan

        prefixes = (self.settings.entries_dir + "/", self.settings.press_dir + "/")
        # Entry files and their images are published at /mo-hinh/<id>/, never at
        # their place in the content folder, which follows the province.
        # The reported figures are published as a table of /thong-ke/ and its CSV, with
        # their sources, and the press records on the entries' pages: the editors' YAML
        # files themselves are not.
        kept = [published_script(f, config) for f in files
                if not f.src_uri.startswith(prefixes) and f.src_uri != self.settings.reported]
        # MkDocs calls the home page's URL "./": the sitemap wants the site root.
        self._doc_urls = [f.url.removeprefix("./") for f in kept
                          if f.is_documentation_page() and f.inclusion.is_included()]
        out = Files(kept)
        taken = {f.src_uri for f in kept}
        wanted = plan.selection
        for page in plan.site_pages.pages.values():
            if page.src_uri in taken:
                raise PluginError(f"{page.src_uri}: an editorial page is in the way of a "
                                  "generated page; rename or remove it")
            if wanted is None or page.src_uri in wanted.pages:
                out.append(File.generated(config, page.src_uri, content=_page_source(page)))
        if wanted is not None and wanted.preview:
            # The nav's pages too, read but not rendered (generator/render/loop.py): the
            # nav names them.
            for uri in nav_sources(config.nav) - wanted.pages:
                listed = plan.site_pages.pages.get(uri)
                if listed is not None:
                    out.append(File.generated(config, uri, content=_page_source(listed)))
            return out
        published = self.statics()
        if wanted is None:
            statics = published.every_file()
        else:
            statics = chain(
                (f for dest, f in published.files.items() if dest in wanted.statics),
                *(published.groups[entry_id].files() for entry_id in wanted.groups))
        for static in statics:
            out.append(mkdocs_file(static, config))
        self.progress.stage("Dựng trang", len(out.documentation_pages()))
        return out

    def _own_plan(self, config: MkDocsConfig) -> BuildPlan:
        """A plain ``mkdocs build``: check the content here, and make every page."""
        assert self.settings is not None
        try:
            catalogue = load_catalogue(self.settings)
        except ContentErrors as exc:
            lines = "\n".join(p.format() for p in exc.problems)
            raise PluginError(f"{exc}\n{lines}") from exc
        pages = build_pages(catalogue, file_dates(self.settings.content_dir))
        return BuildPlan(catalogue, pages)

    def statics(self) -> Publication:
        """Every file the plugin publishes as is: generator/publish/artefacts.py, and the fonts."""
        assert self.plan is not None
        catalogue = self.plan.catalogue
        if self._statics is not None and self._statics[0] is catalogue:
            return self._statics[1]
        root = catalogue.settings.root
        self._stop_drawing()  # a build that failed before rendering left it drawing
        # Drawn on every core until the pages render (on_env): beside the search
        # index, then beside the reading of the pages.
        self._drawing = draw_cards(catalogue, self.plan.site_pages, cache_dir(root) / "cards")
        try:
            found = publication(catalogue, self.plan.site_pages, self._drawing,
                                search=None if self.plan.search_aside else
                                self.plan.search or new_search_index(),
                                rows=self.plan.rows, aside=self.plan.search_aside)
        except BaseException:
            self._stop_drawing()
            raise
        for name, path in font_files(cache_dir(root) / "fonts").items():
            dest = f"{urls.FONTS}{name}"
            found.files[dest] = StaticFile(dest, path=path, cached=True)
        self._statics = (catalogue, found)
        return found

    # Last of every plugin's on_page_content, so that whatever another plugin adds
    # to an entry's HTML is cleaned too.
    @event_priority(-100)
    def on_page_content(
        self, content: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Clean the HTML of entry bodies: contributors' Markdown may not add markup or script.

        Editorial pages (content/*.md outside the entries folder) are the
        project's own and are left as written.
        """
        if not self.config.enabled or self.plan is None:
            return content
        generated = self.plan.site_pages.pages.get(page.file.src_uri)
        if generated is None or not isinstance(generated.context, EntryPage):
            return content
        if page.toc is not None:
            safe_toc(page.toc)
        return clean_body(content)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Count the page for the progress bar."""
        self.progress.advance(self._pages_per_step)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the sitemap and the manifest of published URLs."""
        if not self.config.enabled or self.plan is None:
            return
        plan = self.plan
        if plan.selection is not None and plan.selection.preview:
            return
        site_dir = Path(config.site_dir)
        self._move_search_aside(site_dir)
        write_sitemap(site_dir, plan.catalogue.settings.site,
                      sitemap_urls(plan.site_pages, self._doc_urls))
        if plan.selection is None or not plan.selection.same_urls:
            write_manifest(site_dir, manifest(plan.site_pages, self._doc_urls,
                                              self.statics().listed()))
        if plan.selection is None:
            # Made from the built shell and offline page, which only a full build makes:
            # a change of the theme or the config is never an incremental build.
            write_service_worker(site_dir, retire=not plan.offline)
        self.progress.close()

    @property
    def _search_aside(self) -> IndexAside | None:
        """This build's search index, when a forked process makes it."""
        return self._statics[1].search_aside if self._statics is not None else None

    def _move_search_aside(self, site_dir: Path) -> None:
        aside = self._search_aside
        if aside is not None:
            try:
                aside.move_into(site_dir)
            except RuntimeError as exc:
                raise PluginError(str(exc)) from exc

    def _stop_drawing(self) -> None:
        drawing, self._drawing = self._drawing, None
        if drawing is not None:
            drawing.stop()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop drawing cards, and making the search index aside: the build is abandoned."""
        self._stop_drawing()
        aside = self._search_aside
        if aside is not None:
            aside.stop()

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        """Expose the Vietnamese filters, URL helpers, CSP and site JSON-LD to templates.

        Last before the pages render and the static files are copied: the cards are
        waited for here.
        """
        drawing, self._drawing = self._drawing, None
        if drawing is not None:
            try:
                drawing.wait()
            except RuntimeError as exc:
                raise PluginError(str(exc)) from exc
        env.globals["memo"] = Memo()  # a fresh one per build
        # Compiling Material's templates takes 0.4 s a build: keep the bytecode
        # (Jinja checks each template's source against it).
        if self.settings is not None:
            compiled = cache_dir(self.settings.root) / "jinja"
            compiled.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(compiled))
        env.filters["vi_date"] = vi_date
        env.filters["vi_number"] = vi_number
        env.filters["cite_html"] = lambda text: Markup(as_html(text))
        env.globals.update(
            province_url=lambda province: urls.index(urls.PROVINCES, province.slug),
            field_url=lambda field_of_work: urls.index(urls.FIELDS, field_of_work.slug),
            year_url=lambda year: urls.index(urls.YEARS, year),
            kind_url=lambda kind: urls.index(urls.KINDS, kind.slug),
        )
        env.globals["dvk_contests"] = {contest.slug: contest for contest in
                                       (self.settings.contests if self.settings else ())}
        # The policy again in each page's head, for hosts that send no headers (theme/main.html).
        env.globals["dvk_csp_meta"] = csp(meta=True)
        env.globals["dvk_offline"] = offline_page_settings(
            register=self.plan.offline if self.plan is not None else True)
        # The same for every build of this config: the home page prints it (theme/main.html).
        # The description is text there, not the HTML on_config made it.
        env.globals["dvk_website_ld"] = website_json_ld(
            self.settings.site, html.unescape(config.site_description or "")
        ) if self.settings else ""
        return env

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Hand each template the context of its own page, and nothing more."""
        if not self.config.enabled:
            return context
        assert self.plan is not None
        generated = self.plan.site_pages.pages.get(page.file.src_uri)
        if generated is not None:
            context["dvk"] = generated.context  # type: ignore[typeddict-unknown-key]
        elif page.is_homepage:
            context["dvk"] = self.plan.site_pages.home  # type: ignore[typeddict-unknown-key]
        return context


def _page_source(page: VirtualPage) -> str:
    # MkDocs and Material treat page titles and descriptions as HTML and print
    # them unescaped (header, <meta name="description">), so escape them here.
    # JSON strings are valid YAML scalars, and far cheaper to write than
    # yaml.safe_dump (5 s of a 10,000-entry build).
    lines = [f"title: {json.dumps(html.escape(page.title), ensure_ascii=False)}",
             f"template: {json.dumps(page.template)}"]
    if page.description:
        lines.append(
            f"description: {json.dumps(html.escape(page.description), ensure_ascii=False)}")
    return "---\n" + "\n".join(lines) + "\n---\n" + page.source
