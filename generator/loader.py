"""Read one entry file into an ``Entry``, or into located problems.

MkDocs swallows YAML errors and knows no line numbers for front matter, so the
front matter is parsed here with PyYAML's node API, which keeps the line of
every key and value. Every problem in a file is reported, not just the first.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.errors import Problem, Severity, display_path
from generator.model import Entry, EntryFrontMatter, FieldOfWork, Image, Kind, Source
from generator.provinces import ProvinceMatch, ProvinceRegistry
from generator.settings import Settings
from generator.text import fold, sort_key

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
        )
    )


def parse_front_matter(text: str, shown: str) -> FrontMatter:
    """Parse the YAML front matter of ``text``, keeping node positions."""
    source, body, body_line = split_front_matter(text, shown)
    loader = SafeLoader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 2 + (mark.line if mark else 0)
        reason = exc.problem or "syntax error"
        # libyaml reports where it gave up; the construct that is wrong often
        # began earlier (an unclosed bracket or quote), so name that line too.
        began = exc.context_mark
        since_vi = since_en = ""
        if began is not None and 2 + began.line != line:
            since_vi = f", bắt đầu từ dòng {2 + began.line}"
            since_en = f", starting on line {2 + began.line}"
        raise FrontMatterError(
            Problem(
                shown, line, "-",
                f"YAML không đọc được ({reason}{since_vi}); kiểm tra dấu hai chấm, ngoặc, "
                "thụt lề, và đặt văn bản có dấu hai chấm trong ngoặc kép",
                f"YAML does not parse ({reason}{since_en}); check colons, brackets and "
                "indentation, and quote text that contains a colon",
            )
        ) from exc
    finally:
        loader.dispose()
    return FrontMatter(data, node, 2, body, body_line)


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


def _messages(error: Any, settings: Settings) -> tuple[str, str]:
    kind: str = error["type"]
    loc = error["loc"]
    name = field_name(loc)
    ctx = error.get("ctx") or {}
    if kind == "missing" and name == "sources":
        return (
            "thiếu nguồn: cần ít nhất một nguồn (sources) ghi tên bài, nơi đăng và ngày đăng",
            "no source: at least one source (sources) with title, publisher and date is required",
        )
    if kind == "missing":
        return (
            f"thiếu trường bắt buộc; hãy thêm dòng `{name}: …`",
            f"required field is missing; add a `{name}: …` line",
        )
    if kind == "too_short" and name == "sources":
        return (
            "danh sách nguồn đang trống; thêm ít nhất một nguồn có title, publisher, date",
            "the source list is empty; add at least one source with title, publisher, date",
        )
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = KNOWN_KEYS if len(loc) == 1 else ()
        close = difflib.get_close_matches(key, known, n=1)
        hint_vi = f"; có phải `{close[0]}`?" if close else "; hãy xóa hoặc sửa tên trường"
        hint_en = f"; did you mean `{close[0]}`?" if close else "; remove or rename it"
        return (f"trường không được hỗ trợ{hint_vi}", f"unknown field{hint_en}")
    if kind == "dvk_date":
        value = ctx.get("value")
        return (
            f"ngày không hợp lệ {value!r}; hãy viết dạng YYYY-MM-DD, ví dụ 2024-08-19",
            f"malformed date {value!r}; write it as YYYY-MM-DD, e.g. 2024-08-19",
        )
    if kind == "dvk_year":
        value = ctx.get("value")
        return (
            f"năm {value!r} nằm ngoài khoảng 1945-2100; kiểm tra lại",
            f"year {value!r} is outside 1945-2100; check it",
        )
    if kind == "enum" and name == "kind":
        options = " hoặc ".join(k.value for k in Kind)
        return (
            f"loại mô hình phải là {options} (tập thể / cá nhân)",
            f"kind must be {' or '.join(k.value for k in Kind)} (collective / individual)",
        )
    if kind == "string_pattern_mismatch":
        return (
            "mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, "
            "ví dụ ky-tuc-xa-vung-bien-nghe-an",
            "ids use lowercase ASCII letters, digits and hyphens, "
            "e.g. ky-tuc-xa-vung-bien-nghe-an",
        )
    if kind in {"string_type", "string_too_short"}:
        return ("phải là một đoạn văn bản, không để trống", "must be non-empty text")
    if kind == "list_type":
        return (
            "phải là một danh sách: mỗi mục một dòng bắt đầu bằng `- `",
            "must be a list: one item per line starting with `- `",
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return (
            "phải là một nhóm khóa: giá trị (ví dụ `- title: …`)",
            "must be a mapping of key: value pairs (e.g. `- title: …`)",
        )
    if kind.startswith("url"):
        return (
            "đường dẫn không hợp lệ; hãy dùng địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://",
            "invalid URL; use a full address starting with http:// or https://",
        )
    return (f"giá trị không hợp lệ: {error['msg']}", f"invalid value: {error['msg']}")


def _resolve_field(text: str, settings: Settings) -> FieldOfWork | None:
    found = settings.field_by_slug(text)
    if found:
        return found
    folded = fold(text)  # a label typed instead of a slug is fine too
    return next((f for f in settings.fields if fold(f.label) == folded), None)


Add = Callable[[tuple[str | int, ...], str, str], None]
"""Records a problem at a front-matter location: (loc, vi, en)."""


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
        )
    elif match is not None and not found.allowed_in(match.province):
        only = ", ".join(found.provinces)
        add(
            ("field",),
            f"lĩnh vực \"{found.slug}\" chỉ dùng cho {only}; dùng một trong: {slugs}",
            f"field \"{found.slug}\" is only for {only}; use another",
        )
        return None
    return found


def _check_images(spec: EntryFrontMatter, path: Path, add: Add) -> list[Image]:
    images: list[Image] = []
    for index, image in enumerate(spec.images):
        image_path = (path.parent / image.src).resolve()
        if not image_path.is_file():
            add(
                ("images", index, "src"),
                f"không tìm thấy tệp ảnh \"{image.src}\" cạnh tệp mô hình; "
                "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường)",
                f"image file \"{image.src}\" not found next to the entry; "
                "check the name (it is case-sensitive)",
            )
        images.append(Image(image.src, image.alt, image.credit, image_path))
    return images


def _read(path: Path, shown: str) -> FrontMatter | Problem:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Problem(
            shown, 0, "-",
            "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8",
            "the file is not UTF-8; save it again as UTF-8",
        )
    try:
        fm = parse_front_matter(text, shown)
    except FrontMatterError as exc:
        return exc.problem
    digest = hashlib.blake2b(f"{shown}\0{text}".encode(), digest_size=16).hexdigest()
    fm = replace(fm, digest=digest)
    if not isinstance(fm.data, dict):
        return Problem(
            shown, fm.first_line, "-",
            "phần khai báo phải là các dòng `khóa: giá trị`",
            "the front matter must be `key: value` lines",
        )
    return fm


def load_entry(
    path: Path, settings: Settings, registry: ProvinceRegistry
) -> tuple[Entry | None, list[Problem]]:
    """Load one entry file; return the entry, or None and every problem found."""
    shown = display_path(path, settings.root)
    fm = _read(path, shown)
    if isinstance(fm, Problem):
        return None, [fm]
    problems = _check_duplicate_keys(fm, shown)

    def add(loc: tuple[str | int, ...], vi: str, en: str) -> None:
        line = locate(fm.node, loc, fm.first_line)
        problems.append(Problem(shown, line, field_name(loc), vi, en))

    spec: EntryFrontMatter | None = None
    try:
        spec = EntryFrontMatter.model_validate(fm.data)
    except ValidationError as exc:
        for error in exc.errors():
            vi, en = _messages(error, settings)
            add(tuple(error["loc"]), vi, en)
    # Province and field are checked on the raw values too, so that a file with
    # a schema error still gets its province and field reported in the same run.
    match = _resolve_province(fm.data.get("province"), registry, add)
    field_of_work = _resolve_field_of_work(fm.data.get("field"), match, settings, add)
    images = _check_images(spec, path, add) if spec is not None else []

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
        digest=fm.digest,
        title_key=sort_key(spec.title),
    )
    return entry, problems
