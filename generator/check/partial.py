"""``dvk check PATHS`` and ``dvk check --changed-since REF``: check a few files, fast.

The named (or changed) entry files get every rule. The rest of the catalogue
is not loaded: the rules that span it (unique ids and old ids, a title that
repeats an existing one) read the others' heads from ``generator.load.heads``.
With ``--changed-since``, the published URLs of entries that existed at REF
are guarded too: an entry whose id changed, or whose file was deleted, must
leave its old id behind in some ``redirect_from``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.file import check_file
from generator.check.lints import Titled, similar_titles
from generator.check.press import Models, load_press
from generator.check.rules import Identified, check_ids
from generator.core import urls
from generator.core.errors import ConfigError, Problem, display_path, raise_on_errors
from generator.core.model import Entry
from generator.core.provinces import ProvinceRegistry, default_registry
from generator.core.settings import Settings
from generator.load.heads import (
    ID,
    PATH,
    PROVINCE,
    REDIRECT_FROM,
    TITLE,
    HeadIndex,
    Row,
    read_head,
    scan,
)
from generator.load.press import EXTENSIONS as PRESS_EXTENSIONS
from generator.load.reported import load_reported


@dataclass
class Targets:
    """What a partial check looks at."""

    files: list[str] = field(default_factory=list)
    """Entry files to check, absolute."""
    deleted: list[str] = field(default_factory=list)
    """Entry files deleted since the base revision, absolute."""
    existed: set[str] = field(default_factory=set)
    """Of ``files``, those that existed at the base revision (not new entries)."""
    base: str | None = None
    """The revision whose published ids are guarded (``--changed-since``)."""
    reported: bool = False
    """Whether the file of reported figures is to be checked too."""
    press: list[str] = field(default_factory=list)
    """Press records to check, absolute."""


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of a check that found no error."""

    count: int
    """Entry files checked."""
    warnings: tuple[Problem, ...]
    press: int = 0
    """Press records checked."""


def _git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], input=stdin,
                              capture_output=True, check=True)
    except FileNotFoundError as exc:
        raise ConfigError("--changed-since cần git (needs git), không tìm thấy git") from exc
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode(errors="replace").strip().splitlines()
        raise ConfigError(f"git {' '.join(args[:2])}: {reason[-1] if reason else exc}") from exc
    return done.stdout


def _in_git(folder: Path) -> bool:
    try:
        _git(folder, "rev-parse", "--git-dir")
    except ConfigError:
        return False
    return True


