"""The package map of docs/architecture.md holds: layers, the MkDocs seam, no cycle, small modules.

The import contracts live in pyproject.toml ([tool.importlinter]) and are run
here with import-linter, so that `make test` fails as soon as a module imports
a layer above its own, or a layer below render/ imports MkDocs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

from conftest import REPO

MAX_LINES = 400
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the copy under ``root`` is what gets analysed, not the installed package.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def test_every_import_contract_is_kept() -> None:
    """Each layer imports only those below it; nothing below render/ knows MkDocs; no bench."""
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_catch_a_layer_breach_and_mkdocs_below_render(tmp_path: Path) -> None:
    """A core module that imports the CLI, or a loader that imports MkDocs, breaks the build."""
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
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "generator.core is not allowed to import generator.cli" in result.stdout
    assert "generator.load is not allowed to import mkdocs" in result.stdout


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(
                    graph.find_modules_directly_imported_by(child) & modules))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_module_imports_itself_back() -> None:
    """No import cycle among the generator's modules, lazy imports inside functions included."""
    graph = grimp.build_graph("generator")
    modules = {m for m in graph.modules if m.startswith("generator")}
    assert len(modules) > 40
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check above can fail: two modules importing each other are one group."""
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph, {"a.x", "a.y", "a.z"}) == [["a.x", "a.y"]]


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
