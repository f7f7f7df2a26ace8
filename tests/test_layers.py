"""The domain is pure: every module of events/domain/ imports without Django, a library or the rest of events.

Modules are found by walking the package, so a new domain module is checked without editing this file.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str, root: Path = ROOT) -> dict[str, Path]:
    """Every module of a package, by dotted name, found on disk (nothing is imported)."""
    found = {}
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


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
