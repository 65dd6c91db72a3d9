"""The form-based editor at /quan-tri/: its configuration generated from the entry schema,
its files published outside every listing, and its file formats, which change only what
the form changed (run in Node, as the browser runs them)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Site
from generator.cli.main import main
from generator.core.provinces import default_registry

CHECKED_IN = REPO / "schema" / "cms.yml"
ENTRY_SCHEMA = REPO / "schema" / "entry.schema.json"
SCRIPT = REPO / "theme" / "quan-tri" / "dvk-cms.js"
KY_TUC_XA = next((REPO / "content" / "mo-hinh").rglob("ky-tuc-xa-vung-bien*.md"))
PRESS = sorted((REPO / "content" / "bao-chi").glob("*.yml"))[0]


def editor_config() -> dict[str, Any]:
    data = yaml.safe_load(CHECKED_IN.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def collection(name: str) -> dict[str, Any]:
    return next(c for c in editor_config()["collections"] if c["name"] == name)


def form_field(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(f for f in fields if f["name"] == name)


def test_the_checked_in_editor_config_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """schema/cms.yml is what `dvk schema --cms` makes of the schema and the config."""
    assert main(["schema", "--cms", "--out", "-", "--config", str(REPO / "site_config.yml")]) == 0
    assert CHECKED_IN.read_text(encoding="utf-8") == capsys.readouterr().out, (
        "schema/cms.yml is out of date: run `dvk schema` and commit the result")


def test_the_form_asks_what_the_check_requires() -> None:
    """Required fields, the id's pattern, the selects and the lists come from the schema."""
    schema = json.loads(ENTRY_SCHEMA.read_text(encoding="utf-8"))
    entries = collection("mo-hinh")
    fields = entries["fields"]
    assert [f["name"] for f in fields] == [*schema["properties"], "body"]
    assert {f["name"] for f in fields if f["required"]} == set(schema["required"])
    pattern, message = form_field(fields, "id")["pattern"]
    for good in ("ky-tuc-xa", "a1", "x" * 120):
        assert re.fullmatch(pattern, good), good
    for bad in ("Ky-Tuc-Xa", "ký-túc", "-x", "a--b", "x" * 121, ""):
        assert not re.fullmatch(pattern, bad), bad
    assert "chữ thường" in message
    units = default_registry().units
    assert [o["value"] for o in form_field(fields, "province")["options"]] == [
        u.slug for u in units]
    assert len(units) == 34
    assert form_field(fields, "kind")["options"] == [
        {"label": "Tập thể", "value": "tap-the"}, {"label": "Cá nhân", "value": "ca-nhan"}]
    assert form_field(fields, "updated")["widget"] == "datetime"
    assert form_field(fields, "updated")["format"] == "YYYY-MM-DD"
    sources = form_field(fields, "sources")
    assert sources["widget"] == "list" and sources["min"] == 1
    assert form_field(sources["fields"], "date")["widget"] == "datetime"
    images = form_field(fields, "images")
    assert {f["name"] for f in images["fields"] if f["required"]} == {"src", "alt", "credit"}
    assert form_field(fields, "results")["field"]["widget"] == "string"
    assert form_field(fields, "body")["widget"] == "markdown"
    # Where `dvk check` expects the file, and its images beside it.
    assert (entries["folder"], entries["path"], entries["slug"]) == (
        "content/mo-hinh", "{{province}}/{{slug}}", "{{fields.id}}")
    assert entries["media_folder"] == "" and entries["public_folder"] == ""
    models = form_field(collection("bao-chi")["fields"], "models")
    assert (models["widget"], models["collection"], models["value_field"]) == (
        "relation", "mo-hinh", "id")
    assert editor_config()["locale"] == "vi"


# --- The file formats, in Node --------------------------------------------------------

NODE_HARNESS = """
import { FORMATS, fromText, toText } from "./dvk-cms.js";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const out = cases.map(({ format, text, changes, order }) => {
  const spec = FORMATS[format];
  const data = text === null ? {} : fromText(text, spec);
  Object.assign(data, changes);
  return toText(data, order, spec);
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """theme/quan-tri/dvk-cms.js beside the `yaml` library, as /quan-tri/ serves them."""
    folder = tmp_path_factory.mktemp("formats")
    shutil.copy(SCRIPT, folder / "dvk-cms.js")
    (folder / "yaml").symlink_to(REPO / "node_modules" / "yaml" / "browser" / "dist")
    (folder / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (folder / "run.js").write_text(NODE_HARNESS, encoding="utf-8")
    return folder


def saved(folder: Path, *cases: dict[str, Any]) -> list[str]:
    """Each case's file as the editor saves it: read, fields changed, written back."""
    done = subprocess.run(["node", "run.js"], cwd=folder, input=json.dumps(list(cases)),
                          capture_output=True, text=True, check=True, timeout=60)
    found = json.loads(done.stdout)
    assert isinstance(found, list)
    return found


