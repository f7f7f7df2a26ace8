from ingest.evaluation import ALL, TARGET, expectations_as_facts, scores

M = "membership.status"
EXPECTED = [
    {"kind": M, "subject_iso3": "IND", "status": "member", "date": "2017-06-09", "expectation": False, "lines": [3, 9]},
    {"kind": M, "subject_iso3": "PAK", "status": "member", "date": "2017-06-09", "expectation": False, "lines": [3]},
    {"kind": M, "subject_iso3": "IRN", "status": "member", "date": "2017", "expectation": True, "lines": [5]},
    {"kind": "office.assumed", "subject": "vladimir-norov", "office": "secretary_general", "date": "2019-01-01", "expectation": False, "lines": [7]},
]
FOUND = [
    {"kind": M, "subject_iso3": "IND", "status": "member", "date": "2017-06-09", "expectation": False, "line": 3, "lines": [3, 9]},
    {"kind": M, "subject_iso3": "PAK", "status": "member", "date": "2017", "expectation": False, "line": 3},
    {"kind": M, "subject_iso3": "IRN", "status": "member", "date": "2017", "expectation": False, "line": 5},
]


def by_label(result):
    return {s.label: (s.expected, s.found, s.matched) for s in result}


def test_facts_per_kind_with_the_date_and_the_target_kinds_without_expectations():
    result = by_label(scores(EXPECTED, FOUND))
    assert result[M] == (3, 3, 1)
    assert result["secretary_general"] == (1, 0, 0)
    assert result[TARGET] == (3, 3, 1)  # the expected IRN is an expectation: not a target fact
    assert result[ALL] == (4, 3, 1)


def test_without_the_date_a_wrong_date_still_matches():
    assert by_label(scores(EXPECTED, FOUND, with_date=False))[M] == (3, 3, 2)


def test_mentions_are_counted_on_every_supporting_line():
    assert by_label(scores(EXPECTED, FOUND, level="mention"))[M] == (4, 4, 3)


def test_an_expectation_proposed_as_a_fact_is_reported():
    (flipped,) = expectations_as_facts(EXPECTED, FOUND)
    assert flipped[2:4] == ("IRN", "member") and flipped[-1] == 5
