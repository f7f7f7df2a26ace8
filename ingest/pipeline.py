"""Upload (stored first, with its status) -> document -> stored candidates (all or nothing, once per content
hash); a curator's accept or reject.

Accepting is the only way a candidate reaches the event log, and it goes through events.store,
citing the document's Source with the candidate's line as locator (or the curator's).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from events import store
from events.domain.dates import InvalidDate, PartialDate
from events.domain.errors import ConflictError, EventError, ValidationError
from events.models import Entity, Event, Organisation, Source

from . import documents, gazetteer, review
from .extract import Assertion, extract
from .models import Candidate, Document, Upload
from .patterns import VALUE_FIELD

# A source's reliability prior by kind, for sources ingest creates.
RELIABILITY = {"official": 0.8, "reference": 0.6, "research": 0.6, "news": 0.5, "editor": 0.9}
EDITABLE = frozenset({"kind", "subject", "payload", "date", "confidence", "expectation", "locator", "note"})


@dataclass(frozen=True)
class IngestResult:
    document: Document
    created: bool  # False: the same bytes were ingested before, nothing was written
    candidates: int
    accepted: int = 0


def ingest(
    data: bytes, *, name: str, organisation: Organisation, published: PartialDate | None = None,
    title: str = "", publisher: str = "", kind: str = "news", ingested_by: str = "ingest",
    auto_accept_above: float | None = None,
) -> IngestResult:
    """Read, extract and store one document with its candidates; raises ValidationError and writes nothing."""
    _check_options(kind, auto_accept_above)
    read = documents.read(data, name)
    existing = Document.objects.filter(source__content_hash=read.content_hash).first()
    if existing is not None:
        return IngestResult(existing, False, existing.candidates.count())
    source = Source.objects.filter(content_hash=read.content_hash).first()  # e.g. a seeded source
    published = published or (source.published if source else None)
    found = extract(
        read.text, gazetteer.from_database(), published, store.vocabulary(organisation),
        organisation.entity.slug if organisation.entity else None,
    )
    try:
        document = _store(read, found, organisation, source, published, title, publisher, kind, ingested_by)
    except IntegrityError:  # the same bytes, ingested concurrently
        return IngestResult(Document.objects.get(source__content_hash=read.content_hash), False, 0)
    accepted = auto_accept(document, auto_accept_above, ingested_by) if auto_accept_above is not None else 0
    return IngestResult(document, True, len(found), accepted)


@transaction.atomic
def _store(read, found: list[Assertion], organisation, source, published, title, publisher, kind, ingested_by) -> Document:
    if source is None:
        source = Source.objects.create(
            key=f"ingest-{read.content_hash[:16]}", title=(title or read.name or "untitled document")[:500],
            publisher=publisher[:200], kind=kind, reliability=RELIABILITY[kind], content_hash=read.content_hash,
            published=published,
        )
    document = Document.objects.create(
        organisation=organisation, source=source, file_name=(read.name or "document")[:255], text=read.text,
        encoding=read.encoding, ingested_by=ingested_by, published=published,
        status=Document.Status.PENDING if found else Document.Status.EMPTY,
    )
    slugs = {a.subject.slug for a in found if a.subject}
    entities = Entity.objects.in_bulk(slugs, field_name="slug")
    Candidate.objects.bulk_create([_candidate(document, a, entities) for a in found])
    return document


def _candidate(document: Document, found: Assertion, entities: Mapping[str, Entity]) -> Candidate:
    return Candidate(
        document=document, kind=found.kind, subject=entities.get(found.subject.slug) if found.subject else None,
        subject_text=found.subject_text[:300], payload=found.payload, date_text=found.date_text[:100],
        confidence=found.confidence, evidence_start=found.start, evidence_end=found.end, line=found.line,
        evidence=found.evidence, expectation=found.expectation, rule=found.rule, date=found.date,
    )


def accept(
    candidate: Candidate, reviewer: str, edits: Mapping[str, Any] | None = None, *,
    second_source: bool = False, new_state: review.NewState | None = None,
) -> Event:
    """Append the candidate (with a curator's edits) as an event; raises ValidationError/ConflictError.

    A fact the log already holds is refused ("already recorded as #25") unless `second_source`: then the
    event is the same fact again, citing this document too. `new_state` creates the state the dataset
    lacked and makes it the subject, in the same transaction.
    """
    edits = dict(edits or {})
    unknown = set(edits) - EDITABLE
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(sorted(EDITABLE))})", field="edits")
    with transaction.atomic():
        candidate = _pending(candidate)
        if new_state is not None:
            edits["subject"] = review.create_state(new_state)
        values = _reviewed_values(candidate, edits)
        source, locator = candidate.document.source, values.get("locator") or review.locator(candidate)
        already = _already_recorded(candidate, values, locator, second_source)
        notes = [f"ingest candidate {candidate.pk}", *([f"edited: {', '.join(sorted(edits))}"] if edits else [])]
        notes += [f"a second source for #{already.seq}"] if already else []
        event = store.append(
            organisation=candidate.document.organisation, kind=values["kind"], subject=values["subject"],
            payload=values["payload"], date=values["date"], source=source, confidence=values["confidence"],
            recorded_by=reviewer, locator=locator, note="; ".join([", ".join(notes), *filter(None, [values.get("note")])]),
        )
        _review(candidate, Candidate.Review.ACCEPTED, reviewer, event=event, reason="edited: " + ", ".join(sorted(edits)) if edits else "")
    return event


def _already_recorded(candidate: Candidate, values: Mapping[str, Any], locator: str, second_source: bool) -> Event | None:
    """The standing event that holds this fact already; refused unless the curator adds a second source for it."""
    field = VALUE_FIELD.get(values["kind"], "")
    date = values["date"] if isinstance(values["date"], PartialDate) else _parsed(values["date"])
    claim = review.Claim(
        candidate.document.organisation_id, values["kind"], values["subject"].pk, values["payload"].get(field),
        date, candidate.document.source_id, locator,
    )
    already = review.recorded(claim)
    if already is None:
        return None
    if not second_source:
        raise ConflictError(
            f"already recorded as #{already.seq}: accept it as a second source for the same fact, or reject it"
        )
    if (already.source_id, already.locator) == (claim.source_id, claim.locator):
        raise ConflictError(f"#{already.seq} already cites {locator} of this source: it cannot be its second source")
    return already


def _parsed(text: str) -> PartialDate | None:
    try:
        return PartialDate.parse(text)
    except InvalidDate:
        return None  # the store refuses it, on the date field


def reject(candidate: Candidate, reviewer: str, reason: str) -> Candidate:
    if not (reason or "").strip():
        raise ValidationError("say why the candidate is rejected", field="reason")
    with transaction.atomic():
        candidate = _pending(candidate)
        _review(candidate, Candidate.Review.REJECTED, reviewer, reason=reason.strip())
    return candidate


def _pending(candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update(of=("self",)).select_related(
        "document__organisation", "document__source", "subject"
    ).get(pk=candidate.pk)
    if locked.status != Candidate.Review.PENDING:
        raise ConflictError(f"candidate {locked.pk} is already {locked.status}")
    return locked


def _reviewed_values(candidate: Candidate, edits: Mapping[str, Any]) -> dict[str, Any]:
    values = {
        "kind": candidate.kind, "subject": candidate.subject, "payload": candidate.payload,
        "date": candidate.date, "confidence": candidate.confidence, "expectation": candidate.expectation,
        **edits,
    }
    if values["expectation"]:
        raise ValidationError(
            "is an expectation, not a fact; accept it with edits (expectation off, the date it happened) once it happened",
            field="expectation",
        )
    if values["subject"] in (None, ""):
        raise ValidationError(f"unresolved: choose the entity the document calls {candidate.subject_text!r}", field="subject")
    if values["date"] in (None, ""):
        raise ValidationError(f"unknown ({candidate.date_text or 'no date in the text'}): give the date", field="date")
    return values  # a date edited as text is read, and refused, by the store


def _review(candidate: Candidate, status: str, reviewer: str, event: Event | None = None, reason: str = "") -> None:
    candidate.status, candidate.reviewed_by, candidate.reviewed_at = status, reviewer, timezone.now()
    candidate.event, candidate.reason = event, reason
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at", "event", "reason"])
    document = candidate.document
    if not document.candidates.filter(status=Candidate.Review.PENDING).exists():
        Document.objects.filter(pk=document.pk).update(status=Document.Status.REVIEWED)


def accept_many(candidates: Iterable[Candidate], reviewer: str) -> tuple[list[Event], dict[int, str]]:
    """Accept each candidate on its own: one refusal does not stop the others. Returns events and refusals."""
    events, refused = [], {}
    for candidate in candidates:
        try:
            events.append(accept(candidate, reviewer))
        except EventError as exc:
            refused[candidate.pk] = str(exc)
    return events, refused


def reject_many(candidates: Iterable[Candidate], reviewer: str, reason: str) -> tuple[int, dict[int, str]]:
    rejected, refused = 0, {}
    for candidate in candidates:
        try:
            reject(candidate, reviewer, reason)
            rejected += 1
        except EventError as exc:
            refused[candidate.pk] = str(exc)
    return rejected, refused


def _check_options(kind: str, auto_accept_above: float | None) -> None:
    if kind not in RELIABILITY:
        raise ValidationError(f"{kind!r} is not a source kind (known: {', '.join(sorted(RELIABILITY))})", field="kind")
    if auto_accept_above is not None:
        _check_threshold(auto_accept_above)


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise ValidationError(f"{threshold!r} is not between 0 and 1", field="auto_accept_above")


def auto_accept(document: Document, threshold: float, reviewer: str) -> int:
    """Accept the document's facts at or above `threshold` that need no curator's choice."""
    _check_threshold(threshold)
    ready = document.candidates.filter(
        status=Candidate.Review.PENDING, expectation=False, subject__isnull=False,
        date_earliest__isnull=False, confidence__gte=threshold,
    )
    events, _refused = accept_many(ready, f"{reviewer} (auto-accept >= {threshold})")
    return len(events)


# Uploads: a file is stored first, then a worker (or `ingest --retry`) ingests it. A worker that died leaves
# its upload running; after this long it is taken up again. An upload that keeps crashing fails after MAX_ATTEMPTS.
STALE_RUNNING = timedelta(minutes=15)
MAX_ATTEMPTS = 3


def store_upload(
    data: bytes, *, name: str, organisation: Organisation, published: PartialDate | None = None, title: str = "",
    publisher: str = "", kind: str = "news", ingested_by: str = "ingest", auto_accept_above: float | None = None,
) -> Upload:
    """Keep the file, queued for ingest. What can never be ingested (empty, binary, too big, bad options)
    is refused here with a ValidationError naming the field, and nothing is stored."""
    _check_options(kind, auto_accept_above)
    documents.read(data, name)
    return Upload.objects.create(
        organisation=organisation, file_name=(name or "document")[:255], content=data, published=published,
        title=title[:500], publisher=publisher[:200], source_kind=kind, ingested_by=ingested_by,
        auto_accept_above=auto_accept_above,
    )


def process_upload(upload_id: int) -> Upload:
    """Ingest a stored upload once: claim it (queued -> running), then mark it done with its document, or
    failed with the reason. An upload another process holds, or one already finished, is left alone.

    A refusal of the content is final (failed); an unexpected error puts the upload back in the queue
    for a later attempt, until MAX_ATTEMPTS, and is raised for the caller to report.
    """
    claimed = Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).update(
        status=Upload.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    upload = Upload.objects.select_related("organisation").get(pk=upload_id)
    if not claimed:
        return upload
    try:
        result = ingest(
            bytes(upload.content), name=upload.file_name, organisation=upload.organisation, published=upload.published,
            title=upload.title, publisher=upload.publisher, kind=upload.source_kind, ingested_by=upload.ingested_by,
            auto_accept_above=upload.auto_accept_above,
        )
    except EventError as exc:
        return _finish(upload, Upload.Status.FAILED, reason=str(exc))
    except Exception as exc:
        again = Upload.Status.QUEUED if upload.attempts < MAX_ATTEMPTS else Upload.Status.FAILED
        _finish(upload, again, reason=f"attempt {upload.attempts} broke off: {type(exc).__name__}: {exc}")
        raise
    document = result.document
    summary = (
        f"{'ingested' if result.created else 'already ingested, nothing written'}: source {document.source.key}, "
        f"document {document.pk}, {result.candidates} candidates, {result.accepted} accepted"
    )
    return _finish(upload, Upload.Status.DONE, reason=summary, document=document)


def _finish(upload: Upload, status: str, reason: str, document: Document | None = None) -> Upload:
    upload.status, upload.reason, upload.document = status, reason, document
    upload.finished_at = timezone.now() if status != Upload.Status.QUEUED else None
    upload.save(update_fields=["status", "reason", "document", "finished_at"])
    return upload


def note_not_enqueued(upload: Upload, why: str) -> None:
    """The broker did not take the upload: it stays queued, saying why, for the periodic retry or `ingest --retry`."""
    upload.reason = f"the broker did not take it ({why}); it waits for the periodic retry or `manage.py ingest --retry`"
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.QUEUED).update(reason=upload.reason)


def waiting_uploads(queued_for: timedelta = timedelta(0)) -> list[int]:
    """Uploads nobody is ingesting: queued for at least `queued_for`, or left running by a worker that died."""
    now = timezone.now()
    stale = Q(status=Upload.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
    if stale_ids := list(Upload.objects.filter(stale).values_list("pk", flat=True)):
        Upload.objects.filter(stale, pk__in=stale_ids).update(status=Upload.Status.QUEUED)
    queued = Upload.objects.filter(status=Upload.Status.QUEUED, uploaded_at__lte=now - queued_for)
    return list(queued.order_by("uploaded_at", "pk").values_list("pk", flat=True))
