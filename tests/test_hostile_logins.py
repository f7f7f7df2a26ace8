"""A password guesser is stopped: django-axes locks the admin login after AXES_FAILURE_LIMIT failures.

Without REDIS_URL the failures are kept in the database (shared by every worker); with it, in Redis.
"""
from __future__ import annotations

import pytest
import redis
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.models import User
from django.test import Client

PASSWORD = "the-right-password-at-last"


@pytest.fixture
def boss(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: this is not about hashing
    return User.objects.create_superuser("boss", password=PASSWORD)


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False


def log_in(password: str, address: str = "198.51.100.7", username: str = "boss"):
    return Client(REMOTE_ADDR=address).post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_after_the_failure_limit_even_the_right_password_is_refused(boss, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in("wrong").status_code == 200  # the form again, with its error
    assert log_in("wrong").status_code == 429  # the failure that reaches the limit locks

    locked = log_in(PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_another_address_is_not_locked_out(boss, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("wrong")

    assert log_in(PASSWORD, address="203.0.113.9").status_code == 302  # logged in, sent on


def test_guessing_many_usernames_from_one_address_is_locked_out_too(boss, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in("wrong", username=f"someone-{number}")

    assert log_in(PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_count(boss, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("wrong")
    assert log_in(PASSWORD).status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("wrong")
    assert log_in(PASSWORD).status_code == 302


@pytest.fixture
def failures_in_redis(settings, redis_url):
    """The configuration REDIS_URL gives (scotimeline/settings.py): axes counts in the shared cache."""
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "scotimeline-axes-test"}}
    settings.AXES_CACHE = "shared"
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    AxesProxyHandler.get_implementation(force=True)
    server = redis.Redis.from_url(redis_url)
    yield server
    for key in server.scan_iter("scotimeline-axes-test*"):
        server.delete(key)
    settings.AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    AxesProxyHandler.get_implementation(force=True)


@pytest.mark.redis
def test_with_redis_the_lockout_is_counted_in_redis(boss, settings, failures_in_redis):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("wrong")

    assert log_in(PASSWORD).status_code == 429
    assert list(failures_in_redis.scan_iter("scotimeline-axes-test*"))
