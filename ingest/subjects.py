"""Which entity a phrase is about: lists of states, the nearest person, place or document. Pure.

Offsets are relative to the sentence. A `Span` is a phrase match or a mention (start, end).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Mention, Via
from .patterns import ALONGSIDE, CLAUSE_BREAK, LIST_AFTER, LIST_AFTER_EVENT, LIST_GAP, PROPER_NAME, REPLACES

# An agent or object before the phrase is not its subject: "invited by Russia to join".
_AGENT = re.compile(r"\b(?:by|with|from|than|to|against|between|among)\s+(?:the\s+)?$", re.IGNORECASE)
# Words that put a state in another role before a status noun: "an exercise for members".
_NOT_SUBJECT_GAP = re.compile(r"\b(?:for|of|with|from|against|between|among|about|on)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class Found:
    """The subject (or subjects, for a list) of a phrase, and on which side of it they stand."""

    mentions: tuple[Mention, ...]
    after: bool = False

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def groups(text: str, mentions: list[Mention]) -> list[tuple[Mention, ...]]:
    """Mentions joined by list punctuation ('India, Pakistan and the Islamic Republic of Iran')."""
    result: list[list[Mention]] = []
    for mention in mentions:
        if result and LIST_GAP.match(text[result[-1][-1].end:mention.start]):
            result[-1].append(mention)
        else:
            result.append([mention])
    return [tuple(group) for group in result]


def state_list(text: str, states: list[Mention], start: int, end: int, participle: bool = False) -> Found | None:
    """The states a status phrase at [start, end) names: the list after it ('members are A, B'), else before.

    With `participle` (a phrase saying something happened), also the states after "of" or "into" ("the
    accession of India") and after a comma ("Since joining the SCO in 2017, India ...").
    "Alongside A and B, the members are C and D" names all four."""
    found = groups(text, states)
    after = [g for g in found if g[0].start >= end]
    if after and _introduces(text[end:after[0][0].start], after[0], participle):
        alongside = [g for g in found if g[-1].end <= start and ALONGSIDE.match(text[:g[0].start])]
        return Found(tuple(m for g in [*alongside, after[0]] for m in g), after=True)
    for group in reversed([g for g in found if g[-1].end <= start]):
        gap = text[group[-1].end:start]
        if _words(gap) and _AGENT.search(text[:group[0].start]):
            continue  # "invited by Russia to join": Russia invites; but "with India joining" is India's
        if _words(gap) <= 9 and not _NOT_SUBJECT_GAP.search(gap) and not CLAUSE_BREAK.search(gap):
            return Found(group)
        break
    if after and participle:
        gap = text[end:after[0][0].start]
        if _words(gap) <= 6 and gap.rstrip().endswith(","):
            return Found(after[0], after=True)
    return None


def _introduces(gap: str, group: tuple[Mention, ...], participle: bool) -> bool:
    """The phrase introduces the list after it: "members are A", "the accession of A", "a membership, A, B and C"
    (an apposition: a real list of names, not "members, Chinese PM Li")."""
    if gap.strip() == ",":
        return len(group) > 1 and all(m.via is not Via.DEMONYM for m in group)
    return bool(LIST_AFTER.match(gap) or (participle and LIST_AFTER_EVENT.match(gap)))


def nearest(text: str, mentions: list[Mention], start: int, end: int, before_words: int = 4, after_words: int = 4) -> Found | None:
    """The single mention closest to [start, end): before it within `before_words`, else after it."""
    before = [m for m in mentions if m.end <= start and _words(text[m.end:start]) <= before_words]
    if before and not CLAUSE_BREAK.search(text[before[-1].end:start]):
        return Found((before[-1],))
    following = [m for m in mentions if m.start >= end and _words(text[end:m.start]) <= after_words]
    if following and not CLAUSE_BREAK.search(text[end:following[0].start]):
        return Found((following[0],), after=True)
    return None


def office_holder(text: str, persons: list[Mention], start: int, end: int) -> Found | None:
    """'X replaced Y as secretary-general' is about X; otherwise the nearest person."""
    before = [m for m in persons if m.end <= start]
    if len(before) >= 2 and REPLACES.search(text[before[-2].end:before[-1].start]):
        return Found((before[-2],))
    return nearest(text, persons, start, end, before_words=10, after_words=4)


@dataclass(frozen=True)
class Unresolved:
    """A name the gazetteer does not know, kept as written for the curator to resolve."""

    start: int
    end: int
    text: str


def unresolved_name(text: str, start: int, end: int, taken: list[Mention]) -> Unresolved | None:
    """A proper name right after the phrase ('Secretary-General Rashid Alimov') or right before it."""
    def free(match: re.Match) -> bool:
        return not any(m.start < match.end() and match.start() < m.end for m in taken)

    after = PROPER_NAME.match(text, end + len(text[end:]) - len(text[end:].lstrip()))
    if after and free(after):
        return Unresolved(after.start(), after.end(), after.group())
    for match in PROPER_NAME.finditer(text, max(0, start - 60), start):
        gap = text[match.end():start]
        if free(match) and re.fullmatch(r"\s*,?\s*(?:\w+\s+){0,2}(?:as\s+)?(?:the\s+)?", gap):
            return Unresolved(match.start(), match.end(), match.group())
    return None


def pattern_near(pattern: re.Pattern, text: str, start: int, end: int, reach: int = 100) -> Unresolved | None:
    """The nearest match of `pattern` (a document title, say) within `reach` characters of [start, end)."""
    best: tuple[int, re.Match] | None = None
    for match in pattern.finditer(text):
        distance = match.start() - end if match.start() >= end else start - match.end()
        if 0 <= distance <= reach and (best is None or distance < best[0]):
            best = (distance, match)
    if best is None:
        return None
    match = best[1]
    title = re.sub(r"(?:[\s,]+(?:and|of|on|in|the|for))+$", "", match.group())
    return Unresolved(match.start(), match.start() + len(title), title)
