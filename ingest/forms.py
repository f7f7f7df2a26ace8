"""Admin forms: uploading a document, rejecting with a reason, accepting with a curator's edits."""
from __future__ import annotations

from typing import Any

from django import forms

from events import store
from events.admin.forms import autocomplete
from events.domain.dates import InvalidDate, PartialDate
from events.domain.errors import ValidationError
from events.domain.kinds import KINDS, RETRACTION, Vocabulary
from events.models import Entity, Event, Organisation

from . import review
from .documents import MAX_BYTES
from .models import Candidate
from .patterns import VALUE_FIELD
from .pipeline import RELIABILITY


def _partial_date(value: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except InvalidDate as exc:
        raise forms.ValidationError(str(exc)) from None


def show_refusal(form: forms.Form, exc: ValidationError) -> None:
    """A refusal from ingest or the store on the field it names (a payload's status, office or meeting type on
    `value`), or above the form."""
    for field, messages in exc.errors.items():
        name = "value" if field.startswith("payload.") and "value" in form.fields else field
        form.add_error(name if name in form.fields else None, [f"{field}: {m}" if name != field else m for m in messages])


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), empty_label=None)
    file = forms.FileField(help_text=f"Text or HTML, at most {MAX_BYTES // 1024 // 1024} MB.")
    published = forms.CharField(required=False, help_text="YYYY, YYYY-MM or YYYY-MM-DD; empty if unknown.")
    title = forms.CharField(required=False, max_length=500)
    publisher = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(choices=[(k, k) for k in sorted(RELIABILITY)], initial="news")
    auto_accept_above = forms.FloatField(required=False, min_value=0, max_value=1, help_text="Leave empty to review everything.")

    def clean_published(self) -> PartialDate | None:
        value = self.cleaned_data["published"].strip()
        return _partial_date(value) if value else None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"{upload.name} is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB.")
        return upload


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), help_text="Why: kept with the candidate.")


class AcceptForm(forms.Form):
    """The candidate's proposal with what the admin's add-event form offers: the subject by autocomplete, the
    value from the organisation's vocabulary, date, locator, note, confidence. When the log already holds the
    fact, accepting records nothing unless `second_source` is ticked; when the subject is a state the dataset
    lacks, `create_state` creates it."""

    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS if k != RETRACTION])
    subject = forms.ModelChoiceField(queryset=Entity.objects.all(), required=False)
    value = forms.ChoiceField(required=False, help_text="the status, office or meeting type, as the kind takes it")
    date = forms.CharField(help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    locator = forms.CharField(max_length=255, required=False, help_text="Where in the document: line, paragraph, page.")
    confidence = forms.FloatField(min_value=0, max_value=1, widget=forms.NumberInput(attrs={"step": "0.05"}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), help_text="Kept with the event.")
    expectation = forms.BooleanField(required=False, help_text="An expectation cannot be accepted: untick once it happened.")
    second_source = forms.BooleanField(
        required=False, label="Add as a second source for the same fact",
        help_text="Records a new event citing this document for the fact already recorded; replay reads both as one fact.",
    )
    create_state = forms.BooleanField(required=False)

    def __init__(self, data=None, *, candidate: Candidate, admin_site, recorded_as: Event | None = None,
                 new_state: review.NewState | None = None, **kwargs) -> None:
        initial = {
            "kind": candidate.kind, "subject": candidate.subject, "value": candidate.value or "",
            "date": str(candidate.date) if candidate.date else "", "confidence": candidate.confidence,
            "expectation": candidate.expectation, "locator": review.locator(candidate),
        }
        super().__init__(data, initial=initial, **kwargs)
        self.recorded_as, self.new_state = recorded_as, new_state
        autocomplete(self.fields["subject"], "subject", admin_site)
        self.fields["value"].choices = _vocabulary_choices(store.vocabulary(candidate.document.organisation))
        if recorded_as is None:
            del self.fields["second_source"]
        if new_state is None:
            del self.fields["create_state"]
        else:
            self.fields["create_state"].label = f"Create the state {new_state}"
            self.fields["create_state"].initial = True
            self.fields["subject"].help_text = f"Or leave empty and create {new_state.name} below."

    @classmethod
    def for_candidate(cls, candidate: Candidate, data=None, *, admin_site, can_create_entities: bool) -> AcceptForm:
        recorded_as = review.recorded(review.Claim.of(candidate)) if candidate.subject_id else None
        new_state = review.unknown_state(candidate.subject_text) if candidate.subject_id is None and can_create_entities else None
        return cls(data, candidate=candidate, admin_site=admin_site, recorded_as=recorded_as, new_state=new_state)

    def clean_date(self) -> str:
        return str(_partial_date(self.cleaned_data["date"]))

    def clean(self):
        data = super().clean()
        if data.get("subject") is None and not data.get("create_state"):
            hint = f" or tick “Create the state {self.new_state.name}”" if self.new_state else ""
            self.add_error("subject", f"choose the entity the document means{hint}")
        return data

    def accept_options(self) -> dict[str, Any]:
        """How pipeline.accept records it: as a second source, creating the state."""
        data = self.cleaned_data
        create = bool(data.get("create_state")) and data.get("subject") is None
        return {"second_source": bool(data.get("second_source")), "new_state": self.new_state if create else None}

    def edits(self, candidate: Candidate) -> dict[str, Any]:
        """What the curator changed, as pipeline.accept takes it."""
        data = self.cleaned_data
        payload = dict(candidate.payload) if data["kind"] == candidate.kind else {}
        field = VALUE_FIELD.get(data["kind"])
        if field and data["value"]:
            payload[field] = data["value"]
        proposed = {
            "kind": data["kind"], "subject": data["subject"], "payload": payload, "date": data["date"],
            "confidence": data["confidence"], "expectation": data["expectation"],
            "locator": data["locator"].strip() or review.locator(candidate), "note": data["note"].strip(),
        }
        current = {
            "kind": candidate.kind, "subject": candidate.subject, "payload": candidate.payload,
            "date": str(candidate.date) if candidate.date else None, "confidence": candidate.confidence,
            "expectation": candidate.expectation, "locator": review.locator(candidate), "note": "",
        }
        if data["subject"] is None:
            del proposed["subject"]  # the state to create becomes the subject
        return {key: value for key, value in proposed.items() if value != current[key]}


def _vocabulary_choices(vocabulary: Vocabulary) -> list:
    """The organisation's declared values, grouped by what they are."""
    groups = [("status", vocabulary.statuses), ("office", vocabulary.offices), ("meeting type", vocabulary.meeting_types)]
    return [("", "---------"), *((label, [(slug, slug.replace("_", " ")) for slug in sorted(slugs)]) for label, slugs in groups if slugs)]
