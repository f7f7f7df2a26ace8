"""The docs name only what exists: every file path and dotted name in the README and the benchmark log.

Files move (events/ was reorganised into layers); a newcomer following a stale path finds
nothing. A dotted name is a module, a module's attribute, a permission (`events.add_event`), a
migration (`events.0004_editors_group`) or a Celery task's name (`ingest.ingest_document`).
"""
from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "tests/benchmarks/RESULTS.md")
PATH = re.compile(r"(?<![\w/.<-])(?:events|ingest|scotimeline|seeds|templates|tests)/[^\s`)\],;:'\"]*")
DOTTED = re.compile(r"(?<![\w/.-])(?:events|ingest|scotimeline|tests)\.[A-Za-z0-9_][\w.]*")
PLACEHOLDER = re.compile(r"<[^>]*>|\{[^}]*\}")


def _named(pattern: re.Pattern, doc: str) -> list[str]:
    return sorted({found.rstrip(".") for found in pattern.findall((ROOT / doc).read_text(encoding="utf-8"))})


def _module_or_attribute(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        found = importlib.import_module(module) if cut < len(parts) else module
        for attribute in parts[cut:]:
            found = getattr(found, attribute, None)
        return found is not None
    return False


def _permission(app_label: str, codename: str) -> bool:
    codenames = set()
    for model in apps.get_app_config(app_label).get_models():
        options = model._meta
        codenames |= {f"{action}_{options.model_name}" for action in options.default_permissions}
        codenames |= {name for name, _ in options.permissions}
    return codename in codenames


def _task(app_label: str, name: str) -> bool:
    if importlib.util.find_spec(f"{app_label}.tasks") is None:
        return False
    tasks = importlib.import_module(f"{app_label}.tasks")
    return any(getattr(value, "name", None) == name for value in vars(tasks).values())


def _exists(name: str) -> bool:
    app_label, _, rest = name.partition(".")
    return (
        _module_or_attribute(name)
        or (app_label in ("events", "ingest") and (
            _permission(app_label, rest)
            or (ROOT / app_label / "migrations" / f"{rest}.py").is_file()
            or _task(app_label, name)
        ))
    )


@pytest.mark.parametrize("doc", DOCS)
def test_every_file_path_the_docs_name_exists(doc):
    missing = [path for path in _named(PATH, doc) if not any(ROOT.glob(PLACEHOLDER.sub("*", path).rstrip("/")))]

    assert not missing, f"{doc} names paths that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS)
def test_every_dotted_name_the_docs_use_exists(doc):
    missing = [name for name in _named(DOTTED, doc) if not _exists(name)]

    assert not missing, f"{doc} names modules, attributes, permissions, migrations or tasks that are gone: {missing}"
