"""The long-lived service objects of one process, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.sign_in_codes import SignInCodes
from app.dossiers.services import DossierService
from app.events import EventBus, build_event_bus
from app.settings import Settings
from app.sms import HttpSmsSender, LogSmsSender, SmsSender


@dataclass(frozen=True)
class Services:
    """What resolvers and jobs need beyond the database."""

    settings: Settings
    sms: SmsSender
    sign_in_codes: SignInCodes
    bus: EventBus
    dossiers: DossierService


def build_services(settings: Settings, sms: SmsSender | None = None) -> Services:
    """Wire the services for `settings`; tests may pass their own SMS sender."""
    if sms is None:
        sms = (
            HttpSmsSender(settings.sms_gateway_url, settings.sms_gateway_token)
            if settings.sms_gateway_url
            else LogSmsSender()
        )
    bus = build_event_bus(settings.redis_url)
    return Services(
        settings=settings,
        sms=sms,
        sign_in_codes=SignInCodes(settings, sms),
        bus=bus,
        dossiers=DossierService(bus),
    )
