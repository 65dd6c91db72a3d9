"""Incremental builds: after any edit, site/ is byte-for-byte what a clean build makes.

Each test edits a small real site, rebuilds it incrementally, builds the same
content from scratch into another folder, and compares every file, the search
index's included.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from search_reference import found_in_index

from conftest import Site
from generator.build.builder import Builder, Loaded

SOURCE = [{"title": "Bài nguồn", "publisher": "Báo thử", "date": dt.date(2023, 5, 2)}]


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a site, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


@pytest.fixture
def sample(site: Site) -> Site:
    """Seven entries over three provinces, two to an index page."""
    site.write_config(page_size=2)
    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", field="quoc-phong-an-ninh")
    site.entry("duong-hoa", title="Đường hoa", province="Hà Nam", folder="ninh-binh",
               sources=SOURCE)
    site.entry("ao-ca", title="Ao cá", province="Nam Định", folder="ninh-binh", kind="ca-nhan")
    site.entry("ben-do", title="Bến đò", province="ninh-binh")
    for title, slug in [("Cà phê", "ca"), ("Cao nguyên", "cao"), ("Dũng cảm", "dung")]:
        site.entry(f"hn-{slug}", title=title, province="ha-noi", field="van-hoa-xa-hoi")
    return site


def rebuild(site: Site) -> tuple[Builder, Loaded]:
    builder = Builder(site.config)
    done = builder.build()
    assert isinstance(done, Loaded)
    return builder, done


def assert_same_as_clean_build(site: Site, tmp_path: Path) -> None:
    config = yaml.safe_load(site.config.read_text(encoding="utf-8"))
    config["docs_dir"] = str(site.content)
    config["site_dir"] = str(tmp_path / "clean")
    other = tmp_path / "clean.yml"
    other.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    clean = Builder(other)
    assert isinstance(clean.build(), Loaded)
    assert clean.last_mode == "full"
    ours, theirs = tree(site.out), tree(tmp_path / "clean")
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert any(name.startswith("tim-kiem/chi-muc/t/") for name in ours)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_summary_edit_rewrites_only_the_pages_that_show_it(sample: Site, tmp_path: Path) -> None:
    """A new summary reaches the entry page, its index pages and search; other pages stay."""
    assert sample.run("build") == 0
    untouched = sample.out / "mo-hinh/ben-do/index.html"
    other_table = sample.out / "du-lieu/tinh-thanh/ha-noi.csv"
    manifest = sample.out / "urls.txt"  # the same URLs: kept, not written again
    stamps = {path: path.stat().st_mtime_ns for path in (untouched, other_table, manifest)}
    edit(sample.content / "mo-hinh/nghe-an/ky-tuc-xa.md", "Tóm tắt của mô hình thử.",
         "Ký túc xá cho học sinh vùng biên.")
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Ký túc xá cho học sinh vùng biên." in sample.html("mo-hinh/ky-tuc-xa/")
    assert "Ký túc xá cho học sinh vùng biên." in sample.html("tinh-thanh/nghe-an/")
    for table in ("du-lieu/mo-hinh.csv", "du-lieu/tinh-thanh/nghe-an.json"):
        assert "Ký túc xá cho học sinh vùng biên." in (sample.out / table).read_text("utf-8-sig")
    for path, stamp in stamps.items():  # a page or a table the edit does not reach is kept
        assert path.stat().st_mtime_ns == stamp, path
    index = sample.out / "tim-kiem" / "chi-muc"
    assert found_in_index(index, "học sinh vùng biên") == {"mo-hinh/ky-tuc-xa/"}
    assert found_in_index(index, "Tóm tắt của mô hình thử") == {
        f"mo-hinh/{name}/" for name in ("duong-hoa", "ao-ca", "ben-do", "hn-ca", "hn-cao",
                                         "hn-dung")}
    assert_same_as_clean_build(sample, tmp_path)


def test_title_edit_reorders_every_index(sample: Site, tmp_path: Path) -> None:
    """A renamed entry moves to its new place in Vietnamese order, across pages."""
    assert sample.run("build") == 0
    edit(sample.content / "mo-hinh/ha-noi/hn-ca.md", "Cà phê", "Đồng lúa")
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Đồng lúa" in sample.html("tinh-thanh/ha-noi/trang/2/")
    assert_same_as_clean_build(sample, tmp_path)


def test_added_and_removed_entries(sample: Site, tmp_path: Path) -> None:
    """A new entry gets its page and its place; a removed one leaves no page behind."""
    assert sample.run("build") == 0
    sample.entry("moi", title="Ánh sáng", province="ha-noi", field="kinh-te")
    (sample.content / "mo-hinh/ninh-binh/ao-ca.md").unlink()
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Ánh sáng" in sample.html("mo-hinh/moi/")
    assert not (sample.out / "mo-hinh/ao-ca").exists()
    assert not (sample.out / "loai/ca-nhan/index.html").read_text(encoding="utf-8").count(
        "Ao cá")
    assert "mo-hinh/moi/" in (sample.out / "sitemap.xml").read_text(encoding="utf-8")
    assert_same_as_clean_build(sample, tmp_path)


def test_each_build_starts_from_the_one_before(sample: Site, tmp_path: Path) -> None:
    """An incremental build is the next one's starting point, not the last full build: a
    build with nothing changed after an edit does nothing, and an entry added by one
    build and removed by the next leaves no page behind."""
    assert sample.run("build") == 0
    added = sample.entry("moi", title="Ánh sáng", province="ha-noi", field="kinh-te")
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Ánh sáng" in sample.html("mo-hinh/moi/")
    builder = Builder(sample.config)
    builder.build()
    assert builder.last_mode == "unchanged"
    added.unlink()
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert not (sample.out / "mo-hinh/moi").exists()
    assert_same_as_clean_build(sample, tmp_path)


def test_a_press_record_added_and_removed(sample: Site, tmp_path: Path) -> None:
    """An article about a model changes its page, its province's "chưa có bài" count and
    the search's press flag, and nothing of the posting files; removed, all goes back."""
    assert sample.run("build") == 0
    before = tree(sample.out)
    assert "3 mô hình chưa có bài báo viết về" in sample.html("tinh-thanh/ninh-binh/")
    record = sample.raw("bao-chi/ben-do.yml", yaml.safe_dump({
        "title": "Chuyến đò nghĩa tình", "outlet": "Báo Thử", "date": dt.date(2024, 3, 1),
        "url": "https://bao.example/ben-do", "language": "vi", "models": ["ben-do"],
    }, allow_unicode=True))
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Chuyến đò nghĩa tình" in sample.html("mo-hinh/ben-do/")
    assert "2 mô hình chưa có bài báo viết về" in sample.html("tinh-thanh/ninh-binh/")
    after = tree(sample.out)
    changed = {name for name in after if before.get(name) != after[name]}
    assert "tim-kiem/chi-muc/f/bao-chi.bin" in changed
    assert not {name for name in changed if name.startswith("tim-kiem/chi-muc/t/")}
    assert_same_as_clean_build(sample, tmp_path)
    record.unlink()
    rebuild(sample)
    assert tree(sample.out)["tim-kiem/chi-muc/f/bao-chi.bin"] == before[
        "tim-kiem/chi-muc/f/bao-chi.bin"]
    assert "3 mô hình chưa có bài báo viết về" in sample.html("tinh-thanh/ninh-binh/")


