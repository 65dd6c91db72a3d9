"""Reported figures: counts of models that a province or the centre announced, kept apart.

The counts of /thong-ke/ are of the entries published on this site. Provinces
report far larger numbers (Hà Nội registered more than 24,250 models in 2024),
and readers ask for them; they live in one YAML file of the content folder
(plugin option ``reported``, default ``so-lieu-bao-cao.yml``), each with the
source that states it, and are shown in their own table. They are never added
to a count of entries: nothing outside this module and its table reads them.

The file is checked like an entry: every problem is located at its line, in
Vietnamese and English, and all of them are reported in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from generator.core.errors import FrontMatterError, Problem, display_path
from generator.core.model import Kind, Source, SourceSpec, Text
from generator.core.provinces import OldProvince, Province, ProvinceRegistry
from generator.core.settings import Settings
from generator.load.frontmatter import field_name, locate, read_yaml_file
from generator.load.messages import schema_message
from generator.load.yamlguard import parse_yaml

NATIONAL = "ca-nuoc"
"""The ``province`` of a figure for the whole country."""
TOTAL = "tong-so"
"""The ``measure`` of a report's total."""


def _whole_number(value: Any) -> int:
    # YAML reads 24.250, as Vietnamese writes twenty-four thousand, as the float
    # 24.25: a figure that is not a whole number is always such a typo.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise PydanticCustomError("dvk_number", "not a whole number: {value!r}", {"value": value})


