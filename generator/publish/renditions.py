"""Entry images published as sized WebP and JPEG, without the source's metadata.

Publishing decodes the image once, turns it upright by its EXIF orientation,
converts its colours to sRGB, and writes every width the entry's image plans
(``generator.load.images.plan``) as WebP, with a JPEG for browsers without
WebP. Nothing of the source's metadata is written: no EXIF (a phone photo
carries the GPS position where it was taken), no XMP, no comment, no ICC
profile (the pixels are in sRGB, which browsers assume). The original file is
never published.

The renditions are cached by a digest of the source's bytes and of these
settings, so an image is processed once, whatever the site folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache, lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps

from generator.load.images import (
    DAMAGED,
    EXTENSIONS,
    TURNED,
    WIDTHS,
    not_found,
    read_header,
    rendition_name,
    scaled_height,
    unreadable,
)

WEBP_QUALITY = 80
JPEG_QUALITY = 82
FLATTEN_ONTO = (255, 255, 255)
"""JPEG has no transparency: transparent parts show the page's white."""
PIPELINE = "2"
"""Bump when the processing changes, so cached renditions are made again."""
SETTINGS = (f"{PIPELINE}|{PIL.__version__}|{WIDTHS}|{WEBP_QUALITY}|{JPEG_QUALITY}|"
            f"{FLATTEN_ONTO}")
"""Everything besides the source's bytes that the renditions depend on."""


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
        raise not_found(name) from exc
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
    except DAMAGED as exc:
        raise unreadable(name) from exc
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
