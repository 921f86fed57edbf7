"""Which gateway this process uses: Stripe when STRIPE_SECRET_KEY is set, else the simulated one (development;
production refuses to start without Stripe keys)."""

from __future__ import annotations

from app.clock import Clock
from app.dossiers.services import DossierService
from app.settings import Settings
from payments.gateway import PaymentGateway
from payments.services import PaymentService
from payments.simulated_gateway import SimulatedGateway
from payments.stripe_gateway import StripeGateway


def build_gateway(settings: Settings, clock: Clock) -> PaymentGateway:
    if not settings.stripe_secret_key:
        return SimulatedGateway(clock)
    return StripeGateway(
        settings.stripe_secret_key,
        settings.stripe_publishable_key,
        settings.stripe_webhook_secret,
        settings.stripe_api_base,
    )


def build_payment_service(settings: Settings, dossiers: DossierService, clock: Clock) -> PaymentService:
    return PaymentService(build_gateway(settings, clock), dossiers, clock)
