"""`dvk schema`: the entry JSON Schema editors use, in step with the model and the config."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker

from conftest import REPO, Site
from generator.author.schema import PRESS_SCHEMA_ID, SCHEMA_ID, province_names
from generator.cli.main import main
from generator.core.provinces import default_registry
from generator.load.frontmatter import parse_front_matter

CHECKED_IN = REPO / "schema" / "entry.schema.json"
PRESS_CHECKED_IN = REPO / "schema" / "press.schema.json"
ENTRIES = sorted((REPO / "content" / "mo-hinh").rglob("*.md"))
REGISTRY = default_registry()
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<ref>\S+)$")


def load_schema(path: Path = CHECKED_IN) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def front_matter(path: Path) -> dict[str, Any]:
    # The loader's YAML reading keeps dates as text, as YAML 1.2 (the YAML of
    # editors' language servers) does, so `date: 2024-07-24` meets a string.
    data = parse_front_matter(path.read_text(encoding="utf-8"), path.name).data
    assert isinstance(data, dict)
    return data


def test_the_checked_in_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """schema/entry.schema.json is what `dvk schema` makes of the model and site_config.yml."""
    assert main(["schema", "--out", "-", "--config", str(REPO / "site_config.yml")]) == 0
    fresh = capsys.readouterr().out
    assert fresh.endswith("}\n")
    assert CHECKED_IN.read_text(encoding="utf-8") == fresh, (
        "schema/entry.schema.json is out of date: run `dvk schema` and commit the result"
    )


def test_the_checked_in_press_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """schema/press.schema.json is what `dvk schema --press` makes of the model and config."""
    assert main(["schema", "--press", "--out", "-",
                 "--config", str(REPO / "site_config.yml")]) == 0
    assert PRESS_CHECKED_IN.read_text(encoding="utf-8") == capsys.readouterr().out, (
        "schema/press.schema.json is out of date: run `dvk schema` and commit the result"
    )


def test_the_press_schema_takes_a_record_and_the_configs_contests(
    site: Site, capsys: pytest.CaptureFixture[str],
) -> None:
    """Both schemas are written beside the config; the press one offers its contests."""
    site.write_config(contests=[{"slug": "giai-2024", "name": "Giải 2024", "year": 2024,
                                 "organiser": "Ban Dân vận"}])
    assert site.run("schema") == 0
    assert "Đã ghi lược đồ bài báo vào" in capsys.readouterr().out
    schema = load_schema(site.root / "schema" / "press.schema.json")
    assert schema["$id"] == PRESS_SCHEMA_ID
    Draft202012Validator.check_schema(schema)
    Draft7Validator.check_schema(schema)
    record = {"title": "Bài", "outlet": None, "date": "2024-07-24", "url": None,
              "language": "vi", "models": ["ky-tuc-xa"], "contest": "giai-2024"}
    assert list(validator(schema).iter_errors(record)) == []
    for broken in ({k: v for k, v in record.items() if k != "outlet"},
                   {**record, "contest": "giai-khac"}, {**record, "models": []},
                   {**record, "url": "ftp://bao.example/"}, {**record, "language": "Việt"}):
        assert list(validator(schema).iter_errors(broken)), broken


def test_the_schema_loads_in_draft_2020_12_and_in_draft_7_tools() -> None:
    """Valid 2020-12, and self-contained draft-7 keywords, which the YAML language server reads."""
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    Draft202012Validator.check_schema(schema)
    Draft7Validator.check_schema(schema)
    text = CHECKED_IN.read_text(encoding="utf-8")
    assert "$ref" not in text and "$defs" not in text
    assert schema["additionalProperties"] is False
    assert schema["properties"]["sources"]["items"]["additionalProperties"] is False


def test_every_real_entry_is_valid() -> None:
    """Each entry in content/ passes the schema, modeline comment and all."""
    check = validator(load_schema())
    assert len(ENTRIES) >= 7
    for path in ENTRIES:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in check.iter_errors(front_matter(path))]
        assert errors == [], f"{path.name}: {errors}"


def test_every_real_entry_names_the_schema_in_its_modeline() -> None:
    """The first front-matter line points, relative to the file, at the checked-in schema."""
    for path in ENTRIES:
        second = path.read_text(encoding="utf-8").splitlines()[1]
        found = MODELINE.match(second)
        assert found, f"{path.name}: line 2 is not the yaml-language-server modeline"
        assert (path.parent / found["ref"]).resolve() == CHECKED_IN


GOOD: dict[str, Any] = front_matter(REPO / "content/mo-hinh/nghe-an/ky-tuc-xa-vung-bien-nghe-an.md")


@pytest.mark.parametrize(("change", "where"), [
    ({"kind": "nhom"}, "kind"),
    ({"kind": "Tập thể"}, "kind"),
    ({"tittle": "Lỗi chính tả"}, ""),
    ({"province": "Atlantis"}, "province"),
    ({"province": "Ha Noi"}, "province"),
    ({"field": "nong-nghiep"}, "field"),
    ({"id": "Ky Tuc Xa"}, "id"),
    ({"id": "a" * 121}, "id"),
    ({"started": 1800}, "started"),
    ({"started": "19/8/2024"}, "started"),
    ({"sources": []}, "sources"),
    ({"sources": [{"title": "x", "date": "2024-13-01"}]}, "sources/0/date"),
    ({"sources": [{"title": "x", "url": "ftp://x.vn"}]}, "sources/0/url"),
    ({"sources": [{"title": "x", "nguon": "y"}]}, "sources/0"),
    ({"summary": None}, ""),
])
def test_typical_mistakes_are_rejected(change: dict[str, Any], where: str) -> None:
    """A wrong kind, an unknown key, a province or field not listed: each fails where it is."""
    entry = copy.deepcopy(GOOD)
    entry.update(change)
    entry = {k: v for k, v in entry.items() if v is not None}
    errors = list(validator(load_schema()).iter_errors(entry))
    assert errors, f"{change} should be rejected"
    assert where in {"/".join(map(str, e.absolute_path)) for e in errors}


def test_accepted_spellings_are_ones_the_loader_understands() -> None:
    """Every province in the schema resolves in the registry; the 34 slugs come first."""
    province = load_schema()["properties"]["province"]
    slugs, names = (branch["enum"] for branch in province["anyOf"])
    assert slugs == [unit.slug for unit in REGISTRY.units]
    assert len(slugs) == 34
    assert names == province_names(REGISTRY)
    for name in names:
        assert REGISTRY.resolve(name) is not None, name
    assert "Hà Nam" in names and "Bắc Ninh (cũ)" in names
    assert "Bắc Giang" in names, "old names are offered too"
    check = validator(load_schema())
    for value in ("Hà Nam", "Thừa Thiên Huế", "Bắc Ninh (cũ)", "ninh-binh"):
        assert check.is_valid({**GOOD, "province": value}), value


def test_the_schema_follows_the_configs_taxonomy(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field added in site_config.yml is in the schema `dvk schema` writes beside the config."""
    site.write_config(fields=[
        {"slug": "kinh-te", "label": "Kinh tế"},
        {"slug": "nong-thon-moi", "label": "Nông thôn mới", "provinces": ["nghe-an"]},
    ])
    assert site.run("schema") == 0
    written = site.root / "schema" / "entry.schema.json"
    assert "Đã ghi lược đồ mô hình vào" in capsys.readouterr().out
    field = load_schema(written)["properties"]["field"]
    assert field["anyOf"][0]["enum"] == ["kinh-te", "nong-thon-moi"]
    assert field["anyOf"][0]["enumDescriptions"][1] == "Nông thôn mới (chỉ cho nghe-an)"
    assert field["anyOf"][1]["enum"] == ["Kinh tế", "Nông thôn mới"]

    before = written.stat().st_mtime_ns
    assert site.run("schema") == 0
    assert "đã là bản mới nhất (already up to date)" in capsys.readouterr().out
    assert written.stat().st_mtime_ns == before, "an unchanged schema is not rewritten"


def test_an_entry_made_by_dvk_new_is_valid(site: Site) -> None:
    """`dvk new` writes what the schema describes, and its modeline finds `dvk schema`'s file."""
    assert site.run("schema") == 0
    assert site.run(
        "new", "--no-input", "--title", 'Mô hình "Dân vận khéo": số 1', "--province", "Hà Nam",
        "--field", "Kinh tế", "--kind", "cá nhân", "--summary", "Tóm tắt.",
        "--source-title", "Bài nguồn", "--source-url", "https://baonghean.vn/", "--started", "2021",
    ) == 0
    [path] = (site.content / "mo-hinh").rglob("*.md")
    ref = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[1])
    assert ref
    schema_file = (path.parent / ref["ref"]).resolve()
    assert schema_file == (site.root / "schema" / "entry.schema.json").resolve()
    errors = list(validator(load_schema(schema_file)).iter_errors(front_matter(path)))
    assert errors == []
