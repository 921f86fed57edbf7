"""The long-lived service objects of one process, built once from the settings."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.accounts import recipients as citizen_recipients
from app.accounts.live_sessions import LiveSessions
from app.accounts.sign_in_codes import SignInCodes
from app.accounts.staff import StaffSignIn
from app.appointments import reminders as appointment_reminders
from app.appointments.services import AppointmentService
from app.assistant.catalogue_index import CatalogueIndex
from app.assistant.conversations import ConversationStore, DatabaseConversations, RedisConversations
from app.assistant.service import Assistant
from app.clock import Clock, system_clock
from app.counter.services import CounterDesk
from app.delegation import reminder_kinds as delegation_reminder_kinds
from app.delegation.services import Delegation
from app.documents.scanning import ClamdScanner
from app.documents.services import DocumentService
from app.documents.storage.base import DocumentStorage
from app.documents.storage.configured import build_storage
from app.documents.uploads import UploadLimits, UploadService
from app.dossiers import digest as staff_digest
from app.dossiers import reminder_kinds as dossier_reminder_kinds
from app.dossiers.services import DossierService
from app.drafts import reminders as draft_reminders
from app.drafts.services import DraftRules, DraftService
from app.events import EventBus, build_event_bus
from app.persisted_queries import PersistedQueryStore, build_query_store
from app.portal_sync.reconciliation import RECONCILE_AT as PORTAL_RECONCILE_AT
from app.portal_sync.wiring import PortalSync, build_portal_sync
from app.profiles.identity_sources import IdentityProvider, build_identity_provider
from app.profiles.prefill import FormPrefill, default_prefill
from app.rate_limits.database_storage import DatabaseStorage
from app.rate_limits.limiter import Limit, RateLimiter
from app.rate_limits.redis_storage import redis_storage
from app.ratings import reminders as rating_reminders
from app.results.services import ResultService
from app.settings import PROJECT_ROOT, Settings
from app.sms import HttpSmsSender, LogSmsSender, SmsSender
from geo.gazetteer import GazetteerGeocoder
from geo.geocoding import Geocoder, GeocoderChain, NominatimGeocoder
from geo.nearest import NearestCentres
from geo.routing import EstimateEngine, OsrmEngine
from notifications.push import PushSender, build_push_sender
from notifications.scheduler import build_scheduler
from notifications.sweep import Sweep
from payments import reminders as payment_reminders
from payments.reconciliation import INTERVAL as RECONCILIATION_INTERVAL
from payments.reconciliation import reconcile_payments
from payments.services import PaymentService
from payments.wiring import build_payment_service

DRAFT_PRUNING_INTERVAL = timedelta(hours=1)

# What notifications need from the domains (how each reminder kind is checked and filled, who a citizen is),
# registered by these modules when imported: here, so that every process that sends has them all.
NOTIFICATION_SOURCES = (
    citizen_recipients,
    dossier_reminder_kinds,
    staff_digest,
    appointment_reminders,
    rating_reminders,
    payment_reminders,
    draft_reminders,
    delegation_reminder_kinds,
)


UPLOAD_UPKEEP_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class Services:
    """What resolvers and jobs need beyond the database."""

    settings: Settings
    clock: Clock
    sms: SmsSender
    rate_limiter: RateLimiter
    sign_in_codes: SignInCodes
    sessions: LiveSessions
    staff_sign_in: StaffSignIn
    bus: EventBus
    dossiers: DossierService
    appointments: AppointmentService
    geocoder: GeocoderChain
    nearest_centres: NearestCentres
    push: PushSender
    sweep: Sweep
    payments: PaymentService
    portal_sync: PortalSync
    assistant: Assistant
    sms_questions: Limit
    persisted_queries: PersistedQueryStore
    results: ResultService
    storage: DocumentStorage
    uploads: UploadService
    documents: DocumentService
    identity_provider: IdentityProvider | None
    prefill: FormPrefill
    drafts: DraftService
    counter: CounterDesk
    delegation: Delegation


def build_services(
    settings: Settings,
    sms: SmsSender | None = None,
    push: PushSender | None = None,
    clock: Clock = system_clock,
) -> Services:
    """Wire the services for `settings`; tests may pass their own SMS and push senders and clock."""
    if sms is None:
        sms = (
            HttpSmsSender(settings.sms_gateway_url, settings.sms_gateway_token)
            if settings.sms_gateway_url
            else LogSmsSender()
        )
    bus = build_event_bus(settings.redis_url)
    rate_limiter = build_rate_limiter(settings, clock)
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    portal_sync = build_portal_sync(settings, clock, worker_id)
    dossiers = DossierService(
        bus,
        rate_limiter,
        Limit.parse("tracking:failed-lookups", settings.tracking_failures_per_code),
        clock,
        portal=portal_sync.writer,
    )
    push = push or build_push_sender(settings.firebase_credentials, settings.fcm_api_base)
    storage = build_storage(settings)
    sign_in_codes = SignInCodes(settings, sms, rate_limiter, clock)
    uploads = build_upload_service(settings, storage, clock)
    return Services(
        settings=settings,
        clock=clock,
        sms=sms,
        rate_limiter=rate_limiter,
        sign_in_codes=sign_in_codes,
        staff_sign_in=StaffSignIn(settings, rate_limiter, clock),
        sessions=LiveSessions(bus, clock),
        bus=bus,
        dossiers=dossiers,
        appointments=AppointmentService(bus, clock),
        geocoder=build_geocoder(settings),
        nearest_centres=NearestCentres(OsrmEngine(settings.osrm_url) if settings.osrm_url else EstimateEngine()),
        push=push,
        sweep=Sweep(
            push,
            sms,
            bus,
            worker_id=worker_id,
            batch_size=settings.reminder_batch_size,
            lanes=settings.reminder_lanes,
            lease=timedelta(seconds=settings.reminder_claim_seconds),
            clock=clock,
        ),
        payments=build_payment_service(settings, dossiers, clock),
        portal_sync=portal_sync,
        assistant=Assistant(CatalogueIndex(clock), build_conversations(settings), settings.province_hotline, clock),
        sms_questions=Limit.parse("sms:questions-per-number", settings.sms_questions_per_number),
        persisted_queries=build_query_store(settings.redis_url),
        results=ResultService(settings, storage, clock, settings.base_url, PROJECT_ROOT / "var"),
        storage=storage,
        uploads=uploads,
        documents=DocumentService(storage, clock),
        identity_provider=build_identity_provider(settings.identity_provider_name),
        prefill=default_prefill(),
        drafts=DraftService(dossiers, draft_rules(settings), clock),
        counter=CounterDesk(dossiers, sign_in_codes, uploads, clock),
        delegation=Delegation(dossiers, storage, clock),
    )


def draft_rules(settings: Settings) -> DraftRules:
    return DraftRules(
        lifetime=timedelta(days=settings.draft_lifetime_days),
        reminder_before=timedelta(days=settings.draft_reminder_days),
        max_per_citizen=settings.max_drafts_per_citizen,
    )


def build_upload_service(settings: Settings, storage: DocumentStorage, clock: Clock) -> UploadService:
    """Uploads staged under UPLOAD_STAGING_DIR, checked, scanned by ClamAV when CLAMD_URL is set."""
    return UploadService(
        storage,
        Path(settings.upload_staging_dir),
        UploadLimits(
            max_bytes=settings.document_max_bytes,
            quota_bytes=settings.document_quota_bytes,
            ttl=timedelta(seconds=settings.upload_ttl_seconds),
        ),
        secret=settings.secret_key,
        base_url=settings.base_url,
        scanner=ClamdScanner(settings.clamd_url) if settings.clamd_url else None,
        checks_in_parallel=settings.document_checks_in_parallel,
        clock=clock,
    )


def build_conversations(settings: Settings) -> ConversationStore:
    """The assistant's conversation context: in Redis when REDIS_URL is set, else in the database."""
    return RedisConversations(settings.redis_url) if settings.redis_url else DatabaseConversations()


