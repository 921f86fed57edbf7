"""All configuration, read from the environment, with defaults that work on a bare development machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
ENVIRONMENTS = ("development", "test", "production")
RATE_LIMIT_SETTINGS = (
    "sign_in_codes_per_ip",
    "sign_in_codes_per_device",
    "staff_sign_in_failures_per_account_and_ip",
    "staff_sign_in_failures_per_account",
    "staff_sign_in_failures_per_ip",
    "tracking_failures_per_code",
    "sms_questions_per_number",
)


class SettingsError(RuntimeError):
    """The environment holds a setting the service refuses to run with."""


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class Settings:
    """The service's configuration; each field is the environment variable of the same name in upper case."""

    app_env: str = "development"
    database_url: str = f"sqlite://{PROJECT_ROOT / 'var' / 'app.sqlite3'}"
    redis_url: str = ""
    secret_key: str = DEVELOPMENT_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_format: str = "text"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_days: int = 30
    sign_in_code_ttl_seconds: int = 300
    sign_in_code_max_attempts: int = 5
    sign_in_code_resend_seconds: int = 60
    sign_in_codes_per_hour: int = 5
    max_query_depth: int = 10
    max_page_size: int = 100
    graphql_introspection: bool | None = None
    graphiql: bool | None = None
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""
    osrm_url: str = ""
    nominatim_url: str = ""
    geo_user_agent: str = "dichvucong-quangninh/0.1 (public administration service centres app)"
    firebase_credentials: str = ""
    fcm_api_base: str = "https://fcm.googleapis.com"
    reminder_batch_size: int = 100
    reminder_lanes: int = 3
    reminder_claim_seconds: int = 60
    reminder_sweep_seconds: int = 1
    run_scheduler: bool | None = None
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    # The national portal's adapter (app/portal_sync): sync is off unless URL, username and unit code are set.
    portal_sync_url: str = ""
    portal_auth_path: str = "/auth"
    portal_integration_path: str = "/integration"
    portal_share_path: str = "/share"
    portal_username: str = ""
    portal_password: str = ""
    portal_unit_code: str = ""
    portal_sync_seconds: int = 2
    portal_sync_batch_size: int = 50
    portal_sync_claim_seconds: int = 60
    portal_sync_timeout_seconds: int = 15
    portal_sync_retry_seconds: int = 10
    portal_sync_max_retry_seconds: int = 3600
    portal_reconcile_days: int = 7
    # Rate limits shared by every worker (app/rate_limits): `limits` notation, several rates joined by ";".
    trusted_proxies: str = "127.0.0.1"
    sign_in_codes_per_ip: str = "10/minute;60/hour"
    sign_in_codes_per_device: str = "3/10 minutes;10/day"
    staff_sign_in_failures_per_account_and_ip: str = "5/15 minutes"
    staff_sign_in_failures_per_account: str = "20/10 minutes"
    staff_sign_in_failures_per_ip: str = "50/15 minutes"
    tracking_failures_per_code: str = "10/hour"
    sms_questions_per_number: str = "5/10 minutes;30/day"
    # The assistant (app/assistant) and the inbound SMS endpoint.
    province_hotline: str = ""
    sms_inbound_token: str = ""
    # Documents (app/documents): where bytes live, how uploads are received and checked.
    public_base_url: str = ""
    document_storage_url: str = ""
    documents_dir: str = str(PROJECT_ROOT / "var" / "documents")
    upload_staging_dir: str = str(PROJECT_ROOT / "var" / "uploads")
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    upload_ttl_seconds: int = 3600
    signed_link_ttl_seconds: int = 300
    document_max_bytes: int = 10 * 1024 * 1024
    document_quota_bytes: int = 200 * 1024 * 1024
    document_checks_in_parallel: int = 2
    clamd_url: str = ""
    # Input limits (see the README's limits table).
    max_graphql_body_bytes: int = 262_144
    max_webhook_body_bytes: int = 1_048_576
    # The API contract (README, "Trusted documents").
    trusted_documents_only: bool | None = None
    automatic_persisted_queries: bool = True
    # Telemetry (README, "Telemetry").
    metrics_token: str = ""
    otel_exporter_otlp_endpoint: str = ""
    otel_service_name: str = "dichvucong-api"
    # Signed e-results (app/results): the province's PAdES key and certificate (PEM files).
    result_signing_key_file: str = ""
    result_signing_cert_file: str = ""
    max_result_bytes: int = 20_971_520
    # Profiles and drafts (README: forms that fill themselves, drafts).
    identity_provider: str = ""
    draft_lifetime_days: int = 30
    draft_reminder_days: int = 3
    max_drafts_per_citizen: int = 20

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def introspection_enabled(self) -> bool:
        return not self.is_production if self.graphql_introspection is None else self.graphql_introspection

    @property
    def graphiql_enabled(self) -> bool:
        return not self.is_production if self.graphiql is None else self.graphiql

    @property
    def trusted_documents_required(self) -> bool:
        """Only the manifest's operations run (by id, APQ hash or their exact text): on in production by default."""
        return self.is_production if self.trusted_documents_only is None else self.trusted_documents_only

    @property
    def base_url(self) -> str:
        """Where clients reach this service (signed links start with it)."""
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def identity_provider_name(self) -> str:
        """The identity source in use: IDENTITY_PROVIDER, else the fake outside production ("none" for none)."""
        if self.identity_provider:
            return self.identity_provider
        return "none" if self.is_production else "fake"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def portal_sync_enabled(self) -> bool:
        """Dossiers are pushed to the national portal only when it is configured."""
        return bool(self.portal_sync_url and self.portal_username and self.portal_unit_code)

    @property
    def scheduler_in_process(self) -> bool:
        """`serve` runs the reminder scheduler itself only in the embedded single-process default."""
        embedded = self.uses_sqlite and not self.redis_url
        return embedded if self.run_scheduler is None else self.run_scheduler

    def validate(self) -> None:
        """Refuse settings that are unsafe or incomplete for the chosen environment."""
        problems = []
        if self.app_env not in ENVIRONMENTS:
            problems.append(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.app_env!r}")
        if self.is_production:
            if self.secret_key == DEVELOPMENT_SECRET_KEY:
                problems.append("SECRET_KEY is the development secret; set a random value of 32+ characters")
            elif len(self.secret_key) < 32:
                problems.append("SECRET_KEY must be at least 32 characters long")
            if self.uses_sqlite:
                problems.append("DATABASE_URL must point at PostgreSQL (SQLite is for development only)")
            if not self.sms_gateway_url:
                problems.append("SMS_GATEWAY_URL is required: citizens cannot receive sign-in codes without it")
            if not self.firebase_credentials:
                problems.append("FIREBASE_CREDENTIALS is required: without it no push notification is sent")
            if not (self.result_signing_key_file and self.result_signing_cert_file):
                problems.append(
                    "RESULT_SIGNING_KEY_FILE and RESULT_SIGNING_CERT_FILE are required: results are signed with the"
                    " province's certificate, never the generated development pair"
                )
            if not self.public_base_url.startswith("https://"):
                problems.append("PUBLIC_BASE_URL must be the https:// address clients reach (signed document links)")
            if self.identity_provider_name == "fake":
                problems.append("IDENTITY_PROVIDER=fake is for development and tests only")
            for name in ("stripe_secret_key", "stripe_publishable_key", "stripe_webhook_secret"):
                if not getattr(self, name):
                    problems.append(f"{name.upper()} is required: fees are collected through Stripe")
        if self.portal_sync_url and not (self.portal_username and self.portal_password and self.portal_unit_code):
            problems.append("PORTAL_SYNC_URL needs PORTAL_USERNAME, PORTAL_PASSWORD and PORTAL_UNIT_CODE")
        if not 1 <= self.portal_sync_batch_size <= 500:
            problems.append("PORTAL_SYNC_BATCH_SIZE must be 1 to 500")
        if not 1 <= self.reminder_batch_size <= 100:
            problems.append("REMINDER_BATCH_SIZE must be 1 to 100 (at most one HTTP connection pool in flight)")
        if not 1 <= self.reminder_lanes <= 8:
            problems.append("REMINDER_LANES must be 1 to 8 (each lane holds a database connection at times)")
        if self.document_storage_url and not self.document_storage_url.startswith("s3://"):
            problems.append("DOCUMENT_STORAGE_URL must be empty (local files) or s3://bucket[/prefix]")
        if not 1 <= self.document_checks_in_parallel <= 16:
            problems.append("DOCUMENT_CHECKS_IN_PARALLEL must be 1 to 16 (each check may decode a large image)")
        if self.identity_provider_name not in ("none", "fake"):
            problems.append("IDENTITY_PROVIDER must be empty, 'none' or 'fake' (no real integration exists yet)")
        if not 1 <= self.draft_reminder_days < self.draft_lifetime_days:
            problems.append("DRAFT_REMINDER_DAYS must be at least 1 and below DRAFT_LIFETIME_DAYS")
        if not 1 <= self.max_drafts_per_citizen <= 100:
            problems.append("MAX_DRAFTS_PER_CITIZEN must be 1 to 100")
        for name in RATE_LIMIT_SETTINGS:
            try:
                parse_many(getattr(self, name))
            except ValueError:
                problems.append(f"{name.upper()} is not a rate limit such as '5/15 minutes' or '10/minute;60/hour'")
        if problems:
            raise SettingsError("Refusing to start:\n  - " + "\n  - ".join(problems))


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (upper-case field names), converting each to its type."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in fields(Settings):
        raw = environ.get(field.name.upper())
        if raw is None:
            continue
        kind = str(field.type)
        try:
            if kind == "int":
                values[field.name] = int(raw)
            elif kind.startswith("bool"):
                values[field.name] = _flag(raw)
            else:
                values[field.name] = raw
        except ValueError as exc:
            raise SettingsError(f"{field.name.upper()}: {exc}") from None
    settings = Settings(**values)
    settings.validate()
    return settings
