"""The form-based editor's configuration (Decap CMS), generated from the entry schema.

``dvk schema`` writes it to schema/cms.yml and the build publishes it at
/quan-tri/config.yml. Every form field comes from the JSON Schema that ``dvk
check`` enforces (``entry_schema``, ``press_schema``): the required fields, the
id's pattern and length, the selects of the 34 provinces, of the taxonomy's
fields and of the kinds. So the form can never offer what the check refuses.
Only what a schema does not say is added here: each field's short Vietnamese
label, the widget that suits it, and where files land.

The backend's repository is not known here (site_config.yml takes it from the
environment): the editor's page says it (generator/publish/editor.py), and
theme/quan-tri/dvk-cms.js adds it when the editor starts.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.author.schema import entry_schema, press_schema
from generator.core import urls
from generator.core.model import ID_MAX_LENGTH, ID_PATTERN
from generator.core.provinces import ProvinceRegistry
from generator.core.settings import Settings

ENTRY_FORMAT = "dvk-frontmatter"
PRESS_FORMAT = "dvk-yaml"
"""The file formats theme/quan-tri/dvk-cms.js registers: they keep a file's comments, key
order and untouched values when an edit saves it, which Decap's own formats do not."""

LABELS = {
    "id": "Mã (id)",
    "title": "Tên",
    "province": "Tỉnh, thành phố",
    "locality": "Địa bàn",
    "field": "Lĩnh vực",
    "kind": "Tập thể hay cá nhân",
    "unit": "Đơn vị thực hiện",
    "started": "Bắt đầu (năm hoặc ngày)",
    "summary": "Tóm tắt",
    "results": "Kết quả",
    "result": "Kết quả",
    "images": "Ảnh",
    "src": "Tệp ảnh",
    "alt": "Mô tả ảnh",
    "credit": "Nguồn ảnh",
    "sources": "Nguồn",
    "publisher": "Cơ quan đăng",
    "author": "Tác giả",
    "date": "Ngày đăng",
    "url": "Địa chỉ (URL)",
    "note": "Ghi chú",
    "redirect_from": "Mã cũ (chuyển hướng)",
    "redirect": "Mã cũ",
    "updated": "Cập nhật lần cuối",
    "outlet": "Báo, tạp chí",
    "language": "Ngôn ngữ",
    "models": "Mô hình bài báo viết về",
    "contest": "Cuộc thi báo chí",
    "archive_url": "Bản lưu (URL)",
}
"""Each field's label on the form. A schema field without one stops ``dvk schema``."""

FORM_HINTS = {
    # Where the schema's description speaks YAML, the form says it in its own terms.
    "locality": ("Xã, phường, đặc khu nơi có mô hình. Nếu nơi đó thuộc một tỉnh cũ trước ngày "
                 "1/7/2025, ghi cả tên tỉnh cũ, ví dụ: xã Tam Quang (tỉnh Nghệ An)."),
    "province": "Một trong 34 tỉnh, thành phố từ 1/7/2025. Tệp viết tay có thể ghi tên tỉnh "
                "cũ; ở đây, ghi tỉnh cũ vào ô Địa bàn.",
    "field": "Lĩnh vực của mô hình, theo danh mục của trang.",
    "kind": "Mô hình của một tập thể (cơ quan, đoàn thể, thôn…) hay của một người.",
    "results": "Kết quả kiểm chứng được, mỗi kết quả một mục.",
    "outlet": "Cơ quan báo chí đăng bài; bỏ trống nếu bài không ghi.",
    "url": "Địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://; bỏ trống nếu không có.",
}
ID_MESSAGE = (f"Chỉ chữ thường không dấu, chữ số và dấu gạch nối, tối đa {ID_MAX_LENGTH} ký tự, "
              "ví dụ: ky-tuc-xa-vung-bien-nghe-an")
_KINDS = {"tap-the": "Tập thể", "ca-nhan": "Cá nhân"}


