"""A new press record from a few answers (``dvk new --press``).

The questions are asked, and each answer checked, as for an entry (questions.py):
the models named must be entries of the site (an old id is taken, and written as
the model's id today), the contest one the config declares, the date no later
than today. The file is named by the article's date and title, made unique in
``content/bao-chi/``, checked against the press records' schema, and never
written over an existing file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.author.entryfile import scalar
from generator.author.ids import fit_slug, used_ids
from generator.author.questions import (
    Ask,
    Context,
    Question,
    Say,
    collect,
    explicit_id,
    parse_date,
    parse_text,
    parse_url,
)
from generator.check.press import nearest_id, unknown_contest, unknown_model
from generator.core.errors import InvalidAnswer, ScaffoldError, display_path
from generator.core.model import ID_MAX_LENGTH
from generator.core.press import LANGUAGE_PATTERN, PressSpec
from generator.core.settings import Settings
from generator.core.text import slugify
from generator.load.press import press_files

_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_MODEL_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class PressAnswers:
    """The values given on the command line; None where a flag was not given."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None
    model: str | None = None
    """Entry ids, separated by commas or spaces (``--model`` may be given several times)."""
    contest: str | None = None
    archive_url: str | None = None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreatedRecord:
    """The press record ``dvk new --press`` wrote."""

    path: Path
    record_id: str
    models: tuple[str, ...]


def _published(raw: str, values: dict[str, Any], context: Context) -> dt.date:
    date = parse_date(raw, values, context)
    if date > dt.date.today():
        raise InvalidAnswer(f"ngày đăng {date} nằm ở tương lai",
                            f"publication date {date} is in the future")
    return date


def _language(raw: str, _: dict[str, Any], __: Context) -> str:
    text = raw.strip()
    if _LANGUAGE.fullmatch(text):
        return text
    raise InvalidAnswer(f"mã ngôn ngữ \"{text}\" không hợp lệ; ví dụ vi, en",
                        f"invalid language tag \"{text}\"; e.g. vi, en")


def _models(used: dict[str, Path]) -> Any:
    """The parser of the models' ids: each an entry's id or old id, written as its id today."""
    def parse(raw: str, _: dict[str, Any], __: Context) -> tuple[str, ...]:
        found: list[str] = []
        for text in filter(None, _MODEL_SEPARATORS.split(raw.strip())):
            holder = used.get(text)
            if holder is None:
                raise InvalidAnswer(*unknown_model(text, used),
                                    suggestion=nearest_id(text, used))
            if holder.stem not in found:  # an entry's file is named by its id
                found.append(holder.stem)
        if not found:
            raise InvalidAnswer("cần ít nhất một mã mô hình", "name at least one entry id")
        return tuple(found)
    return parse


def _contest(settings: Settings) -> Any:
    def parse(raw: str, _: dict[str, Any], __: Context) -> str:
        text = raw.strip()
        declared = {contest.slug for contest in settings.contests}
        if text in declared:
            return text
        raise InvalidAnswer(*unknown_contest(text, declared))
    return parse


def press_questions(settings: Settings, used: dict[str, Path], *, contest: bool = False
                    ) -> tuple[Question, ...]:
    """What a press record asks, in the schema's order; the contest only when one is declared
    or ``contest`` (one was given, to be checked)."""
    skip = ", Enter để bỏ qua"
    questions = [
        Question("title", "Tên bài báo, chép đúng như bài đăng (title)", parse_text,
                 required=True),
        Question("outlet", f"Cơ quan báo chí đăng bài (outlet){skip}", parse_text),
        Question("author", f"Tác giả (author){skip}", parse_text),
        Question("date", "Ngày đăng, YYYY-MM-DD (date)", _published, required=True),
        Question("url", f"Đường dẫn bài báo https://… (url){skip}", parse_url),
        Question("language", "Ngôn ngữ của bài: vi, en… (language)", _language,
                 required=True),
        Question("model", "Mã các mô hình bài viết về, cách nhau bằng dấu phẩy (models)",
                 _models(used), required=True),
    ]
    if settings.contests or contest:
        questions.append(Question("contest", f"Mã cuộc thi báo chí bài dự thi (contest){skip}",
                                  _contest(settings)))
    questions.append(Question("archive_url", f"Đường dẫn bản lưu của bài (archive URL){skip}",
                              parse_url))
    return tuple(questions)


def render_record(values: dict[str, Any], schema_ref: str) -> str:
    """The text of the record: the schema modeline, then the keys in the schema's order."""
    lines = [f"# yaml-language-server: $schema={schema_ref}"]
    for key in PressSpec.model_fields:
        value = values.get(key)
        if key == "models":
            lines.append("models:")
            lines.extend(f"  - {model}" for model in values["model"])
        elif value is None:
            if key in {"outlet", "url"}:  # required keys: null says the article gives none
                lines.append(f"{key}: null  # bài không ghi")
        elif isinstance(value, dt.date):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            lines.append(f"{key}: {scalar(str(value))}")
    return "\n".join(lines) + "\n"


def record_name(date: dt.date, title: str, taken: set[str], number: int = 1) -> str:
    """The record's file name without extension: its date and title, unique among ``taken``."""
    for n in itertools.count(number):
        suffix = f"-{n}" if n > 1 else ""
        head = fit_slug(slugify(title) or "bai-bao", ID_MAX_LENGTH - 11 - len(suffix))
        candidate = f"{date.isoformat()}-{head}{suffix}".rstrip("-")
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def create_record(answers: PressAnswers, settings: Settings, context: Context, *,
                  schema_file: Path, ask: Ask | None, say: Say) -> CreatedRecord:
    """Write a new press record from ``answers`` (and questions, when ``ask`` is given).

    Raises ``ScaffoldError`` on missing or invalid values, and when the file
    exists: nothing is overwritten.
    """
    folder = settings.press_path
    taken = {Path(path).stem for path in press_files(settings)}
    explicit = explicit_id(answers.record_id)
    # Nearly every article is in Vietnamese: asked for only through --language.
    answers = replace(answers, language=answers.language or "vi")
    values = collect(answers, context, ask, say,
                     questions=press_questions(settings, used_ids(settings),
                                               contest=bool(answers.contest)),
                     subject="bài báo (cannot create the press record)")
    name = explicit or record_name(values["date"], values["title"], taken)
    path = folder / f"{name}.yml"
    schema_ref = Path(os.path.relpath(schema_file.resolve(), folder.resolve())).as_posix()
    text = render_record(values, schema_ref)
    try:
        PressSpec.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ScaffoldError(
            f"giá trị không hợp lệ, chưa tạo tệp (invalid values, nothing written): {details}"
        ) from exc
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        shown = display_path(path, settings.root)
        raise ScaffoldError(
            f"{shown}: đã có tệp này; dvk new không bao giờ ghi đè. Chọn tên khác với --id "
            f"({shown} exists and dvk new never overwrites; pick another --id)") from None
    return CreatedRecord(path, name, values["model"])
