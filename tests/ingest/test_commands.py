import json

import pytest
from django.core.management import CommandError, call_command

from ingest.models import Document
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(tmp_path):
    sco_with_entities()
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    return path


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_ingest_then_candidates_prints_one_json_object_a_line(news):
    assert "5 candidates" in run("ingest", str(news), "--published", "2017-06")
    rows = [json.loads(line) for line in run("candidates", "--format", "json").splitlines()]
    first = rows[0]
    assert list(first) == ["file", "line", "kind", "subject_iso3", "status", "date", "precision", "confidence", "expectation", "evidence"]
    assert (first["file"], first["line"], first["subject_iso3"], first["date"], first["precision"]) == ("news.txt", 1, "IND", "2017-06-09", "day")
    assert any(r["expectation"] for r in rows)


def test_candidates_of_one_source(news):
    run("ingest", str(news))
    key = Document.objects.get().source.key
    assert len(run("candidates", "--source", key).splitlines()) == 5
    with pytest.raises(CommandError) as refused:
        run("candidates", "--source", "nope")
    assert refused.value.returncode == 2


def test_ingesting_twice_says_nothing_was_written(news):
    run("ingest", str(news))
    assert "already ingested" in run("ingest", str(news))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.txt"], "no such file"),
        (["--published", "2017-13"], "--published"),
        (["--auto-accept-above", "2"], "--auto-accept-above"),
        (["--org", "nato"], "--org"),
    ],
)
def test_bad_arguments_exit_with_code_2_and_say_why(news, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        run("ingest", *(args if args[0].startswith("/") else [str(news), *args]))
    assert refused.value.returncode == 2


def test_a_refused_document_is_reported_and_exits_1(news, tmp_path):
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CommandError, match="1 of 2") as refused:
        run("ingest", str(binary), str(news))
    assert refused.value.returncode == 1 and Document.objects.count() == 1


def test_an_evaluation_list_with_an_impossible_publication_date_exits_2_naming_it(news, tmp_path):
    expected = tmp_path / "expected.jsonl"
    expected.write_text(json.dumps({"document": news.name, "published": "2017-13"}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"expected.jsonl: published: '2017-13' is not a date on the calendar") as refused:
        run("ingest_eval", str(expected), "--documents", str(news.parent))
    assert refused.value.returncode == 2