def build_rate_limiter(settings: Settings, clock: Clock, redis_key_prefix: str = "qn-limits") -> RateLimiter:
    """Limits shared by every worker: in Redis when REDIS_URL is set, else in the database."""
    if settings.redis_url:
        storage, close = redis_storage(settings.redis_url, redis_key_prefix)
        return RateLimiter(storage, clock, close)
    return RateLimiter(DatabaseStorage(clock), clock)


def build_geocoder(settings: Settings) -> GeocoderChain:
    """Nominatim when NOMINATIM_URL is set, then the offline gazetteer."""
    nominatim: list[Geocoder] = (
        [NominatimGeocoder(settings.nominatim_url, settings.geo_user_agent)] if settings.nominatim_url else []
    )
    return GeocoderChain(*nominatim, GazetteerGeocoder())


def build_job_scheduler(services: Services) -> AsyncIOScheduler:
    """The scheduler of the one process that runs jobs: reminders (sweep, pruning), the staff digest, payment
    reconciliation, pruning expired drafts, and (when configured) delivery to the national portal and its nightly
    reconciliation."""

    async def reconcile() -> None:
        await reconcile_payments(services.payments)

    async def digest() -> None:
        await staff_digest.send_staff_digests(services.clock)

    async def upkeep_uploads() -> None:
        await services.uploads.prune_expired()
        await services.uploads.rescan_quarantined()

    every: dict = {
        "payment-reconciliation": (reconcile, RECONCILIATION_INTERVAL),
        "upload-upkeep": (upkeep_uploads, UPLOAD_UPKEEP_INTERVAL),
        "draft-pruning": (services.drafts.prune_expired, DRAFT_PRUNING_INTERVAL),
    }
    at: dict = {"staff-digest": (digest, staff_digest.DIGEST_AT)}
    portal = services.portal_sync
    if portal.delivery is not None:
        every["portal-sync"] = (portal.delivery.run, timedelta(seconds=services.settings.portal_sync_seconds))
        at["portal-reconciliation"] = (portal.reconcile, PORTAL_RECONCILE_AT)
    return build_scheduler(services.sweep, services.settings.reminder_sweep_seconds, every, at, services.clock)
