"""A push sender that records messages and answers with scripted outcomes per token prefix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notifications.push import PushMessage, PushOutcome, PushResult

OUTCOME_BY_PREFIX = {"dead-": PushOutcome.DEAD_TOKEN, "busy-": PushOutcome.TRANSIENT, "bad-": PushOutcome.REJECTED}


@dataclass
class RecordingPushSender:
    """Records every message; tokens starting dead-, busy- or bad- fail that way, the rest succeed."""

    sent: list[PushMessage] = field(default_factory=list)
    calls: int = 0
    in_flight_limit: int = 100

    async def ready(self) -> bool:
        return True

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        self.calls += 1
        results = []
        for message in messages:
            outcome = next((o for p, o in OUTCOME_BY_PREFIX.items() if message.token.startswith(p)), PushOutcome.SENT)
            if outcome is PushOutcome.SENT:
                self.sent.append(message)
            results.append(PushResult(message.token, outcome, "" if outcome is PushOutcome.SENT else outcome.value))
        return results

    async def close(self) -> None:
        return None
