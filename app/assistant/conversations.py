"""Conversation context across workers: in the database, or in Redis when REDIS_URL is set.

A conversation remembers only the procedures its last answer was about (at most MAX_REMEMBERED codes), belongs to
whoever started it (a citizen, or nobody when anonymous) and expires TTL after its last question. An unknown,
expired or someone else's id starts a new conversation with a new id.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import redis.asyncio as redis

from app.assistant.models import AssistantConversation

TTL = timedelta(minutes=30)
MAX_REMEMBERED = 3
PRUNE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Conversation:
    """The id to send back and the procedures the previous answer was about."""

    id: str
    procedure_codes: tuple[str, ...] = ()


def new_conversation() -> Conversation:
    return Conversation(secrets.token_hex(16))


class ConversationStore(Protocol):
    async def resume(self, conversation_id: str | None, citizen_id: int | None, now: datetime) -> Conversation:
        """The live conversation of this caller with that id, else a new one."""
        ...

    async def remember(self, conversation: Conversation, citizen_id: int | None, now: datetime) -> None:
        """Keep the conversation's procedures until `now` + TTL."""
        ...

    async def close(self) -> None:
        """Release connections (Redis); the database store needs nothing."""
        ...


class DatabaseConversations:
    """Conversations in the `assistant_conversation` table; expired rows are deleted at most once a minute."""

    def __init__(self) -> None:
        self._pruned_at: datetime | None = None

    async def close(self) -> None:
        return None

    async def resume(self, conversation_id: str | None, citizen_id: int | None, now: datetime) -> Conversation:
        if conversation_id:
            row = await AssistantConversation.get_or_none(id=conversation_id, expires_at__gt=now)
            if row is not None and row.citizen_id == citizen_id:
                return Conversation(row.id, tuple(row.procedure_codes))
        return new_conversation()

    async def remember(self, conversation: Conversation, citizen_id: int | None, now: datetime) -> None:
        values = {
            "citizen_id": citizen_id,
            "procedure_codes": list(conversation.procedure_codes[:MAX_REMEMBERED]),
            "expires_at": now + TTL,
        }
        await AssistantConversation.update_or_create(values, id=conversation.id)
        if self._pruned_at is None or not timedelta(0) <= now - self._pruned_at < PRUNE_EVERY:
            self._pruned_at = now
            await AssistantConversation.filter(expires_at__lte=now).delete()


class RedisConversations:
    """Conversations as Redis keys that expire with the conversation (their own expiry time is checked too)."""

    def __init__(self, url: str, key_prefix: str = "qn-assistant") -> None:
        self._client = redis.Redis.from_url(url)
        self._prefix = key_prefix

    async def close(self) -> None:
        await self._client.aclose()

    async def resume(self, conversation_id: str | None, citizen_id: int | None, now: datetime) -> Conversation:
        if conversation_id:
            raw = await self._client.get(f"{self._prefix}:{conversation_id}")
            if raw is not None:
                stored = json.loads(raw)
                if stored["citizen"] == citizen_id and stored["expires"] > now.timestamp():
                    return Conversation(conversation_id, tuple(stored["codes"]))
        return new_conversation()

    async def remember(self, conversation: Conversation, citizen_id: int | None, now: datetime) -> None:
        stored = {
            "citizen": citizen_id,
            "codes": list(conversation.procedure_codes[:MAX_REMEMBERED]),
            "expires": (now + TTL).timestamp(),
        }
        seconds = int(TTL.total_seconds())
        await self._client.set(f"{self._prefix}:{conversation.id}", json.dumps(stored), ex=seconds)
