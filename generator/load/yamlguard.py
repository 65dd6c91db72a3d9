"""YAML from editors, parsed safely: unsafe constructs refused before any object is built.

Entries and the reported figures come in pull requests from anyone. PyYAML's
safe loader still builds whatever the text asks for: a billion-laughs bomb of
aliases, nesting deep enough to crash libyaml, a number of a million digits.
Every such construct is refused here from the parser's event stream, as one
located problem, and dates stay text so that the schema reports them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.core.errors import FrontMatterError, Problem

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


def refusal(shown: str, line: int, vi: str, en: str, rule: str) -> FrontMatterError:
    return FrontMatterError(Problem(shown, line, "-", vi, en, rule=rule))


def _resolve(loader: SafeLoader, event: yaml.ScalarEvent) -> str:
    """The tag a plain scalar takes (int, float, bool, null or str)."""
    tag: str = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    return tag


def _control_character(shown: str, line: int, character: str) -> FrontMatterError:
    code = f"U+{ord(character):04X}"
    return refusal(
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
            _refuse_event(loader, event, shown, line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(shown, line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.5 stops by itself at 1,000 levels, and its scanner reads
        # a run of `[` ahead before the first event: PyYAML built with it then
        # raises here, before the count above has seen depth 21.
        if "nesting depth" not in str(exc.problem):
            raise
        mark = exc.problem_mark or exc.context_mark
        raise _too_deep(shown, first_line + (mark.line if mark else 0)) from exc
    finally:
        loader.dispose()


def _refuse_event(loader: SafeLoader, event: yaml.Event, shown: str, line: int) -> None:
    """Raise at an alias, an explicit tag, a control character or an endless number."""
    if isinstance(event, yaml.AliasEvent):
        raise refusal(
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
        raise refusal(
            shown, line,
            f"YAML dùng thẻ kiểu {tag}; phần khai báo chỉ dùng văn bản, số, danh sách "
            "và nhóm khóa: xóa thẻ (và đặt giá trị trong ngoặc kép nếu là văn bản)",
            f"the YAML uses the type tag {tag}; front matter holds only text, numbers, "
            "lists and mappings: remove the tag (and quote the value if it is text)",
            "yaml-tag",
        )
    if not isinstance(event, yaml.ScalarEvent):
        return
    bad = _NON_PRINTABLE.search(event.value)
    if bad is not None:
        # An escape in quotes ("\0", "\x07"): as bad in a file name, a feed or a page.
        raise _control_character(shown, line, bad.group())
    if len(event.value) > MAX_NUMBER_CHARS and _resolve(loader, event) == _INT:
        raise refusal(
            shown, line,
            f"số dài {len(event.value)} ký tự, quá giới hạn {MAX_NUMBER_CHARS}; nếu đây "
            "là văn bản, hãy đặt trong ngoặc kép",
            f"a number {len(event.value)} characters long, over the limit of "
            f"{MAX_NUMBER_CHARS}; if it is text, put it in quotes",
            "number-too-long",
        )


def _too_deep(shown: str, line: int) -> FrontMatterError:
    return refusal(
        shown, line,
        f"YAML lồng quá {MAX_DEPTH} cấp danh sách hoặc nhóm khóa; kiểm tra các "
        "dấu [ và { chưa đóng, hoặc viết lại cho phẳng hơn",
        f"the YAML nests lists or mappings more than {MAX_DEPTH} deep; look "
        "for unclosed [ and { or write it flatter",
        "yaml-too-deep",
    )


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
