"""The site's scripts as published: their comments gone, their code whole
(generator/publish/scripts.py). acorn (npm, pinned) reads each published script's tokens,
which must be its source's, template literals' text included; the browser tests run them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from generator.publish.offline import SETTINGS_MARK, SOURCE
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
    "/* a */ x = 1; /* b */\n",            # code between two blocks
    "const s = 'a \\\n  b';\n",             # a string continued on the next line
    "/*\n  a block\n*/ code();\n",          # code after a block's end
    "const s = '`';\n  // then\n",          # a backtick this reading cannot follow
    "/* never closed\n",
])
def test_what_it_cannot_follow_is_published_as_written(source: str) -> None:
    assert without_comments(source) == source


def test_a_line_of_code_starting_with_a_star_stays() -> None:
    assert without_comments("const n = 2\n  * 3;\n") == "const n = 2\n* 3;\n"


TOKENS = """
const acorn = require("acorn");
const fs = require("fs");
function tokens(file) {
  const code = fs.readFileSync(file, "utf8");
  for (const sourceType of ["module", "script"]) {
    try {
      return [...acorn.tokenizer(code, { ecmaVersion: "latest", sourceType })]
        .map((t) => [t.type.label, t.value === undefined ? null : String(t.value)]);
    } catch (error) {
      if (sourceType === "script") throw error;
    }
  }
}
process.stdout.write(JSON.stringify(process.argv.slice(1).map(tokens)));
"""
"""Prints the tokens of each file named: a module's, or a classic script's."""


def same_tokens(source: Path, published: Path) -> None:
    done = subprocess.run(["node", "-e", TOKENS, str(source), str(published)], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    written, served = json.loads(done.stdout)
    assert len(served) > 50
    assert served == written


@pytest.mark.parametrize("name", sorted(p.name for p in THEME_SCRIPTS.glob("dvk-*.js")))
def test_every_published_script_is_its_source_without_comments(
        bundled_site: Path, name: str) -> None:
    published = bundled_site / "assets" / "javascripts" / name
    text = published.read_text(encoding="utf-8")
    assert text.startswith(f"// With its comments: theme/assets/javascripts/{name}\n")
    assert len(text) < len((THEME_SCRIPTS / name).read_text(encoding="utf-8"))
    same_tokens(THEME_SCRIPTS / name, published)


def test_the_worker_is_its_source_with_the_settings_in(
        bundled_site: Path, tmp_path: Path) -> None:
    worker = (bundled_site / "sw.js").read_text(encoding="utf-8")
    settings = re.search(r"^const SETTINGS = (.*);$", worker, re.MULTILINE)
    assert settings is not None
    filled = tmp_path / "serviceworker.js"
    filled.write_text(SOURCE.read_text(encoding="utf-8").replace(SETTINGS_MARK, settings[1]),
                      encoding="utf-8")
    comments = [line for line in worker.splitlines()[1:]
                if line.startswith(("//", "/*", " ")) or line == "*/"]
    assert comments == []
    same_tokens(filled, bundled_site / "sw.js")
