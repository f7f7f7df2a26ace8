"""Free text an event carries (payload strings, locator, note): trimmed, bounded, and fit for a feed."""
from __future__ import annotations


def clean_text(value: str, max_length: int) -> str:
    """`value` without surrounding blanks; ValueError if it holds control characters or is too long."""
    value = value.strip()
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        # XML (the feeds) cannot carry C0 control characters; refuse them before they are stored.
        raise ValueError("contains control characters")
    if len(value) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return value
