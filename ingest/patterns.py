"""The phrase tables extraction reads: which words assert which kind, status, office or meeting.

Declared, not branched: a new phrase for a status is one row here, and the status itself is
the organisation's data (a row is dropped when the organisation does not declare its value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    """A phrase asserting `kind` (with `value` for its payload field) about an entity of `subject_type`."""

    name: str
    pattern: re.Pattern
    kind: str
    subject_type: str
    value: str | None = None
    base: float = 0.8  # how strongly the phrase asserts it, before subject and date factors
    event: bool = False  # the phrase itself says something happened (joined, signed)
    reader: str = ""  # the reader in extract.READERS, when not the kind's own
    # A date right after the phrase belongs to what it leads to ("signed pledges to join in 2017"), not to it.
    target_date_after: bool = False


def _rule(
    name: str, phrase: str, kind: str, subject_type: str, value: str | None = None, base: float = 0.8,
    event: bool = False, reader: str = "", target_date_after: bool = False,
) -> Rule:
    pattern = re.compile(rf"(?<![\w-])(?:{phrase})(?![\w-])", FLAGS)
    return Rule(name, pattern, kind, subject_type, value, base, event, reader, target_date_after)


MEMBERSHIP = "membership.status"
OFFICE = "office.assumed"
MEETING = "meeting.held"

# The payload field each kind's `value` fills.
VALUE_FIELD = {MEMBERSHIP: "status", OFFICE: "office", MEETING: "meeting"}

_JOIN_OBJECT = r"(?=\s*(?:$|[.,;:)]|the\b|this\b|last\b|next\b|in\b|on\b|by\b|as\b|within\b|it\b|six\b|SCO\b|Shanghai\b|and\b|since\b|at\b|from\b))"

RULES: tuple[Rule, ...] = (
    # membership: status nouns (standing or event, as the cue words around them say) and joining verbs.
    _rule("member-full", r"full(?:[\s-]fledged)?\s+members?(?:\s+(?:states?|countries))?", MEMBERSHIP, "state", "member", 0.85),
    _rule("member-new", r"new\s+members?(?:\s+states?)?", MEMBERSHIP, "state", "member", 0.8, event=True),
    _rule("member-noun", r"(?:SCO\s+)?members?(?:\s+(?:states?|countries|nations))?|membership", MEMBERSHIP, "state", "member", 0.7),
    _rule("member-join", r"join(?:ed|ing|s)?" + _JOIN_OBJECT, MEMBERSHIP, "state", "member", 0.85, event=True),
    _rule("member-admit", r"admit(?:ted)?|admission|accession|acceded|accede|inclusion(?=\s+of\b)", MEMBERSHIP, "state", "member", 0.85, event=True),
    _rule("member-expand", r"(?:expand|enlarg)\w*[^.;]{0,40}?\bto\s+include|expansion\s+(?:in)?to", MEMBERSHIP, "state", "member", 0.75, event=True),
    # The founding members: the states a founding names, dated by that founding (extract._founding).
    _rule(
        "founding",
        r"co-?found\w*|found(?:ing|er)\s+(?:states?|members?|countries|nations)|original\s+members?|"
        r"established|establishment|founded|formed|created|creation|set\s+up|announce[ds]?\s+a\s+new\s+organi[sz]ation",
        MEMBERSHIP, "state", "member", 0.8, event=True, reader="founding",
    ),
    # The accession process: a status the organisation declares (the SCO's "acceding"), never a membership.
    _rule(
        "acceding",
        r"memorand(?:um|a)\s+of\s+obligations?|(?:appl(?:y|ied|ies|ying|ication)|bid)\s+(?:for|to)\s+(?:full\s+)?"
        r"membership|(?:membership|accession)\s+process",
        MEMBERSHIP, "state", "acceding", 0.8, event=True,
    ),
    _rule(
        "acceding-pledge", r"(?:sign\w*\s+)?(?:pledges?|an?\s+agreement\s+pledging|pledging)\s+to\s+join|application\s+to\s+join",
        MEMBERSHIP, "state", "acceding", 0.8, event=True, target_date_after=True,
    ),
    _rule("observer", r"observers?(?:\s+(?:states?|countries|status))?", MEMBERSHIP, "state", "observer", 0.8),
    _rule("dialogue-partner", r"dialogue\s+partners?(?:\s+(?:states?|countries|status))?", MEMBERSHIP, "state", "dialogue_partner", 0.8),
    _rule("sco-partner", r"SCO\s+partners?(?:\s+(?:states?|countries|status))?", MEMBERSHIP, "state", "partner", 0.75),
    # offices: the chair (presidency of the Council of Heads of State) is a state, the secretary-general a person.
    _rule("chair", r"chairmanship|chairing|chaired(?!\s+by)|chair|presidency|presided|presiding", OFFICE, "state", "chair", 0.75),
    _rule(
        "secretary-general",
        r"secretary[\s-]general|general[\s-]secretary|gen[\s-]sec|head(?:ing|ed|s)?\s+(?:of\s+)?the\s+SCO(?:['’]s)?\s+secretariat",
        OFFICE, "person", "secretary_general", 0.8,
    ),
    # happenings
    _rule("summit", r"summits?(?:\s+meeting)?|(?:meeting|session)\s+of\s+(?:the\s+)?(?:SCO\s+)?(?:Council\s+of\s+)?heads\s+of\s+states?(?:\s+council)?|Council\s+of\s+Heads\s+of\s+States?(?:\s+meeting)?|Heads\s+of\s+State\s+Council", MEETING, "place", "heads_of_state", 0.75),
    _rule("government-meeting", r"(?:meeting|council)\s+of\s+(?:the\s+)?heads\s+of\s+governments?", MEETING, "place", "heads_of_government", 0.75),
    _rule("signed", r"signed|signing|signature", "document.signed", "document", None, 0.85, event=True),
    _rule("in-force", r"(?:entered|came|comes|enters|entry)\s+into\s+(?:force|effect)|in\s+force\s+(?:since|from)", "document.in_force", "document", None, 0.85, event=True),
    _rule(
        "established",
        r"established|establishment|founded|founding|co-founded|formed|created|set\s+up|inception|started\s+(?:its\s+)?operations?|began\s+(?:its\s+)?(?:work|operations?)",
        "body.established", "body", None, 0.75, event=True,
    ),
)

# Cue words read in the window around a phrase and its subject.
EXPECTATION = re.compile(
    r"\b(?:could|would|will|shall|might|may|should|plans?|planned|planning|expected|expects?|anticipat\w*|hopes?|hoped|"
    r"desire\w*|intends?|intention|pledg\w*|applications?|appl(?:y|ied|ies)|bids?|block\w*|pending|process|set\s+to|"
    r"going\s+to|proposals?|proposed|invited|invitation|push|scheduled|candidacy|aspir\w*|seeks?|sought|wants?|if|soon|"
    r"to\s+(?:upgrade|grant)|(?:un)?likely)\b",
    FLAGS,
)
NEGATION = re.compile(r"\b(?:not|never|no\s+longer|other\s+than|except|excluding|withdr\w*|suspended|instead\s+of)\b|n['’]t\b", FLAGS)
EVENT = re.compile(
    r"\b(?:join\w*|became|become|becoming|admi\w*|accession|acceded|granted|given|received|obtained|upgraded|accepted|"
    r"inclusion|included|welcomed|entry|entered|assumed|took\s+over|handed|passed|appointed|elected|named|replaced|"
    r"succeeded|took\s+office|since|chaired|presided)\b",
    FLAGS,
)
# An office phrase about the end of a term, not its start.
TERM_END = re.compile(r"\b(?:former|previous|outgoing|ex|culminat\w*|ends?|ended|conclud\w*|until|handed\s+over)\b", FLAGS)
# A term told in the past tense: "India's presidency witnessed ..." does not say India holds it now.
PAST_HOLDER = re.compile(r"\b(?:witnessed|saw|was|were|had|did|achieved|brought|marked|fell|during|chaired|presided)\b", FLAGS)
# "X replaced Y as secretary-general": the subject is the one before the verb.
REPLACES = re.compile(r"\b(?:replac\w*|succeed\w*)\b", FLAGS)
# A relative clause between a phrase and a date: the date belongs to the clause.
CLAUSE_BREAK = re.compile(r",\s*(?:which|who|whose|where|while)\b|;|—\s|–\s", FLAGS)

# What may stand before a date that opens a sentence ("This year, ...", "In 2017, ...").
OPENING = re.compile(r"[\s\"“(]*(?:in|on|by|during)?\s*", FLAGS)
# Between the dates of a list: "twice - in 2010-2011 and 2016-2017".
DATE_LIST_GAP = re.compile(r"^\s*(?:,|and|&)\s*(?:(?:and|in|on)\s+)*$", FLAGS)
# Entity lists: what may stand between the states of "India, Pakistan and Iran" or "the Republic of Armenia".
LIST_GAP = re.compile(
    r"^(?:\s*(?:,|and|&|or|/|as\s+well\s+as)\s*)+(?:(?:the|Islamic|Federal|Democratic|Socialist|People['’]s|Kingdom|"
    r"Republic|Federation|Arab|State|Union|of|Emirate)\s+)*$",
    FLAGS,
)
# What may follow a status noun when the states it names come after it ("members are A, B and C").
LIST_AFTER = re.compile(
    r"^(?:\s*|[^.;,]{0,40}?(?:\b(?:are|were|include[sd]?|including|namely|of\s+\w+\s+new\s+states?|for|to)\b|[:–—(-])\s*(?:the\s+)?)$",
    FLAGS,
)
# What may stand between an organisation and the word of its founding ("the SCO, which was set up in").
FOUNDED_GAP_BEFORE = re.compile(
    r"^(?:['’]s)?\s*(?:group|mechanism|grouping)?\s*(?:\([^)]{0,12}\))?\s*,?\s*(?:(?:which|that)\b[^.;]{0,60}?)?\s*"
    r"(?:it\s+)?(?:was|were|has\s+been|had\s+been|is|got)?\s*(?:formally|officially|first|initially)?\s*$",
    FLAGS,
)
FOUNDED_GAP_AFTER = re.compile(r"^\s*(?:of|by)?\s*(?:the\s+)?$", FLAGS)
# "Since its inception", "Established formally in 2001, it ...": the organisation, unnamed.
FOUNDED_UNNAMED = re.compile(r"(?:\bits\s+(?:inception|establishment)\b|^(?:established|founded|set\s+up|created)\b)", FLAGS)
# "This started its operation in 2004": the body named in the sentence before.
PRONOUN_START = re.compile(r"^(?:this|it|the\s+(?:body|structure|organi[sz]ation))\b", FLAGS)

# Founding words that name founders whatever organisation is near; the others need the organisation as their subject.
FOUNDING_STRONG = re.compile(r"co-?found|found(?:ing|er)\s|original", FLAGS)
ORGANISATION_WORD = re.compile(r"\b(?:new|the)\s+organi[sz]ation\b|\bits\s+(?:establishment|creation|founding|formation)\b", FLAGS)
# "the leaders of these nations and Uzbekistan": the states of the sentence before.
THESE_STATES = re.compile(r"\b(?:these|those|the\s+same)\s+(?:nations|countries|states)\b", FLAGS)
# "Alongside Russia and China, the members are A and B": the states before the comma join the list.
ALONGSIDE = re.compile(r"^\s*(?:alongside|besides|apart\s+from|along\s+with|in\s+addition\s+to)\s+$", FLAGS)
# What may stand between an event noun and its states: "the accession of India", "expansion into India".
LIST_AFTER_EVENT = re.compile(r"^\s*(?:of|into|for)\s+(?:the\s+)?$", FLAGS)

PROPER_NAME = re.compile(r"[A-Z][a-z]+(?:[\s-][A-Z][a-z]+){1,2}")
DOCUMENT_TITLE = re.compile(
    r"\b(?:Treaty|Agreement|Charter|Declaration|Convention|Memorandum|Protocol)\s+(?:on|of|for|between|against)\s+"
    r"(?:the\s+)?[A-Z][\w’'-]*(?:(?:\s+|,\s*)(?:and|of|on|in|the|for|[A-Z][\w’'-]*))*"
)
