"""A fake of the national portal's integration adapter on 127.0.0.1, for the real HTTP client.

It checks the documented shapes (sign-in, session, unit code, services, field names, status codes, yyyyMMddHHmmss
dates), keeps what a real portal would (each dossier's record and progress), answers a repeated idempotency key
with its first answer and no second effect, and can fail, time out, refuse a dossier, hold its answers, or answer
one dossier later than another (answers out of order).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from app.dossiers.lifecycle import PORTAL_CODES
from tests.fakes.http_thread import serving

USERNAME, PASSWORD, UNIT = "qn-sync", "portal-test-password", "000.00.00.H46"
PATHS = {"auth": "/auth", "integration": "/integration", "share": "/share"}
STATUSES = set(PORTAL_CODES.values())
DATE = re.compile(r"^(\d{14})?$")
RECORD_FIELDS = ("MaHoSo", "MaTTHC", "TenTTHC", "TrangThaiHoSo", "NgayTiepNhan", "NgayHenTra", "DonViXuLy")
RECORD_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
STEP_FIELDS = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")


@dataclass
class PortalState:
    records: dict[str, dict] = field(default_factory=dict)
    progress: dict[str, list[dict]] = field(default_factory=dict)
    answers: dict[str, tuple[int, dict]] = field(default_factory=dict)
    shape_errors: list[str] = field(default_factory=list)
    requests: int = 0
    repeats: int = 0
    fail_next: int = 0  # answer HTTP 503 without effect
    time_out_next: int = 0  # apply, then answer only after `slow_seconds` (the client gives up first)
    slow_seconds: float = 2.0
    refuse: set[str] = field(default_factory=set)  # MaHoSo the portal refuses
    delay: dict[str, float] = field(default_factory=dict)  # MaHoSo answered this much later
    hold: threading.Event | None = None  # apply, then wait for it before answering
    held: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    session: str = "session-1"
    sign_ins: int = 0

    def expire_session(self) -> None:
        """The portal forgets the session it gave: the next call is answered 401 until the client signs in again."""
        self.session = f"session-{self.sign_ins + 2}"

    def steps(self, code: str) -> list[str]:
        return [step["TrangThai"] for step in self.progress.get(code, [])]


def _check_dates(item: dict, names: tuple[str, ...], problems: list[str]) -> None:
    problems.extend(f"{name} {item.get(name)!r}" for name in names if not DATE.match(str(item.get(name, ""))))


def _record_problems(body: dict) -> list[str]:
    problems = [] if body.get("isUpdating") in ("True", "False") else ["isUpdating"]
    for record in body.get("data") or [None]:
        if not isinstance(record, dict):
            return [*problems, "data"]
        problems += [f"missing {name}" for name in RECORD_FIELDS if not record.get(name) and name != "NgayHenTra"]
        if record.get("TrangThaiHoSo") not in STATUSES:
            problems.append(f"TrangThaiHoSo {record.get('TrangThaiHoSo')!r}")
        _check_dates(record, RECORD_DATES, problems)
    return problems


def _step_problems(body: dict) -> list[str]:
    problems: list[str] = []
    for step in body.get("data") or [None]:
        if not isinstance(step, dict):
            return ["data"]
        problems += [f"missing {name}" for name in STEP_FIELDS if name not in step]
        if step.get("TrangThai") not in STATUSES:
            problems.append(f"TrangThai {step.get('TrangThai')!r}")
        _check_dates(step, ("ThoiDiemXuLy", "NgayKetThucTheoQuyDinh"), problems)
    return problems


def _apply(state: PortalState, body: dict) -> dict:
    """The effect of a well-formed request; its answer."""
    service = body["service"]
    for item in body["data"]:
        code = item["MaHoSo"]
        if code in state.refuse:
            return {"error_code": "-1", "message": f"Hồ sơ {code} không hợp lệ"}
        if service == "DongBoHoSoMC":
            exists = code in state.records
            if exists != (body["isUpdating"] == "True"):
                return {"error_code": "-1", "message": f"isUpdating {body['isUpdating']} but exists={exists}"}
            state.records[code] = item
        else:
            if code not in state.records:
                return {"error_code": "-1", "message": f"progress for unknown {code}"}
            state.progress.setdefault(code, []).append(item)
    return {"error_code": "00", "message": "Thành công"}


def _handler(state: PortalState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path == PATHS["auth"]:
                ok = body == {"username": USERNAME, "password": PASSWORD}
                state.sign_ins += ok
                self._answer(200, {"error_code": 0, "session": state.session} if ok else {"error_code": 1})
                return
            if body.get("session") != state.session:
                self._answer(401, {"error_code": "401", "message": "session"})
                return
            if body.get("madonvi") != UNIT:
                state.shape_errors.append(f"madonvi {body.get('madonvi')!r}")
                self._answer(400, {"error_code": "-1", "message": "madonvi"})
                return
            if self.path == PATHS["share"] and body.get("service") == "TraCuuHoSo":
                record = state.records.get(body.get("mahoso"))
                self._answer(200, {"error_code": "00", "result": [record] if record else []})
                return
            self._integrate(body)

        def _integrate(self, body: dict) -> None:
            key = self.headers.get("Idempotency-Key", "")
            check = {"DongBoHoSoMC": _record_problems, "CapNhatTienDoHoSoMC": _step_problems}.get(body.get("service"))
            problems = check(body) if check and key and self.path == PATHS["integration"] else ["service or key"]
            if problems:
                state.shape_errors.extend(problems)
                self._answer(400, {"error_code": "-1", "message": "; ".join(problems)})
                return
            with state.lock:
                state.requests += 1
                if state.fail_next > 0:
                    state.fail_next -= 1
                    self._answer(503, {"error_code": "503", "message": "busy"})
                    return
                if key in state.answers:
                    state.repeats += 1
                    status, answer = state.answers[key]
                else:
                    answer = _apply(state, body)
                    status = 200
                    if answer["error_code"] == "00":  # a refusal had no effect: nothing to repeat
                        state.answers[key] = (status, answer)
                slow = state.time_out_next > 0
                state.time_out_next -= slow
            if state.hold is not None:
                state.held.set()
                state.hold.wait(60)
            time.sleep(state.slow_seconds if slow else state.delay.get(body["data"][0]["MaHoSo"], 0))
            self._answer(status, answer)

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (timeout) or died

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


@contextmanager
def fake_portal() -> Iterator[tuple[str, PortalState]]:
    """Serve the fake on a free port; yields its base URL and its state."""
    state = PortalState()
    with serving(_handler(state)) as url:
        yield url, state


def portal_settings(url: str) -> dict[str, str]:
    """The settings (as environment variables) that point the app at the fake."""
    return {
        "PORTAL_SYNC_URL": url,
        "PORTAL_AUTH_PATH": PATHS["auth"],
        "PORTAL_INTEGRATION_PATH": PATHS["integration"],
        "PORTAL_SHARE_PATH": PATHS["share"],
        "PORTAL_USERNAME": USERNAME,
        "PORTAL_PASSWORD": PASSWORD,
        "PORTAL_UNIT_CODE": UNIT,
    }
