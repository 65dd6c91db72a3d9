"""The bundled content: every model named in the seed articles, each citing its source."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO
from generator.catalogue.catalogue import load_catalogue
from generator.core.settings import Settings

SEED_MODELS = {
    "Ký túc xá vùng biên": "nghe-an",
    "Viên gạch nghĩa tình": "nghe-an",
    "Đoàn kết quân dân, ấm tình xứ đạo": "nghe-an",
    "Giúp dân no đủ, tự chủ bản làng": "nghe-an",
    "Tôi yêu Tổ quốc tôi": "nghe-an",
}


def test_bundled_content_has_every_seed_model_with_sources() -> None:
    """Nghệ An's five models and Ngọc Lâm's two activities are entries, each with a dated source."""
    catalogue = load_catalogue(Settings(content_dir=REPO / "content", root=REPO))
    assert catalogue.warnings == ()
    titles = {e.title: e for e in catalogue.entries}
    for title, province in SEED_MODELS.items():
        assert titles[title].province.slug == province
    ngoc_lam = [e for e in catalogue.entries if e.locality and "Ngọc Lâm" in e.locality]
    assert len(ngoc_lam) == 2
    assert len(catalogue.entries) == 7
    for entry in catalogue.entries:
        assert any(s.date for s in entry.sources), entry.id


def test_bundled_site_builds_strictly_with_every_page(bundled_site: Path) -> None:
    """The shipped site builds under --strict: 7 entries, 34 provinces, about and contribute."""
    assert len(list((bundled_site / "mo-hinh").iterdir())) == 7
    assert len([p for p in (bundled_site / "tinh-thanh").iterdir() if p.is_dir()]) == 34
    for page in ["gioi-thieu", "dong-gop", "nam/2024", "nam/2019"]:
        assert (bundled_site / page / "index.html").is_file(), page
    home = (bundled_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<strong>7</strong>\s*mô hình đã đăng", home)
