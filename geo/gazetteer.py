"""The offline geocoder: the province's commune-level units, matched by name from the centres table."""

from __future__ import annotations

import re

from app.catalogue.models import Centre, CentreKind
from app.vietnamese import fold
from geo.geocoding import Place

# Folded unit prefixes as people write them (full or abbreviated), by the kind of unit they name.
PREFIXES: dict[str, CentreKind] = {
    "phuong": CentreKind.WARD,
    "p": CentreKind.WARD,
    "xa": CentreKind.COMMUNE,
    "x": CentreKind.COMMUNE,
    "dac khu": CentreKind.SPECIAL_ZONE,
    "dk": CentreKind.SPECIAL_ZONE,
}
FULL_PREFIX = {CentreKind.WARD: "phuong", CentreKind.COMMUNE: "xa", CentreKind.SPECIAL_ZONE: "dac khu"}
_PREFIX = re.compile(r"^(" + "|".join(sorted(PREFIXES, key=len, reverse=True)) + r")\b\.?\s*")


def unit_names(part: str) -> list[str]:
    """The folded unit names one comma-separated part of an address may mean: "P. Hạ Long" -> ["phuong ha long"]."""
    text = " ".join(fold(part).replace(".", ". ").split())
    match = _PREFIX.match(text)
    if match:
        name = text[match.end() :].strip(" .")
        return [f"{FULL_PREFIX[PREFIXES[match.group(1)]]} {name}"] if name else []
    name = text.strip(" .")
    return [f"{prefix} {name}" for prefix in FULL_PREFIX.values()] if name else []


class GazetteerGeocoder:
    """Finds a ward, commune or special zone by name, accents and abbreviations ignored; the first part wins."""

    async def locate(self, address: str) -> Place | None:
        parts = [unit_names(part) for part in address.split(",")]
        wanted = {name for names in parts for name in names}
        if not wanted:
            return None
        found = {
            centre.name_folded: centre
            for centre in await Centre.filter(name_folded__in=wanted).exclude(kind=CentreKind.PROVINCE)
        }
        for names in parts:
            for name in names:
                if name in found:
                    centre = found[name]
                    return Place(centre.latitude, centre.longitude, centre.name_vi)
        return None
