"""The scale benchmark's report: every figure next to the issue's target, met or missed, as a Markdown
section ready for tests/benchmarks/RESULTS.md (the machine first)."""
from __future__ import annotations

import os
import platform
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

MB = 1024 * 1024
PROJECTION_TABLES = ("events_slotinterval", "events_projectedconflict", "events_eventkey")


@dataclass(frozen=True)
class Row:
    """One line of the table: what, how to read it from one database's results, and the target if any."""

    what: str
    shown: Callable[[dict], str]
    target: str = ""
    met: Callable[[dict], bool] | None = None


def _ms(timing: dict) -> str:
    return f"{timing['p50_ms']:.2f} / {timing['p99_ms']:.2f}"


def _ratio(log: dict, read: str) -> float:
    return log["reads"][read]["p50_ms"] / log["reads"][f"{read} floor"]["p50_ms"]


def _sizes(log: dict) -> tuple[str, str]:
    """The sizes a single append's growth compares: 10,000 (or the smallest below the largest) and the largest."""
    sizes = sorted(log["singles"], key=int)
    smaller = [size for size in sizes[:-1] if int(size) <= 10_000]
    return (smaller[-1] if smaller else sizes[0]), sizes[-1]


def _growth(log: dict) -> float:
    """p50 over p50: a mean would carry whatever else the machine did during the few appends measured."""
    small, large = _sizes(log)
    if small == large:
        raise KeyError("one size measured: nothing to compare")
    return log["singles"][large]["ours"]["p50_ms"] / log["singles"][small]["ours"]["p50_ms"]


def _at_n(log: dict) -> dict:
    return log["singles"][_sizes(log)[1]]


def _matched(log: dict) -> dict:
    """Our single appends at the peer's durability: SQLite measured at FULL too; PostgreSQL both commit synchronously."""
    return _at_n(log).get("ours, synchronous=FULL", _at_n(log)["ours"])


def _writers(log: dict, scenario: str) -> str:
    found = log["writers"][scenario]
    chain = "" if log["writers"]["chain_ok"] else ", **chain broken**"
    return f"{found['appends_per_s']:,.0f} ({found['non_2xx']}, {found['errors']}; {found['latency']['p50_ms']:.0f} ms){chain}"


def _clean(writers: dict) -> bool:
    scenarios = [writers["one subject"], writers["many subjects"]]
    return writers["chain_ok"] and not any(s["non_2xx"] or s["errors"] for s in scenarios)


def _projection_mb(sizes: dict) -> float:
    return sum(sizes[table] for table in PROJECTION_TABLES) / MB


ROWS = (
    Row("log when read: events / organisations with events / slot intervals",
        lambda log: f"{log['log']['events']:,} / {log['log']['organisations']:,} / {log['log']['intervals']:,}"),
    Row("batched appends at N (store.append_many, 1,000 a transaction), events a second",
        lambda log: f"{log['batched']['ours_per_s']:,.0f}", "≥ 20,000", lambda log: log["batched"]["ours_per_s"] >= 20_000),
    Row("peer: batched appends at N (one save of 1,000), events a second", lambda log: f"{log['batched']['peer_per_s']:,.0f}"),
    Row("building the log, 1,000 a transaction, events a second: ours / peer",
        lambda log: f"{log['build']['ours_per_s']:,.0f} / {log['build']['peer_per_s']:,.0f}"),
    Row("single append at N (store.append), p50 / p99 ms, production durability",
        lambda log: _ms(_at_n(log)["ours"])),
    Row("single appends/s at N (1 ÷ mean), same durability: ours / peer (get + decide + save)",
        lambda log: f"{1000 / _matched(log)['mean_ms']:,.0f} / {1000 / _at_n(log)['peer']['mean_ms']:,.0f}",
        "ours ≥ peer", lambda log: _matched(log)["mean_ms"] <= _at_n(log)["peer"]["mean_ms"]),
    Row("peer: single append p50 ms, whole / its save alone",
        lambda log: f"{_at_n(log)['peer']['p50_ms']:.2f} / {_at_n(log)['peer save']['p50_ms']:.2f}"),
    Row("single append: p50 at the largest size ÷ at 10,000 (or the smallest measured)",
        lambda log: f"{_growth(log):.2f} ({int(_sizes(log)[1]):,} vs {int(_sizes(log)[0]):,})", "≤ 1.5", lambda log: _growth(log) <= 1.5),
    Row("state on a day (state_document_at), p50 / p99 ms",
        lambda log: _ms(log["reads"]["on a day"]), "≤ 2 / ≤ 10",
        lambda log: log["reads"]["on a day"]["p50_ms"] <= 2 and log["reads"]["on a day"]["p99_ms"] <= 10),
    Row("  ÷ floor (one indexed SQL query for the same intervals), p50",
        lambda log: f"{_ratio(log, 'on a day'):.1f} (floor {log['reads']['on a day floor']['p50_ms']:.2f} ms)", "≤ 20",
        lambda log: _ratio(log, "on a day") <= 20),
    Row("state as known at a past moment, p50 / p99 ms",
        lambda log: f"{_ms(log['reads']['as known at'])} (n={log['reads']['as known at']['n']})", "p50 ≤ 5",
        lambda log: log["reads"]["as known at"]["p50_ms"] <= 5),
    Row("  ÷ floor, p50", lambda log: f"{_ratio(log, 'as known at'):.1f} (floor {log['reads']['as known at floor']['p50_ms']:.2f} ms"
        f"{'' if log['floor_bitemporal'] else ', of the present belief: no recorded_from/recorded_until yet'})",
        "≤ 20", lambda log: _ratio(log, "as known at") <= 20),
    Row("diff between two days (as /api/state/diff/), p50 / p99 ms", lambda log: _ms(log["reads"]["diff"])),
    Row("  ÷ floor (two floor queries), p50", lambda log: f"{_ratio(log, 'diff'):.1f}", "≤ 20", lambda log: _ratio(log, "diff") <= 20),
    Row("cold rebuild of every organisation, s", lambda log: f"{log['rebuild']['seconds']:.1f}", "≤ 60",
        lambda log: log["rebuild"]["seconds"] <= 60),
    Row("  peak memory of the rebuilding process (RSS), MB",
        lambda log: f"{log['rebuild']['peak_rss_mb']:,.0f} (before: {log['rebuild']['rss_before_mb']:,.0f})", "≤ 1,024",
        lambda log: log["rebuild"]["peak_rss_mb"] <= 1024),
    Row("  identical to the incremental projection (rows, ids aside)",
        lambda log: "yes" if log["rebuild"]["identical"] else f"no: {log['rebuild']['differing_rows']}", "yes",
        lambda log: log["rebuild"]["identical"]),
    Row("projection bytes, MB: maintained / rebuilt (events table)",
        lambda log: f"{_projection_mb(log['rebuild']['bytes_incremental']):,.1f} / {_projection_mb(log['rebuild']['bytes_rebuilt']):,.1f}"
        f" ({log['rebuild']['bytes_incremental']['events_event'] / MB:,.1f})"),
    Row("8 writers POSTing /api/events/ about one subject, appends/s (non-2xx, errors; p50 ms)",
        lambda log: _writers(log, "one subject"), "≥ 200, no error",
        lambda log: log["writers"]["one subject"]["appends_per_s"] >= 200 and _clean(log["writers"])),
    Row("  the same spread over one organisation's states", lambda log: _writers(log, "many subjects")),
)


