"""The domain package is pure: importing all of it loads no Django."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import events.domain


def test_the_domain_imports_no_django():
    imports = "; ".join(f"import events.domain.{m.name}" for m in pkgutil.iter_modules(events.domain.__path__))
    check = f"import sys; {imports}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"

    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=Path(__file__).parents[2])

    assert (run.returncode, run.stdout.strip()) == (0, "[]"), run.stderr
