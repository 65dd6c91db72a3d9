"""The press pages: /bao-chi/ (every article, newest first), an outlet's and a year's
articles, and one page per contest with the models its articles cover.

A journalist starts here to see what has been written, by whom and when, and
which models no one has covered yet; a contest jury starts at its contest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.model import Entry
from generator.core.press import Contest
from generator.core.text import slugify, sort_key
from generator.pages.views import (
    PRESS_TEMPLATE,
    HubItem,
    Pagination,
    PressItem,
    PressPage,
    SitePages,
    VirtualPage,
    paginate,
)


@cache
def outlet_slug(outlet: str) -> str:
    """The URL slug of an outlet's page: "Báo Nghệ An" -> "bao-nghe-an" (made once per
    outlet: 20,000 articles name a few hundred)."""
    return slugify(outlet)


def press_pages(pages: SitePages, catalogue: Catalogue) -> None:
    """Add the press hub, its outlet and year lists, and the contests' pages to ``pages``."""
    contests = {contest.slug: contest for contest in catalogue.settings.contests}
    items = [PressItem(record, tuple(catalogue.by_id[m] for m in record.models),
                       contests.get(record.contest or ""))
             for record in catalogue.press]
    size = catalogue.settings.page_size
    outlets: dict[str, list[PressItem]] = {}
    names: dict[str, str] = {}
    years: dict[int, list[PressItem]] = {}
    entered: dict[str, list[PressItem]] = {contest: [] for contest in contests}
    for item in items:  # newest first, so each list is too
        if item.contest is not None:
            entered[item.contest.slug].append(item)
        outlet = item.record.outlet
        if outlet:
            slug = outlet_slug(outlet)
            names.setdefault(slug, outlet)  # the newest article's spelling names it
            outlets.setdefault(slug, []).append(item)
        years.setdefault(item.record.date.year, []).append(item)
    outlet_items = tuple(sorted(
        (HubItem(names[slug], urls.press_outlet(slug), len(found))
         for slug, found in outlets.items()), key=lambda h: sort_key(h.label)))
    year_items = tuple(HubItem(str(year), urls.press_year(year), len(years[year]))
                       for year in sorted(years, reverse=True))
    contest_items = tuple(
        HubItem(contest.name, urls.press_contest(contest.slug), len(entered[contest.slug]))
        for contest in catalogue.settings.contests)
    # Models no article is about, by province: counted once for every contest's page.
    uncovered = Counter(entry.province.slug for entry in catalogue.entries
                        if entry.id not in catalogue.press_by_entry)
    _press_list(pages, urls.PRESS, items, index="all", heading="Báo chí viết về các mô hình",
                size=size,
                description="Các bài báo viết về mô hình \"Dân vận khéo\", mới nhất trước.",
                extra={"outlets": outlet_items, "years": year_items,
                       "contests": contest_items,
                       "uncovered": uncovered.total(),
                       "uncovered_url": urls.uncovered_search()})
    for slug, found in outlets.items():
        _press_list(pages, urls.press_outlet(slug), found, index="outlet", heading=names[slug],
                    size=size,
                    description=f"Các bài của {names[slug]} viết về mô hình \"Dân vận khéo\".")
    for year, found in years.items():
        _press_list(pages, urls.press_year(year), found, index="year",
                    heading=f"Báo chí năm {year}", size=size,
                    description=f"Các bài báo năm {year} viết về mô hình \"Dân vận khéo\".")
    for contest in catalogue.settings.contests:
        found = entered[contest.slug]
        _press_list(pages, urls.press_contest(contest.slug), found, index="contest",
                    heading=contest.name, size=size,
                    description=f"Các tác phẩm dự thi {contest.name} ({contest.year}).",
                    extra=_contest_counts(catalogue, contest, found, uncovered))


def _contest_counts(catalogue: Catalogue, contest: Contest, items: Sequence[PressItem],
                    uncovered: Counter[str]) -> dict[str, Any]:
    """A contest's first page: the models its articles cover, by province and by field, and
    beside each province how many of its models no article is about (``uncovered``)."""
    seen: dict[str, Entry] = {}
    for item in items:
        for entry in item.models:
            seen.setdefault(entry.id, entry)
    models = tuple(sorted(seen.values(), key=lambda e: (e.title_key, e.id)))
    by_province = Counter(entry.province.slug for entry in models)
    provinces = tuple(
        (unit.name, urls.index(urls.PROVINCES, unit.slug), by_province[unit.slug],
         uncovered[unit.slug], urls.uncovered_search(unit.slug))
        for unit in sorted(catalogue.provinces, key=lambda u: (-by_province[u.slug],
                                                               sort_key(u.name)))
        if by_province[unit.slug])
    return {"contest": contest, "models": models, "province_counts": provinces,
            "field_counts": tuple(catalogue.field_counts(models)),
            "uncovered": uncovered.total(),
            "uncovered_url": urls.uncovered_search()}


def _press_list(pages: SitePages, base: str, items: Sequence[PressItem], *, index: str,
                heading: str, size: int, description: str,
                extra: dict[str, Any] | None = None) -> None:
    """One list of articles, paginated; ``extra`` (``PressPage`` fields) on its first page."""
    chunks = paginate(items, size)
    pager = tuple(urls.numbered(base, n) for n in range(1, len(chunks) + 1))
    for number, chunk in enumerate(chunks, start=1):
        title = heading if number == 1 else f"{heading} (trang {number})"
        context = PressPage(index, heading, tuple(chunk), len(items),
                            Pagination(number, len(chunks), pager), (number - 1) * size + 1)
        if extra and number == 1:
            context = replace(context, **extra)
        pages.add(VirtualPage(urls.numbered_source(base, number), title, PRESS_TEMPLATE,
                              context, description))
