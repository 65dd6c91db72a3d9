"""Entry images: checked from their header when an entry loads, published as sized WebP and JPEG.

Checking reads only what ``Image.open`` reads, the header (format, size, EXIF
orientation), because ``dvk check`` runs over 50,000 entries: the pixels are
decoded only when the image is published. So a file whose header is sound but
whose pixels are damaged is reported by the build, at the same line.

Publishing decodes the image once, turns it upright by its EXIF orientation,
converts its colours to sRGB, and writes every width of ``WIDTHS`` that is not
wider than the original (or the original width, when it is narrower than them
all) as WebP, with a JPEG for browsers without WebP. Nothing of the source's
metadata is written: no EXIF (a phone photo carries the GPS position where it
was taken), no XMP, no comment, no ICC profile (the pixels are in sRGB, which
browsers assume). The original file is never published.

The renditions are cached by a digest of the source's bytes and of these
settings, so an image is processed once, whatever the site folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath

import PIL
from PIL import ExifTags, Image, ImageCms, ImageOps

from generator.core.errors import ImageProblem
from generator.core.text import slugify

ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
"""Pillow's name of each format published from -> the name editors know.

MPO is what Pillow calls a JPEG that carries extra pictures (phones store depth
maps so); it is a JPEG to every browser and opens as its first picture.
"""
MAX_BYTES = 15 * 1024 * 1024
"""A larger file is a camera original or a scan: far beyond what a 1600-pixel page image needs."""
MAX_PIXELS = 50_000_000
"""Decoding costs 3-4 bytes a pixel; below Pillow's own bomb warning (89 million)."""
WIDTHS = (480, 960, 1600)
"""Published widths: a phone at 1x and 2x, and a wide screen at 2x."""
WEBP_MAX_SIDE = 16383
"""The WebP format cannot hold a longer side."""
WEBP_QUALITY = 80
JPEG_QUALITY = 82
FLATTEN_ONTO = (255, 255, 255)
"""JPEG has no transparency: transparent parts show the page's white."""
EXTENSIONS = ("webp", "jpg")
PIPELINE = "2"
"""Bump when the processing changes, so cached renditions are made again."""
SETTINGS = (f"{PIPELINE}|{PIL.__version__}|{WIDTHS}|{WEBP_QUALITY}|{JPEG_QUALITY}|"
            f"{FLATTEN_ONTO}")
"""Everything besides the source's bytes that the renditions depend on."""
DEFAULT_STEM = "anh"
"""For a file name with nothing left once made ASCII."""
TURNED = frozenset({5, 6, 7, 8})
"""EXIF orientations that swap width and height."""


@dataclass(frozen=True, slots=True)
class Header:
    """What an image file's header tells, read without decoding the pixels."""

    format: str
    """Pillow's name of the format (a key of ``ACCEPTED``)."""
    width: int
    height: int
    """The upright size: after the EXIF orientation is applied."""
    orientation: int
    """The EXIF orientation the publishing applies (1: none)."""


def _megabytes(size: int) -> tuple[str, str]:
    value = f"{size / (1024 * 1024):.1f}"
    return value.replace(".", ","), value


def _not_found(name: str) -> ImageProblem:
    return ImageProblem(
        "image-not-found",
        f"không tìm thấy tệp ảnh \"{name}\" cạnh tệp mô hình; "
        "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường)",
        f"image file \"{name}\" not found next to the entry; "
        "check the name (it is case-sensitive)",
    )


def _unreadable(name: str) -> ImageProblem:
    return ImageProblem(
        "image-unreadable",
        f"tệp \"{name}\" không đọc được như ảnh JPEG, PNG hay WebP (tệp hỏng, bị cắt cụt, "
        "hoặc là định dạng khác như HEIC, SVG); hãy xuất lại ảnh dạng JPEG, PNG hoặc WebP",
        f"\"{name}\" cannot be read as a JPEG, PNG or WebP image (the file is damaged, "
        "truncated, or in another format such as HEIC or SVG); export the image again as "
        "JPEG, PNG or WebP",
    )


def _unsupported(name: str, found: str) -> ImageProblem:
    return ImageProblem(
        "image-format",
        f"ảnh \"{name}\" có định dạng {found}, không được hỗ trợ; "
        "hãy xuất lại ảnh dạng JPEG, PNG hoặc WebP",
        f"image \"{name}\" is in {found} format, which is not supported; "
        "export it again as JPEG, PNG or WebP",
    )


