"""Text -> candidate assertions with evidence, date and confidence. Pure: no ORM, no I/O.

`extract(text, gazetteer, published)` reads each sentence with the phrase tables in
ingest.patterns; each phrase family has one reader below (declared in READERS).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from events.domain.dates import PartialDate
from events.domain.kinds import Vocabulary

from . import patterns as p
from .confidence import Evidence, score
from .dates import DateMention, find_dates
from .gazetteer import Entry, Gazetteer, Mention, Via
from .stories import Sentence, interrupts, same_paragraph, sentences
from .subjects import Unresolved, groups, nearest, office_holder, pattern_near, state_list, unresolved_name

ESTABLISHED, FOUNDED = "body.established", "organisation.founded"
PUBLICATION = "publication date"  # the date_text of a date taken from the story, not the sentence


@dataclass(frozen=True)
class Assertion:
    """One candidate: what the text asserts, where, and how sure we are."""

    kind: str
    subject: Entry | None  # None: unresolved, see subject_text
    subject_text: str
    payload: dict[str, Any] = field(hash=False)
    date: PartialDate | None  # None: the text's date needed a publication date nobody gave
    date_text: str
    confidence: float
    start: int  # evidence span in the document text
    end: int
    line: int
    evidence: str
    expectation: bool = False
    rule: str = ""
    lines: tuple[int, ...] = field(default=(), compare=False)  # every line the document asserts it on

    @property
    def value(self) -> str | None:
        return self.payload.get(p.VALUE_FIELD.get(self.kind, ""))


@dataclass(frozen=True)
class Context:
    """What a reader sees of one sentence: its text, entity and date mentions, and its neighbours."""

    sentence: Sentence
    mentions: list[Mention]
    dates: list[DateMention]
    previous_body: Mention | None
    organisation: Entry | None
    previous: Sentence | None = None  # the sentence before, in the same paragraph
    previous_states: tuple[Mention, ...] = ()  # its longest list of states ("these nations")

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def anchor(self) -> PartialDate | None:
        return self.sentence.story.anchor

    def of_type(self, entity_type: str) -> list[Mention]:
        return [m for m in self.mentions if m.entry.type == entity_type]

    @cached_property
    def carried_date(self) -> DateMention | None:
        """The last date of the sentence before, at year precision: the period a narrative is in
        ("In 2017 the Astana summit ... For the first time India and Pakistan were admitted")."""
        if self.previous is None:
            return None
        dated = [m for m in find_dates(self.previous.text, self.anchor) if m.date is not None and not m.present]
        if not dated:
            return None
        year = PartialDate.from_parts(dated[-1].date.earliest.year)
        return DateMention(0, 0, f"{dated[-1].text} (the sentence before)", year, relative=True)


def extract(
    text: str, gazetteer: Gazetteer, published: PartialDate | None = None,
    vocabulary: Vocabulary | None = None, organisation: str | None = None,
) -> list[Assertion]:
    """Candidate assertions in `text`, in document order, one per distinct assertion (the surest)."""
    rules = [rule for rule in p.RULES if _declared(rule, vocabulary)]
    organisation_entry = gazetteer.entry(organisation) if organisation else None
    found: list[Assertion] = []
    previous_body: Mention | None = None
    previous: Sentence | None = None
    previous_states: tuple[Mention, ...] = ()
    for sentence in sentences(text, published):
        matches = _outermost([(rule, match) for rule in rules for match in rule.pattern.finditer(sentence.text)])
        mentions = gazetteer.mentions(sentence.text)
        if previous is not None and not same_paragraph(text, previous, sentence):
            previous, previous_states = None, ()
        if matches:  # dates are read only where a phrase may need one
            context = Context(
                sentence, mentions, find_dates(sentence.text, sentence.story.anchor), previous_body, organisation_entry,
                previous, previous_states,
            )
            documents = context.of_type("document")
            here: list[Assertion] = []
            for rule, match in matches:
                if rule.reader == "founding" or not _inside(match, documents):  # "the Declaration on the Establishment"
                    here += READERS[rule.reader or rule.kind](rule, match, context)
            found += _founders_not_members(here)
        bodies = [m for m in mentions if m.entry.type == "body"]
        previous_body = bodies[-1] if bodies else None
        if previous is None or not interrupts(text, previous, sentence):
            states = max(groups(sentence.text, [m for m in mentions if m.entry.type == "state"]), key=len, default=())
            previous, previous_states = sentence, states
    return _distinct(found)


def _outermost(matches: list[tuple[p.Rule, re.Match]]) -> list[tuple[p.Rule, re.Match]]:
    """A phrase inside a longer phrase of the same kind is that phrase's ("the accession process"), except
    the joining a pledge leads to ("pledged to join": a pledge, and the joining it expects)."""
    def inside(rule: p.Rule, match: re.Match) -> bool:
        return any(
            other.kind == rule.kind and other is not rule and not other.target_date_after
            and o.start() <= match.start() and match.end() <= o.end() and o.end() - o.start() > match.end() - match.start()
            for other, o in matches
        )
    return [(rule, match) for rule, match in matches if not inside(rule, match)]


def _founders_not_members(found: list[Assertion]) -> list[Assertion]:
    """A state a sentence names as a founder is not also a member as of the story ("original members are ...")."""
    founders = {(a.subject_text, a.start) for a in found if a.rule == "founding"}
    return [a for a in found if a.rule == "founding" or a.value != "member" or (a.subject_text, a.start) not in founders]


def _declared(rule: p.Rule, vocabulary: Vocabulary | None) -> bool:
    if vocabulary is None or rule.value is None:
        return True
    declared = {p.MEMBERSHIP: vocabulary.statuses, p.OFFICE: vocabulary.offices, p.MEETING: vocabulary.meeting_types}
    return rule.value in declared.get(rule.kind, {rule.value})


def _inside(match: re.Match, mentions: list[Mention]) -> bool:
    return any(m.start <= match.start() and match.end() <= m.end for m in mentions)


def _distinct(found: list[Assertion]) -> list[Assertion]:
    """One assertion per (kind, subject, payload, date, expectation), the surest, with every line it is on; an
    expectation the document dates elsewhere ("could join by June") is not repeated undated ("will join")."""
    best: dict[tuple, Assertion] = {}
    lines: dict[tuple, set[int]] = {}
    for assertion in found:
        key = (_about(assertion), tuple(sorted(assertion.payload.items())), str(assertion.date), assertion.expectation)
        lines.setdefault(key, set()).add(assertion.line)
        if key not in best or assertion.confidence > best[key].confidence:
            best[key] = assertion
    dated: dict[tuple, tuple] = {}
    for key, assertion in sorted(best.items(), key=lambda item: item[1].start):
        if assertion.expectation and assertion.date_text != PUBLICATION:
            dated.setdefault(_about(assertion), key)
    kept = []
    for key, assertion in best.items():
        if assertion.expectation and assertion.date_text == PUBLICATION and _about(assertion) in dated:
            lines[dated[_about(assertion)]] |= lines[key]
        else:
            kept.append(key)
    return sorted(
        (replace(best[key], lines=tuple(sorted(lines[key]))) for key in kept),
        key=lambda a: (a.start, a.kind, a.subject_text),
    )


def _about(assertion: Assertion) -> tuple:
    return (assertion.kind, assertion.subject.slug if assertion.subject else assertion.subject_text, assertion.value)


# ---------------------------------------------------------------- modes and dates


def _mode(rule: p.Rule, context: Context, lo: int, hi: int, reach: int = 20, phrase: tuple[int, int] | None = None) -> str | None:
    """'expectation', 'event' or 'standing' from the cue words around [lo, hi); None when negated.

    The words of the phrase itself (`phrase`) are not cues: "applied for membership" is no expectation."""
    text = context.text
    if p.NEGATION.search(text, max(0, lo - 15), hi):
        return None
    if re.search(r"\b(?:currently|now|at\s+present|already)\b", text[lo:hi], re.IGNORECASE):
        return "standing"
    start, end = phrase or (hi, hi)
    window = [(max(0, lo - reach), start), (end, min(len(text), hi + 20))]
    if any(p.EXPECTATION.search(text[a:b]) for a, b in window):
        return "expectation"
    if rule.event or p.EVENT.search(text, max(0, lo - 30), min(len(text), hi + 10)):
        return "event"
    return "standing"


def _date_near(
    context: Context, start: int, end: int, after_reach: int = 120, before_reach: int = 60, comma_before: bool = True,
    skip: set[DateMention] = frozenset(),
) -> DateMention | None:
    """The date the phrase at [start, end) is dated by: the nearest after it (not across a clause), else before."""
    best: tuple[float, DateMention] | None = None
    for mention in context.dates:
        if mention in skip:
            continue
        if mention.start >= end:
            gap = context.text[end:mention.start]
            # "A and B (C from this year)": the date is C's; but "A (this year)" is A's.
            inside = gap.count("(") > gap.count(")") and re.search(r"\w", gap[gap.rindex("(") + 1:])
            distance = len(gap) if len(gap) <= after_reach and not p.CLAUSE_BREAK.search(gap) and not inside else None
        elif mention.end <= start:
            gap = context.text[mention.end:start]
            near = not p.CLAUSE_BREAK.search(gap) and (
                (len(gap) <= before_reach and (comma_before or "," not in gap))
                or (p.OPENING.fullmatch(context.text[:mention.start]) and gap.lstrip().startswith(","))
            )  # "This year, Kazakhstan's presidency": a date opening the sentence dates it across the comma
            distance = 1.5 * len(gap) if near else None
        else:
            distance = 0
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, mention)
    return best[1] if best else None


def _anchor_mention(context: Context) -> DateMention:
    """The story's own date, standing in for a date the sentence does not give."""
    return DateMention(0, 0, PUBLICATION, context.anchor, present=True)


