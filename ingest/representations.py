"""Candidates as the `candidates` command and the evaluation print them: one flat JSON object each."""
from __future__ import annotations

from typing import Any

from events.domain.dates import PartialDate

from .extract import Assertion
from .models import Candidate
from .patterns import VALUE_FIELD


def record(
    *, file: str, line: int, kind: str, subject_type: str | None, subject: str, iso3: str | None,
    payload: dict[str, Any], date: PartialDate | None, confidence: float, expectation: bool, evidence: str,
) -> dict[str, Any]:
    """The fixed keys: file, line, kind, subject_iso3 or subject, status/office/predicate, date, precision, ..."""
    row: dict[str, Any] = {"file": file, "line": line, "kind": kind}
    row.update({"subject_iso3": iso3} if subject_type == "state" and iso3 else {"subject": subject})
    field = VALUE_FIELD.get(kind)
    if field in ("status", "office"):
        row[field] = payload.get(field)
    else:
        row["predicate"] = kind.split(".", 1)[1]
    row.update(
        date=str(date) if date else None, precision=date.precision.value if date else None,
        confidence=round(confidence, 2), expectation=expectation, evidence=evidence,
    )
    return row


def candidate_record(candidate: Candidate) -> dict[str, Any]:
    subject = candidate.subject
    return record(
        file=candidate.document.file_name, line=candidate.line, kind=candidate.kind,
        subject_type=subject.type if subject else None, subject=subject.slug if subject else candidate.subject_text,
        iso3=subject.iso3 if subject else None, payload=candidate.payload, date=candidate.date,
        confidence=candidate.confidence, expectation=candidate.expectation, evidence=candidate.evidence,
    )


def assertion_record(assertion: Assertion, file: str) -> dict[str, Any]:
    entry = assertion.subject
    return record(
        file=file, line=assertion.line, kind=assertion.kind, subject_type=entry.type if entry else None,
        subject=entry.slug if entry else assertion.subject_text, iso3=entry.iso3 if entry else None,
        payload=assertion.payload, date=assertion.date, confidence=assertion.confidence,
        expectation=assertion.expectation, evidence=assertion.evidence,
    )


def as_line(row: dict[str, Any]) -> str:
    """The text format: one line a candidate."""
    subject = row.get("subject_iso3") or row.get("subject")
    value = row.get("status") or row.get("office") or row.get("predicate")
    flag = " (expected)" if row["expectation"] else ""
    return f"{row['file']}:{row['line']} {row['kind']} {subject} {value} {row['date'] or '?'} {row['confidence']:.2f}{flag}"
