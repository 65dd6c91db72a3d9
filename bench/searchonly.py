"""``python -m bench --search-only``: the search index alone, at sizes a whole build cannot reach.

For each size: a synthetic corpus, then in a process of its own the catalogue
loaded and the index written (wall time and the peak memory of that process),
then the index served beside the runtime and measured in Chromium as the
full bench measures it (bytes to first results, a second query, a browse,
title-query MRR). No page is rendered and there is no peer.

Run alone as ``python -m bench.searchonly CONFIG OUT`` it is that process:
it loads, writes, then updates the same index after five one-entry edits (what
``dvk serve`` does when an editor saves), and prints the seconds spent
loading, writing and (median) updating, as JSON.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.corpus import make_corpus
from bench.engines import asked_of, compare
from bench.run import REPO_FILES, Sample, measured


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The index alone, at one size."""

    entries: int
    build: Sample
    """The process that loads the catalogue, writes the index and updates it: its peak
    memory is the index build's."""
    load_seconds: float
    index_seconds: float
    """Of which writing the index."""
    edit_seconds: float
    """Updating the index after a one-entry edit, in the same process (median)."""
    index_mb: float
    index_files: int
    search: dict[str, float] = field(default_factory=dict)


EDITS = 5
"""One-entry edits timed after the index is written; the median is quoted."""


def _write(config: Path, out: Path) -> None:
    from generator.catalogue.catalogue import Catalogue, load_catalogue
    from generator.publish.searchindex import SearchIndex
    from generator.render.config import read_settings

    started = time.perf_counter()
    catalogue = load_catalogue(read_settings(config))
    loaded = time.perf_counter()
    index = SearchIndex()
    files = index.update(catalogue)
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    written = time.perf_counter()
    # What ``dvk serve`` does after an editor saves one entry: the same index, updated.
    # Each edit adds a paragraph of new words to an entry spread over the ids.
    entries, edits = list(catalogue.entries), []
    for number in range(EDITS):
        at = (number * 7919 + 17) % len(entries)
        entry = entries[at]
        entries[at] = replace(entry, body=f"{entry.body}\n\nĐoạn thêm {number}: quýt đỏ.\n",
                              digest=f"{entry.digest}-edit-{number}")
        edited = Catalogue(catalogue.settings, catalogue.registry, tuple(entries))
        before = time.perf_counter()
        index.update(edited)
        edits.append(time.perf_counter() - before)
        assert index.last_update == "incremental", index.last_update
    print(json.dumps({"load": loaded - started, "index": written - loaded,
                      "edit": statistics.median(edits)}))


def bench_search(size: int, work: Path, queries: int, say: Callable[[str], None]
                 ) -> SearchResult:
    """Measure the index alone at one size."""
    say(f"[{size}] generating the corpus")
    corpus = make_corpus(work / f"s{size}", size, theme_dir=REPO_FILES / "theme",
                         base_config=REPO_FILES / "site_config.yml")
    site = corpus.root / "site"
    shutil.rmtree(site, ignore_errors=True)
    index = site / "tim-kiem" / "chi-muc"
    say(f"[{size}] loading the catalogue and writing the index")
    timing = corpus.root / "index-timing.json"
    build = measured(["sh", "-c", '"$0" -m bench.searchonly "$1" "$2" > "$3"',
                      sys.executable, str(corpus.config), str(index), str(timing)],
                     REPO_FILES)
    timings = json.loads(timing.read_text(encoding="utf-8"))
    files = [p for p in index.rglob("*") if p.is_file()]
    runtime = site / "assets" / "javascripts"
    runtime.mkdir(parents=True)
    shutil.copy(REPO_FILES / "theme" / "assets" / "javascripts" / "dvk-index.js", runtime)
    report: dict[str, float] = {}
    if queries:
        say(f"[{size}] search: {queries} queries and title MRR, in Chromium")
        asked = asked_of(corpus.root / "content" / "mo-hinh", size, queries)
        report = compare(site, None, asked)["ours"]
    return SearchResult(size, build, timings["load"], timings["index"], timings["edit"],
                        sum(p.stat().st_size for p in files) / 1e6, len(files), report)


def search_table(results: Sequence[SearchResult]) -> str:
    """The index alone: build time and memory, size, and bytes per query."""
    rows = [("entries", "load s", "index s", "edit s", "peak MB", "index MB", "files",
             "first KB (median / p95)", "second KB", "browse KB", "title MRR")]
    for r in results:
        s = r.search
        rows.append((
            f"{r.entries:,}", f"{r.load_seconds:.1f}", f"{r.index_seconds:.1f}",
            f"{r.edit_seconds:.2f}",
            f"{r.build.peak_mb:.0f}", f"{r.index_mb:.0f}", f"{r.index_files:,}",
            f"{s['median_first'] / 1000:.1f} / {s['p95_first'] / 1000:.1f}" if s else "-",
            f"{s['median_second'] / 1000:.1f}" if s else "-",
            f"{s['median_browse'] / 1000:.1f}" if s else "-",
            f"{s['mrr']:.3f} ({s['title_queries']:.0f})" if s else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                     for row in rows)


if __name__ == "__main__":
    _write(Path(sys.argv[1]), Path(sys.argv[2]))
