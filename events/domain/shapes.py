"""What a value read from a JSON file may be: small checks, each saying what is wrong, composed into shapes.

A check takes a value and answers "" when it is fine, else what is wrong with it ("'high' is not a
number between 0 and 1"), for the caller to name the file, line and field. Pure: the standard library only.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .text import clean_text

Check = Callable[[Any], str]


def of_type(*types: type, name: str) -> Check:
    return lambda value: "" if type(value) in types else f"{value!r:.60} is not {name}"


def text(limit: int, *, blank: bool = True) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            return f"{value!r:.60} is not text"
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            return "holds a lone surrogate"
        try:
            clean_text(value, limit)
        except ValueError as exc:
            return str(exc)
        return "" if blank or value.strip() else "is empty"
    return check


def optional(check: Check) -> Check:
    return lambda value: "" if value is None else check(value)


def matching(pattern: str, what: str) -> Check:
    compiled = re.compile(pattern)
    return lambda value: "" if isinstance(value, str) and compiled.fullmatch(value) else f"{value!r:.60} is not {what}"


def one_of(values: Iterable[Any]) -> Check:
    allowed = tuple(values)
    return lambda value: "" if value in allowed else f"{value!r:.60} is not one of {', '.join(map(str, allowed))}"


def fraction(value: Any) -> str:
    if type(value) not in (int, float) or not 0 <= value <= 1:
        return f"{value!r:.60} is not a number between 0 and 1"
    return ""


def list_of(check: Check) -> Check:
    def checked(value: Any) -> str:
        if not isinstance(value, list):
            return f"{value!r:.60} is not a list"
        return next((f"[{index}] {problem}" for index, item in enumerate(value) if (problem := check(item))), "")
    return checked


def object_of(shape: dict[str, Check]) -> Check:
    def checked(value: Any) -> str:
        if not isinstance(value, dict):
            return f"{value!r:.60} is not an object"
        for name, check in shape.items():
            if name not in value:
                return f"{name}: is missing"
            if problem := check(value[name]):
                return f"{name}: {problem}"
        return ""
    return checked


def pair(first: Check, second: Check) -> Check:
    return lambda value: (f"{value!r:.60} is not a pair" if not isinstance(value, list) or len(value) != 2
                          else first(value[0]) or second(value[1]))


def json_value(value: Any, depth: int = 0) -> str:
    """Any JSON a database stores as it is (a payload): its texts and keys fit, not nested without end."""
    if depth > 20:
        return "is nested too deep"
    if isinstance(value, str):
        return text(100_000)(value)
    if isinstance(value, dict):
        return next((problem for key, item in value.items()
                     if (problem := text(200)(key) or json_value(item, depth + 1))), "")
    if isinstance(value, list):
        return next((problem for item in value if (problem := json_value(item, depth + 1))), "")
    return ""


def http_url(limit: int) -> Check:
    """An http(s) URL, or "" for none: never javascript:, data: or a path a page would render as a live link."""
    as_text = text(limit)
    return lambda value: as_text(value) or (
        "" if value == "" or _HTTP_URL.fullmatch(value) else f"{value!r:.60} is not an http(s) URL"
    )


_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
