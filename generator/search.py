"""The search index: Pagefind records made from the catalogue, not from rendered HTML.

Pagefind 1.5 folds Vietnamese tone and vowel marks and ranks exact-accent
matches higher, but it treats đ as a letter of its own: "da nang" does not
find "Đà Nẵng". Each indexed section therefore carries, beside its text, the
ASCII forms of its words that contain đ, with the same weight. Exact-accent
queries still match the original words and keep Pagefind's boost.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from generator.catalogue import Catalogue
from generator.model import Entry
from generator.text import fold

OUTPUT_DIR = "pagefind"
"""Where the index is written, inside the site."""

_WORD = re.compile(r"\w+", re.UNICODE)
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKDOWN_SYNTAX = re.compile(r"[#*_>`|\[\]]+|^\s*[-+]\s+|<[^>]+>", re.MULTILINE)

# Filters, named as in the search page's URL (?tinh=…&linh-vuc=…&nam=…&loai=…).
FILTER_PROVINCE = "tinh"
FILTER_FIELD = "linh-vuc"
FILTER_YEAR = "nam"
FILTER_KIND = "loai"
BATCH = 256
"""Records in flight at once: enough to keep Pagefind's service busy, bounded for memory."""


def d_stroke_forms(text: str) -> str:
    """The ASCII forms of the words of ``text`` that contain đ/Đ ("Đà Nẵng" → "Da")."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        if "đ" in word or "Đ" in word:
            seen.setdefault(fold(word), None)
    return " ".join(seen)


def searchable(text: str) -> str:
    """``text`` escaped for HTML, followed by the ASCII forms of its đ-words."""
    extra = d_stroke_forms(text)
    return html.escape(f"{text} {extra}" if extra else text)


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words: link targets and syntax dropped."""
    return _MARKDOWN_SYNTAX.sub(" ", _MARKDOWN_LINK_TARGET.sub("] ", markdown))


@dataclass(frozen=True, slots=True)
class Record:
    """One searchable page: its URL and the HTML Pagefind reads."""

    url: str
    document: str


def entry_record(entry: Entry) -> Record:
    """The search record of an entry: weighted text, result metadata and filters."""
    places = [entry.province.full_name, entry.province.name]
    if entry.old_province:
        places.append(f"{entry.old_province.name} (cũ)")
    facts = " · ".join(x for x in (entry.unit, entry.locality, *places) if x)
    meta = {
        "title": entry.title,
        "province": entry.province_label,
        "field": entry.field.label,
        "kind": entry.kind.label,
        "year": str(entry.year),
        "summary": entry.summary,
    }
    filters = {
        FILTER_PROVINCE: entry.province.slug,
        FILTER_FIELD: entry.field.slug,
        FILTER_YEAR: str(entry.year),
        FILTER_KIND: entry.kind.slug,
    }
    parts = [
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>',
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-weight="10">{searchable(entry.title)}</h1>',
        f'<p data-pagefind-weight="4">{searchable(facts)}</p>',
        f'<p data-pagefind-weight="3">{searchable(entry.summary)}</p>',
        f"<div>{searchable(plain_text(entry.body))}</div>",
        f"<ul>{''.join(f'<li>{searchable(r)}</li>' for r in entry.results)}</ul>",
        "</main>",
        *(f'<span data-pagefind-meta="{k}">{html.escape(v)}</span>' for k, v in meta.items()),
        *(f'<span data-pagefind-filter="{k}">{v}</span>' for k, v in filters.items()),
        f'<span data-pagefind-sort="date">{entry.date.isoformat()}</span>',
        f'<span data-pagefind-sort="title">{html.escape(fold(entry.title))}</span>',
        "</body></html>",
    ]
    return Record(f"/{entry.url}", "".join(parts))


def records(catalogue: Catalogue) -> Iterable[Record]:
    """Every search record of the site."""
    return (entry_record(entry) for entry in catalogue.entries)


async def _write(items: Iterable[Record], site_dir: Path) -> None:
    config = IndexConfig(force_language="vi", output_path=str(site_dir / OUTPUT_DIR))
    async with PagefindIndex(config=config) as index:
        batch: list[Record] = []

        async def flush(pending: Sequence[Record]) -> None:
            await asyncio.gather(
                *(index.add_html_file(content=r.document, url=r.url) for r in pending)
            )

        for record in items:
            batch.append(record)
            if len(batch) >= BATCH:
                await flush(batch)
                batch = []
        await flush(batch)


UNUSED_BUNDLES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
"""Pagefind's own UIs, which the site does not use (its search UI is theme/assets/javascripts)."""


def write_search_index(catalogue: Catalogue, site_dir: Path) -> None:
    """Build the Pagefind index of ``catalogue`` into ``site_dir``/pagefind."""
    asyncio.run(_write(records(catalogue), site_dir))
    for name in UNUSED_BUNDLES:
        (site_dir / OUTPUT_DIR / name).unlink(missing_ok=True)
