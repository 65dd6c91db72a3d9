"""Accessibility by a second engine: pa11y with HTML_CodeSniffer (WCAG 2 AA) over every page
type of tests/test_a11y.py, light and dark.

axe-core and HTML_CodeSniffer check different things (HTML_CodeSniffer also wants every
form to have a submit button and every form control a name, hidden or not), so the two
together catch more than either. pa11y comes from the npm package pinned in
package-lock.json (installed by `make test`, npm ci); bench/pa11y.mjs runs it in one
Chromium over every page, under the site's real Content-Security-Policy. An error fails;
warnings are reported but only the open-data tables' caption warning is held to zero.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from test_a11y import PAGES, SCHEMES

from bench.server import serve
from conftest import REPO

pytestmark = pytest.mark.browser

PA11Y = REPO / "node_modules" / "pa11y" / "package.json"
SCRIPT = REPO / "bench" / "pa11y.mjs"
OPEN_DATA = "du-lieu/"
# HTML_CodeSniffer's warnings about a data table with no caption (H39) or summary (H73).
CAPTION_CODES = ("H39.3.NoCaption", "H73.3.NoSummary")
# A page broken on purpose, audited in the same run, to prove pa11y looks: a form with no
# submit button and a field with no name.
CANARY = "data:text/html," + quote(
    '<!doctype html><html lang="vi"><title>Thử</title><form><input name="q"></form></html>')

Report = dict[str, Any]


@pytest.fixture(scope="module")
def reports(search_site: Path, chromium_path: Path) -> Iterator[dict[tuple[str, str], Report]]:
    """pa11y's report for every page of PAGES and the canary, by (url, scheme)."""
    node = shutil.which("node")
    if node is None or not PA11Y.is_file():
        pytest.fail(f"node or {PA11Y.parent} is missing: `make test` installs it (npm ci)")
    with serve(search_site) as base:
        schemes = [arg for scheme in SCHEMES for arg in ("--scheme", scheme)]
        run = subprocess.run(
            [node, str(SCRIPT), *schemes, *(base + url for url in PAGES.values()), CANARY],
            cwd=REPO, env={**os.environ, "CHROME_PATH": str(chromium_path)},
            capture_output=True, text=True, timeout=900, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    failures = [f"{line['url']} ({line['scheme']}): {line['failure']}"
                for line in lines if "failure" in line]
    assert run.returncode == 0 and not failures, "\n".join(failures) or run.stderr
    found = {(line["url"].removeprefix(base), line["scheme"]): line for line in lines}
    expected = {(url, scheme) for url in [*PAGES.values(), CANARY] for scheme in SCHEMES}
    assert set(found) == expected, f"pa11y audited {sorted(found)}:\n{run.stderr}"
    yield found


def errors(report: Report) -> list[Report]:
    return [issue for issue in report["issues"] if issue["type"] == "error"]


def describe(issues: list[Report]) -> str:
    return "\n".join(f"  {i['code']}\n    at {i['selector']}\n    {i['context'][:300]}\n"
                     f"    {i['message']}" for i in issues)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_pa11y_error(
        reports: dict[tuple[str, str], Report], url: str, scheme: str) -> None:
    """WCAG 2 AA by HTML_CodeSniffer: no error, in either colour scheme."""
    report = reports[(url, scheme)]
    assert report["shown"] == SCHEMES[scheme], f"the page follows the reader's {scheme} scheme"
    found = errors(report)
    assert not found, f"{url or '/'} ({scheme}):\n{describe(found)}"


def test_the_audit_finds_an_error(reports: dict[tuple[str, str], Report]) -> None:
    """The canary's form with no submit button and unnamed field are reported: pa11y looks."""
    codes = {issue["code"].split(".")[4] for issue in errors(reports[(CANARY, "light")])}
    assert {"H32", "F68"} <= codes, codes


def test_open_data_tables_have_captions(
        reports: dict[tuple[str, str], Report], search_site: Path) -> None:
    """Each table of the open-data page says what it lists, to a reader who meets it alone."""
    html = (search_site / OPEN_DATA / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
    assert tables, "the open-data page has tables"
    for table in tables:
        caption = re.search(r"<table\b[^>]*>\s*<caption>(.*?)</caption>", table, flags=re.S)
        assert caption and re.sub(r"<[^>]+>", "", caption[1]).strip(), table[:200]
    warned = [issue for issue in reports[(OPEN_DATA, "light")]["issues"]
              if issue["code"].endswith(CAPTION_CODES)]
    assert not warned, describe(warned)
