"""Entry images: only JPEG, PNG and WebP; published upright, resized, without metadata, cached."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import ExifTags, Image, ImageCms

from conftest import Site
from generator.build.builder import Builder, Loaded
from generator.core.errors import ContentErrors
from generator.load import images
from generator.publish import renditions

FOLDER = "mo-hinh/nghe-an"
ENTRY = "co-anh"
RED = (220, 20, 20)


def colour_for(text: str) -> tuple[int, int, int]:
    """A colour of its own for each test: the build cache is shared by the whole session."""
    digest = hashlib.sha256(text.encode()).digest()
    return (digest[0], digest[1], digest[2])


def photo(size: tuple[int, int], colour: tuple[int, int, int]) -> Image.Image:
    """A plain picture with a red block in its stored top-left corner, to see where it ends up."""
    picture = Image.new("RGB", size, colour)
    picture.paste(RED, (0, 0, max(1, size[0] // 5), max(1, size[1] // 5)))
    return picture


def encoded(picture: Image.Image, form: str, **options: Any) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=form, **options)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says ``width``×``height``, with almost no pixels behind it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))


def with_image(site: Site, name: str, data: bytes, **entry: Any) -> Path:
    """An entry next to an image file ``name`` holding ``data``; return the entry file."""
    folder = site.content / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    fields = {"images": [{"src": name, "alt": "Nhà văn hóa thôn", "credit": "Báo thử"}], **entry}
    return site.entry(ENTRY, **fields)


def src_line(entry_file: Path, name: str) -> int:
    """The line of the entry file that names the image ``name``."""
    lines = entry_file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if f"src: {name}" in line)


def located(entry_file: Path, name: str, problem: images.ImageProblem) -> str:
    """The message a problem with the image ``name`` is reported with."""
    shown = f"content/{FOLDER}/{entry_file.name}"
    return (f"{shown}:{src_line(entry_file, name)}: images[0].src: "
            f"{problem.vi} (EN: {problem.en})")


def published(site: Site) -> dict[str, bytes]:
    """The entry's published image files, by name."""
    folder = site.out / "mo-hinh" / ENTRY
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix in {".webp", ".jpg"}}


class Pictures(HTMLParser):
    """The attributes of every <picture>'s <source> and <img>."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.found: list[dict[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "picture":
            self.inside = True
            self.found.append({})
        elif self.inside and tag in {"source", "img"}:
            self.found[-1][tag] = {k: v or "" for k, v in attrs}

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self.inside = False


def pictures(html: str) -> list[dict[str, dict[str, str]]]:
    parser = Pictures()
    parser.feed(html)
    return parser.found


def srcset(value: str) -> dict[str, int]:
    """File -> width descriptor, from a srcset attribute."""
    pairs = (item.split() for item in value.split(","))
    return {url: int(width.removesuffix("w")) for url, width in pairs}


@pytest.fixture
def processed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The source of every image processed from now on (the call is counted, then made)."""
    calls: list[Path] = []
    original = renditions.process

    def counting(path: Path, name: str, widths: Sequence[int], out: Path) -> None:
        calls.append(path)
        original(path, name, widths, out)

    monkeypatch.setattr(renditions, "process", counting)
    return calls


def build_elsewhere(site: Site, folder: Path) -> Builder:
    """Build the same content and cache into another site folder, from scratch."""
    config = yaml.safe_load(site.config.read_text(encoding="utf-8"))
    config["docs_dir"] = str(site.content)
    config["site_dir"] = str(folder)
    other = folder.with_suffix(".yml")
    other.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    builder = Builder(other)
    assert isinstance(builder.build(), Loaded)
    return builder


