"""The ledger proves itself: hashes over what no edit changes, a signed head in every export, an import that checks all."""
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from events import archive, integrity
from events.domain.errors import ValidationError
from events.integrity import verify_chain
from events.models import Checkpoint, Entity, Event, LegacyCitation, Source
from tests import builders
from tests.purging import empty_event_log

pytestmark = [pytest.mark.django_db, pytest.mark.owner]  # most empty the log to import into it
V1_EXPORT = Path(__file__).parent / "fixtures" / "hashes-v1.jsonl"


def export_text() -> str:
    stream = io.StringIO()
    archive.write_export(stream)
    return stream.getvalue()


def round_trip() -> list:
    """Export, empty the log, import: what came back, as (id, seq, hash)."""
    text = export_text()
    before = list(Event.objects.order_by("seq").values_list("id", "seq", "hash"))
    empty_event_log()
    archive.import_stream(io.StringIO(text))
    assert list(Event.objects.order_by("seq").values_list("id", "seq", "hash")) == before
    return before


def test_new_events_are_hashed_over_the_ids_they_cite_not_their_slugs():
    india = builders.state("india", "IND", "India")
    event = builders.membership(india, "member", "2017-06-09")
    [link] = integrity.chained()

    assert link.version == 2 and link.cited == {"subject": india.pk, "source": event.source_id, "organisation": event.organisation_id}
    assert not LegacyCitation.objects.exists()
    assert event.hash == integrity.event_hash(link.record, integrity.GENESIS_HASH, link.cited, 2)


