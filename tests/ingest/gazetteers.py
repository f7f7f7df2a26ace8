"""A small gazetteer for pure tests, built from plain rows (no database)."""
from events.domain.dates import PartialDate
from ingest.gazetteer import Gazetteer, from_rows

ROWS = [
    {"slug": "sco", "type": "body", "name": "Shanghai Cooperation Organisation", "aliases": ["Shanghai Cooperation Organization", "SCO"]},
    {"slug": "shanghai-five", "type": "body", "name": "Shanghai Five"},
    {"slug": "rats", "type": "body", "name": "Regional Anti-Terrorist Structure", "aliases": ["RATS"]},
    {"slug": "sco-charter", "type": "document", "name": "Charter of the Shanghai Cooperation Organisation", "aliases": ["SCO Charter"]},
    {"slug": "india", "type": "state", "name": "India", "iso3": "IND", "demonyms": ["Indian"]},
    {"slug": "pakistan", "type": "state", "name": "Pakistan", "iso3": "PAK", "demonyms": ["Pakistani"]},
    {"slug": "iran", "type": "state", "name": "Iran", "iso3": "IRN", "aliases": ["Islamic Republic of Iran"], "demonyms": ["Iranian"]},
    {"slug": "belarus", "type": "state", "name": "Belarus", "iso3": "BLR", "aliases": ["Republic of Belarus"]},
    {"slug": "mongolia", "type": "state", "name": "Mongolia", "iso3": "MNG"},
    {"slug": "turkey", "type": "state", "name": "Turkey", "iso3": "TUR"},
    {"slug": "kazakhstan", "type": "state", "name": "Kazakhstan", "iso3": "KAZ", "demonyms": ["Kazakh"]},
    {"slug": "tajikistan", "type": "state", "name": "Tajikistan", "iso3": "TJK", "demonyms": ["Tajik"]},
    {"slug": "uzbekistan", "type": "state", "name": "Uzbekistan", "iso3": "UZB", "demonyms": ["Uzbek"]},
    {"slug": "russia", "type": "state", "name": "Russia", "iso3": "RUS", "demonyms": ["Russian"]},
    {"slug": "vladimir-norov", "type": "person", "name": "Vladimir Norov"},
    {"slug": "rashid-alimov", "type": "person", "name": "Rashid Alimov"},
    {"slug": "astana", "type": "place", "name": "Astana"},
    {"slug": "tashkent", "type": "place", "name": "Tashkent"},
    {"slug": "shanghai", "type": "place", "name": "Shanghai"},
]


def toy() -> Gazetteer:
    return from_rows(ROWS, organisations={"sco": PartialDate.parse("2001-06-15"), "shanghai-five": PartialDate.parse("1996-04-26")})
