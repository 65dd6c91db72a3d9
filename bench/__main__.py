"""``python -m bench`` (``make bench``): dvk's builds and checks against a Hugo + Pagefind peer.

Tooling, not the product: it lives outside the ``generator`` package and its wheel.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.engines import table as engines_table
from bench.run import CheckResult, SizeResult, check_table, run_bench, table


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; print the table of medians and write the JSON report."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="measure builds against a Hugo + Pagefind peer")
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians are quoted)")
    parser.add_argument("--queries", type=int, default=15, help="search queries to measure")
    parser.add_argument("--work", default=".cache/bench", help="where corpora are generated")
    parser.add_argument("--out", default="bench.json", help="JSON report")
    parser.add_argument("--checks-only", action="store_true",
                        help="measure only dvk check (one entry, cached and not, and all)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    results = run_bench(sizes, Path(args.work), args.runs, args.queries, out=Path(args.out),
                        say=lambda line: print(line, file=sys.stderr, flush=True),
                        checks_only=args.checks_only)
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
