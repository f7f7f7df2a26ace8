"""Organisations with their declared vocabulary, entities, sources and the append-only event log."""
from __future__ import annotations

import uuid
from contextvars import ContextVar

from django.db import models

from .domain.dates import PartialDate, Precision
from .domain.errors import ImmutableEventError
from .domain.kinds import KINDS, EntityType

# Set by events.store while it appends: the only context in which an Event row may be inserted.
store_is_writing: ContextVar[bool] = ContextVar("store_is_writing", default=False)


class Organisation(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    entity = models.ForeignKey(
        "Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The entity that stands for the organisation itself.",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Status(models.Model):
    """A membership status an organisation declares (member, observer, ...). Data, not code."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="statuses")
    slug = models.SlugField()
    label = models.CharField(max_length=100)
    plural = models.SlugField(help_text="The key of this status's list in state output (members, observers).")
    label_plural = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="status_unique_slug"),
            models.UniqueConstraint(fields=["organisation", "plural"], name="status_unique_plural"),
        ]
        verbose_name_plural = "statuses"

    def __str__(self) -> str:
        return self.label


class Office(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offices")
    slug = models.SlugField()
    key = models.SlugField(help_text="The key of this office in state output (chair, secretary_general).")
    label = models.CharField(max_length=200)
    holder = models.CharField(max_length=20, choices=[(EntityType.STATE.value, "state"), (EntityType.PERSON.value, "person")])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "order", "slug"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="office_unique_slug")]

    def __str__(self) -> str:
        return self.label


class MeetingType(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_types")
    slug = models.SlugField()
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["organisation", "slug"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="meeting_type_unique_slug")]

    def __str__(self) -> str:
        return self.label


class Entity(models.Model):
    class Type(models.TextChoices):
        STATE = EntityType.STATE.value
        PERSON = EntityType.PERSON.value
        BODY = EntityType.BODY.value
        PLACE = EntityType.PLACE.value
        DOCUMENT = EntityType.DOCUMENT.value

    slug = models.SlugField(max_length=100, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    name = models.CharField(max_length=200)
    iso3 = models.CharField(
        max_length=3, unique=True, null=True, blank=True, help_text="ISO 3166-1 alpha-3, for states."
    )
    country = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="A person's nationality, or the state a place is in.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name


class EntityAlias(models.Model):
    """Another name for an entity, as documents write it; ingest resolves names through these."""

    class Kind(models.TextChoices):
        ALIAS = "alias"
        DEMONYM = "demonym"

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)

    class Meta:
        ordering = ["entity", "name"]
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="alias_unique_per_entity")]
        verbose_name_plural = "entity aliases"

    def __str__(self) -> str:
        return self.name


PRECISION_CHOICES = [(p.value, p.value) for p in Precision]


class PartialDateField:
    """A partial date as one attribute (`event.date`), stored as three columns.

    The columns are `<name>_earliest`, `<name>_latest` and `<name>_precision`, plain fields that
    migrations and queries see as such. The attribute is a property with a setter, which
    Model(date=...), plain assignment and get_or_create/update_or_create defaults accept by name.
    It reads None when the earliest day is empty, and takes None to empty all three.
    """

    def __init__(self, *, null: bool = False, db_index: bool = False, choices: bool = True) -> None:
        # Made here, not in contribute_to_class, so the columns take their place in the model's field order.
        optional = {"null": True, "blank": True} if null else {}
        self.columns = (
            models.DateField(db_index=db_index, **optional),
            models.DateField(**optional),
            models.CharField(max_length=5, blank=null, choices=PRECISION_CHOICES if choices else None),
        )

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        earliest, latest, precision = names = (f"{name}_earliest", f"{name}_latest", f"{name}_precision")
        for column_name, column in zip(names, self.columns):
            cls.add_to_class(column_name, column)

        def read(instance: models.Model) -> PartialDate | None:
            first = getattr(instance, earliest)
            if first is None:
                return None
            return PartialDate.from_stored(first, getattr(instance, latest), getattr(instance, precision))

        def write(instance: models.Model, value: PartialDate | None) -> None:
            if value is not None and not isinstance(value, PartialDate):
                raise TypeError(f"{cls.__name__}.{name} takes a PartialDate or None, not {type(value).__name__}")
            parts = (None, None, "") if value is None else (value.earliest, value.latest, value.precision.value)
            for column_name, part in zip(names, parts):
                setattr(instance, column_name, part)

        setattr(cls, name, property(read, write, doc=f"{name}: a PartialDate, or None when unknown."))


class Source(models.Model):
    class Kind(models.TextChoices):
        OFFICIAL = "official"
        NEWS = "news"
        RESEARCH = "research"
        REFERENCE = "reference"
        EDITOR = "editor"

    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published = PartialDateField(null=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reliability = models.FloatField(default=0.5, help_text="Prior in [0, 1].")
    content_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="SHA-256 of an ingested document."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class EventQuerySet(models.QuerySet):
    """Reads only: every way of changing rows in bulk raises."""

    def update(self, **kwargs):
        raise ImmutableEventError("events are immutable: correct or retract instead of updating")

    def delete(self):
        raise ImmutableEventError("events are immutable: retract instead of deleting")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableEventError("events are immutable: correct or retract instead of updating")

    def bulk_create(self, *args, **kwargs):
        raise ImmutableEventError("events are appended through events.store")

    def update_or_create(self, *args, **kwargs):
        raise ImmutableEventError("events are immutable: use events.store")

    def with_relations(self):
        return self.select_related("organisation", "subject", "source")


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    seq = models.BigIntegerField(unique=True, editable=False, help_text="Global transaction order.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=64, choices=[(k, k) for k in KINDS], db_index=True)
    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="events")
    payload = models.JSONField(default=dict, blank=True)
    date = PartialDateField(db_index=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    locator = models.CharField(max_length=255, blank=True, help_text="Where in the source: line, paragraph, page.")
    confidence = models.FloatField()
    note = models.TextField(blank=True, help_text="The recorder's remark: why this confidence, what a correction fixes.")
    recorded_at = models.DateTimeField(editable=False, db_index=True)
    recorded_by = models.CharField(max_length=150)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    retracts = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="retractions")
    seed_key = models.CharField(max_length=120, blank=True, db_index=True, help_text="Natural key of a seeded event.")
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["organisation", "kind", "subject"], name="event_org_kind_subject"),
            models.Index(fields=["subject", "seq"], name="event_subject_seq"),
            models.Index(fields=["kind", "seq"], name="event_kind_seq"),  # the kind feeds, newest first
            # Nearly every event amends nothing: once ANALYZE has counted those NULLs, SQLite took the
            # plain foreign-key indexes for useless and scanned the log for each row's amendments.
            models.Index(fields=["corrects"], name="event_corrects", condition=models.Q(corrects__isnull=False)),
            models.Index(fields=["retracts"], name="event_retracts", condition=models.Q(retracts__isnull=False)),
        ]
        permissions = [
            ("correct_event", "Can record a correction of an event"),
            ("retract_event", "Can record a retraction of an event"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject_id} {self.date}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEventError("events are immutable: correct or retract instead of saving changes")
        if not store_is_writing.get():
            raise ImmutableEventError("events are written only through events.store")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("events are immutable: retract instead of deleting")


class EventKey(models.Model):
    """Projection: each slot and happening an event speaks to, as its kind declares them (Kind.keys).

    The index a refresh reads to find the events of the slots an append touches, whatever
    names a slot (the subject, a payload field). Rebuilt from the log with the rest.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=40)
    name = models.TextField()
    # Not a database constraint: tests empty the log with the triggers down, and this is only a cache.
    event = models.ForeignKey(Event, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "family", "name"], name="eventkey_key"),
            models.Index(fields=["event"], name="eventkey_event"),
        ]


