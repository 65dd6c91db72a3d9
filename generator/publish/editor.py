"""The form-based editor at /quan-tri/: Decap CMS, served by the site itself.

Its files: the page (made here, with the repository the editor saves to and
the editor's own security policy), the configuration ``dvk schema`` generated
from the entry schema (schema/cms.yml, generator/author/cms.py), Decap's bundle
and the YAML library the site's file formats use, both from npm
(package-lock.json pins them), and theme/quan-tri/'s scripts, which MkDocs
publishes with the theme.

None of it is a page: no navigation, sitemap, search or urls.txt lists it, and
the page asks search engines not to index it.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

from generator.core.settings import Settings
from generator.core.urls import EDITOR, EDITOR_CONFIG
from generator.publish.entryfiles import StaticFile
from generator.publish.headers import editor_csp

BUNDLE = Path("node_modules") / "decap-cms" / "dist"
YAML_LIBRARY = Path("node_modules") / "yaml" / "browser" / "dist"
"""Where ``npm ci`` puts Decap CMS's bundle and the ``yaml`` library, from the root."""


def repository(settings: Settings) -> str:
    """``owner/name`` of the GitHub repository the editor saves to; "" when not on GitHub."""
    url = settings.site.repo_url.rstrip("/").removesuffix(".git")
    prefix = "https://github.com/"
    return url.removeprefix(prefix) if url.startswith(prefix) else ""


def editor_page(settings: Settings) -> str:
    """/quan-tri/index.html: Decap started with the site's formats and repository."""
    title = html.escape(f"Trình soạn thảo · {settings.site.name}")
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta http-equiv="Content-Security-Policy" content="{html.escape(editor_csp(settings, meta=True))}">
<meta name="dvk-repo" content="{html.escape(repository(settings))}">
<title>{title}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<script src="dvk-cms-start.js"></script>
<script src="decap-cms.js"></script>
<script type="module" src="dvk-cms.js"></script>
</head>
<body>
<noscript>Trình soạn thảo cần JavaScript.</noscript>
</body>
</html>
"""


def editor_files(settings: Settings) -> Iterator[StaticFile]:
    """The editor's page, configuration, and npm's files; nothing when ``dvk schema`` has not
    written the configuration or ``npm ci`` has not installed Decap: the site then has no
    editor (``make cms`` installs it)."""
    if not has_editor(settings):
        return
    root = settings.root
    config, bundle = root / EDITOR_CONFIG, root / BUNDLE
    yield StaticFile(f"{EDITOR}index.html", content=editor_page(settings))
    yield StaticFile(f"{EDITOR}config.yml", path=config)
    # The bundle loads its chunks by name from its own folder; the source maps stay out.
    for path in sorted(bundle.glob("*decap-cms.js")):
        yield StaticFile(f"{EDITOR}{path.name}", path=path)
    library = root / YAML_LIBRARY
    for path in sorted(library.rglob("*.js")):
        yield StaticFile(f"{EDITOR}yaml/{path.relative_to(library).as_posix()}", path=path)


def has_editor(settings: Settings) -> bool:
    """Whether the build publishes the editor (``editor_files``)."""
    return ((settings.root / EDITOR_CONFIG).is_file()
            and (settings.root / BUNDLE / "decap-cms.js").is_file())
