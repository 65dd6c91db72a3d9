"""Rules that span the whole catalogue: unique ids and redirects, file placement, years."""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import Problem, Severity, display_path
from generator.model import Entry
from generator.settings import Settings


def check_catalogue(entries: Sequence[Entry], settings: Settings) -> list[Problem]:
    """Every cross-entry problem of ``entries``, located in the offending file."""
    problems: list[Problem] = []
    owners: dict[str, Entry] = {}

    def shown(entry: Entry) -> str:
        return display_path(entry.path, settings.root)

    def where(entry: Entry, key: str) -> tuple[str, int]:
        return shown(entry), entry.lines.get(key, 1)

    for entry in entries:
        first = owners.get(entry.id)
        if first is not None:
            other = f"{shown(first)}:{first.lines.get('id', 1)}"
            problems.append(
                Problem(
                    *where(entry, "id"), "id",
                    f"mã \"{entry.id}\" trùng với {other}; mỗi mô hình cần một mã riêng: "
                    "đổi mã của mô hình chưa được đăng",
                    f"id \"{entry.id}\" duplicates {other}; every model needs its own id: "
                    "change the id of the one not yet published",
                )
            )
        else:
            owners[entry.id] = entry

    redirected: dict[str, Entry] = {}
    for entry in entries:
        for old_id in entry.redirect_from:
            claimed = redirected.setdefault(old_id, entry)
            if claimed is not entry:
                problems.append(
                    Problem(
                        *where(entry, "redirect_from"), "redirect_from",
                        f"mã cũ \"{old_id}\" đã chuyển hướng tới {shown(claimed)}; "
                        "một mã cũ chỉ trỏ tới một trang",
                        f"old id \"{old_id}\" already redirects to {shown(claimed)}; "
                        "an old id leads to one page only",
                    )
                )
            owner = owners.get(old_id)
            if owner is not None and owner is not entry:
                problems.append(
                    Problem(
                        *where(entry, "redirect_from"), "redirect_from",
                        f"mã cũ \"{old_id}\" đang là mã của {shown(owner)}; "
                        "một đường dẫn không thể trỏ tới hai trang",
                        f"old id \"{old_id}\" is the id of {shown(owner)}; "
                        "one URL cannot lead to two pages",
                    )
                )
        if entry.year == 0:
            problems.append(
                Problem(
                    *where(entry, "started"), "started",
                    "không xác định được năm: thêm `started: YYYY-MM-DD` (hoặc năm) "
                    "hoặc ngày đăng (date) của nguồn",
                    "no year can be derived: add `started: YYYY-MM-DD` (or a year) "
                    "or a source date",
                )
            )
        expected = f"{settings.entries_dir}/{entry.province.slug}/{entry.id}.md"
        if entry.rel_path != expected:
            problems.append(
                Problem(
                    shown(entry), 0, "-",
                    f"nên đặt tệp ở {expected} (theo tỉnh/thành và mã) để dễ tìm",
                    f"the file belongs at {expected} (by province and id), so it is easy to find",
                    Severity.WARNING,
                )
            )
    return problems
