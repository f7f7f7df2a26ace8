"""PartialDateField: one attribute (`source.published`, `event.date`) over three columns, on either database."""
from datetime import date

import pytest
from django.core.management import call_command

from events.domain.dates import PartialDate, Precision
from events.models import Source
from ingest.models import Candidate, Document
from tests import builders

pytestmark = pytest.mark.django_db

JUNE_2017 = PartialDate.from_parts(2017, 6)


def reread(source: Source) -> Source:
    return Source.objects.get(pk=source.pk)


def test_a_partial_date_given_to_the_constructor_is_read_back_from_the_database():
    source = Source.objects.create(key="k", title="t", kind="news", published=JUNE_2017)

    stored = reread(source)

    assert stored.published == JUNE_2017
    assert (stored.published_earliest, stored.published_latest, stored.published_precision) == (
        date(2017, 6, 1), date(2017, 6, 30), "month",
    )


def test_an_unknown_partial_date_is_none_with_empty_columns():
    source = Source.objects.create(key="k", title="t", kind="news", published=None)

    stored = reread(source)

    assert stored.published is None
    assert (stored.published_earliest, stored.published_latest, stored.published_precision) == (None, None, "")


def test_assigning_none_empties_a_known_date():
    source = Source.objects.create(key="k", title="t", kind="news", published=PartialDate.parse("2001-06-15"))

    source.published = None
    source.save()

    assert reread(source).published is None


def test_assignment_replaces_all_three_columns():
    source = Source.objects.create(key="k", title="t", kind="news", published=PartialDate.parse("2001-06-15"))

    source.published = PartialDate.parse("2005")
    source.save()

    assert (reread(source).published, reread(source).published.precision) == (PartialDate.parse("2005"), Precision.YEAR)


def test_update_or_create_takes_the_partial_date_in_its_defaults():
    created, was_created = Source.objects.update_or_create(key="k", defaults={"title": "t", "kind": "news", "published": JUNE_2017})
    updated, again = Source.objects.update_or_create(key="k", defaults={"published": PartialDate.parse("2018")})

    assert (was_created, again) == (True, False)
    assert (created.published, reread(updated).published) == (JUNE_2017, PartialDate.parse("2018"))


def test_only_a_partial_date_or_none_is_taken():
    with pytest.raises(TypeError, match="Source.published takes a PartialDate or None, not str"):
        Source(published="2017-06")


def test_every_model_with_a_partial_date_reads_it_the_same_way():
    org = builders.organisation()
    event = builders.membership(builders.state("india", "IND"), "member", "2017-06")
    document = Document.objects.create(organisation=org, source=builders.source(), file_name="f", text="", ingested_by="t")
    candidate = Candidate.objects.create(
        document=document, kind="membership.status", subject_text="India", date=JUNE_2017, confidence=0.5,
        evidence_start=0, evidence_end=1, line=1, evidence="x",
    )

    assert (event.date, Candidate.objects.get().date, Document.objects.get().published) == (JUNE_2017, JUNE_2017, None)
    assert str(candidate) == "membership.status India 2017-06"


def test_the_columns_are_those_the_migrations_declare():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 when a model changed
