import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from events import store
from events.domain.dates import PartialDate
from events.management import arguments
from ingest import documents, evaluation, gazetteer
from ingest.extract import extract
from ingest.representations import assertion_record


class Command(BaseCommand):
    help = (
        "Measure extraction against hand-checked lists: each EXPECTED.jsonl starts with "
        '{"document": FILE, "published": DATE} and lists one expected fact a line, with the lines that support it.'
    )

    def add_arguments(self, parser):
        parser.add_argument("expected", nargs="+", type=Path, metavar="EXPECTED.jsonl")
        parser.add_argument("--documents", type=Path, default=settings.BASE_DIR.parent / "shared" / "seeds",
                            help="where the documents named in the lists are (default: ../shared/seeds)")
        parser.add_argument("--org", default="sco")
        parser.add_argument("--show-misses", action="store_true")

    def handle(self, *args, **options):
        organisation = arguments.organisation(options["org"])
        names = gazetteer.from_database()
        expected, found = [], []
        for path in options["expected"]:
            header, rows = _read(path)
            document = options["documents"] / header["document"]
            if not document.is_file():
                raise arguments.usage_error(f"{path}: no document {document}")
            text = documents.read(document.read_bytes(), document.name).text
            published = _published(header.get("published"), path)
            assertions = extract(text, names, published, store.vocabulary(organisation), organisation.entity.slug if organisation.entity else None)
            found_here = [{**assertion_record(a, document.name), "lines": list(a.lines), "_doc": document.name} for a in assertions]
            expected_here = [{**r, "_doc": document.name} for r in rows]
            self._report(document.name, expected_here, found_here, options["show_misses"])
            expected += expected_here
            found += found_here
        self.stdout.write("\nAll documents, by kind\n")
        self.stdout.write(evaluation.table(expected, found))
        targets = lambda rows: [r for r in rows if evaluation.group(r) in evaluation.TARGETS]  # noqa: E731
        self.stdout.write(f"\n\nAll documents, {evaluation.TARGET} only, by document\n")
        self.stdout.write(evaluation.table(targets(expected), targets(found), by=lambda r: r["_doc"][:3]))
        flipped = evaluation.expectations_as_facts(expected, found)
        self.stdout.write(f"\n\nExpectations reported as facts: {len(flipped)}\n")
        self.stdout.write("".join(f"  {k}\n" for k in flipped))

    def _report(self, name: str, expected: list, found: list, show_misses: bool) -> None:
        self.stdout.write(f"\n{name}\n")
        self.stdout.write(evaluation.table(expected, found) + "\n")
        if show_misses:
            missed, extra = evaluation.misses(expected, found)
            self.stdout.write("".join([*(f"  missed {k[1:]}\n" for k in missed), *(f"  extra  {k[1:]}\n" for k in extra)]))


def _read(path: Path) -> tuple[dict, list[dict]]:
    try:
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise arguments.usage_error(f"{path}: {exc}") from None
    if not lines or "document" not in lines[0]:
        raise arguments.usage_error(f'{path}: the first line must be {{"document": ..., "published": ...}}')
    return lines[0], lines[1:]


def _published(value: str | None, path: Path) -> PartialDate | None:
    return arguments.partial_date(value, f"{path}: published") if value else None
