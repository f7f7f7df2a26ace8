from ingest.evaluation import ALL, scores

EXPECTED = [
    {"kind": "membership.status", "subject_iso3": "IND", "status": "member", "date": "2017-06-09", "expectation": False},
    {"kind": "membership.status", "subject_iso3": "PAK", "status": "member", "date": "2017-06-09", "expectation": False},
    {"kind": "office.assumed", "subject": "vladimir-norov", "office": "secretary_general", "date": "2019-01-01", "expectation": False},
]
FOUND = [
    {"kind": "membership.status", "subject_iso3": "IND", "status": "member", "date": "2017-06-09", "expectation": False, "line": 9},
    {"kind": "membership.status", "subject_iso3": "PAK", "status": "member", "date": "2017", "expectation": False},
    {"kind": "membership.status", "subject_iso3": "IRN", "status": "member", "date": "2017", "expectation": True},
]


def by_kind(result):
    return {s.kind: (s.expected, s.found, s.matched) for s in result}


def test_precision_and_recall_per_kind_with_the_date():
    result = by_kind(scores(EXPECTED, FOUND))
    assert result == {"membership.status": (2, 3, 1), "office.assumed": (1, 0, 0), ALL: (3, 3, 1)}


def test_without_the_date_a_wrong_date_still_matches():
    assert by_kind(scores(EXPECTED, FOUND, with_date=False))["membership.status"] == (2, 3, 2)