def test_published_images_carry_no_metadata_and_stand_upright(site: Site) -> None:
    """GPS and the rest of EXIF, XMP, the ICC profile, comments: all gone; the EXIF turn is made."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored on its side: turn 90° clockwise to view
    exif[ExifTags.Base.Model] = "Dien thoai thu"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 50.0, 0.0)}
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Tac gia</dc:creator></x:xmpmeta>'
    source = encoded(photo((200, 100), colour_for("metadata")), "JPEG", exif=exif,
                     icc_profile=profile, xmp=xmp, comment=b"Ghi chu trong anh", quality=95)
    with Image.open(io.BytesIO(source)) as original:  # the source does carry all of it
        assert ExifTags.IFD.GPSInfo in original.getexif()
        assert {"exif", "xmp", "icc_profile", "comment"} <= set(original.info)
    with_image(site, "anh-gps.jpg", source)
    assert site.run("build") == 0

    files = published(site)
    assert sorted(files) == ["anh-gps-100.jpg", "anh-gps-100.webp"]
    for name, data in files.items():
        for marker in (b"Exif", b"GPS", b"Dien thoai", b"xmpmeta", b"Ghi chu", b"ICC_PROFILE",
                       b"ICCP"):
            assert marker not in data, (name, marker)
        with Image.open(io.BytesIO(data)) as image:
            assert len(image.getexif()) == 0, name
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), name
            assert image.size == (100, 200), name  # upright: 100 wide, 200 high
            corner = image.convert("RGB").getpixel((95, 5))  # the stored top-left, turned
            assert isinstance(corner, tuple)
            assert corner[0] > 180 and corner[1] < 80, (name, corner)
    html = site.html(f"mo-hinh/{ENTRY}/")
    assert pictures(html)[0]["img"]["width"] == "100"
    assert pictures(html)[0]["img"]["height"] == "200"


def test_the_original_file_is_not_published(site: Site) -> None:
    """Neither the original's name nor its bytes are anywhere in site/: it may carry GPS."""
    source = encoded(photo((640, 480), colour_for("original")), "JPEG")
    with_image(site, "anh-goc.jpg", source)
    assert site.run("build") == 0
    everything = [p for p in site.out.rglob("*") if p.is_file()]
    assert [p for p in everything if p.name == "anh-goc.jpg"] == []
    assert [p for p in everything if p.read_bytes() == source] == []
    assert not (site.out / FOLDER).exists()


