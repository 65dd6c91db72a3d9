"""The id of a new entry: derived from its title and place, unique in the entries folder.

The id is the page's address (/mo-hinh/<id>/) and does not change once
published, so it is derived the same way every time and made unique against
every file name, id and old id (redirect_from) already in the entries folder,
read even from files too broken to load. It is apart from the questions and
the file's text because it needs only a title, a place slug and the folder.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from pathlib import Path

from generator.core.model import ID_MAX_LENGTH
from generator.core.settings import Settings
from generator.core.text import slugify
from generator.load.frontmatter import FENCE
from generator.load.listing import entry_files

_ID_LINE = re.compile(r"^id:\s*(?P<value>[^\s#]+)")
_REDIRECT_LINE = re.compile(r"^redirect_from:\s*(?P<rest>[^#]*)")
_ITEM_LINE = re.compile(r"^\s*-\s+(?P<value>[^\s#]+)")


def fit_slug(slug: str, limit: int) -> str:
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
    head = fit_slug(head, ID_MAX_LENGTH - len(place) - len(suffix) - 1)
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
