"""Free text an event carries: trimmed, bounded, and refused when XML could not carry it."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from events import store
from events.domain.errors import ValidationError
from events.domain.text import clean_text
from tests import builders

CONTROLS = [chr(c) for c in range(32) if chr(c) not in "\n\t"]
# Characters that survive strip() (no Unicode space either: strip() takes U+00A0), so a control
# among them stays inside the text.
LETTERS = st.text(
    st.characters(min_codepoint=33, max_codepoint=0x2FFF, blacklist_categories=["Zs", "Zl", "Zp", "Cc"]), min_size=1, max_size=20
)


@given(LETTERS, st.sampled_from(CONTROLS), LETTERS)
def test_a_control_character_inside_the_text_is_refused(before, control, after):
    with pytest.raises(ValueError, match="contains control characters"):
        clean_text(before + control + after, 100)


@given(st.text(st.characters(blacklist_characters=CONTROLS, blacklist_categories=["Cs"]), max_size=40))
def test_text_without_controls_comes_back_stripped(text):
    assert clean_text(f"  {text}\n", 100) == text.strip()


def test_tabs_and_newlines_inside_are_kept_and_length_is_counted_after_stripping():
    assert clean_text(" a\tb\nc ", 5) == "a\tb\nc"
    with pytest.raises(ValueError, match="is longer than 4 characters"):
        clean_text("a\tb\nc", 4)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["locator", "note"])
def test_the_store_refuses_control_characters_in_the_locator_and_the_note(field):
    with pytest.raises(ValidationError) as refused:
        store.append(
            organisation=builders.organisation(), kind="membership.status", subject=builders.state("india", "IND"),
            payload={"status": "member"}, date="2017", source=builders.source(), confidence=0.9,
            recorded_by="tester", **{field: "line\x0712"},
        )

    assert refused.value.errors == {field: ["contains control characters"]}