def test_entry_page_offers_every_width_as_webp_and_jpeg(site: Site) -> None:
    """<picture>: a WebP source and a JPEG img with srcset, sizes, width/height, lazy loading."""
    with_image(site, "Ảnh Lớn.png", encoded(photo((2000, 1000), colour_for("widths")), "PNG"))
    assert site.run("build") == 0
    html = site.html(f"mo-hinh/{ENTRY}/")
    [picture] = pictures(html)
    source, img = picture["source"], picture["img"]
    assert source["type"] == "image/webp"
    webp, jpeg = srcset(source["srcset"]), srcset(img["srcset"])
    assert sorted(webp.values()) == sorted(jpeg.values()) == list(images.WIDTHS)
    assert source["sizes"] == img["sizes"] != ""
    assert (img["width"], img["height"]) == ("1600", "800")
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["alt"] == "Nhà văn hóa thôn"
    assert img["src"] in jpeg
    folder = site.out / "mo-hinh" / ENTRY
    for files, form in ((webp, "WEBP"), (jpeg, "JPEG")):
        for url, width in files.items():
            with Image.open(folder / url) as image:
                assert image.format == form
                assert image.size == (width, width // 2)
    figure = html[html.index("<figure"):html.index("</figure>")]
    assert "Ảnh: Báo thử" in figure and "<figcaption>" in figure


def test_sizes_never_exceed_the_original(site: Site) -> None:
    """A 1200-pixel image gets 480 and 960 only; one narrower than 480 keeps its own width."""
    colour = colour_for("small")
    folder = site.content / FOLDER
    folder.mkdir(parents=True)
    (folder / "anh.jpg").write_bytes(encoded(photo((1200, 600), colour), "JPEG"))
    (folder / "anh.png").write_bytes(encoded(photo((300, 200), colour), "PNG"))
    site.entry(ENTRY, images=[{"src": "anh.jpg", "alt": "Một", "credit": "Báo thử"},
                              {"src": "anh.png", "alt": "Hai", "credit": "Báo thử"}])
    assert site.run("build") == 0
    assert sorted(published(site)) == ["anh-2-300.jpg", "anh-2-300.webp", "anh-480.jpg",
                                       "anh-480.webp", "anh-960.jpg", "anh-960.webp"]
    first, second = pictures(site.html(f"mo-hinh/{ENTRY}/"))
    assert (first["img"]["width"], first["img"]["height"]) == ("960", "480")
    assert (second["img"]["width"], second["img"]["height"]) == ("300", "200")


def test_transparent_png_keeps_alpha_in_webp_and_sits_on_white_in_jpeg(site: Site) -> None:
    """JPEG has no transparency: the fallback shows transparent parts as the page's white."""
    picture = photo((600, 300), colour_for("alpha")).convert("RGBA")
    picture.paste((0, 0, 0, 0), (300, 0, 600, 300))  # the right half is see-through
    with_image(site, "trong-suot.png", encoded(picture, "PNG"))
    assert site.run("build") == 0
    folder = site.out / "mo-hinh" / ENTRY
    with Image.open(folder / "trong-suot-480.webp") as webp:
        assert webp.mode == "RGBA"
        pixel = webp.getpixel((400, 100))
        assert isinstance(pixel, tuple)
        assert pixel[3] == 0
    with Image.open(folder / "trong-suot-480.jpg") as jpeg:
        assert jpeg.mode == "RGB"
        pixel = jpeg.getpixel((400, 100))
        assert isinstance(pixel, tuple)
        assert min(pixel) > 245


def _gif() -> bytes:
    return encoded(photo((40, 30), (10, 120, 10)), "GIF")


def _text() -> bytes:
    return "Đây không phải là ảnh.\n".encode()


def _svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def _heic() -> bytes:
    return b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64


def _cut_header() -> bytes:
    return encoded(photo((400, 300), (1, 2, 3)), "JPEG")[:40]


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("anh.gif", _gif, lambda name: images._unsupported(name, "GIF")),
        ("anh-gif.jpg", _gif, lambda name: images._unsupported(name, "GIF")),
        ("ghi-chu.jpg", _text, images.unreadable),
        ("logo.svg", _svg, images.unreadable),
        ("iphone.heic", _heic, images.unreadable),
        ("cut.jpg", _cut_header, images.unreadable),
    ],
    ids=["gif", "gif-named-jpg", "text-named-jpg", "svg", "heic", "truncated-header"],
)
def test_only_jpeg_png_and_webp_are_accepted(
    site: Site, capsys: pytest.CaptureFixture[str], name: str, make: Callable[[], bytes],
    expected: Callable[[str], images.ImageProblem],
) -> None:
    """Anything else is an error at the image's src line, naming the fix."""
    entry_file = with_image(site, name, make())
    assert site.run("check") == 1
    assert located(entry_file, name, expected(name)) in capsys.readouterr().err


def test_the_format_is_read_from_the_content_not_the_name(site: Site) -> None:
    """A PNG named .jpg is a PNG: accepted, and published like any other."""
    with_image(site, "that-ra-la-png.jpg", encoded(photo((500, 250), colour_for("named")), "PNG"))
    assert site.run("build") == 0
    assert sorted(published(site)) == ["that-ra-la-png-480.jpg", "that-ra-la-png-480.webp"]


def test_the_messages_name_the_fix() -> None:
    """What an editor reads: the format found and the formats to export to, in both languages."""
    problem = images._unsupported("anh.gif", "GIF")
    assert problem.vi == ("ảnh \"anh.gif\" có định dạng GIF, không được hỗ trợ; "
                          "hãy xuất lại ảnh dạng JPEG, PNG hoặc WebP")
    assert problem.en == ("image \"anh.gif\" is in GIF format, which is not supported; "
                          "export it again as JPEG, PNG or WebP")


@pytest.mark.parametrize(("width", "height", "size_known"),
                         [(8000, 8000, True), (20000, 20000, False)],
                         ids=["over-our-limit", "over-pillows-limit"])
def test_a_decompression_bomb_is_refused_from_its_header(
    site: Site, capsys: pytest.CaptureFixture[str], width: int, height: int, size_known: bool,
) -> None:
    """A tiny file claiming billions of pixels is an error in check, and leaves site/ untouched."""
    good = encoded(photo((300, 200), colour_for("bomb")), "PNG")
    with_image(site, "bom.png", good)
    assert site.run("build") == 0
    before = site.tree_digest()

    entry_file = with_image(site, "bom.png", png_header_claiming(width, height))
    assert site.run("check") == 1
    expected = images._too_many_pixels("bom.png", (width, height) if size_known else None)
    assert located(entry_file, "bom.png", expected) in capsys.readouterr().err
    assert site.run("build") == 1
    assert site.tree_digest() == before


