"""`dvk check` and `dvk build` as an editor meets them: messages on stderr and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import REPO, Site, site_config
from generator.cli.main import main


def test_check_passes_on_good_content(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean catalogue exits 0 and says how many entries it checked."""
    site.entry("mo-hinh-mot")
    assert site.run("check") == 0
    assert "Đã kiểm tra 1 mô hình: không có lỗi" in capsys.readouterr().out


def test_three_broken_entries_give_three_located_errors_and_keep_site(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown province, duplicate id and bad YAML: three errors, exit 1, old site/ intact."""
    site.entry("ky-tuc-xa", title="Ký túc xá")
    assert site.run("build") == 0
    before = site.tree_digest()
    capsys.readouterr()

    site.entry("sai-tinh", province="Hà Nọi x", folder="ha-noi")
    site.entry("ky-tuc-xa", folder="ha-noi", province="ha-noi")
    site.raw("mo-hinh/nghe-an/hong.md", "---\nid: hong\ntitle: [Hỏng\n---\n")

    assert site.run("check") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        "content/mo-hinh/ha-noi/sai-tinh.md:4: province: tỉnh/thành không xác định \"Hà Nọi x\""
    )
    assert err[1].startswith("content/mo-hinh/nghe-an/hong.md:4: -: YAML không đọc được")
    assert err[2].startswith(
        "content/mo-hinh/nghe-an/ky-tuc-xa.md:2: id: mã \"ky-tuc-xa\" trùng với "
        "content/mo-hinh/ha-noi/ky-tuc-xa.md:2;"
    )
    assert all("(EN: " in line and line.endswith("[lỗi]") for line in err[:3])
    assert err[3] == "3 lỗi, 0 cảnh báo (3 errors, 0 warnings)"
    assert len(err) == 4

    assert site.run("build") == 1
    assert site.tree_digest() == before
    assert not list(site.root.glob(".site.*")), "no staging folder is left behind"


def test_build_writes_nothing_when_there_is_no_previous_site(site: Site) -> None:
    """A first build that fails leaves no site/ at all, not a partial one."""
    site.entry("hong", province="Atlantis")
    assert site.run("build") == 1
    assert not site.out.exists()


def test_warnings_fail_only_in_strict_mode(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A misplaced file is a warning: exit 0, but exit 1 under --strict."""
    site.entry("lac-cho", folder="ha-noi")  # province nghe-an, filed under ha-noi
    assert site.run("check") == 0
    assert "[cảnh báo]" in capsys.readouterr().err
    assert site.run("check", "--strict") == 1
    assert site.run("build", "--strict") == 1
    assert not site.out.exists()


def test_a_missing_config_is_a_usage_error(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """No config file: exit 2 with a message naming it."""
    assert main(["check", "--config", f"{tmp_path}/nope.yml"]) == 2
    err = capsys.readouterr().err
    assert "nope.yml: không tìm thấy tệp cấu hình (config file not found)" in err


def test_an_invalid_plugin_option_is_a_config_error(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """page_size: 0 is refused at load time with exit 2, naming the option."""
    site.write_config(page_size=0)
    assert site.run("check") == 2
    err = capsys.readouterr().err
    assert "cấu hình không hợp lệ (invalid config)" in err
    assert "page_size" in err


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's usage errors map to exit 2, and main() returns instead of exiting."""
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_province_may_add_its_own_field(site: Site) -> None:
    """A field scoped to a province is usable there and refused elsewhere."""
    fields = [
        {"slug": "kinh-te", "label": "Kinh tế"},
        {"slug": "xay-dung-nong-thon-moi", "label": "Xây dựng nông thôn mới",
         "provinces": ["nghe-an"]},
    ]
    site.write_config(fields=fields)
    site.entry("nong-thon", field="xay-dung-nong-thon-moi")
    assert site.run("build") == 0
    assert "Xây dựng nông thôn mới" in site.html("linh-vuc/xay-dung-nong-thon-moi/")
    site.entry("o-ha-noi", field="xay-dung-nong-thon-moi", province="ha-noi")
    assert site.run("check") == 1


def test_a_killed_builds_staging_folder_is_swept(site: Site) -> None:
    """A staging folder whose build process is gone is removed by the next build."""
    site.entry("mot")
    abandoned = site.root / ".site.building-999999999"
    (abandoned / "mo-hinh").mkdir(parents=True)
    assert site.run("build") == 0
    assert not abandoned.exists()
    assert (site.out / "mo-hinh/mot/index.html").is_file()


def test_a_broken_theme_template_is_a_clear_error(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A template naming a missing template fails with a message, not a traceback.

    The broken one is a site's own override (in custom_dir) of the plugin's
    entry template, which the theme's folder takes over from the package's.
    """
    import shutil

    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    (theme / "dvk").mkdir()
    (theme / "dvk" / "entry.html").write_text('{% extends "khong-co.html" %}', "utf-8")
    config = site_config()
    config["theme"]["custom_dir"] = str(theme)
    site.config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site.entry("mot")
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "lỗi mẫu giao diện (theme template error): 'khong-co.html' not found" in err
    assert "Traceback" not in err
    assert not site.out.exists()


def test_a_rebuild_with_nothing_changed_does_nothing(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same inputs, same site/: the rebuild says so, keeps site/ and repeats the warnings."""
    site.entry("lac-cho", folder="ha-noi")  # a warning: filed under the wrong province
    assert site.run("build") == 0
    before = site.tree_digest()
    capsys.readouterr()
    assert site.run("build") == 0
    out = capsys.readouterr()
    assert "Không có gì thay đổi" in out.out
    assert "[cảnh báo]" in out.err
    assert site.tree_digest() == before


@pytest.mark.parametrize("change", ["edit", "new-file", "delete-site", "clean", "theme"])
def test_any_change_rebuilds(site: Site, tmp_path: Path, change: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """An edited or added entry, a missing site/, --clean or a theme edit: a real build."""
    import shutil

    path = site.entry("mot", title="Tên cũ")
    assert site.run("build") == 0
    args = ["build"]
    if change == "edit":
        path.write_text(path.read_text(encoding="utf-8").replace("Tên cũ", "Tên mới"), "utf-8")
    elif change == "new-file":
        site.entry("hai")
    elif change == "delete-site":
        shutil.rmtree(site.out)
    elif change == "clean":
        args.append("--clean")
    elif change == "theme":
        theme = tmp_path / "theme"
        shutil.copytree(REPO / "theme", theme)
        config = site_config()
        config["theme"]["custom_dir"] = str(theme)
        site.config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        assert site.run("build") == 0
        main = theme / "main.html"
        main.write_text(main.read_text("utf-8") + "{# an edit #}\n", "utf-8")
    capsys.readouterr()
    assert site.run(*args) == 0
    assert "Đã dựng" in capsys.readouterr().out
    if change == "edit":
        assert "<h1>Tên mới</h1>" in site.html("mo-hinh/mot/")
    if change == "new-file":
        assert (site.out / "mo-hinh/hai/index.html").is_file()
