"""The form-based editor in Chromium, on decap-server (its real local backend), offline:
a model filled in and saved lands where `dvk check` expects it, passes the check and is
published with everything typed; a bad form saves nothing."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.editorshots import editor_repository
from bench.server import serve
from generator.build.localeditor import local_backend
from generator.cli.main import main
from generator.core.urls import EDITOR

pytestmark = pytest.mark.browser

NEW_ID = "thu-bep-an-ban-tru"
"""A synthetic model: typed into the form by the test, never published."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.email=thu@example.org", "-c", "user.name=Thử",
                           *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A committed copy of the repository's content, config and theme, its site built with
    the editor, and decap-server running on it."""
    root = editor_repository(tmp_path_factory.mktemp("editor"))
    assert (root / "site" / EDITOR / "index.html").is_file()
    with local_backend(root, mode="fs"):
        yield root


@contextlib.contextmanager
def signed_in(browser: Any, site: Path, requested: list[str]) -> Iterator[Any]:
    """The editor's page of ``site``, served here, signed in to the local backend; every
    URL it requests is added to ``requested``."""
    with serve(site) as base:
        context = browser.new_context()
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{base}{EDITOR}")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("text=Mô hình")
        page.base = base  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()


@pytest.fixture
def editor(repository: Path, browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """The editor's page, signed in to the local backend; and every URL it requested."""
    requested: list[str] = []
    try:
        with signed_in(browser, repository / "site", requested) as page:
            yield page, requested
    finally:
        for leftover in (repository / "content").rglob(f"{NEW_ID}*"):
            leftover.unlink()


def choose(page: Any, field: str, text: str) -> None:
    """Pick ``text`` in a select of the form (Decap's react-select)."""
    page.click(f'input[id^="{field}-field-"]')
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def publish(page: Any) -> None:
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()


def new_form(page: Any) -> None:
    page.goto(f"{page.base}{EDITOR}#/collections/mo-hinh/new")
    page.wait_for_selector('input[id^="id-field-"]')


def new_model(page: Any) -> None:
    """A new model's form with what `dvk check` requires filled in (one source, a year)."""
    new_form(page)
    page.fill('input[id^="id-field-"]', NEW_ID)
    page.fill('input[id^="title-field-"]', "Thử nghiệm: bếp ăn bán trú")
    choose(page, "province", "Lai Châu")
    choose(page, "field", "Kinh tế")
    choose(page, "kind", "Tập thể")
    page.fill('input[id^="started-field-"]', "2022")
    page.fill('textarea[id^="summary-field-"]', "Hội phụ nữ nấu bữa trưa cho học sinh bán trú.")
    page.get_by_role("button", name="Thêm nguồn").click()
    page.locator('input[id^="title-field-"]').last.fill("Bài thử về bếp ăn bán trú")


