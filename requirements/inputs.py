"""Write requirements/{bootstrap,run,dev}.in from pyproject.toml.

pyproject.toml stays the one place where dependencies are declared. pip-compile could
read it directly, but Dependabot only recompiles a lock whose source is a `.in` file:
given a lock compiled from pyproject.toml it edits pyproject.toml and leaves the lock
stale. So `make lock` runs this first, and the `.in` files are generated, never edited
by hand; tests/test_lock.py fails when they no longer match pyproject.toml.

    python requirements/inputs.py          # rewrite the .in files
    python requirements/inputs.py --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYPROJECT = HERE.parent / "pyproject.toml"

HEADER = "# Generated from pyproject.toml by `make lock` (requirements/inputs.py): do not edit.\n"

BOOTSTRAP_NOTE = """\
# What a new .venv installs before anything else: pip itself (an unpinned
# `pip install --upgrade pip` would be the one install no lock covers) and the build
# backend of [build-system].requires. Every install runs with --no-build-isolation, so
# the sdists in the locks (feedgen has no wheel) and the project itself are built with
# this locked setuptools, instead of one fetched, unlocked, for each build.
"""

RUN_NOTE = """\
# Layered on bootstrap.txt, like dev.in on this file (see there): [project].dependencies.
"""

DEV_NOTE = """\
# Layered on the runtime lock (pip-tools' layered-requirements workflow): run.txt is
# compiled first, and `-c run.txt` holds every package the two share at its version.
# The runtime set is resolved on its own, so a test tool can never move a package that
# `make serve` and the deploy install, and the tests run exactly those versions. The
# `-r` line, beside giving dev.txt the runtime requirements, tells Dependabot to
# recompile run.txt before this file.
# Then the `test` and `bench` extras, and pip-tools, which `make lock` runs.
"""

INSTALLER = "pip"
LOCK_TOOL = "pip-tools"


def _section(title: str, requirements: list[str]) -> str:
    return f"\n# {title}\n" + "".join(f"{req}\n" for req in requirements)


def _layer(below: str) -> str:
    return f"\n-r {below}.in\n-c {below}.txt\n"


def render(pyproject: dict[str, Any]) -> dict[str, str]:
    """The text of each generated .in file, by file name."""
    project, build = pyproject["project"], pyproject["build-system"]
    extras = project["optional-dependencies"]
    bootstrap = (HEADER + BOOTSTRAP_NOTE + _section("the installer", [INSTALLER])
                 + _section("[build-system].requires", build["requires"]))
    run = (HEADER + RUN_NOTE + _layer("bootstrap")
           + _section("[project].dependencies", project["dependencies"]))
    seen: set[str] = set()
    dev = HEADER + DEV_NOTE + _layer("run")
    for extra in ("test", "bench"):
        fresh = [req for req in extras[extra] if req not in seen]
        seen.update(fresh)
        dev += _section(f"[project.optional-dependencies].{extra}", fresh)
    dev += _section("the lock's own tool", [LOCK_TOOL])
    return {"bootstrap.in": bootstrap, "run.in": run, "dev.in": dev}


def main(argv: list[str]) -> int:
    wanted = render(tomllib.loads(PYPROJECT.read_text(encoding="utf-8")))
    stale = [name for name, text in wanted.items()
             if not (HERE / name).is_file() or (HERE / name).read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for name in stale:
            print(f"requirements/{name} is out of date with pyproject.toml: run `make lock`")
        return 1 if stale else 0
    for name in stale:
        (HERE / name).write_text(wanted[name], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
