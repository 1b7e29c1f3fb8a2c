"""The lines of a matrix file's items, against parsing the file once.

The pytest plugin gives every item of a matrix file (each role of its
``[matrix]`` table, each ``[[case]]``) the line it is written on
(:func:`ccroles.formats.toml_lines`). Each row here times that for a
generated matrix file, against ``tomllib.loads`` of the same text, taken in
turns in the same run, and prints the ratio:

- a small file: 10 roles, 50 cases (about 300 lines, 60 items);
- a large one: 10 roles, 1,000 cases (about 5,050 lines, 1,010 items).

Each role lists its features one a line, so its array spans lines; each case
is four lines and a blank one. Timings are the best of several runs. Nothing
here is a test; no timing is asserted. Run with ``make bench`` or
``python benchmarks/bench_matrix_file.py``.
"""

from __future__ import annotations

import argparse
import time
import tomllib
from typing import TYPE_CHECKING, Final

from ccroles.formats import toml_lines

if TYPE_CHECKING:
    from collections.abc import Callable

FEATURES: Final = ("Billing", "Make a Payment", "Print a Statement", "Website")
ROLES: Final = 10


def matrix_text(cases: int, roles: int = ROLES) -> str:
    """A matrix file of *roles* roles (arrays over lines) and *cases* cases."""
    lines = ["format = 1", 'account = "account.toml"', "", "[matrix]"]
    for role in range(roles):
        listed = FEATURES[: 1 + role % len(FEATURES)]
        lines += [f'"Role {role}" = [', *(f'  "{f}",' for f in listed), "]"]
    for case in range(cases):
        lines += [
            "",
            "[[case]]  # one login, one feature",
            f'login = "user{case}@acme.example"',
            f"feature = {FEATURES[case % len(FEATURES)]!r}",
            f"allowed = {'true' if case % 2 else 'false'}",
        ]
    return "\n".join(lines) + "\n"


def best(action: Callable[[], object], runs: int) -> float:
    """The shortest of *runs* timings of *action*, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def row(cases: int, runs: int) -> None:
    """Print the time to find every item's line against one parse."""
    text = matrix_text(cases)
    paths: list[tuple[str | int, ...]] = [
        *(("matrix", f"Role {role}") for role in range(ROLES)),
        *(("case", case) for case in range(cases)),
    ]
    lines = toml_lines(text, paths)
    assert len(lines) == len(paths), "every item has its line"  # noqa: S101
    found, parsed = float("inf"), float("inf")
    for _ in range(runs):  # in turns, so load falls on both alike
        found = min(found, best(lambda: toml_lines(text, paths), 1))
        parsed = min(parsed, best(lambda: tomllib.loads(text), 1))
    print(
        f"matrix file of {text.count(chr(10)):>5} lines, {len(paths):>5} items: "
        f"toml_lines {found * 1e3:8.1f} ms, tomllib.loads {parsed * 1e3:6.1f} ms, "
        f"ratio {found / parsed:5.1f}x"
    )


def main() -> None:
    """Print both rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timings per contender")
    parser.add_argument(
        "--cases", type=int, nargs="*", default=[50, 1000], help="cases per file"
    )
    arguments = parser.parse_args()
    for cases in arguments.cases:
        row(cases, arguments.runs)


if __name__ == "__main__":
    main()
