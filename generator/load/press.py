"""Read one press record (``content/bao-chi/<name>.yml``) into a ``PressRecord``, or problems.

Like an entry file, a record is read within limits, parsed with every line
kept, and checked against its schema (``generator.core.press.PressSpec``),
every problem located at its line, in Vietnamese and English. What needs the
other files (the models it names, the contest, an article filed twice) is
checked once all are read (``generator.check.press``).
"""

from __future__ import annotations

import difflib
import hashlib
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.core.errors import FrontMatterError, Problem, Severity, display_path
from generator.core.press import PressRecord, PressSpec
from generator.core.settings import Settings
from generator.load.frontmatter import (
    FrontMatter,
    duplicate_keys,
    field_name,
    link_outside,
    locate,
    mapping_items,
    read_yaml_file,
)
from generator.load.listing import sort_paths
from generator.load.messages import schema_message
from generator.load.yamlguard import parse_yaml

EXTENSIONS = (".yml", ".yaml")
KEYS = tuple(PressSpec.model_fields)

_MAY_BE_NULL = {
    "outlet": ("nếu bài không ghi nơi đăng, ghi `outlet: null`",
               "if the article does not say where it appeared, write `outlet: null`"),
    "url": ("nếu bài không còn địa chỉ, ghi `url: null`",
            "if the article has no address any more, write `url: null`"),
}


def press_files(settings: Settings) -> list[str]:
    """Every press record file, in a stable order (none without the folder)."""
    found: list[str] = []
    for folder, _, filenames in os.walk(settings.press_path):
        found.extend(os.path.join(folder, name) for name in filenames  # noqa: PTH118
                     if name.endswith(EXTENSIONS))
    return sort_paths(found)


def _message(error: Any) -> tuple[str, str, str]:
    loc = tuple(error["loc"])
    key = str(loc[0]) if loc else ""
    kind = error["type"]
    if kind == "missing" and len(loc) == 1:
        vi, en = f"thiếu trường bắt buộc; hãy thêm dòng `{key}: …`", \
            f"required field is missing; add a `{key}: …` line"
        if key in _MAY_BE_NULL:
            hint_vi, hint_en = _MAY_BE_NULL[key]
            vi, en = f"{vi} ({hint_vi})", f"{en} ({hint_en})"
        return "missing-field", vi, en
    if kind == "extra_forbidden" and len(loc) == 1:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint_vi = f"; có phải `{close[0]}`?" if close else f"; dùng một trong: {', '.join(KEYS)}"
        hint_en = f"; did you mean `{close[0]}`?" if close else f"; use one of: {', '.join(KEYS)}"
        return "unknown-key", f"trường không được hỗ trợ{hint_vi}", f"unknown field{hint_en}"
    if kind == "too_short" and key == "models":
        return ("missing-model", "bài phải nêu ít nhất một mô hình: thêm dòng `- <mã mô hình>` "
                "dưới `models:`", "the article must name at least one model: add a "
                "`- <entry id>` line under `models:`")
    if kind == "string_pattern_mismatch" and key == "language":
        return ("bad-language", "ngôn ngữ ghi bằng mã như vi (tiếng Việt) hoặc en (tiếng Anh)",
                "give the language as a code such as vi (Vietnamese) or en (English)")
    if kind == "model_type" and not loc:
        return ("not-a-mapping", "tệp phải là các dòng `khóa: giá trị`, bắt đầu bằng "
                "`title: …`", "the file must be `key: value` lines, starting with `title: …`")
    return schema_message({**error, "loc": loc})


def read_press(path: Path, settings: Settings) -> tuple[PressRecord | None, list[Problem]]:
    """Read one press record: the record (None on any error), and every problem found."""
    shown = display_path(path, settings.root)
    outside = link_outside(path, settings)
    if outside is not None:
        return None, [outside]
    text = read_yaml_file(path, shown)
    if isinstance(text, Problem):
        return None, [text]
    try:
        data, node = parse_yaml(text, shown, first_line=1)  # no --- fence: line 1 is the file's
    except FrontMatterError as exc:
        return None, [exc.problem]
    problems = duplicate_keys(FrontMatter(data, node, 1, "", 0), shown)

    def add(loc: tuple[str | int, ...], vi: str, en: str, rule: str) -> None:
        # A key that is missing altogether is reported at the file's first line.
        line = max(1, locate(node, loc, 1))
        problems.append(Problem(shown, line, field_name(loc), vi, en, rule=rule))

    spec: PressSpec | None = None
    try:
        spec = PressSpec.model_validate(data if data is not None else {})
    except ValidationError as exc:
        for error in exc.errors():
            rule, vi, en = _message(error)
            add(tuple(error["loc"]), vi, en, rule)
    if spec is None or any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    lines = {str(k.value): 1 + k.start_mark.line for k, _ in mapping_items(node)}
    lines.update((f"models.{i}", locate(node, ("models", i), 1)) for i in range(len(spec.models)))
    return PressRecord(
        id=path.stem,
        title=spec.title,
        outlet=spec.outlet,
        author=spec.author,
        date=spec.date,
        url=str(spec.url) if spec.url else None,
        language=spec.language,
        models=tuple(spec.models),
        contest=spec.contest,
        archive_url=str(spec.archive_url) if spec.archive_url else None,
        rel_path=path.relative_to(settings.content_dir).as_posix(),
        digest=hashlib.blake2b(f"{shown}\0{text}".encode(), digest_size=16).hexdigest(),
        lines=lines,
    ), problems
