"""The loader and checker: every problem located at path:line, in Vietnamese then English."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from generator.catalogue.catalogue import load_catalogue
from generator.check.file import check_file
from generator.core.errors import ContentErrors, Problem
from generator.core.provinces import default_registry
from generator.core.settings import Settings
from generator.load import yamlguard
from generator.load.frontmatter import MAX_FILE_BYTES
from generator.load.yamlguard import MAX_DEPTH

REGISTRY = default_registry()

GOOD = """\
---
id: ky-tuc-xa-thu
title: Ký túc xá thử
province: nghe-an
field: quoc-phong-an-ninh
kind: tap-the
summary: Tóm tắt.
sources:
  - title: Bài nguồn
    date: 2024-07-24
---
Nội dung.
"""


def settings_for(root: Path) -> Settings:
    return Settings(content_dir=root / "content", root=root)


def write(root: Path, text: str, name: str = "ky-tuc-xa-thu.md", folder: str = "nghe-an") -> Path:
    path = root / "content" / "mo-hinh" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(root: Path, text: str) -> list[str]:
    _, problems = check_file(write(root, text), settings_for(root), REGISTRY)
    return [p.format() for p in problems]


F = "content/mo-hinh/nghe-an/ky-tuc-xa-thu.md"


def test_a_good_entry_loads_normalised(tmp_path: Path) -> None:
    """A valid file gives an Entry with the province resolved and the body kept."""
    entry, problems = check_file(write(tmp_path, GOOD), settings_for(tmp_path), REGISTRY)
    assert problems == []
    assert entry is not None
    assert entry.province.full_name == "Tỉnh Nghệ An"
    assert entry.old_province is None
    assert entry.field.label == "Quốc phòng - an ninh"
    assert entry.url == "mo-hinh/ky-tuc-xa-thu/"
    assert entry.year == 2024
    assert entry.body == "Nội dung.\n"


def test_an_old_province_name_maps_to_its_new_unit_and_is_kept(tmp_path: Path) -> None:
    """An entry filed under "Hà Nam" lands in Ninh Bình and remembers Hà Nam."""
    entry, _ = check_file(
        write(tmp_path, GOOD.replace("province: nghe-an", "province: ha nam")),
        settings_for(tmp_path), REGISTRY,
    )
    assert entry is not None
    assert entry.province.slug == "ninh-binh"
    assert entry.old_province is not None and entry.old_province.name == "Hà Nam"
    assert entry.province_label == "Ninh Bình · Hà Nam (cũ)"


def test_yaml_that_does_not_parse_is_located_at_its_line(tmp_path: Path) -> None:
    """A YAML syntax error names the file line where parsing failed, and where it began."""
    text = GOOD.replace("summary: Tóm tắt.", "summary: [Tóm tắt.")
    assert messages(tmp_path, text) == [
        f"{F}:8: -: YAML không đọc được (did not find expected ',' or ']', bắt đầu từ dòng 7); "
        "kiểm tra dấu hai chấm, ngoặc, thụt lề, và đặt văn bản có dấu hai chấm trong ngoặc kép "
        "(EN: YAML does not parse (did not find expected ',' or ']', starting on line 7); "
        "check colons, brackets and indentation, and quote text that contains a colon)"
    ]


def test_an_unquoted_colon_is_located_on_its_own_line(tmp_path: Path) -> None:
    """The commonest editor mistake, a colon inside a title, points at that title."""
    text = GOOD.replace("title: Ký túc xá thử", "title: Ký túc: xá thử")
    assert messages(tmp_path, text) == [
        f"{F}:3: -: YAML không đọc được (mapping values are not allowed in this context); "
        "kiểm tra dấu hai chấm, ngoặc, thụt lề, và đặt văn bản có dấu hai chấm trong ngoặc kép "
        "(EN: YAML does not parse (mapping values are not allowed in this context); check "
        "colons, brackets and indentation, and quote text that contains a colon)"
    ]


def test_a_file_without_front_matter_is_refused(tmp_path: Path) -> None:
    """No opening --- line: the message says how the file must start."""
    assert messages(tmp_path, "Chỉ có nội dung.\n") == [
        f"{F}:1: -: tệp phải mở đầu bằng dòng --- rồi đến phần khai báo YAML (EN: the file "
        "must start with a --- line followed by YAML front matter)"
    ]


def test_unclosed_front_matter_is_refused(tmp_path: Path) -> None:
    """An opening --- with no closing one is reported, not read as all-YAML."""
    text = GOOD.replace("---\nNội dung.", "Nội dung.")
    assert messages(tmp_path, text) == [
        f"{F}:1: -: thiếu dòng --- đóng phần khai báo YAML; thêm một dòng --- trước phần nội "
        "dung (EN: the closing --- line of the front matter is missing; add one before the body)"
    ]


def test_a_missing_required_field_is_named_with_the_fix(tmp_path: Path) -> None:
    """A missing key points at the front matter and says which line to add."""
    text = GOOD.replace("summary: Tóm tắt.\n", "")
    assert messages(tmp_path, text) == [
        f"{F}:1: summary: thiếu trường bắt buộc; hãy thêm dòng `summary: …` (EN: required "
        "field is missing; add a `summary: …` line)"
    ]


def test_an_unknown_field_suggests_the_nearest_known_one(tmp_path: Path) -> None:
    """A misspelt key is located at its line, with the key it was probably meant to be."""
    text = GOOD.replace("kind: tap-the\n", "kind: tap-the\nlocalty: xã Tam Quang\n")
    assert messages(tmp_path, text) == [
        f"{F}:7: localty: trường không được hỗ trợ; có phải `locality`? (EN: unknown field; "
        "did you mean `locality`?)"
    ]


def test_an_unknown_province_suggests_the_nearest_name(tmp_path: Path) -> None:
    """An unknown province is located at its line and suggests the closest unit."""
    text = GOOD.replace("province: nghe-an", "province: Nghe Anh")
    assert messages(tmp_path, text) == [
        f"{F}:4: province: tỉnh/thành không xác định \"Nghe Anh\"; có phải \"Nghệ An\"? Dùng "
        "mã một trong 34 đơn vị (ví dụ nghe-an) hoặc tên một tỉnh cũ (EN: unknown province "
        "\"Nghe Anh\"; did you mean \"Nghệ An\"? Use the slug of one of the 34 units (e.g. "
        "nghe-an) or an old province name)"
    ]


def test_an_unknown_field_slug_lists_the_taxonomy(tmp_path: Path) -> None:
    """An unknown lĩnh vực names every slug the taxonomy allows."""
    text = GOOD.replace("field: quoc-phong-an-ninh", "field: an-ninh")
    slugs = "kinh-te, van-hoa-xa-hoi, quoc-phong-an-ninh, xay-dung-he-thong-chinh-tri"
    assert messages(tmp_path, text) == [
        f"{F}:5: field: lĩnh vực không xác định \"an-ninh\"; dùng một trong: {slugs} (EN: "
        f"unknown field \"an-ninh\"; use one of: {slugs})"
    ]


def test_a_field_label_is_accepted_for_its_slug(tmp_path: Path) -> None:
    """Editors may type the Vietnamese label instead of the slug."""
    text = GOOD.replace("field: quoc-phong-an-ninh", "field: Quốc phòng - an ninh")
    entry, problems = check_file(write(tmp_path, text), settings_for(tmp_path), REGISTRY)
    assert problems == [] and entry is not None
    assert entry.field.slug == "quoc-phong-an-ninh"


def test_a_malformed_date_shows_the_expected_form(tmp_path: Path) -> None:
    """A Vietnamese-style date is refused with the ISO form to use instead."""
    text = GOOD.replace("kind: tap-the\n", "kind: tap-the\nstarted: 19/8/2024\n")
    assert messages(tmp_path, text) == [
        f"{F}:7: started: ngày không hợp lệ '19/8/2024'; hãy viết dạng YYYY-MM-DD, ví dụ "
        "2024-08-19 (EN: malformed date '19/8/2024'; write it as YYYY-MM-DD, e.g. 2024-08-19)"
    ]


def test_a_malformed_source_date_is_located_inside_the_list(tmp_path: Path) -> None:
    """Nested problems carry the dotted field and the line of the nested value."""
    text = GOOD.replace("date: 2024-07-24", "date: 2024-13-01")
    assert messages(tmp_path, text) == [
        f"{F}:10: sources[0].date: ngày không hợp lệ '2024-13-01'; hãy viết dạng YYYY-MM-DD, "
        "ví dụ 2024-08-19 (EN: malformed date '2024-13-01'; write it as YYYY-MM-DD, "
        "e.g. 2024-08-19)"
    ]


def test_a_missing_source_is_an_error(tmp_path: Path) -> None:
    """Every entry must cite at least one source."""
    text = GOOD.replace("sources:\n  - title: Bài nguồn\n    date: 2024-07-24\n", "")
    assert messages(tmp_path, text) == [
        f"{F}:1: sources: thiếu nguồn: cần ít nhất một nguồn (sources) ghi tên bài, nơi đăng và "
        "ngày đăng (EN: no source: at least one source (sources) with title, publisher and "
        "date is required)"
    ]


def test_an_empty_source_list_is_an_error(tmp_path: Path) -> None:
    """`sources: []` is no better than no sources."""
    text = GOOD.replace("sources:\n  - title: Bài nguồn\n    date: 2024-07-24\n", "sources: []\n")
    assert messages(tmp_path, text) == [
        f"{F}:8: sources: danh sách nguồn đang trống; thêm ít nhất một nguồn có title, "
        "publisher, date (EN: the source list is empty; add at least one source with title, "
        "publisher, date)"
    ]


def test_an_unknown_kind_names_the_two_kinds(tmp_path: Path) -> None:
    """kind is tap-the or ca-nhan."""
    text = GOOD.replace("kind: tap-the", "kind: tập thể")
    assert messages(tmp_path, text) == [
        f"{F}:6: kind: loại mô hình phải là tap-the hoặc ca-nhan (tập thể / cá nhân) (EN: kind "
        "must be tap-the or ca-nhan (collective / individual))"
    ]


def test_a_bad_id_shows_the_form_of_a_good_one(tmp_path: Path) -> None:
    """Ids are URL slugs: lowercase ASCII, digits and hyphens."""
    text = GOOD.replace("id: ky-tuc-xa-thu", "id: Ký túc xá")
    assert messages(tmp_path, text) == [
        f"{F}:2: id: mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, ví dụ "
        "ky-tuc-xa-vung-bien-nghe-an (EN: ids use lowercase ASCII letters, digits and hyphens, "
        "e.g. ky-tuc-xa-vung-bien-nghe-an)"
    ]


def test_a_key_given_twice_is_reported(tmp_path: Path) -> None:
    """YAML would silently keep the second title; the loader refuses the ambiguity."""
    text = GOOD.replace("kind: tap-the\n", "kind: tap-the\ntitle: Tên khác\n")
    assert messages(tmp_path, text) == [
        f"{F}:7: title: trường bị khai báo hai lần (lần đầu ở dòng 3); xóa một dòng "
        "(EN: field given twice (first on line 3); remove one)"
    ]


def test_every_problem_in_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    """Three faults in one file give three located problems, in line order."""
    text = (
        GOOD.replace("province: nghe-an", "province: Atlantis")
        .replace("field: quoc-phong-an-ninh", "field: khong-co")
        .replace("summary: Tóm tắt.\n", "")
    )
    found = [(p.split(": ")[0], p.split(": ")[1]) for p in messages(tmp_path, text)]
    assert found == [(f"{F}:1", "summary"), (f"{F}:4", "province"), (f"{F}:5", "field")]


def test_a_missing_image_is_located_at_its_src(tmp_path: Path) -> None:
    """An image that is not next to the entry is an error at the line of its src."""
    text = GOOD.replace(
        "---\nNội dung.",
        "images:\n  - {src: anh.jpg, alt: Mô tả, credit: Tác giả}\n---\nNội dung.",
    )
    assert messages(tmp_path, text) == [
        f"{F}:12: images[0].src: không tìm thấy tệp ảnh \"anh.jpg\" cạnh tệp mô hình; kiểm tra "
        "tên tệp (phân biệt chữ hoa, chữ thường) (EN: image file \"anh.jpg\" not found next to "
        "the entry; check the name (it is case-sensitive))"
    ]


def test_an_image_without_alt_text_is_an_error(tmp_path: Path) -> None:
    """Alt text and credit are required for every image."""
    (tmp_path / "content/mo-hinh/nghe-an").mkdir(parents=True)
    (tmp_path / "content/mo-hinh/nghe-an/anh.jpg").write_bytes(b"x")
    text = GOOD.replace(
        "---\nNội dung.", "images:\n  - {src: anh.jpg, credit: Tác giả}\n---\nNội dung."
    )
    assert messages(tmp_path, text) == [
        f"{F}:12: images[0].alt: ảnh thiếu mô tả; thêm dòng `alt: …` vào mục ảnh này, tả những "
        "gì ảnh cho thấy, cho người không xem được ảnh (EN: the image has no description; add "
        "an `alt: …` line to this image saying what it shows, for readers who cannot see it)"
    ]


def test_duplicate_ids_across_files_name_both_files(tmp_path: Path) -> None:
    """The later file (in path order) is the error, and the message points at the other."""
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("province: nghe-an", "province: ha-noi"), folder="ha-noi")
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(settings_for(tmp_path))
    assert [p.format() for p in caught.value.problems] == [
        "content/mo-hinh/nghe-an/ky-tuc-xa-thu.md:2: id: mã \"ky-tuc-xa-thu\" trùng với "
        "content/mo-hinh/ha-noi/ky-tuc-xa-thu.md:2; mỗi mô hình cần một mã riêng: đổi mã của "
        "mô hình chưa được đăng (EN: id \"ky-tuc-xa-thu\" duplicates "
        "content/mo-hinh/ha-noi/ky-tuc-xa-thu.md:2; every model needs its own id: change the "
        "id of the one not yet published)"
    ]


def test_a_misplaced_file_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """A file outside mo-hinh/<province>/<id>.md still builds, with a warning."""
    write(tmp_path, GOOD, name="khac.md", folder="ha-noi")
    catalogue = load_catalogue(settings_for(tmp_path))
    assert len(catalogue.entries) == 1
    assert [p.format() for p in catalogue.warnings] == [
        "content/mo-hinh/ha-noi/khac.md: -: nên đặt tệp ở content/mo-hinh/nghe-an/ky-tuc-xa-thu.md "
        "(thư mục theo tỉnh/thành, tên tệp theo mã) để dễ tìm; hoặc sửa `id` nếu tên tệp mới "
        "đúng (EN: the file belongs at content/mo-hinh/nghe-an/ky-tuc-xa-thu.md (a folder per "
        "province, named after the id), so it is easy to find; or fix the `id` if the file's "
        "name is the right one)"
    ]


def test_problem_format_is_compiler_style() -> None:
    """path:line: field: message, so editors and CI can jump to the line."""
    problem = Problem("a.md", 3, "title", "sai", "wrong")
    assert problem.format() == "a.md:3: title: sai (EN: wrong)"


def _rules(root: Path, text: str) -> list[tuple[int, str]]:
    _, problems = check_file(write(root, text), settings_for(root), REGISTRY)
    return [(p.line, p.rule) for p in problems]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A file over MAX_FILE_BYTES is one whole-file problem naming its size and the limit."""
    path = write(tmp_path, GOOD + "a" * (MAX_FILE_BYTES + 20 * 1024))
    entry, problems = check_file(path, settings_for(tmp_path), REGISTRY)
    assert entry is None
    assert [p.format() for p in problems] == [
        f"{F}: -: tệp nặng 276 KB, quá giới hạn 256 KB của một tệp mô hình (thường chỉ vài KB); "
        "hãy kiểm tra đây đúng là tệp mô hình, và để ảnh, tài liệu thành tệp riêng (EN: the "
        "file is 276 KB, over the 256 KB limit of an entry file (entries are a few KB); check "
        "that it is an entry, and keep images and documents in files of their own)"
    ]
    assert problems[0].rule == "file-too-large"


