"""A new entry file from a few answers (``dvk new``).

Each value comes from a flag or, when someone is at the keyboard, from a
question; either way it is checked the way the loader checks it (the province
registry, the config's taxonomy), so the file written is one ``dvk check``
accepts. The id is derived from the title and the province and made unique
against every id and old id already in the entries folder. An existing file is
never overwritten.

Nothing here prints: questions and remarks go through the ``ask`` and ``say``
callables the CLI passes in, so tests can answer them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from generator.catalogue.catalogue import entry_files
from generator.core.errors import DvkError, display_path
from generator.core.model import (
    FIRST_YEAR,
    ID_MAX_LENGTH,
    ID_PATTERN,
    LAST_YEAR,
    EntryFrontMatter,
    FieldOfWork,
    Kind,
    SourceSpec,
)
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.core.settings import Settings
from generator.core.text import fold, nfc, slugify
from generator.load.entries import FENCE, FrontMatterError, parse_front_matter

Ask = Callable[[str], str]
"""Shows a prompt and returns the line typed (``input``); EOFError when input ends."""
Say = Callable[[str], None]
"""Shows a remark to the person answering."""

SECTIONS = (
    ("Bối cảnh", "Vì sao có mô hình: tình hình ở địa phương, khó khăn cần giải quyết."),
    ("Cách làm", "Ai làm, làm gì, làm thế nào để dân hiểu, dân tin và cùng làm."),
    ("Kết quả", "Kết quả kiểm chứng được: con số, mốc thời gian, và nguồn nói điều đó."),
    ("Khả năng nhân rộng", "Nơi khác có thể học gì, và cần điều kiện gì để làm theo."),
)
"""The body's headed sections, each with a hint of what to write under it.

