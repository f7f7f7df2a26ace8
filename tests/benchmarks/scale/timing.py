"""How the scale benchmark times things: percentiles of many calls, interleaved calls, profiles."""
from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    n: int
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ordered = sorted(seconds)
        rank = lambda q: ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]  # noqa: E731
        return cls(len(ordered), rank(0.5) * 1000, rank(0.99) * 1000, statistics.fmean(ordered) * 1000)

    @property
    def per_second(self) -> float:
        return 1000 / self.mean_ms


def interleaved(samples: list, calls: dict[str, Callable], budget: float) -> dict[str, Timing]:
    """Each call on each sample in turn, alternating which goes first, until the samples or the budget run out."""
    for call in calls.values():  # warm: prepared statements, caches of compiled queries
        for sample in samples[:5]:
            call(*sample)
    spent: dict[str, list[float]] = {name: [] for name in calls}
    deadline = time.monotonic() + budget
    for n, sample in enumerate(samples):
        order = list(calls.items()) if n % 2 == 0 else list(reversed(calls.items()))
        for name, call in order:
            started = time.perf_counter()
            call(*sample)
            spent[name].append(time.perf_counter() - started)
        if time.monotonic() > deadline:
            break
    return {name: Timing.of(seconds) for name, seconds in spent.items()}


def profiled(call: Callable[[], object], top: int = 25) -> str:
    """cProfile of one call: the functions costing most time of their own, then most time with callees."""
    profile = cProfile.Profile()
    profile.runcall(call)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