def _cell(row: Row, log: dict | None) -> str:
    if log is None:
        return "not measured"
    try:
        return row.shown(log)
    except (KeyError, ZeroDivisionError):
        return "n/a"


def _verdict(row: Row, logs: dict[str, dict | None]) -> str:
    verdicts = []
    for database, log in logs.items():
        try:
            verdicts.append(f"{database}: {'met' if row.met(log) else '**missed**'}")
        except (KeyError, TypeError, ZeroDivisionError):
            verdicts.append(f"{database}: n/a")
    return "; ".join(verdicts)


def report(options, machine: dict[str, str], results: dict[str, dict]) -> str:
    logs = {database: found["log"] for database, found in results.items()}
    lines = [
        f"### {machine['date']}: {options.events:,} events",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine.items() if key != "date"],
        "",
        *[f"Durability, {database}: ours {log['durability']['ours']}, peer {log['durability']['peer']}."
          for database, log in logs.items() if log],
        "",
        f"| measure | {' | '.join(logs)} | target | met? |",
        f"|---|{'---:|' * len(logs)}---|---|",
    ]
    for row in ROWS:
        cells = " | ".join(_cell(row, log) for log in logs.values())
        lines.append(f"| {row.what} | {cells} | {row.target} | {_verdict(row, logs) if row.met else ''} |")
    lines += ["", "Single appends at each size, p50 ms (ours at production durability; the peer's whole command):", ""]
    for database, log in logs.items():
        if log:
            lines.append(f"- {database}: " + "; ".join(
                f"{int(size):,}: ours {at['ours']['p50_ms']:.2f}, peer {at['peer']['p50_ms']:.2f}" for size, at in log["singles"].items()))
    lines += ["", f"The pathological log (20 states, a re-assertion of the same status every week, {options.pathological_weeks} weeks,"
              " 1,000 a transaction):", ""]
    for database, found in results.items():
        patho = found.get("pathological")
        if patho:
            tables = ", ".join(f"{table} {patho['bytes'][table] / MB:,.1f}" for table in PROJECTION_TABLES)
            lines.append(
                f"- {database}: {patho['appended']:,} of {patho['planned']:,} events in {patho['seconds']:.0f} s, {patho['per_s']:,.0f} events a second"
                f" (first batch of 1,000 {patho['first_batch_per_s']:,.0f}/s, last {patho['last_batch_per_s']:,.0f}/s); projection "
                f"{_projection_mb(patho['bytes']):,.1f} MB ({tables}), events table {patho['bytes']['events_event'] / MB:,.1f} MB"
            )
    for database, log in logs.items():
        for key in ("profile_single", "profile_batch"):
            if log and key in log:
                lines += ["", f"{database}, {key.replace('_', ' ')} (cProfile):", "", "```", log[key].strip(), "```"]
    return "\n".join(lines)


def machine(postgres: str) -> dict[str, str]:
    """What the run ran on, read now: the CPU, cores, memory, OS, Python, SQLite and PostgreSQL (at `postgres`)."""
    info = {"date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    info["CPU"] = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), platform.processor())
    info["cores"] = str(os.cpu_count())
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    info["RAM"] = f"{total / 1024 / 1024:.1f} GiB"
    release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    pretty = next((line.split("=", 1)[1].strip('"') for line in release.splitlines() if line.startswith("PRETTY_NAME")), "")
    info["OS"] = f"{pretty} ({platform.platform()})"
    info["Python"] = platform.python_version()
    info["SQLite"] = sqlite3.sqlite_version
    try:
        import psycopg

        with psycopg.connect(f"{postgres}/postgres", connect_timeout=3) as connection:
            info["PostgreSQL"] = connection.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - a report line, whatever went wrong
        info["PostgreSQL"] = f"not reachable ({type(exc).__name__})"
    info["libraries"] = ", ".join(f"{name} {version(name)}" for name in ("Django", "psycopg", "eventsourcing"))
    info["load average (1 min) before"] = f"{os.getloadavg()[0]:.2f}"
    return info