Count = Annotated[int, BeforeValidator(_whole_number)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FigureSpec(_Strict):
    """Một con số của báo cáo."""

    measure: Text = Field(
        description=f"Đếm gì: {TOTAL} (tổng số mô hình), tap-the, ca-nhan, hoặc mã một "
                    "lĩnh vực (kinh-te, van-hoa-xa-hoi, …).",
        examples=[TOTAL, "tap-the", "kinh-te"],
    )
    value: Count = Field(description="Con số, viết liền không dấu chấm: 24250.",
                         examples=[4494])
    more_than: bool = Field(
        False, description="true khi nguồn viết “trên”, “hơn”: con số là mức tối thiểu.")


class ReportSpec(_Strict):
    """Một báo cáo: nơi, thời gian, điều được đếm, các con số, và nguồn nêu chúng."""

    province: Text = Field(
        description=f"Mã một trong 34 đơn vị (ví dụ nghe-an), tên tỉnh cũ, hoặc {NATIONAL}.",
        examples=["nghe-an", NATIONAL],
    )
    period: Text = Field(description="Khoảng thời gian, như nguồn ghi.",
                         examples=["6 tháng đầu năm 2024"])
    counted: Text = Field(description="Điều được đếm, như nguồn ghi.",
                          examples=["Mô hình “Dân vận khéo” xây dựng mới"])
    figures: Annotated[list[FigureSpec], Field(min_length=1)] = Field(
        description="Các con số, mỗi mục một dòng bắt đầu bằng `- measure:`.")
    source: SourceSpec = Field(description="Bài báo hay văn bản nêu các con số.")
    note: Text | None = Field(None, description="Ghi chú: con số nào nguồn ghi thế nào.")


_REPORTS: TypeAdapter[list[ReportSpec]] = TypeAdapter(list[ReportSpec])
_KEYS = {"report": tuple(ReportSpec.model_fields), "figure": tuple(FigureSpec.model_fields),
         "source": tuple(SourceSpec.model_fields)}


@dataclass(frozen=True, slots=True)
class Figure:
    """One reported number: what it counts, and whether the source said "more than"."""

    measure: str
    label: str
    """What it counts, in Vietnamese ("Mô hình tập thể")."""
    value: int
    more_than: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """Figures one source gives for one place and period."""

    province: Province | None
    """None for the whole country."""
    old_province: OldProvince | None
    period: str
    counted: str
    figures: tuple[Figure, ...]
    source: Source
    note: str = ""

    @property
    def place(self) -> str:
        """Where the figures are of: "Tỉnh Nghệ An", or "Cả nước"."""
        if self.province is None:
            return "Cả nước"
        if self.old_province is not None:
            return f"{self.old_province.name} (cũ), nay thuộc {self.province.full_name}"
        return self.province.full_name

    @property
    def place_slug(self) -> str:
        """The province's slug, or ``ca-nuoc``."""
        return self.province.slug if self.province else NATIONAL


def measures(settings: Settings) -> dict[str, str]:
    """Every measure a figure may count, with its Vietnamese label."""
    found = {TOTAL: "Tổng số mô hình"}
    found.update({k.slug: f"Mô hình {k.label.lower()}" for k in Kind})
    found.update({f.slug: f"Lĩnh vực {f.label[:1].lower()}{f.label[1:]}"
                  for f in settings.fields})
    return found


def _parse(text: str, shown: str) -> tuple[Any, yaml.Node | None] | Problem:
    try:
        return parse_yaml(text, shown, first_line=1)  # no --- fence: line 1 is the file's
    except FrontMatterError as exc:
        return exc.problem


def _scalar(node: yaml.Node | None, loc: tuple[str | int, ...]) -> str | None:
    """The text of the scalar at ``loc``, as written (24.250, not 24.25)."""
    for part in loc:
        if isinstance(part, str) and isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(part, int) and isinstance(node, yaml.SequenceNode) and (
                0 <= part < len(node.value)):
            node = node.value[part]
        else:
            return None
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _schema_message(error: Any, node: yaml.Node | None) -> tuple[str, str, str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    key = str(loc[-1]) if loc else ""
    if kind == "dvk_number":
        written = _scalar(node, loc) or repr(error.get("ctx", {}).get("value"))
        plain = written.replace(".", "").replace(",", "").replace(" ", "")
        hint_vi = f"; viết liền không dấu chấm: {plain}" if plain.isdigit() else ""
        hint_en = f"; write it without separators: {plain}" if plain.isdigit() else ""
        return (
            "bad-number",
            f"con số phải là số nguyên không âm, không phải {written!r}{hint_vi}",
            f"a figure must be a whole number of at least 0, not {written!r}{hint_en}",
        )
    if kind == "missing":
        return ("missing-field", f"thiếu trường bắt buộc; hãy thêm dòng `{key}: …`",
                f"required field is missing; add a `{key}: …` line")
    if kind == "extra_forbidden":
        known = _KEYS["figure" if "figures" in loc else "source" if "source" in loc
                      else "report"]
        close = difflib.get_close_matches(key, known, n=1)
        hint_vi = f"; có phải `{close[0]}`?" if close else f"; dùng một trong: {', '.join(known)}"
        hint_en = f"; did you mean `{close[0]}`?" if close else f"; use one of: {', '.join(known)}"
        return ("unknown-key", f"trường không được hỗ trợ{hint_vi}", f"unknown field{hint_en}")
    if kind == "too_short" and key == "figures":
        return ("missing-field", "danh sách con số đang trống; thêm ít nhất một mục "
                "`- measure: …` kèm `value: …`",
                "the list of figures is empty; add at least one `- measure: …` with `value: …`")
    if kind == "list_type" and not loc[:-1]:
        return ("not-a-list", "tệp phải là một danh sách báo cáo, mỗi báo cáo bắt đầu bằng "
                "`- province: …`", "the file must be a list of reports, each starting with "
                "`- province: …`")
    return schema_message({**error, "loc": loc})


def load_reported(
    settings: Settings, registry: ProvinceRegistry
) -> tuple[tuple[Report, ...], list[Problem]]:
    """The reports of the file named by ``settings.reported``, or its problems.

    The file is optional: without it there are no reports. With any error,
    no report is kept (a half-read file would show half a source's figures).
    """
    path = settings.reported_path
    if not path.is_file():
        return (), []
    shown = display_path(path, settings.root)
    text = read_yaml_file(path, shown)
    if isinstance(text, Problem):
        return (), [text]
    parsed = _parse(text, shown)
    if isinstance(parsed, Problem):
        return (), [parsed]
    data, node = parsed
    if data is None:
        return (), []
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], vi: str, en: str, rule: str) -> None:
        problems.append(Problem(shown, locate(node, loc, 1), field_name(loc), vi, en,
                                rule=rule))

    specs: list[ReportSpec] = []
    try:
        specs = _REPORTS.validate_python(data)
    except ValidationError as exc:
        for error in exc.errors():
            rule, vi, en = _schema_message(error, node)
            add(tuple(error["loc"]), vi, en, rule)
    known = measures(settings)
    reports: list[Report] = []
    for index, raw in enumerate(data if isinstance(data, list) else []):
        if not isinstance(raw, dict):
            continue
        where = _place(raw.get("province"), registry, index, add)
        _check_measures(raw.get("figures"), index, known, add)
        if index < len(specs) and where is not None:
            spec = specs[index]
            reports.append(Report(
                where[0], where[1], spec.period, spec.counted,
                tuple(Figure(f.measure, known.get(f.measure, f.measure), f.value, f.more_than)
                      for f in spec.figures),
                Source(spec.source.title, spec.source.publisher, spec.source.author,
                       spec.source.date, str(spec.source.url) if spec.source.url else None,
                       spec.source.note),
                spec.note or "",
            ))
    if problems:
        return (), problems
    return tuple(reports), []


