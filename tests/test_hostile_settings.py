"""Secrets: with DEBUG off the settings refuse a weak SECRET_KEY; production settings pass `check --deploy`."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from scotimeline.settings import REPOSITORY_KEYS, secret_key_weakness

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FROM_ENVIRONMENT = (
    "DEBUG", "SECRET_KEY", "DATABASE_URL", "DATABASE_REPLICA_URL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "ALLOWED_HOSTS", "REDIS_URL",
)


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process whose settings come from `environment` alone (nothing the suite's run was given)."""
    inherited = {k: v for k, v in os.environ.items() if k not in SETTINGS_FROM_ENVIRONMENT}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "scotimeline.settings", **environment},
    )


@pytest.mark.parametrize(
    "key, weakness",
    [("", "is not set"), ("x", "shorter than 50"), ("ab" * 40, "fewer than 5 different"),
     ("django-insecure-" + secrets.token_urlsafe(50), "django-insecure-"),
     *((key, "written in the repository") for key in sorted(REPOSITORY_KEYS))],
)
def test_a_weak_key_is_named_for_what_makes_it_weak(key, weakness):
    assert weakness in secret_key_weakness(key)


def test_a_random_key_is_strong():
    assert secret_key_weakness(secrets.token_urlsafe(50)) is None


@pytest.mark.parametrize("key", [None, "x", "embedded-mode-only-insecure-key"])
def test_with_debug_off_a_weak_or_missing_key_stops_the_settings_with_a_clear_message(key):
    finished = manage("check", **({} if key is None else {"SECRET_KEY": key}))

    assert finished.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in finished.stderr
    assert "token_urlsafe" in finished.stderr  # it says how to make a good one


def test_any_strong_key_from_the_environment_is_accepted_and_debug_needs_none():
    assert manage("check", SECRET_KEY=secrets.token_urlsafe(50)).returncode == 0
    assert manage("check", DEBUG="1").returncode == 0


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    finished = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="scotimeline.example.org",
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "no issues" in finished.stdout
