from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from events import seeding
from events.domain.errors import EventError, ValidationError
from events.management import arguments


class Command(BaseCommand):
    help = "Load the curated datasets in seeds/ (idempotent: unchanged rows append nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="one dataset directory (default: every folder in SEEDS_DIR)")
        parser.add_argument("--prune", action="store_true", help="retract seeded events whose rows were removed")

    def handle(self, *args, **options):
        directories = [options["dir"]] if options["dir"] else sorted(p for p in settings.SEEDS_DIR.iterdir() if (p / "events.toml").exists())
        if not directories:
            raise arguments.usage_error(f"no dataset found in {settings.SEEDS_DIR}")
        for directory in directories:
            if not directory.is_dir():
                raise arguments.usage_error(f"--dir: {directory} is not a directory")
            try:
                report = seeding.load(directory, prune=options["prune"])
            except ValidationError as exc:
                problems = "\n".join(f"  {where}: {message}" for where, messages in exc.errors.items() for message in messages)
                raise arguments.usage_error(f"{directory}: nothing was loaded:\n{problems}") from None
            except EventError as exc:
                raise arguments.usage_error(f"{directory}: {exc} (nothing was loaded)") from None
            self.stdout.write(str(report))
