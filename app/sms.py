"""Sending text messages: a log sender for development and an HTTP gateway client for production."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    """The gateway did not accept the message."""


class SmsSender(Protocol):
    """Delivers one text message to one E.164 phone number."""

    async def send(self, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Development sender: writes the message to the log instead of sending it."""

    async def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


class HttpSmsSender:
    """Posts `{"to", "text"}` as JSON with a bearer token to an SMS gateway; non-2xx answers fail."""

    def __init__(self, url: str, token: str, timeout_seconds: float = 10.0) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = timeout_seconds

    async def send(self, phone: str, text: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self._url, json={"to": phone, "text": text}, headers=self._headers)
        except httpx.HTTPError as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {exc}") from exc
        if not response.is_success:
            raise SmsDeliveryError(f"SMS gateway answered {response.status_code}")
