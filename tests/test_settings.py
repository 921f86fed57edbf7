"""Configuration from the environment, and refusing unsafe production settings."""

from __future__ import annotations

import pytest

from app.settings import DEVELOPMENT_SECRET_KEY, SettingsError, load_settings

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "DATABASE_URL": "postgres://app@db.internal:5432/dichvucong",
    "SMS_GATEWAY_URL": "https://sms.example.vn/send",
    "FIREBASE_CREDENTIALS": "/run/secrets/firebase.json",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "RESULT_SIGNING_KEY_FILE": "/run/secrets/result-signing.key",
    "RESULT_SIGNING_CERT_FILE": "/run/secrets/result-signing.crt",
    "PUBLIC_BASE_URL": "https://dichvucong.quangninh.gov.vn",
}


def test_development_defaults_need_nothing():
    settings = load_settings({})
    assert settings.app_env == "development" and settings.uses_sqlite
    assert settings.secret_key == DEVELOPMENT_SECRET_KEY
    assert settings.introspection_enabled and settings.graphiql_enabled


def test_values_are_converted_to_their_types():
    settings = load_settings({"PORT": "9000", "GRAPHIQL": "off", "MAX_PAGE_SIZE": "50"})
    assert (settings.port, settings.graphiql, settings.max_page_size) == (9000, False, 50)


@pytest.mark.parametrize(("name", "value"), [("PORT", "eighty"), ("GRAPHIQL", "maybe")])
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_complete_production_settings_start_with_introspection_and_graphiql_off():
    settings = load_settings(PRODUCTION)
    assert settings.is_production
    assert not settings.introspection_enabled and not settings.graphiql_enabled
    enabled = load_settings({**PRODUCTION, "GRAPHQL_INTROSPECTION": "true", "GRAPHIQL": "1"})
    assert enabled.introspection_enabled and enabled.graphiql_enabled


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is the development secret"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
        ({"SMS_GATEWAY_URL": ""}, "SMS_GATEWAY_URL is required"),
        ({"PUBLIC_BASE_URL": "http://dichvucong.quangninh.gov.vn"}, "PUBLIC_BASE_URL must be the https://"),
        ({"FIREBASE_CREDENTIALS": ""}, "FIREBASE_CREDENTIALS is required"),
        ({"REMINDER_BATCH_SIZE": "500"}, "REMINDER_BATCH_SIZE must be 1 to 100"),
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY is required"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET is required"),
        ({"RESULT_SIGNING_KEY_FILE": ""}, "RESULT_SIGNING_KEY_FILE and RESULT_SIGNING_CERT_FILE are required"),
        ({"RESULT_SIGNING_CERT_FILE": ""}, "RESULT_SIGNING_KEY_FILE and RESULT_SIGNING_CERT_FILE are required"),
    ],
)
def test_production_refuses_unsafe_or_missing_settings(change, complaint):
    with pytest.raises(SettingsError, match=complaint):
        load_settings({**PRODUCTION, **change})


def test_production_without_a_secret_lists_every_problem_at_once():
    with pytest.raises(SettingsError) as refused:
        load_settings({"APP_ENV": "production"})
    message = str(refused.value)
    assert "SECRET_KEY" in message and "DATABASE_URL" in message and "SMS_GATEWAY_URL" in message


def test_unknown_environment_is_refused():
    with pytest.raises(SettingsError, match="APP_ENV must be one of"):
        load_settings({"APP_ENV": "staging"})


def test_serve_runs_the_scheduler_only_in_the_embedded_default():
    assert load_settings({}).scheduler_in_process
    assert not load_settings({"REDIS_URL": "redis://127.0.0.1:6379/0"}).scheduler_in_process
    assert not load_settings(PRODUCTION).scheduler_in_process
    assert not load_settings({"RUN_SCHEDULER": "no"}).scheduler_in_process


def test_rate_limits_are_read_in_limits_notation_and_nonsense_is_refused():
    settings = load_settings({"SIGN_IN_CODES_PER_IP": "20/minute;100/hour"})
    assert settings.sign_in_codes_per_ip == "20/minute;100/hour"
    with pytest.raises(SettingsError, match="STAFF_SIGN_IN_FAILURES_PER_ACCOUNT is not a rate limit"):
        load_settings({"STAFF_SIGN_IN_FAILURES_PER_ACCOUNT": "five a minute"})
