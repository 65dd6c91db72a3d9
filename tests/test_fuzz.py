"""Property tests: no file an editor (or an attacker) commits makes the loader raise.

Whatever the bytes of an entry file, `check_file` returns an Entry (whose
file was read and parsed), or None and at least one error; every problem is
located in the file and names a registered rule. The runs are derandomized,
so CI tries the same examples each time, and bounded (a few hundred examples
each), so the file runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.file import check_file
from generator.check.lints import lint_entry
from generator.core.errors import RULES, FrontMatterError, Problem, Severity
from generator.core.model import Entry
from generator.core.provinces import default_registry
from generator.core.settings import Settings
from generator.load.frontmatter import parse_front_matter
from generator.load.heads import Head, read_head
from generator.load.messages import KNOWN_KEYS

REGISTRY = default_registry()
SHOWN = "content/mo-hinh/nghe-an/fuzz.md"
FUZZ = settings(
    max_examples=300,
    deadline=None,  # a slow example is not a failure: the bound is the whole file's time
    derandomize=True,  # the same examples on every run, so CI is deterministic
    database=None,  # and nothing is written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Keys an entry may have, nested keys, and junk keys.
KEYS = st.sampled_from(
    [*KNOWN_KEYS, "publisher", "author", "date", "url", "note", "src", "alt", "credit"]
) | st.text(max_size=12)
REAL_VALUES = st.sampled_from([
    "nghe-an", "Nghệ An", "Hà Nam", "ha-noi", "kinh-te", "Kinh tế", "tap-the", "ca-nhan",
    "2024-07-24", "2024-13-01", "19/8/2024", "https://baothu.vn/bai.html", "javascript:x",
    "../../../site_config.yml", "anh.jpg", "", " ", "0912 345 678", "thu@gmail.com",
])
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.dates() | REAL_VALUES
    | st.text(max_size=40)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
BODY = st.lists(
    st.sampled_from([
        "## Bối cảnh\n", "## Cách làm\n", "<!-- gợi ý -->\n", "# \n", "Nội dung.\n",
        "Gọi 0912 345 678 hoặc +84 912 345 678.\n", "CCCD 001234567890.\n",
        "Thư: nguyen.van.a@gmail.com\n", "[link](javascript:alert(1))\n",
        "<a href=\"https://x.vn/0912345678\">x</a>\n", "---\n", "\n", "\t", "\r\n", "\ufeff",
    ]) | st.text(max_size=30),
    max_size=12,
).map("".join)
FILE_RULES = {
    "unreadable-file", "file-too-large", "not-utf8", "no-front-matter", "unclosed-front-matter",
    "front-matter-too-large", "yaml-syntax", "yaml-alias", "yaml-tag", "yaml-too-deep",
    "number-too-long", "not-a-mapping", "duplicate-key",
}
"""Rules of a file that cannot be read as an entry: no Entry comes with one of them."""
VALID: dict[str, Any] = {
    "id": "fuzz",
    "title": "Mô hình thử",
    "province": "nghe-an",
    "field": "kinh-te",
    "kind": "tap-the",
    "summary": "Tóm tắt.",
    "sources": [{"title": "Bài nguồn", "publisher": "Báo thử", "date": dt.date(2024, 7, 24)}],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    """A site folder and the one entry file every example overwrites."""
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "content" / "mo-hinh" / "nghe-an" / "fuzz.md"
    path.parent.mkdir(parents=True)
    return Settings(content_dir=root / "content", root=root), path


def _line_count(data: bytes) -> int:
    return len(data.decode("utf-8", errors="replace").splitlines())


def _assert_located(problem: Problem, lines: int) -> None:
    assert problem.path == SHOWN
    assert problem.rule in RULES, problem
    assert 0 <= problem.line <= lines + 1, (problem, lines)
    assert problem.vi and problem.en


def _load(site: tuple[Settings, Path], data: bytes) -> tuple[Entry | None, list[Problem]]:
    """Load ``data`` as an entry file and check the outcome is one of the two allowed."""
    settings_, path = site
    path.write_bytes(data)
    entry, problems = check_file(path, settings_, REGISTRY)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if entry is None:
        assert errors, problems
    else:  # rules of a whole entry (no year, an unsafe link) may still find errors in it
        assert not [p for p in errors if p.rule in FILE_RULES], errors
    lines = _line_count(data)
    for problem in problems:
        _assert_located(problem, lines)
    return entry, problems


@st.composite
def front_matter(draw: st.DrawFn, base: dict[str, Any] | None = None) -> str:
    """A YAML mapping of schema and junk keys, dumped in one of PyYAML's styles."""
    data = dict(base or {})
    data.update(draw(st.dictionaries(KEYS, VALUES, max_size=8 if base is None else 3)))
    return yaml.safe_dump(
        data, allow_unicode=draw(st.booleans()), sort_keys=False,
        default_flow_style=draw(st.sampled_from([None, True, False])),
        width=draw(st.sampled_from([80, 10_000])),
    )


@st.composite
def entry_text(draw: st.DrawFn, base: dict[str, Any] | None = None) -> str:
    """An entry file: front matter, body, with Windows line ends, a BOM or tabs mixed in."""
    text = "---\n" + draw(front_matter(base)) + "---\n" + draw(BODY)
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\t\n", " \n"])))
    if draw(st.booleans()):
        text = text.replace("  ", "\t")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