def test_images_and_redirects_follow_their_entry(sample: Site, tmp_path: Path) -> None:
    """An added image is published, a changed one replaced, a dropped redirect removed."""
    from PIL import Image

    image = sample.content / "mo-hinh/ha-noi/anh.png"
    Image.new("RGB", (600, 400), (200, 0, 0)).save(image)
    sample.entry("hn-cao", title="Cao nguyên", province="ha-noi", field="van-hoa-xa-hoi",
                 images=[{"src": "anh.png", "alt": "Ảnh", "credit": "Báo thử"}],
                 redirect_from=["cao-nguyen-cu"])
    assert sample.run("build") == 0
    assert (sample.out / "mo-hinh/cao-nguyen-cu/index.html").exists()
    Image.new("RGB", (600, 400), (0, 0, 200)).save(image)  # same name, another picture
    sample.entry("hn-cao", title="Cao nguyên", province="ha-noi", field="van-hoa-xa-hoi",
                 images=[{"src": "anh.png", "alt": "Ảnh", "credit": "Báo thử"}])
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    with Image.open(sample.out / "mo-hinh/hn-cao/anh-480.jpg") as published:
        assert published.convert("RGB").getpixel((10, 10))[2] > 150  # the blue one
    assert not (sample.out / "mo-hinh/cao-nguyen-cu").exists()
    assert_same_as_clean_build(sample, tmp_path)


