from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.domain.errors import ValidationError
from events.management import arguments
from ingest import documents, tasks
from ingest.pipeline import RELIABILITY


class Command(BaseCommand):
    help = "Ingest documents: each becomes a Source with candidate assertions waiting for review."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--published", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--title", default="", help="the source's title (default: the file name)")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--kind", default="news", help=f"source kind: {', '.join(sorted(RELIABILITY))}")
        parser.add_argument("--org", default="sco")
        parser.add_argument("--auto-accept-above", type=float, metavar="CONFIDENCE",
                            help="append candidates at or above this confidence without review")
        parser.add_argument("--recorded-by", default="ingest", help="who ingests (and auto-accepts)")

    def handle(self, *args, **options):
        organisation = arguments.organisation(options["org"])
        published = _published(options["published"])
        threshold = options["auto_accept_above"]
        if threshold is not None and not 0 <= threshold <= 1:
            raise arguments.usage_error(f"--auto-accept-above: {threshold} is not between 0 and 1")
        if options["kind"] not in RELIABILITY:
            raise arguments.usage_error(f"--kind: {options['kind']!r} is not one of {', '.join(sorted(RELIABILITY))}")
        missing = [str(p) for p in options["paths"] if not p.is_file()]
        if missing:
            raise arguments.usage_error(f"PATH: no such file: {', '.join(missing)}")
        refused = sum(not self._one(path, organisation.slug, published, options) for path in options["paths"])
        if refused:
            raise CommandError(f"{refused} of {len(options['paths'])} documents refused", returncode=1)

    def _one(self, path: Path, organisation: str, published: str | None, options) -> bool:
        try:
            documents.check_size(path.stat().st_size, path.name)
        except ValidationError as exc:
            self.stderr.write(f"{path.name}: refused: {exc}")
            return False
        summary = tasks.submit(
            path.read_bytes(), name=path.name, organisation=organisation, published=published,
            title=options["title"], publisher=options["publisher"], kind=options["kind"],
            ingested_by=options["recorded_by"], auto_accept_above=options["auto_accept_above"],
        )
        if "error" in summary:
            self.stderr.write(f"{path.name}: refused: {summary['error']}")
            return False
        done = "ingested" if summary["created"] else "already ingested, nothing written"
        self.stdout.write(
            f"{path.name}: {done}: source {summary['source']}, document {summary['document']}, "
            f"{summary['candidates']} candidates, {summary['accepted']} accepted"
        )
        return True


def _published(text: str | None) -> str | None:
    return str(arguments.partial_date(text, "--published")) if text else None
