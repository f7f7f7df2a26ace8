"""The checks import_log reads a file with (events/domain/shapes.py): each says what is wrong, or nothing."""
import pytest

from events.domain import shapes


@pytest.mark.parametrize("value, problem", [
    ("https://example.org/a?b#c", ""),
    ("", ""),
    ("javascript:alert(1)", "is not an http(s) URL"),
    ("http://", "is not an http(s) URL"),
    ("https://exa mple.org", "is not an http(s) URL"),
    (7, "is not text"),
])
def test_a_url_is_http_or_https(value, problem):
    found = shapes.http_url(1000)(value)
    assert (problem in found) if problem else found == ""


def test_json_values_are_checked_all_the_way_down():
    assert shapes.json_value({"a": [1, {"b": "ok"}]}) == ""
    assert "lone surrogate" in shapes.json_value({"a": [1, {"b": "\udc00"}]})
    assert "control characters" in shapes.json_value({"a\x00": 1})
    deep: list = []
    for _ in range(30):
        deep = [deep]
    assert shapes.json_value(deep) == "is nested too deep"


def test_shapes_name_the_part_that_is_wrong():
    check = shapes.object_of({"slug": shapes.matching(r"[a-z]+", "a slug"), "order": shapes.of_type(int, name="an integer")})
    assert check({"slug": "ok", "order": 1}) == ""
    assert check({"slug": "ok"}) == "order: is missing"
    assert check({"slug": "OK", "order": 1}) == "slug: 'OK' is not a slug"
    assert shapes.list_of(shapes.fraction)([0.5, 1.5]) == "[1] 1.5 is not a number between 0 and 1"
    assert shapes.fraction(True) == "True is not a number between 0 and 1"
