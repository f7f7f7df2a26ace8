"""Tamper evidence: each event's hash over its stable content, chained; signed checkpoints of the head; verify both.

Two hash versions share one chain. Version 1 (events recorded before the ledger was versioned)
covers the slugs and key the event cited, frozen for it in LegacyCitation; version 2 covers the
ids of what it cites, which no edit changes. A checkpoint is the head (seq, hash) signed with
settings.LEDGER_KEY: the chain proves each event follows the one before it, the checkpoints
prove where the log ended.
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import records
from .domain.errors import ValidationError
from .domain.replay import EventRecord
from .models import Checkpoint, Event, LegacyCitation

GENESIS_HASH = "0" * 64
CURRENT_VERSION = 2

# The references an event cites, each with the column of the stable id version 2 hashes in place of
# its editable key (the subject's slug, the source's key): derived from the declared fields.
CITED: dict[str, str] = {
    field.name: field.columns[0].split("__")[0] + "_id" for field in records.FIELDS if "__" in field.columns[0]
}
_LEGACY_COLUMNS = tuple(f"legacy_citation__{name}" for name in CITED)
if {field.name for field in LegacyCitation._meta.concrete_fields} - {"event"} != set(CITED):
    raise ImportError(f"events.models.LegacyCitation must hold one key per cited reference: {sorted(CITED)}")

# The tables of the ledger: rows are added, never changed or removed (triggers, and the application's role).
APPEND_ONLY = (Event, Checkpoint, LegacyCitation)


def event_hash(record: EventRecord, prev_hash: str, cited: Mapping[str, Any], version: int = CURRENT_VERSION) -> str:
    """SHA-256 of the previous hash and the record's canonical content (records.to_json), its references
    replaced by `cited` (version 2: their ids; version 1: the keys frozen for it), as JSON with sorted keys."""
    body = json.dumps({**records.to_json(record), **cited}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    prefix = "" if version == 1 else f"v{version}\n"
    return hashlib.sha256(f"{prefix}{prev_hash}\n{body}".encode()).hexdigest()


def stable_citation(event: Event) -> dict[str, Any]:
    """What version 2 hashes for an event's references: their ids."""
    return {name: getattr(event, column) for name, column in CITED.items()}


class Link(NamedTuple):
    """One event as the chain holds it."""

    record: EventRecord
    prev_hash: str
    hash: str
    version: int
    cited: dict[str, Any]  # what the hash covers for the references
    ids: dict[str, Any]  # the references' ids


def chained(batch_size: int = 2000, after: int = 0) -> Iterator[Link]:
    """Every event (after seq `after`) with its link in the chain, in seq order, read in batches."""
    rows = Event.objects.filter(seq__gt=after).order_by("seq").values_list(
        *records.COLUMNS, "prev_hash", "hash", *CITED.values(), *_LEGACY_COLUMNS
    )
    width = len(records.COLUMNS)
    for row in rows.iterator(chunk_size=batch_size):
        ids, legacy = row[width + 2 : width + 2 + len(CITED)], row[width + 2 + len(CITED) :]
        version = 1 if legacy[0] is not None else CURRENT_VERSION
        cited = dict(zip(CITED, legacy if version == 1 else ids))
        yield Link(records.from_row(row), row[width], row[width + 1], version, cited, dict(zip(CITED, ids)))


def link_holds(link: Link, previous: str) -> str:
    """Why the link does not follow `previous`, or "" when it does."""
    if link.prev_hash != previous:
        return "prev_hash does not match the previous event's hash"
    if event_hash(link.record, previous, link.cited, link.version) != link.hash:
        return "content does not match its hash"
    return ""


# Checkpoints


class Head(NamedTuple):
    seq: int
    hash: str


EMPTY_HEAD = Head(0, GENESIS_HASH)


def sign(head: Head, key: str | None = None) -> str:
    """HMAC-SHA256 of a head with LEDGER_KEY: only who holds the key can vouch for a head."""
    message = f"scotimeline ledger head\n{head.seq}\n{head.hash}".encode()
    return hmac.new((key or settings.LEDGER_KEY).encode(), message, hashlib.sha256).hexdigest()


def signature_holds(head: Head, signature: str) -> bool:
    """Signed with LEDGER_KEY, or with a key it replaced (LEDGER_KEY_FALLBACKS)."""
    keys = [settings.LEDGER_KEY, *settings.LEDGER_KEY_FALLBACKS]
    return any(hmac.compare_digest(sign(head, key), str(signature)) for key in keys)


def write_checkpoint(head: Head) -> Checkpoint:
    """Record a signed checkpoint of the head; called inside the append's transaction."""
    return Checkpoint.objects.create(seq=head.seq, hash=head.hash, written_at=timezone.now(), signature=sign(head))


def head_of_log() -> Head:
    last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    return Head(*last) if last else EMPTY_HEAD


# Verifying


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the seq of the first event (or checkpoint) that does not hold
    problem: str = ""
    head: Head = EMPTY_HEAD

    @property
    def ok(self) -> bool:
        return self.broken_at is None


class SignedHead(NamedTuple):
    seq: int
    hash: str
    signature: str
    where: str  # "checkpoint" or where an anchor came from


