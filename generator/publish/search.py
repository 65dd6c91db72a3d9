"""The search index: Pagefind records made from the catalogue, not from rendered HTML.

Pagefind 1.5 folds Vietnamese tone and vowel marks and ranks exact-accent
matches higher, but it treats đ as a letter of its own: "da nang" does not
find "Đà Nẵng". Each indexed section therefore carries, beside its text, the
ASCII forms of its words that contain đ, with the same weight. Exact-accent
queries still match the original words and keep Pagefind's boost.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.errors import IndexFormatError, SearchIndexError
from generator.core.folders import swap
from generator.core.lifetime import die_with_parent
from generator.core.model import Entry
from generator.core.text import fold
from generator.publish.stableindex import canonical_index

"""Where the index is written, inside the site."""

_WORD = re.compile(r"\w+", re.UNICODE)
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKDOWN_SYNTAX = re.compile(r"[#*_>`|\[\]]+|^\s*[-+]\s+|<[^>]+>", re.MULTILINE)

# Filters, named as in the search page's URL (?tinh=…&linh-vuc=…&nam=…&loai=…).


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


def body_words(markdown: str) -> list[str]:
    """The distinct words of a body, lowercased, in order of first appearance."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(plain_text(markdown))))


COMMON_SHARE = 0.01
"""A body word found in more than this share of entries is not indexed from bodies."""
COMMON_FLOOR = 50
"""...unless it is in at most this many entries: small catalogues keep every word."""


