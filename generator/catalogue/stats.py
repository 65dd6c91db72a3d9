"""The movement at a glance: counts of the published entries, and their CSV files.

``Stats.of`` counts the catalogue once (by field, province and old province,
year, kind, province × field). The page /thong-ke/ shows those counts as
charts and tables (generator/pages/site.py, theme/dvk/stats.html) and the same
object is written out as CSV (``stat_files``), so the tables and the files
cannot disagree. Reported figures (generator/load/reported.py) travel beside the
counts, in their own table and file; no count here ever includes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.catalogue.catalogue import Catalogue
from generator.core import urls
from generator.core.model import Entry, FieldOfWork, Kind
from generator.core.provinces import OldProvince, Province
from generator.load.reported import Report

"""Where the CSV files are published: inside the data package's folder, because a
Frictionless package may only name files under its own folder."""
PART_TOTAL = "tong-so"
PART_OLD = "tinh-cu"
PART_NEW = "ten-moi"


@dataclass(frozen=True, slots=True)
class ProvincePart:
    """The entries of a merged province filed under one old unit, or under the new name."""

    label: str
    old: OldProvince | None
    count: int


@dataclass(frozen=True, slots=True)
class ProvinceCount:
    """A province's entries: in all, by the unit they were filed under, and by field."""

    province: Province
    count: int
    parts: tuple[ProvincePart, ...]
    """Only for a merged province: every old unit (zeros too), then the new name if used."""
    by_field: tuple[int, ...]
    """Counts in the order of ``Stats.fields``."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Every count of /thong-ke/, and the reported figures kept apart."""

    total: int
    fields: tuple[tuple[FieldOfWork, int], ...]
    provinces: tuple[ProvinceCount, ...]
    """All 34 units, in Vietnamese order."""
    years: tuple[tuple[int, int], ...]
    """Every year from the first to the last with an entry, oldest first, zeros included."""
    kinds: tuple[tuple[Kind, int], ...]
    reported: tuple[Report, ...] = ()

    @classmethod
    def of(cls, catalogue: Catalogue) -> Stats:
        """Count the catalogue's entries, once each."""
        entries = catalogue.entries
        fields = catalogue.fields
        by_province: Counter[str] = Counter()
        by_old: Counter[tuple[str, str]] = Counter()
        by_pair: Counter[tuple[str, str]] = Counter()
        for entry in entries:
            slug = entry.province.slug
            by_province[slug] += 1
            by_old[slug, entry.old_province.name if entry.old_province else ""] += 1
            by_pair[slug, entry.field.slug] += 1
        provinces = []
        for province in catalogue.provinces:
            parts: tuple[ProvincePart, ...] = ()
            if province.merged:
                parts = tuple(ProvincePart(f"{o.name} (cũ)", o, by_old[province.slug, o.name])
                              for o in province.formed_from)
                if by_old[province.slug, ""]:
                    parts += (ProvincePart(f"Ghi theo tên mới {province.name}", None,
                                           by_old[province.slug, ""]),)
            provinces.append(ProvinceCount(
                province, by_province[province.slug], parts,
                tuple(by_pair[province.slug, f.slug] for f in fields)))
        counted = Counter(e.field.slug for e in entries)
        return cls(
            total=len(entries),
            fields=tuple((f, counted[f.slug]) for f in fields),
            provinces=tuple(provinces),
            years=year_counts(entries),
            kinds=kind_counts(entries),
            reported=catalogue.reported,
        )

    @property
    def ranked(self) -> tuple[ProvinceCount, ...]:
        """The provinces that have entries, most first (ties in Vietnamese order)."""
        return tuple(sorted((p for p in self.provinces if p.count), key=lambda p: -p.count))

    @property
    def field_list(self) -> tuple[FieldOfWork, ...]:
        """The fields, in taxonomy order: the columns of the province × field table."""
        return tuple(f for f, _ in self.fields)


def year_counts(entries: Iterable[Entry]) -> tuple[tuple[int, int], ...]:
    """(year, count) from the first year to the last, oldest first, years without entries too."""
    counted = Counter(e.year for e in entries)
    if not counted:
        return ()
    return tuple((y, counted[y]) for y in range(min(counted), max(counted) + 1))


def kind_counts(entries: Iterable[Entry]) -> tuple[tuple[Kind, int], ...]:
    """(kind, count) for both kinds, zeros included."""
    counted = Counter(e.kind for e in entries)
    return tuple((k, counted[k]) for k in Kind)


