"""`dvk check` as editors and CI meet it: every rule's exact message, partial checks, formats.

tests/fixtures/broken/ holds one broken entry per rule (and a few valid ones
they clash with); tests/fixtures/broken/expected.yml holds, for each file, the
exact lines `dvk check <file>` prints. Rules a static file cannot show are
covered by the tests named in ``COVERED_ELSEWHERE``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Site
from generator.cli.report import github_line, text_line
from generator.core.errors import RULES, Problem, Severity

FIXTURES = REPO / "tests" / "fixtures" / "broken"
EXPECTED: dict[str, list[str]] = yaml.safe_load(
    (FIXTURES / "expected.yml").read_text(encoding="utf-8"))
BROKEN = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.md"))
COVERED_ELSEWHERE = {
    "image-too-large": "tests/test_images.py (a 15 MB fixture has no place in the repo)",
    "published-id-gone": "test_changed_since_guards_the_ids_published_at_the_base",
    "published-url-gone": "tests/test_citable.py (dvk check --published)",
    "invalid-value": "none: the catch-all for schema errors no other rule names",
    "symlink-outside": "test_links_out_of_the_content_folder_are_refused (git keeps links, but "
                       "a fixture's target outside the repository would differ per machine)",
    "file-too-large": "test_a_file_over_the_size_limit_is_refused_unread (tests/test_loader.py)",
    "unreadable-file": "test_a_file_that_cannot_be_read_is_a_located_problem "
                       "(tests/test_loader.py: a broken link cannot be copied as a fixture)",
    # Rules of the reported-figures file, not of an entry: the fixtures here are entries.
    "bad-number": "test_a_broken_reported_file_gives_every_problem_at_its_line (test_stats.py)",
    "unknown-measure": "test_a_broken_reported_file_gives_every_problem_at_its_line",
    "duplicate-figure": "test_a_broken_reported_file_gives_every_problem_at_its_line",
    # Rules of press records, not of an entry.
    **dict.fromkeys(("missing-model", "bad-language", "unknown-model", "unknown-contest",
                     "duplicate-article", "future-date"),
                    "test_every_press_record_problem_is_located (tests/test_press.py)"),
}
RESTRICTED_FIELD = {"slug": "nong-thon-moi-nghe-an", "label": "Nông thôn mới",
                    "provinces": ["nghe-an"]}


@pytest.fixture
def broken(site: Site) -> Site:
    """A site whose entries are the broken fixtures."""
    site.write_config(fields=[
        {"slug": "kinh-te", "label": "Kinh tế"},
        {"slug": "van-hoa-xa-hoi", "label": "Văn hóa - xã hội"},
        {"slug": "quoc-phong-an-ninh", "label": "Quốc phòng - an ninh"},
        {"slug": "xay-dung-he-thong-chinh-tri", "label": "Xây dựng hệ thống chính trị"},
        RESTRICTED_FIELD,
    ])
    shutil.copytree(FIXTURES / "mo-hinh", site.content / "mo-hinh")
    return site


def _lines(err: str) -> list[str]:
    """The problem lines of a text report (not the counts)."""
    return [line for line in err.splitlines() if line.endswith(("[lỗi]", "[cảnh báo]"))]


def test_the_expectations_name_every_fixture() -> None:
    """expected.yml and the fixture folder list the same files."""
    assert sorted(EXPECTED) == BROKEN


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_entry_gives_its_exact_messages(
    broken: Site, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dvk check <file>` prints exactly the expected located lines, and exits 1 on an error."""
    code = broken.run("check", str(broken.content / name))
    out, err = capsys.readouterr()
    assert _lines(err) == EXPECTED[name]
    has_error = any(line.endswith("[lỗi]") for line in EXPECTED[name])
    assert code == (1 if has_error else 0)
    if not has_error:
        assert "Đã kiểm tra 1 mô hình: không có lỗi" in out


