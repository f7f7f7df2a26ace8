"""`python -m tests.benchmarks` (make bench): run every bench_*.py module here, each through its main().

BENCH_ONLY=bench_scale,bench_feeds runs only those; BENCH_EVENTS sets the log size of those that build one.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    unknown = set(only) - set(names)
    if unknown:
        print(f"BENCH_ONLY names no benchmark: {', '.join(sorted(unknown))} (there are: {', '.join(names)})", file=sys.stderr)
        return 2
    names = [name for name in names if not only or name in only]
    failed = []
    for name in names:
        print(f"=== tests.benchmarks.{name}", flush=True)
        if importlib.import_module(f"tests.benchmarks.{name}").main() not in (0, None):
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