LINES = st.lists(
    st.tuples(KEYS, st.text(max_size=20)).map(lambda kv: f"{kv[0]}: {kv[1]}"), max_size=10,
).map("\n".join)


@FUZZ
@given(text=st.text(max_size=500) | st.text(max_size=500).map(lambda t: "---\n" + t))
def test_any_text_loads_or_is_located(site: tuple[Settings, Path], text: str) -> None:
    """Arbitrary text (NUL, every plane, any line end) is an entry or located problems."""
    _load(site, text.encode())


@FUZZ
@given(text=entry_text())
def test_any_yaml_front_matter_loads_or_is_located(
    site: tuple[Settings, Path], text: str
) -> None:
    """Schema and junk keys with scalar, list and mapping values of every type."""
    _load(site, text.encode())


@FUZZ
@given(text=entry_text(VALID))
def test_a_valid_entry_with_damaged_keys_loads_or_is_located(
    site: tuple[Settings, Path], text: str
) -> None:
    """Near-valid entries get past the schema, into the checks and lints of whole entries."""
    _load(site, text.encode())


@FUZZ
@given(head=LINES, body=BODY)
def test_hand_written_key_lines_load_or_are_located(
    site: tuple[Settings, Path], head: str, body: str
) -> None:
    """`key: any text` lines, as an editor types them, unquoted colons and all."""
    _load(site, f"---\n{head}\n---\n{body}".encode())


@FUZZ
@given(data=st.binary(max_size=500) | st.binary(max_size=500).map(lambda b: b"---\n" + b))
def test_any_bytes_load_or_are_located(site: tuple[Settings, Path], data: bytes) -> None:
    """Bytes that are not UTF-8 (or are) never raise."""
    _load(site, data)


@FUZZ
@given(text=st.text(max_size=300) | entry_text() | LINES.map(lambda t: f"---\n{t}\n---\n"))
def test_parse_front_matter_returns_or_raises_a_located_problem(text: str) -> None:
    """The parser alone: a FrontMatter, or FrontMatterError carrying one located problem."""
    try:
        parse_front_matter(text, SHOWN)
    except FrontMatterError as exc:
        _assert_located(exc.problem, len(text.splitlines()))
        assert exc.problem.severity is Severity.ERROR


@FUZZ
@given(data=st.binary(max_size=500)
       | st.binary(max_size=500).map(lambda b: b"---\n" + b)
       | entry_text().map(str.encode))
def test_read_head_never_raises(data: bytes) -> None:
    """The quick scan of every entry file's head gives a Head or None, whatever the bytes."""
    head = read_head("fuzz.md", data)
    assert head is None or isinstance(head, Head)


@pytest.fixture(scope="module")
def valid_entry(site: tuple[Settings, Path]) -> Entry:
    """One loaded entry, whose file text the lint property replaces."""
    entry, problems = _load(site, ("---\n" + yaml.safe_dump(VALID) + "---\nNội dung.\n").encode())
    assert entry is not None, problems
    return entry


@FUZZ
@given(body=BODY | st.text(alphabet="0123456789 +().-@_abcđ\n#<!->:/", max_size=300),
       body_line=st.integers(min_value=1, max_value=40))
def test_the_personal_data_scan_never_raises(
    site: tuple[Settings, Path], valid_entry: Entry, body: str, body_line: int
) -> None:
    """Any text and any body line: lint_entry gives located warnings, never an exception."""
    text = "---\n" + yaml.safe_dump(VALID) + "---\n" + body
    problems = lint_entry(valid_entry, text, body_line, site[0])
    for problem in problems:
        _assert_located(problem, len(text.splitlines()))
        assert problem.severity is Severity.WARNING


IMAGES = st.lists(
    st.fixed_dictionaries({"src": st.text(max_size=60) | REAL_VALUES, "alt": SCALARS,
                           "credit": SCALARS}),
    min_size=1, max_size=3,
)


@FUZZ
@given(images=IMAGES)
def test_any_image_list_loads_or_is_located(
    site: tuple[Settings, Path], images: list[dict[str, Any]]
) -> None:
    """Image names of any text (NUL escaped in quotes, `..`, `/`) reach the file system safely."""
    data = {**VALID, "images": images}
    _load(site, ("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n").encode())


def test_an_image_name_too_long_for_the_file_system_is_located(
    site: tuple[Settings, Path],
) -> None:
    """A 300-character image name is a located problem, not an OSError."""
    _load(site, ("---\n" + yaml.safe_dump({**VALID, "images": [
        {"src": "a" * 300 + ".jpg", "alt": "Ảnh", "credit": "Báo thử"}]}) + "---\n").encode())


def test_the_catalogue_heads_refuse_what_the_loader_refuses(tmp_path: Path) -> None:
    """A partial check reads every other file's head: a bomb there must not go off."""
    from generator.load.heads import read_head

    laughs = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n"
        for n in range(8)) + "id: *i\ntitle: *i\nprovince: nghe-an\n---\n"
    deep = "---\nid: [" + "[" * 100_000 + "\n---\n"
    for name, text in (("laughs.md", laughs), ("deep.md", deep)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert read_head(str(path)) is None
    big = tmp_path / "big.md"
    big.write_text("---\nid: big\ntitle: x\nprovince: nghe-an\n---\n" + "x" * 300_000, "utf-8")
    assert read_head(str(big)) is None