Hints are HTML comments: Python-Markdown passes them through to the page's
source but no reader sees them, so an unfinished section shows as an empty
heading, never as placeholder text presented as fact.
"""

_SUMMARY_WIDTH = 88
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(ID_PATTERN)
_ID_LINE = re.compile(r"^id:\s*(?P<value>[^\s#]+)")
_REDIRECT_LINE = re.compile(r"^redirect_from:\s*(?P<rest>[^#]*)")
_ITEM_LINE = re.compile(r"^\s*-\s+(?P<value>[^\s#]+)")


class ScaffoldError(DvkError):
    """The answers cannot make an entry, or the file would overwrite one (exit 2)."""

    exit_code = 2


class Invalid(Exception):
    """An answer that cannot be used, with why in both languages."""

    def __init__(self, vi: str, en: str, suggestion: str | None = None) -> None:
        super().__init__(f"{vi} ({en})")
        self.suggestion = suggestion
        """What the answer probably meant, offered as the default of the next prompt."""


@dataclass(frozen=True, slots=True)
class Answers:
    """The values given on the command line; None where a flag was not given."""

    title: str | None = None
    province: str | None = None
    locality: str | None = None
    field: str | None = None
    kind: str | None = None
    unit: str | None = None
    source_title: str | None = None
    source_publisher: str | None = None
    source_date: str | None = None
    source_url: str | None = None
    started: str | None = None
    summary: str | None = None
    entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Created:
    """The entry file ``dvk new`` wrote."""

    path: Path
    entry_id: str


# --- one parser per answer -------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` in NFC, control characters dropped, each run of whitespace as one space.

    Every value but the body is one line of text; a line break pasted into a
    title would otherwise need YAML's escapes, or end the value.
    """
    printable = "".join(ch for ch in nfc(text) if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(printable.split())


def _text(raw: str, _: dict[str, Any], __: Context) -> str:
    return one_line(raw)


def _province(raw: str, _: dict[str, Any], context: Context) -> ProvinceMatch:
    match = context.registry.resolve(raw)
    if match is None:
        near = context.registry.suggest(raw)
        hint_vi = f"; có phải \"{near}\"?" if near else ""
        hint_en = f"; did you mean \"{near}\"?" if near else ""
        raise Invalid(
            f"không rõ tỉnh, thành phố \"{raw}\"{hint_vi} Dùng mã (ví dụ nghe-an) "
            "hoặc tên tỉnh, kể cả tên cũ",
            f"unknown province \"{raw}\"{hint_en} Use a slug (e.g. nghe-an) or a name, "
            "old names included",
            suggestion=near,
        )
    return match


def find_field(raw: str, fields: Sequence[FieldOfWork]) -> FieldOfWork | None:
    """The field named by its slug, its label (diacritics optional) or its number in the list."""
    text = raw.strip()
    if text.isdigit() and 1 <= int(text) <= len(fields):
        return fields[int(text) - 1]
    folded = fold(text)
    return next((f for f in fields if text == f.slug or folded == fold(f.label)), None)


def _field(raw: str, values: dict[str, Any], context: Context) -> FieldOfWork:
    fields = context.settings.fields
    found = find_field(raw, fields)
    slugs = ", ".join(f.slug for f in fields)
    if found is None:
        raise Invalid(
            f"không rõ lĩnh vực \"{raw}\"; dùng một trong: {slugs}",
            f"unknown field \"{raw}\"; use one of: {slugs}",
        )
    match: ProvinceMatch | None = values.get("province")
    if match is not None and not found.allowed_in(match.province):
        only = ", ".join(found.provinces)
        raise Invalid(
            f"lĩnh vực \"{found.slug}\" chỉ dùng cho {only}",
            f"field \"{found.slug}\" is only for {only}",
        )
    return found


def _kind(raw: str, _: dict[str, Any], __: Context) -> Kind:
    folded = fold(raw)  # "tap-the", "tập thể" and "Tap the" all fold to "tap the"
    for kind in Kind:
        if folded in {fold(kind.value), fold(kind.label)}:
            return kind
    raise Invalid(
        "loại mô hình là tap-the (tập thể) hoặc ca-nhan (cá nhân)",
        "kind is tap-the (collective) or ca-nhan (individual)",
    )


def _date(raw: str, _: dict[str, Any], __: Context) -> dt.date:
    text = raw.strip()
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise Invalid(
        f"ngày \"{text}\" không hợp lệ; viết dạng YYYY-MM-DD, ví dụ 2024-07-24",
        f"malformed date \"{text}\"; write it as YYYY-MM-DD, e.g. 2024-07-24",
    )


def _started(raw: str, values: dict[str, Any], context: Context) -> dt.date | int:
    text = raw.strip()
    if text.isdigit():
        if FIRST_YEAR <= int(text) <= LAST_YEAR:
            return int(text)
        raise Invalid(
            f"năm {text} nằm ngoài khoảng {FIRST_YEAR}-{LAST_YEAR}",
            f"year {text} is outside {FIRST_YEAR}-{LAST_YEAR}",
        )
    return _date(text, values, context)


def _url(raw: str, _: dict[str, Any], __: Context) -> str:
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme in {"http", "https"} and parts.netloc and not re.search(r"\s", text):
        return text
    raise Invalid(
        f"đường dẫn \"{text}\" không hợp lệ; dùng địa chỉ đầy đủ bắt đầu bằng https://",
        f"invalid URL \"{text}\"; use a full address starting with https://",
    )


def _entry_id(raw: str, _: dict[str, Any], __: Context | None) -> str:
    text = raw.strip()
    if _ID.fullmatch(text) and len(text) <= ID_MAX_LENGTH:
        return text
    raise Invalid(
        f"mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, tối đa {ID_MAX_LENGTH} "
        "ký tự, ví dụ ky-tuc-xa-vung-bien-nghe-an",
        f"ids use lowercase ASCII letters, digits and hyphens, at most {ID_MAX_LENGTH} "
        "characters, e.g. ky-tuc-xa-vung-bien-nghe-an",
    )


# --- the questions ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What answers are checked against."""

    settings: Settings
    registry: ProvinceRegistry


@dataclass(frozen=True, slots=True)
class Question:
    """One value of the entry: its flag, its prompt and how an answer is checked."""

    key: str
    """The attribute of ``Answers``."""
    prompt: str
    """Vietnamese first, then a short English name."""
    parse: Callable[[str, dict[str, Any], Context], Any]
    required: bool = False
    default: str | None = None
    """Taken when Enter is pressed on an empty line."""

    @property
    def flag(self) -> str:
        """The command-line flag that gives this value."""
        return "--" + self.key.replace("_", "-")


SKIP = ", Enter để bỏ qua"
QUESTIONS = (
    Question("title", "Tên mô hình (title)", _text, required=True),
    Question("province", "Tỉnh, thành phố, ví dụ nghe-an hoặc Hà Nam (province)", _province,
             required=True),
    Question("locality", f"Địa bàn: xã, phường, thôn (locality){SKIP}", _text),
    Question("field", "Lĩnh vực: số thứ tự, mã hoặc tên (field)", _field, required=True),
    Question("kind", "Tập thể hay cá nhân: tap-the / ca-nhan (kind)", _kind, required=True,
             default="tap-the"),
    Question("unit", f"Đơn vị hoặc người thực hiện (unit){SKIP}", _text),
    Question("source_title", "Nguồn: tên bài viết hoặc văn bản (source title)", _text,
             required=True),
    Question("source_publisher", f"Nguồn: nơi đăng (source publisher){SKIP}", _text),
    Question("source_date", f"Nguồn: ngày đăng, YYYY-MM-DD (source date){SKIP}", _date),
    Question("source_url", f"Nguồn: đường dẫn https://… (source URL){SKIP}", _url),
    Question("started", "Năm hoặc ngày bắt đầu mô hình, YYYY hoặc YYYY-MM-DD (started)",
             _started),
    Question("summary", "Tóm tắt một hai câu (summary)", _text, required=True),
)


def _needs_year(values: dict[str, Any]) -> bool:
    # Every model is filed under a year, taken from `started` or else from a
    # dated source; with neither, `dvk check` rejects the entry.
    return values.get("source_date") is None and values.get("started") is None


def _ask(question: Question, values: dict[str, Any], context: Context, *, ask: Ask,
         say: Say, required: bool) -> Any:
    default = question.default
    if question.key == "field":
        say("Lĩnh vực (fields): " + "; ".join(
            f"{n}. {f.slug} ({f.label})" for n, f in enumerate(context.settings.fields, 1)))
    while True:
        shown = f"{question.prompt} [{default}]: " if default else f"{question.prompt}: "
        raw = ask(shown).strip() or (default or "")
        if not raw:
            if not required:
                return None
            say("cần có câu trả lời (an answer is required)")
            continue
        try:
            return question.parse(raw, values, context)
        except Invalid as exc:
            say(str(exc))
            default = exc.suggestion


def collect(answers: Answers, context: Context, ask: Ask | None, say: Say) -> dict[str, Any]:
    """Every value of the entry, checked; ask for what is missing or wrong when ``ask`` is given.

    Without ``ask``, every missing or invalid value is reported at once, each
    naming its flag, in one ``ScaffoldError``. An empty value counts as not given.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    invalid: set[str] = set()
    for question in QUESTIONS:
        raw = (getattr(answers, question.key) or "").strip()
        # A year is needed when no source date is given; a date given but
        # malformed is reported as such, not as a missing year too.
        required = question.required or (
            question.key == "started" and _needs_year(values) and "source_date" not in invalid
        )
        value = None
        if raw:
            try:
                value = question.parse(raw, values, context)
            except Invalid as exc:
                if ask is None:
                    problems.append(f"{question.flag}: {exc}")
                    invalid.add(question.key)
                    values[question.key] = None
                    continue
                say(str(exc))  # and ask again below
        if value is None and ask is not None:
            if question.key == "started":
                if not required:
                    values["started"] = None
                    continue  # a dated source gives the year; do not ask for more
                say("nguồn không ghi ngày, nên cần năm bắt đầu: mỗi mô hình được xếp theo năm "
                    "(the source has no date, so give the start year: models are filed by year)")
            try:
                value = _ask(question, values, context, ask=ask, say=say, required=required)
            except EOFError:
                raise ScaffoldError(
                    "đầu vào kết thúc trước khi trả lời xong; chưa tạo tệp nào "
                    "(input ended before every question was answered; nothing was written)"
                ) from None
        elif value is None and required:
            problems.append(_missing(question))
        values[question.key] = value
    if problems:
        raise ScaffoldError(
            "không tạo được mô hình (cannot create the entry):\n  " + "\n  ".join(problems)
        )
    return values


def _missing(question: Question) -> str:
    if question.key == "started":
        return (
            "thiếu --source-date hoặc --started: mỗi mô hình cần một năm "
            "(missing --source-date or --started: every model is filed under a year)"
        )
    return f"{question.flag}: thiếu giá trị bắt buộc (missing required value)"


# --- the id ------------------------------------------------------------------------------


def _fit(slug: str, limit: int) -> str:
    """``slug`` cut to ``limit`` characters at a word boundary."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:limit]


def derive_id(title: str, place: str, number: int = 1) -> str:
    """The id for ``title`` in ``place`` (a slug): "Ký túc xá vùng biên", nghe-an ->
    ky-tuc-xa-vung-bien-nghe-an, and with ``number`` 2, ky-tuc-xa-vung-bien-nghe-an-2.

    The place is not repeated when the title already ends with it. The title,
    never the place or the number, is shortened, at a word boundary, so the id
    fits ID_MAX_LENGTH.
    """
    suffix = f"-{number}" if number > 1 else ""
    head = slugify(title) or "mo-hinh"
    if head == place or head.endswith("-" + place):
        head = head.removesuffix(place).rstrip("-")
    head = _fit(head, ID_MAX_LENGTH - len(place) - len(suffix) - 1)
    return f"{head}-{place}{suffix}" if head else f"{place}{suffix}"


def unique_id(title: str, place: str, used: Iterable[str]) -> str:
    """The first of ``derive_id``'s ids, unnumbered then -2, -3…, that is not in ``used``."""
    taken = set(used)
    return next(
        candidate for number in itertools.count(1)
        if (candidate := derive_id(title, place, number)) not in taken
    )


def _unquote(value: str) -> str:
    return value.strip().strip("'\"")


def ids_in(text: str) -> list[str]:
    """The id and old ids (redirect_from) a file's front matter declares.

    A line-by-line read, not a YAML parse: it must also work on a file that
    is half written or broken, and an id missed here is still caught by
    ``dvk check``'s duplicate-id rule.
    """
    found: list[str] = []
    in_redirects = False
    for index, line in enumerate(text.splitlines()):
        if index and line.strip() == FENCE:
            break
        if in_redirects and (item := _ITEM_LINE.match(line)):
            found.append(_unquote(item["value"]))
            continue
        in_redirects = False
        if match := _ID_LINE.match(line):
            found.append(_unquote(match["value"]))
        elif match := _REDIRECT_LINE.match(line):
            rest = match["rest"].strip()
            if rest.startswith("["):
                found.extend(_unquote(v) for v in rest.strip("[]").split(",") if v.strip())
            else:
                in_redirects = not rest
    return found


def used_ids(settings: Settings) -> dict[str, Path]:
    """Every id taken in the entries folder (file names, ids, old ids) and the file taking it."""
    used: dict[str, Path] = {}
    for name in entry_files(settings):
        path = Path(name)
        used.setdefault(path.stem, path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # `dvk check` reports the file; its name is still counted
        for taken in ids_in(text):
            used.setdefault(taken, path)
    return used


# --- the file ----------------------------------------------------------------------------


def _is_plain_safe(text: str) -> bool:
    # A value may go unquoted when it starts with a letter (so no YAML
    # indicator, number or date can begin it) and reads back unchanged, with
    # and without a comment after it, under YAML 1.1, which reads more words
    # as non-text (yes, on, null) than the YAML 1.2 of editors does.
    if not text[:1].isalpha():
        return False
    for line in (f"k: {text}\n", f"k: {text}  # c\n"):
        try:
            if yaml.safe_load(line) != {"k": text}:
                return False
        except yaml.YAMLError:
            return False
    return True


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is safe, else double-quoted.

    A JSON string is a valid YAML double-quoted scalar, so json.dumps does the
    escaping of quotes and backslashes.
    """
    return text if _is_plain_safe(text) else json.dumps(text, ensure_ascii=False)


def _with_comment(line: str, comment: str) -> str:
    return f"{line}  # {comment}"


def _province_value(match: ProvinceMatch, registry: ProvinceRegistry) -> str:
    # The slug, unless an old unit was named: then its name is kept, so the
    # page can say "Ninh Bình · Hà Nam (cũ)". An old unit sharing the merged
    # unit's name needs "(cũ)", or it would read as today's unit.
    if match.old is None:
        return match.province.slug
    if registry.resolve(match.old.name) == match:
        return match.old.name
    return f"{match.old.name} (cũ)"


def _source_lines(values: dict[str, Any]) -> list[str]:
    given = {
        "title": scalar(values["source_title"]),
        "publisher": scalar(values["source_publisher"]) if values["source_publisher"] else None,
        "date": values["source_date"].isoformat() if values["source_date"] else None,
        "url": scalar(values["source_url"]) if values["source_url"] else None,
    }
    lines: list[str] = []
    for key in SourceSpec.model_fields:
        if given.get(key) is not None:
            lead = "  - " if not lines else "    "
            lines.append(f"{lead}{key}: {given[key]}")
    return lines


def _summary_lines(summary: str) -> list[str]:
    line = f"summary: {scalar(summary)}"
    if len(line) <= _SUMMARY_WIDTH:
        return [line]
    # A folded block (>-) wraps long text without quoting: its line breaks
    # read back as the single spaces one_line left between words.
    wrapped = textwrap.wrap(summary, _SUMMARY_WIDTH - 2, break_long_words=False,
                            break_on_hyphens=False)
    return ["summary: >-", *(f"  {part}" for part in wrapped)]


def render_entry(entry_id: str, values: dict[str, Any], context: Context,
                 schema_ref: str) -> str:
    """The text of the new entry file: commented front matter, then the body template."""
    match: ProvinceMatch = values["province"]
    field: FieldOfWork = values["field"]
    kind: Kind = values["kind"]
    started = values.get("started")
    place = match.province.name + (f" ({match.old.name} cũ)" if match.old else "")
    other = next(k for k in Kind if k is not kind)
    by_key: dict[str, list[str]] = {
        "id": [_with_comment(f"id: {entry_id}", "không đổi sau khi đăng: trang /mo-hinh/<id>/")],
        "title": [f"title: {scalar(values['title'])}"],
        "province": [_with_comment(f"province: {scalar(_province_value(match, context.registry))}",
                                   place)],
        "locality": [f"locality: {scalar(values['locality'])}"] if values["locality"] else [],
        "field": [_with_comment(f"field: {field.slug}", field.label)],
        "kind": [_with_comment(f"kind: {kind.value}",
                               f"{kind.label.lower()}; {other.label.lower()} là {other.value}")],
        "unit": [f"unit: {scalar(values['unit'])}"] if values["unit"] else [],
        "started": (
            [f"started: {started if isinstance(started, int) else started.isoformat()}"]
            if started is not None else
            ["# started: 2024-08-19  # ngày (YYYY-MM-DD) hoặc năm bắt đầu, nếu nguồn có ghi"]
        ),
        "summary": _summary_lines(values["summary"]),
        "results": ['# results:  # kết quả kiểm chứng được, mỗi mục một dòng "  - …"'],
        "sources": [_with_comment("sources:", "thêm nguồn khác theo cùng mẫu"),
                    *_source_lines(values)],
    }
    lines = [FENCE, f"# yaml-language-server: $schema={schema_ref}"]
    for key in EntryFrontMatter.model_fields:  # the schema's key order
        lines.extend(by_key.get(key, []))
    lines.append(FENCE)
    for heading, hint in SECTIONS:
        lines.extend(["", f"## {heading}", "", f"<!-- {hint} -->"])
    return "\n".join(lines) + "\n"


def _check_written_text(text: str, shown: str) -> None:
    # The file must be one the loader accepts; an answer that slipped past the
    # checks above is reported here, before anything is written.
    try:
        data = parse_front_matter(text, shown).data
        EntryFrontMatter.model_validate(data)
    except FrontMatterError as exc:
        raise ScaffoldError(str(exc)) from exc
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ScaffoldError(
            f"giá trị không hợp lệ, chưa tạo tệp (invalid values, nothing written): {details}"
        ) from exc


def create_entry(answers: Answers, settings: Settings, registry: ProvinceRegistry, *,
                 schema_file: Path, ask: Ask | None, say: Say) -> Created:
    """Write a new entry file from ``answers`` (and questions, when ``ask`` is given).

    Raises ``ScaffoldError`` on missing or invalid values, on an explicit id
    already in use, and when the file exists: nothing is overwritten.
    """
    context = Context(settings, registry)
    used = used_ids(settings)
    explicit = _explicit_id(answers.entry_id)
    if explicit and explicit in used:  # before any question, not after all of them
        _refuse(explicit, used[explicit], settings)
    values = collect(answers, context, ask, say)
    match: ProvinceMatch = values["province"]
    place = slugify(match.old.name) if match.old else match.province.slug
    entry_id = explicit or unique_id(values["title"], place, used)
    first_choice = derive_id(values["title"], place)
    if not explicit and entry_id != first_choice:
        # The same title in the same place is more often a model entered twice
        # than a second model; say so while it is cheap to stop.
        holder = display_path(used[first_choice], settings.root)
        say(f"mã {first_choice} đã được dùng ở {holder}, nên dùng mã {entry_id}; kiểm tra "
            f"xem mô hình đã có chưa (id {first_choice} is taken by {holder}, so the new "
            f"entry is {entry_id}; check it is not the same model)")
    path = settings.entries_path / match.province.slug / f"{entry_id}.md"
    schema_ref = Path(os.path.relpath(schema_file.resolve(), path.parent.resolve())).as_posix()
    text = render_entry(entry_id, values, context, schema_ref)
    _check_written_text(text, display_path(path, settings.root))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        _refuse(entry_id, path, settings)
    return Created(path, entry_id)


def _explicit_id(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        return _entry_id(raw, {}, None)
    except Invalid as exc:
        raise ScaffoldError(f"--id: {exc}") from None


def _refuse(entry_id: str, holder: Path, settings: Settings) -> NoReturn:
    shown = display_path(holder, settings.root)
    if holder.stem == entry_id:
        raise ScaffoldError(
            f"{shown}: đã có tệp mang mã này; dvk new không bao giờ ghi đè. Chọn mã khác với "
            f"--id, hoặc bỏ --id để tự đặt mã ({shown}: a file with this id exists and dvk new "
            "never overwrites; pick another --id, or leave --id out to get a free one)"
        )
    raise ScaffoldError(
        f"{shown}: mã \"{entry_id}\" đã được dùng ở tệp này (id or old id); chọn mã khác "
        f"với --id ({shown}: id \"{entry_id}\" is already used by this file; pick another --id)"
    )
