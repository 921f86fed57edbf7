"""The national portal's integration adapter over HTTP (the one module that talks to it), and its answers.

Sign-in: POST {username, password} to the auth path, answered {"error_code": 0, "session": ...}. Every call then
POSTs {"session", "madonvi", "service", ...} as JSON; "error_code": "00" means done. We add an Idempotency-Key
header (our choice, README) so that a resend after a lost answer has no second effect.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

import httpx

DONE = "00"
MAX_ANSWER_CHARS = 2000


class Outcome(StrEnum):
    """What became of one request."""

    DELIVERED = "delivered"
    REFUSED = "refused"  # the portal rejected the content: retrying the same body cannot help
    FAILED = "failed"  # unreachable, timed out, overloaded or an unreadable answer: try again later


@dataclass(frozen=True)
class PortalAnswer:
    outcome: Outcome
    detail: str = ""
    answer: dict | None = None


@dataclass(frozen=True)
class PortalEndpoints:
    """Where the adapter lives and who we are to it."""

    base_url: str
    auth_path: str
    integration_path: str
    share_path: str
    username: str
    password: str
    unit_code: str


class PortalClient:
    """Sends request bodies to the adapter, signing in when needed; one connection pool per process."""

    def __init__(
        self, endpoints: PortalEndpoints, timeout_seconds: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._endpoints = endpoints
        self._http = httpx.AsyncClient(base_url=endpoints.base_url, timeout=timeout_seconds, transport=transport)
        self._session = ""
        self._signing_in = asyncio.Lock()

    async def close(self) -> None:
        await self._http.aclose()

    async def send(self, body: dict, idempotency_key: str) -> PortalAnswer:
        """POST one body to the integration path."""
        return await self._call(self._endpoints.integration_path, body, {"Idempotency-Key": idempotency_key})

    async def lookup(self, dossier_code: str) -> dict | None:
        """What the portal holds for a dossier (TraCuuHoSo), None when it holds nothing; raises PortalUnavailable."""
        answer = await self._call(self._endpoints.share_path, {"service": "TraCuuHoSo", "mahoso": dossier_code}, {})
        if answer.outcome is not Outcome.DELIVERED or answer.answer is None:
            raise PortalUnavailable(answer.detail)
        found = answer.answer.get("result") or []
        return found[0] if found else None

    async def _call(
        self, path: str, body: dict, headers: dict[str, str], signed_in_again: bool = False
    ) -> PortalAnswer:
        try:
            async with self._signing_in:  # concurrent sends share one sign-in
                if not self._session:
                    await self._sign_in()
            payload = {"session": self._session, "madonvi": self._endpoints.unit_code, **body}
            response = await self._http.post(path, json=payload, headers=headers)
        except (httpx.HTTPError, PortalUnavailable) as error:
            return PortalAnswer(Outcome.FAILED, f"{type(error).__name__}: {error}"[:MAX_ANSWER_CHARS])
        if response.status_code == 401 and not signed_in_again:
            self._session = ""
            return await self._call(path, body, headers, signed_in_again=True)
        return _answer(response)

    async def _sign_in(self) -> None:
        credentials = {"username": self._endpoints.username, "password": self._endpoints.password}
        response = await self._http.post(self._endpoints.auth_path, json=credentials)
        try:
            answer = response.json()
        except ValueError as error:
            raise PortalUnavailable(f"sign-in answered HTTP {response.status_code}") from error
        if response.status_code != 200 or str(answer.get("error_code")) != "0" or not answer.get("session"):
            raise PortalUnavailable(f"sign-in refused: HTTP {response.status_code} {str(answer)[:200]}")
        self._session = answer["session"]


class PortalUnavailable(Exception):
    """The portal could not be asked (network, sign-in or an unreadable answer)."""


def _answer(response: httpx.Response) -> PortalAnswer:
    status = response.status_code
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if status >= 500 or status in (401, 408, 429) or not isinstance(answer, dict):
        return PortalAnswer(Outcome.FAILED, f"HTTP {status}: {response.text[:MAX_ANSWER_CHARS]}")
    if status == 200 and str(answer.get("error_code")) == DONE:
        return PortalAnswer(Outcome.DELIVERED, answer=answer)
    return PortalAnswer(Outcome.REFUSED, f"HTTP {status}: {str(answer)[:MAX_ANSWER_CHARS]}", answer)
