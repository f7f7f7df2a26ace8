"""What changed between two states of an organisation: slots whose value differs, with their causes.

Pure: two replay States in, Changes out. A slot (a state's membership, an office) changed
when its value on the later date differs from its value on the earlier one; changes that
undo themselves in between are not differences and are not reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from .kinds import SlotKey
from .replay import EventRecord, Standing, State


class Movement(str, Enum):
    JOINED = "joined"  # no value before (or none recorded), a value after
    LEFT = "left"  # a value before, none after
    CHANGED = "changed"  # one value before, another after


@dataclass(frozen=True)
class Change:
    slot: SlotKey
    before: Standing | None
    after: Standing | None
    causes: tuple[EventRecord, ...]  # the assertions of the new value that took effect in the window

    @property
    def family(self) -> str:
        return self.slot[0]

    @property
    def value_before(self) -> str | None:
        return self.before.value if self.before else None

    @property
    def value_after(self) -> str | None:
        return self.after.value if self.after else None

    @property
    def movement(self) -> Movement:
        if self.value_before is None:
            return Movement.JOINED
        if self.value_after is None:
            return Movement.LEFT
        return Movement.CHANGED


def changes(before: State, after: State) -> list[Change]:
    """Every slot whose value differs between `before` and `after`, in slot order."""
    old = {s.slot: s for s in before.standings}
    new = {s.slot: s for s in after.standings}
    found = []
    for slot in sorted(old.keys() | new.keys()):
        was, now = old.get(slot), new.get(slot)
        if (was.value if was else None) == (now.value if now else None):
            continue
        found.append(Change(slot, was, now, _causes(now or was, before.at)))
    return found


def _causes(standing: Standing, start: date) -> tuple[EventRecord, ...]:
    """The assertions behind the standing that took effect after `start` (all of them if none did)."""
    recent = tuple(e for e in standing.events if e.date.earliest > start)
    return recent or standing.events
