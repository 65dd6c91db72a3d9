"""Located problems and the small exception tree the CLI turns into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(Enum):
    """How bad a problem is: errors stop a build, warnings only in --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place in one file, in Vietnamese and English."""

    path: str
    """The file, relative to the project root when possible."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    field: str
    """The front-matter key (dotted for nested ones), or "-" for the file itself."""
    vi: str
    """The message and its fix, in Vietnamese."""
    en: str
    """The same, in English."""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """``path:line: field: message``, compiler-style, so CI and editors can link it."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.vi} (EN: {self.en})"

    def sort_key(self) -> tuple[str, int, str]:
        """Report problems in file then line order."""
        return (self.path, self.line, self.field)


class DvkError(Exception):
    """Base of the errors library code raises; the CLI maps each to an exit code."""

    exit_code = 2


class ConfigError(DvkError):
    """site_config.yml is missing or invalid (exit 2)."""

    exit_code = 2


class ContentErrors(DvkError):
    """The content has one or more errors (exit 1); carries every problem found."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        errors = sum(p.severity is Severity.ERROR for p in self.problems)
        super().__init__(f"{errors} lỗi nội dung (content errors)")


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it lies inside it, for short messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