@dataclass(frozen=True, slots=True)
class StatColumn:
    """A column of a statistics CSV: its name, Frictionless type and meaning."""

    name: str
    type: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class StatFile:
    """One statistics table as published: ``du-lieu/thong-ke/<name>.csv``."""

    name: str
    title: str
    columns: tuple[StatColumn, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def path(self) -> str:
        """The file, relative to the site root."""
        return urls.stats_table(self.name)


_COUNT = StatColumn("count", "integer", "Số mô hình", "Số mô hình đã đăng trên trang.")
_PROVINCE = StatColumn("province", "string", "Mã tỉnh", "Mã của tỉnh, thành phố (34 đơn vị).")
_PROVINCE_NAME = StatColumn("province_name", "string", "Tỉnh, thành phố",
                            "Tên tỉnh, thành phố.")


def stat_files(stats: Stats) -> list[StatFile]:
    """Every chart's and table's numbers as CSV rows, in the page's order."""
    fields = stats.field_list
    by_province: list[tuple[Any, ...]] = []
    for p in stats.provinces:
        by_province.append((p.province.slug, p.province.full_name, PART_TOTAL, "", p.count))
        for part in p.parts:
            by_province.append((p.province.slug, p.province.full_name,
                                PART_OLD if part.old else PART_NEW,
                                part.old.name if part.old else "", part.count))
    return [
        StatFile("theo-linh-vuc", "Số mô hình theo lĩnh vực", (
            StatColumn("field", "string", "Mã lĩnh vực", "Mã lĩnh vực."),
            StatColumn("field_label", "string", "Lĩnh vực", "Tên lĩnh vực."), _COUNT),
            tuple((f.slug, f.label, n) for f, n in stats.fields)),
        StatFile("theo-tinh", "Số mô hình theo tỉnh, thành phố (và tỉnh cũ)", (
            _PROVINCE, _PROVINCE_NAME,
            StatColumn("part", "string", "Dòng",
                       f"{PART_TOTAL}: cả tỉnh; {PART_OLD}: phần ghi theo một tỉnh cũ trước "
                       f"sáp nhập năm 2025; {PART_NEW}: phần ghi theo tên tỉnh mới."),
            StatColumn("old_province", "string", "Tỉnh cũ",
                       f"Tên tỉnh cũ, ở các dòng {PART_OLD}."), _COUNT),
            tuple(by_province)),
        StatFile("theo-nam", "Số mô hình theo năm", (
            StatColumn("year", "integer", "Năm",
                       "Năm bắt đầu, hoặc năm của nguồn sớm nhất."), _COUNT),
            stats.years),
        StatFile("theo-loai", "Số mô hình tập thể và cá nhân", (
            StatColumn("kind", "string", "Loại", "tap-the (tập thể) hoặc ca-nhan (cá nhân)."),
            StatColumn("kind_label", "string", "Tên loại", "Tập thể hoặc Cá nhân."), _COUNT),
            tuple((k.slug, k.label, n) for k, n in stats.kinds)),
        StatFile("tinh-x-linh-vuc", "Số mô hình theo tỉnh, thành phố và lĩnh vực", (
            _PROVINCE, _PROVINCE_NAME,
            *(StatColumn(f.slug, "integer", f.label, f"Số mô hình lĩnh vực {f.label}.")
              for f in fields),
            StatColumn("total", "integer", "Tổng", "Số mô hình của tỉnh, thành phố.")),
            tuple((p.province.slug, p.province.full_name, *p.by_field, p.count)
                  for p in stats.provinces)),
        StatFile("so-lieu-bao-cao", "Số liệu báo cáo (không phải số mô hình đăng trên trang)",
                 REPORTED_COLUMNS, tuple(reported_rows(stats.reported))),
    ]


REPORTED_COLUMNS = (
    StatColumn("province", "string", "Mã nơi", "Mã tỉnh, thành phố, hoặc ca-nuoc (cả nước)."),
    StatColumn("place", "string", "Nơi", "Tỉnh, thành phố hoặc cả nước, như báo cáo."),
    StatColumn("period", "string", "Thời gian", "Khoảng thời gian, như nguồn ghi."),
    StatColumn("counted", "string", "Điều được đếm", "Điều được đếm, như nguồn ghi."),
    StatColumn("measure", "string", "Mã con số",
               "tong-so, tap-the, ca-nhan, hoặc mã một lĩnh vực."),
    StatColumn("measure_label", "string", "Con số", "Tên con số."),
    StatColumn("value", "integer", "Giá trị", "Con số, như nguồn ghi."),
    StatColumn("more_than", "boolean", "Trên",
               "true khi nguồn viết “trên”: con số là mức tối thiểu."),
    StatColumn("source_title", "string", "Nguồn", "Tên bài hoặc văn bản nêu con số."),
    StatColumn("source_publisher", "string", "Nơi đăng", "Cơ quan đăng, nếu nguồn ghi."),
    StatColumn("source_author", "string", "Tác giả", "Tác giả, nếu nguồn ghi."),
    StatColumn("source_date", "date", "Ngày đăng", "Ngày đăng của nguồn."),
    StatColumn("source_url", "string", "Đường dẫn", "Địa chỉ của nguồn, nếu có."),
    StatColumn("note", "string", "Ghi chú", "Ghi chú của ban biên tập."),
)


def reported_rows(reports: Sequence[Report]) -> list[tuple[Any, ...]]:
    """One row per reported figure."""
    rows = []
    for report in reports:
        source = report.source
        for figure in report.figures:
            rows.append((
                report.place_slug, report.place, report.period, report.counted,
                figure.measure, figure.label, figure.value,
                "true" if figure.more_than else "false", source.title,
                source.publisher or "", source.author or "",
                source.date.isoformat() if source.date else "", source.url or "", report.note,
            ))
    return rows