def distinctive(words: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each entry's body words, less those common to many entries.

    Pagefind stores every position of every word, and loads a word's whole
    posting list to search it. Body words shared by more than 1% of entries
    (at 50,000 entries: the few hundred commonest syllables) make the largest
    chunks and rank lowest anyway; they remain searchable wherever they are in
    a title, unit, locality, summary or result, which are indexed in full.
    """
    frequency = Counter(w for entry_words in words.values() for w in entry_words)
    limit = max(COMMON_FLOOR, int(len(words) * COMMON_SHARE))
    return {key: [w for w in ws if frequency[w] <= limit] for key, ws in words.items()}


@dataclass(frozen=True, slots=True)
class Record:
    """One searchable page: its URL and the HTML Pagefind reads."""

    url: str
    document: str


def entry_record(entry: Entry, body: Sequence[str] | None = None) -> Record:
    """The search record of an entry: weighted text, result metadata and filters.

    ``body`` is the list of body words to index (see ``distinctive``); by
    default, every distinct word of the body.
    """
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
        urls.SEARCH_PROVINCE: entry.province.slug,
        urls.SEARCH_FIELD: entry.field.slug,
        urls.SEARCH_YEAR: str(entry.year),
        urls.SEARCH_KIND: entry.kind.slug,
    }
    parts = [
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>',
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-weight="10">{searchable(entry.title)}</h1>',
        f'<p data-pagefind-weight="4">{searchable(facts)}</p>',
        f'<p data-pagefind-weight="3">{searchable(entry.summary)}</p>',
        f"<div>{searchable(' '.join(body_words(entry.body) if body is None else body))}</div>",
        f"<ul>{''.join(f'<li>{searchable(r)}</li>' for r in entry.results)}</ul>",
        "</main>",
        *(f'<span data-pagefind-meta="{k}">{html.escape(v)}</span>' for k, v in meta.items()),
        *(f'<span data-pagefind-filter="{k}">{v}</span>' for k, v in filters.items()),
        # The one sort the search page uses (browsing newest first); each sort
        # key costs every search a few bytes per entry in Pagefind's meta index.
        f'<span data-pagefind-sort="date">{entry.date.isoformat()}</span>',
        "</body></html>",
    ]
    return Record(f"/{entry.url}", "".join(parts))


def records(catalogue: Catalogue) -> Iterable[Record]:
    """Every search record of the site."""
    bodies = distinctive({e.id: body_words(e.body) for e in catalogue.entries})
    return (entry_record(entry, bodies[entry.id]) for entry in catalogue.entries)


def _write_records(items: Iterable[Record], folder: Path) -> int:
    """Write each record as a page under ``folder``, skipping those already there.

    The folder is kept between builds (a manifest holds each record's digest),
    so that after an edit only the changed records are written, not 50,000.
    """
    manifest = folder / ".manifest.pickle"
    try:
        known: dict[str, str] = pickle.loads(manifest.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        shutil.rmtree(folder, ignore_errors=True)
        known = {}
    manifest.unlink(missing_ok=True)  # until the folder matches it again
    written: dict[str, str] = {}
    for record in items:
        data = record.document.encode()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        written[record.url] = digest
        if known.get(record.url) != digest:
            path = folder / record.url.strip("/") / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for url in known.keys() - written.keys():
        (folder / url.strip("/") / "index.html").unlink(missing_ok=True)
    manifest.write_bytes(pickle.dumps(written, protocol=pickle.HIGHEST_PROTOCOL))
    return len(written)


UNUSED_BUNDLES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
"""Pagefind's own UIs, which the site does not use (its search UI is theme/assets/javascripts)."""


class SearchIndexJob:
    """Pagefind indexing the catalogue in a child process; ``wait`` finishes it.

    The child is forked from the build, so it shares the loaded catalogue
    copy-on-write: it writes the records that changed since the last build (all
    of them, 15 s, on a first build of 50,000 entries) and then becomes the
    Pagefind binary, while the build goes on reading the pages.
    """

    def __init__(self, catalogue: Catalogue, site_dir: Path, records_dir: Path) -> None:
        binary = get_executable()
        if binary is None:
            raise SearchIndexError("the pagefind binary is missing: install pagefind[bin]")
        self._scratch = tempfile.TemporaryDirectory(prefix="dvk-search-")
        self._site_dir = site_dir
        scratch = Path(self._scratch.name)
        # The index is written to scratch and moved into the site when done,
        # so it may start before the site folder is even created.
        self._output = scratch / urls.SEARCH_INDEX
        self._log = scratch / "pagefind.log"
        command = [str(binary), "--site", str(records_dir),
                   "--output-path", str(self._output), "--force-language", "vi", "--quiet"]
        self.cancelled = False
        self._exited = False
        parent = os.getpid()
        # A background index (dvk serve) is forked by a thread that may end
        # first, which would kill it: only the main thread's children ask.
        tied = threading.current_thread() is threading.main_thread()
        self._pid = os.fork()
        if self._pid == 0:  # the child: records, then Pagefind in its place
            code = 1
            try:
                if tied:
                    die_with_parent(parent)
                _write_records(records(catalogue), records_dir)
                log = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.execv(command[0], command)
            except BaseException as exc:  # reported through the log, then a failed exit
                self._log.write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            os._exit(code)

    def _reap(self) -> int:
        _, status = os.waitpid(self._pid, 0)
        self._exited = True  # from here on the pid may belong to another process
        return os.waitstatus_to_exitcode(status)

    def kill(self) -> None:
        """Stop Pagefind; ``wait``, in whichever thread runs it, then fails and cleans up."""
        self.cancelled = True
        if not self._exited:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)

    def cancel(self) -> None:
        """Stop Pagefind and remove its scratch folder (the build failed)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        self._reap()
        self._scratch.cleanup()

    def wait(self) -> None:
        """Wait for Pagefind; raise ``SearchIndexError`` if it failed."""
        try:
            try:
                code = self._reap()
            except BaseException:  # Ctrl-C while Pagefind runs: it must not outlive the build
                self.kill()
                raise
            if code != 0:
                output = self._log.read_text(encoding="utf-8") if self._log.exists() else ""
                raise SearchIndexError(f"pagefind failed:\n{output}")
            try:
                canonical_index(self._output)  # Pagefind's own order changes from run to run
            except (IndexFormatError, OSError, ValueError, KeyError) as exc:
                raise SearchIndexError(f"pagefind's index could not be put in order: {exc}") \
                    from exc
            for name in UNUSED_BUNDLES:
                (self._output / name).unlink(missing_ok=True)
            # Moved beside its place first (the scratch folder may be on another
            # file system), then swapped in: a reader never sees half an index.
            target = self._site_dir / urls.SEARCH_INDEX
            beside = target.with_name(f".{urls.SEARCH_INDEX}.new-{os.getpid()}")
            shutil.rmtree(beside, ignore_errors=True)
            shutil.move(self._output, beside)
            swap(beside, target)
        finally:
            self._scratch.cleanup()


def start_search_index(
    catalogue: Catalogue, site_dir: Path, records_dir: Path
) -> SearchIndexJob:
    """Start building the Pagefind index of ``catalogue`` into ``site_dir``/pagefind.

    The records go to ``records_dir`` as small HTML files (kept there for the
    next build, which rewrites only those that changed), and one run of the
    Pagefind binary indexes them on every core. (Pagefind's Python API waits
    0.1 s for each response, which is 80 minutes for 50,000 entries.)
    """
    return SearchIndexJob(catalogue, site_dir, records_dir)
