"""How fast ccroles starts, against baselines measured in the same run.

Two rows of issue 14's table, each a ratio to a baseline run in turns with it
(so a busy machine slows both alike):

- ``import ccroles``, timed inside a fresh interpreter, against
  ``import attrs, cattrs`` timed the same way (goal: at most 1.3x). The
  portal's import (``from ccroles import Engine, Account``) is held to the
  same goal: ``import ccroles`` alone loads no module. Also shown, against
  the same baseline: every top-level name (``from ccroles import *``), and
  the portal import's floor.
- ``ccroles check examples/account.toml ap@acme.example "Make a Payment"``,
  the whole process (interpreter start to exit, through the installed
  ``ccroles`` script), against a whole process that only imports attrs and
  cattrs (goal: at most 1.5x), and against the check's floor.

A floor imports the modules the import or the check loads (attrs, cattrs if
used, the stdlib; not ccroles) and declares as many attrs classes as it
loads, each with the options of its model (slotted, frozen, an exception,
...) and as many fields, without validators or converters: what the classes
and modules cost, before any of ccroles's own work. The modules and classes
are listed by running the import or the check once (a probe).

Every process runs with a bytecode cache, as an installed package has (pip
compiles it): a temporary ``PYTHONPYCACHEPREFIX``, filled by one run of each
command before the timing, whatever ``PYTHONDONTWRITEBYTECODE`` says. When
that variable is set, one more row shows the check as this environment runs
it: with an editable install, ccroles compiled from source on every run.

Every figure is the median of many fresh processes, in milliseconds. Run with
``make bench`` or ``.venv/bin/python benchmarks/bench_startup.py``; nothing
here is a test, and no timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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
PORTAL: Final = "from ccroles import Engine, Account"
IMPORTS: Final = {
    "import attrs, cattrs": "import attrs, cattrs",
    "import ccroles": "import ccroles",
    PORTAL: PORTAL,
    "from ccroles import *": "from ccroles import *",
}
BASELINE: Final = "import attrs, cattrs"
GOALS: Final = {
    "import ccroles": "(goal: at most 1.3x)",
    PORTAL: "(goal: at most 1.3x)",
}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run *command* with *env*, its output captured as text."""
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        command, capture_output=True, text=True, check=False, env=env
    )


def import_seconds(statement: str, env: dict[str, str]) -> float:
    """The time *statement* takes in a fresh interpreter."""
    result = run([sys.executable, "-c", TIMED.format(statement)], env)
    result.check_returncode()
    return float(result.stdout)


def process_seconds(command: list[str], env: dict[str, str]) -> float:
    """The wall time of a whole process running *command*, start to exit."""
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, env=env)  # noqa: S603
    return time.perf_counter() - start


def check_command() -> list[str]:
    """``ccroles check`` through the installed script (as a user runs it)."""
    script = Path(sys.executable).with_name("ccroles")
    if not script.exists():  # pragma: no cover (an install without scripts)
        return [sys.executable, "-m", "ccroles", "check", str(ACCOUNT), *QUESTION]
    return [str(script), "check", str(ACCOUNT), *QUESTION]


# Run some code; list the modules it loaded that are not ccroles's ("module
# NAME": attrs, cattrs if used, the stdlib) and each attrs class of ccroles then
# loaded: its number of fields and the options it was declared with, read
# back with attrs.inspect ("class N OPTIONS").
PROBE: Final = """
import io, sys
before = set(sys.modules)
sys.stdout = io.StringIO()
CODE
sys.stdout = sys.__stdout__
for name in sorted(set(sys.modules) - before):
    if name.partition(".")[0] != "ccroles" and not name.startswith("_"):
        print("module", name)
import attrs
for name, module in list(sys.modules.items()):
    if name.startswith("ccroles"):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name:
                if "__attrs_attrs__" in vars(value):  # declared by attrs
                    p = attrs.inspect(value)
                    implied = (
                        "leave_alone" if not p.added_eq
                        else "hashable" if p.is_frozen else "unhashable"
                    )
                    hashing = p.hashability.value
                    options = (
                        f"auto_exc={p.is_exception},slots={p.is_slotted},"
                        f"weakref_slot={p.has_weakref_slot},frozen={p.is_frozen},"
                        f"init={p.added_init},repr={p.added_repr},eq={p.added_eq},"
                        f"order={p.added_ordering},"
                        f"cache_hash={hashing == 'hashable_cache'}"
                    )
                    if hashing != implied:
                        options += f",unsafe_hash={hashing != 'leave_alone'}"
                    print("class", len(attrs.fields(value)), options)
"""
CHECK_PROBE: Final = "from ccroles.cli import main; main(sys.argv[1:])"
PORTAL_PROBE: Final = PORTAL


