import json

from django.core.management.base import BaseCommand
from django.db.models import Q

from events.management import arguments
from ingest.models import Candidate, Document
from ingest.representations import as_line, candidate_record


class Command(BaseCommand):
    help = "Print ingest's candidate assertions, one JSON object (or text line) each, in document order."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="only the document of this source (its id or key)")
        parser.add_argument("--status", default="all", choices=["pending", "accepted", "rejected", "all"])
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, **options):
        candidates = Candidate.objects.select_related("document", "subject").order_by("document_id", "evidence_start", "id")
        if options["source"]:
            candidates = candidates.filter(document=_document(options["source"]))
        if options["status"] != "all":
            candidates = candidates.filter(status=options["status"])
        for candidate in candidates.iterator(chunk_size=500):
            row = candidate_record(candidate)
            self.stdout.write(json.dumps(row, ensure_ascii=False) if options["format"] == "json" else as_line(row))


def _document(reference: str) -> Document:
    match = Q(source__key=reference) | (Q(source_id=int(reference)) if reference.isdigit() else Q())
    document = Document.objects.filter(match).first()
    if document is None:
        raise arguments.usage_error(f"--source: no ingested document has source {reference!r}")
    return document
