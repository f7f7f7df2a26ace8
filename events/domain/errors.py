"""Domain errors raised by the core and translated once at each edge (API, admin, commands)."""
from __future__ import annotations


class EventError(Exception):
    """Base of every refusal the event store makes; nothing was written."""


class ValidationError(EventError):
    """Input that cannot become an event. `errors` maps a field path to its messages."""

    def __init__(self, errors: dict[str, list[str]] | str, field: str = "non_field_errors"):
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{name}: {msg}" for name, msgs in errors.items() for msg in msgs))


class ConflictError(EventError):
    """A request that contradicts the log as it stands (retracting twice, correcting a superseded event)."""


class ImmutableEventError(EventError):
    """Somebody tried to update or delete an event, or to write one outside events.store."""
