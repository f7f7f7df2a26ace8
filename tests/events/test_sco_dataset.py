"""The curated SCO dataset in seeds/sco: it loads cleanly and replay gets the well-known days right."""
from datetime import date

import pytest
from django.conf import settings

from events import queries, seeding
from events.documents import state_document
from events.integrity import verify_chain
from events.models import Event, Organisation


@pytest.fixture
def sco(db):
    seeding.load(settings.SEEDS_DIR / "sco")
    return Organisation.objects.get(slug="sco")


def document(sco, day: str) -> dict:
    return state_document(sco, queries.state_at(sco, date.fromisoformat(day)))


def iso3s(entries) -> list[str]:
    return sorted(e["iso3"] for e in entries)


SHANGHAI_FIVE = ["CHN", "KAZ", "KGZ", "RUS", "TJK"]


@pytest.mark.parametrize("day, members", [
    ("1996-04-25", []),
    ("1996-04-26", SHANGHAI_FIVE),
    ("2001-06-15", sorted(SHANGHAI_FIVE + ["UZB"])),
    ("2017-06-08", sorted(SHANGHAI_FIVE + ["UZB"])),
    ("2017-06-10", sorted(SHANGHAI_FIVE + ["UZB", "IND", "PAK"])),
    ("2023-07-04", sorted(SHANGHAI_FIVE + ["UZB", "IND", "PAK", "IRN"])),
    ("2024-07-05", sorted(SHANGHAI_FIVE + ["UZB", "IND", "PAK", "IRN", "BLR"])),
])
def test_members_on_well_known_days(sco, day, members):
    assert iso3s(document(sco, day)["members"]) == members


def test_2017_06_10_has_eight_members_chair_china_and_alimov(sco):
    state = document(sco, "2017-06-10")
    assert len(state["members"]) == 8 and all(m["certain"] for m in state["members"])
    assert state["chair"]["iso3"] == "CHN"
    assert (state["secretary_general"]["name"], state["secretary_general"]["nationality"]) == ("Rashid Alimov", "TJK")


def test_observers_and_dialogue_partners_before_the_tianjin_merge(sco):
    state = document(sco, "2024-07-05")
    assert iso3s(state["observers"]) == ["AFG", "MNG"]
    assert {"LKA", "TUR", "ARM", "AZE", "KHM", "NPL"} <= set(iso3s(state["dialogue_partners"]))
    assert state["partners"] == []
    assert state["chair"]["iso3"] == "CHN"


def test_after_tianjin_observers_and_dialogue_partners_are_sco_partners(sco):
    state = document(sco, "2025-09-02")
    assert state["observers"] == [] and state["dialogue_partners"] == []
    assert {"AFG", "MNG", "LAO", "TUR", "LKA"} <= set(iso3s(state["partners"]))
    assert state["chair"]["iso3"] == "KGZ"
    assert state["secretary_general"]["name"] == "Nurlan Yermekbayev"


@pytest.mark.parametrize("day, name", [
    ("2003-12-31", None), ("2004-01-01", "Zhang Deguang"), ("2007-01-01", "Bolat Nurgaliyev"),
    ("2010-01-01", "Muratbek Imanaliyev"), ("2013-01-01", "Dmitry Mezentsev"), ("2016-01-01", "Rashid Alimov"),
    ("2019-01-01", "Vladimir Norov"), ("2022-01-01", "Zhang Ming"), ("2025-01-01", "Nurlan Yermekbayev"),
])
def test_every_secretary_general_from_the_first(sco, day, name):
    holder = document(sco, day)["secretary_general"]
    assert (holder["name"] if holder else None) == name


def test_charter_signing_dates_disagree_and_the_conflict_shows(sco):
    conflicts = document(sco, "2003-01-01")["conflicts"]
    charter = [c for c in conflicts if c["about"] == "document.signed: sco-charter"]
    assert charter and {c["date"] for c in charter[0]["claims"]} == {"2002-06-07", "2002-07-07"}


def test_every_event_cites_a_source_and_the_chain_verifies(sco):
    assert not Event.objects.filter(source__isnull=True).exists()
    assert not Event.objects.filter(source__key__startswith="seed-", locator="").exists()
    assert verify_chain().ok


def test_every_summit_from_1996_to_2025_is_recorded(sco):
    years = {e.date_earliest.year for e in Event.objects.filter(kind="meeting.held", payload__meeting="heads_of_state")}
    assert set(range(1996, 2026)) <= years
