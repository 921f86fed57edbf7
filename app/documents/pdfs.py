"""PDF checks: the file must open, unencrypted, with at least one page."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about repaired files would flood the log


class PdfEncrypted(ValueError):
    """Encrypted or password-protected: staff could not read it."""


class PdfUnreadable(ValueError):
    """Broken: it does not open or has no page."""


def check_pdf(path: Path) -> int:
    """The number of pages; raises PdfEncrypted or PdfUnreadable.

    The reader works on the open file (given a path, pypdf would read the whole file into memory) and parses the
    page tree and the first page's box, not the content streams, so memory stays small whatever the file's size.
    """
    try:
        with path.open("rb") as file:
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted:
                raise PdfEncrypted(path.name)
            pages = len(reader.pages)
            if pages:
                reader.pages[0].mediabox  # noqa: B018 (parses the first page's dictionary)
    except PdfEncrypted:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, OSError, RecursionError) as error:
        raise PdfUnreadable(str(error)) from error
    if pages == 0:
        raise PdfUnreadable("no page")
    return pages
