"""Safe image handling: bounded decoding, re-encoding without metadata, a reading copy and a preview."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_PIXELS = 60_000_000  # a 200 MP phone camera shoots 16,320 x 12,240 only in its special mode
READING_EDGE = 2000
PREVIEW_EDGE = 320
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow itself refuses twice this, and warns above it


class ImageTooLarge(ValueError):
    """More pixels than may be decoded safely (a decompression bomb, or simply too big)."""


class ImageUnreadable(ValueError):
    """Not a decodable image."""


@dataclass(frozen=True)
class Renditions:
    """JPEG copies without any metadata (EXIF, GPS, XMP): one to read on screen, one small preview."""

    reading: bytes
    preview: bytes


def _jpeg(image: Image.Image, edge: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing of the original's metadata
    return out.getvalue()


def renditions(path: Path) -> Renditions:
    """Decode the image at `path` within the pixel limit and re-encode it; raises ImageTooLarge/ImageUnreadable."""
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageTooLarge(f"{image.width}x{image.height}")
            image.draft("RGB", (READING_EDGE, READING_EDGE))  # JPEG: decode at a reduced scale, cheaper
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except Image.DecompressionBombError as error:
        raise ImageTooLarge(str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ImageTooLarge):
            raise
        raise ImageUnreadable(str(error)) from error
    return Renditions(reading=_jpeg(upright, READING_EDGE), preview=_jpeg(upright, PREVIEW_EDGE))