class Believed(models.Model):
    """A projected row is believed from the append that made it until the append that replaced it.

    Both are the recorded_at of an append (every event of one append shares it), so "as known at
    T" selects the rows with recorded_from <= T < recorded_until: exactly what replaying the
    events recorded by T gives. The present belief is recorded_until IS NULL.
    """

    recorded_from = models.DateTimeField()
    recorded_until = models.DateTimeField(null=True)

    class Meta:
        abstract = True


BELIEVED_NOW = models.Q(recorded_until__isnull=True)


class SlotInterval(Believed):
    """Projection (a cache, rebuilt from the log): one slot's answer from `start` until before `end`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=40)  # the slot's family, as its kind declares it: membership, office
    name = models.TextField()  # the slot's name: a state's slug, an office's slug
    start = models.DateField()
    end = models.DateField(null=True)
    value = models.CharField(max_length=100, null=True)
    holder = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    since = PartialDateField(choices=False)  # a cache no form edits: its precision column declares no choices
    confidence = models.FloatField()
    # The seqs of the events behind the answer, oldest first: references (events never change), read by seq.
    evidence = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "start", "end"], name="interval_in_force", condition=BELIEVED_NOW),
            # The current answers of one slot: what a refresh compares with, and the changes feed.
            models.Index(fields=["organisation", "family", "name", "end"], name="interval_slot_end", condition=BELIEVED_NOW),
            models.Index(fields=["organisation", "start", "recorded_from"], name="interval_believed"),
        ]


class ProjectedConflict(Believed):
    """Projection of replay's conflicts, shown from `first_date` on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=40)
    name = models.TextField()
    reason = models.CharField(max_length=10)
    first_date = models.DateField()
    evidence = models.JSONField(default=list)  # as SlotInterval.evidence

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "first_date"], name="conflict_shown", condition=BELIEVED_NOW),
            models.Index(fields=["organisation", "family", "name"], name="conflict_key", condition=BELIEVED_NOW),
            models.Index(fields=["organisation", "first_date", "recorded_from"], name="conflict_believed"),
        ]


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for retries of the same request."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_per_user")]


class Checkpoint(models.Model):
    """A signed record of the log's head (seq and hash), written with every append and by verify_log --checkpoint.

    Kept beside the log, append-only like it: a head cut short, emptied or rewritten-and-rehashed
    no longer matches the latest checkpoint, and nobody without LEDGER_KEY can sign a new one.
    """

    seq = models.BigIntegerField(help_text="The head's seq (0: an empty log).")
    hash = models.CharField(max_length=64)
    written_at = models.DateTimeField()
    signature = models.CharField(max_length=64, help_text="HMAC-SHA256 of seq and hash with settings.LEDGER_KEY.")

    class Meta:
        ordering = ["seq", "pk"]
        indexes = [models.Index(fields=["seq"], name="checkpoint_seq")]


class LegacyCitation(models.Model):
    """The keys a version-1 hash covered: the slugs and key an event cited when it was hashed.

    Version 1 hashed an event's organisation, subject and source by their slugs and key, which
    editors may rename. These are frozen here for every version-1 event, so its hash still
    verifies after a rename; version-2 events cite ids and need none. Append-only.
    """

    event = models.OneToOneField(Event, on_delete=models.PROTECT, primary_key=True, related_name="legacy_citation")
    organisation = models.CharField(max_length=50)
    subject = models.CharField(max_length=100)
    source = models.CharField(max_length=100)
