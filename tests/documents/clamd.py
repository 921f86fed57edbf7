"""A private ClamAV daemon for tests: the OS package's clamd, a unix socket in a temp dir, and a local signature
database holding only the EICAR test signature (clamd cannot download its real databases here)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"


class ClamdServer:
    """clamd in the foreground on `socket_path`, with `db/test.ndb` as its only database."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("clamd") or "/usr/sbin/clamd"
        if not Path(binary).exists():
            raise RuntimeError("clamd is not installed (apt-get install clamav-daemon)")
        self.binary = binary
        self.directory = directory
        self.socket_path = directory / "clamd.sock"
        self.url = f"unix://{self.socket_path}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        database = self.directory / "db"
        database.mkdir(parents=True, exist_ok=True)
        (database / "test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        config = self.directory / "clamd.conf"
        config.write_text(
            f"Foreground yes\nLocalSocket {self.socket_path}\nDatabaseDirectory {database}\n"
            f"LogFile {self.directory / 'clamd.log'}\n"
        )
        self.process = subprocess.Popen(
            [self.binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"clamd did not start: {(self.directory / 'clamd.log').read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(1)
                sock.connect(str(self.socket_path))
                sock.sendall(b"zPING\0")
                return sock.recv(16).startswith(b"PONG")
        except OSError:
            return False