def test_a_file_that_cannot_be_read_is_a_located_problem(tmp_path: Path) -> None:
    """A broken link or a folder named like an entry is a problem of its own, not a traceback."""
    folder = tmp_path / "content" / "mo-hinh" / "nghe-an"
    folder.mkdir(parents=True)
    (folder / "lien-ket-hong.md").symlink_to(tmp_path / "khong-co.md")
    (folder / "thu-muc.md").mkdir()
    for name in ("lien-ket-hong.md", "thu-muc.md"):
        entry, problems = check_file(folder / name, settings_for(tmp_path), REGISTRY)
        assert entry is None
        assert [(p.path, p.line, p.rule) for p in problems] == [
            (f"content/mo-hinh/nghe-an/{name}", 0, "unreadable-file")]
        assert "không đọc được tệp" in problems[0].vi


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "---\n" + "\n".join(lines) + "\nsummary: *i\n---\n"


def test_a_billion_laughs_is_refused_at_its_first_alias_before_it_expands(
    tmp_path: Path,
) -> None:
    """Nine levels of nine aliases (9^9 items once walked) stop at the first alias, at once."""
    started = time.perf_counter()
    problems = _rules(tmp_path, _billion_laughs())
    elapsed = time.perf_counter() - started
    assert problems == [(3, "yaml-alias")]
    assert elapsed < 1.0  # about a millisecond; expanding it would take minutes and gigabytes


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_deep_nesting_is_a_located_problem_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    """Thousands of `[` stop at the level over the limit, whichever parser PyYAML was built with.

    libyaml recurses in C on them, and since 0.2.5 refuses 1,000 levels by
    itself (reading the `[`s ahead of the first event); the pure-Python parser
    does not: both report yaml-too-deep at the line.
    """
    if parser == "python":
        class PythonLoader(yaml.SafeLoader):
            yaml_implicit_resolvers = yamlguard.SafeLoader.yaml_implicit_resolvers

        monkeypatch.setattr(yamlguard, "SafeLoader", PythonLoader)
    else:
        assert yaml.__with_libyaml__, "PyYAML is built with libyaml here (as PyPI's wheels are)"
    deep = GOOD.replace("summary: Tóm tắt.", "summary: " + "[" * 40_000)
    assert _rules(tmp_path, deep) == [(1, "front-matter-too-large")]
    deep = GOOD.replace("summary: Tóm tắt.", "summary: " + "[" * 10_000)
    assert _rules(tmp_path, deep) == [(7, "yaml-too-deep")]
    nested = GOOD.replace("summary: Tóm tắt.", "summary:\n" + "".join(
        "  " * level + "- \n" for level in range(MAX_DEPTH + 5)))
    assert _rules(tmp_path, nested) == [(8 + MAX_DEPTH - 1, "yaml-too-deep")]


