"""An SMS sender that keeps messages in memory, or fails on demand."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.sms import SmsDeliveryError


@dataclass
class RecordingSmsSender:
    """Records every message; set `failing` to make sends fail like an unreachable gateway."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    failing: bool = False

    async def send(self, phone: str, text: str) -> None:
        if self.failing:
            raise SmsDeliveryError("gateway down (test)")
        self.messages.append((phone, text))

    def last_code(self, phone: str) -> str:
        """The 6-digit code of the last message to `phone`."""
        text = next(text for to, text in reversed(self.messages) if to == phone)
        match = re.search(r"\b(\d{6})\b", text)
        assert match, text
        return match.group(1)