def test_a_bomb_is_refused_under_a_lower_limit_too(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The limit is one constant: lowered, an ordinary image over it is refused with its size."""
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    entry_file = with_image(site, "lon.jpg", encoded(photo((200, 100), (9, 9, 9)), "JPEG"))
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert located(entry_file, "lon.jpg", images._too_many_pixels("lon.jpg", (200, 100))) in err
    assert "(200×100 điểm ảnh)" in err and "(200×100 pixels)" in err


def test_an_oversize_file_is_refused_with_its_size(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the byte limit is an error naming the file's size and the limit."""
    monkeypatch.setattr(images, "MAX_BYTES", 200 * 1024)
    data = encoded(Image.effect_noise((800, 800), 60).convert("RGB"), "JPEG", quality=100)
    assert len(data) > images.MAX_BYTES
    entry_file = with_image(site, "nang.jpg", data)
    assert site.run("check") == 1
    err = capsys.readouterr().err
    assert located(entry_file, "nang.jpg", images._too_heavy("nang.jpg", len(data))) in err
    megabytes = f"{len(data) / (1024 * 1024):.1f}"
    assert f"nặng {megabytes.replace('.', ',')} MB, quá giới hạn 0,2 MB" in err
    assert f"is {megabytes} MB, over the 0.2 MB limit" in err


def test_damaged_pixels_behind_a_sound_header_fail_the_build_at_the_src_line(
    site: Site, capsys: pytest.CaptureFixture[str],
) -> None:
    """check reads headers only; the build decodes, and reports the file where check would."""
    good = encoded(photo((300, 200), colour_for("damaged")), "JPEG")
    with_image(site, "hong.jpg", good)
    assert site.run("build") == 0
    before = site.tree_digest()

    whole = encoded(Image.effect_noise((900, 600), 60).convert("RGB"), "JPEG", quality=95)
    entry_file = with_image(site, "hong.jpg", whole[: len(whole) // 2])
    assert site.run("check") == 0
    capsys.readouterr()
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert located(entry_file, "hong.jpg", images.unreadable("hong.jpg")) in err
    assert site.tree_digest() == before


@pytest.mark.parametrize("key", ["alt", "credit"])
def test_alt_text_and_credit_are_required(
    site: Site, capsys: pytest.CaptureFixture[str], key: str,
) -> None:
    """A missing alt or credit is an error at the image's item, saying which line to add."""
    (site.content / FOLDER).mkdir(parents=True)
    (site.content / FOLDER / "anh.jpg").write_bytes(encoded(photo((50, 50), (1, 1, 1)), "JPEG"))
    image = {"src": "anh.jpg", "alt": "Mô tả", "credit": "Báo thử"}
    del image[key]
    entry_file = site.entry(ENTRY, images=[image])
    assert site.run("check") == 1
    err = capsys.readouterr().err
    line = src_line(entry_file, "anh.jpg")
    assert f"content/{FOLDER}/{ENTRY}.md:{line}: images[0].{key}: ảnh thiếu " in err
    assert f"thêm dòng `{key}: …` vào mục ảnh này" in err


def test_check_does_not_process_images(site: Site, processed: list[Path]) -> None:
    """dvk check reads headers only: over 50,000 entries it must stay fast."""
    with_image(site, "anh.jpg", encoded(photo((2000, 1500), colour_for("check")), "JPEG"))
    assert site.run("check") == 0
    assert processed == []


def test_an_unchanged_image_is_processed_once(
    site: Site, processed: list[Path], tmp_path: Path,
) -> None:
    """Rebuilding (after an edit to the entry) or building another site folder reuses the cache."""
    entry_file = with_image(site, "mot-lan.jpg",
                            encoded(photo((1000, 700), colour_for("once")), "JPEG"))
    assert site.run("build") == 0
    assert len(processed) == 1
    first = published(site)

    text = entry_file.read_text(encoding="utf-8")
    entry_file.write_text(text.replace("Tóm tắt của mô hình thử.", "Tóm tắt đã sửa."),
                          encoding="utf-8")
    builder = Builder(site.config)
    assert isinstance(builder.build(), Loaded)
    assert builder.last_mode == "incremental"
    assert "Tóm tắt đã sửa." in site.html(f"mo-hinh/{ENTRY}/")
    assert published(site) == first
    assert len(processed) == 1

    elsewhere = build_elsewhere(site, tmp_path / "another-site")
    assert elsewhere.last_mode == "full"
    assert {p.name: p.read_bytes() for p in (tmp_path / "another-site/mo-hinh" / ENTRY).iterdir()
            if p.suffix in {".webp", ".jpg"}} == first
    assert len(processed) == 1


def test_an_edited_image_is_processed_again_and_republished(
    site: Site, processed: list[Path], tmp_path: Path,
) -> None:
    """Same name, new picture (another shape too): new files, and the page's box follows."""
    with_image(site, "doi.jpg", encoded(photo((1000, 500), colour_for("before")), "JPEG"))
    assert site.run("build") == 0
    first = published(site)

    picture = site.content / FOLDER / "doi.jpg"
    picture.write_bytes(encoded(photo((1000, 1000), colour_for("after")), "JPEG"))
    builder = Builder(site.config)
    assert isinstance(builder.build(), Loaded)
    assert builder.last_mode == "incremental"
    assert len(processed) == 2
    now = published(site)
    assert sorted(now) == sorted(first) == ["doi-480.jpg", "doi-480.webp", "doi-960.jpg",
                                            "doi-960.webp"]
    assert all(now[name] != first[name] for name in now)
    with Image.open(io.BytesIO(now["doi-960.jpg"])) as image:
        assert image.size == (960, 960)
    img = pictures(site.html(f"mo-hinh/{ENTRY}/"))[0]["img"]
    assert (img["width"], img["height"]) == ("960", "960")

    build_elsewhere(site, tmp_path / "clean")  # what a clean build makes: the same files
    clean = tmp_path / "clean/mo-hinh" / ENTRY
    assert {name: (clean / name).read_bytes() for name in now} == now
    assert (clean / "index.html").read_text(encoding="utf-8") == site.html(f"mo-hinh/{ENTRY}/")


def test_renditions_are_cached_by_content_not_by_name(
    tmp_path: Path, processed: list[Path],
) -> None:
    """Two files with the same bytes share one cache folder; another file gets its own."""
    data = encoded(photo((600, 300), colour_for("shared")), "JPEG")
    one, two, other = tmp_path / "a.jpg", tmp_path / "b.jpg", tmp_path / "c.jpg"
    one.write_bytes(data)
    two.write_bytes(data)
    other.write_bytes(encoded(photo((600, 300), colour_for("other")), "JPEG"))
    cache = tmp_path / "cache"
    first = renditions.renditions(one, "a.jpg", (480,), cache)
    assert renditions.renditions(two, "b.jpg", (480,), cache) == first
    assert renditions.renditions(other, "c.jpg", (480,), cache) != first
    assert len(processed) == 2
    assert sorted(p.name for p in first.iterdir()) == ["480.jpg", "480.webp"]


def test_a_long_lived_builder_sees_a_replaced_image(site: Site) -> None:
    """dvk serve keeps entries between rebuilds: a new picture under the old name still counts."""
    with_image(site, "doi.jpg", encoded(photo((1000, 500), colour_for("serve-a")), "JPEG"))
    builder = Builder(site.config)  # one builder across edits, as dvk serve keeps it
    assert isinstance(builder.build(), Loaded)
    img = pictures(site.html(f"mo-hinh/{ENTRY}/"))[0]["img"]
    assert (img["width"], img["height"]) == ("960", "480")

    picture = site.content / FOLDER / "doi.jpg"
    picture.write_bytes(encoded(photo((1000, 1000), colour_for("serve-b")), "JPEG"))
    assert isinstance(builder.build(), Loaded)
    img = pictures(site.html(f"mo-hinh/{ENTRY}/"))[0]["img"]
    assert (img["width"], img["height"]) == ("960", "960")

    picture.write_text("không còn là ảnh", encoding="utf-8")
    with pytest.raises(ContentErrors):
        builder.build()
