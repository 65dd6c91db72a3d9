"""The ``dvk`` command: a thin edge that turns library errors into messages and exit codes.

Exit codes: 0 ok, 1 content errors, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from generator import __version__
from generator.core.errors import ContentErrors, DvkError, Problem
from generator.core.interrupts import remember_interrupts, stop_if_interrupted

if TYPE_CHECKING:
    from generator.core.settings import Settings

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _report(problems: Sequence[Problem], out: TextIO) -> None:
    from generator.cli.report import write_text

    write_text(problems, out)


def _cmd_check(args: argparse.Namespace) -> int:
    from generator.cli.report import as_json, github_line, summary

    def emit(problems: Sequence[Problem], checked: int | None) -> None:
        if args.format == "json":
            print(as_json(problems, checked))
        elif args.format == "github":
            for problem in problems:
                print(github_line(problem))
            print(summary(problems))
        elif problems:
            _report(problems, sys.stderr)

    checked: int | None = None
    try:
        checked, press, warnings = _check(args)
        held = _check_published(args) if args.published else None
    except ContentErrors as exc:
        emit(exc.problems, exc.checked if checked is None else checked)
        return EXIT_CONTENT
    emit(warnings, checked)
    if args.format != "json":
        if held is not None:
            print(f"{held} URL đã công bố vẫn còn hoặc được chuyển hướng "
                  f"({held} published URLs still answer)")
        also_vi, also_en = (f" và {press} bài báo", f" and {press} press records") if press \
            else ("", "")
        print(f"Đã kiểm tra {checked} mô hình{also_vi}: không có lỗi "
              f"({checked} entries{also_en} checked: no errors)")
    return EXIT_OK


def _check(args: argparse.Namespace) -> tuple[int, int, Sequence[Problem]]:
    """(entries checked, press records checked, warnings): every file, or only the named or
    changed ones."""
    if args.paths or args.changed_since:
        from generator.check.partial import changed_since, check_targets, named
        from generator.render.config import read_settings

        settings = read_settings(Path(args.config))
        if args.changed_since:
            targets = changed_since(settings, args.changed_since)
            if args.paths:  # only the changes among the named files
                chosen = named(settings, args.paths)
                wanted = set(chosen.files)
                targets.files = [f for f in targets.files if f in wanted]
                targets.existed &= wanted
                targets.deleted = [f for f in targets.deleted if f in wanted]
                targets.reported = targets.reported and chosen.reported
                targets.press = [p for p in targets.press if p in set(chosen.press)]
        else:
            targets = named(settings, args.paths)
        done = check_targets(settings, targets, strict=args.strict)
        return done.count, done.press, done.warnings
    from generator.check.run import check_site
    from generator.render.config import load_site_config, site_settings

    settings = site_settings(load_site_config(Path(args.config), strict=args.strict))
    checked = check_site(settings, strict=args.strict)
    return checked.files, len(checked.press), checked.warnings


def _check_published(args: argparse.Namespace) -> int:
    # The guard compares every URL the site would publish, so it needs the
    # whole catalogue even when only a few files were checked.
    from generator.build.builder import load
    from generator.publish.guard import check_published

    return check_published(load(Path(args.config)).catalogue, args.published)


def _cmd_build(args: argparse.Namespace) -> int:
    from generator.build.builder import Unchanged, build
    from generator.core.progress import for_terminal

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
    import contextlib

    from generator.build.localeditor import local_backend
    from generator.build.serve import serve

    config = Path(args.config)
    with local_backend(config.resolve().parent) if args.cms else contextlib.nullcontext():
        if args.cms:
            print(f"Trình soạn thảo: http://{args.dev_addr}/quan-tri/ "
                  "(the editor, saving into content/)", file=sys.stderr)
        serve(config, dev_addr=args.dev_addr, strict=args.strict,
              report=lambda exc: _report(exc.problems, sys.stderr))
    return EXIT_OK


def _site_settings(args: argparse.Namespace) -> Settings:
    """The generator's settings from the config named by --config, validated by MkDocs."""
    from generator.render.config import load_site_config, site_settings

    return site_settings(load_site_config(Path(args.config), strict=args.strict))


