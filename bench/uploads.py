"""Benchmark: concurrent uploads through the app against writing the same bytes straight to the same storage.

Each upload is what a phone does: the upload announced (UploadService.start, what `startUpload` calls), the bytes
streamed from disk over HTTP to the app's tus endpoint (PATCH), then `finishUpload`'s work (UploadService.finish:
size, SHA-256, magic bytes, the PDF opened, the bytes copied into storage). The baseline streams the same files
straight into the same storage backend (LocalStorage.put) with the same concurrency, in the same run. Peak memory
is Python's traced peak (tracemalloc) in a second pass of each, so that tracing does not slow the timed pass.
The files are distinct valid PDFs of --megabytes each.
Run: .venv/bin/python bench/uploads.py [--uploads 20] [--megabytes 10] [--chunk-kb 256]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

import httpx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from app.accounts.models import Citizen
from app.db import apply_migrations
from app.main import create_app
from app.settings import Settings

TUS = {"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
MIB = 1024 * 1024
MB = 1_000_000


def write_pdf(path: Path, megabytes: int) -> None:
    """A valid one-page PDF of about `megabytes` MB, its content stream comments (distinct per file)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    line = b"% " + os.urandom(24).hex().encode() + b"\n"
    stream = DecodedStreamObject()
    stream.set_data(line * ((megabytes * MB - 2000) // len(line)))
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as file:
        writer.write(file)


async def file_chunks(path: Path, chunk_bytes: int):
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, chunk_bytes):
            yield chunk


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def through_the_app(app, citizens: list[int], paths: list[Path], digests: list[str], chunk_bytes: int) -> None:
    """Each file from its own citizen, as from as many phones."""
    uploads = app.state.services.uploads
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=None) as http:

        async def one(citizen_id: int, path: Path, digest: str, size: int) -> None:
            upload = await uploads.start(citizen_id, "application/pdf", size, digest, path.name)
            url = uploads.upload_url(upload).removeprefix("http://bench")
            sent = await http.patch(url, content=file_chunks(path, chunk_bytes), headers=TUS)
            assert sent.status_code == 204, sent.status_code
            await uploads.finish(citizen_id, upload.token)

        sizes = [path.stat().st_size for path in paths]
        await asyncio.gather(*(one(*row) for row in zip(citizens, paths, digests, sizes, strict=True)))


async def straight_to_storage(app, paths: list[Path], chunk_bytes: int, run: int) -> None:
    storage = app.state.services.storage
    await asyncio.gather(
        *(storage.put(f"direct/{run}/{path.name}", file_chunks(path, chunk_bytes), "application/pdf") for path in paths)
    )


async def measure(make, traced: bool) -> tuple[float, float]:
    """(seconds, traced peak in MiB, 0 when not traced)."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    await make()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MIB if traced else 0.0
    if traced:
        tracemalloc.stop()
    return seconds, peak


async def main(uploads: int, megabytes: int, chunk_kb: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        settings = Settings(
            app_env="test",
            database_url=f"sqlite://{root / 'bench.sqlite3'}",
            documents_dir=str(root / "stored"),
            upload_staging_dir=str(root / "staging"),
            public_base_url="http://bench",
            run_scheduler=False,
        )
        await apply_migrations(settings)
        paths = [root / f"file-{index:02d}.pdf" for index in range(uploads)]
        for path in paths:
            write_pdf(path, megabytes)
        digests = [sha256_of(path) for path in paths]
        total_mib = sum(path.stat().st_size for path in paths) / MIB
        chunk_bytes = chunk_kb * 1024
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            citizens = [
                (await Citizen.create(phone=f"+849120{index:05d}", full_name="Bench")).id for index in range(uploads)
            ]
            results = {}
            for traced in (False, True):
                app_time, app_peak = await measure(
                    lambda: through_the_app(app, citizens, paths, digests, chunk_bytes), traced
                )
                direct_time, direct_peak = await measure(
                    lambda traced=traced: straight_to_storage(app, paths, chunk_bytes, int(traced)), traced
                )
                results[traced] = (app_time, app_peak, direct_time, direct_peak)
        app_time, _, direct_time, _ = results[False]
        _, app_peak, _, direct_peak = results[True]
        print(f"{uploads} concurrent uploads of {megabytes} MB PDFs ({total_mib:.0f} MiB), {chunk_kb} KiB chunks")
        print(f"  through the app (tus PATCH + finish checks): {total_mib / app_time:8.1f} MiB/s  ({app_time:.2f} s)")
        direct_rate = total_mib / direct_time
        print(f"  straight to the same storage:               {direct_rate:8.1f} MiB/s  ({direct_time:.2f} s)")
        print(f"  ratio app / direct: {direct_time / app_time:.2f} of the direct throughput")
        print(
            f"  traced peak memory: app {app_peak:.1f} MiB, direct {direct_peak:.1f} MiB "
            f"({app_peak / total_mib:.3f} and {direct_peak / total_mib:.3f} of the bytes moved)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=10)
    parser.add_argument("--chunk-kb", type=int, default=256)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.uploads, arguments.megabytes, arguments.chunk_kb))
