"""Geocoding: the real geopy Nominatim client against a loopback fake, its cache and rate limit, and the chain."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import DomainError, ErrorCode
from geo.gazetteer import GazetteerGeocoder
from geo.geocoding import GeocoderChain, GeocoderUnavailable, NominatimGeocoder, Place
from tests.fakes.geo_servers import FakeNominatim, serve

USER_AGENT = "dichvucong-test/1.0 (tests)"
HON_GAI_MARKET = "Chợ Hạ Long 1, Hạ Long"


@pytest.fixture
def nominatim():
    fake = FakeNominatim(places={HON_GAI_MARKET: (20.9512, 107.0821, "Chợ Hạ Long I, Phường Hồng Gai")})
    with serve(fake) as url:
        yield fake, url


def geocoder(url: str, **options) -> NominatimGeocoder:
    return NominatimGeocoder(url, USER_AGENT, **{"min_interval_seconds": 0.0, **options})


async def test_nominatim_finds_an_address_inside_the_province(nominatim):
    fake, url = nominatim
    place = await geocoder(url).locate(HON_GAI_MARKET)
    assert place == Place(20.9512, 107.0821, "Chợ Hạ Long I, Phường Hồng Gai")
    query = fake.requests[0]
    assert query["q"] == HON_GAI_MARKET
    assert query["countrycodes"] == "vn" and query["bounded"] == "1" and query["user_agent"] == USER_AGENT


async def test_answers_are_cached_by_the_folded_address(nominatim):
    fake, url = nominatim
    nominatim_geocoder = geocoder(url)
    assert await nominatim_geocoder.locate("Nowhere at all") is None
    assert await nominatim_geocoder.locate("  NOWHERE   at all ") is None
    assert await nominatim_geocoder.locate(HON_GAI_MARKET) is not None
    assert await nominatim_geocoder.locate(HON_GAI_MARKET) is not None
    assert len(fake.requests) == 2


async def test_requests_are_spaced_by_the_rate_limit(nominatim):
    fake, url = nominatim
    limited = geocoder(url, min_interval_seconds=0.5)
    await asyncio.gather(limited.locate("a"), limited.locate("b"), limited.locate("c"))
    gaps = [later - earlier for earlier, later in zip(fake.times, fake.times[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.45


async def test_a_slow_answer_does_not_block_the_event_loop(nominatim):
    fake, url = nominatim
    fake.delay = 0.5
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    ticker = asyncio.create_task(tick())
    await geocoder(url).locate(HON_GAI_MARKET)
    ticker.cancel()
    assert ticks >= 10


@pytest.mark.parametrize("failure", ["down", "timeout", "unreachable"])
async def test_a_failing_nominatim_is_unavailable_and_not_cached(nominatim, failure):
    fake, url = nominatim
    fake.down = failure == "down"
    fake.delay = 1.0 if failure == "timeout" else 0.0
    target = "http://127.0.0.1:9" if failure == "unreachable" else url
    failing = geocoder(target, timeout_seconds=0.3)
    with pytest.raises(GeocoderUnavailable):
        await failing.locate(HON_GAI_MARKET)
    fake.down, fake.delay = False, 0.0
    if failure != "unreachable":
        assert await failing.locate(HON_GAI_MARKET) is not None


async def test_the_chain_falls_back_to_the_gazetteer_when_nominatim_is_down(nominatim, catalogue):
    fake, url = nominatim
    fake.down = True
    place = await GeocoderChain(geocoder(url), GazetteerGeocoder()).locate("P. Hạ Long")
    assert place.label == "Phường Hạ Long"
    assert len(fake.requests) == 1


async def test_the_chain_prefers_nominatim(nominatim, catalogue):
    _, url = nominatim
    place = await GeocoderChain(geocoder(url), GazetteerGeocoder()).locate(HON_GAI_MARKET)
    assert place.label == "Chợ Hạ Long I, Phường Hồng Gai"


async def test_an_address_found_nowhere_is_an_error_not_a_guess(nominatim, catalogue):
    fake, url = nominatim
    with pytest.raises(DomainError) as refused:
        await GeocoderChain(geocoder(url), GazetteerGeocoder()).locate("99 Phố Không Có, Phường Không Tồn Tại")
    assert refused.value.code is ErrorCode.ADDRESS_NOT_FOUND
    assert len(fake.requests) == 1
