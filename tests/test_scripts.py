"""The site's scripts as published: their comments gone, their code whole
(generator/publish/scripts.py). Chromium runs them in every browser test; here Node's
parser reads each, and the stripping is held to what it may remove."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from generator.publish.scripts import without_comments

THEME_SCRIPTS = REPO / "theme" / "assets" / "javascripts"


def test_comment_lines_and_indentation_go() -> None:
    source = ("// A comment.\n/**\n * A block.\n */\nfunction f(a) {\n"
              "  // inside\n  return a * 2; // kept: code shares the line\n}\n")
    assert without_comments(source, "// note") == (
        "// note\nfunction f(a) {\nreturn a * 2; // kept: code shares the line\n}\n")


def test_template_literals_keep_every_character() -> None:
    source = ("const t = `first\n  // not a comment\n    /* nor this */\n"
              "  ${[1].map((n) => `${n}`).join()}`;\n  // a comment again\nf(t);\n")
    assert without_comments(source) == (
        "const t = `first\n  // not a comment\n    /* nor this */\n"
        "  ${[1].map((n) => `${n}`).join()}`;\nf(t);\n")


@pytest.mark.parametrize("source", [
    "/* a block */ code();\n",             # code after a block on its line
    "/*\n  a block\n*/ code();\n",          # code after a block's end
    "const s = '`';\n  // then\n",          # a backtick this reading cannot follow
    "/* never closed\n",
])
def test_what_it_cannot_follow_is_published_as_written(source: str) -> None:
    assert without_comments(source) == source


def test_a_line_of_code_starting_with_a_star_stays() -> None:
    assert without_comments("const n = 2\n  * 3;\n") == "const n = 2\n* 3;\n"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by make test")
@pytest.mark.parametrize("name", sorted(p.name for p in THEME_SCRIPTS.glob("dvk-*.js")))
def test_every_published_script_parses(bundled_site: Path, tmp_path: Path, name: str) -> None:
    published = (bundled_site / "assets" / "javascripts" / name).read_text(encoding="utf-8")
    written = (THEME_SCRIPTS / name).read_text(encoding="utf-8")
    assert published.startswith(f"// With its comments: theme/assets/javascripts/{name}\n")
    assert len(published) < len(written)
    module = tmp_path / f"{name[:-3]}.mjs"  # strict mode, as the modules run
    module.write_text(published, encoding="utf-8")
    done = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_the_worker_parses_and_lost_its_comments(bundled_site: Path, tmp_path: Path) -> None:
    worker = (bundled_site / "sw.js").read_bytes()
    source = (REPO / "generator" / "publish" / "serviceworker.js").read_bytes()
    comments = [line for line in worker.splitlines()[1:]
                if line.startswith((b"//", b"/*", b" ")) or line == b"*/"]
    assert comments == []
    assert len(worker) < len(source)
    (tmp_path / "sw.mjs").write_bytes(worker)
    done = subprocess.run(["node", "--check", str(tmp_path / "sw.mjs")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
