"""The wheel is the product: installed in a fresh environment, it builds a site anywhere.

The plugin's templates and the province registry are package data, and the
``mkdocs.plugins`` entry point names the installed module, so a site outside
this repository, with plain Material and no custom_dir, builds from the wheel.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import yaml

from conftest import BASE_ENTRY, REPO


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=600)


def _wheel(tmp_path: Path) -> Path:
    # Built from a copy: setuptools writes build/ and egg-info beside the sources.
    source = tmp_path / "source"
    shutil.copytree(REPO / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    done = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--quiet", "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("dvk-*.whl")
    return wheel


def _site(root: Path) -> Path:
    content = root / "content"
    (content / "mo-hinh" / "nghe-an").mkdir(parents=True)
    (content / "index.md").write_text(
        "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n", encoding="utf-8")
    entry = {"id": "mo-hinh-ngoai", **BASE_ENTRY}
    (content / "mo-hinh" / "nghe-an" / "mo-hinh-ngoai.md").write_text(
        "---\n" + yaml.safe_dump(entry, allow_unicode=True, sort_keys=False) + "---\n"
        "## Bối cảnh\n\nNội dung thử.\n", encoding="utf-8")
    config = {"site_name": "Ngoài kho", "docs_dir": "content",
              "theme": {"name": "material", "language": "vi"}, "plugins": ["dvk"]}
    (root / "site_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                          encoding="utf-8")
    return root / "site_config.yml"


def test_the_wheel_carries_its_templates_and_data(tmp_path: Path) -> None:
    """Every template of the plugin and the province registry are in the wheel; the bench is not."""
    names = zipfile.ZipFile(_wheel(tmp_path)).namelist()
    templates = sorted(p.relative_to(REPO / "generator").as_posix()
                       for p in (REPO / "generator" / "render" / "templates").rglob("*.html"))
    assert len(templates) >= 10
    assert [t for t in templates if f"generator/{t}" not in names] == []
    assert "generator/core/data/provinces.yml" in names
    assert not [n for n in names if n.startswith(("bench/", "tests/"))]


def test_installed_in_a_fresh_venv_it_builds_a_site_outside_the_repository(
    tmp_path: Path,
) -> None:
    """A new venv with only the wheel installed (its dependencies borrowed) builds a tiny site."""
    wheel = _wheel(tmp_path)
    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                     wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    # The dependencies (MkDocs, Material, Pillow…) come from this environment, by a
    # path file: .pth files in that folder are not run, so the editable install of
    # this repository stays out of the new venv.
    purelib = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                        cwd=tmp_path).stdout.strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n",
                                              encoding="utf-8")
    where = _run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr

    site = tmp_path / "elsewhere"
    config = _site(site)
    built = _run(venv / "bin" / "dvk", "build", "--config", config, cwd=site)
    assert built.returncode == 0, built.stdout + built.stderr
    entry = (site / "site" / "mo-hinh" / "mo-hinh-ngoai" / "index.html").read_text("utf-8")
    assert "<h1>Mô hình thử</h1>" in entry
    assert "Trích dẫn" in entry  # the plugin's entry template, from the wheel
    home = (site / "site" / "index.html").read_text("utf-8")
    assert "mo-hinh/mo-hinh-ngoai/" in home  # the home template lists the newest entries
    assert (site / "site" / "tinh-thanh" / "nghe-an" / "index.html").is_file()
