"""The layers of events/ hold: the domain is pure, and each module imports only what the Layout allows.

The rule tables below are the README's "Layout" as data; a test keeps the two in step. Modules
are found by walking the packages, so a new module is checked without editing this file (and a
new top-level module of events/ must be given a room here and in the README first).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The rooms of events/, inside out: a module imports from its own layer and the layers listed
# before it (the README draws them below it), never from a later one.
LAYERS: dict[str, tuple[str, ...]] = {
    "domain": ("events.domain",),
    "models": ("events.models",),
    "records": ("events.records", "events.prepared"),
    "log": ("events.integrity", "events.projections", "events.store"),
    "reads": ("events.queries", "events.documents", "events.filters", "events.replicas"),
    "operations": (
        "events.seeding", "events.archive", "events.roles", "events.tasks", "events.apps", "events.migrations",
    ),
    "interfaces": ("events.api", "events.feeds", "events.admin", "events.web", "events.management"),
}
# Interfaces never import one another, except these.
INTERFACE_USES: dict[str, tuple[str, ...]] = {
    "events.web": ("events.feeds",),  # the pages announce the feeds (<link rel="alternate">)
}
# Modules only these may import: the speed-ups stay behind the reads and the write path; the projection is refreshed
# by the store, read through the queries, and rebuilt by the task, the command and a migration.
ONLY_IMPORTED_BY: dict[str, tuple[str, ...]] = {
    "events.prepared": ("events.queries", "events.store", "events.projections"),
    "events.queries.postgres": ("events.queries", "events.apps"),
    "events.projections": (
        "events.store", "events.queries", "events.tasks", "events.migrations",
        "events.management.commands.rebuild_projections",
    ),
}
# Libraries that belong to one room each.
LIBRARY_HOMES: dict[str, tuple[str, ...]] = {
    "rest_framework": ("events.api",),
    "drf_spectacular": ("events.api",),
    "django_filters": ("events.filters", "events.api"),
    "lxml": ("events.feeds",),
    "psycopg": ("events.queries.postgres",),
    "celery": ("events.tasks", "ingest.tasks"),
}
# What another app may use of events (each matching prefix adds to the allowance).
OTHER_APPS: dict[str, tuple[str, ...]] = {
    "ingest": ("events.domain", "events.models", "events.records", "events.store", "events.roles"),
    "ingest.management": ("events.management.arguments",),  # the commands share argument parsing
    "ingest.forms": ("events.admin.forms",),  # the accept form picks a subject as the add-event form does
}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _modules(package: str, root: Path = ROOT) -> dict[str, Path]:
    """Every module of a package, by dotted name, found on disk (nothing is imported)."""
    found = {}
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = {**_modules("events"), **_modules("ingest")}


def _layer(module: str) -> str | None:
    return next((name for name, rooms in LAYERS.items() for room in rooms if _within(module, room)), None)


def _interface(module: str) -> str | None:
    return next((room for room in LAYERS["interfaces"] if _within(module, room)), None)


def imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import statement of a module, those inside functions too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parents + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield node.lineno, submodule if submodule in MODULES else base


def _refusal(module: str, target: str) -> str | None:
    """Why `module` may not import `target`, or None when the Layout allows it."""
    for library, homes in LIBRARY_HOMES.items():
        if _within(target, library) and not any(_within(module, home) for home in homes):
            return f"{library} belongs to {', '.join(homes)}"
    if not _within(target, "events") or _within(module, target):
        return None
    for private, users in ONLY_IMPORTED_BY.items():
        if _within(target, private) and not any(_within(module, user) for user in users):
            return f"{private} is imported only by {', '.join(users)}"
    if not _within(module, "events"):
        allowed = [room for prefix, rooms in OTHER_APPS.items() if _within(module, prefix) for room in rooms]
        if not any(_within(target, room) for room in allowed):
            return f"{module.partition('.')[0]} may use only {', '.join(allowed)} of events"
        return None
    importer, imported = _layer(module), _layer(target)
    if importer is None or imported is None:
        return f"{module if importer is None else target} is in no layer: give it a room in LAYERS and the README"
    order = list(LAYERS)
    if order.index(imported) > order.index(importer):
        return f"the {importer} layer may not import the {imported} layer"
    mine, theirs = _interface(module), _interface(target)
    if mine and theirs and mine != theirs and theirs not in INTERFACE_USES.get(mine, ()):
        return f"{mine} may not import another interface ({theirs})"
    return None


@pytest.mark.parametrize("module", [module for module in MODULES if module not in ("events", "ingest")])
def test_module_imports_only_what_the_layout_allows(module):
    path = MODULES[module]
    if _within(module, "events") and _layer(module) is None:
        pytest.fail(f"{module} is in no layer: give it a room in LAYERS ({__name__}) and the README's Layout")

    violations = [
        f"{path.relative_to(ROOT)}:{line}: imports {target}: {reason}"
        for line, target in imports(module, path)
        if (reason := _refusal(module, target))
    ]

    assert not violations, "\n".join(violations)


def _as_written(room: str) -> str:
    """How the Layout names a room: `domain/` for a package, `models.py` for a module."""
    name = room.rpartition(".")[2]
    return f"{name}/" if (ROOT / room.replace(".", "/")).is_dir() else f"{name}.py"


def test_every_room_of_the_layers_is_in_the_readme_layout():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    rooms = [room for rooms in LAYERS.values() for room in rooms] + list(ONLY_IMPORTED_BY)

    missing = [room for room in rooms if _as_written(room) not in layout]

    assert not missing, f"the README's Layout does not name {missing}"


# Run in `python -I -S` (no site-packages: Django and every other library are absent), behind a
# finder that refuses anything but the standard library and events.domain with a clear message.
_PURITY_CHECK = r"""
import importlib, json, sys, traceback

