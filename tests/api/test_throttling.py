"""Wrong tokens are throttled per client address; throttle counters live in Redis when REDIS_URL configures it."""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import user_with

WRONG = "0" * 40


@pytest.fixture
def failed_token_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "failed_token": "3/minute"}}


def with_token(token: str, address: str = "198.51.100.7") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_wrong_tokens_past_the_rate_are_429_even_with_the_right_token_next(db, failed_token_rate):
    right = Token.objects.create(user=user_with("editor")).key
    for _ in range(3):
        assert with_token(WRONG).get("/api/").status_code == 401

    response = with_token(right).get("/api/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    assert with_token(right, address="203.0.113.9").get("/api/").status_code == 200  # another address is not held


def test_right_tokens_and_anonymous_requests_are_not_counted(db, failed_token_rate):
    right = Token.objects.create(user=user_with("editor")).key
    for _ in range(10):
        assert with_token(right).get("/api/").status_code == 200
        assert APIClient(REMOTE_ADDR="198.51.100.7").get("/api/").status_code == 200

    assert with_token(WRONG).get("/api/").status_code == 401


def test_a_token_that_is_not_one_authtoken_issues_is_refused_without_a_query(db, failed_token_rate, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = with_token("\x00' OR 1=1 --").get("/api/")

    assert response.status_code == 401


@pytest.fixture
def shared_cache(settings, redis_url):
    """Counters in Redis, as REDIS_URL configures them (scotimeline/settings.py)."""
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "scotimeline-test"}}
    settings.THROTTLE_CACHE = "shared"
    forget_test_keys(redis_url)  # only ours: clear() would flush a database other suites may be using
    yield caches["shared"]
    forget_test_keys(redis_url)


def forget_test_keys(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter("scotimeline-test*"):
        server.delete(key)


@pytest.mark.redis
def test_the_anonymous_limit_is_counted_in_redis_so_every_worker_shares_it(db, settings, shared_cache, redis_url):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "failed_token": None}}
    for _ in range(3):
        assert APIClient().get("/api/").status_code == 200
    caches["default"].clear()  # nothing this process keeps in memory counts

    assert APIClient().get("/api/").status_code == 429
    assert any(b"throttle_anon" in key for key in redis.Redis.from_url(redis_url).keys("scotimeline-test*"))


@pytest.mark.redis
def test_wrong_tokens_are_counted_in_redis(db, failed_token_rate, shared_cache):
    for _ in range(3):
        with_token(WRONG).get("/api/")
    caches["default"].clear()

    assert with_token(WRONG).get("/api/").status_code == 429


def test_an_unreachable_throttle_cache_lets_requests_through(db, settings):
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
    settings.THROTTLE_CACHE = "shared"

    assert APIClient().get("/api/").status_code == 200
    assert with_token(WRONG).get("/api/").status_code == 401


@pytest.mark.redis
def test_concurrent_requests_lose_no_count(db, settings, shared_cache):
    """Workers answering at once each add one (INCR): a read-modify-write count let 163 of 300 through 120/minute."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "50/minute", "failed_token": None}}

    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(lambda _: APIClient().get("/api/").status_code, range(100)))

    assert statuses == {200: 50, 429: 50}
