"""The hash of an event never changes with the code: an export written before a refactoring imports.

`fixtures/hashes-v1.jsonl` is the SCO seeds, one correction and one retraction, exported by the
code as it stood before events/ was reorganised (the hash scheme of version 1). Importing it
recomputes every event's hash along the chain and refuses the file if one differs.
"""
from pathlib import Path

import pytest

from events import archive
from events.integrity import verify_chain
from events.models import Event

FIXTURE = Path(__file__).parent / "fixtures" / "hashes-v1.jsonl"
HEAD_HASH = "10719723bdcd54c50eb494b3b61aae795413b1f0c227d6a6bed7a0429e74c386"


@pytest.mark.django_db
def test_seeds_exported_before_the_change_verify_with_the_same_hashes():
    with FIXTURE.open(encoding="utf-8") as stream:
        restored = archive.import_stream(stream)

    assert restored == 196
    assert Event.objects.order_by("-seq").values_list("hash", flat=True).first() == HEAD_HASH
    assert Event.objects.exclude(corrects=None).count() == 1
    assert Event.objects.exclude(retracts=None).count() == 1
    report = verify_chain()
    assert report.ok and report.checked == 196
