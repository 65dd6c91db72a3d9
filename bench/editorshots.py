"""Screenshots of the form-based editor for docs/screenshots/ (``make screenshots``).

A copy of the repository's content, built with the editor, and decap-server on it;
Chromium signs in to the local backend and photographs, on a 1,280 × 900 office
screen, the form for a new model empty, then with the errors a bad id and empty
required fields give when it is saved. Nothing is saved.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, serve
from generator.build.localeditor import local_backend
from generator.cli import main as dvk

REPO = Path(__file__).resolve().parents[1]


def editor_repository(root: Path) -> Path:
    """``root`` as a committed copy of the repository's content, config and theme, its
    site built with the editor (npm's files linked in)."""
    for name in ("content", "schema", "theme"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site_config.yml", root / "site_config.yml")
    (root / "node_modules").symlink_to(REPO / "node_modules")
    (root / ".gitignore").write_text("site/\n.cache/\nnode_modules\n", encoding="utf-8")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                    ["commit", "-q", "-m", "Nội dung thử"]):
        subprocess.run(["git", "-c", "user.email=thu@example.org", "-c", "user.name=Thử",
                        *command], cwd=root, check=True, capture_output=True)
    if dvk.main(["build", "--config", str(root / "site_config.yml")]) != 0:
        raise SystemExit("the site with the editor did not build")
    return root


def shoot_editor(out: Path) -> list[Path]:
    """The new-model form, empty and with errors: ``quan-tri-bieu-mau-*.png`` in ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="dvk-editor-") as folder:
        root = editor_repository(Path(folder))
        with (local_backend(root, mode="fs"), serve(root / "site") as base,
              sync_playwright() as playwright):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=list(CHROMIUM_ARGS))
            try:
                tab = browser.new_page(viewport={"width": 1280, "height": 900},
                                       locale="vi-VN")
                tab.goto(f"{base}quan-tri/")
                tab.get_by_role("button", name="Đăng nhập").click()
                tab.wait_for_selector("text=Mô hình")
                tab.goto(f"{base}quan-tri/#/collections/mo-hinh/new")
                tab.wait_for_selector('input[id^="id-field-"]')
                made.append(out / "quan-tri-bieu-mau-trong-1280.png")
                tab.screenshot(path=str(made[-1]))
                tab.fill('input[id^="id-field-"]', "Ky-Tuc-Xa")
                tab.get_by_role("button", name="Công bố").click()
                tab.get_by_text("Công bố ngay").click()
                tab.locator(".Toastify__toast--error").wait_for()
                made.append(out / "quan-tri-bieu-mau-loi-1280.png")
                tab.screenshot(path=str(made[-1]))
            finally:
                browser.close()
    return made
