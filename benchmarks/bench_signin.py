"""Benchmark the SQLite sign-in store: recording a failed attempt, checking a lock.

A store file in a temporary directory (the disk the portal would use) holds
the state of many logins. Three operations are timed, each as the median of
several rounds over many calls:

- record a failed attempt (one ``BEGIN IMMEDIATE`` transaction, a read and
  an upsert, committed to disk);
- check a lock (one read, no transaction);
- record a right password (a transaction, as for a failure).

The in-memory store is timed too, for scale. Run with ``make bench`` or
``.venv/bin/python benchmarks/bench_signin.py``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ccroles import MemorySignInStore, SQLiteSignInStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccroles import SignInStore

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LOCK = timedelta(minutes=30)


def per_call(call: Callable[[int], object], calls: int, rounds: int) -> float:
    """The median over *rounds* of the time per call, in microseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(calls):
            call(i)
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times) * 1e6


def measure(store: SignInStore, logins: int, calls: int, rounds: int) -> list[str]:
    """The figures of one store, as printed lines."""
    emails = [f"login{i}@example.com" for i in range(logins)]
    for i, email in enumerate(emails):  # some logins have failures, some a lock
        for _ in range(i % 6):
            store.record_failure(email, NOW, 5, LOCK)

    def fail(i: int) -> object:
        # Logins 0, 6, 12, ... start clean; the rest may be locked already.
        return store.record_failure(emails[i % logins], NOW, 5, LOCK)

    def check(i: int) -> object:
        return store.state(emails[i % logins], NOW).locked

    def succeed(i: int) -> object:
        return store.record_success(emails[i % logins], NOW)

    figures = [
        ("record a failed attempt", per_call(fail, calls, rounds)),
        ("check a lock", per_call(check, calls, rounds)),
        ("record a right password", per_call(succeed, calls, rounds)),
    ]
    return [f"  {name:<26} {micros:9.1f} µs per call" for name, micros in figures]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1_000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sign-in.sqlite3"
        with SQLiteSignInStore(path) as store:
            print(f"SQLite sign-in store, {args.logins} logins, a file on disk:")
            for line in measure(store, args.logins, args.calls, args.rounds):
                print(line)
    memory = MemorySignInStore()
    print(f"In-memory sign-in store, {args.logins} logins (for scale):")
    for line in measure(memory, args.logins, args.calls, args.rounds):
        print(line)


if __name__ == "__main__":
    main()
