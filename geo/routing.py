"""Travel time behind one interface: OSRM's table service (the only module talking to OSRM), else an estimate.

The estimate: geodesic distance x ROAD_CIRCUITY at the mode's average speed. A trip between the mainland and an
island (or between two islands) cannot be driven: it costs FERRY_FIXED_MINUTES (getting to the pier, waiting,
boarding) plus the whole geodesic distance at FERRY_SPEED_KMH, since piers are not modelled. Ferry trips are always
estimated, never asked of OSRM.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import httpx

from geo.geocoding import geodesic_km

logger = logging.getLogger(__name__)

ROAD_CIRCUITY = 1.3  # roads are ~30% longer than the straight line in Quảng Ninh's hills and bays
FERRY_FIXED_MINUTES = 60.0
FERRY_SPEED_KMH = 25.0


class TravelMode(StrEnum):
    """How the citizen travels."""

    MOTORBIKE = "motorbike"
    CAR = "car"
    WALKING = "walking"


class TimeSource(StrEnum):
    """Where a travel time comes from."""

    ROUTED = "routed"
    ESTIMATED = "estimated"


SPEED_KMH = {TravelMode.MOTORBIKE: 30.0, TravelMode.CAR: 40.0, TravelMode.WALKING: 4.5}
OSRM_PROFILE = {TravelMode.MOTORBIKE: "driving", TravelMode.CAR: "driving", TravelMode.WALKING: "walking"}


@dataclass(frozen=True)
class Site:
    """A point, and the island it is on (a code naming the island, None on the mainland)."""

    latitude: float
    longitude: float
    island: str | None = None


@dataclass(frozen=True)
class Trip:
    """How long and how far from the origin to one destination."""

    minutes: float
    distance_km: float
    source: TimeSource
    via_ferry: bool


class TravelTimeEngine(Protocol):
    """Trips from `origin` to each destination, in order."""

    async def trips(self, origin: Site, destinations: Sequence[Site], mode: TravelMode) -> list[Trip]: ...


class EstimateEngine:
    """Geodesic distance with a road circuity factor and a speed per mode; a documented ferry leg for islands."""

    async def trips(self, origin: Site, destinations: Sequence[Site], mode: TravelMode) -> list[Trip]:
        return [self.trip(origin, destination, mode) for destination in destinations]

    @staticmethod
    def trip(origin: Site, destination: Site, mode: TravelMode) -> Trip:
        straight = geodesic_km((origin.latitude, origin.longitude), (destination.latitude, destination.longitude))
        if needs_ferry(origin, destination):
            minutes = FERRY_FIXED_MINUTES + straight / FERRY_SPEED_KMH * 60
            return Trip(minutes, straight, TimeSource.ESTIMATED, via_ferry=True)
        road = straight * ROAD_CIRCUITY
        return Trip(road / SPEED_KMH[mode] * 60, road, TimeSource.ESTIMATED, via_ferry=False)


def needs_ferry(origin: Site, destination: Site) -> bool:
    return origin.island != destination.island


class OsrmEngine:
    """One 1xN request to OSRM's table service per search; whatever it cannot answer is estimated."""

    def __init__(self, url: str, timeout_seconds: float = 2.0, fallback: EstimateEngine | None = None) -> None:
        self._url = url.rstrip("/")
        self._timeout = timeout_seconds
        self._fallback = fallback or EstimateEngine()

    async def trips(self, origin: Site, destinations: Sequence[Site], mode: TravelMode) -> list[Trip]:
        routable = [i for i, destination in enumerate(destinations) if not needs_ferry(origin, destination)]
        routed = await self._table(origin, [destinations[i] for i in routable], mode) if routable else []
        answers = dict(zip(routable, routed, strict=True))
        return [answers.get(i) or self._fallback.trip(origin, d, mode) for i, d in enumerate(destinations)]

    async def _table(self, origin: Site, destinations: list[Site], mode: TravelMode) -> list[Trip | None]:
        """Routed trips, None where OSRM gave no usable answer (all None when the request failed)."""
        coordinates = ";".join(f"{site.longitude:.6f},{site.latitude:.6f}" for site in [origin, *destinations])
        indexes = ";".join(str(i) for i in range(1, len(destinations) + 1))
        url = f"{self._url}/table/v1/{OSRM_PROFILE[mode]}/{coordinates}"
        params = {"sources": "0", "destinations": indexes, "annotations": "duration,distance"}
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url, params=params)
            response.raise_for_status()
            body = response.json()
            durations, distances = body["durations"][0], body["distances"][0]
            if body.get("code") != "Ok" or not len(durations) == len(distances) == len(destinations):
                raise ValueError(f"unexpected answer: {body.get('code')!r}")
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            logger.warning("OSRM table failed, estimating instead: %r", exc)
            return [None] * len(destinations)
        return [_routed(seconds, metres) for seconds, metres in zip(durations, distances, strict=True)]


def _routed(seconds: object, metres: object) -> Trip | None:
    if not isinstance(seconds, int | float) or not isinstance(metres, int | float) or seconds < 0 or metres < 0:
        return None
    return Trip(seconds / 60, metres / 1000, TimeSource.ROUTED, via_ferry=False)
