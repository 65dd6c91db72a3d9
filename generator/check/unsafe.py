"""Entry bodies may not inject script: unsafe addresses refused at check time, at their line.

The first of two layers, so that neither has to be perfect. ``unsafe_urls``
refuses a link or image whose address would run script (``javascript:``,
``vbscript:``) or carry a document of its own (``data:``), however it is
spelt. ``generator.render.sanitise`` then cleans the HTML MkDocs renders from
every entry body through an allowlist: what this missed is dropped there.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote

from generator.core.errors import Problem

UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
"""Schemes refused in entry bodies: the first two run script, data: smuggles a document."""

# Where an address may stand in Markdown or raw HTML. Each pattern's group 1
# is the address; the scan errs towards looking at too much, since a false
# alarm names its line and a miss would publish script.
_INLINE = re.compile(r"\]\(((?:[^()\n]|\([^()\n]*\))*)")
"""Inline links and images: ``[x](address "title")``, ``![x](address)``."""
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*([^\n]*)", re.MULTILINE)
"""Reference definitions: ``[ref]: address``, the address possibly on the next line."""
_AUTOLINK = re.compile(r"<([^<>\s\"']+)>")
"""Autolinks: ``<address>``."""
_TAG = re.compile(r"<[A-Za-z][^\s/>]*(?:\"[^\"]*\"|'[^']*'|[^\"'>])*>?")
"""A start tag of raw HTML; a ``>`` inside a quoted value does not end it."""
_ATTRIBUTE = re.compile(r"[\s\"'/]([^\s\"'>/=<]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
"""Attributes of a tag, quoted or not: ``href=…``, ``src=…``, ``content="0;url=…"``."""
_ENTITY_ROUNDS = 3
"""An address is decoded this many times at most (``&amp;#106;`` is ``&#106;`` is ``j``)."""
_SCHEMES = "(" + "|".join(UNSAFE_SCHEMES) + "):"
_AT_START = re.compile(r"^<?" + _SCHEMES)
"""A refused scheme at the start of an address (``<…>`` allowed around it)."""
_IN_ATTRIBUTE = re.compile(r"(?:^|url[=(]['\"]?)" + _SCHEMES)
"""...or, in an attribute, after ``url=`` (a meta refresh) or ``url(`` (a style)."""
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Unicode categories browsers skip or that hide inside a scheme: controls, spaces, zero-widths."""


def normalised(address: str) -> str:
    """``address`` as a browser may read it: entities and %-escapes decoded, invisibles gone.

    ``&#106;avascript:``, ``jav&#x09;ascript:``, ``JaVaScRiPt:`` and
    ``java\\script:`` all come out as ``javascript:``.
    """
    for _ in range(_ENTITY_ROUNDS):
        decoded = unquote(html.unescape(address))
        if decoded == address:
            break
        address = decoded
    kept = (c for c in address
            if c != "\\" and unicodedata.category(c) not in _INVISIBLE)
    return "".join(kept).lower()


def unsafe_scheme(address: str, *, attribute: bool = False) -> str | None:
    """The refused scheme ``address`` would be read with, if any.

    An ``attribute`` value of raw HTML is also searched for ``url=`` and ``url(``.
    """
    pattern = _IN_ATTRIBUTE if attribute else _AT_START
    found = pattern.search(normalised(address).strip("\"'"))
    return found.group(1) if found else None


def _candidates(body: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, address, is an attribute) of what in ``body`` may be read as an address."""
    for pattern in (_INLINE, _REFERENCE, _AUTOLINK):
        for match in pattern.finditer(body):
            yield match.start(1), match.group(1), False
    if "<" not in body:
        return
    for tag in _TAG.finditer(body):
        for match in _ATTRIBUTE.finditer(tag.group()):
            yield tag.start() + match.start(2), match.group(2), True


def _printable(address: str, limit: int = 60) -> str:
    # The message lands in a terminal or CI log: no control characters from the file.
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}"
                    for c in address.strip().strip("\"'"))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def unsafe_urls(body: str, shown: str, body_line: int) -> list[Problem]:
    """An error at each link, image or attribute of ``body`` with a refused scheme.

    ``shown`` names the file; ``body_line`` is the file line the body starts on.
    """
    problems: list[Problem] = []
    reported_to = -1  # the end of the last address reported: `<…>` inside `](…)` is one link
    for offset, address, attribute in sorted(_candidates(body)):
        if offset < reported_to:
            continue
        scheme = unsafe_scheme(address, attribute=attribute)
        if scheme is None:
            continue
        reported_to = offset + len(address)
        line = body_line + body.count("\n", 0, offset)
        text = _printable(address)
        problems.append(Problem(
            shown, line, "body",
            f"đường dẫn \"{text}\" dùng giao thức {scheme}:, có thể chạy mã trên trang nên "
            "không được phép; hãy dùng địa chỉ https://, hoặc xóa liên kết (ảnh: đặt tệp cạnh "
            "tệp mô hình, khai báo trong images)",
            f"the address \"{text}\" uses the {scheme}: scheme, which can run script on the "
            "page and is not allowed; use an https:// address, or remove the link (a picture: "
            "put its file next to the entry and list it under images)",
            rule="unsafe-url",
        ))
    return problems