PRESS_FLAGS = (
    ("--outlet", "cơ quan báo chí đăng bài (outlet)"),
    ("--author", "tác giả (author)"),
    ("--date", "ngày đăng YYYY-MM-DD (publication date)"),
    ("--url", "đường dẫn bài báo http(s):// (the article's URL)"),
    ("--language", "ngôn ngữ của bài: vi, en… (language; vi if not given)"),
    ("--contest", "mã cuộc thi báo chí khai báo trong site_config.yml (contest slug)"),
    ("--archive-url", "đường dẫn bản lưu của bài (archived copy's URL)"),
)
"""``dvk new --press``'s own flags; ``--title``, ``--model`` and ``--id`` are shared."""


def _cmd_new(args: argparse.Namespace) -> int:
    from dataclasses import fields

    from generator.author.new import Answers, ScaffoldError, create_entry
    from generator.author.press import PressAnswers, create_record
    from generator.author.questions import Context
    from generator.author.schema import DEFAULT_PATH, PRESS_PATH
    from generator.core.errors import display_path
    from generator.core.provinces import default_registry

    entry_only = [f.name for f in fields(Answers) if f.name not in {"title", "entry_id"}]
    press_only = [f.name for f in fields(PressAnswers)
                  if f.name not in {"title", "record_id"}]
    wrong = [name for name in (entry_only if args.press else press_only)
             if getattr(args, name, None)]
    if wrong:
        flags = ", ".join("--" + name.replace("_", "-") for name in wrong)
        raise ScaffoldError(
            f"{flags}: chỉ dùng cho {'mô hình' if args.press else 'bài báo (--press)'}"
            f" ({flags}: only for {'entries' if args.press else 'press records (--press)'})")
    settings = _site_settings(args)
    # A pipe or a script cannot answer questions, so without a terminal it is --no-input.
    interactive = not args.no_input and sys.stdin.isatty()
    ask, say = (input if interactive else None), (lambda line: print(line, file=sys.stderr))
    try:
        if args.press:
            given = {f.name: getattr(args, f.name, None) for f in fields(PressAnswers)}
            given["model"] = ", ".join(args.model or []) or None
            given["record_id"] = args.entry_id
            record = create_record(
                PressAnswers(**given), settings, Context(settings, default_registry()),
                schema_file=settings.root / PRESS_PATH, ask=ask, say=say)
            print(display_path(record.path, Path.cwd()))
            print(f"Đã tạo bài báo {record.record_id} về {', '.join(record.models)}: chạy "
                  f"dvk check (created press record {record.record_id}; run dvk check)",
                  file=sys.stderr)
            return EXIT_OK
        answers = Answers(**{f.name: getattr(args, f.name) for f in fields(Answers)})
        created = create_entry(
            answers, settings, default_registry(), schema_file=settings.root / DEFAULT_PATH,
            ask=ask, say=say,
        )
    except ScaffoldError as exc:
        if interactive or args.no_input:
            raise
        raise ScaffoldError(
            f"{exc}\n(không có terminal nên dvk new không hỏi gì: chạy lại trong một cửa sổ "
            "terminal để trả lời từng câu, hoặc cho mọi giá trị bằng các cờ trên; "
            "no terminal, so dvk new asked nothing: run it in a terminal to answer the "
            "questions, or give every value with the flags above)") from exc
    print(display_path(created.path, Path.cwd()))  # alone on stdout: `$EDITOR "$(dvk new …)"`
    print(f"Đã tạo mô hình {created.entry_id}: viết phần nội dung rồi chạy dvk check "
          f"(created entry {created.entry_id}: write the body, then run dvk check)",
          file=sys.stderr)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from generator.author.cms import cms_config, render_cms
    from generator.author.schema import (
        DEFAULT_PATH,
        PRESS_PATH,
        entry_schema,
        press_schema,
        render,
        write_schema,
    )
    from generator.core import urls
    from generator.core.errors import display_path
    from generator.core.provinces import default_registry

    settings = _site_settings(args)
    schemas = [("entry", "lược đồ mô hình", DEFAULT_PATH,
                render(entry_schema(settings.fields, default_registry()))),
               ("press", "lược đồ bài báo", PRESS_PATH, render(press_schema(settings.contests))),
               ("editor", "cấu hình trình soạn thảo", Path(urls.EDITOR_CONFIG),
                render_cms(cms_config(settings, default_registry())))]
    wanted = "press" if args.press else "editor" if args.cms else "entry"
    if args.out or args.press or args.cms:  # one of them, where asked
        schemas = [s for s in schemas if s[0] == wanted]
    for what, vi, default, text in schemas:
        if args.out == "-":
            sys.stdout.write(text)
            continue
        out = Path(args.out) if args.out else settings.root / default
        shown = display_path(out.resolve(), Path.cwd())
        if write_schema(out, text):
            print(f"Đã ghi {vi} vào {shown} (wrote the {what} schema to {shown})")
        else:
            print(f"{shown} đã là bản mới nhất (already up to date)")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": _cmd_build,
    "check": _cmd_check,
    "new": _cmd_new,
    "schema": _cmd_schema,
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
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="entry files or folders to check (default: every entry)")
    check.add_argument("--changed-since", metavar="REF",
                       help="check the entries changed since the git revision REF "
                            "(e.g. origin/main), and that none of their published ids is gone")
    check.add_argument("--format", choices=("text", "github", "json"), default="text",
                       help="text (default), github (annotations) or json")
    check.add_argument("--published", metavar="MANIFEST",
                       help="urls.txt of the published site (a file, a site folder or the "
                            "site's URL): fail if any URL in it would die")
    serve = sub.add_parser("serve", parents=[common], help="build and serve with live reload")
    serve.add_argument("--dev-addr", "-a", default="127.0.0.1:8000", help="IP:PORT to serve on")
    serve.add_argument("--cms", action="store_true",
                       help="also run the form-based editor's backend (decap-server) on this "
                            "repository: /quan-tri/ then saves into content/")
    new = sub.add_parser(
        "new", parents=[common], help="create an entry file (asks for what flags do not give)",
        description="Tạo tệp mô hình mới (create a new entry file). With a terminal it asks "
                    "for every value no flag gives; with --no-input or without a terminal, "
                    "--title, --province, --field, --kind, --source-title, --summary and "
                    "--source-date or --started are required.",
    )
    for flag, text in [
        ("--title", "tên mô hình (the model's name)"),
        ("--province", "tỉnh, thành phố: mã, tên, tên cũ (slug or name, old names too)"),
        ("--locality", "địa bàn: xã, phường, thôn (locality)"),
        ("--field", "lĩnh vực: mã hoặc tên (field slug or label)"),
        ("--kind", "tap-the (tập thể) | ca-nhan (cá nhân)"),
        ("--unit", "đơn vị hoặc người thực hiện (who carries it out)"),
        ("--source-title", "tên bài viết nguồn (source title)"),
        ("--source-publisher", "nơi đăng (publisher)"),
        ("--source-date", "ngày đăng YYYY-MM-DD (publication date)"),
        ("--source-url", "đường dẫn bài viết http(s):// (source URL)"),
        ("--started", "ngày YYYY-MM-DD hoặc năm bắt đầu (start date or year)"),
        ("--summary", "tóm tắt một hai câu (one or two sentences)"),
    ]:
        new.add_argument(flag, help=text)
    new.add_argument("--press", action="store_true",
                     help="tạo tệp bài báo viết về mô hình trong content/bao-chi/ (create a "
                          "press record instead; with --no-input, --title, --date and --model "
                          "are required)")
    for flag, text in PRESS_FLAGS:
        new.add_argument(flag, help=f"--press: {text}")
    new.add_argument("--model", action="append", metavar="ID",
                     help="--press: mã mô hình bài viết về; lặp lại cho nhiều mô hình "
                          "(an entry id the article is about; repeat for several)")
    new.add_argument("--id", dest="entry_id", help="mã thay cho mã tự đặt (override the id)")
    new.add_argument("--no-input", action="store_true",
                     help="never ask; a missing required value is an error (exit 2)")
    schema = sub.add_parser("schema", parents=[common],
                            help="write the JSON Schemas of entries and press records")
    schema.add_argument("--out", "-o", metavar="PATH",
                        help="write one file there (the entries' schema, or with --press the "
                             "press records', with --cms the editor's configuration; - for "
                             "stdout) instead of all three into schema/ next to the config file")
    schema.add_argument("--press", action="store_true",
                        help="the press records' schema only")
    schema.add_argument("--cms", action="store_true",
                        help="the form-based editor's configuration only (schema/cms.yml)")
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
    remember_interrupts()
    try:
        code = COMMANDS[args.command](args)
        stop_if_interrupted()  # a Ctrl-C some library swallowed still ends in 130
        return code
    except ContentErrors as exc:
        _report(exc.problems, sys.stderr)
        return EXIT_CONTENT
    except DvkError as exc:
        print(f"dvk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dvk: đã dừng (interrupted)", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The ``dvk`` command: ``main``, then exit without tearing the interpreter down.

    A build of 50,000 entries holds millions of objects, and freeing them one
    by one on the way out took 1.7 s after an edit's build, which nobody
    waits for. Every file is closed by then; the output is flushed here.
    """
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
