"""Benchmark the three sign-in stores side by side, and the trail's cost.

For memory, SQLite (a file on disk) and PostgreSQL (a throw-away local
server started from Debian's ``postgresql`` binaries, as the tests start it,
unless ``--postgres CONNINFO`` names one), each the median of several rounds:

- a sign-in attempt through :class:`~ccroles.signin.SignIn` (reserve, a
  cheap password check, settle, and the trail's event), with the trail and
  without it (the same store with ``record_event`` doing nothing): the
  difference is the cost the login audit trail adds to an attempt;
- a lock check (``state``);
- an audit query (one login's events since a time, in a trail of
  ``--events`` events).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_signin_stores.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ccroles import Account, Customer, Engine, Password, SignIn
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from ccroles.passwords import PasswordHash, ScryptParams
from ccroles.signin_store import MemorySignInStore
from ccroles.signin_store_pg import PostgresSignInStore
from ccroles.signin_store_sqlite import SQLiteSignInStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ccroles import SignInStore

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RIGHT = "plum-tractor-44"
CHEAP = ScryptParams(n=2, r=1, p=1)


def per_call(call: Callable[[int], object], calls: int, rounds: int) -> float:
    """The median over *rounds* of the time per call, in microseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(calls):
            call(i)
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times) * 1e6


def without_trail(store: SignInStore) -> SignInStore:
    """*store* whose ``record_event`` does nothing (the attempt without the trail)."""
    cls = type(store)
    quiet = type(f"Untraced{cls.__name__}", (cls,), {"record_event": _nothing})
    store.__class__ = quiet
    return store


def _nothing(_store: object, _event: AuditEvent) -> None:
    return None


def account(logins: int) -> Account:
    """*logins* logins with access and the password RIGHT (a cheap hash)."""
    stored = PasswordHash.of(RIGHT, salt=b"0123456789abcdef", n=2, r=1, p=1)
    return Account(
        customers=[
            Customer(
                str(100 + i),
                f"C{i}",
                email=f"login{i}@example.com",
                give_access=True,
                role="Customer Center",
                password_hash=stored,
            )
            for i in range(logins)
        ]
    )


def measure(  # noqa: PLR0913, PLR0917 (the store, a twin without trail, the sizes)
    store: SignInStore,
    untraced: SignInStore,
    logins: int,
    events: int,
    calls: int,
    rounds: int,
) -> list[tuple[str, float]]:
    """The figures of one store (microseconds per call)."""
    engine = Engine(account(logins))
    emails = [f"login{i}@example.com" for i in range(logins)]
    traced = SignIn(engine, store, clock=lambda: NOW, scrypt=CHEAP)
    quiet = SignIn(engine, untraced, clock=lambda: NOW, scrypt=CHEAP)
    password = Password(RIGHT)
    for i in range(events):
        store.record_event(
            AuditEvent(
                NOW - timedelta(seconds=events - i),
                AuditKind.SIGN_IN,
                emails[i % logins],
                AuditOutcome.DENIED,
                ("wrong_password",),
            )
        )
    since = NOW - timedelta(seconds=events // 2)
    for email in emails:  # warm both up: the first calls of each pay for imports
        quiet.attempt(email, password)
        traced.attempt(email, password)
    return [
        (
            "attempt, no trail",
            per_call(
                lambda i: quiet.attempt(emails[i % logins], password), calls, rounds
            ),
        ),
        (
            "attempt, with trail",
            per_call(
                lambda i: traced.attempt(emails[i % logins], password), calls, rounds
            ),
        ),
        (
            "lock check",
            per_call(lambda i: store.state(emails[i % logins], NOW), calls, rounds),
        ),
        (
            "audit query",
            per_call(
                lambda i: store.events(
                    AuditQuery(email=emails[i % logins], since=since)
                ),
                calls,
                rounds,
            ),
        ),
    ]


def postgres(conninfo: str | None) -> Iterator[str]:
    """The server to use: the one named, or a throw-away one (as the tests start)."""
    if conninfo is not None:
        yield conninfo
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests import postgres_server  # noqa: PLC0415 (the tests' own helper)

    server = postgres_server.start()
    try:
        yield server.conninfo
    finally:
        server.stop()


def main() -> None:
    """Print the figures, a line per store and operation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", metavar="CONNINFO")
    args = parser.parse_args()
    sizes = (args.logins, args.events, args.calls, args.rounds)
    results: dict[str, list[tuple[str, float]]] = {}
    results["memory"] = measure(
        MemorySignInStore(), without_trail(MemorySignInStore()), *sizes
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        SQLiteSignInStore(Path(folder) / "a.sqlite3") as store,
        SQLiteSignInStore(Path(folder) / "b.sqlite3") as other,
    ):
        results["SQLite"] = measure(store, without_trail(other), *sizes)
    for conninfo in postgres(args.postgres):
        PostgresSignInStore.init(conninfo, schema="bench_a")
        PostgresSignInStore.init(conninfo, schema="bench_b")
        with (
            PostgresSignInStore(conninfo, schema="bench_a") as store,
            PostgresSignInStore(conninfo, schema="bench_b") as other,
        ):
            results["PostgreSQL"] = measure(store, without_trail(other), *sizes)
    print(
        f"Sign-in stores side by side ({args.logins} logins, {args.events} "
        "events in the trail; µs per call, median of rounds):"
    )
    names = [name for name, _ in results["memory"]]
    print(f"  {'':<22}" + "".join(f"{store:>13}" for store in results))
    for row, name in enumerate(names):
        cells = "".join(f"{figures[row][1]:>13.1f}" for figures in results.values())
        print(f"  {name:<22}{cells}")
    added = "".join(
        f"{(figures[1][1] / figures[0][1] - 1) * 100:>12.0f}%"
        for figures in results.values()
    )
    print(f"  {'trail adds (goal 20%)':<22}{added}")


if __name__ == "__main__":
    main()
