"""The ``dvk`` command: a thin edge that turns library errors into messages and exit codes.

Exit codes: 0 ok, 1 content errors, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.errors import ContentErrors, DvkError, Problem, Severity

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _report(problems: Sequence[Problem], out: TextIO) -> None:
    for problem in problems:
        label = "lỗi" if problem.severity is Severity.ERROR else "cảnh báo"
        print(f"{problem.format()} [{label}]", file=out)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} lỗi, {warnings} cảnh báo ({errors} errors, {warnings} warnings)", file=out)


def _cmd_check(args: argparse.Namespace) -> int:
    from generator.build import load

    loaded = load(Path(args.config), strict=args.strict)
    _report(loaded.catalogue.warnings, sys.stderr)
    count = len(loaded.catalogue.entries)
    if args.published:
        from generator.guard import check_published

        held = check_published(loaded.catalogue, args.published)
        print(f"{held} URL đã công bố vẫn còn hoặc được chuyển hướng "
              f"({held} published URLs still answer)")
    print(f"Đã kiểm tra {count} mô hình: không có lỗi ({count} entries checked: no errors)")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from generator.build import Unchanged, build
    from generator.progress import for_terminal

    done = build(Path(args.config), strict=args.strict, clean=args.clean,
                 progress=for_terminal())
    if isinstance(done, Unchanged):
        if done.warnings:
            _report(done.warnings, sys.stderr)
        print(f"Không có gì thay đổi: {done.site_dir} vẫn là bản mới nhất của {done.entries} "
              f"mô hình (nothing changed: {done.site_dir} is up to date)")
        return EXIT_OK
    if done.catalogue.warnings:
        _report(done.catalogue.warnings, sys.stderr)
    count, site_dir = len(done.catalogue.entries), done.config.site_dir
    print(f"Đã dựng {count} mô hình vào {site_dir} (built {count} entries into {site_dir})")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    serve(Path(args.config), dev_addr=args.dev_addr, strict=args.strict,
          report=lambda exc: _report(exc.problems, sys.stderr))
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from generator.bench import run_bench, table

    sizes = [int(x) for x in args.sizes.split(",")]
    results = run_bench(sizes, Path(args.work), args.runs, args.queries, out=Path(args.out),
                        say=lambda line: print(line, file=sys.stderr, flush=True))
    print(table(results))
    print(f"\n(medians of {args.runs} run(s); written to {args.out})")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "bench": _cmd_bench,
    "build": _cmd_build,
    "check": _cmd_check,
    "serve": _cmd_serve,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dvk", description="Trang giới thiệu mô hình \"Dân vận khéo\" (showcase generator)"
    )
    parser.add_argument("--version", action="version", version=f"dvk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", "-f", default="site_config.yml", help="site config file")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build = sub.add_parser("build", parents=[common], help="check and build site/")
    build.add_argument("--clean", action="store_true", help="drop caches and rebuild everything")
    check = sub.add_parser("check", parents=[common],
                           help="validate the content without rendering")
    check.add_argument("--published", metavar="MANIFEST",
                       help="urls.txt of the published site (a file, a site folder or the "
                            "site's URL): fail if any URL in it would die")
    serve = sub.add_parser("serve", parents=[common], help="build and serve with live reload")
    serve.add_argument("--dev-addr", "-a", default="127.0.0.1:8000", help="IP:PORT to serve on")
    bench = sub.add_parser("bench", help="measure builds against a Hugo + Pagefind peer")
    bench.add_argument("--sizes", default="1000,10000,50000", help="corpus sizes, comma-separated")
    bench.add_argument("--runs", type=int, default=3, help="runs per size (medians are quoted)")
    bench.add_argument("--queries", type=int, default=15, help="search queries to measure")
    bench.add_argument("--work", default=".cache/bench", help="where corpora are generated")
    bench.add_argument("--out", default="bench.json", help="JSON report")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dvk``; return the exit code instead of exiting, so tests can call it."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.command == "serve":  # MkDocs reports where it listens and each rebuild at INFO
        logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        return COMMANDS[args.command](args)
    except ContentErrors as exc:
        _report(exc.problems, sys.stderr)
        return EXIT_CONTENT
    except DvkError as exc:
        print(f"dvk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dvk: đã dừng (interrupted)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