def test_a_model_typed_into_the_form_is_checked_and_published(
    editor: tuple[Any, list[str]], repository: Path,
) -> None:
    """Every field typed reaches content/mo-hinh/<province>/<id>.md, `dvk check` passes on it,
    and its built page shows them; the editor asked nothing of any other host."""
    page, requested = editor
    new_form(page)
    page.fill('input[id^="id-field-"]', NEW_ID)
    page.fill('input[id^="title-field-"]', "Thử nghiệm: bếp ăn bán trú")
    choose(page, "province", "Lai Châu")
    page.fill('input[id^="locality-field-"]', "xã Thử Nghiệm")
    choose(page, "field", "Kinh tế")
    choose(page, "kind", "Tập thể")
    page.fill('input[id^="unit-field-"]', "Hội Liên hiệp Phụ nữ xã Thử Nghiệm")
    page.fill('input[id^="started-field-"]', "2021")
    page.fill('textarea[id^="summary-field-"]', "Hội phụ nữ nấu bữa trưa cho học sinh bán trú.")
    page.get_by_role("button", name="Thêm kết quả").click()
    page.locator('input[id^="result-field-"]').fill("Ba mươi học sinh ăn trưa ở trường")
    page.get_by_role("button", name="Thêm nguồn").click()
    page.locator('input[id^="title-field-"]').last.fill("Bài thử về bếp ăn bán trú")
    page.locator('input[id^="publisher-field-"]').last.fill("Báo Thử")
    page.locator('input[id^="date-field-"]').last.fill("2024-07-24")
    page.locator('[data-slate-editor="true"]').click()
    page.keyboard.type("Mỗi tuần một thôn nấu bữa trưa cho các em.")
    publish(page)
    path = repository / "content" / "mo-hinh" / "lai-chau" / f"{NEW_ID}.md"
    deadline = time.monotonic() + 15
    while not path.exists():
        assert time.monotonic() < deadline, "the form saved no file"
        time.sleep(0.1)
    config = str(repository / "site_config.yml")
    assert main(["check", "--strict", str(path), "--config", config]) == 0
    assert main(["build", "--config", config]) == 0
    html = (repository / "site" / "mo-hinh" / NEW_ID / "index.html").read_text(encoding="utf-8")
    for typed in ("Thử nghiệm: bếp ăn bán trú", "Lai Châu", "xã Thử Nghiệm", "Kinh tế",
                  "Tập thể", "Hội Liên hiệp Phụ nữ xã Thử Nghiệm", "2021",
                  "Hội phụ nữ nấu bữa trưa cho học sinh bán trú.",
                  "Bài thử về bếp ăn bán trú", "Báo Thử", "24/07/2024",
                  "Ba mươi học sinh ăn trưa ở trường",
                  "Mỗi tuần một thôn nấu bữa trưa cho các em."):
        assert typed in html, typed
    outside = sorted({url for url in requested if not url.startswith("http://127.0.0.1")})
    assert outside == []


@pytest.mark.parametrize(("typed_id", "message"), [
    ("Ky-Tuc-Xa", "Mã (id) không khớp với mẫu: Chỉ chữ thường không dấu"),
    ("", "Mã (id) bắt buộc nhập"),
])
def test_a_bad_form_is_not_saved(editor: tuple[Any, list[str]], repository: Path,
                                 typed_id: str, message: str) -> None:
    """An id with capitals, or no id, stops the save with the field's message; nothing is
    written."""
    page, _ = editor
    before = _git(repository, "status", "--porcelain", "--", "content")
    new_form(page)
    if typed_id:
        page.fill('input[id^="id-field-"]', typed_id)
    page.fill('input[id^="title-field-"]', "Thử nghiệm: biểu mẫu sai")
    choose(page, "province", "Lai Châu")
    publish(page)
    toast = page.locator(".Toastify__toast--error")
    toast.wait_for(timeout=5000)
    assert "Hãy hoàn thành trước khi lưu" in toast.inner_text()
    error = page.locator("li", has_text=re.compile(re.escape(message), re.IGNORECASE))
    error.first.wait_for(timeout=5000)  # under the field, in the field's own words
    time.sleep(1)
    assert _git(repository, "status", "--porcelain", "--", "content") == before


