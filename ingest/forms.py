"""Admin forms: uploading a document, rejecting with a reason, accepting with a curator's edits."""
from __future__ import annotations

from typing import Any

from django import forms

from events.domain.dates import InvalidDate, PartialDate
from events.domain.errors import ValidationError
from events.domain.kinds import KINDS, RETRACTION
from events.models import Entity, Organisation

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
    """A refusal from ingest on the field it names, or above the form."""
    for field, messages in exc.errors.items():
        form.add_error(field if field in form.fields else None, messages)


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
    """The candidate's proposal, editable; the value is the status, office or meeting type its kind takes."""

    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS if k != RETRACTION])
    subject = forms.ModelChoiceField(queryset=Entity.objects.order_by("type", "name"))
    value = forms.CharField(required=False, help_text="status (member, observer, ...), office or meeting type, by kind")
    date = forms.CharField(help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    confidence = forms.FloatField(min_value=0, max_value=1)
    expectation = forms.BooleanField(required=False, help_text="An expectation cannot be accepted: untick once it happened.")

    @classmethod
    def for_candidate(cls, candidate: Candidate, data=None) -> AcceptForm:
        initial = {
            "kind": candidate.kind, "subject": candidate.subject, "value": candidate.value or "",
            "date": str(candidate.date) if candidate.date else "", "confidence": candidate.confidence,
            "expectation": candidate.expectation,
        }
        return cls(data, initial=initial)

    def clean_date(self) -> str:
        return str(_partial_date(self.cleaned_data["date"]))

    def edits(self, candidate: Candidate) -> dict[str, Any]:
        """What the curator changed, as pipeline.accept takes it."""
        data = self.cleaned_data
        payload = dict(candidate.payload)
        field = VALUE_FIELD.get(data["kind"])
        if field and data["value"]:
            payload[field] = data["value"].strip()
        proposed = {
            "kind": data["kind"], "subject": data["subject"], "payload": payload,
            "date": data["date"], "confidence": data["confidence"], "expectation": data["expectation"],
        }
        current = {
            "kind": candidate.kind, "subject": candidate.subject, "payload": candidate.payload,
            "date": str(candidate.date) if candidate.date else None, "confidence": candidate.confidence,
            "expectation": candidate.expectation,
        }
        return {key: value for key, value in proposed.items() if value != current[key]}
