"""Read one entry file into an ``Entry``, or into located problems.

Reading resolves what the file names (its province, its field, its images'
files) and reports every problem of the file, not just the first. The rules
beyond the schema and the lints run on the result in ``generator.check.run``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from generator.core.errors import ImageProblem, Problem, Severity, display_path
from generator.core.model import Entry, EntryFrontMatter, FieldOfWork, Image, Source
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.core.settings import Settings
from generator.core.text import fold, sort_key
from generator.load.frontmatter import (
    FrontMatter,
    duplicate_keys,
    field_name,
    link_outside,
    locate,
    mapping_items,
    read_front_matter,
)
from generator.load.images import plan, read_header, stem
from generator.load.messages import schema_message


@dataclass(frozen=True, slots=True)
class ReadEntry:
    """An entry file as read: the entry (None on any error), its problems, its text."""

    entry: Entry | None
    problems: list[Problem]
    text: str = ""
    """The whole file, for the lints that scan it."""
    body_line: int = 0
    """The file line the body starts on."""


def _resolve_field(text: str, settings: Settings) -> FieldOfWork | None:
    found = settings.field_by_slug(text)
    if found:
        return found
    folded = fold(text)  # a label typed instead of a slug is fine too
    return next((f for f in settings.fields if fold(f.label) == folded), None)


class Add(Protocol):
    """Records a problem of rule ``rule`` at a front-matter location."""

    def __call__(self, loc: tuple[str | int, ...], vi: str, en: str, *, rule: str = "") -> None: ...




def _resolve_province(raw: Any, registry: ProvinceRegistry, add: Add) -> ProvinceMatch | None:
    if not isinstance(raw, str) or not raw.strip():
        return None  # the schema reports it missing or not text
    match = registry.resolve(raw)
    if match is None:
        near = registry.suggest(raw)
        hint_vi = f"; có phải \"{near}\"?" if near else "."
        hint_en = f"; did you mean \"{near}\"?" if near else "."
        add(
            ("province",),
            f"tỉnh/thành không xác định \"{raw}\"{hint_vi} Dùng mã một trong 34 "
            "đơn vị (ví dụ nghe-an) hoặc tên một tỉnh cũ",
            f"unknown province \"{raw}\"{hint_en} Use the slug of one of the 34 "
            "units (e.g. nghe-an) or an old province name",
            rule="unknown-province",
        )
    return match


def _resolve_field_of_work(
    raw: Any, match: ProvinceMatch | None, settings: Settings, add: Add
) -> FieldOfWork | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    found = _resolve_field(raw.strip(), settings)
    slugs = ", ".join(f.slug for f in settings.fields)
    if found is None:
        add(
            ("field",),
            f"lĩnh vực không xác định \"{raw}\"; dùng một trong: {slugs}",
            f"unknown field \"{raw}\"; use one of: {slugs}",
            rule="unknown-field",
        )
    elif match is not None and not found.allowed_in(match.province):
        only = ", ".join(found.provinces)
        add(
            ("field",),
            f"lĩnh vực \"{found.slug}\" chỉ dùng cho {only}; dùng một trong: {slugs}",
            f"field \"{found.slug}\" is only for {only}; use another",
            rule="field-not-allowed",
        )
        return None
    return found


def _check_images(
    spec: EntryFrontMatter, path: Path, fm: FrontMatter, add: Add
) -> list[Image]:
    """The entry's images, each checked from its file's header (format, size, pixels)."""
    images: list[Image] = []
    names: set[str] = set()
    for index, image in enumerate(spec.images):
        loc = ("images", index, "src")
        try:
            image_path = (path.parent / image.src).resolve()
        except (OSError, ValueError):  # a NUL byte, a loop of links: no such file
            image_path = path.parent / "\ufffd"
        if not image_path.is_relative_to(path.parent.resolve()):
            # `../` could reach any file of the machine, and it would be published.
            add(loc,
                f"ảnh \"{image.src}\" nằm ngoài thư mục của tệp mô hình; đặt ảnh cạnh tệp "
                "mô hình và ghi tên tệp, không dùng `../`",
                f"image \"{image.src}\" lies outside the entry's folder; put the image next to "
                "the entry file and give its name, without `../`",
                rule="image-outside")
            continue
        try:
            header = read_header(image_path, image.src)
        except ImageProblem as problem:
            add(loc, problem.vi, problem.en, rule=problem.rule)
            continue
        sizes = plan(header.width, header.height)
        images.append(Image(
            image.src, image.alt, image.credit, image_path,
            name=_unique_name(stem(image.src), names),
            widths=tuple(width for width, _ in sizes),
            width=sizes[-1][0], height=sizes[-1][1],
            line=locate(fm.node, loc, fm.first_line),
        ))
    return images


def _unique_name(wanted: str, taken: set[str]) -> str:
    # Two images of one entry may share a stem (anh.jpg, anh.png, Ảnh.jpg);
    # their published files must not.
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted}-{number}"
    taken.add(name)
    return name


def _page_digest(text_digest: str, images: list[Image]) -> str:
    # An entry's page shows its images' widths and heights: an image replaced
    # by one of another size changes the page though the entry file is the same.
    if not images:
        return text_digest
    shown = "\0".join(f"{i.name}:{i.widths}:{i.width}x{i.height}" for i in images)
    return hashlib.blake2b(f"{text_digest}\0{shown}".encode(), digest_size=16).hexdigest()


def read_entry(path: Path, settings: Settings, registry: ProvinceRegistry) -> ReadEntry:
    """Read one entry file: the entry, or None and every problem found reading it."""
    shown = display_path(path, settings.root)
    outside = link_outside(path, settings)
    if outside is not None:
        return ReadEntry(None, [outside])
    fm = read_front_matter(path, shown)
    if isinstance(fm, Problem):
        return ReadEntry(None, [fm])
    problems = duplicate_keys(fm, shown)

    def add(loc: tuple[str | int, ...], vi: str, en: str, *, rule: str = "") -> None:
        line = locate(fm.node, loc, fm.first_line)
        problems.append(Problem(shown, line, field_name(loc), vi, en, rule=rule))

    spec: EntryFrontMatter | None = None
    try:
        spec = EntryFrontMatter.model_validate(fm.data)
    except ValidationError as exc:
        for error in exc.errors():
            rule, vi, en = schema_message(error)
            add(tuple(error["loc"]), vi, en, rule=rule)
    # Province and field are checked on the raw values too, so that a file with
    # a schema error still gets its province and field reported in the same run.
    match = _resolve_province(fm.data.get("province"), registry, add)
    field_of_work = _resolve_field_of_work(fm.data.get("field"), match, settings, add)
    images = _check_images(spec, path, fm, add) if spec is not None else []

    has_errors = any(p.severity is Severity.ERROR for p in problems)
    if has_errors or spec is None or match is None or field_of_work is None:
        return ReadEntry(None, problems)
    entry = Entry(
        id=spec.id,
        title=spec.title,
        province=match.province,
        old_province=match.old,
        locality=spec.locality,
        field=field_of_work,
        kind=spec.kind,
        unit=spec.unit,
        started=spec.started,
        summary=spec.summary,
        results=tuple(spec.results),
        images=tuple(images),
        sources=tuple(
            Source(s.title, s.publisher, s.author, s.date, str(s.url) if s.url else None, s.note)
            for s in spec.sources
        ),
        redirect_from=tuple(spec.redirect_from),
        updated=spec.updated,
        body=fm.body,
        path=path,
        rel_path=path.relative_to(settings.content_dir).as_posix(),
        lines={str(k.value): fm.first_line + k.start_mark.line for k, _ in mapping_items(fm.node)},
        digest=_page_digest(fm.digest, images),
        title_key=sort_key(spec.title),
    )
    return ReadEntry(entry, problems, fm.text, fm.body_line)
