"""A new entry file from a few answers (``dvk new``).

Each value comes from a flag or, when someone is at the keyboard, from a
question; either way it is checked the way the loader checks it (the province
registry, the config's taxonomy), so the file written is one ``dvk check``
accepts. The id is derived from the title and the province and made unique
against every id and old id already in the entries folder. An existing file is
never overwritten.

Nothing here prints: questions and remarks go through the ``ask`` and ``say``
callables the CLI passes in, so tests can answer them.

The parts live beside this module: the questions and the checks of each
answer in questions.py, the id in ids.py, the file's text in entryfile.py and
the two errors in errors.py. This one puts them together and writes the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from generator.author.entryfile import render_entry
from generator.author.ids import derive_id, unique_id, used_ids
from generator.author.questions import Answers, Ask, Context, Say, collect, explicit_id
from generator.core.errors import FrontMatterError, ScaffoldError, display_path
from generator.core.model import EntryFrontMatter
from generator.core.provinces import ProvinceMatch, ProvinceRegistry
from generator.core.settings import Settings
from generator.core.text import slugify
from generator.load.frontmatter import parse_front_matter

# What `dvk new` imports from here; Answers and ScaffoldError are defined where
# they are first needed (questions.py, errors.py) and re-exported.
__all__ = ["Answers", "Created", "ScaffoldError", "create_entry"]


@dataclass(frozen=True, slots=True)
class Created:
    """The entry file ``dvk new`` wrote."""

    path: Path
    entry_id: str


def _check_written_text(text: str, shown: str) -> None:
    # The file must be one the loader accepts; an answer that slipped past the
    # checks of questions.py is reported here, before anything is written.
    try:
        data = parse_front_matter(text, shown).data
        EntryFrontMatter.model_validate(data)
    except FrontMatterError as exc:
        raise ScaffoldError(str(exc)) from exc
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ScaffoldError(
            f"giá trị không hợp lệ, chưa tạo tệp (invalid values, nothing written): {details}"
        ) from exc


def create_entry(answers: Answers, settings: Settings, registry: ProvinceRegistry, *,
                 schema_file: Path, ask: Ask | None, say: Say) -> Created:
    """Write a new entry file from ``answers`` (and questions, when ``ask`` is given).

    Raises ``ScaffoldError`` on missing or invalid values, on an explicit id
    already in use, and when the file exists: nothing is overwritten.
    """
    context = Context(settings, registry)
    used = used_ids(settings)
    explicit = explicit_id(answers.entry_id)
    if explicit and explicit in used:  # before any question, not after all of them
        _refuse(explicit, used[explicit], settings)
    values = collect(answers, context, ask, say)
    match: ProvinceMatch = values["province"]
    place = slugify(match.old.name) if match.old else match.province.slug
    entry_id = explicit or unique_id(values["title"], place, used)
    first_choice = derive_id(values["title"], place)
    if not explicit and entry_id != first_choice:
        # The same title in the same place is more often a model entered twice
        # than a second model; say so while it is cheap to stop.
        holder = display_path(used[first_choice], settings.root)
        say(f"mã {first_choice} đã được dùng ở {holder}, nên dùng mã {entry_id}; kiểm tra "
            f"xem mô hình đã có chưa (id {first_choice} is taken by {holder}, so the new "
            f"entry is {entry_id}; check it is not the same model)")
    path = settings.entries_path / match.province.slug / f"{entry_id}.md"
    schema_ref = Path(os.path.relpath(schema_file.resolve(), path.parent.resolve())).as_posix()
    text = render_entry(entry_id, values, context, schema_ref)
    _check_written_text(text, display_path(path, settings.root))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        _refuse(entry_id, path, settings)
    return Created(path, entry_id)


def _refuse(entry_id: str, holder: Path, settings: Settings) -> NoReturn:
    shown = display_path(holder, settings.root)
    if holder.stem == entry_id:
        raise ScaffoldError(
            f"{shown}: đã có tệp mang mã này; dvk new không bao giờ ghi đè. Chọn mã khác với "
            f"--id, hoặc bỏ --id để tự đặt mã ({shown}: a file with this id exists and dvk new "
            "never overwrites; pick another --id, or leave --id out to get a free one)"
        )
    raise ScaffoldError(
        f"{shown}: mã \"{entry_id}\" đã được dùng ở tệp này (id or old id); chọn mã khác "
        f"với --id ({shown}: id \"{entry_id}\" is already used by this file; pick another --id)"
    )
