"""Geography: geocoding addresses, travel times to centres, and the nearest-centre search."""
