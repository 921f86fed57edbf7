"""Loopback fakes of OSRM's table service and Nominatim's search, served by http.server in a thread."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.fakes.http_thread import serving


@dataclass
class FakeOsrm:
    """Answers /table/v1/<profile>/<lon,lat;...> at `seconds_per_km` along the straight line, or misbehaves.

    `behaviour`: "ok", "error" (HTTP 500), "slow" (answers after `delay` seconds), "malformed" (not JSON),
    "null" (null durations for every destination). `requests` records (profile, coordinates, query) of each call.
    """

    seconds_per_km: float = 60.0
    behaviour: str = "ok"
    delay: float = 3.0
    requests: list[tuple[str, list[tuple[float, float]], dict[str, str]]] = field(default_factory=list)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes]:
        _, _, _, profile, coordinates = path.split("/", 4)
        points = [tuple(float(x) for x in pair.split(",")) for pair in coordinates.split(";")]
        self.requests.append((profile, points, query))  # type: ignore[arg-type]
        if self.behaviour == "error":
            return 500, b'{"code": "InternalError"}'
        if self.behaviour == "slow":
            time.sleep(self.delay)
        if self.behaviour == "malformed":
            return 200, b"<html>not json"
        (lon0, lat0), destinations = points[0], [points[int(i)] for i in query["destinations"].split(";")]
        metres = [_straight_km(lat0, lon0, lat, lon) * 1000 for lon, lat in destinations]
        seconds = [None if self.behaviour == "null" else m / 1000 * self.seconds_per_km for m in metres]
        return 200, json.dumps({"code": "Ok", "durations": [seconds], "distances": [metres]}).encode()


@dataclass
class FakeNominatim:
    """Answers /search?q=... from `places` (query -> (lat, lon, display name)) after `delay` seconds.

    `down` makes it answer 503. `requests` records each query with its User-Agent, `times` when it arrived.
    """

    places: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    down: bool = False
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes]:
        self.requests.append({**query, "user_agent": headers.get("User-Agent", "")})
        self.times.append(time.monotonic())
        time.sleep(self.delay)
        if self.down:
            return 503, b"overloaded"
        found = self.places.get(query.get("q", ""))
        if found is None:
            return 200, b"[]"
        lat, lon, name = found
        return 200, json.dumps([{"lat": str(lat), "lon": str(lon), "display_name": name}]).encode()


def _straight_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1) * math.cos(math.radians(lat1))
    return 6371.0 * math.hypot(dlat, dlon)


@contextmanager
def serve(fake: FakeOsrm | FakeNominatim) -> Iterator[str]:
    """Serve `fake` on a free port of 127.0.0.1; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            status, body = fake.answer(parts.path, query, dict(self.headers))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url
