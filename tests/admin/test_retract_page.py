"""The retract page says what comes back into force when a correction is retracted; uncertainty is
readable in the admin's pages."""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from events import queries, store
from tests import builders

pytestmark = pytest.mark.django_db


def _retract_page(client, *events):
    return client.get(reverse("admin:events_event_retract") + "?" + "&".join(f"ids={e.pk}" for e in events))


def test_retracting_a_correction_says_the_event_it_replaced_comes_back_and_replay_agrees(editor_client, sco, india):
    observer = builders.membership(india, "observer", "2005-07")
    member = store.correct(event=observer, recorded_by="ed", note="misread", payload={"status": "member"})

    html = _retract_page(editor_client, member).content.decode()

    section = html.split('id="brought-back"')[1].split("</div>")[0]
    assert f"#{member.seq}</a> is a correction of" in section
    assert f"Retracting #{member.seq} brings #{observer.seq} back into force" in section
    assert "status=observer" in section

    editor_client.post(reverse("admin:events_event_retract") + f"?ids={member.pk}", {"reason": "the source was right"})
    assert queries.state_at(sco, date(2006, 1, 1)).standing(("membership", "india")).value == "observer"


def test_retracting_a_correction_with_the_event_it_replaced_brings_nothing_back(editor_client, sco, india):
    observer = builders.membership(india, "observer", "2005-07")
    member = store.correct(event=observer, recorded_by="ed", note="misread", payload={"status": "member"})

    html = _retract_page(editor_client, observer, member).content.decode()

    assert f"Nothing comes back: #{observer.seq} stays withdrawn, it is retracted with it." in html
    assert "back into force</strong>" not in html


def test_retracting_a_plain_event_brings_nothing_back_and_says_nothing_of_it(editor_client, sco, india):
    observer = builders.membership(india, "observer", "2005-07")

    html = _retract_page(editor_client, observer).content.decode()

    assert 'id="brought-back"' not in html


def _contrast(hex_colour: str, background: str = "ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(hex_colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_not_certain_on_this_date_is_written_in_a_colour_readable_on_white(editor_client, sco, india):
    builders.membership(india, "observer", "2005-07")

    html = editor_client.get(reverse("admin:events_state") + "?at=2005-07-10").content.decode()

    assert "(not certain on this date)" in html
    rule = re.search(r"\.timeline-page \.uncertain \{ color: #([0-9a-f]{6});", html)
    assert rule is not None, "the uncertainty rule names its colour"
    assert _contrast(rule[1]) >= 4.5
