"""Concurrent writers over HTTP: threads POSTing /api/events/ to gunicorn, then a check of the chain they made."""
from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from urllib.parse import urlsplit

from ..bench_api import serve
from .generator import World
from .timing import Timing


def editor_token() -> str:
    from django.contrib.auth.models import Permission, User
    from rest_framework.authtoken.models import Token

    user, _ = User.objects.get_or_create(username="bench-writer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_event", "correct_event", "retract_event"]))
    return Token.objects.get_or_create(user=user)[0].key


def concurrent_writers(world: World, url: str, writers: int, seconds: float) -> dict:
    """`writers` threads POST membership events to gunicorn (as many sync workers) for a fixed time:
    first spread over the organisation's states (after 15 such claims a writer as warm-up: a sync worker's
    first requests import and prepare what it needs), then all about one state,
    the issue's case. Then the chain of everything they appended is checked."""
    from django.db import connection

    from events.models import Event

    token = editor_token()
    organisation = next(o for o in world.organisations if Event.objects.filter(organisation__slug=o.slug).exists())
    head = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    connection.close()  # gunicorn's workers take the database from here
    server, base = serve(url, writers)
    post = _poster(urlsplit(base).port, token, organisation)
    try:
        _, warm = _writing(post, organisation.members, writers, seconds=60, each=15)
        found = {
            "many subjects": _writing(post, organisation.members, writers, seconds)[0],
            "one subject": _writing(post, organisation.members[:1], writers, seconds)[0],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    appended, chained = _chain_since(*head)
    created = warm + sum(scenario["created"] for scenario in found.values())
    return {**found, "writers": writers, "appended_events": appended, "chain_ok": chained and appended == created}


def _poster(port: int, token: str, organisation) -> Callable[[int, str], int]:
    """POST /api/events/: claim `n` about `subject`, a day and a status of its own; the answer's status (0: no answer)."""
    statuses = ("member", "observer", "dialogue_partner")
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}

    def post(n: int, subject: str) -> int:
        body = json.dumps({
            "organisation": organisation.slug, "kind": "membership.status", "subject": subject,
            "payload": {"status": statuses[n % 3]}, "date": (date(1990, 1, 1) + timedelta(days=n)).isoformat(),
            "source": organisation.sources[0], "confidence": 0.9, "locator": f"claim {n}",
        })
        try:
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            client.request("POST", "/api/events/", body, headers)
            response = client.getresponse()
            response.read()
            client.close()
            return response.status
        except OSError:
            return 0

    return post


_CLAIMS = iter(range(10**9))  # every claim a new day, across every run of the writers


def _writing(post: Callable[[int, str], int], subjects: tuple[str, ...], writers: int, seconds: float,
             each: int | None = None) -> tuple[dict, int]:
    """`writers` threads posting claims about `subjects` in turn for `seconds` (or until each has posted `each`):
    the figures, and how many were created."""
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def write() -> None:
        for _ in range(each or 10**9):
            if time.monotonic() > until:
                break
            with lock:
                n = next(_CLAIMS)
            started = time.perf_counter()
            status = post(n, subjects[n % len(subjects)])
            with lock:
                answers.append((status, time.perf_counter() - started))

    started = time.perf_counter()
    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    statuses = Counter(status for status, _ in answers)
    return {
        "subjects": len(subjects), "seconds": elapsed, "appends_per_s": statuses[201] / elapsed, "created": statuses[201],
        "non_2xx": sum(n for s, n in statuses.items() if s and not 200 <= s < 300), "errors": statuses[0],
        "latency": asdict(Timing.of([seconds for _, seconds in answers])) if answers else None,
    }, statuses[201]


def _chain_since(seq: int, previous: str) -> tuple[int, bool]:
    """How many events follow `seq`, and whether they are consecutive and each chains to the one before."""
    from events.integrity import chained as links
    from events.integrity import link_holds

    chained, count = True, 0
    for count, link in enumerate(links(after=seq), 1):
        chained &= link.record.seq == seq + count and not link_holds(link, previous)
        previous = link.hash
    return count, chained
