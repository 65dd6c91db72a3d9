"""The entry front matter and the press records as JSON Schema, for editors (``dvk schema``).

The schema is generated, never written by hand: the shape and the Vietnamese
descriptions come from ``EntryFrontMatter``, the allowed provinces from the
province registry and the allowed fields from the taxonomy in site_config.yml.
So it changes when the config does, and a test keeps the checked-in copy,
schema/entry.schema.json, in step.

The loader stays the authority: it also accepts spellings no enum can list
(names without diacritics, "TP HCM"...). The schema offers the canonical
spellings, so an editor autocompletes the slug and underlines a typo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.core.model import EntryFrontMatter, FieldOfWork
from generator.core.press import Contest, PressSpec
from generator.core.provinces import ProvinceRegistry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:dvk:schema:entry"
"""A name, not an address: the file travels with the repo, not with a site_url."""
DEFAULT_PATH = Path("schema") / "entry.schema.json"
"""Where ``dvk schema`` writes, relative to the folder of the config file."""
PRESS_SCHEMA_ID = "urn:dvk:schema:press"
PRESS_PATH = Path("schema") / "press.schema.json"
"""Where ``dvk schema`` writes the press records' schema."""


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``$ref`` to ``$defs`` replaced by its target.

    Each definition is used once, so inlining costs nothing, and the YAML
    language server (JSON Schema draft 7 and below) then has no 2020-12
    ``$defs`` to resolve. Keys beside a ``$ref`` win over the target's.
    """
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].removeprefix("#/$defs/")]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, defs)
    return {key: _inline(value, defs) for key, value in node.items()}


def _drop_titles(node: Any) -> None:
    # Pydantic titles every property after its Python name ("Redirect From");
    # editors show a title above the description, so an English echo of the
    # key would hide the Vietnamese text that says what to write.
    if isinstance(node, list):
        for item in node:
            _drop_titles(item)
    elif isinstance(node, dict):
        node.pop("title", None)
        for key, value in node.items():
            if key == "properties":
                for schema in value.values():
                    _drop_titles(schema)
            elif key != "examples":
                _drop_titles(value)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def province_names(registry: ProvinceRegistry) -> list[str]:
    """Every name with diacritics the loader resolves to a unit, current names first.

    An old unit that shares its name with the merged unit it went into can only
    be named with "(cũ)": plain "Bắc Ninh" means today's Bắc Ninh.
    """
    names = [unit.name for unit in registry.units]
    for old in registry.old_units:
        unit = registry.new_unit_of(old)
        match = registry.resolve(old.name)
        if match is not None and match.old == old:
            names.append(old.name)
        elif unit.merged:
            names.append(f"{old.name} (cũ)")
    return _unique(names)


def _province_schema(registry: ProvinceRegistry, base: dict[str, Any]) -> dict[str, Any]:
    units = registry.units
    return {
        "description": base["description"],
        "examples": base["examples"],
        "anyOf": [
            {
                "description": "Mã một trong 34 tỉnh, thành phố từ 1/7/2025 (nên dùng).",
                "enum": [unit.slug for unit in units],
                "enumDescriptions": [unit.full_name for unit in units],
            },
            {
                "description": "Tên tỉnh, thành phố có dấu, kể cả tên trước 1/7/2025.",
                "enum": province_names(registry),
            },
        ],
        "type": "string",
    }


def _field_label(field: FieldOfWork) -> str:
    if not field.provinces:
        return field.label
    return f"{field.label} (chỉ cho {', '.join(field.provinces)})"


def _field_schema(fields: tuple[FieldOfWork, ...], base: dict[str, Any]) -> dict[str, Any]:
    # A field a province added is listed too; that only its province may use
    # it is left to `dvk check`, as a conditional schema would cost every
    # editor a slower and vaguer message for a rare case.
    return {
        "description": base["description"],
        "examples": [fields[0].slug] if fields else base["examples"],
        "anyOf": [
            {
                "description": "Mã lĩnh vực (nên dùng).",
                "enum": [field.slug for field in fields],
                "enumDescriptions": [_field_label(field) for field in fields],
            },
            {
                "description": "Tên lĩnh vực có dấu.",
                "enum": _unique(field.label for field in fields),
            },
        ],
        "type": "string",
    }


def entry_schema(fields: tuple[FieldOfWork, ...], registry: ProvinceRegistry) -> dict[str, Any]:
    """The JSON Schema of an entry's front matter, for this taxonomy and registry."""
    generated = EntryFrontMatter.model_json_schema()
    defs = generated.pop("$defs", {})
    body = _inline(generated, defs)
    _drop_titles(body)
    properties = body["properties"]
    properties["province"] = _province_schema(registry, properties["province"])
    properties["field"] = _field_schema(fields, properties["field"])
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": 'Mô hình "Dân vận khéo": phần khai báo đầu tệp (front matter)',
        **body,
    }


def press_schema(contests: tuple[Contest, ...]) -> dict[str, Any]:
    """The JSON Schema of a press record (content/bao-chi/<name>.yml), for these contests."""
    generated = PressSpec.model_json_schema()
    body = _inline(generated, generated.pop("$defs", {}))
    _drop_titles(body)
    if contests:  # else any slug is offered, and `dvk check` says none is declared
        contest = body["properties"]["contest"]
        contest["anyOf"] = [{"enum": [c.slug for c in contests],
                             "enumDescriptions": [f"{c.name} ({c.organiser}, {c.year})"
                                                  for c in contests]},
                            {"type": "null"}]
    return {
        "$schema": DIALECT,
        "$id": PRESS_SCHEMA_ID,
        "title": 'Một bài báo viết về mô hình "Dân vận khéo" (content/bao-chi/<tên>.yml)',
        **body,
    }


def render(schema: dict[str, Any]) -> str:
    """The schema as the text of schema/entry.schema.json.

    Keys keep the model's order (the order an entry is written in) rather than
    being sorted; the output depends only on the model, the taxonomy and the
    registry, so the same inputs always give the same bytes.
    """
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds it; whether it wrote.

    An unchanged file keeps its timestamp, so tools that watch it stay quiet.
    """
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True
