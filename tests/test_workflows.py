"""CI, the pre-commit hook and CONTRIBUTING.md: they parse, say what they should, and
every `dvk` command they run or show works here, against small real sites in tmp_path.

A workflow's `run:` lines are read from the YAML, their GitHub expressions replaced by
local equivalents, their shell words expanded by bash, and the `dvk` lines run through
`generator.cli.main.main` in a git repository laid out like a pull request's checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Site, site_config
from generator.cli import main as cli
from generator.cli.main import main
from generator.core.model import EntryFrontMatter, ImageSpec, Kind, SourceSpec
from generator.core.provinces import default_registry

WORKFLOWS = REPO / ".github" / "workflows"
CHECK = WORKFLOWS / "check.yml"
DEPLOY = WORKFLOWS / "deploy.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
PR_TEMPLATE = REPO / ".github" / "pull_request_template.md"
CONTRIBUTING = REPO / "CONTRIBUTING.md"

LIVE_URL = "https://dvk.example.org/"
"""Stands for the live site, in `vars.SITE_URL` and the Pages base URL."""

LOCAL: dict[str, str] = {
    # What each GitHub expression the workflows use stands for in these tests.
    "github.base_ref": "main",
    "github.server_url": "https://github.com",
    "github.repository": "example/dvk",
    "vars.SITE_URL": LIVE_URL,
    "steps.pages.outputs.base_url": LIVE_URL.rstrip("/"),  # configure-pages: no trailing /
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PUBLISHED_ENTRY = "mo-hinh-da-dang"


# --- reading the files ------------------------------------------------------------------


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file as data, with its `on:` key under "on"."""
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1, which PyYAML speaks, reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow["jobs"][job]["steps"]
    return found


def step_using(workflow: dict[str, Any], job: str, action: str) -> dict[str, Any]:
    """The one step of ``job`` that uses ``action`` (any version)."""
    matches = [s for s in steps(workflow, job) if s.get("uses", "").split("@")[0] == action]
    assert len(matches) == 1, f"{job}: expected one step using {action}"
    return matches[0]


def logical_lines(script: str) -> Iterator[str]:
    """The lines of a shell script, with backslash continuations joined."""
    pending = ""
    for line in script.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield (pending + line).strip()
        pending = ""
    if pending:
        yield pending.strip()


def is_dvk(line: str) -> bool:
    return line.split(maxsplit=1)[:1] in (["dvk"], [".venv/bin/dvk"])


def resolve(text: str) -> str:
    """``text`` with each `${{ expression }}` replaced by its local equivalent."""

    def local(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression not in LOCAL:
            pytest.fail(f"no local equivalent for the expression {match.group(0)!r}")
        return LOCAL[expression]

    return EXPRESSION.sub(local, text)


def shell_words(line: str, env: Mapping[str, str]) -> list[str]:
    """The argv bash builds from ``line`` in ``env``: quotes, $VAR and ${VAR%/} expanded."""
    script = f"set -- {line}\nprintf '%s\\0' \"$@\"\n"
    done = subprocess.run(["bash", "-c", script], env={**os.environ, **env},
                          capture_output=True, text=True, check=True)
    return done.stdout.split("\0")[:-1]


@dataclass
class Command:
    """One `dvk` invocation of a workflow step, with the environment the step gives it."""

    step: str
    line: str
    env: dict[str, str]

    def argv(self) -> list[str]:
        words = shell_words(self.line, self.env)
        return words[1:]  # drop "dvk"


def dvk_commands(workflow: dict[str, Any], job: str) -> list[Command]:
    """Every `dvk` line the job runs, in order, each with its job and step env resolved."""
    job_env = {k: resolve(str(v)) for k, v in workflow["jobs"][job].get("env", {}).items()}
    found = []
    for step in steps(workflow, job):
        env = {**job_env, **{k: resolve(str(v)) for k, v in step.get("env", {}).items()}}
        found += [Command(step.get("name", "?"), resolve(line), env)
                  for line in logical_lines(step.get("run", "")) if is_dvk(line)]
    return found


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """(info string, text) of every fenced code block."""
    return [(m.group(1).strip(), m.group(2))
            for m in re.finditer(r"^```([^\n]*)\n(.*?)^```[ \t]*$", markdown, re.M | re.S)]


def without_code(markdown: str) -> str:
    return re.sub(r"^```[^\n]*\n.*?^```[ \t]*$", "", markdown, flags=re.M | re.S)


def section(markdown: str, heading: str) -> str:
    """The text under the heading line ``heading`` (e.g. "## Ảnh"), up to the next one as big."""
    level = heading.split(maxsplit=1)[0]
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines))
                if re.match(rf"#{{1,{len(level)}}} ", lines[i])), len(lines))
    return "\n".join(lines[start:end])


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.replace("`", "").strip().lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_"
                   or unicodedata.category(ch).startswith("M"))
    return kept.replace(" ", "-")