def test_an_image_replaced_alone_is_published_again(sample: Site, tmp_path: Path) -> None:
    """Another picture under the same name, its entry file untouched: an entry's files are
    one group, known to change by the entry's digest and its images' files."""
    from PIL import Image

    image = sample.content / "mo-hinh/ha-noi/anh.png"
    Image.new("RGB", (600, 400), (200, 0, 0)).save(image)
    sample.entry("hn-cao", title="Cao nguyên", province="ha-noi", field="van-hoa-xa-hoi",
                 images=[{"src": "anh.png", "alt": "Ảnh", "credit": "Báo thử"}])
    assert sample.run("build") == 0
    Image.new("RGB", (600, 400), (0, 0, 200)).save(image)
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    with Image.open(sample.out / "mo-hinh/hn-cao/anh-480.webp") as published:
        assert published.convert("RGB").getpixel((10, 10))[2] > 150  # the blue one
    assert_same_as_clean_build(sample, tmp_path)


def test_a_site_rebuilt_from_the_cache_alone_is_a_clean_build(
    sample: Site, tmp_path: Path
) -> None:
    """site/ gone, the build cache kept: a new builder (as a new process) renders every page
    from the restored entries, whose bodies the cache keeps as UTF-8 until they are read."""
    sample.entry("hn-dung", title="Dũng cảm", province="ha-noi", field="van-hoa-xa-hoi",
                 body="## Cách làm\n\nĐoàn viên đỡ đầu từng hộ khó khăn.\n")
    assert sample.run("build") == 0
    shutil.rmtree(sample.out)
    builder, _ = rebuild(sample)
    assert builder.last_mode == "full"
    assert "Đoàn viên đỡ đầu từng hộ khó khăn." in sample.html("mo-hinh/hn-dung/")
    assert found_in_index(sample.out / "tim-kiem" / "chi-muc", "đỡ đầu") == {"mo-hinh/hn-dung/"}
    assert_same_as_clean_build(sample, tmp_path)


def test_theme_or_config_change_rebuilds_everything(sample: Site) -> None:
    """What every page depends on (here the config) makes the next build a full one."""
    assert sample.run("build") == 0
    sample.write_config(page_size=3)
    builder, _ = rebuild(sample)
    assert builder.last_mode == "full"
    assert not (sample.out / "tinh-thanh/ha-noi/trang/2").exists()


def test_failed_incremental_build_leaves_site_as_it_was(
    sample: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad edit stops the build before site/ is touched, and the next good one catches up."""
    assert sample.run("build") == 0
    before = sample.tree_digest()
    path = sample.content / "mo-hinh/nghe-an/ky-tuc-xa.md"
    edit(path, "province: nghe-an", "province: Nghệ Anh Hùng")
    assert sample.run("build") == 1
    assert "province" in capsys.readouterr().err
    assert sample.tree_digest() == before
    edit(path, "province: Nghệ Anh Hùng", "province: nghe-an")
    edit(path, "Tóm tắt của mô hình thử.", "Đã sửa.")
    builder, _ = rebuild(sample)
    assert builder.last_mode == "incremental"
    assert "Đã sửa." in sample.html("mo-hinh/ky-tuc-xa/")
