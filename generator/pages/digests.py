"""A digest of what each generated page renders from, for incremental builds.

Two pages with the same inputs get the same digest; a page whose digest did
not change since the last build is not rendered again.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from functools import cache
from typing import Any

from generator.core.model import Entry, FieldOfWork
from generator.core.press import PressRecord
from generator.core.provinces import OldProvince, Province
from generator.pages.views import EntryPage, PressItem, VirtualPage


def _feed(digest: Any, value: object) -> None:
    # What a page's HTML is made from, written out so that two pages with the
    # same inputs get the same digest. An entry stands for its file's digest
    # (the rest of an entry derives from the file, the config and the code,
    # and those are part of every page's inputs already).
    if isinstance(value, tuple):
        _feed_tuple(digest, value)
    elif isinstance(value, Entry):
        digest.update(f"E{value.digest};".encode())
    elif isinstance(value, Province):
        digest.update(f"P{value.slug};".encode())
    elif isinstance(value, OldProvince):
        digest.update(f"O{value.name};".encode())
    elif isinstance(value, FieldOfWork):
        digest.update(f"F{value.slug};".encode())
    elif isinstance(value, PressItem):
        digest.update(_item_text(value).encode())
    elif isinstance(value, PressRecord):  # its file's digest
        digest.update(f"R{value.digest};".encode())
    elif hasattr(type(value), "__dataclass_fields__"):
        kind: Any = type(value)
        digest.update(f"{kind.__name__}{{".encode())
        for name in _field_names(kind):
            _feed(digest, getattr(value, name))
        digest.update(b"}")
    else:
        digest.update(f"{value!r};".encode())


def _feed_tuple(digest: Any, value: tuple[Any, ...]) -> None:
    if not value:
        digest.update(b"()")
        return
    if isinstance(value[0], Entry):  # the hot path: a page's entries
        digest.update(f"E{';'.join(e.digest for e in value)};".encode())
        return
    if isinstance(value[0], PressItem):  # a page's articles: 20,000 are listed thrice each
        digest.update("".join(map(_item_text, value)).encode())
        return
    if isinstance(value[0], str):  # a pager's URLs
        try:
            digest.update(f"S{chr(31).join(value)};".encode())
            return
        except TypeError:  # a row of a table, (name, URL, count): fed item by item
            pass
    digest.update(b"(")
    for item in value:
        _feed(digest, item)
    digest.update(b")")


def _item_text(item: PressItem) -> str:
    models = ";".join(entry.digest for entry in item.models)
    return f"I{item.record.digest}:{models}:{item.contest.slug if item.contest else ''};"


@cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def page_digest(page: VirtualPage) -> str:
    """A digest of everything ``page`` renders from, besides the config, theme and code."""
    if isinstance(page.context, EntryPage):  # the page is its entry: 50,000 of them
        # Its citation's key is the entry file's digest and the page's dates, as is:
        # hashing it again would cost 50,000 digests a build and change nothing.
        key = page.context.cite.key
        if key:
            return f"{page.template};{key}"
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, page)
    return digest.hexdigest()
