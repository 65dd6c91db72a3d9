"""Shared fixtures: small real sites built in tmp_path, and the bundled site."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from generator.cli.main import main

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One build cache for the session, so fonts are subset once, not per site."""
    os.environ["DVK_CACHE_DIR"] = str(tmp_path_factory.mktemp("dvk-cache"))
    yield
    os.environ.pop("DVK_CACHE_DIR", None)


def site_config(**plugin: Any) -> dict[str, Any]:
    """The repo's site_config.yml, pointed at the repo's theme, with plugin overrides."""
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(REPO / "theme")
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "dvk" in entry:
            entry["dvk"].update(plugin)
    return config


BASE_ENTRY: dict[str, Any] = {
    "title": "Mô hình thử",
    "province": "nghe-an",
    "field": "kinh-te",
    "kind": "tap-the",
    "summary": "Tóm tắt của mô hình thử.",
    "sources": [{"title": "Bài báo nguồn", "publisher": "Báo thử", "date": dt.date(2024, 7, 24)}],
}


@dataclass
class Site:
    """A small real site in a temporary folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "site_config.yml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "site"

    def write_config(self, **plugin: Any) -> None:
        self.config.write_text(
            yaml.safe_dump(site_config(**plugin), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )

    def entry(self, entry_id: str, folder: str | None = None, **fields: Any) -> Path:
        """Write a valid entry, with ``fields`` overriding (None removes a key)."""
        data = {"id": entry_id, **BASE_ENTRY, **fields}
        data = {k: v for k, v in data.items() if v is not None}
        body = data.pop("body", "## Bối cảnh\n\nNội dung thử.\n")
        folder = folder or str(data.get("province", "nghe-an"))
        text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body
        return self.raw(f"mo-hinh/{folder}/{entry_id}.md", text)

    def raw(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> int:
        return main([*args, "--config", str(self.config)])

    def html(self, url: str) -> str:
        """The built HTML at site URL ``url`` (e.g. "mo-hinh/x/")."""
        return (self.out / url / "index.html").read_text(encoding="utf-8")

    def tree_digest(self) -> str:
        """A digest of every file under site/, to prove it did not change."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.out.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.out).as_posix().encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """An empty sample site: config, home, about and contribute pages, no entries."""
    sample = Site(tmp_path)
    sample.write_config()
    sample.raw("index.md", "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Thử\n")
    sample.raw("gioi-thieu.md", "# Giới thiệu\n\nThử.\n")
    sample.raw("dong-gop.md", "# Đóng góp\n\nThử.\n")
    return sample


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's own content, built once with the repo's config into a temporary site/."""
    root = tmp_path_factory.mktemp("bundled")
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / "content")
    config["theme"]["custom_dir"] = str(REPO / "theme")
    config["site_dir"] = str(root / "site")
    (root / "site_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    assert main(["build", "--strict", "--config", str(root / "site_config.yml")]) == 0
    return root / "site"


@pytest.fixture(scope="session")
def bundled_server(bundled_site: Path) -> Iterator[str]:
    """The bundled site served from 127.0.0.1, gzipped as a production server would."""
    from bench.server import serve

    with serve(bundled_site) as base:
        yield base


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; its absence fails the run when DVK_REQUIRE_BROWSER is set (CI)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (make test does, as root)"
        if os.environ.get("DVK_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


TEST_CONTEST = {"slug": "giai-thu", "name": "Giải báo chí thử nghiệm", "year": 2024,
                "organiser": "Ban tổ chức thử"}
"""A contest of the audit fixture only: the bundled site declares none."""

SEARCH_FIXTURES: dict[str, dict[str, Any]] = {
    # Synthetic entries for the search tests only: never published.
    "thu-duong-hoa-ha-nam": {
        "title": "Thử nghiệm đường hoa", "province": "Hà Nam", "field": "van-hoa-xa-hoi",
        "summary": "Hội viên trồng hoa dọc đường làng.", "locality": "xã Thử Nghiệm",
        "body": "## Bối cảnh\n\nMỗi hộ nhận chăm một đoạn đường.\n",
    },
    "thu-cho-dem-da-nang": {
        "title": "Thử nghiệm chợ đêm Đà Nẵng", "province": "da-nang", "field": "kinh-te",
        "summary": "Chợ đêm do tổ dân phố tự quản.",
    },
    "thu-vuon-hue": {
        "title": "Thử nghiệm vườn nhà", "province": "Thua Thien Hue", "field": "kinh-te",
        "summary": "Vườn rau sạch của hội phụ nữ.",
        # An old id and a picture, so the link, HTML and a11y audits see those pages too.
        "redirect_from": ["thu-vuon-rau-hue"],
        "images": [{"src": "vuon-nha.png", "alt": "Luống rau trước nhà", "credit": "Báo thử"}],
    },
    "thu-ca-nhan-dung": {
        "title": "Thử nghiệm cá nhân Dũng", "province": "lai-chau", "field": "kinh-te",
        "kind": "ca-nhan", "started": 2021, "summary": "Anh Dũng hướng dẫn bà con làm ăn.",
    },
    "thu-tap-the-dung": {
        "title": "Thử nghiệm tổ Dung", "province": "lai-chau", "field": "kinh-te",
        "summary": "Tổ hợp tác mang tên Dung.",
    },
}


def _picture(path: Path) -> None:
    """A small real photograph stand-in: a 1,200 × 800 PNG of two colours."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1200, 800), (46, 125, 50))
    ImageDraw.Draw(picture).rectangle((0, 500, 1200, 800), fill=(121, 85, 72))
    picture.save(path, format="PNG")


@pytest.fixture(scope="session")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled content plus synthetic fixtures, built once (search index included)."""
    import shutil

    root = tmp_path_factory.mktemp("search")
    shutil.copytree(REPO / "content", root / "content")
    sample = Site(root)
    for entry_id, fields in SEARCH_FIXTURES.items():
        province = {"Hà Nam": "ninh-binh", "Thua Thien Hue": "hue"}.get(
            fields["province"], fields["province"])
        sample.entry(entry_id, folder=province, **fields)
        for image in fields.get("images", []):
            _picture(sample.content / "mo-hinh" / province / image["src"])
    # A synthetic contest and article about a synthetic entry, so that the audits see every
    # kind of press page: the hub, an outlet's, a year's and a contest's.
    sample.write_config(contests=[TEST_CONTEST])
    sample.raw("bao-chi/thu-bai-bao.yml", yaml.safe_dump({
        "title": "Thử nghiệm: vườn nhà của hội phụ nữ", "outlet": "Báo Thử",
        "date": dt.date(2024, 9, 2), "url": "https://bao.example/thu-vuon", "language": "vi",
        # Lai Châu's two models: one written about, one not (the "chưa có bài" search).
        "models": ["thu-vuon-hue", "thu-ca-nhan-dung"], "contest": TEST_CONTEST["slug"],
    }, allow_unicode=True, sort_keys=False))
    assert sample.run("build", "--strict") == 0
    return sample.out


@pytest.fixture(scope="session")
def search_server(search_site: Path) -> Iterator[str]:
    """The search fixture site served from 127.0.0.1, gzipped as a production server would."""
    from bench.server import serve

    with serve(search_site) as base:
        yield base


@pytest.fixture(autouse=True)
def _mark_browser_tests_in_report(
    request: pytest.FixtureRequest, record_property: Any
) -> None:
    """Tag browser tests in the JUnit report, so CI can prove they ran and were not skipped."""
    if request.node.get_closest_marker("browser"):
        record_property("browser", "chromium")


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright, shared by every browser test."""
    from playwright.sync_api import sync_playwright

    from bench.server import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path),
                                              args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()
