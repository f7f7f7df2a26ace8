from django.core.management.base import BaseCommand

from events.models import Organisation
from events.projections import rebuild


class Command(BaseCommand):
    help = "Rebuild the materialised state projection of every organisation from the event log."

    def handle(self, *args, **options):
        for organisation in Organisation.objects.all():
            self.stdout.write(f"{organisation.slug}: {rebuild(organisation)} intervals")
