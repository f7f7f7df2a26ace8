from pathlib import Path

from django.core.management.base import BaseCommand

from events.archive import import_stream
from events.domain.errors import EventError
from events.management import arguments


class Command(BaseCommand):
    help = "Import an export_log file into a store with no events; the hash chain is verified on the way in."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, **options):
        try:
            with options["path"].open(encoding="utf-8") as stream:
                count = import_stream(stream)
        except OSError as exc:
            raise arguments.usage_error(f"{options['path']}: {exc.strerror}") from None
        except EventError as exc:
            raise arguments.usage_error(f"{exc} (nothing was imported)") from None
        self.stdout.write(f"{count} events restored, hash chain verified")
