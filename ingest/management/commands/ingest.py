import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.domain.dates import PartialDate
from events.domain.errors import ValidationError
from events.management import arguments
from ingest import documents, pipeline, tasks
from ingest.models import Upload
from ingest.pipeline import RELIABILITY

POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Ingest documents: each is stored as an upload, then becomes a Source with candidate assertions waiting for "
        "review, on a worker when a broker answers, here otherwise. --retry ingests the uploads still waiting."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument("--retry", action="store_true",
                            help="ingest here every upload still queued (the broker was down) or left running by a dead worker")
        parser.add_argument("--published", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--title", default="", help="the source's title (default: the file name)")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--kind", default="news", help=f"source kind: {', '.join(sorted(RELIABILITY))}")
        parser.add_argument("--org", default="sco")
        parser.add_argument("--auto-accept-above", type=float, metavar="CONFIDENCE",
                            help="append candidates at or above this confidence without review")
        parser.add_argument("--recorded-by", default="ingest", help="who ingests (and auto-accepts)")
        parser.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                            help="with a broker: how long to wait for the worker before leaving an upload queued")

    def handle(self, *args, **options):
        if not options["paths"] and not options["retry"]:
            raise arguments.usage_error("PATH: give the files to ingest, or --retry")
        organisation = arguments.organisation(options["org"])
        published = arguments.partial_date(options["published"], "--published") if options["published"] else None
        threshold = options["auto_accept_above"]
        if threshold is not None and not 0 <= threshold <= 1:
            raise arguments.usage_error(f"--auto-accept-above: {threshold} is not between 0 and 1")
        if options["kind"] not in RELIABILITY:
            raise arguments.usage_error(f"--kind: {options['kind']!r} is not one of {', '.join(sorted(RELIABILITY))}")
        missing = [str(p) for p in options["paths"] if not p.is_file()]
        if missing:
            raise arguments.usage_error(f"PATH: no such file: {', '.join(missing)}")
        outcomes = [self._here(pk).status == Upload.Status.DONE for pk in pipeline.waiting_uploads()] if options["retry"] else []
        if options["retry"] and not outcomes:
            self.stdout.write("no upload is waiting")
        outcomes += [self._one(path, organisation, published, options) for path in options["paths"]]
        if not all(outcomes):
            raise CommandError(f"{outcomes.count(False)} of {len(outcomes)} documents refused or not ingested", returncode=1)

    def _one(self, path: Path, organisation, published: PartialDate | None, options) -> bool:
        try:
            documents.check_size(path.stat().st_size, path.name)
            upload = pipeline.store_upload(
                path.read_bytes(), name=path.name, organisation=organisation, published=published,
                title=options["title"], publisher=options["publisher"], kind=options["kind"],
                ingested_by=options["recorded_by"], auto_accept_above=options["auto_accept_above"],
            )
        except ValidationError as exc:
            self.stderr.write(f"{path.name}: refused: {exc}")
            return False
        if tasks.ingest_upload.app.conf.task_always_eager:
            return self._here(upload.pk).status == Upload.Status.DONE
        if not tasks.enqueue(upload):
            self.stderr.write(f"{path.name}: the broker does not answer; ingesting here")
            return self._here(upload.pk).status == Upload.Status.DONE
        return self._await(upload, options["wait"])

    def _here(self, upload_id: int) -> Upload:
        """Ingest one upload in this process and say how it ended; an unexpected error is reported, not raised."""
        try:
            upload = pipeline.process_upload(upload_id)
        except Exception as exc:  # kept queued by process_upload for another attempt; no traceback for the user
            upload = Upload.objects.get(pk=upload_id)
            self.stderr.write(f"{upload.file_name}: not ingested ({type(exc).__name__}: {exc}); still {upload.status}")
            return upload
        self._report(upload)
        return upload

    def _await(self, upload: Upload, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not upload.finished and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            upload.refresh_from_db(fields=["status", "reason", "document"])
        if not upload.finished:
            self.stdout.write(
                f"{upload.file_name}: queued as upload {upload.pk}, {upload.status} after {seconds:g} s: "
                "a worker will ingest it (the admin's Uploads page shows its status)"
            )
            return True
        self._report(upload)
        return upload.status == Upload.Status.DONE

    def _report(self, upload: Upload) -> None:
        if upload.status == Upload.Status.DONE:
            self.stdout.write(f"{upload.file_name}: {upload.reason}")
        else:
            self.stderr.write(f"{upload.file_name}: {upload.status}: {upload.reason}")
