"""Small real files for upload tests: images with GPS metadata, PDFs good, encrypted and broken, a bomb."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter

GPS_IFD = 0x8825


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jpeg_with_gps(width: int = 1200, height: int = 800) -> bytes:
    """A photo carrying EXIF with a camera model and GPS coordinates."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[GPS_IFD] = {1: "N", 2: (21.0, 0.0, 0.0), 3: "E", 4: (107.0, 0.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 64, height: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    """Starts like a PDF, but nothing after the header makes sense."""
    return b"%PDF-1.7\n" + b"\x00garbage that is not a PDF body\n" * 40


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 40_000) -> bytes:
    """A few hundred bytes claiming side x side pixels of one bit: 1.6 billion pixels once decoded."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + side // 8) * 16)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")