def _label(name: str) -> str:
    if name not in LABELS:
        raise KeyError(f"no form label for the schema field {name!r}: add it to LABELS")
    return LABELS[name]


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a schema node, ``null`` dropped: an optional field is one."""
    return [b for b in node.get("anyOf", [node]) if b.get("type") != "null"]


def _pattern(node: dict[str, Any]) -> str | None:
    pattern = node.get("pattern") or next(
        (b["pattern"] for b in _branches(node) if "pattern" in b), None)
    if pattern is None:
        return None
    most = node.get("maxLength") or next(
        (b["maxLength"] for b in _branches(node) if "maxLength" in b), None)
    if most is not None:  # the length as a look-ahead: Decap checks patterns, not lengths
        pattern = f"^(?=.{{1,{most}}}$){pattern.removeprefix('^')}"
    return pattern


def _is_date(node: dict[str, Any]) -> bool:
    branches = _branches(node)
    return bool(branches) and all(b.get("format") == "date" for b in branches)


def _widget(name: str, node: dict[str, Any], options: dict[str, list[dict[str, str]]]
            ) -> dict[str, Any]:
    """The Decap widget for one schema node (without label, name and required)."""
    if name in options:
        return {"widget": "select", "options": options[name]}
    if name == "src":  # an image's file, uploaded beside the entry (the collection's media)
        return {"widget": "image", "choose_url": False}
    if _is_date(node):
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY",
                "time_format": False, "picker_utc": True}
    if node.get("type") == "array":
        items = node["items"]
        listed: dict[str, Any] = {"widget": "list"}
        if items.get("type") == "object":
            listed["fields"] = _fields(items, options)
        else:
            single = name.removesuffix("s").removesuffix("_from") or name
            listed["field"] = {"label": _label(single if single in LABELS else name),
                               "name": single, **_widget(single, items, options)}
        if node.get("minItems"):
            listed["min"] = node["minItems"]
        return listed
    widget: dict[str, Any] = {"widget": "text" if name in {"summary", "note"} else "string"}
    pattern = _pattern(node)
    if name == "started":  # a year or a date: the schema's two branches as one pattern
        pattern = r"^\d{4}(-\d{2}-\d{2})?$"
        widget["pattern"] = [pattern, "Ghi năm (2021) hoặc ngày (2024-08-19)"]
    elif pattern is not None:
        message = ID_MESSAGE if ID_PATTERN.removeprefix("^") in pattern else (
            "Địa chỉ phải bắt đầu bằng http:// hoặc https://" if "https?" in pattern
            else f"Không đúng dạng {pattern}")
        widget["pattern"] = [pattern, message]
    return widget


def _fields(schema: dict[str, Any], options: dict[str, list[dict[str, str]]]
            ) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    found = []
    for name, node in schema["properties"].items():
        # A key the schema requires but lets be null (a press record's outlet and url) is
        # written `null` when left empty (theme/quan-tri/dvk-cms.js): the form may leave it.
        nullable = any(b.get("type") == "null" for b in node.get("anyOf", ()))
        field: dict[str, Any] = {"label": _label(name), "name": name,
                                 "required": name in required and not nullable}
        hint = FORM_HINTS.get(name, node.get("description"))
        if hint:
            field["hint"] = re.sub(r"`([^`]*)`", r"\1", hint)
        field.update(_widget(name, node, options))
        found.append(field)
    return found


def _backend(settings: Settings, branch: str) -> dict[str, Any]:
    """Where the editor saves: GitHub, with a pull request per entry (and a fork for
    whoever may not write to the repository), or a Git Gateway for staff without a
    GitHub account. The repository itself is the page's to say (publish/editor.py)."""
    backend: dict[str, Any] = {"name": settings.editor_backend, "branch": branch}
    if settings.editor_backend == "github":
        backend["open_authoring"] = True
        if settings.editor_auth_url:
            backend["base_url"] = settings.editor_auth_url
    elif settings.editor_auth_url:
        backend["gateway_url"] = settings.editor_auth_url
    return backend


def cms_config(settings: Settings, registry: ProvinceRegistry) -> dict[str, Any]:
    """The editor's configuration for this site: a collection of entries and one of press
    records, their forms generated from the schemas."""
    # edit_uri names the branch entries are edited on: edit/<branch>/content/
    parts = settings.site.edit_uri.strip("/").split("/")
    branch = parts[1] if len(parts) > 1 and parts[0] == "edit" else "main"
    options = {
        "province": [{"label": unit.full_name, "value": unit.slug} for unit in registry.units],
        "field": [{"label": field.label, "value": field.slug} for field in settings.fields],
        "kind": [{"label": label, "value": value} for value, label in _KINDS.items()],
    }
    if settings.contests:
        options["contest"] = [{"label": f"{c.name} ({c.year})", "value": c.slug}
                              for c in settings.contests]
    entry_fields = _fields(entry_schema(settings.fields, registry), options)
    entry_fields.append({"label": "Nội dung", "name": "body", "widget": "markdown",
                         "required": False,
                         "hint": "Các mục Bối cảnh, Cách làm, Kết quả, Khả năng nhân rộng."})
    press_fields = _fields(press_schema(settings.contests), options)
    for field in press_fields:
        if field["name"] == "language":  # what `dvk new --press` assumes
            field["default"] = "vi"
        if field["name"] == "models":  # picked among the entries, by title or id
            field.clear()
            field.update({"label": _label("models"), "name": "models", "required": True,
                          "widget": "relation", "collection": "mo-hinh", "multiple": True,
                          "min": 1, "value_field": "id", "search_fields": ["title", "id"],
                          "display_fields": ["title"]})
    content = settings.content_dir.relative_to(settings.root).as_posix()
    return {
        "locale": "vi",
        # File names in ASCII, as `dvk new` writes them: "bai-thu", not "bài-thử".
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "backend": _backend(settings, branch),
        "publish_mode": "editorial_workflow",
        "local_backend": {"url": f"{urls.EDITOR_BACKEND}/api/v1",
                          "allowed_hosts": ["127.0.0.1", "localhost"]},
        "media_folder": f"{content}/{settings.entries_dir}",
        "collections": [
            {"name": "mo-hinh", "label": "Mô hình", "label_singular": "mô hình",
             "folder": f"{content}/{settings.entries_dir}", "extension": "md",
             "format": ENTRY_FORMAT, "create": True, "identifier_field": "title",
             # content/mo-hinh/<province>/<id>.md, where `dvk check` expects it. Decap turns
             # a path's dots into dashes before it reads the template: {{province}}, not
             # {{fields.province}}.
             "slug": "{{fields.id}}", "path": "{{province}}/{{slug}}",
             "summary": "{{title}}", "sortable_fields": ["title", "province"],
             # Images beside the entry file, named in its front matter as they are.
             "media_folder": "", "public_folder": "",
             "fields": entry_fields},
            {"name": "bao-chi", "label": "Bài báo", "label_singular": "bài báo",
             "folder": f"{content}/{settings.press_dir}", "extension": "yml",
             "format": PRESS_FORMAT, "create": True, "identifier_field": "title",
             "slug": "{{fields.date}}-{{fields.title}}", "summary": "{{date}} · {{title}}",
             "fields": press_fields},
        ],
    }


def render_cms(config: dict[str, Any]) -> str:
    """The configuration as the text of schema/cms.yml."""
    head = ("# Generated by `dvk schema` from the entry model, the province registry and\n"
            "# site_config.yml: do not edit. The editor serves it at /quan-tri/config.yml.\n")
    return head + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