def _too_heavy(name: str, size: int) -> ImageProblem:
    (actual_vi, actual_en), (limit_vi, limit_en) = _megabytes(size), _megabytes(MAX_BYTES)
    return ImageProblem(
        "image-too-large",
        f"tệp ảnh \"{name}\" nặng {actual_vi} MB, quá giới hạn {limit_vi} MB; hãy thu nhỏ "
        "ảnh (rộng khoảng 2000 điểm ảnh là đủ) rồi xuất lại dạng JPEG, PNG hoặc WebP",
        f"image file \"{name}\" is {actual_en} MB, over the {limit_en} MB limit; scale it "
        "down (about 2000 pixels wide is plenty) and export it again as JPEG, PNG or WebP",
    )


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> ImageProblem:
    limit = MAX_PIXELS // 1_000_000
    if size is None:  # Pillow refused the header before telling the size
        said_vi = said_en = ""
    else:
        said_vi = f" ({size[0]}×{size[1]} điểm ảnh)"
        said_en = f" ({size[0]}×{size[1]} pixels)"
    return ImageProblem(
        "image-too-many-pixels",
        f"ảnh \"{name}\" quá lớn{said_vi}, vượt giới hạn {limit} megapixel; hãy thu nhỏ "
        "ảnh (rộng khoảng 2000 điểm ảnh là đủ) rồi xuất lại",
        f"image \"{name}\" is too large{said_en}, over the {limit}-megapixel limit; scale "
        "it down (about 2000 pixels wide is plenty) and export it again",
    )


def _too_long(name: str, size: tuple[int, int]) -> ImageProblem:
    return ImageProblem(
        "image-too-long",
        f"ảnh \"{name}\" quá dài so với bề rộng ({size[0]}×{size[1]} điểm ảnh); "
        "hãy cắt thành nhiều ảnh",
        f"image \"{name}\" is too long for its width ({size[0]}×{size[1]} pixels); "
        "split it into several images",
    )


# What Pillow raises on a damaged header or EXIF block, besides its own errors.
_DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def read_header(path: Path, name: str) -> Header:
    """The format and upright size of the image at ``path``; raise ``ImageProblem`` if unfit.

    ``name`` is the file as the entry names it, for the messages. Only the
    header is read: the file's size is checked before it is opened, and its
    pixel count before any pixel is decoded.
    """
    try:
        if not path.is_file():
            raise _not_found(name)
        size = path.stat().st_size
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise _not_found(name) from exc
    if size > MAX_BYTES:
        raise _too_heavy(name, size)
    try:
        with warnings.catch_warnings():
            # Pillow warns of large images and of odd EXIF blocks; the first are
            # refused below, under its own limit, and the second do not matter.
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                found = image.format or "?"
                if found not in ACCEPTED:
                    raise _unsupported(name, found)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(name, image.size)
                orientation = _orientation(image)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name, None) from exc
    except _DAMAGED as exc:  # UnidentifiedImageError is an OSError
        raise _unreadable(name) from exc
    if orientation in TURNED:
        width, height = height, width
    if not plan(width, height):
        raise _too_long(name, (width, height))
    return Header(found, width, height, orientation)