def rename_in_the_admin(client, entity: Entity, source: Source, settings) -> None:
    settings.SECURE_SSL_REDIRECT = False
    response = client.post(reverse("admin:events_entity_change", args=[entity.pk]), {
        "name": entity.name, "slug": "republic-of-india", "type": entity.type, "iso3": entity.iso3 or "", "country": "",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("admin:events_source_change", args=[source.pk]), {
        "key": "renamed-source", "title": source.title, "publisher": source.publisher, "url": source.url,
        "published": str(source.published or ""), "kind": source.kind, "reliability": str(source.reliability),
    })
    assert response.status_code == 302, response.content[:2000]


def test_renaming_an_entity_and_a_source_in_the_admin_keeps_the_ledger_verified(admin_client, settings):
    india = builders.state("india", "IND", "India")
    joined = builders.membership(india, "member", "2017-06-09")

    rename_in_the_admin(admin_client, india, joined.source, settings)

    assert Entity.objects.get(pk=india.pk).slug == "republic-of-india"
    call_command("verify_log", stdout=io.StringIO())
    round_trip()
    assert Event.objects.get().subject.slug == "republic-of-india" and verify_chain().ok


def test_events_hashed_with_version_1_still_verify_after_a_rename(admin_client, settings):
    with V1_EXPORT.open(encoding="utf-8") as stream:
        assert archive.import_stream(stream) == 196
    assert LegacyCitation.objects.count() == 196
    india = Entity.objects.get(slug="india")
    source = Event.objects.filter(subject=india).first().source

    rename_in_the_admin(admin_client, india, source, settings)
    builders.membership(Entity.objects.get(pk=india.pk), "member", "2026-01-01", src=Source.objects.get(pk=source.pk))

    report = verify_chain()
    assert report.ok and report.checked == 197
    assert [link.version for link in integrity.chained()][-2:] == [1, 2]
    round_trip()  # the export carries the frozen keys of the version-1 events
    assert verify_chain().ok and LegacyCitation.objects.get(event__seq=1).organisation == "sco"


def test_every_append_writes_a_signed_checkpoint_of_its_head():
    india = builders.state("india", "IND", "India")
    builders.membership(india, "observer", "2005-07-05")
    last = builders.membership(india, "member", "2017-06-09")

    checkpoints = list(Checkpoint.objects.order_by("seq").values_list("seq", "hash"))
    assert checkpoints[-2:] == [(1, Event.objects.get(seq=1).hash), (2, last.hash)]
    latest = Checkpoint.objects.latest("seq")
    assert integrity.signature_holds(integrity.Head(latest.seq, latest.hash), latest.signature)


def test_the_checkpoint_is_signed_with_ledger_key_not_secret_key(settings):
    head = integrity.Head(1, "a" * 64)
    signed = integrity.sign(head)
    settings.SECRET_KEY = "another-secret-key-entirely-different-from-before"
    assert integrity.sign(head) == signed
    settings.LEDGER_KEY = "another-ledger-key"
    assert integrity.sign(head) != signed


def test_a_rotated_ledger_key_still_verifies_the_heads_its_fallbacks_signed(settings):
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")
    old_key = settings.LEDGER_KEY
    settings.LEDGER_KEY = "the-new-ledger-key"
    assert "not signed with LEDGER_KEY" in verify_chain().problem

    settings.LEDGER_KEY_FALLBACKS = [old_key]
    builders.membership(builders.state("pakistan", "PAK", "Pakistan"), "member", "2017-06-09")

    assert verify_chain().ok
    latest = Checkpoint.objects.latest("seq")
    assert latest.signature == integrity.sign(integrity.Head(latest.seq, latest.hash), "the-new-ledger-key")


def test_an_export_ends_with_the_signed_head_it_exported():
    india = builders.state("india", "IND", "India")
    builders.membership(india, "member", "2017-06-09")
    last = builders.membership(india, "member", "2017-06-10")

    head = json.loads(export_text().splitlines()[-1])

    assert {k: head[k] for k in ("type", "seq", "hash", "events")} == {"type": "head", "seq": 2, "hash": last.hash, "events": 2}
    assert integrity.signature_holds(integrity.Head(2, last.hash), head["signature"])


def test_an_import_writes_a_checkpoint_of_the_imported_head():
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")
    round_trip()
    assert Checkpoint.objects.latest("pk").seq == 1 and verify_chain().ok


def test_a_head_signed_elsewhere_imports_only_when_asked(settings, tmp_path):
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")
    path = tmp_path / "log.jsonl"
    path.write_text(export_text(), encoding="utf-8")
    empty_event_log()
    settings.LEDGER_KEY = "the-key-of-another-installation"

    with pytest.raises(CommandError, match="not signed with this installation's LEDGER_KEY") as refused:
        call_command("import_log", str(path), stdout=io.StringIO())
    assert refused.value.returncode == 2 and Event.objects.count() == 0
    call_command("import_log", str(path), "--foreign-head", stdout=io.StringIO())
    assert Event.objects.count() == 1 and verify_chain().ok


# import_log checks every line before it writes: each bad file exits 2 naming the file, the line and the field.


@pytest.fixture
def export_lines():
    india = builders.state("india", "IND", "India")
    builders.membership(india, "member", "2017-06-09")
    builders.membership(india, "member", "2017-06-10")
    lines = export_text().splitlines()
    empty_event_log()
    return lines


def event_at(lines: list[str], seq: int) -> int:
    return next(i for i, line in enumerate(lines) if '"type": "event"' in line and json.loads(line)["seq"] == seq)


def changed(lines: list[str], index: int, **fields) -> list[str]:
    row = json.loads(lines[index])
    row.update(fields)
    return [*lines[:index], json.dumps(row), *lines[index + 1 :]]


def without(lines: list[str], index: int, name: str) -> list[str]:
    row = json.loads(lines[index])
    del row[name]
    return [*lines[:index], json.dumps(row), *lines[index + 1 :]]


CASES = {
    "malformed JSON": (lambda lines: [*lines[:2], '{"type": "entity", ', *lines[2:]], r"line 3: not JSON"),
    "not an object": (lambda lines: [*lines[:1], "[1, 2]", *lines[1:]], r"line 2: not a JSON object"),
    "deeply nested": (lambda lines: [*lines[:1], "[" * 100_000, *lines[1:]], r"line 2: not JSON"),
    "unknown type": (lambda lines: changed(lines, 0, type="planet"), r"line 1: type: 'planet' is not one of"),
    "entity type": (lambda lines: changed(lines, 0, entity_type="planet"), r"line 1: entity_type: 'planet' is not one of"),
    "bad slug": (lambda lines: changed(lines, 0, slug="no where/../x"), r"line 1: slug: .* is not a slug"),
    "source url": (lambda lines: changed(lines, 1, url="javascript:alert(1)"), r"line 2: url: .* is not an http\(s\) URL"),
    "reliability": (lambda lines: changed(lines, 1, reliability="high"), r"line 2: reliability: 'high' is not a number"),
    "published": (lambda lines: changed(lines, 1, published="2017-02-30"), r"line 2: published: '2017-02-30' is not a date"),
    "missing field": (lambda lines: without(lines, 0, "name"), r"line 1: name: is missing"),
    "confidence": (lambda lines: changed(lines, event_at(lines, 1), confidence=7), r"confidence: 7 is not a number between 0 and 1"),
    "kind": (lambda lines: changed(lines, event_at(lines, 1), kind="rumour"), r"kind: 'rumour' is not one of"),
    "lone surrogate": (lambda lines: changed(lines, event_at(lines, 1), note="\udc00"), r"note: holds a lone surrogate"),
    "NUL in payload": (lambda lines: changed(lines, event_at(lines, 1), payload={"status": "mem\x00ber"}), r"payload: contains control characters"),
    "NaN": (lambda lines: [*lines[:1], lines[1].replace('"reliability": 0.9', '"reliability": NaN'), *lines[2:]],
            r"line 2: not JSON: NaN is not a JSON number"),
    "subject renamed in the line": (lambda lines: changed(lines, event_at(lines, 1), subject="pakistan"),
                                    r"cites.subject: 'pakistan' is not the subject with id \d+ in the export"),
    "cites an undeclared id": (lambda lines: changed(lines, event_at(lines, 1), cites={"subject": 999, "source": 1, "organisation": 1}),
                               r"cites.subject: 'india' is not the subject with id 999"),
    "payload not an object": (lambda lines: changed(lines, event_at(lines, 1), payload="member"), r"payload: 'member' is not an object"),
    "date": (lambda lines: changed(lines, event_at(lines, 1), date=["2017-06-09", "2017-06-01", "day"]), r"date: .* is not \[earliest"),
    "recorded_at": (lambda lines: changed(lines, event_at(lines, 1), recorded_at="yesterday"), r"recorded_at: 'yesterday' is not an ISO"),
    "altered": (lambda lines: changed(lines, event_at(lines, 1), confidence=0.1), r"hash: event seq 1 does not match its hash: the export was altered"),
    "seq gap": (lambda lines: [*lines[: event_at(lines, 1)], *lines[event_at(lines, 2) :]], r"seq: 2 follows seq 0"),
    "after the head": (lambda lines: [*lines, lines[0]], r"line \d+: a line follows the head"),
    "head cut": (lambda lines: lines[:-1], r"head: the export ends before its head line"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_export_imports_nothing_and_names_the_line_and_field(case, export_lines, tmp_path):
    alter, message = CASES[case]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(alter(export_lines)) + "\n", encoding="utf-8", errors="surrogatepass")
    entities = Entity.objects.count()

    with pytest.raises(CommandError, match=message) as refused:
        call_command("import_log", str(path), stdout=io.StringIO())

    assert refused.value.returncode == 2 and str(path) in str(refused.value)
    assert Event.objects.count() == 0 and Checkpoint.objects.count() == 0 and Entity.objects.count() == entities


def test_an_export_that_is_not_utf8_names_its_line(export_lines, tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(("\n".join(export_lines[:2]) + "\n").encode() + b'{"type": "entity", "name": "\xff"}\n')

    with pytest.raises(CommandError, match=r"line 3: not UTF-8") as refused:
        call_command("import_log", str(path), stdout=io.StringIO())
    assert refused.value.returncode == 2 and Event.objects.count() == 0


def test_an_import_clashing_with_this_stores_entities_is_refused_cleanly(export_lines):
    builders.state("india-2", "XIN", "Other")
    Entity.objects.filter(slug="india").update(slug="india-old")
    Entity.objects.filter(slug="india-2").update(slug="india")

    with pytest.raises(ValidationError, match="clash with this store's"):
        archive.import_stream(export_lines)
    assert Event.objects.count() == 0
