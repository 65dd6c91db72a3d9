"""The schema's errors (pydantic's) as located problems, in Vietnamese and English."""

from __future__ import annotations

import difflib
from typing import Any

from generator.core.model import EntryFrontMatter, Kind
from generator.load.frontmatter import field_name

KNOWN_KEYS = tuple(EntryFrontMatter.model_fields)


_IMAGE_KEYS = {
    "src": (
        "mục ảnh thiếu tên tệp; thêm dòng `src: …` vào mục ảnh này, ghi tên tệp ảnh đặt "
        "cạnh tệp mô hình",
        "the image has no file; add a `src: …` line to this image, naming the image file "
        "next to the entry",
    ),
    "alt": (
        "ảnh thiếu mô tả; thêm dòng `alt: …` vào mục ảnh này, tả những gì ảnh cho thấy, "
        "cho người không xem được ảnh",
        "the image has no description; add an `alt: …` line to this image saying what it "
        "shows, for readers who cannot see it",
    ),
    "credit": (
        "ảnh thiếu nguồn; thêm dòng `credit: …` vào mục ảnh này, ghi tác giả hoặc nơi đăng ảnh",
        "the image has no credit; add a `credit: …` line to this image, naming its author "
        "or where it was published",
    ),
}
"""(vi, en) for a key missing from an item of ``images``."""


_NOT_A_MAPPING = (
    "not-a-mapping",
    "phải là một nhóm khóa: giá trị (ví dụ `- title: …`)",
    "must be a mapping of key: value pairs (e.g. `- title: …`)",
)
_EMPTY_TEXT = ("empty-text", "phải là một đoạn văn bản, không để trống", "must be non-empty text")
_FIXED_MESSAGES: dict[str, tuple[str, str, str]] = {
    "string_pattern_mismatch": (
        "bad-id",
        "mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối, "
        "ví dụ ky-tuc-xa-vung-bien-nghe-an",
        "ids use lowercase ASCII letters, digits and hyphens, e.g. ky-tuc-xa-vung-bien-nghe-an",
    ),
    "string_type": _EMPTY_TEXT,
    "string_too_short": _EMPTY_TEXT,
    "list_type": (
        "not-a-list",
        "phải là một danh sách: mỗi mục một dòng bắt đầu bằng `- `",
        "must be a list: one item per line starting with `- `",
    ),
    "model_type": _NOT_A_MAPPING,
    "dict_type": _NOT_A_MAPPING,
    "model_attributes_type": _NOT_A_MAPPING,
    "url": (
        "bad-url",
        "đường dẫn không hợp lệ; hãy dùng địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://",
        "invalid URL; use a full address starting with http:// or https://",
    ),
}
"""(rule, vi, en) of the pydantic errors whose message needs nothing from the value."""


def schema_message(error: Any) -> tuple[str, str, str]:
    """(rule, Vietnamese, English) for one pydantic error."""
    kind: str = error["type"]
    loc = error["loc"]
    name = field_name(loc)
    ctx = error.get("ctx") or {}
    if kind == "missing" and name == "sources":
        return (
            "missing-source",
            "thiếu nguồn: cần ít nhất một nguồn (sources) ghi tên bài, nơi đăng và ngày đăng",
            "no source: at least one source (sources) with title, publisher and date is required",
        )
    if kind == "missing":
        # An image's key goes inside its item: a line `images[0].alt: …` is not YAML.
        in_image = len(loc) == 3 and loc[0] == "images" and loc[2] in _IMAGE_KEYS
        return ("missing-field", *_IMAGE_KEYS[loc[2]]) if in_image else (
            "missing-field",
            f"thiếu trường bắt buộc; hãy thêm dòng `{name}: …`",
            f"required field is missing; add a `{name}: …` line",
        )
    if kind == "too_short" and name == "sources":
        return (
            "empty-sources",
            "danh sách nguồn đang trống; thêm ít nhất một nguồn có title, publisher, date",
            "the source list is empty; add at least one source with title, publisher, date",
        )
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = KNOWN_KEYS if len(loc) == 1 else ()
        close = difflib.get_close_matches(key, known, n=1)
        hint_vi = f"; có phải `{close[0]}`?" if close else "; hãy xóa hoặc sửa tên trường"
        hint_en = f"; did you mean `{close[0]}`?" if close else "; remove or rename it"
        return ("unknown-key", f"trường không được hỗ trợ{hint_vi}", f"unknown field{hint_en}")
    if kind == "dvk_date":
        value = ctx.get("value")
        return (
            "bad-date",
            f"ngày không hợp lệ {value!r}; hãy viết dạng YYYY-MM-DD, ví dụ 2024-08-19",
            f"malformed date {value!r}; write it as YYYY-MM-DD, e.g. 2024-08-19",
        )
    if kind == "dvk_year":
        value = ctx.get("value")
        return (
            "bad-year",
            f"năm {value!r} nằm ngoài khoảng 1945-2100; kiểm tra lại",
            f"year {value!r} is outside 1945-2100; check it",
        )
    if kind == "enum" and name == "kind":
        options = " hoặc ".join(k.value for k in Kind)
        return (
            "bad-kind",
            f"loại mô hình phải là {options} (tập thể / cá nhân)",
            f"kind must be {' or '.join(k.value for k in Kind)} (collective / individual)",
        )
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            "too-long",
            f"dài quá {limit} ký tự; hãy rút ngắn",
            f"longer than {limit} characters; shorten it",
        )
    fixed = _FIXED_MESSAGES.get("url" if kind.startswith("url") else kind)
    if fixed is not None:
        return fixed
    return ("invalid-value", f"giá trị không hợp lệ: {error['msg']}",
            f"invalid value: {error['msg']}")
