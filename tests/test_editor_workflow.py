"""The editor's editorial workflow in Chromium, on decap-server in git mode (what the
GitHub backend does with pull requests): saving a new model makes a branch holding its
file, and leaves the working branch as it was."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_editor_browser import NEW_ID, _git, new_model, signed_in

from bench.editorshots import editor_repository
from generator.build.localeditor import local_backend
from generator.cli.main import main

pytestmark = pytest.mark.browser


@pytest.fixture
def workflow(tmp_path: Path, browser: Any) -> Iterator[tuple[Any, Path]]:
    """The editor signed in to decap-server in git mode, on a committed copy."""
    root = editor_repository(tmp_path / "repository")
    with local_backend(root, mode="git"), signed_in(browser, root / "site", []) as page:
        yield page, root


def test_saving_makes_a_branch_for_the_model(workflow: tuple[Any, Path]) -> None:
    """"Lưu" commits the new model on its own branch, cms/mo-hinh/<province>/<id>, where
    `dvk check` passes on it; `main` and the working tree do not change."""
    page, root = workflow
    head = _git(root, "rev-parse", "main")
    new_model(page)
    page.get_by_role("button", name="Lưu").click()
    branch = f"cms/mo-hinh/lai-chau/{NEW_ID}"
    page.get_by_text(re.compile("thay đổi đã được lưu", re.IGNORECASE)).wait_for()
    page.context.close()  # the page reads its entry back, on the branch: let it be
    deadline = time.monotonic() + 10
    while _git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() != "main":
        assert time.monotonic() < deadline, "decap-server did not go back to main"
        time.sleep(0.1)
    assert _git(root, "for-each-ref", "--format=%(refname:short)",
                "refs/heads/cms/").split() == [branch]
    path = f"content/mo-hinh/lai-chau/{NEW_ID}.md"
    text = _git(root, "show", f"{branch}:{path}")
    assert text.startswith("---\n# yaml-language-server: $schema=")
    assert _git(root, "rev-parse", "main") == head
    assert not (root / path).exists()
    assert _git(root, "status", "--porcelain") == ""
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    assert main(["check", "--strict", str(root / path),
                 "--config", str(root / "site_config.yml")]) == 0
