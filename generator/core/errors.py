"""Located problems and the small exception tree the CLI turns into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    rule: str = ""
    """The rule's name (e.g. ``unknown-province``): stable, for JSON output and tests."""

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


class BuildFailed(DvkError):
    """MkDocs itself failed (exit 1): a broken link in strict mode, a template error..."""

    exit_code = 1


class ScaffoldError(DvkError):
    """``dvk new``: the answers cannot make an entry, or the file would overwrite one (exit 2)."""

    exit_code = 2


class InvalidAnswer(DvkError):
    """``dvk new``: an answer that cannot be used, with why in both languages (exit 2).

    Asked again on a terminal; reported with its flag otherwise.
    """

    exit_code = 2

    def __init__(self, vi: str, en: str, suggestion: str | None = None) -> None:
        super().__init__(f"{vi} ({en})")
        self.suggestion = suggestion
        """What the answer probably meant, offered as the default of the next prompt."""


class ImageProblem(DvkError):
    """Why an image cannot be published, with its fix, in Vietnamese and English (exit 1)."""

    exit_code = 1

    def __init__(self, rule: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.rule = rule
        self.vi = vi
        self.en = en


class ContentErrors(DvkError):
    """The content has one or more errors (exit 1); carries every problem found."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem], checked: int | None = None) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        self.checked = checked
        """How many entries were checked, when known."""
        errors = sum(p.severity is Severity.ERROR for p in self.problems)
        super().__init__(f"{errors} lỗi nội dung (content errors)")


def as_errors(problems: Iterable[Problem]) -> list[Problem]:
    """``--strict``: every warning becomes an error, keeping its rule, place and message.

    The one place strict mode is applied, so that every output (text, JSON,
    GitHub annotations) names the rule of a warning turned error.
    """
    return [p if p.severity is Severity.ERROR else replace(p, severity=Severity.ERROR)
            for p in problems]


def raise_on_errors(
    problems: Iterable[Problem], *, strict: bool = False, checked: int | None = None
) -> tuple[Problem, ...]:
    """The problems, sorted, if none is an error; else raise ``ContentErrors`` with all of them.

    With ``strict``, warnings count as errors. ``checked`` is how many entries
    were checked, for the reports.
    """
    found = as_errors(problems) if strict else list(problems)
    if any(p.severity is Severity.ERROR for p in found):
        raise ContentErrors(found, checked=checked)
    return tuple(sorted(found, key=Problem.sort_key))


class FrontMatterError(ContentErrors):
    """A file that cannot be read as an entry at all: one located problem (exit 1)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
        self.args = (problem.format(),)
        self.problem = problem


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it lies inside it, for short messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


RULES: dict[str, str] = {
    # The file itself
    "not-utf8": "the file is not UTF-8",
    "no-front-matter": "the file does not start with a --- line and YAML front matter",
    "unclosed-front-matter": "the closing --- line of the front matter is missing",
    "unreadable-file": "the file cannot be read (a folder, a broken link, no permission)",
    "file-too-large": "an entry file over the size limit (256 KB): not an entry",
    "front-matter-too-large": "front matter over the size limit (32 KB)",
    "yaml-syntax": "the front matter is not valid YAML",
    "control-character": "a control character in the front matter, typed or escaped (\\0, \\b)",
    "yaml-alias": "the front matter uses a YAML alias (*name): a billion-laughs bomb, or a trap",
    "yaml-tag": "the front matter uses an explicit YAML tag (!!binary, !!set, …)",
    "yaml-too-deep": "the front matter nests lists or mappings over 20 deep",
    "number-too-long": "a number over 1,000 characters long (quote it if it is text)",
    "not-a-mapping": "the front matter, or an item of a list, is not key: value lines",
    "duplicate-key": "a key is given twice",
    "symlink-outside": "a content file that is a symbolic link to outside the content folder",
    # The schema
    "missing-field": "a required key is missing",
    "missing-source": "no sources key",
    "empty-sources": "the sources list is empty",
    "unknown-key": "a key the schema does not know (with the nearest known key)",
    "bad-id": "an id that is not lowercase ASCII words joined by hyphens",
    "bad-date": "a date not written YYYY-MM-DD, or not a real date",
    "bad-year": "a year outside 1945-2100",
    "bad-kind": "a kind other than tap-the or ca-nhan",
    "bad-url": "a source URL that is not a full http(s) address",
    "empty-text": "a text value that is empty or not text",
    "too-long": "a text value over its length limit (an id over 120 characters)",
    "not-a-list": "a value that must be a list and is not",
    "invalid-value": "any other value the schema rejects",
    "unknown-province": "a province that is none of the 34 units nor an old name",
    "unknown-field": "a field (lĩnh vực) that is not in the taxonomy",
    "field-not-allowed": "a province's own field used by another province",
    "no-year": "neither a start date nor a dated source gives the model a year",
    "unsafe-url": "a link, image or HTML attribute of the body with a javascript:, vbscript: "
                  "or data: address (however spelt)",
    "misplaced-file": "the file is not at <entries>/<province>/<id>.md (warning)",
    # Images
    "image-not-found": "an image file that does not exist",
    "image-outside": "an image path that leaves the entry's folder (../)",
    "image-format": "an image in a format other than JPEG, PNG or WebP",
    "image-unreadable": "an image file that cannot be read (damaged, truncated, HEIC, SVG…)",
    "image-too-large": "an image file over the size limit (15 MB)",
    "image-too-many-pixels": "an image over the pixel limit (50 megapixels): a decompression bomb",
    "image-too-long": "an image too tall for its width to publish",
    # Across entries
    "duplicate-id": "two entries with one id",
    "redirect-claimed": "two entries redirecting one old id",
    "redirect-is-id": "an old id that is another entry's id",
    "published-id-gone": "an entry published at the base revision lost its id (--changed-since)",
    "published-url-gone": "a URL of the published manifest would die (--published)",
    # Lints (warnings)
    "long-summary": "a summary too long for cards and search results",
    "empty-section": "a body section with nothing but the template's hint under it",
    "personal-phone": "what looks like a personal phone number",
    "personal-id-number": "what looks like a CCCD/CMND number",
    "personal-email": "what looks like a personal e-mail address",
    "similar-title": "a new entry whose title and province look like an existing entry's",
    # Reported figures (content/so-lieu-bao-cao.yml; also the file rules and schema rules above)
    "bad-number": "a reported figure that is not a whole number (24.250 reads as 24.25)",
    "unknown-measure": "a reported figure counting something other than tong-so, tap-the, "
                       "ca-nhan or a field",
    "duplicate-figure": "one report giving the same measure twice",
    # Press records (content/bao-chi/*.yml; also the file rules and schema rules above)
    "missing-model": "a press record naming no model",
    "bad-language": "a press record's language that is not a code such as vi or en",
    "unknown-model": "a press record naming a model id no entry has (nor had)",
    "unknown-contest": "a press record filed under a contest site_config.yml does not declare",
    "duplicate-article": "one article (its URL) filed in two press records",
    "future-date": "a press record dated after today",
}
"""Every rule ``dvk check`` applies, by name, as JSON output and annotations name them."""