# ---------------------------------------------------------------- building


def _assertion(
    rule: p.Rule, context: Context, subject: Mention | Unresolved, when: DateMention, *,
    kind: str | None = None, payload: dict[str, Any] | None = None, mode: str = "event",
) -> Assertion:
    sentence = context.sentence
    entry = subject.entry if isinstance(subject, Mention) else None
    evidence = Evidence(
        base=rule.base, via=subject.via.value if isinstance(subject, Mention) else "unresolved",
        precision=when.date.precision if when.date else None, relative=when.relative,
        from_publication=when.present, mode=mode,
    )
    return Assertion(
        kind=kind or rule.kind, subject=entry, subject_text=subject.surface if entry else subject.text,
        payload=payload if payload is not None else ({p.VALUE_FIELD[rule.kind]: rule.value} if rule.value else {}),
        date=when.date, date_text=when.text, confidence=score(evidence),
        start=sentence.start, end=sentence.end, line=sentence.line, evidence=sentence.text,
        expectation=mode == "expectation", rule=rule.name,
    )


def _membership(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    found = state_list(context.text, context.of_type("state"), match.start(), match.end(), participle=rule.event)
    if found is None:
        return
    lo, hi = min(found.start, match.start()), max(found.end, match.end())
    mode = _mode(rule, context, lo, hi, reach=60, phrase=(match.start(), match.end()))
    if mode is None:
        return
    targets = _target_dates(rule, context, match)
    when = _date_near(context, match.start(), match.end(), skip=targets)
    if mode == "event" and when is None:
        when = _sentence_date(context, targets) or context.carried_date
    if mode == "event" and (when is None or when.present):
        mode = "standing"  # it happened before the story: the state holds at the story's date
    if mode == "standing" and (when is None or p.CLAUSE_BREAK.search(context.text, lo, hi)):
        when = _anchor_mention(context)
    if when is None or (mode == "expectation" and when.since):
        when = _anchor_mention(context)  # "invited ... since 2003" dates the invitation, not the joining
    payload = {"status": rule.value, **({"observed": True} if mode == "standing" else {})}
    for state in found.mentions:
        yield _assertion(rule, context, state, when, payload=payload, mode=mode)


def _target_dates(rule: p.Rule, context: Context, match: re.Match) -> set[DateMention]:
    """The dates of what the phrase leads to ("pledges to join the SCO in 2017"), when its rule says so."""
    if not rule.target_date_after:
        return set()
    return {m for m in context.dates if m.start >= match.end() and not re.search(r"[,;]", context.text[match.end():m.start])}


def _sentence_date(context: Context, skip: set[DateMention] = frozenset()) -> DateMention | None:
    """The sentence's one date, when it has exactly one: "in 2017 ... the decision to admit India"."""
    dated = {
        m.date: m for m in context.dates
        if m.date is not None and m.date != context.anchor and not m.present and not m.since and m not in skip
    }  # the story's own date (its dateline) stands in anyway
    return next(iter(dated.values())) if len(dated) == 1 else None


def _founding(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    """The states a founding names: "signed by the leaders of six states: A, B ...", "the other original
    members are A and B", "formed in 1996 between A, B ...". Dated by the sentence, else by the founding
    of the organisation as the dataset records it."""
    text = context.text
    strong = p.FOUNDING_STRONG.match(match.group())
    organisation = _founded_organisation(context, match) if strong else _founding_of(context, match)
    if organisation is None:
        return
    states = context.of_type("state")
    # Named as founders: any state by a strong word ("co-founded with Russia"); after a weak one, a list
    # ("formed in 1996 between A, B and C"); or the states of the sentence before ("these nations and D").
    listed = [
        g for g in groups(text, states)
        if strong or (len(g) > 1 and g[0].start >= match.end()) or p.THESE_STATES.search(text, max(0, g[0].start - 40), g[0].start)
    ]
    if p.THESE_STATES.search(text) and context.previous_states:
        listed.append(context.previous_states)
    founders = [m for g in listed for m in g if not p.NEGATION.search(text, max(0, m.start - 15), m.start)]
    mode = _mode(rule, context, match.start(), match.end(), phrase=(match.start(), match.end()))
    if not founders or mode is None:
        return
    when = _date_near(context, match.start(), match.end(), after_reach=len(text), before_reach=len(text))
    if when is None and organisation.founded is not None:
        when = DateMention(0, 0, f"the founding of {organisation.name}", organisation.founded)
    if when is None or when.date is None or when.present:
        return
    for state in dict.fromkeys(founders):
        yield _assertion(rule, context, state, when, payload={"status": rule.value}, mode=mode)


def _founded_organisation(context: Context, match: re.Match) -> Entry | None:
    """The organisation a founder belongs to: the one named nearest, else the document's."""
    bodies = [m for m in context.of_type("body") if m.entry.organisation]
    if not bodies:
        return context.organisation
    return min(bodies, key=lambda m: abs(m.start - match.start())).entry


def _founding_of(context: Context, match: re.Match) -> Entry | None:
    """The organisation a founding word is about: "the Shanghai Five, formed", "its establishment",
    "the Declaration on the Establishment of the SCO", "a new organization"; not "the SCO Energy Club was set up"."""
    subject = _established_subject(context, match)
    if subject is not None:
        return subject.entry if subject.entry.organisation else None
    return context.organisation if _names_organisation(context, match) else None


def _names_organisation(context: Context, match: re.Match) -> bool:
    """"its establishment", "a new organization": the founding is the organisation's, though unnamed."""
    window = context.text[max(0, match.start() - 25):match.end() + 12]
    return bool(p.ORGANISATION_WORD.search(window)) or _inside(match, context.of_type("document"))


def _office(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    text, start, end = context.text, match.start(), match.end()
    if p.TERM_END.search(text, max(0, start - 25), start) or p.TERM_END.search(text, end, min(len(text), end + 12)):
        return
    holder = _holder(rule, context, start, end)
    if holder is None:
        return
    lo, hi = min(holder.start, start), max(holder.end, end)
    mode = _mode(rule, context, lo, hi)
    if mode is None:
        return
    # A holder named in passing ("by June, its Secretary-General X said") is not dated by another clause.
    when = _date_near(context, start, end, before_reach=60 if mode == "event" else 30, comma_before=mode == "event")
    if when is None and p.PAST_HOLDER.search(text, max(0, lo - 30), min(len(text), hi + 30)):
        when = context.carried_date  # "during the Russian Presidency": held in the period told just before
        if when is None:
            return  # held once, not necessarily at the story's date
    for term in _date_list(context, when) if when else [_anchor_mention(context)]:
        payload = {"office": rule.value, **({"term_end": str(term.until)} if term.until else {})}
        yield _assertion(rule, context, holder, term, payload=payload, mode="standing" if term.present and mode == "event" else mode)


def _date_list(context: Context, first: DateMention) -> list[DateMention]:
    """`first` and the dates listed after it: "in 2010-2011 and 2016-2017"."""
    listed = [first]
    for mention in context.dates:
        if mention.start >= listed[-1].end and p.DATE_LIST_GAP.match(context.text[listed[-1].end:mention.start]):
            listed.append(mention)
    return listed


def _holder(rule: p.Rule, context: Context, start: int, end: int) -> Mention | Unresolved | None:
    text = context.text
    if rule.subject_type == "state":
        found = nearest(text, context.of_type("state"), start, end, before_words=3, after_words=3)
        return found.mentions[0] if found else None
    found = office_holder(text, context.of_type(rule.subject_type), start, end)
    return found.mentions[0] if found else unresolved_name(text, start, end, context.mentions)


def _meeting(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    places = [m for m in context.of_type("place") if abs(_distance(m, match)) <= 150]
    mode = _mode(rule, context, match.start(), match.end(), reach=60)
    if not places or mode is None:
        return
    for place in places:
        # "summits in Almaty in 1998, in Bishkek in 1999": each place takes the date after it.
        when = _date_near(context, place.start, place.end, after_reach=40, before_reach=0) if len(places) > 1 else None
        when = when or _date_near(context, min(place.start, match.start()), max(place.end, match.end()), after_reach=50)
        if when is None or when.date is None:
            continue
        payload = {"meeting": rule.value, "name": f"{place.entry.name} summit {when.date.earliest.year}"}
        if when.until is not None:
            payload["until"] = str(when.until)
        yield _assertion(rule, context, place, when, payload=payload, mode="expectation" if mode == "expectation" else "event")


def _distance(mention: Mention, match: re.Match) -> int:
    return mention.start - match.end() if mention.start >= match.end() else match.start() - mention.end


def _document(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    start, end = match.start(), match.end()
    found = nearest(context.text, context.of_type("document"), start, end, before_words=12, after_words=6)
    subject = found.mentions[0] if found else pattern_near(p.DOCUMENT_TITLE, context.text, start, end)
    when = _date_near(context, start, end)
    mode = _mode(rule, context, start, end)
    if subject is None or when is None or mode is None:
        return
    yield _assertion(rule, context, subject, when, payload=_place(context, end), mode=mode)


def _place(context: Context, end: int) -> dict[str, str]:
    """The place a thing happened: 'in Shanghai', 'from a base in Tashkent' shortly after the phrase."""
    for place in context.of_type("place"):
        if 0 <= place.start - end <= 90 and re.search(r"\bin\s+$", context.text[:place.start]):
            return {"place": place.entry.slug}
    return {}


def _established(rule: p.Rule, match: re.Match, context: Context) -> Iterator[Assertion]:
    subject = _established_subject(context, match)
    when = _date_near(context, match.start(), match.end())
    mode = _mode(rule, context, match.start(), match.end())
    if subject is None or when is None or when.present or mode is None:
        return
    kind = FOUNDED if subject.entry.organisation else ESTABLISHED
    yield _assertion(rule, context, subject, when, kind=kind, payload=_place(context, match.end()), mode=mode)


def _established_subject(context: Context, match: re.Match) -> Mention | None:
    text = context.text
    for body in reversed(context.of_type("body")):
        if body.end <= match.start() and p.FOUNDED_GAP_BEFORE.match(text[body.end:match.start()]):
            return body
    for body in context.of_type("body"):
        modifier = re.match(r"[^\S\n]+[A-Z]", text[body.end:])  # "the SCO Forum" is the Forum's
        if body.start >= match.end() and p.FOUNDED_GAP_AFTER.match(text[match.end():body.start]) and not modifier:
            return body
    unnamed = p.FOUNDED_UNNAMED.search(text, max(0, match.start() - 4), match.end())
    if unnamed and context.organisation is not None:
        return Mention(match.start(), match.end(), match.group(), context.organisation, Via.REFERENCE)
    if p.PRONOUN_START.match(text) and context.previous_body is not None:
        return replace(context.previous_body, start=0, end=0, via=Via.REFERENCE)
    return None


READERS: dict[str, Callable[[p.Rule, re.Match, Context], Iterator[Assertion]]] = {
    p.MEMBERSHIP: _membership,
    p.OFFICE: _office,
    p.MEETING: _meeting,
    "document.signed": _document,
    "document.in_force": _document,
    ESTABLISHED: _established,
    "founding": _founding,
}
