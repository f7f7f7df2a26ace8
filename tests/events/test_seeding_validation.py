"""load_seeds checks every row of every file before writing: each bad file exits 2 naming file, row and field.

The cases are those the probe of issue 15 found crashing with a traceback (exit 1) or loading
invalid values; nothing at all is written when one row is bad.
"""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Entity, Event, Organisation, Source
from tests.events.test_seeding import ENTITIES, EVENTS, ORGANISATION, SOURCES

pytestmark = pytest.mark.django_db

FILES = {"organisation": ORGANISATION, "entities": ENTITIES, "sources": SOURCES, "events": EVENTS}


def refusal(tmp_path, file: str, old: str, new: str) -> str:
    """load_seeds on the toy dataset with one edit: the message it exits 2 with (after checking nothing was written)."""
    directory = tmp_path / "toy"
    directory.mkdir(parents=True)
    for name, text in FILES.items():
        if name == file:
            assert old in text, old
            text = text.replace(old, new, 1)
        (directory / f"{name}.toml").write_text(text)

    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(directory))

    assert refused.value.returncode == 2
    assert (Organisation.objects.count(), Entity.objects.count(), Source.objects.count(), Event.objects.count()) == (0, 0, 0, 0)
    return str(refused.value)


FIRST_EVENT = "events.toml, events row 1 (toy-founded)"
MEMBER_EVENT = "events.toml, events row 2 (ruritania-member)"
SOURCE = "sources.toml, sources row 1 (toy-declaration)"


@pytest.mark.parametrize("field", ["date", "kind", "subject", "source", "confidence"])
def test_an_event_without_a_required_field_is_refused_naming_it(tmp_path, field):
    line = {"date": 'date = "2001-06-15"\n', "kind": 'kind = "organisation.founded"\n', "subject": 'subject = "toy-org"\n',
            "source": 'source = "toy-declaration"\n', "confidence": "confidence = 0.95\n"}[field]

    assert f"{FIRST_EVENT}, {field}:" in refusal(tmp_path, "events", line, "")


@pytest.mark.parametrize("payload", ['"member"', '["member"]', "3"])
def test_a_payload_that_is_not_a_table_is_refused(tmp_path, payload):
    message = refusal(tmp_path, "events", 'payload = { status = "member" }', f"payload = {payload}")

    assert f"{MEMBER_EVENT}, payload: must be a table" in message


def test_a_payload_the_kind_does_not_declare_is_refused_by_field(tmp_path):
    message = refusal(tmp_path, "events", 'payload = { status = "member" }', 'payload = { status = "memeber", colour = "red" }')

    assert f"{MEMBER_EVENT}, payload.status:" in message and f"{MEMBER_EVENT}, payload.colour:" in message


@pytest.mark.parametrize(
    "old, new, field",
    [('published = "2001-06"', 'published = "2017-02-30"', "published"),
     ("reliability = 0.95", 'reliability = "high"', "reliability"),
     ("reliability = 0.95", "reliability = 7", "reliability"),
     ("reliability = 0.95", "reliability = true", "reliability"),
     ('kind = "official"', 'kind = "rumour"', "kind"),
     ('kind = "official"', 'kind = "official"\nurl = "javascript:alert(1)"', "url"),
     ('kind = "official"', 'kind = "official"\nurl = "ftp://example.org/x"', "url"),
     ('kind = "official"', 'kind = "official"\nsha256 = "abc"', "sha256"),
     ('title = "Founding declaration"\n', "", "title")],
)
def test_an_invalid_source_field_is_refused(tmp_path, old, new, field):
    assert f"{SOURCE}, {field}:" in refusal(tmp_path, "sources", old, new)


@pytest.mark.parametrize(
    "old, new, where",
    [('type = "state"', 'type = "planet"', "entities.toml, entities row 2 (ruritania), type:"),
     ('slug = "ruritania"', 'slug = "no where/../x"', "entities.toml, entities row 2 (no where/../x), slug:"),
     ('slug = "ruritania"\n', "", "entities.toml, entities row 2, slug:"),
     ('name = "Ruritania"\n', "", "entities.toml, entities row 2 (ruritania), name:"),
     ('iso3 = "RUR"', 'iso3 = "rur1"', "entities.toml, entities row 2 (ruritania), iso3:"),
     ('country = "ruritania"', 'country = "atlantis"', "entities.toml, entities row 3 (strelsau), country:"),
     ('aliases = ["Kingdom of Ruritania"]', 'aliases = "Kingdom of Ruritania"', "entities.toml, entities row 2 (ruritania), aliases:")],
)
def test_an_invalid_entity_field_is_refused(tmp_path, old, new, where):
    assert where in refusal(tmp_path, "entities", old, new)


def test_a_duplicate_iso3_is_refused(tmp_path):
    message = refusal(tmp_path, "entities", 'name = "Strelsau"', 'name = "Strelsau"\niso3 = "RUR"')

    assert "entities.toml, entities row 3 (strelsau), iso3: 'RUR' is already the code of 'ruritania'" in message


def test_a_duplicate_slug_or_key_is_refused(tmp_path):
    assert "entities row 3 (ruritania), slug:" in refusal(tmp_path, "entities", 'slug = "strelsau"', 'slug = "ruritania"')


def test_an_event_about_an_entity_of_the_wrong_type_is_refused(tmp_path):
    assert f"{MEMBER_EVENT}, subject:" in refusal(tmp_path, "events", 'subject = "ruritania"', 'subject = "strelsau"')


def test_an_organisation_without_its_slug_or_with_an_unknown_holder_is_refused(tmp_path):
    assert "organisation.toml, [organisation], slug:" in refusal(tmp_path, "organisation", 'slug = "toy"\n', "")
    assert "organisation.toml, offices row 1 (chair), holder:" in refusal(
        tmp_path / "2", "organisation", 'holder = "state"', 'holder = "planet"'
    )


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    directory = tmp_path / "toy"
    directory.mkdir()
    for name, text in FILES.items():
        (directory / f"{name}.toml").write_bytes(text.encode() + (b'\n# caf\xe9\n' if name == "sources" else b""))

    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(directory))

    assert refused.value.returncode == 2
    assert "sources.toml: not UTF-8" in str(refused.value)
    assert Organisation.objects.count() == 0


def test_every_problem_is_listed_at_once(tmp_path):
    message = refusal(
        tmp_path, "events", 'payload = { office = "chair" }\nsource = "toy-declaration"\nconfidence = 0.8',
        'payload = { office = "throne" }\nsource = "toy-declaration"\nconfidence = "sure"',
    )

    assert "events row 3 (ruritania-chair), confidence:" in message
    assert "events row 3 (ruritania-chair), payload.office:" in message
