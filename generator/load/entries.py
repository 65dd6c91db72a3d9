"""Read one entry file into an ``Entry``, or into located problems.

MkDocs swallows YAML errors and knows no line numbers for front matter, so the
front matter is parsed here with PyYAML's node API, which keeps the line of
every key and value. Every problem in a file is reported, not just the first.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from generator.check.lints import ignored_rules, lint_entry
from generator.check.rules import check_entry
from generator.check.safety import unsafe_urls
from generator.core.errors import Problem, Severity, display_path
from generator.core.model import Entry, EntryFrontMatter, FieldOfWork, Image, Kind, Source
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.core.settings import Settings
from generator.core.text import fold, sort_key
from generator.load.images import ImageProblem, plan, read_header, stem

try:  # The C loader is several times faster; fall back where libyaml is absent.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class SafeLoader(_BaseLoader):
    """Safe loading, with dates left as text.

    PyYAML turns 2024-13-01 into a bare ValueError with no position; as text it
    reaches the schema, which reports it at its line with the form to use.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 -- PyYAML's own class-level registry
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

FENCE = "---"
KNOWN_KEYS = tuple(EntryFrontMatter.model_fields)


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


class FrontMatterError(Exception):
    """The file has no readable front matter; carries one located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


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
MAX_DEPTH = 20
"""Of nested lists and mappings in front matter: real entries nest three deep.

