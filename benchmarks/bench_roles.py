"""Benchmark chains of custom roles: building and loading cost per role.

Each size is a chain of copies, each of the one before (the deepest case: a
copy walks nothing to find its root, so the cost per role should stay flat).
For each size it prints the time to build the chain with ``customize``, to
build an ``Account`` of it, and to load it from a JSON roles file, per role,
and the ratio of the per-role time to that of the smallest size (1.0x means
linear).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_roles.py``.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from ccroles import CUSTOMER_CENTER, Account, FileFormat, dumps_roles, loads_roles

if TYPE_CHECKING:
    from ccroles.roles import Role

SIZES = (1_000, 4_000, 16_000)


def chain(size: int) -> list[Role]:
    """*size* copies, each of the one before."""
    roles = [CUSTOMER_CENTER]
    for number in range(size):
        roles.append(roles[-1].customize(f"Copy {number}", {"LIST_CASE": "View"}))
    return roles[1:]


def per_role(size: int) -> dict[str, float]:
    """Microseconds per role: building, the account, and loading from text."""
    start = time.perf_counter()
    roles = chain(size)
    built = time.perf_counter()
    Account(roles=roles)
    accounted = time.perf_counter()
    text = dumps_roles(roles, FileFormat.JSON)
    parsed = time.perf_counter()
    loaded_roles = loads_roles(text, FileFormat.JSON)
    loaded = time.perf_counter()
    if loaded_roles[-1] != roles[-1]:  # one walk down the chain, not timed
        raise SystemExit("the chain read back differs from the one written")
    scale = 1e6 / size
    return {
        "build": (built - start) * scale,
        "account": (accounted - built) * scale,
        "load": (loaded - parsed) * scale,
    }


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args()
    print("Chains of custom roles: microseconds per role (ratio to 1,000 roles)")
    print(f"{'roles':>7}  {'customize':>16}  {'Account':>16}  {'load (JSON)':>16}")
    first: dict[str, float] | None = None
    for size in SIZES:
        figures = per_role(size)
        first = first or figures
        cells = [
            f"{figures[key]:8.1f} ({figures[key] / first[key]:4.2f}x)"
            for key in ("build", "account", "load")
        ]
        print(f"{size:>7,}  " + "  ".join(f"{cell:>16}" for cell in cells))


if __name__ == "__main__":
    main()
