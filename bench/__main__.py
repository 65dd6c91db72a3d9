"""``python -m bench`` (``make bench``): dvk's builds and checks against a Hugo + Pagefind peer.

Tooling, not the product: it lives outside the ``generator`` package and its wheel.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bench.engines import table as engines_table
from bench.run import PRESS_SHARE, CheckResult, SizeResult, check_table, run_bench, table
from bench.searchonly import bench_search, search_table


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; print the table of medians and write the JSON report."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="measure builds against a Hugo + Pagefind peer")
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians are quoted)")
    parser.add_argument("--queries", type=int, default=10,
                        help="typed search queries to measure (and 2x as many titles, >= 20)")
    parser.add_argument("--work", default=".cache/bench", help="where corpora are generated")
    parser.add_argument("--out", default="bench.json", help="JSON report")
    parser.add_argument("--checks-only", action="store_true",
                        help="measure only dvk check (one entry, cached and not, and all)")
    parser.add_argument("--serve-edits", type=int, default=5,
                        help="entries saved under dvk serve, each timed to its page and "
                             "search showing it (0: none)")
    parser.add_argument("--press-share", type=float, default=PRESS_SHARE,
                        help="press records per entry in the corpus (the peer builds none)")
    parser.add_argument("--search-only", action="store_true",
                        help="build and measure the search index alone (for 250,000 entries)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    started = time.monotonic()

    def say(line: str) -> None:  # with the minutes since the start: where a long run goes
        elapsed = int(time.monotonic() - started)
        print(f"{elapsed // 60:3d}:{elapsed % 60:02d} {line}", file=sys.stderr, flush=True)

    if args.search_only:
        searched = [bench_search(size, Path(args.work).resolve(), args.queries, say)
                    for size in sizes]
        Path(args.out).write_text(json.dumps([asdict(r) for r in searched], indent=2),
                                  encoding="utf-8")
        print(search_table(searched))
        print(f"\n(one run per size; written to {args.out})")
        return 0
    results = run_bench(sizes, Path(args.work), args.runs, args.queries, out=Path(args.out),
                        say=say, checks_only=args.checks_only,
                        serve_edits=args.serve_edits, press_share=args.press_share)
    checks = [r for r in results if isinstance(r, CheckResult)]
    sized = [r for r in results if isinstance(r, SizeResult)]
    print(check_table(checks) if checks else table(sized))
    for result in sized:
        if result.engines:
            print(f"\nsearch at {result.entries:,} entries, both engines alike:")
            print(engines_table(result.engines))
    print(f"\n(medians of {args.runs} run(s); written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
