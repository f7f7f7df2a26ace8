"""A small SCO-like dataset in the database for ingest tests (built with tests.builders)."""
from events.models import EntityAlias
from tests import builders


def sco_with_entities():
    org = builders.organisation()
    sco = builders.entity("sco", "body", "Shanghai Cooperation Organisation")
    EntityAlias.objects.get_or_create(entity=sco, name="SCO")
    org.entity = sco
    org.save()
    india = builders.state("india", "IND", "India")
    EntityAlias.objects.get_or_create(entity=india, name="Indian", kind="demonym")
    builders.state("pakistan", "PAK", "Pakistan")
    builders.state("iran", "IRN", "Iran")
    builders.state("mongolia", "MNG", "Mongolia")
    builders.entity("astana", "place", "Astana")
    builders.entity("vladimir-norov", "person", "Vladimir Norov")
    return org


NEWS = """JUNE 10 2017 (The Bulletin) — India and Pakistan joined the SCO on 9 June 2017.
Iran could become a member by June.
The observer states are Mongolia and Iran.
"""