root, modules = sys.argv[1], sys.argv[2:]
sys.path.insert(0, root)


class PureImportsOnly:
    def find_spec(self, name, path=None, target=None):
        pure = name.partition(".")[0] in sys.stdlib_module_names or name in ("events", "events.domain")
        if not (pure or name.startswith("events.domain.")):
            raise ImportError(f"{name} is neither the standard library nor events.domain", name=name)
        return None


sys.meta_path.insert(0, PureImportsOnly())
failures = {}
for module in modules:
    try:
        importlib.import_module(module)
    except Exception as error:
        ours = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(root)]
        where = f"{ours[-1].filename[len(root) + 1:]}:{ours[-1].lineno}: {ours[-1].line}: " if ours else ""
        failures[module] = f"{where}{type(error).__name__}: {error}"
print(json.dumps(failures))
"""


def impure_modules(root: Path = ROOT) -> dict[str, str]:
    """Each module of root/events/domain that cannot be imported without Django, a library or the rest of events."""
    modules = list(_modules("events.domain", root))
    finished = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _PURITY_CHECK, str(root), *modules],
        capture_output=True, text=True, cwd=root, check=True,
    )
    return json.loads(finished.stdout)


def test_every_domain_module_imports_without_django_or_the_rest_of_events():
    impure = impure_modules()

    assert not impure, "\n".join(f"{module}: {why}" for module, why in impure.items())


def test_the_purity_check_names_the_module_and_the_import_that_breaks_it(tmp_path):
    domain = tmp_path / "events" / "domain"
    domain.mkdir(parents=True)
    for name, text in {
        "events/__init__.py": "",
        "events/models.py": "",
        "events/domain/__init__.py": "",
        "events/domain/dates.py": "import datetime\n",
        "events/domain/kinds.py": "from . import dates\nfrom django.db import models\n",
        "events/domain/replay.py": "from events import models\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    impure = impure_modules(tmp_path)

    assert set(impure) == {"events.domain.kinds", "events.domain.replay"}
    assert impure["events.domain.kinds"].startswith(
        "events/domain/kinds.py:2: from django.db import models: ImportError: django is neither"
    )
    assert impure["events.domain.replay"].startswith(
        "events/domain/replay.py:1: from events import models: ImportError: events.models is neither"
    )
