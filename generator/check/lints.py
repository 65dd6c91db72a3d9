"""Warnings about entries that are valid but probably not what the editor meant.

- Personal data: a private phone number, a CCCD/CMND number or a personal
  e-mail address must not be published. Found by pattern, so these are
  warnings a reviewer confirms, not errors.
- A summary too long for the cards, previews and search results that show it.
- A new entry whose title and province look like an existing entry's: the
  same model registered twice (see ``similar_titles``).

The patterns are written by hand: no maintained library knows Vietnamese
phone and identity-card formats.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from generator.core.errors import Problem, Severity, display_path
from generator.core.model import Entry
from generator.core.settings import Settings
from generator.core.text import fold

SUMMARY_LIMIT = 300
"""Characters of a summary that cards and search results show; the real ones run 140–200."""
IGNORABLE = frozenset({
    "long-summary", "personal-phone", "personal-id-number", "personal-email", "empty-section",
    "similar-title", "misplaced-file",
})
"""The warnings a file may turn off; errors cannot be."""
_IGNORE = re.compile(r"(?:#|<!--)[ \t]*dvk-ignore:[ \t]*([a-z0-9, \t-]+)")
_RULE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SIMILAR_TITLE_SCORE = 90
"""token_sort_ratio (0–100) of the folded titles from which two entries look the same."""

_URL = re.compile(r"https?://\S+")
_SEPARATOR = r"[ .\-]?"
_MOBILE = re.compile(
    # 10 digits from 03, 05, 07, 08 or 09 (or +84 and 9 digits), spaced or dotted.
    rf"(?<![\w+.,])(?:\+84|0084|0){_SEPARATOR}[35789](?:{_SEPARATOR}\d){{8}}(?![\w]|[.,]\d)"
)
_LANDLINE = re.compile(
    # 11 digits from 02: an area code (024, 0236…) and the subscriber number.
    rf"(?<![\w+.,])\(?(?:\+84|0084|0){_SEPARATOR}2(?:[ .\-()]{{0,2}}\d){{9}}(?![\w]|[.,]\d)"
)
_CARD_NUMBER = re.compile(
    # A CCCD has 12 digits and starts with the 0xx province code.
    r"(?<![\w.,])0\d{11}(?![\w]|[.,]\d)"
)
_CARD_WORDS = ("cccd", "cmnd", "cmtnd", "căn cước", "chứng minh", "định danh")
_NAMED_CARD_NUMBER = re.compile(
    # A CMND has 9 (or 12) digits, too common a length to flag without the word before it.
    r"(?i:cccd|cmnd|cmtnd|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?"
    r"|số định danh(?: cá nhân)?)[^\d\n]{0,20}(\d{9}|\d{12})(?!\d)"
)
_DIGITS = re.compile(r"[0-9][0-9 .()\-]{7,18}[0-9]")
"""Where a number of 9 digits or more may be: the patterns above run only there.

