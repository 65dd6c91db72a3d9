"""The package map of docs/architecture.md holds: layers, the MkDocs seam, no cycle, small modules.

The import contracts live in pyproject.toml ([tool.importlinter]) and are run
here with import-linter, so that `make test` fails as soon as a module imports
a layer above its own, a layer below render/ imports MkDocs, the product
imports the bench, or two modules of a package import each other.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

MAX_LINES = 400
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the copy under ``root`` is what gets analysed, not the installed package.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def test_every_import_contract_is_kept() -> None:
    """Layers only import downwards, nothing below render/ knows MkDocs, no bench, no cycle."""
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_the_contracts_catch_a_breach_mkdocs_below_render_and_a_cycle(tmp_path: Path) -> None:
    """A core module importing the CLI, a loader importing MkDocs, or two page modules
    importing each other (even lazily, inside a function) each break the build."""
    for name in ("generator", "bench"):
        shutil.copytree(REPO / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    text = tmp_path / "generator" / "core" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nfrom generator.cli import main\n",
                    encoding="utf-8")
    listing = tmp_path / "generator" / "load" / "listing.py"
    listing.write_text(listing.read_text(encoding="utf-8") + "\nimport mkdocs\n",
                       encoding="utf-8")
    views = tmp_path / "generator" / "pages" / "views.py"  # generator.pages.site imports it
    views.write_text(views.read_text(encoding="utf-8")
                     + "\n\ndef _late() -> None:\n    import generator.pages.site\n",
                     encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "generator.core is not allowed to import generator.cli" in result.stdout
    assert "generator.load is not allowed to import mkdocs" in result.stdout
    assert "No import cycle among the modules of any package BROKEN" in result.stdout
    assert "- .views -> .site (1 import)" in result.stdout


def test_no_module_is_over_400_lines() -> None:
    """Each module has one concern: none of the product's or the bench's exceeds 400 lines."""
    long = {path.relative_to(REPO).as_posix(): count
            for folder in ("generator", "bench") for path in (REPO / folder).rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_docs_name_every_package() -> None:
    """docs/architecture.md's package map lists each layer the code has."""
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.name for p in (REPO / "generator").iterdir()
                      if (p / "__init__.py").is_file())
    assert packages
    assert [p for p in packages if not re.search(rf"^{p}/ ", doc, re.MULTILINE)] == []
