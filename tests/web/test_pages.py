"""The public pages: home, timeline, state on a date and between two dates, entities, sources, events."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from django.urls import reverse

from events import store
from events.models import Entity, EntityAlias
from tests import builders


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False  # production mode (DATABASE_URL set) redirects http to https


@pytest.fixture
def world(db):
    """India observer from 2005 and member from June 2017 (a month: uncertain inside it), Kazakhstan a founder
    and chair from 2017, Russia chair before; Belarus given two values on overlapping dates."""
    builders.organisation()
    india = builders.state("india", "IND", "India")
    EntityAlias.objects.create(entity=india, name="Indian", kind=EntityAlias.Kind.DEMONYM)
    kazakhstan = builders.state("kazakhstan", "KAZ", "Kazakhstan")
    russia = builders.state("russia", "RUS", "Russia")
    belarus = builders.state("belarus", "BLR", "Belarus")
    builders.membership(kazakhstan, "member", "1996-04-26")
    builders.membership(russia, "member", "1996-04-26")
    builders.membership(india, "observer", "2005-07-05")
    joined = builders.membership(india, "member", "2017-06", locator="line 3")
    builders.office(russia, "chair", "2016-06-24")
    chair = builders.office(kazakhstan, "chair", "2017-06-09", src=builders.source("astana", title="Astana declaration"))
    builders.membership(belarus, "observer", "2015-07-10", confidence=0.9)
    builders.membership(belarus, "dialogue_partner", "2015-07-10", confidence=0.25, src=builders.source("blog", title="A blog"))
    return {"india": india, "joined": joined, "chair": chair}


def text_of(client, url, **params) -> str:
    page = client.get(url, params)
    assert page.status_code == 200, page.content[:500]
    return page.content.decode()


def main_of(text: str) -> str:
    """The page's own content, without the site's navigation."""
    return text.split("<main")[1].split("</main>")[0]


def test_home_page_shows_today_in_numbers_names_offices_changes_and_the_chart(client, world):
    text = text_of(client, reverse("events:home"))
    assert "3 members" in text and "Kazakhstan" in text and "Chair" in text
    assert "India becomes a member — June 2017" in text  # the changes feed's sentence
    assert text.count('class="chart-row"') == 4 and 'name="at"' in text
    assert "<h2>Membership since 1996</h2>" in text  # the first recorded day's year
    for name in ("events:timeline", "events:state", "events:entities", "events:chart", "events:state-diff"):
        assert f'href="{reverse(name)}' in text


def test_home_page_query_count_does_not_grow_with_the_log(client, world, django_assert_max_num_queries):
    for year in range(2000, 2030):
        builders.membership(builders.state(f"s{year}", f"X{year % 100:02d}"), "observer", str(year))
    with django_assert_max_num_queries(24):
        assert client.get(reverse("events:home")).status_code == 200


def test_timeline_reads_events_as_sentences_grouped_by_year_with_corrections_and_retractions(client, world):
    correction = store.correct(event=world["joined"], date="2017-06-09", recorded_by="editor", note="the summit day")
    store.retract(event=world["chair"], reason="wrong summit", recorded_by="editor")
    text = text_of(client, reverse("events:timeline"))
    assert '<h3 id="year-2017">2017</h3>' in text and '<h3 id="year-2005">2005</h3>' in text
    assert "India becomes an observer" in text and "Kazakhstan takes office as Chair" in text
    assert f"Correction of event {world['joined'].seq}: India becomes a member — June 2017" in text
    assert "Retraction of event" in text and re.search(r'class="event-line retracted', text)
    assert str(correction.id) in text


def test_timeline_filters_by_kind_entity_and_confidence(client, world):
    text = text_of(client, reverse("events:timeline"), kind="office.assumed")
    assert "takes office" in text and "becomes an observer" not in text
    text = text_of(client, reverse("events:timeline"), entity="IND")
    assert "India becomes" in text and "Russia" not in text.split("<main>")[-1].split("</form>")[-1]
    text = text_of(client, reverse("events:timeline"), min_confidence="0.5")
    assert "dialogue partner" not in text.split("</form>")[-1]


@pytest.mark.parametrize("params, message", [({"min_confidence": "lots"}, "min_confidence"), ({"entity": "nope"}, "no entity &#x27;nope&#x27;")])
def test_timeline_answers_a_bad_filter_with_400_and_says_why(client, world, params, message):
    page = client.get(reverse("events:timeline"), params)
    assert page.status_code == 400 and message in page.content.decode()


def test_state_page_links_every_line_offices_included_to_its_events(client, world):
    text = text_of(client, reverse("events:state"), at="2017-06-10")
    office = text.split('class="office-chair"')[1].split("</dd>")[0]
    assert "Kazakhstan" in office and reverse("events:event", args=[world["chair"].id]) in office
    members = text.split('id="status-members"')[1].split("</section>")[0]
    assert reverse("events:event", args=[world["joined"].id]) in members
    assert "not certain on this date" in members  # inside "June 2017"


def test_state_page_marks_the_disputed_line_and_explains_the_conflict_in_words(client, world):
    text = text_of(client, reverse("events:state"), at="2018-01-01")
    belarus = text.split('id="status-observers"')[1].split("</section>")[0]
    assert "Belarus" in belarus and "disputed" in belarus
    assert "The sources disagree on the value" in belarus
    assert "“Belarus becomes an observer — 10 July 2015” (Source test-source, confidence 0.90)" in belarus
    assert "membership: belarus" not in text  # no raw keys


def test_a_dispute_the_slot_has_left_behind_is_listed_but_marks_no_later_line(client, world):
    builders.membership(Entity.objects.get(slug="belarus"), "member", "2024-07-04")
    text = text_of(client, reverse("events:state"), at="2025-01-01")
    members = text.split('id="status-members"')[1].split("</section>")[0]
    assert "Belarus" in members and "disputed" not in members
    assert "The sources disagree on the value" in text.split('id="disputes"')[1]


def test_state_page_previous_and_next_go_to_the_days_the_state_changed(client, world):
    text = text_of(client, reverse("events:state"), at="2017-01-01")
    assert 'href="?at=2016-06-24"' in text and 'href="?at=2017-06-01"' in text
    # A confirmation of a standing value is no change: only the days a value changed count.
    builders.membership(world["india"], "observer", "2013-01-01")
    text = text_of(client, reverse("events:state"), at="2012-01-01")
    assert 'href="?at=2015-07-10"' in text


def test_state_page_says_what_changed_on_its_day(client, world):
    text = text_of(client, reverse("events:state"), at="2017-06-09")
    changed = text.split('id="changed-title"')[1].split("</section>")[0]
    assert "Kazakhstan succeeds Russia as Chair" in changed and "India" not in changed  # India's June is no single day
    assert 'id="changed-title"' not in text_of(client, reverse("events:state"), at="2017-06-10")


def test_state_page_honours_known_at_and_shows_it(client, world):
    before_the_log = (datetime.now(timezone.utc) - timedelta(days=1)).date().isoformat()
    text = text_of(client, reverse("events:state"), at="2018-01-01", known_at=before_the_log)
    assert "as known at" in text and "Kazakhstan" not in text.split('class="offices"')[1]
    assert "Members (0)" in text
    text = text_of(client, reverse("events:state"), at="2018-01-01")
    assert "Members (3)" in text


@pytest.mark.parametrize(
    "params, message",
    [({"at": "2017-02-30"}, "not a date on the calendar"), ({"at": "2017-06"}, "give a day, YYYY-MM-DD"),
     ({"at": "2017-06-10", "known_at": "yesterday"}, "known_at")],
)
def test_state_page_refuses_a_bad_date_with_400_and_shows_no_state(client, world, params, message):
    page = client.get(reverse("events:state"), params)
    text = page.content.decode()
    assert page.status_code == 400 and message in text
    main = main_of(text)
    assert "<h2>The state on a date</h2>" in main and "Members (" not in main and " on 10 June 2017" not in main


def test_diff_page_says_what_changed_between_two_dates_in_words(client, world):
    text = text_of(client, reverse("events:state-diff"), **{"from": "2016-07-01", "to": "2018-01-01"})
    assert "India becomes a member — June 2017" in text
    assert "Kazakhstan succeeds Russia as Chair — 9 June 2017" in text
    assert "Russia becomes Chair" not in text and "Belarus" not in text  # unchanged in the window
    known = text_of(client, reverse("events:state-diff"), **{"from": "2016-07-01", "to": "2018-01-01", "known_at": "2000-01-01"})
    assert "as known at 1 January 2000" in known and "Nothing changed." in known
    page = client.get(reverse("events:state-diff"), {"from": "2018-01-01", "to": "2016-01-01"})
    assert page.status_code == 400 and "is before from" in page.content.decode()


def test_entity_page_summarises_periods_and_offices_then_the_evidence(client, world):
    store.retract(event=world["chair"], reason="wrong summit", recorded_by="editor")
    text = text_of(client, reverse("events:entity", args=["india"]))
    assert "Observer from 5 July 2005 to 1 June 2017" in text and "Member since June 2017" in text
    assert text.index("In short") < text.index("The evidence")
    kazakhstan = text_of(client, reverse("events:entity", args=["kazakhstan"]))
    assert "Member since 26 April 1996" in kazakhstan and "Chair since" not in kazakhstan
    assert '<strong class="badge">retracted</strong>' in kazakhstan


def test_entity_by_iso3_redirects_to_its_slug_and_an_unknown_one_is_404(client, world):
    page = client.get("/entities/IND/")
    assert page.status_code == 301 and page["Location"] == reverse("events:entity", args=["india"])
    assert client.get("/entities/atlantis/").status_code == 404


@pytest.mark.parametrize("q", ["IND", "ind", "Indian", "india"])
def test_entity_index_finds_india_by_code_name_and_demonym(client, world, q):
    text = text_of(client, reverse("events:entities"), q=q)
    assert 'href="/entities/india/"' in text and 'href="/entities/russia/"' not in text


def test_source_page_lists_the_events_citing_it(client, world):
    text = text_of(client, reverse("events:source", args=["astana"]))
    assert "Astana declaration" in text and "Kazakhstan takes office as Chair" in text and "India" not in text
    assert client.get(reverse("events:source", args=["nope"])).status_code == 404


def test_event_page_links_its_subject_and_shows_corrections_and_retractions(client, world):
    correction = store.correct(event=world["joined"], date="2017-06-09", recorded_by="editor", note="the summit day")
    text = text_of(client, reverse("events:event", args=[world["joined"].id]))
    assert 'href="/entities/india/"' in text and "Corrected by" in text and str(correction.id) in text
    assert "line 3" in text and 'class="banner corrected-banner"' in text
    retraction = store.retract(event=world["chair"], reason="wrong summit", recorded_by="editor")
    text = text_of(client, reverse("events:event", args=[world["chair"].id]))
    assert 'class="banner retracted-banner"' in text and "wrong summit" in text and str(retraction.id) in text


def test_chart_page_lists_every_period_under_the_chart(client, world):
    text = text_of(client, reverse("events:chart"))
    assert "<svg" in text and "<title>India: observer, from 5 July 2005 to 1 June 2017</title>" in text
    assert "Kazakhstan: Chair, since 9 June 2017" in text


@pytest.mark.parametrize(
    "url, at_most",
    [("/timeline/", 7), ("/state/?at=2018-01-01", 15), ("/state/diff/?from=2016-01-01&to=2018-01-01", 10),
     ("/chart/", 3), ("/entities/india/", 10), ("/entities/?q=IND", 3), ("/sources/astana/", 6)],
)
def test_page_query_counts_do_not_grow_with_the_log(client, world, django_assert_max_num_queries, url, at_most):
    with django_assert_max_num_queries(at_most):
        assert client.get(url).status_code == 200
    for day in range(1, 31):  # thirty more states, none of them in the answers above
        builders.membership(builders.state(f"s{day}", f"X{day:02d}"), "observer", f"2019-01-{day:02d}")
    with django_assert_max_num_queries(at_most):
        assert client.get(url).status_code == 200


def test_state_page_on_the_first_day_of_the_calendar_answers(client, world):
    assert "Members (0)" in text_of(client, reverse("events:state"), at="0001-01-01")


def test_entity_index_is_paged(client, world, monkeypatch):
    monkeypatch.setattr("events.web.views.ENTITY_PAGE", 3)
    first = main_of(text_of(client, reverse("events:entities")))
    assert "Page 1 of 2" in first and 'href="?page=2"' in first and first.count("<li><a href=\"/entities/") == 3
    assert main_of(text_of(client, reverse("events:entities"), page="2")).count("<li><a href=\"/entities/") == 1


def test_an_entitys_evidence_is_paged(client, world, monkeypatch):
    monkeypatch.setattr("events.web.views.EVENT_PAGE", 1)
    text = text_of(client, reverse("events:entity", args=["india"]))
    assert "The evidence (2 events)" in text and "Page 1 of 2" in text and "India becomes an observer" in text
    assert "India becomes a member" in text_of(client, reverse("events:entity", args=["india"]), page="2")


def test_state_page_offers_the_same_state_as_csv(client, world):
    text = text_of(client, reverse("events:state"), at="2017-06-10")
    href = re.search(r'href="(/api/periods/\?at=2017-06-10&amp;format=csv)"', text).group(1).replace("&amp;", "&")
    rows = client.get(href).content.decode().splitlines()[1:]
    members = sorted(row.split(",")[3] for row in rows if row.split(",")[2] == "member")
    listed = re.findall(r'<a href="/entities/([a-z-]+)/">', text.split('id="status-members"')[1].split("</section>")[0])
    assert members == sorted(listed) == ["india", "kazakhstan", "russia"]
