import json

from django.core.management.base import BaseCommand

from events import queries
from events.documents import event_as_dict, event_as_line
from events.management import arguments


class Command(BaseCommand):
    help = "Print the history of the organisation, or of one entity (--entity slug or ISO3), in date order."

    def add_arguments(self, parser):
        parser.add_argument("--entity", help="an entity's slug or ISO3 code (IND, india)")
        parser.add_argument("--org", default="sco")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        organisation = arguments.organisation(options["org"])
        entity = arguments.entity(options["entity"]) if options["entity"] else None
        for event in queries.timeline(organisation, entity).iterator(chunk_size=1000):
            if options["format"] == "json":
                self.stdout.write(json.dumps(event_as_dict(event), ensure_ascii=False))
            else:
                self.stdout.write(event_as_line(event))
