"""Benchmark the CSV access import: time per row and peak memory.

A 100,000-customer account gets access files of 10,000 and 100,000 rows,
written to a temporary directory and read from disk the way the command line
reads them. Each case runs three times for the time (without tracing; the
quickest run is shown, wall clock and the process's own CPU time, as the
machine may be shared) and once under
``tracemalloc`` for the peak memory allocated by the import itself
(the account is built before tracing starts).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from ccroles import Account, Customer, NotificationSettings, import_access

HEADER = "Internal ID,Give Access,Email,Role,Send New Access Notification Email\n"
SETTINGS = NotificationSettings(
    administrator_email="admin@shop.example",
    login_url="https://shop.example/customer-center/login",
    set_password_url="https://shop.example/customer-center/set-password",  # noqa: S106 (a URL)
)


TIMINGS = 3
"""Timed runs of each case; the quickest is reported."""

REFERENCE = (
    "2026-12-01 (same_emails, dry run): 10,000 rows 11.1 us/row, peak 7.8 MiB; "
    "100,000 rows 12.5 us/row, peak 7.8 MiB"
)
"""The figures the dry run is held to: at most 12 us a row, memory flat."""


def build_account(customers: int) -> Account:
    """An account of *customers* customers with emails and no access yet."""
    return Account(
        notification=SETTINGS,
        customers=[
            Customer(str(100_000 + i), f"C{i:06d}", email=f"c{i}@example.com")
            for i in range(customers)
        ],
    )


def write_csv(path: Path, rows: int, *, new_emails: bool) -> None:
    """Give *rows* customers access by notification, keeping or changing emails."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for i in range(rows):
            email = f"new{i}@example.org" if new_emails else ""
            out.write(f"{100_000 + i},yes,{email},Customer Center,yes\r\n")


def run(account: Account, path: Path, *, apply: bool) -> None:
    """Import *path* once, checking it had no problem."""
    with path.open(encoding="utf-8-sig", newline="") as lines:
        report = import_access(account, lines, apply=apply)
    if not report.found_no_problem or report.applied != apply:
        message = f"unexpected report for {path.name}: {report.problems[:3]}"
        raise SystemExit(message)


def measure(account: Account, path: Path, rows: int, *, apply: bool) -> str:
    """One line of figures: time per row and peak traced memory."""
    times, cpu_times = [], []
    for _ in range(TIMINGS):
        start, cpu_start = time.perf_counter(), time.process_time()
        run(account, path, apply=apply)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    elapsed = min(times)  # the least disturbed run of a shared machine
    cpu = min(cpu_times)  # the time this process ran, waiting for no other
    tracemalloc.start()
    tracemalloc.reset_peak()
    run(account, path, apply=apply)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mode = "apply  " if apply else "dry run"
    return (
        f"{path.stem:<22} {mode} {rows:>7,} rows  {elapsed:6.2f} s  "
        f"{elapsed / rows * 1e6:6.1f} us/row (cpu {cpu / rows * 1e6:5.1f})  "
        f"peak {peak / 2**20:7.1f} MiB  "
        f"({peak / rows:7.0f} B/row)"
    )


def main() -> None:
    """Build the account, write the files and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    start = time.perf_counter()
    account = build_account(args.customers)
    built = time.perf_counter() - start
    print(f"account of {args.customers:,} customers built in {built:.2f} s")
    print(f"reference {REFERENCE}")
    with tempfile.TemporaryDirectory() as tmp:
        for new_emails in (False, True):
            for rows in args.rows:
                name = f"{'new' if new_emails else 'same'}_emails_{rows}"
                path = Path(tmp) / f"{name}.csv"
                write_csv(path, rows, new_emails=new_emails)
                size = path.stat().st_size / 2**20
                print(f"{name}.csv: {size:.1f} MiB")
                for apply in (False, True):
                    print(measure(account, path, rows, apply=apply))


if __name__ == "__main__":
    main()