def floor_module(probe: str, argv: list[str], env: dict[str, str], path: Path) -> str:
    """Write a module importing what *probe* imports, declaring as many classes.

    Each class is declared with the options of its model (slotted, frozen,
    an exception, ...) and as many fields, without validators or converters:
    the least classes of the same shapes cost. The module is written to *path*
    (imported, it is cached as ccroles is). Returns a label saying what it
    holds.
    """
    found = run([sys.executable, "-c", PROBE.replace("CODE", probe), *argv], env)
    found.check_returncode()
    lines = [line.split() for line in found.stdout.splitlines()]
    modules = [words[1] for words in lines if words[0] == "module"]
    shapes = [words[1:] for words in lines if words[0] == "class"]
    code = f"import {', '.join(modules)}\n" + "".join(
        f"@attrs.define({options})\n"
        f"class C{i}({'Exception' if 'auto_exc=True' in options else 'object'}):\n"
        + "".join(f"    f{j}: object = None\n" for j in range(int(fields)))
        + ("    pass\n" if fields == "0" else "")
        for i, (fields, options) in enumerate(shapes)
    )
    path.write_text(code, encoding="utf-8")
    return f"its modules, {len(shapes)} classes"


def line(name: str, ms: float, base: float, goal: str = "") -> None:
    """Print one result: milliseconds and the ratio to the baseline."""
    print(f"  {name:<46} {ms:8.1f} ms {ms / base:6.2f}x  {goal}")


def main() -> None:
    """Measure in turns and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    repeats = parser.parse_args().repeats
    check = check_command()
    plain = dict(os.environ)  # the environment as it is (maybe no bytecode cache)
    with tempfile.TemporaryDirectory(prefix="ccroles-pycache-") as cache:
        cached = {k: v for k, v in plain.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
            "PYTHONPYCACHEPREFIX": cache
        }
        answer = run(check, cached)  # also fills the cache for the check
        if answer.returncode != 0 or answer.stdout.strip() != "allowed":
            message = f"ccroles check did not answer 'allowed': {answer!r}"
            raise SystemExit(message)
        floors = Path(cache) / "floors"
        floors.mkdir()
        portal_label = floor_module(
            PORTAL_PROBE, [], cached, floors / "portal_floor.py"
        )
        check_label = floor_module(
            CHECK_PROBE, check[-4:], cached, floors / "check_floor.py"
        )
        on_path = f"import sys; sys.path.insert(0, {str(floors)!r})"
        imports = {**IMPORTS, "portal floor": f"{on_path}; import portal_floor"}
        baseline = [sys.executable, "-c", "import attrs, cattrs"]
        processes = {
            "baseline": (baseline, cached),
            "floor": (
                [sys.executable, "-c", f"{on_path}; import check_floor"],
                cached,
            ),
            "check": (check, cached),
        }
        if plain.get("PYTHONDONTWRITEBYTECODE"):
            processes["uncached"] = (check, plain)
        for statement in imports.values():  # fill the cache for each
            import_seconds(statement, cached)
        for command, env in processes.values():
            process_seconds(command, env)
        times: dict[str, list[float]] = {name: [] for name in (*imports, *processes)}
        for _ in range(repeats):
            for name, statement in imports.items():
                times[name].append(import_seconds(statement, cached))
            for name, (command, env) in processes.items():
                times[name].append(process_seconds(command, env))
    ms = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    print(f"Python {sys.version.split()[0]}, median of {repeats} fresh processes")
    print("\nthe import itself, inside a fresh interpreter:")
    base = ms[BASELINE]
    for name in IMPORTS:
        line(name, ms[name], base, GOALS.get(name, ""))
    line(f"  floor: {portal_label}", ms["portal floor"], base)
    print("\nthe whole process, start to exit:")
    base = ms["baseline"]
    line("python -c 'import attrs, cattrs'", base, base)
    line(f"  floor: {check_label}", ms["floor"], base)
    line("ccroles check (example account)", ms["check"], base)
    print("  " + " " * 64 + "(goal: at most 1.5x)")
    if "uncached" in ms:
        line("  the same, PYTHONDONTWRITEBYTECODE as set", ms["uncached"], base)


if __name__ == "__main__":
    main()
