"""Entry images, checked from their header when an entry loads; their published widths and names.

Checking reads only what ``Image.open`` reads, the header (format, size, EXIF
orientation), because ``dvk check`` runs over 50,000 entries: the pixels are
decoded only when the image is published (``generator.publish.renditions``).
So a file whose header is sound but whose pixels are damaged is reported by
the build, at the same line.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import ExifTags, Image

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
EXTENSIONS = ("webp", "jpg")
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


def not_found(name: str) -> ImageProblem:
    return ImageProblem(
        "image-not-found",
        f"không tìm thấy tệp ảnh \"{name}\" cạnh tệp mô hình; "
        "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường)",
        f"image file \"{name}\" not found next to the entry; "
        "check the name (it is case-sensitive)",
    )


def unreadable(name: str) -> ImageProblem:
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
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def read_header(path: Path, name: str) -> Header:
    """The format and upright size of the image at ``path``; raise ``ImageProblem`` if unfit.

    ``name`` is the file as the entry names it, for the messages. Only the
    header is read: the file's size is checked before it is opened, and its
    pixel count before any pixel is decoded.
    """
    try:
        if not path.is_file():
            raise not_found(name)
        size = path.stat().st_size
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise not_found(name) from exc
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
                orientation = exif_orientation(image)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name, None) from exc
    except DAMAGED as exc:  # UnidentifiedImageError is an OSError
        raise unreadable(name) from exc
    if orientation in TURNED:
        width, height = height, width
    if not plan(width, height):
        raise _too_long(name, (width, height))
    return Header(found, width, height, orientation)


def exif_orientation(image: Image.Image) -> int:
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
