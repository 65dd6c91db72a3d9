"""Screenshots of /thong-ke/ for docs/screenshots/: ``python -m bench.screenshots``.

Builds the bundled content (content/, the real entries) with the repo's config into a
temporary folder, serves it on 127.0.0.1 and photographs the page in Debian's Chromium
(Playwright), light and dark, on a 360 × 800 phone (the whole page) and a 1280 × 900
desktop. ``make screenshots`` runs it; run it again after a change to the charts.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from bench.server import CHROMIUM, CHROMIUM_ARGS, serve
from generator.cli import main as dvk

REPO = Path(__file__).resolve().parents[1]
PAGE = "thong-ke/"
SIZES = {"360": (360, 800, True), "1280": (1280, 900, False)}
"""Name -> (width, height, whole page)."""
SCHEMES = {"light": "light", "dark": "dark"}


def build_bundled(folder: Path) -> Path:
    """Build content/ with site_config.yml into ``folder``; return the site folder."""
    config = yaml_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / "content")
    config["theme"]["custom_dir"] = str(REPO / "theme")
    config["site_dir"] = str(folder / "site")
    config_file = folder / "site_config.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    if dvk.main(["build", "--config", str(config_file)]) != 0:
        raise SystemExit("the bundled site did not build")
    return folder / "site"


def shoot(site: Path, out: Path, page: str = PAGE) -> list[Path]:
    """Photograph ``page`` of ``site`` at every size and scheme into ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    stem = page.strip("/").replace("/", "-") or "trang-chu"
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
                    tab.goto(base + page)
                    tab.wait_for_load_state("networkidle")
                    tab.evaluate("document.fonts.ready.then(() => true)")
                    path = out / f"{stem}-{size}-{name}.png"
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
        site = build_bundled(Path(folder))
        for path in shoot(site, out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
