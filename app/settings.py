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
    # Rate limits shared by every worker (app/rate_limits): `limits` notation, several rates joined by ";".
    trusted_proxies: str = "127.0.0.1"
    sign_in_codes_per_ip: str = "10/minute;60/hour"
    sign_in_codes_per_device: str = "3/10 minutes;10/day"
    staff_sign_in_failures_per_account_and_ip: str = "5/15 minutes"
    staff_sign_in_failures_per_account: str = "20/10 minutes"
    staff_sign_in_failures_per_ip: str = "50/15 minutes"
    tracking_failures_per_code: str = "10/hour"
    # Input limits (see the README's limits table).
    max_graphql_body_bytes: int = 262_144
    max_webhook_body_bytes: int = 1_048_576
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
    def identity_provider_name(self) -> str:
        """The identity source in use: IDENTITY_PROVIDER, else the fake outside production ("none" for none)."""
        if self.identity_provider:
            return self.identity_provider
        return "none" if self.is_production else "fake"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

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
            if self.identity_provider_name == "fake":
                problems.append("IDENTITY_PROVIDER=fake is for development and tests only")
            for name in ("stripe_secret_key", "stripe_publishable_key", "stripe_webhook_secret"):
                if not getattr(self, name):
                    problems.append(f"{name.upper()} is required: fees are collected through Stripe")
        if not 1 <= self.reminder_batch_size <= 100:
            problems.append("REMINDER_BATCH_SIZE must be 1 to 100 (at most one HTTP connection pool in flight)")
        if not 1 <= self.reminder_lanes <= 8:
            problems.append("REMINDER_LANES must be 1 to 8 (each lane holds a database connection at times)")
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
