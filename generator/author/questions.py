"""The questions ``dvk new`` asks, and how each answer is checked.

One parser per value turns a flag's text or a typed line into what the entry
holds (a province match, a field, a date...), checking it the way the loader
does (the province registry, the config's taxonomy), and raises ``InvalidAnswer``
saying why when it cannot; ``collect`` asks again when someone is at the
keyboard and reports every problem at once when no one is. Questions and
remarks go through the ``ask`` and ``say`` callables the CLI passes in, so
tests can answer them. It is apart from the id and the file's text, which
start from checked values and never ask anything.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from generator.core.errors import InvalidAnswer, ScaffoldError
from generator.core.model import (
    FIRST_YEAR,
    ID_MAX_LENGTH,
    ID_PATTERN,
    LAST_YEAR,
    FieldOfWork,
    Kind,
)
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.core.settings import Settings
from generator.core.text import fold, nfc

Ask = Callable[[str], str]
"""Shows a prompt and returns the line typed (``input``); EOFError when input ends."""
Say = Callable[[str], None]
"""Shows a remark to the person answering."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(ID_PATTERN)


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


# --- one parser per answer -------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` in NFC, control characters dropped, each run of whitespace as one space.

    Every value but the body is one line of text; a line break pasted into a
    title would otherwise need YAML's escapes, or end the value.
    """
    printable = "".join(ch for ch in nfc(text) if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(printable.split())


def parse_text(raw: str, _: dict[str, Any], __: Context) -> str:
    return one_line(raw)


def _province(raw: str, _: dict[str, Any], context: Context) -> ProvinceMatch:
    match = context.registry.resolve(raw)
    if match is None:
        near = context.registry.suggest(raw)
        hint_vi = f"; có phải \"{near}\"?" if near else ""
        hint_en = f"; did you mean \"{near}\"?" if near else ""
        raise InvalidAnswer(
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
        raise InvalidAnswer(
            f"không rõ lĩnh vực \"{raw}\"; dùng một trong: {slugs}",
            f"unknown field \"{raw}\"; use one of: {slugs}",
        )
    match: ProvinceMatch | None = values.get("province")
    if match is not None and not found.allowed_in(match.province):
        only = ", ".join(found.provinces)
        raise InvalidAnswer(
            f"lĩnh vực \"{found.slug}\" chỉ dùng cho {only}",
            f"field \"{found.slug}\" is only for {only}",
        )
    return found


def _kind(raw: str, _: dict[str, Any], __: Context) -> Kind:
    folded = fold(raw)  # "tap-the", "tập thể" and "Tap the" all fold to "tap the"
    for kind in Kind:
        if folded in {fold(kind.value), fold(kind.label)}:
            return kind
    raise InvalidAnswer(
        "loại mô hình là tap-the (tập thể) hoặc ca-nhan (cá nhân)",
        "kind is tap-the (collective) or ca-nhan (individual)",
    )


def parse_date(raw: str, _: dict[str, Any], __: Context) -> dt.date:
    text = raw.strip()
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidAnswer(
        f"ngày \"{text}\" không hợp lệ; viết dạng YYYY-MM-DD, ví dụ 2024-07-24",
        f"malformed date \"{text}\"; write it as YYYY-MM-DD, e.g. 2024-07-24",
    )


def _started(raw: str, values: dict[str, Any], context: Context) -> dt.date | int:
    text = raw.strip()
    if text.isdigit():
        if FIRST_YEAR <= int(text) <= LAST_YEAR:
            return int(text)
        raise InvalidAnswer(
            f"năm {text} nằm ngoài khoảng {FIRST_YEAR}-{LAST_YEAR}",
            f"year {text} is outside {FIRST_YEAR}-{LAST_YEAR}",
        )
    return parse_date(text, values, context)


def parse_url(raw: str, _: dict[str, Any], __: Context) -> str:
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme in {"http", "https"} and parts.netloc and not re.search(r"\s", text):
        return text
    raise InvalidAnswer(
        f"đường dẫn \"{text}\" không hợp lệ; dùng địa chỉ đầy đủ bắt đầu bằng https://",
        f"invalid URL \"{text}\"; use a full address starting with https://",
    )


def parse_entry_id(raw: str, _: dict[str, Any], __: Context | None) -> str:
    text = raw.strip()
    if _ID.fullmatch(text) and len(text) <= ID_MAX_LENGTH:
        return text
    raise InvalidAnswer(
        f"mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, tối đa {ID_MAX_LENGTH} "
        "ký tự, ví dụ ky-tuc-xa-vung-bien-nghe-an",
        f"ids use lowercase ASCII letters, digits and hyphens, at most {ID_MAX_LENGTH} "
        "characters, e.g. ky-tuc-xa-vung-bien-nghe-an",
    )


def explicit_id(raw: str | None) -> str | None:
    """The id given with ``--id``, checked; None when none was given."""
    if not raw or not raw.strip():
        return None
    try:
        return parse_entry_id(raw, {}, None)
    except InvalidAnswer as exc:
        raise ScaffoldError(f"--id: {exc}") from None


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
    Question("title", "Tên mô hình (title)", parse_text, required=True),
    Question("province", "Tỉnh, thành phố, ví dụ nghe-an hoặc Hà Nam (province)", _province,
             required=True),
    Question("locality", f"Địa bàn: xã, phường, thôn (locality){SKIP}", parse_text),
    Question("field", "Lĩnh vực: số thứ tự, mã hoặc tên (field)", _field, required=True),
    Question("kind", "Tập thể hay cá nhân: tap-the / ca-nhan (kind)", _kind, required=True,
             default="tap-the"),
    Question("unit", f"Đơn vị hoặc người thực hiện (unit){SKIP}", parse_text),
    Question("source_title", "Nguồn: tên bài viết hoặc văn bản (source title)", parse_text,
             required=True),
    Question("source_publisher", f"Nguồn: nơi đăng (source publisher){SKIP}", parse_text),
    Question("source_date", f"Nguồn: ngày đăng, YYYY-MM-DD (source date){SKIP}", parse_date),
    Question("source_url", f"Nguồn: đường dẫn https://… (source URL){SKIP}", parse_url),
    Question("started", "Năm hoặc ngày bắt đầu mô hình, YYYY hoặc YYYY-MM-DD (started)",
             _started),
    Question("summary", "Tóm tắt một hai câu (summary)", parse_text, required=True),
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
        except InvalidAnswer as exc:
            say(str(exc))
            default = exc.suggestion


def collect(answers: object, context: Context, ask: Ask | None, say: Say, *,
            questions: Sequence[Question] = QUESTIONS,
            subject: str = "mô hình (cannot create the entry)") -> dict[str, Any]:
    """Every value ``questions`` ask for (an entry's by default), checked; ask for what is
    missing or wrong when ``ask`` is given; ``answers`` holds the flags, by question key.

    Without ``ask``, every missing or invalid value is reported at once, each
    naming its flag, in one ``ScaffoldError`` that names the ``subject`` not made. An
    empty value counts as not given.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    invalid: set[str] = set()
    for question in questions:
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
            except InvalidAnswer as exc:
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
        raise ScaffoldError(f"không tạo được {subject}:\n  " + "\n  ".join(problems))
    return values


def _missing(question: Question) -> str:
    if question.key == "started":
        return (
            "thiếu --source-date hoặc --started: mỗi mô hình cần một năm "
            "(missing --source-date or --started: every model is filed under a year)"
        )
    return f"{question.flag}: thiếu giá trị bắt buộc (missing required value)"