def test_editing_a_model_changes_only_the_edited_field(
    editor: tuple[Any, list[str]], repository: Path,
) -> None:
    """An existing model's summary edited in the form: `git diff` shows the summary's
    lines and nothing else; the schema line, key order, quoting and body stay."""
    page, _ = editor
    path = repository / "content" / "mo-hinh" / "nghe-an" / "ky-tuc-xa-vung-bien-nghe-an.md"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{page.base}{EDITOR}#/collections/mo-hinh/entries/nghe-an/"
              "ky-tuc-xa-vung-bien-nghe-an")
    summary = page.locator('textarea[id^="summary-field-"]')
    summary.wait_for()
    summary.fill("Bộ đội Biên phòng Nghệ An đón học sinh vùng biên ở bán trú.")
    publish(page)
    deadline = time.monotonic() + 15
    while path.read_text(encoding="utf-8") == before:
        assert time.monotonic() < deadline, "the form saved nothing"
        time.sleep(0.1)
    try:
        diff = _git(repository, "diff", "-U0", "--", str(path))
        changed = [line for line in diff.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert changed[-1] == ("+summary: Bộ đội Biên phòng Nghệ An đón học sinh vùng biên "
                               "ở bán trú.")
        assert all(line.startswith(("-summary:", "-  ")) for line in changed[:-1]), changed
        after = path.read_text(encoding="utf-8")
        assert after.splitlines()[:2] == before.splitlines()[:2]  # the schema line
        assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the body
    finally:
        _git(repository, "checkout", "--", str(path))


def test_an_image_uploaded_with_the_form_goes_through_the_image_pipeline(
    editor: tuple[Any, list[str]], repository: Path, tmp_path: Path,
) -> None:
    """A photograph with camera metadata, uploaded in the form: stored beside the entry,
    named in its front matter with its description and credit, and published in several
    widths with no metadata left."""
    from PIL import Image

    photograph = tmp_path / "bep-an.jpg"
    exif = Image.Exif()
    exif[0x0110] = "May anh thu"  # the camera model
    Image.new("RGB", (1600, 1000), (46, 125, 50)).save(photograph, exif=exif.tobytes())
    page, _ = editor
    new_model(page)
    page.get_by_role("button", name="Thêm ảnh").click()
    page.get_by_role("button", name="Chọn một hình").click()
    page.set_input_files('input[type="file"]', str(photograph))
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    page.locator('input[id^="alt-field-"]').fill("Bếp ăn của hội phụ nữ")
    page.locator('input[id^="credit-field-"]').fill("Báo Thử")
    publish(page)
    folder = repository / "content" / "mo-hinh" / "lai-chau"
    path = folder / f"{NEW_ID}.md"
    deadline = time.monotonic() + 15
    while not path.exists():
        assert time.monotonic() < deadline, "the form saved no file"
        time.sleep(0.1)
    try:
        assert (folder / "bep-an.jpg").read_bytes() == photograph.read_bytes()
        text = path.read_text(encoding="utf-8")
        assert "images:\n  - src: bep-an.jpg\n    alt: Bếp ăn của hội phụ nữ\n" in text
        config = str(repository / "site_config.yml")
        assert main(["check", "--strict", str(path), "--config", config]) == 0
        assert main(["build", "--config", config]) == 0
        published = sorted((repository / "site" / "mo-hinh" / NEW_ID).glob("bep-an-*"))
        assert len({p.suffix for p in published}) == 2 and len(published) >= 4, published
        for rendition in published:
            data = rendition.read_bytes()
            assert b"Exif" not in data and b"May anh thu" not in data, rendition.name
    finally:
        (folder / "bep-an.jpg").unlink(missing_ok=True)


def test_a_press_record_picks_its_models_among_the_entries(
    editor: tuple[Any, list[str]], repository: Path,
) -> None:
    """A press record from the form: its model picked by title from the site's entries,
    written by id; an outlet left empty is `outlet: null`; `dvk check` passes on it."""
    page, _ = editor
    page.goto(f"{page.base}{EDITOR}#/collections/bao-chi/new")
    page.wait_for_selector('input[id^="title-field-"]')
    page.fill('input[id^="title-field-"]', "Thử nghiệm: bài về ký túc xá")
    page.locator('input[id^="date-field-"]').fill("2024-08-20")
    page.click('input[id^="models-field-"]')
    page.keyboard.type("Ký túc xá")
    page.get_by_text("Ký túc xá vùng biên", exact=True).last.click()
    publish(page)
    folder = repository / "content" / "bao-chi"
    path = folder / "2024-08-20-thu-nghiem-bai-ve-ky-tuc-xa.yml"
    deadline = time.monotonic() + 15
    while not path.exists():
        assert time.monotonic() < deadline, sorted(p.name for p in folder.iterdir())
        time.sleep(0.1)
    try:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schema/press.schema.json\n")
        assert "outlet: null\n" in text and "language: vi\n" in text
        assert "models:\n  - ky-tuc-xa-vung-bien-nghe-an\n" in text
        config = str(repository / "site_config.yml")
        assert main(["check", "--strict", str(path), "--config", config]) == 0
    finally:
        path.unlink(missing_ok=True)
