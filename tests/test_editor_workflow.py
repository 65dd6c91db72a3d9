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
from test_editor_browser import NEW_ID, _git, choose, new_form

from bench.editorshots import editor_repository
from bench.server import serve
from generator.build.localeditor import local_backend
from generator.cli.main import main
from generator.core.urls import EDITOR

pytestmark = pytest.mark.browser


@pytest.fixture
def workflow(tmp_path: Path, browser: Any) -> Iterator[tuple[Any, Path]]:
    """The editor signed in to decap-server in git mode, on a committed copy."""
    root = editor_repository(tmp_path / "repository")
    with local_backend(root, mode="git"), serve(root / "site") as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}{EDITOR}")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("text=Mô hình")
        page.base = base  # type: ignore[attr-defined]
        try:
            yield page, root
        finally:
            context.close()


def test_saving_makes_a_branch_for_the_model(workflow: tuple[Any, Path]) -> None:
    """"Lưu" commits the new model on its own branch, cms/mo-hinh/<province>/<id>, where
    `dvk check` passes on it; `main` and the working tree do not change."""
    page, root = workflow
    head = _git(root, "rev-parse", "main")
    new_form(page)
    page.fill('input[id^="id-field-"]', NEW_ID)
    page.fill('input[id^="title-field-"]', "Thử nghiệm: bếp ăn bán trú")
    choose(page, "province", "Lai Châu")
    choose(page, "field", "Kinh tế")
    choose(page, "kind", "Tập thể")
    page.fill('input[id^="started-field-"]', "2021")
    page.fill('textarea[id^="summary-field-"]', "Hội phụ nữ nấu bữa trưa cho học sinh bán trú.")
    page.get_by_role("button", name="Thêm nguồn").click()
    page.locator('input[id^="title-field-"]').last.fill("Bài thử về bếp ăn bán trú")
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
