import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from events.archive import write_export


class Command(BaseCommand):
    help = "Export entities, sources, organisations and the whole event log (with hashes) as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="output file (default: standard output)")

    def handle(self, *args, **options):
        if options["path"] is None:
            write_export(sys.stdout)
            return
        with options["path"].open("w", encoding="utf-8") as stream:
            count = write_export(stream)
        self.stderr.write(f"{count} lines written to {options['path']}")
