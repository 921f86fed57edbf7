"""Geocoding behind one interface: geopy's Nominatim (the only module importing geopy), then the gazetteer.

Also home of the geodesic distance, since geopy is imported here only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from geopy.distance import geodesic
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from app.errors import DomainError, ErrorCode
from app.ttl_cache import TtlLruCache
from app.vietnamese import fold

logger = logging.getLogger(__name__)

# Quảng Ninh with a margin, as Nominatim's viewbox: results elsewhere are no use for finding a centre here.
PROVINCE_VIEWBOX = ((20.60, 106.30), (21.80, 108.20))


@dataclass(frozen=True)
class Place:
    """Where an address was found; `label` is the name the geocoder matched."""

    latitude: float
    longitude: float
    label: str


class GeocoderUnavailable(Exception):
    """The geocoder could not answer (down, timed out, refused); another one may."""


class Geocoder(Protocol):
    """Finds an address; None when it is certainly not known, GeocoderUnavailable when it could not look."""

    async def locate(self, address: str) -> Place | None: ...


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in km on the WGS 84 ellipsoid between two (latitude, longitude) points."""
    return geodesic(a, b).km


class MinimumInterval:
    """Spaces calls at least `seconds` apart (Nominatim's usage policy: 1 request per second)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._lock = asyncio.Lock()
        self._last = float("-inf")

    async def wait(self) -> None:
        async with self._lock:
            delay = self._last + self._seconds - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._last = time.monotonic()


class NominatimGeocoder:
    """geopy's Nominatim against `url` (self-hosted or public), run in a thread, rate limited and cached.

    Answers (found or not found) are cached by the folded address; failures are not.
    """

    def __init__(
        self,
        url: str,
        user_agent: str,
        timeout_seconds: float = 5.0,
        min_interval_seconds: float = 1.0,
        cache: TtlLruCache[str, Place | None] | None = None,
    ) -> None:
        parts = urlsplit(url)
        self._client = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme or "https",
            user_agent=user_agent,
            timeout=timeout_seconds,
            proxies={},
        )
        self._interval = MinimumInterval(min_interval_seconds)
        self._cache = cache if cache is not None else TtlLruCache(maxsize=1024, ttl_seconds=24 * 3600)

    async def locate(self, address: str) -> Place | None:
        key = fold(" ".join(address.split()))
        hit, cached = self._cache.get(key)
        if hit:
            return cached
        await self._interval.wait()
        try:
            found = await asyncio.to_thread(
                self._client.geocode, address, country_codes="vn", viewbox=PROVINCE_VIEWBOX, bounded=True
            )
        except GeopyError as exc:
            logger.warning("Nominatim failed, trying the next geocoder: %r", exc)
            raise GeocoderUnavailable(str(exc)) from exc
        place = Place(found.latitude, found.longitude, found.address) if found else None
        self._cache.put(key, place)
        return place


class GeocoderChain:
    """Asks each geocoder in turn; the first one that finds the address wins."""

    def __init__(self, *geocoders: Geocoder) -> None:
        self._geocoders = geocoders

    async def locate(self, address: str) -> Place:
        """The place of `address`; ADDRESS_NOT_FOUND when no geocoder finds it (never a guess)."""
        for geocoder in self._geocoders:
            try:
                place = await geocoder.locate(address)
            except GeocoderUnavailable:
                continue
            if place is not None:
                return place
        raise DomainError(ErrorCode.ADDRESS_NOT_FOUND, "address")
