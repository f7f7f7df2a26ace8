"""load_seeds: a curated dataset becomes events once; changes become corrections; removals retractions."""
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import queries, seeding
from events.domain.errors import ValidationError
from events.models import Entity, Event, Organisation

ORGANISATION = """
[organisation]
slug = "toy"
name = "Toy Cooperation Organisation"
entity = "toy-org"

[[statuses]]
slug = "member"
label = "member"
plural = "members"

[[statuses]]
slug = "observer"
label = "observer"
plural = "observers"

[[offices]]
slug = "chair"
key = "chair"
label = "Chair"
holder = "state"

[[meeting_types]]
slug = "heads_of_state"
label = "Council of Heads of State"
"""
ENTITIES = """
[[entities]]
slug = "toy-org"
type = "body"
name = "Toy Cooperation Organisation"

[[entities]]
slug = "ruritania"
type = "state"
name = "Ruritania"
iso3 = "RUR"
aliases = ["Kingdom of Ruritania"]
demonyms = ["Ruritanian"]

[[entities]]
slug = "strelsau"
type = "place"
name = "Strelsau"
country = "ruritania"
"""
SOURCES = """
[[sources]]
key = "toy-declaration"
title = "Founding declaration"
kind = "official"
published = "2001-06"
reliability = 0.95
"""
EVENTS = """
[[events]]
key = "toy-founded"
kind = "organisation.founded"
subject = "toy-org"
date = "2001-06-15"
payload = { place = "strelsau" }
source = "toy-declaration"
confidence = 0.95

[[events]]
key = "ruritania-member"
kind = "membership.status"
subject = "ruritania"
date = "2001-06-15"
payload = { status = "member" }
source = "toy-declaration"
locator = "para 1"
confidence = 0.95

[[events]]
key = "ruritania-chair"
kind = "office.assumed"
subject = "ruritania"
date = "2001-06"
payload = { office = "chair" }
source = "toy-declaration"
confidence = 0.8
"""


def write_dataset(directory: Path, events: str = EVENTS) -> Path:
    directory.mkdir(exist_ok=True)
    for name, text in {"organisation": ORGANISATION, "entities": ENTITIES, "sources": SOURCES, "events": events}.items():
        (directory / f"{name}.toml").write_text(text)
    return directory


@pytest.mark.django_db
def test_loading_twice_appends_nothing_the_second_time(tmp_path):
    directory = write_dataset(tmp_path / "toy")
    first = seeding.load(directory)
    second = seeding.load(directory)
    assert (first.appended, second.appended, second.unchanged) == (3, 0, 3)
    assert Event.objects.count() == 3
    assert Entity.objects.get(slug="ruritania").aliases.count() == 2
    assert Entity.objects.get(slug="strelsau").country.slug == "ruritania"


@pytest.mark.django_db
def test_changed_row_appends_a_correction_and_removed_row_is_retracted_with_prune(tmp_path):
    directory = write_dataset(tmp_path / "toy")
    seeding.load(directory)
    changed = EVENTS.replace('date = "2001-06"\n', 'date = "2001-06-16"\n')
    without_founding = "[[events]]" + changed.split("[[events]]", 2)[2]
    write_dataset(directory, without_founding)
    report = seeding.load(directory, prune=True)
    assert (report.appended, report.corrected, report.retracted) == (0, 1, 1)
    correction = Event.objects.get(corrects__isnull=False)
    assert (str(correction.date), correction.recorded_by) == ("2001-06-16", "seeds")
    assert Event.objects.filter(kind="retraction").count() == 1
    assert seeding.load(directory, prune=True).unchanged == 2  # and stable afterwards


@pytest.mark.django_db
def test_bad_row_loads_nothing_at_all(tmp_path):
    directory = write_dataset(tmp_path / "toy", EVENTS.replace('status = "member"', 'status = "memeber"'))
    with pytest.raises(ValidationError, match="payload.status"):
        seeding.load(directory)
    assert Event.objects.count() == 0
    assert not Organisation.objects.filter(slug="toy").exists()


@pytest.mark.django_db
def test_state_after_loading_reflects_the_dataset(tmp_path):
    seeding.load(write_dataset(tmp_path / "toy"))
    org = Organisation.objects.get(slug="toy")
    state = queries.state_at(org, date(2001, 6, 20))
    assert [s.holder for s in state.with_value("membership", "member")] == ["ruritania"]
    assert state.standing(("office", "chair")).certain is False  # "June 2001": the 20th may precede it


@pytest.mark.django_db
def test_load_seeds_command_reports_and_refuses_bad_directories(tmp_path, capsys):
    call_command("load_seeds", "--dir", str(write_dataset(tmp_path / "toy")))
    assert "3 appended" in capsys.readouterr().out
    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(tmp_path / "nowhere"))
    assert refused.value.returncode == 2