# --- the workflows ----------------------------------------------------------------------


def test_check_workflow_runs_on_every_pull_request_with_a_read_only_token() -> None:
    """check.yml: every PR, contents: read, superseded runs cancelled, full history."""
    workflow = load_workflow(CHECK)
    assert "pull_request" in workflow["on"]
    assert set(workflow["on"]) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.event.pull_request.number" in workflow["concurrency"]["group"]
    assert list(workflow["jobs"]) == ["check"]
    checkout = step_using(workflow, "check", "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0


def test_check_workflow_checks_changed_entries_builds_and_guards_urls() -> None:
    """The base branch is fetched, then: check the PR's entries, build strictly, URL guard."""
    workflow = load_workflow(CHECK)
    runs = [s.get("run", "") for s in steps(workflow, "check")]
    fetch = next(r for r in runs if r.startswith("git fetch"))
    assert "$BASE_REF" in fetch and "refs/remotes/origin/$BASE_REF" in fetch
    assert any("pip install -e ." in r for r in runs)
    lines = [c.line for c in dvk_commands(workflow, "check")]
    assert lines == [
        'dvk check --strict --format github --changed-since "origin/$BASE_REF"',
        "dvk build --strict",
        'dvk check --published "${SITE_URL%/}/urls.txt"',
    ]
    changed = next(s for s in steps(workflow, "check") if "--changed-since" in s.get("run", ""))
    assert changed["env"]["BASE_REF"] == "${{ github.base_ref }}"
    guard = next(s for s in steps(workflow, "check") if "--published" in s.get("run", ""))
    assert guard["if"] == "vars.SITE_URL != ''", "skipped cleanly until the site is live"
    assert workflow["jobs"]["check"]["env"]["SITE_URL"] == "${{ vars.SITE_URL }}"


def test_deploy_workflow_builds_main_and_deploys_to_pages() -> None:
    """deploy.yml: push to main or by hand; build with the Pages address; deploy job."""
    workflow = load_workflow(DEPLOY)
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False

    build = workflow["jobs"]["build"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert step_using(workflow, "build", "actions/checkout")["with"]["fetch-depth"] == 0
    assert step_using(workflow, "build", "actions/configure-pages")["id"] == "pages"
    assert build["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    built = next(s for s in steps(workflow, "build") if "dvk build" in s.get("run", ""))
    assert built["env"]["SITE_URL"].startswith("${{ steps.pages.outputs.base_url }}")
    upload = step_using(workflow, "build", "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    names = [s.get("name") for s in steps(workflow, "build")]
    assert names.index(built["name"]) < names.index(upload["name"])
    # The editor at /quan-tri/: its npm files, without the test tools, before the build.
    editor = next(s for s in steps(workflow, "build") if "npm ci" in s.get("run", ""))
    assert editor["run"].strip() == "npm ci --omit=dev"
    assert names.index(editor["name"]) < names.index(built["name"])
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    assert set(package["dependencies"]) == {"decap-cms", "yaml"}

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert step_using(workflow, "deploy", "actions/deploy-pages")["id"] == "deployment"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


@pytest.mark.parametrize("path", [CHECK, DEPLOY], ids=lambda p: p.name)
def test_workflows_use_official_actions_pinned_to_a_major_tag(path: Path) -> None:
    """Every `uses:` is an actions/* action at a major tag (vN), so fixes arrive by themselves."""
    workflow = load_workflow(path)
    used = [s["uses"] for job in workflow["jobs"] for s in steps(workflow, job) if "uses" in s]
    assert used
    for action in used:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action


@pytest.mark.parametrize("path", [CHECK, DEPLOY], ids=lambda p: p.name)
def test_workflows_set_up_a_python_the_project_supports(path: Path) -> None:
    """setup-python's version satisfies pyproject.toml's requires-python."""
    workflow = load_workflow(path)
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    minimum = re.fullmatch(r">=\s*(\d+)\.(\d+)", project["requires-python"])
    assert minimum, "requires-python is expected as >=X.Y"
    for job in workflow["jobs"]:
        for step in steps(workflow, job):
            if step.get("uses", "").startswith("actions/setup-python@"):
                major, minor = (int(x) for x in str(step["with"]["python-version"]).split("."))
                assert (major, minor) >= (int(minimum[1]), int(minimum[2]))


# --- the workflows' dvk commands, run here ----------------------------------------------


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Biên tập", "GIT_AUTHOR_EMAIL": "bien-tap@example.org",
           "GIT_COMMITTER_NAME": "Biên tập", "GIT_COMMITTER_EMAIL": "bien-tap@example.org"}
    return subprocess.run(["git", "-C", str(root), "-c", "commit.gpgsign=false", *args],
                          env=env, capture_output=True, text=True, check=True).stdout


def _published(site: Site) -> None:
    """What `main` holds: one entry already on the live site."""
    site.entry(PUBLISHED_ENTRY, title="Mô hình đã đăng")


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live site: `main` built and published; its urls.txt is what the guard reads."""
    live = Site(tmp_path_factory.mktemp("live"))
    live.write_config()
    live.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    live.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    live.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    _published(live)
    assert live.run("build", "--strict") == 0
    return live.out


@pytest.fixture
def checkout(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """A pull request's checkout: `main` (also as origin/main) plus a branch, cwd at its root.

    The pull request's own commits are added by each test.
    """
    # The repo's own site_config.yml, verbatim: its !ENV tags must read SITE_URL and
    # REPO_URL when dvk runs, as in CI (the fixture's copy has them resolved already).
    shutil.copyfile(REPO / "site_config.yml", site.config)
    (site.root / "theme").symlink_to(REPO / "theme", target_is_directory=True)
    _published(site)
    (site.root / ".gitignore").write_text("site/\n.cache/\ntheme\n", encoding="utf-8")
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "add", "-A")
    _git(site.root, "commit", "-q", "-m", "main")
    # What actions/checkout with fetch-depth 0 (and the explicit fetch) leave behind.
    _git(site.root, "update-ref", "refs/remotes/origin/main", "main")
    _git(site.root, "switch", "-q", "-c", "pull-request")
    monkeypatch.chdir(site.root)
    for name in ("SITE_URL", "REPO_URL", "BASE_REF"):
        monkeypatch.delenv(name, raising=False)
    return site


def _commit(site: Site, message: str) -> None:
    _git(site.root, "add", "-A")
    _git(site.root, "commit", "-q", "-m", message)


def run_locally(command: Command, live: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run one workflow command here; `--published` reads the live site's folder instead."""
    argv = command.argv()
    if "--published" in argv:
        at = argv.index("--published") + 1
        assert argv[at] == LIVE_URL + "urls.txt", f"{command.step}: {argv[at]}"
        argv[at] = str(live)
    with monkeypatch.context() as patch:
        for name, value in command.env.items():
            patch.setenv(name, value)
        return main(argv)


def test_check_workflow_commands_pass_on_a_good_pull_request(
    checkout: Site, live_site: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each dvk line of check.yml, run as CI runs it, exits 0 on a PR adding a valid entry."""
    checkout.entry("mo-hinh-moi", title="Mô hình mới")
    _commit(checkout, "Thêm một mô hình")
    commands = dvk_commands(load_workflow(CHECK), "check")
    assert len(commands) == 3
    for command in commands:
        code = run_locally(command, live_site, monkeypatch)
        output = capsys.readouterr()
        assert code == 0, f"{command.step}: {command.line}\n{output.out}{output.err}"
    assert (checkout.out / "mo-hinh" / "mo-hinh-moi" / "index.html").is_file()


def test_check_workflow_annotates_a_broken_entry_of_the_pull_request(
    checkout: Site, live_site: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The changed-entries check fails the PR and annotates the file and line for GitHub."""
    checkout.entry("sai-tinh", province="Nghệ Ann", folder="nghe-an")
    _commit(checkout, "Thêm một mô hình sai tỉnh")
    changed = dvk_commands(load_workflow(CHECK), "check")[0]
    assert "--changed-since" in changed.line
    code = run_locally(changed, live_site, monkeypatch)
    output = capsys.readouterr()
    annotations = output.out + output.err
    assert code == 1, annotations
    assert "::error file=content/mo-hinh/nghe-an/sai-tinh.md,line=" in annotations


def test_url_guard_of_the_workflows_fails_a_renamed_entry_without_redirect(
    checkout: Site, live_site: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Renaming a published entry fails the guard, in check.yml and deploy.yml alike,
    until the old id is kept in redirect_from."""
    old = checkout.content / "mo-hinh" / "nghe-an" / f"{PUBLISHED_ENTRY}.md"
    old.unlink()
    renamed = checkout.entry("mo-hinh-doi-ma", title="Mô hình đã đăng")
    _commit(checkout, "Đổi mã")
    guards = [c for path, job in [(CHECK, "check"), (DEPLOY, "build")]
              for c in dvk_commands(load_workflow(path), job) if "--published" in c.line]
    assert len(guards) == 2
    for guard in guards:
        assert run_locally(guard, live_site, monkeypatch) == 1
        assert f"/mo-hinh/{PUBLISHED_ENTRY}/" in capsys.readouterr().err

    renamed.unlink()
    checkout.entry("mo-hinh-doi-ma", title="Mô hình đã đăng", redirect_from=[PUBLISHED_ENTRY])
    _commit(checkout, "Giữ đường dẫn cũ")
    for guard in guards:
        code = run_locally(guard, live_site, monkeypatch)
        output = capsys.readouterr()
        assert code == 0, output.out + output.err


def test_deploy_workflow_commands_build_with_the_pages_address_and_repo(
    checkout: Site, live_site: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """deploy.yml's dvk lines exit 0; the site carries the Pages address and the repo links."""
    _git(checkout.root, "switch", "-q", "main")
    commands = dvk_commands(load_workflow(DEPLOY), "build")
    assert [c.argv()[0] for c in commands] == ["check", "build"]
    for command in commands:
        code = run_locally(command, live_site, monkeypatch)
        output = capsys.readouterr()
        assert code == 0, f"{command.step}: {command.line}\n{output.out}{output.err}"
    sitemap = (checkout.out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{LIVE_URL}mo-hinh/{PUBLISHED_ENTRY}/</loc>" in sitemap
    page = checkout.html(f"mo-hinh/{PUBLISHED_ENTRY}/")
    assert "https://github.com/example/dvk/commits/main/content/mo-hinh/nghe-an/" in page


# --- pre-commit -------------------------------------------------------------------------


def test_pre_commit_hook_runs_dvk_check_on_changed_entry_files(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """One local hook, `dvk check --strict <files>` on entries, their images and the reported
    figures only; it passes a good entry and fails a broken one."""
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    [hook] = repo["hooks"]
    assert hook["entry"] == "dvk check --strict", "as strict as the pull request check"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for checked in ["content/mo-hinh/nghe-an/ky-tuc-xa-vung-bien-nghe-an.md",
                    "content/mo-hinh/nghe-an/anh.jpg", "content/so-lieu-bao-cao.yml"]:
        assert files.search(checked), checked
    for other in ["content/dong-gop.md", "README.md", "content/so-lieu-bao-cao.yml.bak"]:
        assert not files.search(other), other

    monkeypatch.chdir(site.root)
    entry = hook["entry"].split()[1:]
    good = site.entry("mo-hinh-tot")
    assert main([*entry, good.relative_to(site.root).as_posix()]) == 0, capsys.readouterr()
    broken = site.entry("mo-hinh-hong", kind="tap the")
    assert main([*entry, broken.relative_to(site.root).as_posix()]) == 1


# --- CONTRIBUTING.md and the pull request template --------------------------------------


def contributing() -> str:
    return CONTRIBUTING.read_text(encoding="utf-8")


def test_contributing_template_is_a_valid_entry(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """The template for GitHub's web editor, pasted as it is, passes `dvk check --strict`."""
    templates = [text for info, text in fenced_blocks(contributing())
                 if info == "markdown" and text.startswith("---\n")]
    assert len(templates) == 1, "exactly one entry template"
    [template] = templates
    front = yaml.safe_load(template.split("---\n")[1])
    path = site.raw(f"mo-hinh/{front['province']}/{front['id']}.md", template)
    assert site.run("check", "--strict") == 0, capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == template
    for heading in ["## Bối cảnh", "## Cách làm", "## Kết quả", "## Khả năng nhân rộng"]:
        assert heading in template.splitlines(), heading


def _documented_commands() -> list[list[str]]:
    """The argv (after `dvk`) of every dvk line in CONTRIBUTING.md's shell blocks."""
    found = []
    for info, text in fenced_blocks(contributing()):
        if info in {"sh", "shell", "bash", "console"}:
            found += [shell_words(line, {})[1:] for line in logical_lines(text) if is_dvk(line)]
    return found


def test_contributing_dvk_commands_parse(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every `dvk` line shown parses: its subcommand answers --help, and the whole line
    is accepted by the real parser (the command itself stubbed, so nothing runs)."""
    commands = _documented_commands()
    assert {argv[0] for argv in commands} >= {"new", "check"}
    for subcommand in sorted({argv[0] for argv in commands}):
        assert main([subcommand, "--help"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    monkeypatch.setattr(cli, "COMMANDS", {name: lambda args: 0 for name in cli.COMMANDS})
    for argv in commands:
        assert main(argv) == 0, f"dvk {' '.join(argv)}: {capsys.readouterr().err}"


def test_contributing_make_targets_exist() -> None:
    """Every `make <target>` shown is a target of the Makefile."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    shown = {line.split()[1] for info, text in fenced_blocks(contributing())
             if info == "sh" for line in logical_lines(text) if line.startswith("make ")}
    assert shown
    assert shown <= targets, shown - targets


def test_contributing_documents_every_field_province_field_slug_and_kind() -> None:
    """The field table, the lĩnh vực table, the 34 province slugs and the kinds match the code."""
    doc = contributing()
    table = section(doc, "## Ý nghĩa từng trường")
    documented = set(re.findall(r"^\| `([\w\[\].]+)` \|", table, re.M))
    expected = set(EntryFrontMatter.model_fields)
    expected |= {f"images[].{name}" for name in ImageSpec.model_fields}
    expected |= {f"sources[].{name}" for name in SourceSpec.model_fields}
    assert documented == expected

    fields = next(p["dvk"]["fields"] for p in site_config()["plugins"]
                  if isinstance(p, dict) and "dvk" in p)
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", section(doc, "### Lĩnh vực (`field`)"),
                      re.M)
    assert rows == [(f["slug"], f["label"]) for f in fields if not f.get("provinces")]

    provinces = section(doc, "### Tỉnh, thành phố (`province`)")
    assert set(re.findall(r"`([a-z-]+)`", provinces)) == {
        u.slug for u in default_registry().units}
    kinds = section(doc, "### Loại (`kind`)")
    assert set(re.findall(r"`([a-z-]+)`", kinds)) == {k.value for k in Kind}


EXAMPLE_ENTRY = "mo-hinh/nghe-an/ten-mo-hinh-nghe-an.md"
EXAMPLE_HEAD = "---\n# yaml-language-server: $schema=../../../schema/entry.schema.json\n"
EXAMPLES = {
    # The files behind the messages CONTRIBUTING.md quotes, each made from its template.
    "four errors": EXAMPLE_HEAD + """id: ten-mo-hinh-nghe-an
title: Tên mô hình
province: Nghệ Ann
field: kinh-te
kind: tap the
summary: Tóm tắt mô hình.
images:
  - src: ten-anh.jpg
    alt: Mô tả ảnh
sources:
  - title: Tên bài viết
    date: 24/07/2024
---
## Bối cảnh

Thử.
""",
    "a phone number": EXAMPLE_HEAD + """id: ten-mo-hinh-nghe-an
title: Tên mô hình
province: nghe-an
field: kinh-te
kind: tap-the
summary: Tóm tắt mô hình.
sources:
  - title: Tên bài viết
    date: 2024-07-24
---
## Bối cảnh

Liên hệ tổ trưởng qua số 0912 345 678.
""",
}
EXAMPLES["the wrong folder"] = EXAMPLES["a phone number"].replace(
    "province: nghe-an", "province: Hà Nam").replace("Liên hệ tổ trưởng qua số 0912 345 678.",
                                                     "Thử.")


def test_contributing_quotes_real_messages(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every `dvk check` message CONTRIBUTING.md quotes is what dvk prints today for the
    file it describes; reword a message and this asks for the doc to follow."""
    quoted = [line for info, text in fenced_blocks(contributing()) if info == "text"
              for line in text.splitlines()
              if line.startswith(("content/", "urls.txt:", "4 lỗi"))]
    printed: set[str] = set()
    for text in EXAMPLES.values():
        site.raw(EXAMPLE_ENTRY, text)
        site.run("check")
        printed |= set(capsys.readouterr().err.splitlines())
    site.raw(EXAMPLE_ENTRY, EXAMPLES["a phone number"])
    (site.root / "urls.txt").write_text("/\n/dong-gop/\n/mo-hinh/ten-cu-nghe-an/\n",
                                        encoding="utf-8")
    monkeypatch.chdir(site.root)
    assert site.run("check", "--published", "urls.txt") == 1
    printed |= set(capsys.readouterr().err.splitlines())
    assert len(quoted) >= 7
    assert [line for line in quoted if line not in printed] == []


def test_contributing_links_to_its_own_headings() -> None:
    """Every #anchor link names a heading, as GitHub spells heading ids."""
    doc = contributing()
    prose = without_code(doc)
    anchors = {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", prose, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", prose)
    assert links
    assert set(links) <= anchors, set(links) - anchors


def test_pull_request_template_and_contributing_share_the_review_checklist() -> None:
    """The reviewers' checklist is the same, item for item, in both places."""

    def normalise(item: str) -> str:
        return " ".join(item.split())

    template = PR_TEMPLATE.read_text(encoding="utf-8")
    in_template = [normalise(m) for m in re.findall(r"^- \[ \] (.+?)(?=^- |^\s*$)", template,
                                                    re.M | re.S)]
    listed = section(contributing(), "## Người duyệt kiểm tra gì")
    in_contributing = [normalise(m) for m in re.findall(r"^- (.+?)(?=^- |^\s*$|\Z)", listed,
                                                        re.M | re.S)]
    assert len(in_template) == 9
    assert in_template == in_contributing


def test_deploy_workflow_keeps_the_last_build_so_a_merge_builds_incrementally(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deploy.yml dates the checkout's files by git and restores site/ with the build cache:
    two runs, each on a fresh clone at the runner's one path, the second after a merged
    edit, build the second time in place (incrementally), as a clean build would."""
    workflow = load_workflow(DEPLOY)
    names = [s.get("name") for s in steps(workflow, "build")]
    dating = next(s for s in steps(workflow, "build") if "git restore-mtime" in s.get("run", ""))
    cached = step_using(workflow, "build", "actions/cache")
    built = next(s for s in steps(workflow, "build") if "dvk build" in s.get("run", ""))
    assert set(cached["with"]["path"].split()) == {"site", ".cache/dvk"}
    assert cached["with"]["restore-keys"] and "github.run_id" in cached["with"]["key"]
    assert names.index(dating["name"]) < names.index(built["name"])
    assert names.index(cached["name"]) < names.index(built["name"])

    monkeypatch.delenv("DVK_CACHE_DIR")  # the cache in the checkout, as on the runner
    shutil.copyfile(REPO / "site_config.yml", site.config)
    (site.root / "theme").symlink_to(REPO / "theme", target_is_directory=True)
    for n in range(30):
        site.entry(f"mo-hinh-{n}", title=f"Mô hình {n}", province=("nghe-an", "ha-noi")[n % 2])
    (site.root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "add", "-A")
    _git(site.root, "commit", "-q", "-m", "main")
    runner, kept = tmp_path / "runner" / "repo", tmp_path / "actions-cache"

    def run() -> int:
        """One deploy run: checkout, restore-mtime, restore the cache, dvk build."""
        monkeypatch.chdir(tmp_path)
        shutil.rmtree(runner, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(site.root), str(runner)], check=True)
        subprocess.run(["git", "-C", str(runner), "restore-mtime", "-q"], check=True)
        for folder in ("site", ".cache/dvk"):
            if (kept / folder).exists():
                shutil.copytree(kept / folder, runner / folder, symlinks=True)
        folder = (runner / "site").stat().st_ino if (runner / "site").exists() else 0
        monkeypatch.chdir(runner)
        assert main(["build", "--strict", "--config", str(runner / "site_config.yml")]) == 0
        shutil.rmtree(kept, ignore_errors=True)
        for saved in ("site", ".cache/dvk"):  # what actions/cache saves after the job
            shutil.copytree(runner / saved, kept / saved, symlinks=True)
        return folder

    assert run() == 0  # the first run: nothing to restore, a full build
    edited = site.content / "mo-hinh" / "nghe-an" / "mo-hinh-4.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Mô hình 4", "Mô hình đã sửa"),
                      encoding="utf-8")
    _git(site.root, "commit", "-q", "-am", "sửa một mô hình")
    restored = run()
    assert (runner / "site").stat().st_ino == restored  # changed in place: incremental
    assert "Mô hình đã sửa" in (runner / "site" / "mo-hinh" / "mo-hinh-4" / "index.html").read_text(
        encoding="utf-8")
    incremental = Site(runner).tree_digest()
    assert main(["build", "--clean", "--strict", "--config", str(runner / "site_config.yml")]) == 0
    assert Site(runner).tree_digest() == incremental
