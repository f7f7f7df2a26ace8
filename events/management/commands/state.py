import json

from django.core.management.base import BaseCommand

from events.documents import state_as_text, state_document_at
from events.management import arguments


class Command(BaseCommand):
    help = "Print the organisation's state on a date: members and other statuses, offices, conflicts."

    def add_arguments(self, parser):
        parser.add_argument("--at", required=True, help="the date, YYYY-MM-DD")
        parser.add_argument("--known-at", help="what we believed at this moment: ISO datetime (UTC when naive), or a day meaning its end; default: now")
        parser.add_argument("--org", default="sco")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        at = arguments.day(options["at"], "--at")
        known_at = arguments.moment(options["known_at"], "--known-at") if options["known_at"] else None
        organisation = arguments.organisation(options["org"])
        document = state_document_at(organisation, at, known_at)
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(state_as_text(organisation, document))
