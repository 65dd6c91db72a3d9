"""Rules that look at more than one field: per entry (year, placement) and across entries (ids).

The cross-entry rules take any record with an id, its old ids, a path and key
lines: a fully loaded ``Entry``, or the ``Head`` a quick read of a file gives
(see ``generator.load.heads``), so that checking one file against 50,000 others
does not load the 50,000.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Protocol

from generator.core.errors import Problem, Severity, display_path
from generator.core.model import Entry
from generator.core.settings import Settings


class Identified(Protocol):
    """What the id rules need of an entry."""

    @property
    def id(self) -> str: ...
    @property
    def redirect_from(self) -> tuple[str, ...]: ...
    @property
    def path(self) -> str | os.PathLike[str]: ...
    @property
    def lines(self) -> dict[str, int]: ...


def check_entry(entry: Entry, settings: Settings) -> list[Problem]:
    """The rules of one entry that need more than its schema: a year, the file's place."""
    problems: list[Problem] = []
    shown = display_path(entry.path, settings.root)
    if entry.year == 0:
        problems.append(
            Problem(
                shown, entry.lines.get("started", 1), "started",
                "không xác định được năm: thêm `started: YYYY-MM-DD` (hoặc năm) "
                "hoặc ngày đăng (date) của nguồn",
                "no year can be derived: add `started: YYYY-MM-DD` (or a year) "
                "or a source date",
                rule="no-year",
            )
        )
    expected = f"{settings.entries_dir}/{entry.province.slug}/{entry.id}.md"
    if entry.rel_path != expected:
        place = display_path(settings.content_dir / expected, settings.root)
        problems.append(
            Problem(
                shown, 0, "-",
                f"nên đặt tệp ở {place} (thư mục theo tỉnh/thành, tên tệp theo mã) để dễ tìm; "
                "hoặc sửa `id` nếu tên tệp mới đúng",
                f"the file belongs at {place} (a folder per province, named after the id), so "
                "it is easy to find; or fix the `id` if the file's name is the right one",
                Severity.WARNING,
                rule="misplaced-file",
            )
        )
    return problems


def check_ids(
    records: Sequence[Identified], settings: Settings,
    reported: Collection[str] | None = None,
) -> list[Problem]:
    """Duplicate ids and conflicting redirects among ``records``, in path order.

    A duplicate is reported on the later file, naming the earlier. With
    ``reported`` (the paths of the files being checked), only problems of
    those files are kept, and a checked file that is the earlier of two is
    reported too, since the later one is not being looked at.
    """
    problems: list[Problem] = []

    def shown(record: Identified) -> str:
        return display_path(Path(record.path), settings.root)

    def where(record: Identified, key: str) -> tuple[str, int]:
        return shown(record), record.lines.get(key, 1)

    def wanted(record: Identified) -> bool:
        return reported is None or os.fspath(record.path) in reported

    def duplicate(record: Identified, other: Identified) -> Problem:
        named = f"{shown(other)}:{other.lines.get('id', 1)}"
        return Problem(
            *where(record, "id"), "id",
            f"mã \"{record.id}\" trùng với {named}; mỗi mô hình cần một mã riêng: "
            "đổi mã của mô hình chưa được đăng",
            f"id \"{record.id}\" duplicates {named}; every model needs its own id: "
            "change the id of the one not yet published",
            rule="duplicate-id",
        )

    owners: dict[str, Identified] = {}
    for record in records:
        first = owners.setdefault(record.id, record)
        if first is record:
            continue
        if wanted(record):
            problems.append(duplicate(record, first))
        if reported is not None and wanted(first) and not wanted(record):
            problems.append(duplicate(first, record))

    redirected: dict[str, Identified] = {}
    for record in records:
        for old_id in record.redirect_from:
            claimed = redirected.setdefault(old_id, record)
            if claimed is not record and (wanted(record) or wanted(claimed)):
                problems.append(
                    Problem(
                        *where(record, "redirect_from"), "redirect_from",
                        f"mã cũ \"{old_id}\" đã chuyển hướng tới {shown(claimed)}; "
                        "một mã cũ chỉ trỏ tới một trang",
                        f"old id \"{old_id}\" already redirects to {shown(claimed)}; "
                        "an old id leads to one page only",
                        rule="redirect-claimed",
                    ) if wanted(record) else Problem(
                        *where(claimed, "redirect_from"), "redirect_from",
                        f"mã cũ \"{old_id}\" cũng được {shown(record)} chuyển hướng; "
                        "một mã cũ chỉ trỏ tới một trang",
                        f"old id \"{old_id}\" is also redirected by {shown(record)}; "
                        "an old id leads to one page only",
                        rule="redirect-claimed",
                    )
                )
            owner = owners.get(old_id)
            if owner is not None and owner is not record and (wanted(record) or wanted(owner)):
                problems.append(
                    Problem(
                        *where(record, "redirect_from"), "redirect_from",
                        f"mã cũ \"{old_id}\" đang là mã của {shown(owner)}; "
                        "một đường dẫn không thể trỏ tới hai trang",
                        f"old id \"{old_id}\" is the id of {shown(owner)}; "
                        "one URL cannot lead to two pages",
                        rule="redirect-is-id",
                    ) if wanted(record) else Problem(
                        *where(owner, "id"), "id",
                        f"mã \"{old_id}\" đang là mã cũ mà {shown(record)} chuyển hướng; "
                        "một đường dẫn không thể trỏ tới hai trang",
                        f"id \"{old_id}\" is an old id {shown(record)} redirects; "
                        "one URL cannot lead to two pages",
                        rule="redirect-is-id",
                    )
                )
    return problems
