"""Ingested documents and the candidate assertions found in them, waiting for a curator."""
from __future__ import annotations

from django.db import models

from events.models import Entity, Event, Organisation, PartialDateField, Source

from .patterns import VALUE_FIELD


class Document(models.Model):
    """One ingested file: its text is kept so candidates can show their evidence in context."""

    class Status(models.TextChoices):
        PENDING = "pending", "candidates wait for review"
        REVIEWED = "reviewed", "every candidate reviewed"
        EMPTY = "empty", "no candidates found"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="documents")
    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="document")
    file_name = models.CharField(max_length=255)
    text = models.TextField()
    encoding = models.CharField(max_length=20, blank=True)
    # When it was published; null = unknown (relative dates in it then stay unresolved).
    published = PartialDateField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    ingested_by = models.CharField(max_length=150)
    ingested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ingested_at"]

    def __str__(self) -> str:
        return self.file_name


class Candidate(models.Model):
    """One assertion ingest proposes; a curator's accept appends it to the event log through events.store."""

    class Review(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="candidates")
    kind = models.CharField(max_length=64, db_index=True)
    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_text = models.CharField(max_length=300, help_text="The subject as the document writes it.")
    payload = models.JSONField(default=dict, blank=True)
    # Null when the text's date needed a publication date nobody gave.
    date = PartialDateField(null=True)
    date_text = models.CharField(max_length=100, blank=True, help_text="The date as the document writes it.")
    confidence = models.FloatField()
    evidence_start = models.PositiveIntegerField()
    evidence_end = models.PositiveIntegerField()
    line = models.PositiveIntegerField()
    evidence = models.TextField()
    expectation = models.BooleanField(default=False, help_text="Expected or pending, not a fact: never accepted as is.")
    rule = models.CharField(max_length=50, blank=True, help_text="The phrase rule that proposed it.")
    status = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING, db_index=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected (or what an accept changed).")
    event = models.OneToOneField(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="candidate")

    class Meta:
        ordering = ["document", "evidence_start", "id"]
        indexes = [models.Index(fields=["status", "document"], name="candidate_status_document")]

    def __str__(self) -> str:
        value = self.value or ""
        return f"{self.kind} {self.subject_text} {value} {self.date or '?'}".replace("  ", " ")

    @property
    def value(self) -> str | None:
        """The status, office or meeting type the payload names, if any."""
        return self.payload.get(VALUE_FIELD.get(self.kind, ""))


class Upload(models.Model):
    """A file handed to ingest, kept from the moment it arrives: a worker (or `ingest --retry`) turns it into a Document.

    Its status is what the editor sees at once: queued (stored, waiting for a worker), running, done
    (with its document) or failed (with the reason). A broker that is down leaves it queued, not lost.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    published = PartialDateField(null=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    source_kind = models.CharField(max_length=20)
    auto_accept_above = models.FloatField(null=True, blank=True)
    ingested_by = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    reason = models.TextField(blank=True, help_text="Why it failed, or why it is still queued.")
    attempts = models.PositiveSmallIntegerField(default=0)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