def _check_measures(figures: Any, index: int, known: dict[str, str], add: Any) -> None:
    """Each figure's measure is known, and given once in its report."""
    seen: dict[str, int] = {}
    for number, figure in enumerate(figures if isinstance(figures, list) else []):
        measure = figure.get("measure") if isinstance(figure, dict) else None
        if not isinstance(measure, str) or not measure.strip():
            continue  # the schema reports it
        measure = measure.strip()
        loc = (index, "figures", number, "measure")
        if measure not in known:
            close = difflib.get_close_matches(measure, known, n=1)
            hint = f" (có phải `{close[0]}`?)" if close else ""
            hint_en = f" (did you mean `{close[0]}`?)" if close else ""
            add(loc, f"không rõ con số đếm gì: `{measure}`{hint}; dùng một trong: "
                f"{', '.join(known)}",
                f"unknown measure `{measure}`{hint_en}; use one of: {', '.join(known)}",
                "unknown-measure")
        elif measure in seen:
            add(loc, f"báo cáo này đã có con số `{measure}` (mục {seen[measure] + 1}); "
                "mỗi con số chỉ ghi một lần: xóa một mục, hoặc tách thành báo cáo khác "
                "nếu khác thời gian hay nguồn",
                f"this report already has a `{measure}` figure (item {seen[measure] + 1}); "
                "give each figure once: remove one, or make another report if the period "
                "or source differs", "duplicate-figure")
        seen.setdefault(measure, number)


def _place(
    raw: Any, registry: ProvinceRegistry, index: int, add: Any,
) -> tuple[Province | None, OldProvince | None] | None:
    if not isinstance(raw, str) or not raw.strip():
        return None  # the schema reports it
    if raw.strip() == NATIONAL:
        return None, None
    match = registry.resolve(raw)
    if match is None:
        near = registry.suggest(raw)
        hint_vi = f"; có phải \"{near}\"?" if near else "."
        hint_en = f"; did you mean \"{near}\"?" if near else "."
        add((index, "province"),
            f"tỉnh/thành không xác định \"{raw}\"{hint_vi} Dùng mã một trong 34 đơn vị "
            f"(ví dụ nghe-an), tên một tỉnh cũ, hoặc {NATIONAL} cho cả nước",
            f"unknown province \"{raw}\"{hint_en} Use the slug of one of the 34 units "
            f"(e.g. nghe-an), an old province name, or {NATIONAL} for the whole country",
            "unknown-province")
        return None
    return match.province, match.old
