"""How fast ccroles starts, against baselines measured in the same run.

Two rows of issue 14's table, each a ratio to a baseline run in turns with it
(so a busy machine slows both alike):

- ``import ccroles``, timed inside a fresh interpreter, against
  ``import attrs, cattrs`` timed the same way (goal: at most 1.3x). Also shown,
  against the same baseline: a portal's import (``from ccroles import Engine,
  Account``) and every top-level name (``from ccroles import *``).
- ``ccroles check examples/account.toml ap@acme.example "Make a Payment"``,
  the whole process (interpreter start to exit, through the installed
  ``ccroles`` script), against a whole process that only imports attrs and
  cattrs (goal: at most 1.5x), and against a floor: a process that imports
  them and declares as many attrs classes as the check loads, with the same
  numbers of fields (the list is taken from a run of the check).

Every figure is the median of many fresh processes, in milliseconds. Run with
``make bench`` or ``.venv/bin/python benchmarks/bench_startup.py``; nothing
here is a test, and no timing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
ACCOUNT: Final = ROOT / "examples" / "account.toml"
QUESTION: Final = ("ap@acme.example", "Make a Payment")

# Each snippet prints how long its imports took, in seconds.
TIMED: Final = (
    "import time; _t = time.perf_counter(); {}; print(time.perf_counter() - _t)"
)
IMPORTS: Final = {
    "import attrs, cattrs": "import attrs, cattrs",
    "import ccroles": "import ccroles",
    "from ccroles import Engine, Account": "from ccroles import Engine, Account",
    "from ccroles import *": "from ccroles import *",
}
BASELINE: Final = "import attrs, cattrs"


def import_seconds(statement: str) -> float:
    """The time *statement* takes in a fresh interpreter."""
    code = TIMED.format(statement)
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(result.stdout)


def process_seconds(command: list[str]) -> float:
    """The wall time of a whole process running *command*, start to exit."""
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)  # noqa: S603
    return time.perf_counter() - start


def check_command() -> list[str]:
    """``ccroles check`` through the installed script (as a user runs it)."""
    script = Path(sys.executable).with_name("ccroles")
    if not script.exists():  # pragma: no cover (an install without scripts)
        return [sys.executable, "-m", "ccroles", "check", str(ACCOUNT), *QUESTION]
    return [str(script), "check", str(ACCOUNT), *QUESTION]


# Run the check in one process, then list the attrs classes of ccroles loaded.
PROBE: Final = """
import contextlib, io, sys, attrs
from ccroles.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
for name, module in list(sys.modules.items()):
    if name.startswith("ccroles"):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name:
                if attrs.has(value):
                    print(len(attrs.fields(value)), issubclass(value, BaseException))
"""


def classes_floor(check: list[str]) -> list[str]:
    """A process importing attrs and cattrs and declaring the check's classes.

    Each class is frozen and slotted with as many fields as its model (an
    exception's model is an exception): the least the check's classes cost.
    """
    probe = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", PROBE, *check[-4:]],
        capture_output=True,
        text=True,
        check=True,
    )
    shapes = [line.split() for line in probe.stdout.splitlines()]
    code = "import attrs, cattrs\n" + "".join(
        f"@attrs.frozen\nclass C{i}({'Exception' if error == 'True' else 'object'}):\n"
        + "".join(f"    f{j}: object = None\n" for j in range(int(fields)))
        + ("    pass\n" if fields == "0" else "")
        for i, (fields, error) in enumerate(shapes)
    )
    return [sys.executable, "-c", code]


def line(name: str, ms: float, base: float, goal: str = "") -> None:
    """Print one result: milliseconds and the ratio to the baseline."""
    print(f"  {name:<40} {ms:8.1f} ms {ms / base:6.2f}x  {goal}")


def main() -> None:
    """Measure in turns and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    repeats = parser.parse_args().repeats
    check = check_command()
    answer = subprocess.run(check, capture_output=True, text=True, check=False)  # noqa: S603
    if answer.returncode != 0 or answer.stdout.strip() != "allowed":
        message = f"ccroles check did not answer 'allowed': {answer!r}"
        raise SystemExit(message)
    floor = [sys.executable, "-c", "import attrs, cattrs"]
    imports: dict[str, list[float]] = {name: [] for name in IMPORTS}
    classes = classes_floor(check)
    processes: dict[str, list[float]] = {"floor": [], "classes": [], "check": []}
    for _ in range(repeats):
        for name, statement in IMPORTS.items():
            imports[name].append(import_seconds(statement))
        processes["floor"].append(process_seconds(floor))
        processes["classes"].append(process_seconds(classes))
        processes["check"].append(process_seconds(check))
    ms = {name: statistics.median(times) * 1e3 for name, times in imports.items()}
    print(f"Python {sys.version.split()[0]}, median of {repeats} fresh processes")
    print("\nthe import itself, inside a fresh interpreter:")
    base = ms[BASELINE]
    for name in IMPORTS:
        goal = "(goal: at most 1.3x)" if name == "import ccroles" else ""
        line(name, ms[name], base, goal)
    whole = {name: statistics.median(t) * 1e3 for name, t in processes.items()}
    print("\nthe whole process, start to exit:")
    line("python -c 'import attrs, cattrs'", whole["floor"], whole["floor"])
    count = classes[-1].count("@attrs.frozen")
    line(
        f"  floor: + declaring the {count} attrs classes",
        whole["classes"],
        whole["floor"],
    )
    line("ccroles check (example account)", whole["check"], whole["floor"])
    print("  " + " " * 58 + "(goal: at most 1.5x)")


if __name__ == "__main__":
    main()
