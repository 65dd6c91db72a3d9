"""Screenshots for docs/screenshots/: ``python -m bench.screenshots``.

Builds the bundled content (content/, the real entries) with the repo's config into a
temporary folder, serves it on 127.0.0.1 and photographs, in Debian's Chromium
(Playwright), light and dark, on a 360 × 800 phone (the whole page) and a 1280 × 900
desktop:

- /thong-ke/;
- the press section of "Ký túc xá vùng biên" (the seed article about it);
- a contest's page, the search it links to for the models no article is about
  yet, and a province page with that link. The bundled site has no contest, and
  every bundled model has an article, so those are built from the bundled content
  plus a synthetic contest, two entries and articles about one of them ("thử
  nghiệm"), made here for the picture and never published;
- the form-based editor's new-model form, empty and with errors
  (bench/editorshots.py).

``make screenshots`` runs it; run it again after a change to those pages.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from bench.editorshots import shoot_editor
from bench.server import CHROMIUM, CHROMIUM_ARGS, serve
from generator.cli import main as dvk

REPO = Path(__file__).resolve().parents[1]
PAGE = "thong-ke/"
SIZES = {"360": (360, 800, True), "1280": (1280, 900, False)}
"""Name -> (width, height, whole page)."""
SCHEMES = {"light": "light", "dark": "dark"}


ENTRY_PRESS = ("mo-hinh/ky-tuc-xa-vung-bien-nghe-an/", "section.dvk-press", "bao-chi-mo-hinh")
CONTEST = {"slug": "giai-thu-nghiem", "name": "Giải báo chí thử nghiệm", "year": 2024,
           "organiser": "Ban tổ chức thử nghiệm", "rules_url": "https://example.org/the-le"}


def build_bundled(folder: Path, content: Path = REPO / "content", site_url: str = "",
                  **plugin: object) -> Path:
    """Build ``content`` with site_config.yml (and ``plugin`` options) into ``folder``, for
    the address ``site_url`` when one is given."""
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(content)
    if site_url:
        config["site_url"] = site_url
    config["theme"]["custom_dir"] = str(REPO / "theme")
    config["site_dir"] = str(folder / "site")
    for item in config["plugins"]:
        if isinstance(item, dict) and "dvk" in item:
            item["dvk"].update(plugin)
    config_file = folder / "site_config.yml"
    folder.mkdir(parents=True, exist_ok=True)
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    if dvk.main(["build", "--config", str(config_file)]) != 0:
        raise SystemExit("the bundled site did not build")
    return folder / "site"


def _with_a_contest(folder: Path) -> Path:
    """The bundled content plus two synthetic entries, a contest and three articles about
    one of them."""
    content = folder / "content"
    shutil.copytree(REPO / "content", content)
    (content / "mo-hinh" / "hue").mkdir(parents=True, exist_ok=True)
    # Two models of one province, one with no article: the page links to that one.
    for entry_id, title in (("thu-nghiem-vuon-nha", "Thử nghiệm vườn nhà"),
                            ("thu-nghiem-ao-ca", "Thử nghiệm ao cá")):
        entry = {"id": entry_id, "title": title, "province": "hue", "field": "kinh-te",
                 "kind": "tap-the", "summary": "Mô hình thử nghiệm.", "started": 2024,
                 "sources": [{"title": "Bài thử nghiệm"}]}
        (content / "mo-hinh" / "hue" / f"{entry_id}.md").write_text(
            "---\n" + yaml.safe_dump(entry, allow_unicode=True, sort_keys=False) + "---\n",
            encoding="utf-8")
    for number, (outlet, day) in enumerate((("Báo Thử Nghiệm", 2), ("Đài Thử Nghiệm", 9),
                                            ("Báo Thử Nghiệm", 16)), start=1):
        record = {"title": f"Bài dự thi thử nghiệm số {number}", "outlet": outlet,
                  "author": "Tác giả thử nghiệm", "date": f"2024-09-{day:02d}",
                  "url": f"https://example.org/bai-{number}", "language": "vi",
                  "models": ["thu-nghiem-vuon-nha"], "contest": CONTEST["slug"]}
        (content / "bao-chi" / f"thu-nghiem-{number}.yml").write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content


def shoot(site: Path, out: Path, page: str = PAGE, element: str = "",
          stem: str = "", *, read_first: Sequence[str] = ()) -> list[Path]:
    """Photograph ``page`` of ``site`` (or its ``element`` only) at every size and scheme
    into ``out``, as ``<stem>-<width>-<scheme>.png``. With ``read_first``, those pages are
    opened first, which brings the offline worker, and ``page`` is opened offline."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    stem = stem or page.strip("/").replace("/", "-") or "trang-chu"
    made: list[Path] = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=list(CHROMIUM_ARGS))
        try:
            for size, (width, height, whole) in SIZES.items():
                for name, scheme in SCHEMES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="vi-VN",
                        color_scheme=scheme)  # type: ignore[arg-type]
                    tab = context.new_page()
                    for earlier in read_first:
                        tab.goto(base + earlier)
                        tab.wait_for_load_state("networkidle")
                    if read_first:
                        tab.evaluate("navigator.serviceWorker.ready.then(() => true)")
                        tab.wait_for_timeout(1000)  # the worker keeps the pages read
                        context.set_offline(True)
                    tab.goto(base + page)
                    tab.wait_for_load_state("networkidle")
                    tab.evaluate("document.fonts.ready.then(() => true)")
                    path = out / f"{stem}-{size}-{name}.png"
                    if element:
                        tab.locator(element).screenshot(path=str(path))
                    else:
                        tab.screenshot(path=str(path), full_page=whole)
                    made.append(path)
                    context.close()
        finally:
            browser.close()
    return made


def main(argv: Sequence[str] | None = None) -> int:
    """Build, serve and photograph; print each file written."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else REPO / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="dvk-screenshots-") as folder:
        site = build_bundled(Path(folder) / "bundled")
        made = shoot(site, out)
        page, element, stem = ENTRY_PRESS
        made += shoot(site, out, page, element, stem)
        contest = build_bundled(Path(folder) / "contest", _with_a_contest(Path(folder)),
                                contests=[CONTEST])
        made += shoot(contest, out, f"bao-chi/{CONTEST['slug']}/", stem="bao-chi-cuoc-thi")
        # The search the contest and province pages link to: the models no article is
        # about yet; and a province page with that link.
        made += shoot(contest, out, "tim-kiem/?bao-chi=chua-co", stem="tim-kiem-chua-co-bai")
        made += shoot(contest, out, "tinh-thanh/hue/", stem="tinh-thanh-chua-co-bai")
        # Offline, a model never opened: the offline page lists the two read before.
        made += shoot(site, out, "mo-hinh/toi-yeu-to-quoc-toi-nghe-an/", stem="ngoai-tuyen",
                      read_first=["mo-hinh/ky-tuc-xa-vung-bien-nghe-an/",
                                  "mo-hinh/vien-gach-nghia-tinh-nghe-an/"])
        made += shoot_editor(out)
        for path in made:
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
