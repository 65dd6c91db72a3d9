"""Problems as people and machines read them: coloured text, GitHub annotations, JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from generator.core.errors import Problem, Severity

FORMATS = ("text", "github", "json")

_RED, _YELLOW, _BOLD, _DIM, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"


def use_colour(stream: TextIO) -> bool:
    """Colour for a terminal, unless NO_COLOR is set; FORCE_COLOR forces it (see no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _label(problem: Problem) -> str:
    return "lỗi" if problem.severity is Severity.ERROR else "cảnh báo"


def text_line(problem: Problem, *, colour: bool = False) -> str:
    """``path:line: field: message (EN: message) [lỗi]``, compiler-style, so editors link it."""
    if not colour:
        return f"{problem.format()} [{_label(problem)}]"
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    tint = _RED if problem.severity is Severity.ERROR else _YELLOW
    return (f"{_BOLD}{where}{_RESET}: {tint}{problem.field}{_RESET}: {problem.vi} "
            f"{_DIM}(EN: {problem.en}){_RESET} {tint}[{_label(problem)}]{_RESET}")


def counts(problems: Sequence[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors, len(problems) - errors


def summary(problems: Sequence[Problem]) -> str:
    """"2 lỗi, 1 cảnh báo (2 errors, 1 warnings)"."""
    errors, warnings = counts(problems)
    return f"{errors} lỗi, {warnings} cảnh báo ({errors} errors, {warnings} warnings)"


def write_text(problems: Sequence[Problem], out: TextIO) -> None:
    """Each problem on a line, then the counts."""
    colour = use_colour(out)
    for problem in problems:
        print(text_line(problem, colour=colour), file=out)
    print(summary(problems), file=out)


def _escape_data(value: str) -> str:
    # GitHub's workflow-command escaping (the runner's toolkit, command.ts).
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """``::error file=…,line=…,title=…::message``: an annotation on the pull request's diff."""
    command = "error" if problem.severity is Severity.ERROR else "warning"
    properties = [f"file={_escape_property(problem.path)}"]
    if problem.line:
        properties.append(f"line={problem.line}")
    title = f"dvk {problem.rule}: {problem.field}" if problem.rule else f"dvk: {problem.field}"
    properties.append(f"title={_escape_property(title)}")
    message = f"{problem.vi} (EN: {problem.en})"
    return f"::{command} {','.join(properties)}::{_escape_data(message)}"


def as_json(problems: Sequence[Problem], checked: int | None) -> str:
    """The problems and their counts as one JSON document."""
    errors, warnings = counts(problems)
    document = {
        "checked": checked,
        "errors": errors,
        "warnings": warnings,
        "problems": [
            {"path": p.path, "line": p.line, "field": p.field, "rule": p.rule,
             "severity": p.severity.value, "message": p.vi, "message_en": p.en}
            for p in problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
