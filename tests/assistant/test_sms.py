"""Inbound SMS: the gateway's token, "HS <code> <secret>", questions, help text, limits, replies by the gateway."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from app.assistant.sms_replies import HELP, NOT_FOUND, TWO_SEGMENTS, sms_text
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from app.rate_limits.limiter import Limit
from app.sms import HttpSmsSender
from app.working_days import LOCAL_TZ
from tests.fakes.sms_gateway import TOKEN, sms_gateway

INBOUND_TOKEN = "inbound-test-token"
PHONE = "+84912000333"


@pytest.fixture
async def sms_app(app, client, catalogue):
    """The app with the inbound token, a 3-messages limit, and replies through a fake gateway on 127.0.0.1."""
    services = app.state.services
    configured = replace(services.settings, sms_inbound_token=INBOUND_TOKEN)
    with sms_gateway() as (url, gateway):
        app.state.services = replace(
            services,
            settings=configured,
            sms=HttpSmsSender(url, TOKEN),
            sms_questions=Limit.parse("sms:questions-per-number", "3/hour"),
        )
        try:
            yield client, gateway
        finally:
            app.state.services = services


async def send(http, text: str, token: str = INBOUND_TOKEN, phone: str = PHONE) -> httpx.Response:
    return await http.post(
        "/webhooks/sms", json={"from": phone, "text": text}, headers={"Authorization": f"Bearer {token}"}
    )


async def test_without_the_gateway_token_nothing_is_answered(sms_app):
    http, gateway = sms_app
    assert (await send(http, "dang ky ket hon", token="wrong")).status_code == 401
    assert gateway.messages == []


async def test_tracking_by_code_and_secret(app, sms_app, dossier, cast):
    http, gateway = sms_app
    assert (await send(http, f"hs {dossier.code} {dossier.tracking_secret}")).json() == {"replied": True}
    reply = gateway.messages[-1]
    assert reply == {"to": PHONE, "text": f"Ho so {dossier.code}: Cho tiep nhan, chua co ngay hen tra."}
    received = await app.state.services.dossiers.change_status(
        dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id)
    )
    await send(http, f"HS {dossier.code} {dossier.tracking_secret}")
    due = received.due_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")
    assert gateway.messages[-1]["text"] == f"Ho so {dossier.code}: Da tiep nhan, hen tra {due}."
    await send(http, f"HS {dossier.code} WRONG1")
    assert gateway.messages[-1]["text"] == NOT_FOUND


async def test_a_question_gets_the_short_answer_without_diacritics(sms_app):
    http, gateway = sms_app
    await send(http, "đăng ký kết hôn mất bao nhiêu tiền")
    text = gateway.messages[-1]["text"]
    assert text.startswith("Thu tuc dang ky ket hon (1.000894).") and "Le phi: mien phi." in text
    assert text.isascii() and len(text) <= TWO_SEGMENTS


async def test_malformed_commands_and_empty_messages_get_the_help_text(sms_app):
    http, gateway = sms_app
    await send(http, "HS 123")
    await send(http, "   ")
    assert [m["text"] for m in gateway.messages] == [HELP, HELP]


async def test_each_number_is_limited(sms_app):
    http, gateway = sms_app
    for _ in range(3):
        assert (await send(http, "HS")).json() == {"replied": True}
    assert (await send(http, "HS")).json() == {"replied": False, "reason": "rate_limited"}
    assert (await send(http, "HS", phone="+84912000444")).json() == {"replied": True}
    assert len(gateway.messages) == 4


def test_long_replies_fit_two_segments():
    text = sms_text("Thủ tục " * 100)
    assert len(text) == TWO_SEGMENTS and text.endswith("...") and text.isascii()


async def test_tracking_by_sms_shares_the_failed_lookup_limit_of_track_dossier(app, sms_app, dossier):
    http, gateway = sms_app
    allowed = app.state.services.settings.tracking_failures_per_code.split("/")[0]
    for attempt in range(int(allowed)):
        await send(http, f"HS {dossier.code} WRONG{attempt}", phone=f"+849120005{attempt:02d}")
    await send(http, f"HS {dossier.code} {dossier.tracking_secret}", phone="+84912000599")
    assert gateway.messages[-1]["text"] == NOT_FOUND