libyaml composes nodes by recursion in C, which overflows the stack (a
segmentation fault, not an exception) at some 100,000 levels of ``[``, and its
parser slows quadratically long before that.
"""
MAX_NUMBER_CHARS = 1000
"""Of a number: Python refuses to print an integer of over 4,300 digits."""
_INT = "tag:yaml.org,2002:int"
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What YAML does not allow in a stream (PyYAML's own check)."""


def _unsafe(shown: str, line: int, vi: str, en: str, rule: str) -> FrontMatterError:
    return FrontMatterError(Problem(shown, line, "-", vi, en, rule=rule))


def _resolve(loader: SafeLoader, event: yaml.ScalarEvent) -> str:
    """The tag a plain scalar takes (int, float, bool, null or str)."""
    tag: str = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    return tag


def _control_character(shown: str, line: int, character: str) -> FrontMatterError:
    code = f"U+{ord(character):04X}"
    return _unsafe(
        shown, line,
        f"phần khai báo có ký tự điều khiển {code} (thường do dán từ Word hoặc PDF, hoặc viết "
        "dạng \\0, \\b trong ngoặc kép); xóa ký tự này",
        f"the front matter contains the control character {code} (often pasted from Word or "
        "a PDF, or written as \\0, \\b in quotes); delete it",
        "control-character",
    )


def refuse_unsafe_yaml(source: str, shown: str, first_line: int = 2) -> None:
    """Raise ``FrontMatterError`` at the first YAML construct entries must not use.

    Scans the parser's events, which are flat, before any node or Python object
    is built. An alias makes a shared reference: nine levels of nine aliases
    each ("billion laughs") compose in a millisecond and then expand to a
    billion items for whatever walks the data (the schema, JSON output).
    Entries have no use for anchors, aliases or explicit tags (``!!binary``,
    ``!!set``), so none is allowed.
    """
    bad = _NON_PRINTABLE.search(source)
    if bad is not None:
        raise _control_character(shown, first_line + source.count("\n", 0, bad.start()),
                                 bad.group())
    loader = SafeLoader(source)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            if event is None:  # pragma: no cover -- check_event said there is one
                break
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            if isinstance(event, yaml.AliasEvent):
                raise _unsafe(
                    shown, line,
                    f"YAML dùng bí danh *{event.anchor} (alias); hãy viết thẳng giá trị vào chỗ "
                    "này và bỏ các dấu & và * khỏi phần khai báo",
                    f"the YAML uses an alias (*{event.anchor}); write the value out in place "
                    "and remove the & and * marks from the front matter",
                    "yaml-alias",
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                tag = tag.replace("tag:yaml.org,2002:", "!!", 1)  # as it was written
                raise _unsafe(
                    shown, line,
                    f"YAML dùng thẻ kiểu {tag}; phần khai báo chỉ dùng văn bản, số, danh sách "
                    "và nhóm khóa: xóa thẻ (và đặt giá trị trong ngoặc kép nếu là văn bản)",
                    f"the YAML uses the type tag {tag}; front matter holds only text, numbers, "
                    "lists and mappings: remove the tag (and quote the value if it is text)",
                    "yaml-tag",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _unsafe(
                        shown, line,
                        f"YAML lồng quá {MAX_DEPTH} cấp danh sách hoặc nhóm khóa; kiểm tra các "
                        "dấu [ và { chưa đóng, hoặc viết lại cho phẳng hơn",
                        f"the YAML nests lists or mappings more than {MAX_DEPTH} deep; look "
                        "for unclosed [ and { or write it flatter",
                        "yaml-too-deep",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and (
                    bad := _NON_PRINTABLE.search(event.value)) is not None:
                # An escape in quotes ("\0", "\x07"): as bad in a file name, a feed or a page.
                raise _control_character(shown, line, bad.group())
            elif (isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_NUMBER_CHARS
                  and _resolve(loader, event) == _INT):
                raise _unsafe(
                    shown, line,
                    f"số dài {len(event.value)} ký tự, quá giới hạn {MAX_NUMBER_CHARS}; nếu đây "
                    "là văn bản, hãy đặt trong ngoặc kép",
                    f"a number {len(event.value)} characters long, over the limit of "
                    f"{MAX_NUMBER_CHARS}; if it is text, put it in quotes",
                    "number-too-long",
                )
    finally:
        loader.dispose()


def parse_front_matter(text: str, shown: str) -> FrontMatter:
    """Parse the YAML front matter of ``text``, keeping node positions."""
    source, body, body_line = split_front_matter(text, shown)
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise _unsafe(
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


def parse_yaml(source: str, shown: str, *, first_line: int) -> tuple[Any, yaml.Node | None]:
    """The data and node tree of a YAML document whose first line is file line ``first_line``.

    Unsafe constructs are refused first (``refuse_unsafe_yaml``); any problem is
    raised as ``FrontMatterError`` with its file line.
    """
    try:
        refuse_unsafe_yaml(source, shown, first_line)
        loader = SafeLoader(source)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or "syntax error"
        # libyaml reports where it gave up; the construct that is wrong often
        # began earlier (an unclosed bracket or quote), so name that line too.
        began = getattr(exc, "context_mark", None)
        since_vi = since_en = ""
        if began is not None and first_line + began.line != line:
            since_vi = f", bắt đầu từ dòng {first_line + began.line}"
            since_en = f", starting on line {first_line + began.line}"
        raise FrontMatterError(
            Problem(
                shown, line, "-",
                f"YAML không đọc được ({reason}{since_vi}); kiểm tra dấu hai chấm, ngoặc, "
                "thụt lề, và đặt văn bản có dấu hai chấm trong ngoặc kép",
                f"YAML does not parse ({reason}{since_en}); check colons, brackets and "
                "indentation, and quote text that contains a colon",
                rule="yaml-syntax",
            )
        ) from exc
    return data, node


def _mapping_items(node: yaml.Node | None) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        yield from node.value


def locate(node: yaml.Node | None, loc: tuple[str | int, ...], first_line: int) -> int:
    """The file line of the value at ``loc``, or of its nearest existing parent."""
    line = first_line - 1  # the opening fence, for problems of the whole mapping
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(part, str):
            for key, value in _mapping_items(node):
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


_IMAGE_KEYS = {
    "src": (
        "mục ảnh thiếu tên tệp; thêm dòng `src: …` vào mục ảnh này, ghi tên tệp ảnh đặt "
        "cạnh tệp mô hình",
        "the image has no file; add a `src: …` line to this image, naming the image file "
        "next to the entry",
    ),
    "alt": (
        "ảnh thiếu mô tả; thêm dòng `alt: …` vào mục ảnh này, tả những gì ảnh cho thấy, "
        "cho người không xem được ảnh",
        "the image has no description; add an `alt: …` line to this image saying what it "
        "shows, for readers who cannot see it",
    ),
    "credit": (
        "ảnh thiếu nguồn; thêm dòng `credit: …` vào mục ảnh này, ghi tác giả hoặc nơi đăng ảnh",
        "the image has no credit; add a `credit: …` line to this image, naming its author "
        "or where it was published",
    ),
}
"""(vi, en) for a key missing from an item of ``images``."""


_NOT_A_MAPPING = (
    "not-a-mapping",
    "phải là một nhóm khóa: giá trị (ví dụ `- title: …`)",
    "must be a mapping of key: value pairs (e.g. `- title: …`)",
)
_EMPTY_TEXT = ("empty-text", "phải là một đoạn văn bản, không để trống", "must be non-empty text")
_FIXED_MESSAGES: dict[str, tuple[str, str, str]] = {
    "string_pattern_mismatch": (
        "bad-id",
        "mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, "
        "ví dụ ky-tuc-xa-vung-bien-nghe-an",
        "ids use lowercase ASCII letters, digits and hyphens, e.g. ky-tuc-xa-vung-bien-nghe-an",
    ),
    "string_type": _EMPTY_TEXT,
    "string_too_short": _EMPTY_TEXT,
    "list_type": (
        "not-a-list",
        "phải là một danh sách: mỗi mục một dòng bắt đầu bằng `- `",
        "must be a list: one item per line starting with `- `",
    ),
    "model_type": _NOT_A_MAPPING,
    "dict_type": _NOT_A_MAPPING,
    "model_attributes_type": _NOT_A_MAPPING,
    "url": (
        "bad-url",
        "đường dẫn không hợp lệ; hãy dùng địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://",
        "invalid URL; use a full address starting with http:// or https://",
    ),
}
"""(rule, vi, en) of the pydantic errors whose message needs nothing from the value."""


def _messages(error: Any) -> tuple[str, str, str]:
    """(rule, Vietnamese, English) for one pydantic error."""
    kind: str = error["type"]
    loc = error["loc"]
    name = field_name(loc)
    ctx = error.get("ctx") or {}
    if kind == "missing" and name == "sources":
        return (
            "missing-source",
            "thiếu nguồn: cần ít nhất một nguồn (sources) ghi tên bài, nơi đăng và ngày đăng",
            "no source: at least one source (sources) with title, publisher and date is required",
        )
    if kind == "missing":
        # An image's key goes inside its item: a line `images[0].alt: …` is not YAML.
        in_image = len(loc) == 3 and loc[0] == "images" and loc[2] in _IMAGE_KEYS
        return ("missing-field", *_IMAGE_KEYS[loc[2]]) if in_image else (
            "missing-field",
            f"thiếu trường bắt buộc; hãy thêm dòng `{name}: …`",
            f"required field is missing; add a `{name}: …` line",
        )
    if kind == "too_short" and name == "sources":
        return (
            "empty-sources",
            "danh sách nguồn đang trống; thêm ít nhất một nguồn có title, publisher, date",
            "the source list is empty; add at least one source with title, publisher, date",
        )
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = KNOWN_KEYS if len(loc) == 1 else ()
        close = difflib.get_close_matches(key, known, n=1)
        hint_vi = f"; có phải `{close[0]}`?" if close else "; hãy xóa hoặc sửa tên trường"
        hint_en = f"; did you mean `{close[0]}`?" if close else "; remove or rename it"
        return ("unknown-key", f"trường không được hỗ trợ{hint_vi}", f"unknown field{hint_en}")
    if kind == "dvk_date":
        value = ctx.get("value")
        return (
            "bad-date",
            f"ngày không hợp lệ {value!r}; hãy viết dạng YYYY-MM-DD, ví dụ 2024-08-19",
            f"malformed date {value!r}; write it as YYYY-MM-DD, e.g. 2024-08-19",
        )
    if kind == "dvk_year":
        value = ctx.get("value")
        return (
            "bad-year",
            f"năm {value!r} nằm ngoài khoảng 1945-2100; kiểm tra lại",
            f"year {value!r} is outside 1945-2100; check it",
        )
    if kind == "enum" and name == "kind":
        options = " hoặc ".join(k.value for k in Kind)
        return (
            "bad-kind",
            f"loại mô hình phải là {options} (tập thể / cá nhân)",
            f"kind must be {' or '.join(k.value for k in Kind)} (collective / individual)",
        )
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            "too-long",
            f"dài quá {limit} ký tự; hãy rút ngắn",
            f"longer than {limit} characters; shorten it",
        )
    fixed = _FIXED_MESSAGES.get("url" if kind.startswith("url") else kind)
    if fixed is not None:
        return fixed
    return ("invalid-value", f"giá trị không hợp lệ: {error['msg']}",
            f"invalid value: {error['msg']}")


def _resolve_field(text: str, settings: Settings) -> FieldOfWork | None:
    found = settings.field_by_slug(text)
    if found:
        return found
    folded = fold(text)  # a label typed instead of a slug is fine too
    return next((f for f in settings.fields if fold(f.label) == folded), None)


class Add(Protocol):
    """Records a problem of rule ``rule`` at a front-matter location."""

    def __call__(self, loc: tuple[str | int, ...], vi: str, en: str, *, rule: str = "") -> None: ...


def _check_duplicate_keys(fm: FrontMatter, shown: str) -> list[Problem]:
    # PyYAML silently keeps the last of two equal keys; an editor meant one of them.
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for key, _ in _mapping_items(fm.node):
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


def _resolve_province(raw: Any, registry: ProvinceRegistry, add: Add) -> ProvinceMatch | None:
    if not isinstance(raw, str) or not raw.strip():
        return None  # the schema reports it missing or not text
    match = registry.resolve(raw)
    if match is None:
        near = registry.suggest(raw)
        hint_vi = f"; có phải \"{near}\"?" if near else "."
        hint_en = f"; did you mean \"{near}\"?" if near else "."
        add(
            ("province",),
            f"tỉnh/thành không xác định \"{raw}\"{hint_vi} Dùng mã một trong 34 "
            "đơn vị (ví dụ nghe-an) hoặc tên một tỉnh cũ",
            f"unknown province \"{raw}\"{hint_en} Use the slug of one of the 34 "
            "units (e.g. nghe-an) or an old province name",
            rule="unknown-province",
        )
    return match


def _resolve_field_of_work(
    raw: Any, match: ProvinceMatch | None, settings: Settings, add: Add
) -> FieldOfWork | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    found = _resolve_field(raw.strip(), settings)
    slugs = ", ".join(f.slug for f in settings.fields)
    if found is None:
        add(
            ("field",),
            f"lĩnh vực không xác định \"{raw}\"; dùng một trong: {slugs}",
            f"unknown field \"{raw}\"; use one of: {slugs}",
            rule="unknown-field",
        )
    elif match is not None and not found.allowed_in(match.province):
        only = ", ".join(found.provinces)
        add(
            ("field",),
            f"lĩnh vực \"{found.slug}\" chỉ dùng cho {only}; dùng một trong: {slugs}",
            f"field \"{found.slug}\" is only for {only}; use another",
            rule="field-not-allowed",
        )
        return None
    return found


def _check_images(
    spec: EntryFrontMatter, path: Path, fm: FrontMatter, add: Add
) -> list[Image]:
    """The entry's images, each checked from its file's header (format, size, pixels)."""
    images: list[Image] = []
    names: set[str] = set()
    for index, image in enumerate(spec.images):
        loc = ("images", index, "src")
        try:
            image_path = (path.parent / image.src).resolve()
        except (OSError, ValueError):  # a NUL byte, a loop of links: no such file
            image_path = path.parent / "\ufffd"
        if not image_path.is_relative_to(path.parent.resolve()):
            # `../` could reach any file of the machine, and it would be published.
            add(loc,
                f"ảnh \"{image.src}\" nằm ngoài thư mục của tệp mô hình; đặt ảnh cạnh tệp "
                "mô hình và ghi tên tệp, không dùng `../`",
                f"image \"{image.src}\" lies outside the entry's folder; put the image next to "
                "the entry file and give its name, without `../`",
                rule="image-outside")
            continue
        try:
            header = read_header(image_path, image.src)
        except ImageProblem as problem:
            add(loc, problem.vi, problem.en, rule=problem.rule)
            continue
        sizes = plan(header.width, header.height)
        images.append(Image(
            image.src, image.alt, image.credit, image_path,
            name=_unique_name(stem(image.src), names),
            widths=tuple(width for width, _ in sizes),
            width=sizes[-1][0], height=sizes[-1][1],
            line=locate(fm.node, loc, fm.first_line),
        ))
    return images


def _unique_name(wanted: str, taken: set[str]) -> str:
    # Two images of one entry may share a stem (anh.jpg, anh.png, Ảnh.jpg);
    # their published files must not.
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted}-{number}"
    taken.add(name)
    return name


def _page_digest(text_digest: str, images: list[Image]) -> str:
    # An entry's page shows its images' widths and heights: an image replaced
    # by one of another size changes the page though the entry file is the same.
    if not images:
        return text_digest
    shown = "\0".join(f"{i.name}:{i.widths}:{i.width}x{i.height}" for i in images)
    return hashlib.blake2b(f"{text_digest}\0{shown}".encode(), digest_size=16).hexdigest()


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


def _read(path: Path, shown: str) -> FrontMatter | Problem:
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


def load_entry(
    path: Path, settings: Settings, registry: ProvinceRegistry
) -> tuple[Entry | None, list[Problem]]:
    """Load one entry file; return the entry, or None and every problem found."""
    shown = display_path(path, settings.root)
    outside = link_outside(path, settings)
    if outside is not None:
        return None, [outside]
    fm = _read(path, shown)
    if isinstance(fm, Problem):
        return None, [fm]
    problems = _check_duplicate_keys(fm, shown)

    def add(loc: tuple[str | int, ...], vi: str, en: str, *, rule: str = "") -> None:
        line = locate(fm.node, loc, fm.first_line)
        problems.append(Problem(shown, line, field_name(loc), vi, en, rule=rule))

    spec: EntryFrontMatter | None = None
    try:
        spec = EntryFrontMatter.model_validate(fm.data)
    except ValidationError as exc:
        for error in exc.errors():
            rule, vi, en = _messages(error)
            add(tuple(error["loc"]), vi, en, rule=rule)
    # Province and field are checked on the raw values too, so that a file with
    # a schema error still gets its province and field reported in the same run.
    match = _resolve_province(fm.data.get("province"), registry, add)
    field_of_work = _resolve_field_of_work(fm.data.get("field"), match, settings, add)
    images = _check_images(spec, path, fm, add) if spec is not None else []

    has_errors = any(p.severity is Severity.ERROR for p in problems)
    if has_errors or spec is None or match is None or field_of_work is None:
        return None, problems
    entry = Entry(
        id=spec.id,
        title=spec.title,
        province=match.province,
        old_province=match.old,
        locality=spec.locality,
        field=field_of_work,
        kind=spec.kind,
        unit=spec.unit,
        started=spec.started,
        summary=spec.summary,
        results=tuple(spec.results),
        images=tuple(images),
        sources=tuple(
            Source(s.title, s.publisher, s.author, s.date, str(s.url) if s.url else None, s.note)
            for s in spec.sources
        ),
        redirect_from=tuple(spec.redirect_from),
        updated=spec.updated,
        body=fm.body,
        path=path,
        rel_path=path.relative_to(settings.content_dir).as_posix(),
        lines={str(k.value): fm.first_line + k.start_mark.line for k, _ in _mapping_items(fm.node)},
        digest=_page_digest(fm.digest, images),
        title_key=sort_key(spec.title),
        ignored=ignored_rules(fm.text),
    )
    problems.extend(check_entry(entry, settings))
    problems.extend(lint_entry(entry, fm.text, fm.body_line, settings))
    problems.extend(unsafe_urls(fm.body, shown, fm.body_line))
    if entry.ignored:
        problems = [p for p in problems
                    if p.severity is Severity.ERROR or p.rule not in entry.ignored]
    return entry, problems
