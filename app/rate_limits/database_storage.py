"""A `limits` storage over one database table, so the same strategies run without Redis.

A hit is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (SQLite 3.35+ and PostgreSQL alike): it starts a
window, or adds to the live one, or starts over when the stored window has ended, and returns the count, so
concurrent hits on any number of workers are counted exactly. Ended windows are deleted at most once a minute.
"""

from __future__ import annotations

from limits.aio.storage import Storage
from tortoise import connections
from tortoise.exceptions import BaseORMException

from app.clock import Clock
from app.rate_limits.models import RateLimitCounter

PRUNE_EVERY_SECONDS = 60.0

_INCREMENT = """
INSERT INTO "rate_limit_counter" ("key", "hits", "expires_at") VALUES ({key}, {amount}, {now} + {expiry})
ON CONFLICT ("key") DO UPDATE SET
  "hits" = CASE WHEN "rate_limit_counter"."expires_at" <= {now} THEN {amount}
                ELSE "rate_limit_counter"."hits" + {amount} END,
  "expires_at" = CASE WHEN "rate_limit_counter"."expires_at" <= {now} THEN {now} + {expiry}
                      ELSE "rate_limit_counter"."expires_at" END
RETURNING "hits"
"""
_MARKS = {
    "postgres": {"key": "$1::text", "amount": "$2::int", "now": "$3::float8", "expiry": "$4::float8"},
    "sqlite": {"key": "?1", "amount": "?2", "now": "?3", "expiry": "?4"},
}
_STATEMENTS = {dialect: _INCREMENT.format(**marks) for dialect, marks in _MARKS.items()}


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counter` table, timed by the process clock."""

    STORAGE_SCHEME = None

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self._clock = clock
        self._pruned_at = float("-inf")

    @property
    def base_exceptions(self) -> type[Exception]:
        return BaseORMException

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._now()
        await self._prune(now)
        connection = connections.get("default")
        statement = _STATEMENTS[connection.capabilities.dialect]
        rows = await connection.execute_query_dict(statement, [key, amount, now, float(expiry)])
        return int(rows[0]["hits"])

    async def get(self, key: str) -> int:
        row = await RateLimitCounter.filter(key=key, expires_at__gt=self._now()).first()
        return row.hits if row else 0

    async def get_expiry(self, key: str) -> float:
        now = self._now()
        row = await RateLimitCounter.filter(key=key, expires_at__gt=now).first()
        return row.expires_at if row else now

    async def check(self) -> bool:
        try:
            await RateLimitCounter.all().limit(1)
        except BaseORMException:
            return False
        return True

    async def reset(self) -> int | None:
        return await RateLimitCounter.all().delete()

    async def clear(self, key: str) -> None:
        await RateLimitCounter.filter(key=key).delete()

    def _now(self) -> float:
        return self._clock().timestamp()

    async def _prune(self, now: float) -> None:
        """Delete ended windows, so the table holds only the keys hit within the longest window."""
        if now - self._pruned_at >= PRUNE_EVERY_SECONDS or now < self._pruned_at:
            self._pruned_at = now
            await RateLimitCounter.filter(expires_at__lte=now).delete()
