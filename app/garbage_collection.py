"""Garbage collection for a server that holds thousands of long-lived websocket connections."""

from __future__ import annotations

import gc

# Allocations between young collections (CPython's default is 700), then how many young (middle) collections
# before a middle (full) one is considered.
YOUNG_THRESHOLD = 50_000
MIDDLE_THRESHOLD = 20
FULL_THRESHOLD = 50


def tune_for_long_lived_connections() -> None:
    """Let an event's garbage die young, and never rescan what startup built.

    With CPython's defaults, the few objects an event creates per subscriber are promoted out of the young
    generation while still in use, and the full collections they trigger walk every connection's objects: with
    2,000 subscribers one event paid about 500 ms of collection (bench/fanout.py; README, fan-out). A young
    generation of 50,000 lets that garbage die before any collection; `gc.freeze()` moves the modules, the schema
    and the rest of startup out of every later collection.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, FULL_THRESHOLD)
