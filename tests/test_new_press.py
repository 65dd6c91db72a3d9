"""`dvk new --press` as an editor meets it: a press record that checks, builds, and shows on
the model's page; located answers when a value is wrong; never a file written over."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
import yaml
from test_new import Terminal

from conftest import TEST_CONTEST, Site

ARTICLE = {
    "--title": 'Nghệ An: "Ký túc xá vùng biên" giúp học sinh đến trường',
    "--date": "2024-07-24",
    "--model": "ky-tuc-xa",
}


@pytest.fixture
def models(site: Site) -> Site:
    """Two entries, one with an old id."""
    site.write_config(contests=[TEST_CONTEST])
    site.entry("ky-tuc-xa", title="Ký túc xá vùng biên", redirect_from=["ky-tuc-xa-cu"])
    site.entry("vien-gach", title="Viên gạch nghĩa tình")
    return site


def new_press(site: Site, *extra: str, **flags: str | None) -> int:
    """`dvk new --press --no-input` with the article's flags, ``flags`` overriding them."""
    given = {**ARTICLE, **{"--" + k.replace("_", "-"): v for k, v in flags.items()}}
    args = [item for flag, value in given.items() if value is not None for item in (flag, value)]
    return site.run("new", "--press", "--no-input", *args, *extra)


def test_flags_make_a_record_that_checks_and_shows_on_the_models_page(
    models: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new_press(models, "--model", "vien-gach", outlet="Báo Nghệ An", author="NPV",
                     url="https://baonghean.vn/ky-tuc-xa", contest=TEST_CONTEST["slug"]) == 0
    out = capsys.readouterr()
    name = "2024-07-24-nghe-an-ky-tuc-xa-vung-bien-giup-hoc-sinh-den-truong.yml"
    path = models.content / "bao-chi" / name
    assert out.out.strip().endswith(str(path))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/press.schema.json\n")
    assert yaml.safe_load(text) == {
        "title": ARTICLE["--title"], "outlet": "Báo Nghệ An", "author": "NPV",
        "date": dt.date(2024, 7, 24), "url": "https://baonghean.vn/ky-tuc-xa", "language": "vi",
        "models": ["ky-tuc-xa", "vien-gach"], "contest": TEST_CONTEST["slug"]}
    assert models.run("check") == 0
    assert "Đã kiểm tra 2 mô hình và 1 bài báo: không có lỗi" in capsys.readouterr().out
    assert models.run("build", "--strict") == 0
    page = models.html("mo-hinh/vien-gach/")
    assert "Báo chí viết về mô hình này" in page and "Ký túc xá vùng biên" in page


def test_what_the_article_does_not_give_is_written_as_null(models: Site) -> None:
    """outlet and url are required keys: left out, they are written `null`, and check."""
    assert new_press(models, "--model", "ky-tuc-xa-cu") == 0
    path = next((models.content / "bao-chi").glob("*.yml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["outlet"] is None and data["url"] is None
    assert "author" not in data and "contest" not in data
    # The old id is written as the model's id today, and named once.
    assert data["models"] == ["ky-tuc-xa"]
    assert models.run("check", "--strict") == 0


def test_every_wrong_value_is_reported_with_its_flag(
    models: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, nothing written, each wrong flag named with why and the nearest model id."""
    code = new_press(models, date="2099-01-01", model="ky-tuc", language="tiếng Việt",
                     url="baonghean.vn/x", contest="giai-khac")
    err = capsys.readouterr().err
    assert code == 2
    assert not (models.content / "bao-chi").exists()
    lines = err.splitlines()
    assert lines[0] == "dvk: không tạo được bài báo (cannot create the press record):"
    flags = [line.split(":", 1)[0].strip() for line in lines[1:]]
    assert flags == ["--date", "--url", "--language", "--model", "--contest"]
    assert 'không có mô hình mã "ky-tuc"; có phải "ky-tuc-xa"?' in err
    assert "ngày đăng 2099-01-01 nằm ở tương lai" in err
    assert 'cuộc thi "giai-khac" chưa được khai báo trong site_config.yml' in err


def test_flags_of_the_other_kind_are_refused(
    models: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new_press(models, "--province", "nghe-an") == 2
    assert "--province: chỉ dùng cho mô hình" in capsys.readouterr().err
    assert models.run("new", "--no-input", "--outlet", "Báo Nghệ An") == 2
    assert "--outlet: chỉ dùng cho bài báo (--press)" in capsys.readouterr().err


def test_never_overwrites_and_numbers_a_second_article_of_the_same_day(models: Site) -> None:
    assert new_press(models) == 0
    assert new_press(models) == 0
    names = sorted(p.name for p in (models.content / "bao-chi").glob("*.yml"))
    assert names == ["2024-07-24-nghe-an-ky-tuc-xa-vung-bien-giup-hoc-sinh-den-truong-2.yml",
                     "2024-07-24-nghe-an-ky-tuc-xa-vung-bien-giup-hoc-sinh-den-truong.yml"]
    assert new_press(models, "--id", names[1].removesuffix(".yml")) == 2
    assert new_press(models, "--id", "Bài Báo") == 2  # an id as dvk check wants it, or none


def test_a_malformed_id_is_refused_naming_its_flag(
    models: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new_press(models, "--id", "Bài Báo") == 2
    assert capsys.readouterr().err.startswith("dvk: --id: mã chỉ gồm chữ thường không dấu")
    assert not (models.content / "bao-chi").exists()


def test_questions_are_asked_on_a_terminal(
    models: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed answers make the record; an unknown model id is offered its nearest id."""
    answers = [
        "Viên gạch nghĩa tình ở Tân Kỳ",  # title
        "",  # outlet skipped
        "",  # author skipped
        "2024-07-24",
        "",  # url skipped
        "vien-gac",  # a typo: asked again, the nearest id offered
        "",  # Enter takes it
        "",  # no contest
        "",  # no archived copy
    ]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(answers) + "\n"))
    assert models.run("new", "--press") == 0
    out = capsys.readouterr()
    assert 'không có mô hình mã "vien-gac"; có phải "vien-gach"?' in out.err
    assert "(models) [vien-gach]: " in out.out
    path = next((models.content / "bao-chi").glob("*.yml"))
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["models"] == ["vien-gach"]
    assert models.run("check") == 0
