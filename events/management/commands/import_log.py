from pathlib import Path

from django.core.management.base import BaseCommand

from events.archive import import_stream
from events.domain.errors import EventError
from events.management import arguments


class Command(BaseCommand):
    help = (
        "Import an export_log file into a store with no events. Every line, the hash chain and the export's "
        "signed head are checked first: a file altered, cut short or malformed imports nothing (exit 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--foreign-head", action="store_true",
                            help="accept a head signed with another installation's LEDGER_KEY (the chain must still hold)")

    def handle(self, *args, **options):
        path = options["path"]
        try:
            with path.open("rb") as stream:
                count = import_stream(stream, foreign_head=options["foreign_head"])
        except OSError as exc:
            raise arguments.usage_error(f"{path}: {exc.strerror}") from None
        except EventError as exc:
            raise arguments.usage_error(f"{path}: {exc} (nothing was imported)") from None
        self.stdout.write(f"{count} events restored, hash chain verified")
