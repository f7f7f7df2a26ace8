"""export_log / import_log: the whole log moves to another store with its ids and hashes intact."""
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import archive, queries, store
from events.domain.errors import ConflictError, ValidationError
from events.integrity import verify_chain
from events.models import Event, Organisation
from tests import builders
from tests.purging import empty_event_log

pytestmark = pytest.mark.owner  # they empty the log to import into it


def exported_history() -> str:
    builders.organisation()
    india = builders.state("india", "IND", "India")
    joined = builders.membership(india, "member", "2017-06-10")
    store.correct(event=joined, date="2017-06-09", recorded_by="editor", note="summit day")
    stream = io.StringIO()
    archive.write_export(stream)
    return stream.getvalue()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_store_keeps_ids_hashes_and_answers():
    text = exported_history()
    before = list(Event.objects.order_by("seq").values_list("id", "seq", "hash"))
    empty_event_log()
    assert archive.import_stream(io.StringIO(text)) == 2
    assert list(Event.objects.order_by("seq").values_list("id", "seq", "hash")) == before
    assert verify_chain().ok
    member = queries.state_at(Organisation.objects.get(slug="sco"), date(2017, 6, 9)).with_value("membership", "member")
    assert [s.holder for s in member] == ["india"]


@pytest.mark.django_db
def test_an_altered_export_is_refused_whole():
    text = exported_history()
    lines = text.splitlines()
    event_line = next(i for i, line in enumerate(lines) if '"type": "event"' in line)
    row = json.loads(lines[event_line])
    row["confidence"] = 0.1
    lines[event_line] = json.dumps(row)
    empty_event_log()
    with pytest.raises(ValidationError, match="export was altered"):
        archive.import_stream(io.StringIO("\n".join(lines)))
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_import_into_a_store_with_events_is_refused(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(exported_history())
    with pytest.raises(ConflictError, match="not empty"):
        archive.import_stream(path.open())
    with pytest.raises(CommandError, match="not empty") as refused:
        call_command("import_log", str(path))
    assert refused.value.returncode == 2
