"""A fake SMS gateway on 127.0.0.1: records `{"to", "text"}` JSON posts with the right bearer token, or fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.http_thread import serving

TOKEN = "sms-test-token"


@dataclass
class SmsGatewayState:
    messages: list[dict] = field(default_factory=list)
    failing: bool = False


def _handler(state: SmsGatewayState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._answer(401, {"error": "unauthorized"})
            elif state.failing:
                self._answer(503, {"error": "gateway busy"})
            else:
                state.messages.append(json.loads(body))
                self._answer(200, {"status": "queued"})

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


@contextmanager
def sms_gateway() -> Iterator[tuple[str, SmsGatewayState]]:
    """Serve the fake gateway on a free port; yields its URL and its recorded state."""
    state = SmsGatewayState()
    with serving(_handler(state)) as url:
        yield f"{url}/send", state