def test_yaml_explicit_tags_and_huge_numbers_are_located_problems(tmp_path: Path) -> None:
    """What PyYAML would raise a bare ValueError for, or build a set or bytes from, is refused."""
    for value, rule in [
        ("!!timestamp 2024-13-01", "yaml-tag"),
        ("!!int x", "yaml-tag"),
        ("!!float 1e", "yaml-tag"),
        ("!!python/object:os.system x", "yaml-tag"),
        ("!!set {a, b}", "yaml-tag"),
        ("1" * 5000, "number-too-long"),
        ("0x" + "f" * 5000, "number-too-long"),
        ("Tóm\x00tắt", "control-character"),
        ("Tóm\ufffetắt", "control-character"),
        ('"Tóm\\0tắt"', "control-character"),
        ('"Tóm\\x07tắt"', "control-character"),
    ]:
        text = GOOD.replace("summary: Tóm tắt.", f"summary: {value}")
        assert _rules(tmp_path, text) == [(7, rule)], value


def test_a_long_quoted_number_is_text(tmp_path: Path) -> None:
    """The limit is on numbers: the same digits in quotes are an ordinary text value."""
    text = GOOD.replace("summary: Tóm tắt.", f"summary: \"{'1' * 5000}\"")
    assert _rules(tmp_path, text) == [(7, "long-summary")]  # a warning about the text


def test_crlf_and_a_byte_order_mark_read_as_plain_lines(tmp_path: Path) -> None:
    """A file saved on Windows (BOM, CRLF) loads as the same entry with the same lines."""
    path = write(tmp_path, GOOD)
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    entry, problems = check_file(path, settings_for(tmp_path), REGISTRY)
    assert problems == []
    assert entry is not None and entry.body == "Nội dung.\n" and entry.lines["summary"] == 7