def changed_since(settings: Settings, ref: str) -> Targets:
    """The entry files changed, added or deleted since ``ref``, untracked ones included."""
    entries = settings.entries_path
    if not entries.is_dir():
        return Targets(base=ref)
    try:
        _git(entries, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ConfigError as exc:
        raise ConfigError(
            f"--changed-since {ref}: git không biết phiên bản này; kiểm tra tên nhánh, và "
            f"lấy nó về trước (ví dụ git fetch origin main) "
            f"(git does not know this revision: check its name, and fetch it first)") from exc
    # Against where this branch left REF, as a pull request's diff is: a branch
    # behind REF must not see REF's newer entries as deleted here.
    try:
        base = _git(entries, "merge-base", ref, "HEAD").decode().strip()
    except ConfigError:  # no common history (or no commit yet): REF itself
        base = ref
    # --relative: names relative to the entries folder, and nothing outside it.
    diff = _git(entries, "diff", "--name-status", "--no-renames", "--relative", "-z", base, "--")
    untracked = _git(entries, "ls-files", "--others", "--exclude-standard", "-z")
    fields = diff.decode().split("\0")
    targets = Targets(base=base)
    touched: set[str] = set()
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        path = os.path.join(entries, name)  # noqa: PTH118
        if status == "D" and name.endswith(".md"):
            targets.deleted.append(path)
            continue
        touched.add(path)  # a deleted image too: the entries that show it must be checked
        if status != "A" and name.endswith(".md"):
            targets.existed.add(path)
    touched |= {os.path.join(entries, n) for n in untracked.decode().split("\0") if n}  # noqa: PTH118
    targets.files = _entry_files_for(touched, settings)
    targets.reported = _changed(settings.reported_path, base)
    targets.press = _press_changed(settings, base)
    return targets


def _press_changed(settings: Settings, base: str) -> list[str]:
    """The press records changed or added since ``base``."""
    folder = settings.press_path
    if not folder.is_dir():
        return []
    names = _git(folder, "diff", "--name-only", "--relative", "-z", base, "--").split(b"\0")
    names += _git(folder, "ls-files", "--others", "--exclude-standard", "-z").split(b"\0")
    found = {os.path.join(folder, n.decode()) for n in names if n}  # noqa: PTH118
    return sorted(p for p in found if p.endswith(PRESS_EXTENSIONS) and os.path.isfile(p))  # noqa: PTH113


def _changed(path: Path, ref: str) -> bool:
    """Whether ``path`` differs from its version at ``ref``, or is new."""
    folder = path.parent
    if not folder.is_dir():
        return False
    name = path.name
    diff = _git(folder, "diff", "--name-only", "--relative", ref, "--", name)
    untracked = _git(folder, "ls-files", "--others", "--exclude-standard", "--", name)
    return bool(diff.strip() or untracked.strip())


def named(settings: Settings, paths: Sequence[str]) -> Targets:
    """The entry files named on the command line (folders stand for the entries in them)."""
    touched: set[str] = set()
    for name in paths:
        path = Path(os.path.abspath(name))  # noqa: PTH100 (normalised: no `..` left to slip out)
        if path.is_dir():
            # A folder stands for the entries and press records in it: other pages in it
            # are neither.
            inside = str(settings.entries_path) + os.sep
            press = str(settings.press_path) + os.sep
            touched |= {joined for folder, _, files in os.walk(path) for f in files
                        if ((joined := os.path.join(folder, f)).startswith(inside)  # noqa: PTH118
                            and f.endswith(".md"))
                        or (joined.startswith(press) and f.endswith(PRESS_EXTENSIONS))}
        elif path.is_file():
            touched.add(str(path))
        else:
            raise ConfigError(f"{name}: không có tệp hay thư mục này (no such file or folder)")
    reported = str(settings.reported_path)
    press_root = str(settings.press_path) + os.sep
    records = sorted(p for p in touched if p.startswith(press_root))
    outside = sorted(p for p in touched
                     if not p.startswith(str(settings.entries_path) + os.sep) and p != reported
                     and not p.startswith(press_root))
    if outside:
        raise ConfigError(f"{outside[0]}: không nằm trong thư mục mô hình {settings.entries_path} "
                          f"hay thư mục bài báo {settings.press_path} "
                          f"(not in the entries folder nor in the press records' folder)")
    targets = Targets(files=_entry_files_for(touched, settings), reported=reported in touched,
                      press=records)
    entries = settings.entries_path
    if targets.files and _in_git(entries):
        relative = [os.path.relpath(f, entries) for f in targets.files]
        listed = _git(entries, "ls-files", "-z", "--", *relative).decode().split("\0")
        targets.existed = {os.path.join(entries, n) for n in listed if n}  # noqa: PTH118
    return targets


def _entry_files_for(touched: Iterable[str], settings: Settings) -> list[str]:
    """The entry files among ``touched``; an image stands for the entries next to it naming it.

    Files outside the entries folder (editorial pages, the theme) are no
    entries and are left to the full check.
    """
    root = str(settings.entries_path) + os.sep
    files: set[str] = set()
    for path in touched:
        if not path.startswith(root):
            continue
        if path.endswith(".md"):
            if os.path.isfile(path):  # noqa: PTH113
                files.add(path)
            continue
        files |= _entries_naming(path, root)
    return sorted(files, key=lambda name: name.split(os.sep))  # noqa: PTH206


def _entries_naming(image: str, root: str) -> set[str]:
    """The entry files that may show ``image``: those naming it, in its folder or above.

    An entry names its images relative to itself, so it sits in the image's
    folder or in one of its parents, up to the entries folder.
    """
    found: set[str] = set()
    folder, name = os.path.split(image)
    relative = name
    while folder.startswith(root) or folder + os.sep == root:
        try:
            candidates = [c for c in os.scandir(folder) if c.name.endswith(".md") and c.is_file()]
        except OSError:
            candidates = []
        for candidate in candidates:
            try:
                text = Path(candidate.path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # gone, or unreadable: the loader reports it if it is checked
            if relative in text:
                found.add(candidate.path)
        if folder + os.sep == root:
            break
        folder, parent = os.path.split(folder)
        relative = f"{parent}/{relative}"
    return found


def check_targets(settings: Settings, targets: Targets, *, strict: bool = False,
                  registry: ProvinceRegistry | None = None) -> Checked:
    """Check ``targets`` against the catalogue; raise ``ContentErrors`` on any error."""
    registry = registry or default_registry()
    problems: list[Problem] = []
    loaded: dict[str, Entry] = {}
    for path in targets.files:
        entry, found = check_file(Path(path), settings, registry)
        problems.extend(found)
        if entry is not None:
            loaded[path] = entry
    checked = set(targets.files)
    rows = HeadIndex(settings).rows(scan(settings))
    records = _related(rows, checked, loaded)
    problems.extend(check_ids(records, settings, reported=checked))
    new = [r for r in records if isinstance(r, Entry) and str(r.path) not in targets.existed]
    if new:
        provinces = {entry.province.slug for entry in new}
        problems.extend(similar_titles(new, _titled(rows, provinces, registry), settings))
    if targets.base is not None:
        problems.extend(_guard_old_ids(settings, targets, rows))
    if targets.reported:
        problems.extend(load_reported(settings, registry)[1])
    if targets.press:
        models = Models({row[ID] for row in rows},
                        {old: row[ID] for row in rows for old in row[REDIRECT_FROM] or ()})
        problems.extend(load_press(settings, models, targets.press)[1])
    warnings = raise_on_errors(problems, strict=strict, checked=len(targets.files))
    return Checked(len(targets.files), warnings, len(targets.press))


def _related(rows: Sequence[Row], checked: set[str], loaded: dict[str, Entry]) -> list[Identified]:
    """The checked entries and the heads that share an id or old id with them, in path order.

    The id rules can only fail on those: the other 50,000 need not be built.
    """
    names = {e.id for e in loaded.values()} | {o for e in loaded.values() for o in e.redirect_from}
    unplaced = dict(loaded)
    records: list[Identified] = []
    for row in rows:
        path = row[PATH]
        if path in checked:
            entry = unplaced.pop(path, None)
            if entry is not None:
                records.append(entry)
        elif row[ID] in names or (row[REDIRECT_FROM] and not names.isdisjoint(row[REDIRECT_FROM])):
            head = read_head(path)  # again, for the lines of its keys
            if head is not None:
                records.append(head)
    records.extend(unplaced.values())  # files the scan missed (outside the entries folder)
    return records


def _titled(rows: Iterable[Row], provinces: set[str],
            registry: ProvinceRegistry) -> list[Titled]:
    """The heads in ``provinces`` (slugs), for the similar-title lint."""
    # ~100 distinct spellings of a province among 50,000 files: resolve each once.
    slugs: dict[str, str] = {}
    found = []
    for row in rows:
        written = row[PROVINCE]
        slug = slugs.get(written)
        if slug is None:
            match = registry.resolve(written)
            slug = slugs[written] = match.province.slug if match else ""
        if slug in provinces:
            found.append(Titled(row[ID], row[TITLE], slug, row[PATH]))
    return found


def _guard_old_ids(settings: Settings, targets: Targets, rows: Sequence[Row]) -> list[Problem]:
    """An entry published at the base revision must still answer at its id, or redirect."""
    assert targets.base is not None
    before = sorted(targets.existed) + targets.deleted
    if not before:
        return []
    entries = settings.entries_path
    root = _git(entries, "rev-parse", "--show-toplevel").decode().strip()
    # One `git cat-file --batch` for every file: a process per file would cost seconds.
    request = "".join(
        f"{targets.base}:{Path(os.path.relpath(p, root)).as_posix()}\n" for p in before
    ).encode()
    output = _git(entries, "cat-file", "--batch", stdin=request)
    answered = {row[ID] for row in rows} | {o for row in rows for o in row[REDIRECT_FROM]}
    problems = []
    position = 0
    for path in before:
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # "missing": the file did not exist at the base revision
        size = int(header[2])
        old = read_head(path, output[position: position + size])
        position += size + 1
        if old is None or not old.id or old.id in answered:
            continue
        problems.append(_gone(settings, path, old.id, path in targets.deleted))
    return problems


def _gone(settings: Settings, path: str, old_id: str, deleted: bool) -> Problem:
    shown = display_path(Path(path), settings.root)
    url = f"/{urls.entry(old_id)}"
    if deleted:
        return Problem(
            shown, 0, "id",
            f"tệp đã xóa, nên trang đã công bố {url} sẽ mất; không xóa mô hình đã đăng. "
            f"Nếu mô hình chuyển sang tệp khác, thêm `redirect_from: [{old_id}]` vào tệp đó",
            f"the file was deleted, so the published page {url} would die; do not delete a "
            f"published entry. If it moved to another file, add `redirect_from: [{old_id}]` "
            "there",
            rule="published-id-gone",
        )
    return Problem(
        shown, _line_of(path, "id"), "id",
        f"mã đã đổi từ \"{old_id}\", nên trang đã công bố {url} sẽ mất; giữ mã cũ, hoặc "
        f"thêm `redirect_from: [{old_id}]`",
        f"the id changed from \"{old_id}\", so the published page {url} would die; keep the "
        f"old id, or add `redirect_from: [{old_id}]`",
        rule="published-id-gone",
    )


def _line_of(path: str, key: str) -> int:
    head = read_head(path)
    return head.lines.get(key, 1) if head else 1


def new_entry_warnings(settings: Settings, entries: Sequence[Entry]) -> list[Problem]:
    """The similar-title lint of a full check, for the entries git has not seen at HEAD."""
    if not settings.entries_path.is_dir() or not _in_git(settings.entries_path):
        return []
    try:
        changed = changed_since(settings, "HEAD")
    except ConfigError:
        return []  # no commit yet
    fresh = set(changed.files) - changed.existed
    new = [e for e in entries if str(e.path) in fresh]
    if not new:
        return []
    others = [Titled(e.id, e.title, e.province.slug, str(e.path)) for e in entries]
    return similar_titles(new, others, settings)
