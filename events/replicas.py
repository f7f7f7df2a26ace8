"""Which database serves a read: the primary, or a streaming replica for a public read-only request.

Where reads go (the router, with `PublicReads` marking requests):
- Everything is written to the primary, and read there too, except during a public read-only
  request: a GET, HEAD or OPTIONS to the API, the feeds or the public pages, without credentials
  (no Authorization header, no session cookie). Its reads go to the replica when DATABASE_REPLICA_URL
  configures one. The admin and every authenticated request (editors read their own writes), the
  commands, Celery tasks and migrations read the primary; a read inside a transaction on the
  primary stays there (it may need that transaction's writes).
- The log head is read on the primary, always (`events.queries.newest_event`): every cache is
  keyed by it (the API's `by_log_head`, the feeds' ETags).

The lag rule. An answer computed during a request that read the head H is filed under H. It must
not come from a replica that has not replayed up to H, or a stale answer would be cached, and
served, under the newest head. So when a request has read H, its next read on the replica first
reads the replica's own head, R (one indexed read, and only when the answer is computed, never
for a cache hit or a 304): if R < H the replica is behind and the rest of the request reads the
primary; if R >= H the replica holds every event up to H (replicas replay in commit order, and
seq order is commit order) and serves the request. Replicas only move forward, so one check per
head is enough.

Reads that are not keyed by the head come from the replica as it is, a few milliseconds behind
at most: reads made before the head (the organisation a parameter names), and requests that never
read it (an event's page, an event by id). Such a request may not yet see an event appended a
moment ago; nothing is cached under a head it has not reached. A feed page below a seq it has
seen (`before=N` when seq N-1 exists) is complete on the replica for the same reason as above.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Max, Model

from events.models import Event

PRIMARY = "default"
REPLICA = "replica"  # the alias scotimeline/settings.py gives DATABASE_REPLICA_URL

# URL namespaces whose safe requests may read a replica: the API, the feeds, the public pages.
PUBLIC = frozenset({"api", "feeds", "events"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Reading:
    """What one request may read from the replica, and what it has learnt of the replica's lag."""

    public: bool = False  # a public read-only request: the replica may serve it
    head: int = 0  # the highest log head the request's answers are filed under (read on the primary)
    replayed: int = 0  # how far the replica was last seen to have replayed
    behind: bool = False  # it had not replayed up to `head`: the rest of the request reads the primary

    def alias(self) -> str:
        if self.behind:
            return PRIMARY
        if self.head > self.replayed:
            self.replayed = _replayed_head()
            if self.replayed < self.head:
                self.behind = True
                return PRIMARY
        return REPLICA


_READING: ContextVar[_Reading | None] = ContextVar("replica_reading", default=None)


def _replayed_head() -> int:
    return Event.objects.using(REPLICA).aggregate(head=Max("seq"))["head"] or 0


def serve_under(head: int) -> None:
    """The current request's answers are filed under this log head, read on the primary: from now
    on the replica serves the request only if it has replayed up to it (the lag rule)."""
    reading = _READING.get()
    if reading is not None and head > reading.head:
        reading.head = head


class ReplicaRouter:
    """Reads of a public read-only request to the replica (lag rule permitting); all else to the primary."""

    def db_for_read(self, model: type[Model], **hints) -> str:
        reading = _READING.get()
        if (
            reading is None
            or not reading.public
            or REPLICA not in settings.DATABASES
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return reading.alias()

    def db_for_write(self, model: type[Model], **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from one may point at one from the other.
        return True if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY  # a replica replays the primary's schema, it is never migrated itself


class PublicReads:
    """Middleware: marks a public read-only request, which the router may send to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _READING.set(_Reading())
        try:
            return self.get_response(request)
        finally:
            _READING.reset(token)

    def process_view(self, request, view, args, kwargs) -> None:
        # Here, not in __call__: the resolved URL says which part of the site the request is for.
        if (
            request.method in SAFE_METHODS
            and request.resolver_match.app_name in PUBLIC
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            _READING.get().public = True
