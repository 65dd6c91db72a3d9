"""`dvk new` as an editor meets it: a new entry file that checks, builds and never overwrites."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import Site
from generator.author.entryfile import _province_value, scalar
from generator.author.ids import derive_id, ids_in, unique_id
from generator.core.model import ID_MAX_LENGTH, ID_PATTERN
from generator.core.provinces import default_registry
from generator.core.text import slugify
from generator.load.frontmatter import parse_front_matter

REGISTRY = default_registry()
MODELINE = "# yaml-language-server: $schema=../../../schema/entry.schema.json"
REQUIRED = {
    "--title": "Ký túc xá vùng biên",
    "--province": "Nghệ An",
    "--field": "quoc-phong-an-ninh",
    "--kind": "tap-the",
    "--summary": "Bộ đội Biên phòng đón học sinh vùng biên ở bán trú.",
    "--source-title": "Phong trào Dân vận khéo ở Nghệ An",
    "--source-date": "2024-07-24",
}


def piped(text: str) -> io.TextIOWrapper:
    """A stdin reading ``text``, with the binary buffer MkDocs looks at."""
    return io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")


class Terminal(io.TextIOWrapper):
    """Typed answers, one per line, on a stdin that says it is a terminal."""

    def __init__(self, text: str) -> None:
        super().__init__(io.BytesIO(text.encode()), encoding="utf-8")

    def isatty(self) -> bool:
        return True


def new(site: Site, *extra: str, **flags: str) -> int:
    """Run `dvk new --no-input` with the required flags, ``flags`` overriding them."""
    given = {**REQUIRED, **{"--" + k.replace("_", "-"): v for k, v in flags.items()}}
    args = [item for flag, value in given.items() if value is not None for item in (flag, value)]
    return site.run("new", "--no-input", *args, *extra)


def front_matter(path: Path) -> dict[str, object]:
    """The front matter as the loader reads it (dates stay text)."""
    data = parse_front_matter(path.read_text(encoding="utf-8"), path.name).data
    assert isinstance(data, dict)
    return data


def visible_text(html: str) -> str:
    """What a reader sees: tags and HTML comments dropped, whitespace collapsed."""
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_flags_make_an_entry_that_checks_and_builds(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """All values as flags: the file lands at mo-hinh/<province>/<id>.md, checks and builds."""
    assert new(site, unit="Đồn Biên phòng Tam Quang", locality="xã Tam Quang",
               source_publisher="Báo Nghệ An", source_url="https://baonghean.vn/bai") == 0
    out = capsys.readouterr()
    path = site.content / "mo-hinh/nghe-an/ky-tuc-xa-vung-bien-nghe-an.md"
    assert out.out.strip() == str(path), "the created path, alone on stdout"
    assert "Đã tạo mô hình ky-tuc-xa-vung-bien-nghe-an" in out.err

    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"---\n{MODELINE}\nid: ky-tuc-xa-vung-bien-nghe-an  #")
    for heading in ("Bối cảnh", "Cách làm", "Kết quả", "Khả năng nhân rộng"):
        assert f"\n## {heading}\n\n<!-- " in text
    data = front_matter(path)
    assert list(data) == ["id", "title", "province", "locality", "field", "kind", "unit",
                          "summary", "sources"], "the schema's key order, no empty keys"
    assert data["sources"] == [{"title": REQUIRED["--source-title"], "publisher": "Báo Nghệ An",
                                "date": "2024-07-24", "url": "https://baonghean.vn/bai"}]
    assert "updated" not in text.split("\n---\n")[0], "no date the editor did not give"

    capsys.readouterr()
    assert site.run("check") == 0, "a fresh entry is valid"
    unfinished = capsys.readouterr().err
    assert unfinished.count("còn trống: viết nội dung theo gợi ý") == 4, "each section to write"
    assert site.run("check", "--strict") == 1, "but not finished"
    for heading in ("Bối cảnh", "Cách làm", "Kết quả", "Khả năng nhân rộng"):
        text = text.replace(f"\n## {heading}\n\n<!-- ",
                            f"\n## {heading}\n\nNội dung mục {heading}.\n\n<!-- ")
    path.write_text(text, encoding="utf-8")
    assert site.run("check", "--strict") == 0
    assert site.run("build", "--strict") == 0
    page = visible_text(site.html("mo-hinh/ky-tuc-xa-vung-bien-nghe-an/"))
    assert "Ký túc xá vùng biên" in page
    assert "Bộ đội Biên phòng đón học sinh vùng biên ở bán trú." in page
    assert "Vì sao có mô hình" not in page, "the hints stay out of what readers see"


def test_never_overwrites_an_existing_file(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second `dvk new` with the same --id exits 2, names the file and leaves it untouched."""
    assert new(site, id="ky-tuc-xa") == 0
    path = site.content / "mo-hinh/nghe-an/ky-tuc-xa.md"
    path.write_text(path.read_text(encoding="utf-8") + "Đã viết tay.\n", encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()

    assert new(site, id="ky-tuc-xa", title="Tên khác") == 2
    err = capsys.readouterr().err
    assert "content/mo-hinh/nghe-an/ky-tuc-xa.md: đã có tệp mang mã này; dvk new không bao " \
           "giờ ghi đè" in err
    assert "never overwrites" in err
    assert path.read_bytes() == before


def test_an_explicit_id_used_elsewhere_is_refused(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """--id naming another file's old id is refused before anything is written."""
    site.entry("mo-hinh-moi", redirect_from=["mo-hinh-cu"])
    assert new(site, id="mo-hinh-cu") == 2
    err = capsys.readouterr().err
    assert "content/mo-hinh/nghe-an/mo-hinh-moi.md: mã \"mo-hinh-cu\" đã được dùng" in err
    assert not (site.content / "mo-hinh/nghe-an/mo-hinh-cu.md").exists()


def test_a_used_id_gets_the_next_free_number(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A derived id already taken, as a file or as an old id, gets -2, -3…; check still passes."""
    assert new(site) == 0
    assert new(site) == 0
    folder = site.content / "mo-hinh/nghe-an"
    assert (folder / "ky-tuc-xa-vung-bien-nghe-an-2.md").is_file()
    assert ("mã ky-tuc-xa-vung-bien-nghe-an đã được dùng ở content/mo-hinh/nghe-an/"
            "ky-tuc-xa-vung-bien-nghe-an.md, nên dùng mã ky-tuc-xa-vung-bien-nghe-an-2"
            ) in capsys.readouterr().err
    site.entry("doi-ten", redirect_from=["ky-tuc-xa-vung-bien-nghe-an-3"])
    assert new(site) == 0
    assert front_matter(folder / "ky-tuc-xa-vung-bien-nghe-an-4.md")["id"] == \
        "ky-tuc-xa-vung-bien-nghe-an-4"
    assert site.run("check") == 0


def test_an_old_province_is_kept_and_filed_under_the_new_one(site: Site) -> None:
    """"Ha Nam" becomes province: Hà Nam, in the ninh-binh folder, with an id ending -ha-nam."""
    assert new(site, province="Ha Nam", title="Đường hoa") == 0
    path = site.content / "mo-hinh/ninh-binh/duong-hoa-ha-nam.md"
    assert front_matter(path)["province"] == "Hà Nam"
    assert "province: Hà Nam  # Ninh Bình (Hà Nam cũ)" in path.read_text(encoding="utf-8")
    assert site.run("check") == 0


def test_every_province_answer_is_written_so_it_reads_back_the_same() -> None:
    """An old unit sharing its merged unit's name is written with "(cũ)", or it would move."""
    for old in REGISTRY.old_units:
        for typed in (old.name, f"{old.name} (cũ)"):
            match = REGISTRY.resolve(typed)
            assert match is not None
            assert REGISTRY.resolve(_province_value(match, REGISTRY)) == match, typed


def test_titles_with_colons_and_quotes_round_trip(site: Site) -> None:
    """Values YAML would misread unquoted are quoted, and read back exactly."""
    title = 'Mô hình "Dân vận khéo": "3 không" # số 1'
    summary = "yes"
    assert new(site, title=title, summary=summary, unit="2024",
               source_title="[Bản tin] Đoàn kết: quân, dân") == 0
    [path] = (site.content / "mo-hinh/nghe-an").glob("*.md")
    data = front_matter(path)
    assert data["title"] == title
    assert data["summary"] == summary
    assert data["unit"] == "2024"
    assert data["sources"] == [{"title": "[Bản tin] Đoàn kết: quân, dân", "date": "2024-07-24"}]
    assert path.name == "mo-hinh-dan-van-kheo-3-khong-so-1-nghe-an.md"
    assert site.run("check") == 0


@pytest.mark.parametrize("text", [
    "yes", "No", "null", "~", "2024", "2024-07-24", "1e3", "0o17", ".inf", "- a", "? a", "a: b",
    "a #b", "#a", "'a'", '"a"', "a\\b", "[a]", "{a}", "&a", "*a", "!a", "%a", "@a", "`a", "|a",
    ">a", "Câu lạc bộ \"Tình nguyện\"", "đ: Đ", "a:", "a,b", "https://x.vn/a?b=c#d",
])
def test_a_scalar_reads_back_as_the_same_text(text: str) -> None:
    """``scalar`` output parses back to the same string, with or without a trailing comment."""
    assert yaml.safe_load(f"k: {scalar(text)}") == {"k": text}
    assert yaml.safe_load(f"k: {scalar(text)}  # chú thích") == {"k": text}


def test_a_long_summary_is_folded_and_reads_back_as_one_line(site: Site) -> None:
    """A summary longer than a line is written as a folded block, read back unchanged."""
    summary = " ".join(["Hội viên phụ nữ cùng bà con giữ đường làng xanh, sạch, đẹp."] * 6)
    assert new(site, summary=summary) == 0
    path = site.content / "mo-hinh/nghe-an/ky-tuc-xa-vung-bien-nghe-an.md"
    assert "summary: >-\n  Hội viên" in path.read_text(encoding="utf-8")
    assert front_matter(path)["summary"] == summary


@pytest.mark.parametrize(("title", "place", "expected"), [
    ("Ký túc xá vùng biên", "nghe-an", "ky-tuc-xa-vung-bien-nghe-an"),
    ("ĐOÀN KẾT quân dân ấm tình xứ Đạo", "nghe-an", "doan-ket-quan-dan-am-tinh-xu-dao-nghe-an"),
    ("Đường hoa Đồng Tháp", "dong-thap", "duong-hoa-dong-thap"),
    ("“Viên gạch nghĩa tình” — 2024!", "nghe-an", "vien-gach-nghia-tinh-2024-nghe-an"),
    ("!!!", "hue", "mo-hinh-hue"),
])
def test_ids_fold_diacritics_and_d_stroke(title: str, place: str, expected: str) -> None:
    """Ids are lowercase ASCII with hyphens: diacritics folded, đ/Đ to d, no repeated place."""
    assert derive_id(title, place) == expected


def test_ids_fit_the_length_limit_at_a_word_boundary() -> None:
    """A long title is cut between words; the place and the -N suffix are kept whole."""
    title = " ".join(["Dân vận khéo"] * 30)
    derived = derive_id(title, "ho-chi-minh")
    numbered = unique_id(title, "ho-chi-minh", {derived})
    assert numbered != derived
    for made, tail in ((derived, "-ho-chi-minh"), (numbered, "-ho-chi-minh-2")):
        assert len(made) <= ID_MAX_LENGTH
        assert re.fullmatch(ID_PATTERN, made)
        assert made.endswith(tail)
        head = made.removesuffix(tail)
        assert (slugify(title) + "-").startswith(head + "-"), "cut between two words"


def test_ids_in_reads_ids_and_old_ids_in_every_list_form() -> None:
    """Ids come from `id:` and from redirect_from in flow, block and unindented block form."""
    text = (
        "---\n# yaml-language-server: $schema=x\nid: 'mot'  # chú thích\n"
        "redirect_from: [hai, \"ba\"]\n---\nid: ngoai-phan-khai-bao\n"
    )
    assert ids_in(text) == ["mot", "hai", "ba"]
    block = "---\nid: mot\nredirect_from:\n  - hai\n- ba\ntitle: x\n  - khong\n---\n"
    assert ids_in(block) == ["mot", "hai", "ba"]


def test_questions_are_asked_on_a_terminal(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed answers make the entry; an unknown province is asked again with a suggestion."""
    answers = [
        "Viên gạch nghĩa tình",  # title
        "Atlantis",  # unknown, nothing close: asked again
        "Nghe Anh",  # unknown, close to Nghệ An: offered as the default
        "",  # Enter takes the suggestion
        "",  # locality skipped
        "Văn hóa - xã hội",  # field, by its label
        "cá nhân",  # kind, with diacritics
        "",  # unit skipped
        "Bài báo nguồn",  # source title
        "",  # publisher skipped
        "24/7/2024",  # a malformed date: asked again
        "2024-07-24",
        "",  # URL skipped
        "Người dân góp gạch xây nhà cho hộ khó khăn.",  # summary
    ]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(answers) + "\n"))
    assert site.run("new") == 0
    out = capsys.readouterr()
    assert "không rõ tỉnh, thành phố \"Atlantis\"" in out.err
    assert "không rõ tỉnh, thành phố \"Nghe Anh\"; có phải \"Nghệ An\"?" in out.err
    assert "(province) [Nghệ An]: " in out.out
    assert "ngày \"24/7/2024\" không hợp lệ; viết dạng YYYY-MM-DD" in out.err
    path = site.content / "mo-hinh/nghe-an/vien-gach-nghia-tinh-nghe-an.md"
    assert out.out.strip().endswith(str(path))
    data = front_matter(path)
    assert (data["province"], data["field"], data["kind"]) == (
        "nghe-an", "van-hoa-xa-hoi", "ca-nhan")
    assert "locality" not in data
    assert data["sources"] == [{"title": "Bài báo nguồn", "date": "2024-07-24"}]
    assert site.run("check") == 0


def test_flags_given_on_a_terminal_are_not_asked_again(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what the flags leave out is asked; input ending early writes nothing (exit 2)."""
    monkeypatch.setattr(sys, "stdin", Terminal("xã Tam Quang\n"))  # locality, then input ends
    assert site.run("new", "--title", "Ký túc xá", "--province", "nghe-an") == 2
    out = capsys.readouterr()
    assert "Tên mô hình" not in out.out and "(locality)" in out.out
    assert "đầu vào kết thúc trước khi trả lời xong" in out.err
    assert not (site.content / "mo-hinh").exists()


def test_missing_flags_without_input_exit_2_naming_each(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-input with required values missing: exit 2, every missing flag named, no file."""
    assert new(site, title=None, summary=None, source_date=None) == 2
    err = capsys.readouterr().err
    assert "--title: thiếu giá trị bắt buộc (missing required value)" in err
    assert "--summary: thiếu giá trị bắt buộc" in err
    assert "thiếu --source-date hoặc --started: mỗi mô hình cần một năm" in err
    assert not (site.content / "mo-hinh").exists()


def test_stdin_that_is_not_a_terminal_means_no_input(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped input is never read as answers: a script gets the --no-input errors."""
    monkeypatch.setattr(sys, "stdin", piped("Ký túc xá\n"))
    assert site.run("new", "--province", "nghe-an") == 2
    err = capsys.readouterr().err
    assert "--title: thiếu giá trị bắt buộc" in err
    assert "không có terminal nên dvk new không hỏi gì" in err, "and it says why it did not ask"


def test_invalid_flag_values_are_all_reported(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown province, field and kind, a bad date, URL and id: exit 2, each named."""
    assert new(site, province="Ha Noi x", field="nong-nghiep", kind="nhom",
               source_date="24/07/2024", source_url="baonghean.vn") == 2
    err = capsys.readouterr().err
    assert "--province: không rõ tỉnh, thành phố \"Ha Noi x\"; có phải \"Hà Nội\"?" in err
    assert "--field: không rõ lĩnh vực \"nong-nghiep\"; dùng một trong: kinh-te," in err
    assert "--kind: loại mô hình là tap-the (tập thể) hoặc ca-nhan (cá nhân)" in err
    assert "--source-date: ngày \"24/07/2024\" không hợp lệ" in err
    assert "--source-url: đường dẫn \"baonghean.vn\" không hợp lệ" in err
    assert "--started" not in err, "a malformed date is not also reported as a missing year"
    assert new(site, id="Ky Tuc Xa") == 2
    assert "--id: mã chỉ gồm chữ thường không dấu" in capsys.readouterr().err
    assert not (site.content / "mo-hinh").exists()


def test_a_field_of_one_province_is_refused_elsewhere(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field a province added cannot be used by another province's entry."""
    site.write_config(fields=[
        {"slug": "kinh-te", "label": "Kinh tế"},
        {"slug": "nong-thon-moi", "label": "Nông thôn mới", "provinces": ["nghe-an"]},
    ])
    assert new(site, province="ha-noi", field="Nông thôn mới") == 2
    assert "--field: lĩnh vực \"nong-thon-moi\" chỉ dùng cho nghe-an" in capsys.readouterr().err
    assert new(site, field="nong-thon-moi", started="2021", source_date=None) == 0
    path = site.content / "mo-hinh/nghe-an/ky-tuc-xa-vung-bien-nghe-an.md"
    assert front_matter(path)["started"] == 2021
    assert site.run("check") == 0