Running each of them over a whole entry costs 50-200 µs, 10 s over 50,000
entries; this one scan costs 20 µs.
"""
_EMAIL = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[A-Za-z]{2,})")
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.com.vn", "ymail.com", "hotmail.com",
    "outlook.com", "outlook.com.vn", "live.com", "msn.com", "icloud.com", "me.com",
    "mail.com", "aol.com", "protonmail.com", "proton.me", "zoho.com", "gmx.com",
    "yandex.com", "mail.ru", "qq.com", "163.com",
})
"""Webmail domains: an address there belongs to a person, not to an office."""


def _masked(value: str) -> str:
    # The warning lands in CI logs: it must not publish the number it warns about.
    digits = re.sub(r"\D", "", value)
    return f"{digits[:3]}…{digits[-2:]}" if len(digits) > 5 else "…"


def _masked_email(address: str) -> str:
    user, _, domain = address.partition("@")
    return f"{user[:1]}…@{domain}"


@dataclass(frozen=True, slots=True)
class _Finding:
    rule: str
    vi: str
    en: str


def _in_url(text: str, start: int) -> bool:
    # Article URLs carry long digit runs (post ids); those are not personal data.
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start: len(text) if line_end < 0 else line_end]
    return any(m.start() <= start - line_start < m.end() for m in _URL.finditer(line))


def _personal_data(text: str) -> Iterable[tuple[int, _Finding]]:
    """(offset, finding) for each piece of personal data in ``text``, in no particular order."""
    cards: list[re.Match[str]] = []
    for digits in _DIGITS.finditer(text):
        # Room before for "+84 " or "(", after for the patterns' look-ahead.
        start, end = max(0, digits.start() - 4), min(len(text), digits.end() + 2)
        for match in (*_MOBILE.finditer(text, start, end),
                      *_LANDLINE.finditer(text, start, end)):
            shown = _masked(match.group())
            yield match.start(), _Finding(
                "personal-phone",
                f"có vẻ là số điện thoại cá nhân ({shown}); không đăng dữ liệu cá nhân: xóa "
                "đi, hoặc thay bằng số đường dây nóng của cơ quan",
                f"looks like a personal phone number ({shown}); do not publish personal data: "
                "remove it, or give the office's public line instead",
            )
        cards.extend(_CARD_NUMBER.finditer(text, start, end))
    lowered = text.lower()
    if any(word in lowered for word in _CARD_WORDS):
        found = {m.start() for m in cards}
        cards.extend(m for m in _NAMED_CARD_NUMBER.finditer(text) if m.start(1) not in found)
    for match in cards:
        number = match.group(match.lastindex or 0)
        shown = _masked(number)
        yield match.start(), _Finding(
            "personal-id-number",
            f"có vẻ là số CCCD/CMND ({shown}); không đăng số giấy tờ tùy thân: xóa số này",
            f"looks like an identity card number (CCCD/CMND, {shown}); do not publish "
            "identity numbers: remove it",
        )
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        if match.group(1).lower() in FREE_MAIL:
            shown = _masked_email(match.group())
            yield match.start(), _Finding(
                "personal-email",
                f"có vẻ là địa chỉ e-mail cá nhân ({shown}); không đăng dữ liệu cá nhân: "
                "xóa đi, hoặc dùng địa chỉ chính thức của cơ quan",
                f"looks like a personal e-mail address ({shown}); do not publish personal "
                "data: remove it, or give the office's official address",
            )


def ignored_rules(text: str) -> frozenset[str]:
    """The warnings ``text`` turns off: ``# dvk-ignore: personal-phone`` in the front matter,
    or ``<!-- dvk-ignore: personal-phone -->`` in the body. Errors cannot be turned off."""
    if "dvk-ignore" not in text:
        return frozenset()
    named = {name for match in _IGNORE.finditer(text)
             for name in _RULE_NAME.findall(match.group(1))}
    return frozenset(named & IGNORABLE)


def lint_entry(entry: Entry, text: str, body_line: int, settings: Settings) -> list[Problem]:
    """Warnings about one loaded entry; ``text`` is its whole file, its body from ``body_line``."""
    shown = display_path(entry.path, settings.root)
    problems: list[Problem] = []
    summary_length = len(unicodedata.normalize("NFC", entry.summary))
    if summary_length > SUMMARY_LIMIT:
        problems.append(
            Problem(
                shown, entry.lines.get("summary", 1), "summary",
                f"tóm tắt dài {summary_length} ký tự; thẻ, bản xem trước và kết quả tìm kiếm "
                f"chỉ hiện khoảng {SUMMARY_LIMIT}: rút lại còn một hai câu, phần còn lại đưa "
                "vào nội dung",
                f"the summary is {summary_length} characters long; cards, previews and search "
                f"results show about {SUMMARY_LIMIT}: cut it to one or two sentences and move "
                "the rest into the body",
                Severity.WARNING,
                rule="long-summary",
            )
        )
    problems.extend(_empty_sections(shown, text, body_line))
    findings = sorted((offset, found) for offset, found in _personal_data(text)
                      if not _in_url(text, offset))
    if findings:
        keys = sorted((line, key) for key, line in entry.lines.items())
        starts = [line for line, _ in keys]
    for offset, found in findings:
        number = text.count("\n", 0, offset) + 1
        if number >= body_line:
            where = "body"
        else:
            at = bisect.bisect_right(starts, number) - 1
            where = keys[at][1] if at >= 0 else "-"
        problems.append(
            Problem(shown, number, where, found.vi, found.en, Severity.WARNING, rule=found.rule)
        )
    return problems


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _empty_sections(shown: str, text: str, body_line: int) -> list[Problem]:
    """A heading with nothing under it but the template's hint: an unfinished entry."""
    start = 0
    for _ in range(body_line - 1):
        start = text.find("\n", start) + 1
    headings = list(_HEADING.finditer(text, start))
    problems = []
    for index, heading in enumerate(headings):
        level = len(heading.group(1))
        # A section runs to the next heading of its level or above: subsections count.
        end = next((h.start() for h in headings[index + 1:] if len(h.group(1)) <= level),
                   len(text))
        if _COMMENT.sub("", text[heading.end(): end]).strip():
            continue
        title = heading.group(2)
        problems.append(
            Problem(
                shown, text.count("\n", 0, heading.start()) + 1, "body",
                f"mục \"{title}\" còn trống: viết nội dung theo gợi ý, hoặc xóa tiêu đề mục",
                f"the section \"{title}\" is empty: write it, following the hint, or remove "
                "its heading",
                Severity.WARNING,
                rule="empty-section",
            )
        )
    return problems


@dataclass(frozen=True, slots=True)
class Titled:
    """An existing entry as the similarity lint sees it."""

    id: str
    title: str
    province: str
    """The province slug."""
    path: str
    """The file."""


def similar_titles(
    new: Sequence[Entry], existing: Iterable[Titled], settings: Settings
) -> list[Problem]:
    """Warn for each of ``new`` whose folded title is close to an existing one's, same province.

    Diacritics, case and word order do not count: "Ky tuc xa vung bien" is
    "Ký túc xá vùng biên", and so is "Vùng biên: ký túc xá".
    """
    wanted = {entry.province.slug for entry in new}
    by_province: defaultdict[str, list[Titled]] = defaultdict(list)
    for item in existing:
        if item.province in wanted:
            by_province[item.province].append(item)
    problems: list[Problem] = []
    for entry in new:
        if "similar-title" in entry.ignored:
            continue
        others = [o for o in by_province[entry.province.slug] if o.id != entry.id]
        if not others:
            continue
        choices = [fold(o.title) for o in others]
        found = process.extractOne(fold(entry.title), choices, scorer=fuzz.token_sort_ratio,
                                   score_cutoff=SIMILAR_TITLE_SCORE)
        if found is None:
            continue
        twin = others[found[2]]
        twin_shown = display_path(Path(twin.path), settings.root)
        problems.append(
            Problem(
                display_path(entry.path, settings.root), entry.lines.get("title", 1), "title",
                f"tên và tỉnh/thành giống mô hình đã có \"{twin.title}\" ({twin_shown}); "
                "kiểm tra xem đây có phải cùng một mô hình: nếu phải, bổ sung vào tệp đó",
                f"title and province look like the existing \"{twin.title}\" ({twin_shown}); "
                "check whether it is the same model: if so, add to that file instead",
                Severity.WARNING,
                rule="similar-title",
            )
        )
    return problems