def _orientation(image: Image.Image) -> int:
    # A PNG may keep its EXIF after the pixels, and Pillow decodes the whole
    # image to reach it: a PNG's orientation counts only when it comes first,
    # here and (through Header.orientation) when the image is published.
    if image.format == "PNG" and "exif" not in image.info:
        return 1
    value = image.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def plan(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """(width, height) of each rendition of an upright ``width``×``height`` image, narrowest first.

    Never wider than the original; an image narrower than every width of
    ``WIDTHS`` is published at its own width. Sizes WebP cannot hold are left out.
    """
    widths = [w for w in WIDTHS if w <= width] or [width]
    sizes = ((w, scaled_height(width, height, w)) for w in widths)
    return tuple((w, h) for w, h in sizes if h <= WEBP_MAX_SIDE)


def scaled_height(width: int, height: int, new_width: int) -> int:
    """The height of a ``width``×``height`` image scaled to ``new_width``."""
    return max(1, round(height * new_width / width))


def stem(src: str) -> str:
    """The ASCII stem the renditions of ``src`` are named from: "Ảnh 1.JPG" -> "anh-1"."""
    return slugify(PurePosixPath(src).stem) or DEFAULT_STEM


def rendition_name(width: int, extension: str) -> str:
    """A rendition's file name in its cache folder."""
    return f"{width}.{extension}"


@lru_cache(maxsize=8192)
def _source_digest(path: str, size: int, mtime_ns: int) -> str:
    # Keyed by size and time too, so an edited file is read again; dvk serve
    # thus reads each image once, and once more after each edit.
    with Path(path).open("rb") as source:
        return hashlib.file_digest(source, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def cache_key(path: Path, widths: Sequence[int]) -> str:
    """The cache folder's name: a digest of the source's bytes, the widths and ``SETTINGS``."""
    info = path.stat()
    source = _source_digest(str(path), info.st_size, info.st_mtime_ns)
    text = f"{SETTINGS}|{tuple(widths)}|{source}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def renditions(path: Path, name: str, widths: Sequence[int], cache_dir: Path) -> Path:
    """The cache folder holding ``rendition_name(w, ext)`` for each width and extension.

    They are made now unless the cache has them. ``name`` is the file as the
    entry names it, for messages; raise ``ImageProblem`` if it cannot be published.
    """
    try:
        folder = cache_dir / cache_key(path, widths)
    except FileNotFoundError as exc:  # gone since the entry was checked
        raise _not_found(name) from exc
    if folder.is_dir():
        return folder
    scratch = cache_dir / f"{folder.name}.{os.getpid()}.part"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        process(path, name, widths, scratch)
        try:
            scratch.rename(folder)  # atomic: a killed build never caches half an image
        except OSError:
            if not folder.is_dir():  # else another build made it first: keep theirs
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def process(path: Path, name: str, widths: Sequence[int], out: Path) -> None:
    """Write the renditions of the image at ``path`` into ``out``; see the module."""
    header = read_header(path, name)  # the file may have changed since the entry was read
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as in read_header
            with Image.open(path) as opened:
                largest = max(widths)
                if opened.format in {"JPEG", "MPO"}:
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the
                    # largest rendition is that much smaller: a fraction of the work.
                    wanted = (largest, scaled_height(header.width, header.height, largest))
                    opened.draft(opened.mode, wanted[::-1] if header.orientation in TURNED
                                 else wanted)
                opened.load()
                upright = (ImageOps.exif_transpose(opened) if header.orientation != 1
                           else opened)
                base = _srgb(upright)
    except _DAMAGED as exc:
        raise _unreadable(name) from exc
    base.info.clear()  # no EXIF, XMP, ICC profile or comment reaches a published file
    sized: list[tuple[int, Image.Image]] = []
    for width in sorted(widths, reverse=True):  # each from the one above: less to resample
        source = sized[-1][1] if sized else base
        size = (width, scaled_height(base.width, base.height, width))
        sized.append((width, source if source.size == size else
                      source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)))
    # One image object per job: ``Image.save`` keeps its options on the object
    # (``encoderinfo``), so two threads saving one object at once may each
    # encode with the other's quality; a JPEG then came out at the WebP quality
    # in some builds and not others.
    jobs = [(image if k == 0 else image.copy(), out / rendition_name(width, extension),
             extension)
            for width, image in sized for k, extension in enumerate(EXTENSIONS)]
    # Pillow encodes without holding the GIL, so threads use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(lambda job: _save(*job), jobs))


def _srgb(image: Image.Image) -> Image.Image:
    """``image`` in sRGB, as RGB or RGBA (L for a grey image without transparency)."""
    alpha = image.convert("RGBA").getchannel("A") if image.has_transparency_data else None
    if image.mode == "L" and alpha is None:
        return image.copy()
    colour = image if image.mode in {"RGB", "CMYK"} else image.convert("RGB")
    profile = image.info.get("icc_profile")
    converted: Image.Image | None = None
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                colour, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _srgb_profile(),
                outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            converted = None  # a damaged profile, or one for another colour space: ignore it
    if converted is None:
        converted = colour.convert("RGB")
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _save(image: Image.Image, target: Path, extension: str) -> None:
    if extension == "webp":
        image.save(target, format="WEBP", quality=WEBP_QUALITY)
        return
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, FLATTEN_ONTO)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image.save(target, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