ENTRY_ORDER = [f["name"] for f in collection("mo-hinh")["fields"]] if CHECKED_IN.exists() else []


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    return [(line[0], line[1:]) for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_an_edit_changes_only_the_edited_field(formats: Path) -> None:
    """The summary edited: only its lines change; the schema line, comments, key order,
    quoting and the body stay byte for byte. Untouched, the file comes back unchanged."""
    text = KY_TUC_XA.read_text(encoding="utf-8")
    untouched, edited, emptied = saved(
        formats,
        {"format": "dvk-frontmatter", "text": text, "changes": {}, "order": ENTRY_ORDER},
        {"format": "dvk-frontmatter", "text": text, "order": ENTRY_ORDER,
         "changes": {"summary": "Tóm tắt mới: đồn biên phòng nuôi học sinh ở bán trú."}},
        {"format": "dvk-frontmatter", "text": text, "order": ENTRY_ORDER,
         "changes": {"unit": "", "locality": "xã Tam Quang (tỉnh Nghệ An)"}},
    )
    assert untouched == text
    diff = changed_lines(text, edited)
    assert [sign for sign, _ in diff if sign == "+"] == ["+"]
    assert all(line.startswith(("summary:", "  ")) for _, line in diff)
    assert "summary: 'Tóm tắt mới: đồn biên phòng nuôi học sinh ở bán trú.'" in edited or \
        'summary: "Tóm tắt mới: đồn biên phòng nuôi học sinh ở bán trú."' in edited
    assert edited.split("\n---\n", 1)[1] == text.split("\n---\n", 1)[1]
    assert edited.splitlines()[1].startswith("# yaml-language-server: $schema=")
    keys = [line.split(":")[0] for line in emptied.split("\n---\n")[0].splitlines()
            if re.match(r"^[a-z_]+:", line)]
    assert "unit" not in keys
    assert keys.index("locality") == keys.index("province") + 1  # where `dvk new` puts it


def test_a_new_entry_is_written_as_dvk_new_would(formats: Path, site: Site) -> None:
    """A new entry from the form: the schema line, the form's key order, years as numbers,
    empty fields left out, and `dvk check` passes on it."""
    (text,) = saved(formats, {"format": "dvk-frontmatter", "text": None, "order": ENTRY_ORDER,
                              "changes": {
        "id": "thu-bep-an-ban-tru", "title": "Thử nghiệm: bếp ăn bán trú",
        "province": "lai-chau", "locality": "", "field": "kinh-te", "kind": "tap-the",
        "started": "2021", "summary": "Hội phụ nữ nấu bữa trưa cho học sinh: mỗi tuần một thôn.",
        "results": ["Ba mươi học sinh ăn trưa ở trường", ""],
        "sources": [{"title": "Bài thử", "publisher": "Báo Thử", "date": "2024-07-24",
                     "url": "", "author": ""}],
        "images": [], "body": "## Bối cảnh\n\nThử.\n"}})
    assert text.startswith(
        "---\n# yaml-language-server: $schema=../../../schema/entry.schema.json\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert list(front) == ["id", "title", "province", "field", "kind", "started", "summary",
                           "results", "sources"]
    assert front["started"] == 2021
    assert front["sources"] == [{"title": "Bài thử", "publisher": "Báo Thử",
                                 "date": __import__("datetime").date(2024, 7, 24)}]
    site.raw("mo-hinh/lai-chau/thu-bep-an-ban-tru.md", text)
    assert site.run("check") == 0


def test_a_press_record_keeps_its_nulls_and_comments(formats: Path) -> None:
    """A press record: `outlet: null` stays when the form leaves it empty, comments stay,
    and a model added to `models` changes that list only."""
    text = PRESS.read_text(encoding="utf-8")
    order = [f["name"] for f in collection("bao-chi")["fields"]]
    models = yaml.safe_load(text)["models"]
    untouched, added = saved(
        formats,
        {"format": "dvk-yaml", "text": text, "order": order,
         "changes": {"outlet": "", "url": None}},
        {"format": "dvk-yaml", "text": text, "order": order,
         "changes": {"models": [*models, "ky-tuc-xa-vung-bien-nghe-an"]}},
    )
    assert untouched == text
    diff = changed_lines(text, added)
    assert [line for sign, line in diff if sign == "+"][-1] == "  - ky-tuc-xa-vung-bien-nghe-an"
    assert all(line.startswith(("models:", "  - ")) for _, line in diff)


def test_the_editor_is_published_outside_every_listing(site: Site) -> None:
    """With schema/cms.yml and npm's files in the project, /quan-tri/ has the editor's page,
    configuration, Decap's bundle and the yaml library; no navigation, sitemap, search or
    urls.txt names it, the page asks not to be indexed, and only its folder gets the
    editor's security policy."""
    from generator.publish.headers import csp, editor_csp

    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", field="quoc-phong-an-ninh")
    (site.root / "schema").mkdir()
    shutil.copy(CHECKED_IN, site.root / "schema" / "cms.yml")
    (site.root / "node_modules").symlink_to(REPO / "node_modules")
    assert site.run("build", "--strict") == 0
    editor = site.out / "quan-tri"
    page = html.unescape((editor / "index.html").read_text(encoding="utf-8"))
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "'unsafe-eval'" in page and "'unsafe-eval'" not in csp()
    assert (editor / "config.yml").read_text(encoding="utf-8") == CHECKED_IN.read_text("utf-8")
    assert (editor / "decap-cms.js").stat().st_size > 1_000_000
    assert (editor / "yaml" / "index.js").is_file() and (editor / "dvk-cms.js").is_file()
    assert not list(editor.glob("*.map"))
    for listing in ("sitemap.xml", "urls.txt", "index.html", "mo-hinh/ky-tuc-xa/index.html"):
        assert "quan-tri" not in (site.out / listing).read_text(encoding="utf-8"), listing
    assert not any("quan-tri" in path.name for path in (site.out / "tim-kiem").rglob("*"))
    headers = (site.out / "_headers").read_text(encoding="utf-8")
    block = headers.split("/quan-tri/*\n", 1)[1]
    assert block.splitlines()[:3] == [
        "  ! Content-Security-Policy", f"  Content-Security-Policy: {editor_csp()}",
        "  X-Robots-Tag: noindex"]


def test_without_npm_files_the_site_has_no_editor(site: Site) -> None:
    """No schema/cms.yml or no Decap bundle (no `npm ci`): the build publishes no editor and
    no policy for it, and succeeds."""
    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", field="quoc-phong-an-ninh")
    assert site.run("build", "--strict") == 0
    assert not (site.out / "quan-tri" / "index.html").exists()
    assert "/quan-tri/" not in (site.out / "_headers").read_text(encoding="utf-8")


def test_the_local_backend_ends_with_the_process_that_started_it(tmp_path: Path) -> None:
    """decap-server, started by `dvk serve --cms`, ends when that process is killed
    (SIGKILL: no clean-up runs), and does not keep the port for the next one."""
    import sys

    from generator.build.localeditor import PORT, _listening

    (tmp_path / "node_modules").symlink_to(REPO / "node_modules")
    script = ("import sys, time\nfrom pathlib import Path\n"
              "from generator.build.localeditor import local_backend\n"
              "running = local_backend(Path(sys.argv[1]))\nrunning.__enter__()\n"
              "print('up', flush=True)\ntime.sleep(120)\n")
    starter = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert starter.stdout is not None and starter.stdout.readline() == "up\n"
        assert _listening(PORT)
    finally:
        starter.kill()
        starter.wait()
        if starter.stdout is not None:
            starter.stdout.close()
    deadline = time.monotonic() + 10
    while _listening(PORT):
        assert time.monotonic() < deadline, "decap-server outlived the process that started it"
        time.sleep(0.1)


def test_the_formats_write_null_where_the_schema_requires_a_key_that_may_be_null() -> None:
    """dvk-cms.js writes `key: null` for an empty field exactly where the schema requires
    the key but lets it be null (a press record's outlet and url), and nowhere else."""
    script = SCRIPT.read_text(encoding="utf-8")
    written = {name: set(re.findall(r'"(\w+)"', keys)) for name, keys in re.findall(
        r'"(dvk-[a-z]+)": \{.*?keepNull: \[([^\]]*)\]', script, flags=re.DOTALL)}
    for name, schema_file in (("dvk-frontmatter", "entry"), ("dvk-yaml", "press")):
        schema = json.loads((REPO / "schema" / f"{schema_file}.schema.json").read_text("utf-8"))
        nullable = {key for key in schema["required"]
                    if any(b.get("type") == "null"
                           for b in schema["properties"][key].get("anyOf", ()))}
        assert written[name] == nullable, name