def verify_chain(batch_size: int = 2000, anchors: Iterable[SignedHead] = ()) -> ChainReport:
    """Recompute the chain and hold it to every checkpoint (and every anchor kept elsewhere): each must
    be signed with LEDGER_KEY and name a head the log passes through, and the log must end at the
    latest checkpoint."""
    pending = heapq.merge(_checkpoints(batch_size), sorted(anchors), key=lambda signed: signed.seq)
    due, latest = next(pending, None), 0
    head, checked = EMPTY_HEAD, 0

    def settle() -> str:
        """Check the signed heads due at the current head; "" when they hold."""
        nonlocal due, latest
        while due is not None and due.seq <= head.seq:
            if not signature_holds(Head(due.seq, due.hash), due.signature):
                return f"the {due.where} at seq {due.seq} is not signed with LEDGER_KEY"
            if due.hash != head.hash:
                return f"the log was rewritten: the {due.where} at seq {due.seq} names another hash"
            latest = max(latest, due.seq) if due.where == "checkpoint" else latest
            due = next(pending, None)
        return ""

    problem = settle()
    if problem:
        return ChainReport(checked, head.seq, problem, head)
    for link in chained(batch_size):
        expected = head.seq + 1
        if link.record.seq != expected:
            return ChainReport(checked, link.record.seq, f"seq {expected} is missing", head)
        problem = link_holds(link, head.hash)
        if problem:
            return ChainReport(checked, link.record.seq, problem, head)
        head, checked = Head(link.record.seq, link.hash), checked + 1
        problem = settle()
        if problem:
            return ChainReport(checked, head.seq, problem, head)
    if due is not None:
        beyond = [due, *pending]  # the signed heads past the log's end: the latest says how much is missing
        forged = next((signed for signed in beyond if not signature_holds(Head(signed.seq, signed.hash), signed.signature)), None)
        if forged is not None:
            return ChainReport(checked, forged.seq, f"the {forged.where} at seq {forged.seq} is not signed with LEDGER_KEY", head)
        return ChainReport(checked, head.seq + 1, f"the log ends at seq {head.seq} but the {beyond[-1].where} at seq "
                           f"{beyond[-1].seq} vouches for more: events were removed", head)
    if latest != head.seq:
        return ChainReport(checked, head.seq, f"no checkpoint covers the head (seq {head.seq}): the last checkpoints were removed", head)
    return ChainReport(checked, head=head)


def _checkpoints(batch_size: int) -> Iterator[SignedHead]:
    rows = Checkpoint.objects.order_by("seq").values_list("seq", "hash", "signature")
    for seq, hash, signature in rows.iterator(chunk_size=batch_size):
        yield SignedHead(seq, hash, signature, "checkpoint")


# The application's database role (PostgreSQL)


def app_role_statements(role: str, password: str | None = None) -> list[tuple[str, list[Any]]]:
    """The statements that make `role` a login role fit to run the application and no more: every
    table read and written, but the ledger's tables only read and appended to (no UPDATE, DELETE,
    TRUNCATE), no ownership (so no ALTER TABLE, no DISABLE TRIGGER) and no superuser (so no
    session_replication_role). Run by the owner after each migrate: new tables get the same rights."""
    name = connection.ops.quote_name(role)
    ledger = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in APPEND_ONLY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = (connection.ops.quote_name(part) for part in cursor.fetchone())
    login = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    statements: list[tuple[str, list[Any]]] = [] if exists else [(f"CREATE ROLE {name}", [])]
    statements.append((f"ALTER ROLE {name} {login}" + (" PASSWORD %s" if password else ""), [password] if password else []))
    statements += [
        (sql, [])
        for sql in (
            f"GRANT CONNECT ON DATABASE {database} TO {name}",
            f"GRANT USAGE ON SCHEMA {schema} TO {name}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
            f"REVOKE UPDATE, DELETE ON {ledger} FROM {name}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",  # UPDATE: an import moves them
        )
    ]
    return statements


def create_app_role(role: str, password: str | None = None) -> None:
    """Create or update the application's role (see app_role_statements); the connection must own the tables."""
    if connection.vendor != "postgresql":
        raise ValueError("the application's role is a PostgreSQL role: DATABASE_URL must point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            raise ValueError(f"{role!r} is the role this command connects as: the application's role must be another one")
        for sql, params in app_role_statements(role, password):
            cursor.execute(sql, params)


# An anchor: signed heads kept in a file outside the database, which its superuser cannot roll back


def write_anchor(path, checkpoint: Checkpoint) -> None:
    line = {"seq": checkpoint.seq, "hash": checkpoint.hash, "signature": checkpoint.signature,
            "written_at": checkpoint.written_at.isoformat()}
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line, sort_keys=True) + "\n")


def read_anchor(path) -> SignedHead:
    """The last signed head of an anchor file."""
    with open(path, encoding="utf-8") as stream:
        lines = [line for line in stream if line.strip()]
    if not lines:
        raise ValidationError("holds no signed head yet (verify_log --checkpoint --anchor writes one)", field="anchor")
    try:
        last = json.loads(lines[-1])
        return SignedHead(int(last["seq"]), str(last["hash"]), str(last["signature"]), f"anchor {path}")
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"its last line is not a signed head ({exc})", field="anchor") from None