def test_the_fixtures_cover_every_rule(broken: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Each rule dvk knows is shown by a fixture, or by a test named in COVERED_ELSEWHERE."""
    broken.run("check", "--format", "json", str(broken.content / "mo-hinh"))
    shown = {p["rule"] for p in json.loads(capsys.readouterr().out)["problems"]}
    assert "" not in shown, "every problem names its rule"
    assert shown <= RULES.keys()
    assert shown | COVERED_ELSEWHERE.keys() == RULES.keys()
    assert not shown & COVERED_ELSEWHERE.keys()


def test_every_rule_the_code_names_is_registered() -> None:
    """A rule name typed in the generator but missing from RULES would escape the coverage test."""
    named: set[str] = set()
    for source in (REPO / "generator").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        named |= set(re.findall(r'rule="([a-z0-9-]+)"', text))  # Problem(..., rule="x")
        named |= set(re.findall(r'(?:return \(|ImageProblem\()\s*"([a-z0-9]+(?:-[a-z0-9]+)+)",',
                                text))  # (rule, vi, en) tuples
    assert len(named) > 30
    assert named <= RULES.keys()


def _json(site: Site, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    site.run("check", "--format", "json", *args)
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_a_full_check_agrees_with_the_file_by_file_checks(
    broken: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full check finds the same problems, but sees each cross-entry one from one side only.

    A duplicate id is reported on the later file by a full check, and on the
    checked file (naming the other) by a partial one.
    """
    whole = _json(broken, capsys)
    partial = _json(broken, capsys, str(broken.content / "mo-hinh"))
    assert whole["errors"] > 0

    def located(document: dict[str, Any]) -> set[tuple[str, int, str]]:
        return {(p["path"], p["line"], p["rule"]) for p in document["problems"]}

    cross = {"duplicate-id", "redirect-claimed", "redirect-is-id", "similar-title"}
    assert located(whole) <= located(partial)
    assert {p for p in located(partial) if p[2] not in cross} <= located(whole)


def test_github_format_is_annotations(broken: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """--format github prints one workflow command per problem, in GitHub's syntax."""
    code = broken.run("check", "--format", "github", str(broken.content / "mo-hinh/nghe-an"))
    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    annotation = re.compile(
        r"^::(error|warning) file=[^,:]+(,line=[1-9]\d*)?,title=[^:,]+::[^\r\n]+$")
    problems = [line for line in lines if line.startswith("::")]
    assert problems, lines
    assert all(annotation.match(line) for line in problems), problems
    assert "::error file=content/mo-hinh/nghe-an/bad-kind.md,line=6,title=dvk bad-kind%3A kind::" \
        "loại mô hình phải là tap-the hoặc ca-nhan" in "\n".join(problems)
    assert any(line.startswith("::warning file=content/mo-hinh/nghe-an/long-summary.md,line=7")
               for line in problems)
    assert lines[-1].startswith(f"{sum(p.startswith('::error') for p in problems)} lỗi")


def test_github_annotations_escape_what_would_break_them() -> None:
    """%, newlines, colons and commas are escaped as GitHub's toolkit escapes them."""
    problem = Problem("a,b:c.md", 3, "title", "100% sai\ndòng hai", "wrong", rule="bad-id")
    assert github_line(problem) == (
        "::error file=a%2Cb%3Ac.md,line=3,title=dvk bad-id%3A title::"
        "100%25 sai%0Adòng hai (EN: wrong)")
    whole_file = Problem("a.md", 0, "-", "v", "e", Severity.WARNING, rule="misplaced-file")
    assert github_line(whole_file).startswith("::warning file=a.md,title=")


def test_json_format(broken: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json is one document: counts, and each problem with its rule, in both languages."""
    document = _json(broken, capsys, str(broken.content / "mo-hinh/nghe-an/bad-year.md"))
    assert document == {
        "checked": 1, "errors": 1, "warnings": 0,
        "problems": [{
            "path": "content/mo-hinh/nghe-an/bad-year.md", "line": 8, "field": "started",
            "rule": "bad-year", "severity": "error",
            "message": "năm 1900 nằm ngoài khoảng 1945-2100; kiểm tra lại",
            "message_en": "year 1900 is outside 1945-2100; check it",
        }],
    }


def test_text_is_coloured_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour for terminals and FORCE_COLOR; never with NO_COLOR, never in a pipe."""
    from generator.cli.report import use_colour

    problem = Problem("a.md", 3, "kind", "sai", "wrong", rule="bad-kind")
    assert text_line(problem) == "a.md:3: kind: sai (EN: wrong) [lỗi]"
    coloured = text_line(problem, colour=True)
    assert "\033[31m" in coloured and re.sub(r"\033\[\d+m", "", coloured) == text_line(problem)

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_colour(Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_colour(object())  # type: ignore[arg-type]


def test_a_missing_path_is_a_usage_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in a path must not pass as "nothing to check"."""
    assert site.run("check", str(site.content / "mo-hinh/khong-co.md")) == 2
    assert "không có tệp hay thư mục này (no such file or folder)" in capsys.readouterr().err


def test_a_partial_check_sees_other_files_edited_since_the_last_one(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cached heads of the catalogue follow edits: a new duplicate of an edited id is caught."""
    site.entry("mot", title="Mô hình một")
    other = site.entry("hai", title="Mô hình hai")
    assert site.run("check", str(other)) == 0
    other.write_text(other.read_text(encoding="utf-8").replace("id: hai", "id: ba"), "utf-8")
    third = site.entry("ba", title="Mô hình ba", folder="ha-noi", province="ha-noi")
    capsys.readouterr()
    assert site.run("check", str(third)) == 1
    assert ('content/mo-hinh/ha-noi/ba.md:2: id: mã "ba" trùng với '
            "content/mo-hinh/nghe-an/hai.md:2") in capsys.readouterr().err


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(site: Site) -> Site:
    """A site in a git repository with two committed entries, one of them broken."""
    site.entry("mot", title="Mô hình một")
    site.entry("cu-hong", title="Mô hình cũ hỏng", kind="tap the")  # committed broken
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(site.root, "-c", "user.name=t", "-c", "user.email=t@example.org",
         "commit", "-q", "-m", "base")
    return site


def test_changed_since_checks_only_what_changed(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Untouched files are not checked (the committed broken one passes); new ones are."""
    assert repo.run("check", "--changed-since", "HEAD") == 0
    assert "Đã kiểm tra 0 mô hình" in capsys.readouterr().out
    repo.entry("moi", title="Mô hình mới", province="Atlantis", folder="nghe-an")
    assert repo.run("check", "--changed-since", "HEAD") == 1
    err = capsys.readouterr().err
    assert "content/mo-hinh/nghe-an/moi.md:4: province:" in err
    assert "cu-hong" not in err
    assert repo.run("check") == 1  # the full check still sees the old broken file
    assert "content/mo-hinh/nghe-an/cu-hong.md:6: kind:" in capsys.readouterr().err


def test_changed_since_guards_the_ids_published_at_the_base(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed id or a deleted file kills a published URL, unless an entry redirects it."""
    path = repo.content / "mo-hinh/nghe-an/mot.md"
    original = path.read_text(encoding="utf-8")
    path.rename(path.with_name("mot-moi.md"))
    moved = path.with_name("mot-moi.md")
    moved.write_text(original.replace("id: mot", "id: mot-moi"), encoding="utf-8")
    assert repo.run("check", "--changed-since", "HEAD") == 1
    err = capsys.readouterr().err
    assert ("content/mo-hinh/nghe-an/mot.md: id: tệp đã xóa, nên trang đã công bố "
            "/mo-hinh/mot/ sẽ mất;") in err
    assert "`redirect_from: [mot]`" in err

    moved.write_text(original.replace("id: mot", "id: mot-moi\nredirect_from: [mot]"), "utf-8")
    assert repo.run("check", "--changed-since", "HEAD") == 0
    capsys.readouterr()

    moved.rename(path)
    path.write_text(original.replace("id: mot", "id: mot-khac"), encoding="utf-8")
    assert repo.run("check", "--changed-since", "HEAD") == 1
    assert ('content/mo-hinh/nghe-an/mot.md:2: id: mã đã đổi từ "mot", nên trang đã công bố '
            "/mo-hinh/mot/ sẽ mất;") in capsys.readouterr().err


def test_changed_since_an_unknown_revision_is_a_usage_error(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped base revision exits 2 with git's reason."""
    assert repo.run("check", "--changed-since", "origin/khong-co") == 2
    assert ("dvk: --changed-since origin/khong-co: git không biết phiên bản này"
            in capsys.readouterr().err)


def test_an_image_change_checks_the_entry_that_shows_it(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replacing a picture with a broken file is caught at the entry that names it."""
    folder = repo.content / "mo-hinh/nghe-an"
    (folder / "anh.jpg").write_text("không phải ảnh", encoding="utf-8")
    repo.entry("co-anh", title="Mô hình có ảnh",
               images=[{"src": "anh.jpg", "alt": "Ảnh", "credit": "Báo thử"}])
    _git(repo.root, "add", ".")
    _git(repo.root, "-c", "user.name=t", "-c", "user.email=t@example.org",
         "commit", "-q", "-m", "anh")
    assert repo.run("check", "--changed-since", "HEAD") == 0
    (folder / "anh.jpg").write_text("vẫn không phải ảnh", encoding="utf-8")
    assert repo.run("check", "--changed-since", "HEAD") == 1
    assert "content/mo-hinh/nghe-an/co-anh.md:" in capsys.readouterr().err


def test_a_new_entry_like_an_existing_one_is_flagged_by_the_full_check(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not committed yet, same province, same title but for diacritics: a warning."""
    (repo.content / "mo-hinh/nghe-an/cu-hong.md").unlink()
    repo.entry("mot-lan-nua", title="Mo hinh mot")
    assert repo.run("check") == 0
    err = capsys.readouterr().err
    assert ('content/mo-hinh/nghe-an/mot-lan-nua.md:3: title: tên và tỉnh/thành giống mô hình '
            'đã có "Mô hình một" (content/mo-hinh/nghe-an/mot.md)') in err


def test_a_reviewed_warning_can_be_turned_off_in_the_file(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dvk-ignore: rule` silences a confirmed false warning of that file; never an error."""
    body = "## Bối cảnh\n\nĐường dây nóng của hội: 0912 345 678.\n"
    path = site.entry("duong-day-nong", body=body)
    assert site.run("check", "--strict", str(path)) == 1
    assert "personal-phone" not in capsys.readouterr().err  # the text format names no rule
    path.write_text(path.read_text(encoding="utf-8")
                    + "<!-- dvk-ignore: personal-phone -->\n", encoding="utf-8")
    assert site.run("check", "--strict", str(path)) == 0
    capsys.readouterr()

    broken = site.entry("sai-loai", kind="tap the")
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "kind: tap the", "kind: tap the  # dvk-ignore: bad-kind"), encoding="utf-8")
    assert site.run("check", str(broken)) == 1
    assert "kind: loại mô hình phải là" in capsys.readouterr().err


def test_links_out_of_the_content_folder_are_refused(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symbolic link could publish any file of the building machine: entry, page or image."""
    secret = tmp_path / "bi-mat.md"
    secret.write_text("---\nid: bi-mat\n---\nkhóa bí mật\n", encoding="utf-8")
    entry = site.content / "mo-hinh/nghe-an/bi-mat.md"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.symlink_to(secret)
    (site.content / "trang-bi-mat.md").symlink_to(secret)
    picture = site.content / "mo-hinh/nghe-an/anh.jpg"
    picture.symlink_to(tmp_path / "anh-ngoai.jpg")
    site.entry("co-anh", images=[{"src": "anh.jpg", "alt": "Ảnh", "credit": "Báo thử"}])
    assert site.run("check") == 1
    err = capsys.readouterr().err
    link = "là một liên kết (symlink) tới ngoài thư mục nội dung; thay bằng chính tệp"
    assert f"content/mo-hinh/nghe-an/bi-mat.md: -: tệp {link}" in err
    assert f"content/trang-bi-mat.md: -: tệp {link}" in err
    assert 'content/mo-hinh/nghe-an/co-anh.md:13: images[0].src: ảnh "anh.jpg" nằm ngoài' in err
    assert site.run("build") == 1
    assert not site.out.exists()


def test_changed_since_compares_with_where_the_branch_left_the_base(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A branch behind main does not see main's newer entries as deleted by it."""
    who = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    _git(repo.root, "switch", "-q", "-c", "nhanh")
    _git(repo.root, "switch", "-q", "main")
    repo.entry("moi-tren-main", title="Mô hình mới trên main")
    _git(repo.root, "add", ".")
    _git(repo.root, *who, "commit", "-q", "-m", "main moves on")
    _git(repo.root, "switch", "-q", "nhanh")
    assert repo.run("check", "--changed-since", "main") == 0
    assert "Đã kiểm tra 0 mô hình" in capsys.readouterr().out


def test_a_deleted_or_nested_image_checks_the_entries_that_show_it(
    repo: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """The entry naming a deleted picture, or one in a subfolder, is checked; junk is skipped."""
    from PIL import Image

    folder = repo.content / "mo-hinh/nghe-an"
    (folder / "anh").mkdir()
    Image.new("RGB", (640, 400), (200, 30, 30)).save(folder / "anh/gach.jpg")
    repo.entry("co-anh", title="Mô hình có ảnh",
               images=[{"src": "anh/gach.jpg", "alt": "Ảnh", "credit": "Báo thử"}])
    (folder / "hong.md").symlink_to(folder / "khong-co.md")  # a dangling link beside it
    who = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    _git(repo.root, "add", ".")
    _git(repo.root, *who, "commit", "-q", "-m", "anh")
    Image.new("RGB", (640, 400), (30, 30, 200)).save(folder / "anh/gach.jpg")
    assert repo.run("check", "--changed-since", "HEAD") == 0
    assert "Đã kiểm tra 1 mô hình" in capsys.readouterr().out
    (folder / "anh/gach.jpg").unlink()
    assert repo.run("check", "--changed-since", "HEAD") == 1
    assert 'content/mo-hinh/nghe-an/co-anh.md:13: images[0].src: không tìm thấy tệp ảnh' \
        in capsys.readouterr().err


def test_the_quick_settings_equal_mkdocs_own(site: Site) -> None:
    """A one-file check reads the config without MkDocs: it must agree with MkDocs' reading."""
    from generator.render.config import load_site_config, read_settings, settings_from

    site.write_config(page_size=7, author="Ban biên tập thử")
    config = load_site_config(site.config)
    assert read_settings(site.config) == settings_from(config.plugins["dvk"].config, config)


def test_strict_mode_keeps_each_warnings_rule_and_the_count(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict makes a warning an error that still names its rule, with or without paths.

    The JSON document and the GitHub annotations both carry the rule, and the
    JSON the number of entries checked, whichever way the check was asked for.
    """
    long = site.entry("tom-tat-dai", title="Bếp ăn bán trú",
                      summary="Một câu tóm tắt rất dài. " * 20)
    site.entry("tom-tat-ngan", title="Ký túc xá vùng biên")
    for paths, checked in (((), 2), ((str(long),), 1)):
        assert site.run("check", "--strict", "--format", "json", *paths) == 1
        document = json.loads(capsys.readouterr().out)
        assert [(p["rule"], p["severity"]) for p in document["problems"]] == [
            ("long-summary", "error")]
        assert (document["checked"], document["errors"], document["warnings"]) == (checked, 1, 0)

        assert site.run("check", "--strict", "--format", "github", *paths) == 1
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("::error file=")
        assert ",title=dvk long-summary%3A summary::" in lines[0]
        assert lines[-1] == "1 lỗi, 0 cảnh báo (1 errors, 0 warnings)"

    assert site.run("check", "--format", "json") == 0  # without --strict, only a warning
    document = json.loads(capsys.readouterr().out)
    assert [(p["rule"], p["severity"]) for p in document["problems"]] == [
        ("long-summary", "warning")]
