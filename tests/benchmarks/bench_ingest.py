"""Benchmark ingest's reading and extraction: documents/s and candidates/s on the research volume.

    python tests/benchmarks/bench_ingest.py [PATH] [--rounds N] [--against OTHER_CHECKOUT [--pairs N]]

PATH defaults to 001_576ecaae129e5e46.txt in $SEEDS_CORPUS or ../shared/seeds. The gazetteer is
built from seeds/sco/*.toml (no database), so this measures the pure path: read + normalise +
extract. Storing candidates is one bulk insert per document and is not what limits throughput.
With --against, the same benchmark of another checkout (say a worktree of main) runs in turns with
this one's, each in its own process, so both see the same machine load; the medians are compared.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from events.domain.dates import PartialDate  # noqa: E402
from events.domain.kinds import Vocabulary  # noqa: E402
from ingest import documents  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.gazetteer import from_rows  # noqa: E402

DEFAULT_NAME = "001_576ecaae129e5e46.txt"


def corpus() -> Path | None:
    for folder in (os.environ.get("SEEDS_CORPUS"), REPO.parent / "shared" / "seeds"):
        if folder and (Path(folder) / DEFAULT_NAME).is_file():
            return Path(folder) / DEFAULT_NAME
    return None


def dataset(directory: Path):
    load = lambda name: tomllib.loads((directory / f"{name}.toml").read_text(encoding="utf-8"))  # noqa: E731
    organisation = load("organisation")
    events = load("events").get("events", [])
    founded = {e["subject"]: PartialDate.parse(str(e["date"])) for e in events if e["kind"] == "organisation.founded"}
    names = from_rows(load("entities")["entities"], {organisation["organisation"].get("entity", ""): None, **founded})
    vocabulary = Vocabulary(
        organisation["organisation"]["slug"],
        frozenset(s["slug"] for s in organisation.get("statuses", [])),
        frozenset(o["slug"] for o in organisation.get("offices", [])),
        frozenset(m["slug"] for m in organisation.get("meeting_types", [])),
    )
    return names, vocabulary, organisation["organisation"].get("entity")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--published", default="2023-06")
    parser.add_argument("--against", type=Path, help="another checkout to measure in turns with this one")
    parser.add_argument("--pairs", type=int, default=5)
    options = parser.parse_args()
    path = options.path or corpus()
    if path is None:
        print(f"bench_ingest: {DEFAULT_NAME} not found (set SEEDS_CORPUS); nothing measured")
        return 0
    if options.against:
        return compare(options.against, path, options)
    names, vocabulary, organisation = dataset(REPO / "seeds" / "sco")
    data, published = path.read_bytes(), PartialDate.parse(options.published)
    found = 0
    started = time.perf_counter()
    for _ in range(options.rounds):
        text = documents.read(data, path.name).text
        found += len(extract(text, names, published, vocabulary, organisation))
    elapsed = time.perf_counter() - started
    print(f"document: {path.name} ({len(data) / 1024:.0f} KB), {options.rounds} rounds in {elapsed:.2f} s")
    print(f"documents/s: {options.rounds / elapsed:.2f}")
    print(f"candidates/s: {found / elapsed:.1f} ({found // options.rounds} candidates a document)")
    print(f"throughput: {len(data) * options.rounds / elapsed / 1024:.0f} KB/s")
    return 0


def compare(other: Path, path: Path, options: argparse.Namespace) -> int:
    """Run this checkout's benchmark and `other`'s in turns; print each one's median documents/s and candidates/s."""
    runs: dict[str, list[tuple[float, float]]] = {"this": [], str(other): []}
    for _ in range(options.pairs):
        for name, checkout in (("this", REPO), (str(other), other)):
            command = [sys.executable, str(checkout / "tests" / "benchmarks" / "bench_ingest.py"), str(path),
                       "--rounds", str(options.rounds), "--published", options.published]
            output = subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=True).stdout
            documents_s = float(re.search(r"documents/s: ([\d.]+)", output)[1])
            candidates_s = float(re.search(r"candidates/s: ([\d.]+)", output)[1])
            runs[name].append((documents_s, candidates_s))
    print(f"document: {path.name}, {options.pairs} turns of {options.rounds} rounds each")
    for name, measured in runs.items():
        documents_s = statistics.median(m[0] for m in measured)
        candidates_s = statistics.median(m[1] for m in measured)
        print(f"{name}: documents/s {documents_s:.2f}, candidates/s {candidates_s:.1f} (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
