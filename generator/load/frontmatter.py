"""An entry file's front matter: read within limits, split from the body, located.

MkDocs swallows YAML errors and knows no line numbers for front matter, so the
front matter is parsed here with PyYAML's node API, which keeps the line of
every key and value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import FrontMatterError, Problem, display_path
from generator.core.settings import Settings
from generator.load.yamlguard import parse_yaml, refusal

FENCE = "---"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parsed front matter of a file, with the line of each node."""

    data: Any
    node: yaml.Node | None
    first_line: int
    """File line of the first YAML line (the line after the opening fence)."""
    body: str
    body_line: int
    text: str = ""
    """The whole file (set by ``_read``), for the lints that scan it."""
    digest: str = ""
    """Of the file's place and text (set by ``_read``)."""


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Split ``text`` into (yaml, body, body's first line); ``shown`` names the file."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(
            Problem(
                shown, 1, "-",
                "tệp phải mở đầu bằng dòng --- rồi đến phần khai báo YAML",
                "the file must start with a --- line followed by YAML front matter",
                rule="no-front-matter",
            )
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(
        Problem(
            shown, 1, "-",
            "thiếu dòng --- đóng phần khai báo YAML; thêm một dòng --- trước phần nội dung",
            "the closing --- line of the front matter is missing; add one before the body",
            rule="unclosed-front-matter",
        )
    )


MAX_FILE_BYTES = 256 * 1024
"""An entry file's size limit: real entries are about 4 KB, a long article 50 KB.

Some checks and lints take time that grows with the square of the number of
problems found, so a large file full of problems would stall a check.
"""
MAX_FRONT_MATTER_CHARS = 32 * 1024
"""Of the front matter: real ones are about 1 KB; each key of a mapping of many
thousands would be a problem located by a walk of all the others."""


def parse_front_matter(text: str, shown: str) -> FrontMatter:
    """Parse the YAML front matter of ``text``, keeping node positions."""
    source, body, body_line = split_front_matter(text, shown)
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise refusal(
            shown, 1,
            f"phần khai báo dài {len(source)} ký tự, quá giới hạn {MAX_FRONT_MATTER_CHARS}; "
            "kiểm tra dòng --- đóng phần khai báo, và đưa văn bản dài xuống phần nội dung",
            f"the front matter is {len(source)} characters long, over the limit of "
            f"{MAX_FRONT_MATTER_CHARS}; check the closing --- line, and move long text into "
            "the body",
            "front-matter-too-large",
        )
    data, node = parse_yaml(source, shown, first_line=2)
    return FrontMatter(data, node, 2, body, body_line)


def mapping_items(node: yaml.Node | None) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        yield from node.value


def locate(node: yaml.Node | None, loc: tuple[str | int, ...], first_line: int) -> int:
    """The file line of the value at ``loc``, or of its nearest existing parent."""
    line = first_line - 1  # the opening fence, for problems of the whole mapping
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(part, str):
            for key, value in mapping_items(node):
                if key.value == part:
                    line = first_line + key.start_mark.line
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and 0 <= part < len(node.value):
            child = node.value[part]
            line = first_line + child.start_mark.line
        if child is None:
            break
        node = child
    return line


def field_name(loc: tuple[str | int, ...]) -> str:
    """``sources[0].url`` for the loc ("sources", 0, "url")."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "-"


def duplicate_keys(fm: FrontMatter, shown: str) -> list[Problem]:
    # PyYAML silently keeps the last of two equal keys; an editor meant one of them.
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for key, _ in mapping_items(fm.node):
        key_line = fm.first_line + key.start_mark.line
        if key.value in seen:
            problems.append(
                Problem(
                    shown, key_line, str(key.value),
                    f"trường bị khai báo hai lần (lần đầu ở dòng {seen[key.value]}); xóa một dòng",
                    f"field given twice (first on line {seen[key.value]}); remove one",
                    rule="duplicate-key",
                )
            )
        seen.setdefault(key.value, key_line)
    return problems


def _size(size: int) -> tuple[str, str]:
    """(Vietnamese, English) for a size in bytes: "300 KB", "1,5 MB" / "1.5 MB"."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB", f"{size // 1024} KB"
    value = f"{size / (1024 * 1024):.1f}"
    return f"{value.replace('.', ',')} MB", f"{value} MB"


def _too_large(path: Path, shown: str) -> Problem:
    limit_vi, limit_en = _size(MAX_FILE_BYTES)
    try:
        size = path.stat().st_size
    except OSError:  # pragma: no cover -- it was just read
        size = 0
    if size > MAX_FILE_BYTES:  # else a device or a growing file, of no known size
        (actual_vi, actual_en) = _size(size)
        size_vi, size_en = f"nặng {actual_vi}, quá", f"is {actual_en}, over"
    else:
        size_vi, size_en = "nặng quá", "is over"
    return Problem(
        shown, 0, "-",
        f"tệp {size_vi} giới hạn {limit_vi} của một tệp mô hình (thường chỉ vài KB); hãy kiểm "
        "tra đây đúng là tệp mô hình, và để ảnh, tài liệu thành tệp riêng",
        f"the file {size_en} the {limit_en} limit of an entry file (entries are a few KB); "
        "check that it is an entry, and keep images and documents in files of their own",
        rule="file-too-large",
    )


def read_front_matter(path: Path, shown: str) -> FrontMatter | Problem:
    try:
        # At most one byte over the limit is read: a file of gigabytes, or a
        # link to /dev/zero, costs no memory.
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Problem(
            shown, 0, "-",
            f"không đọc được tệp ({reason}); kiểm tra tệp có tồn tại, là tệp thường "
            "(không phải thư mục hay liên kết hỏng) và được phép đọc",
            f"the file cannot be read ({reason}); check that it exists, is a regular file "
            "(not a folder or a broken link) and is readable",
            rule="unreadable-file",
        )
    if len(data) > MAX_FILE_BYTES:
        return _too_large(path, shown)
    try:
        # Universal newlines, as Path.read_text reads: \r\n and \r become \n.
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return Problem(
            shown, 0, "-",
            "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8",
            "the file is not UTF-8; save it again as UTF-8",
            rule="not-utf8",
        )
    try:
        fm = parse_front_matter(text, shown)
    except FrontMatterError as exc:
        return exc.problem
    digest = hashlib.blake2b(f"{shown}\0{text}".encode(), digest_size=16).hexdigest()
    fm = replace(fm, digest=digest, text=text)
    if not isinstance(fm.data, dict):
        return Problem(
            shown, fm.first_line, "-",
            "phần khai báo phải là các dòng `khóa: giá trị`",
            "the front matter must be `key: value` lines",
            rule="not-a-mapping",
        )
    return fm


def link_outside(path: Path, settings: Settings) -> Problem | None:
    """A problem if ``path`` is a symbolic link to a file outside the content folder.

    A link in a pull request could publish any file of the machine that builds
    the site (a key, a password file) as a page.
    """
    if not path.is_symlink():
        return None
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        target = path
    if not target.exists():
        return None  # a broken link publishes nothing: reported as a file that cannot be read
    if target.is_relative_to(settings.content_dir.resolve()) and target != path:
        return None
    return Problem(
        display_path(path, settings.root), 0, "-",
        "tệp là một liên kết (symlink) tới ngoài thư mục nội dung; thay bằng chính tệp",
        "the file is a symbolic link to outside the content folder; put the file itself here",
        rule="symlink-outside",
    )


def read_yaml_file(path: Path, shown: str) -> str | Problem:
    """The text of a YAML file of the content folder (reported figures, a press record),
    within the size limit of an entry file; else the problem, located at the file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Problem(
            shown, 0, "-", f"không đọc được tệp ({exc.strerror or type(exc).__name__})",
            f"the file cannot be read ({exc.strerror or type(exc).__name__})",
            rule="unreadable-file",
        )
    if len(data) > MAX_FILE_BYTES:
        return Problem(shown, 0, "-", "tệp quá lớn (trên 256 KB); tách thành nhiều tệp",
                       "the file is too large (over 256 KB); split it", rule="file-too-large")
    try:
        return data.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return Problem(shown, 0, "-", "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8",
                       "the file is not UTF-8; save it again as UTF-8", rule="not-utf8")
