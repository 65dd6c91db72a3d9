"""The text of a new entry file: commented front matter, then the body's headed sections.

The front matter follows the schema's key order, writes each value as the
plainest YAML that reads back unchanged, and carries a schema modeline and
Vietnamese comments that guide whoever fills in the rest. It is apart from
``create_entry`` because it only turns checked values into text: it reads no
folder and writes no file, so its bytes can be tested on their own.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import yaml

from generator.author.questions import Context
from generator.core.model import EntryFrontMatter, FieldOfWork, Kind, SourceSpec
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.load.frontmatter import FENCE

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
