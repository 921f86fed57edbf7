"""Garbage collection for a server that holds thousands of long-lived websocket connections."""

from __future__ import annotations

import gc

# Growth of live tracked objects between young collections (CPython's default is 700), then how many young
# (middle) collections before a middle (full) one is considered.
YOUNG_THRESHOLD = 500_000
MIDDLE_THRESHOLD = 10
FULL_THRESHOLD = 50


def tune_for_long_lived_connections() -> None:
    """Let an event's garbage die young, and never rescan what startup built.

    CPython counts a young collection from the growth of live objects. While one event is being delivered, each
    subscriber holds a few new objects (its wake-up, its await); with CPython's threshold of 700 an event for
    thousands of subscribers set off young collections that promoted them, and the older collections that followed
    walked every connection's objects: 120 to 600 ms of one event with 10,000 subscribers, even at 50,000
    (bench/fanout.py; README, fan-out). At 500,000 an event for 10,000 subscribers runs without a collection, and
    what it made is freed by reference counting once delivered. `gc.freeze()` moves the modules, the schema and
    the rest of startup out of every later collection.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, FULL_THRESHOLD)
