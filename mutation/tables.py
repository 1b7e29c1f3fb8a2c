"""Mutate the module-level tables of ccroles, one mutant at a time.

mutmut mutates only inside functions, and its workers import the package
before a mutant is switched on: code that runs at import (the permission
catalogue, the built-in roles, the ``FEATURES`` requirement table, class-level
defaults) is never changed by it. This script changes that code instead: for
each mutant it writes one changed module into a copy of the package and runs
the module's tests in a fresh Python process, which imports the copy.

The mutations, applied to the statements at module and class level (outside
functions, docstrings, ``__all__`` and annotations):

- ``Level.X`` to the level one above and one below;
- ``a & b`` to ``a | b``, to ``a`` and to ``b``; ``a | b`` to ``a & b``;
- a string to another string, a number plus one, ``True``/``False`` swapped;
- each entry of a dict, list, tuple or set literal removed;
- each keyword argument of a call removed (its default then applies).

Left alone: ``attrs.field(...)`` options, ``TypeVar`` and logger names,
``__slots__`` and type aliases (``A | B``).

Run through ``mutation/run.py`` (``make mutate``); alone:
``python mutation/tables.py [module ...]``.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import itertools
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "ccroles"
LEVELS = ("NONE", "VIEW", "CREATE", "EDIT", "FULL")
# Calls that configure a class or the runtime rather than hold a table.
_NOT_TABLES = frozenset({"attrs.field", "TypeVar", "logging.getLogger"})
TIMEOUT = 300  # seconds; a mutant that hangs the tests is noticed


@dataclass(frozen=True)
class Mutant:
    """One change to one module's source.

    ``key`` names it independently of line numbers: the module, the statement
    (its target's name), the text before and after, and which occurrence of
    that same change in the statement it is.
    """

    module: str
    key: str
    line: int
    start: int
    end: int
    replacement: bytes

    def apply(self, source: bytes) -> bytes:
        """Return *source* with this change made."""
        return source[: self.start] + self.replacement + source[self.end :]


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_type_alias(value: ast.expr) -> bool:
    """Whether *value* is a union of types (``A | B``), not a requirement."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return _is_type_alias(value.left) and _is_type_alias(value.right)
    return (
        isinstance(value, ast.Name | ast.Subscript)
        and (not isinstance(value, ast.Name) or value.id[:1].isupper())
        and not (isinstance(value, ast.Name) and value.id.isupper())
    )


class _Finder:
    """Collect the mutants of one module's import-time statements."""

    def __init__(self, module: str, source: bytes) -> None:
        self.module = module
        self.source = source
        self.line_starts = [0]
        for line in source.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.mutants: list[Mutant] = []
        self.seen: Counter[str] = Counter()
        self.statement = ""

    def offset(self, line: int, column: int) -> int:
        """The byte offset of a node position (columns are UTF-8 bytes)."""
        return self.line_starts[line - 1] + column

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The byte span of *node* in the source."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def text(self, node: ast.AST) -> str:
        """The source text of *node*."""
        start, end = self.span(node)
        return self.source[start:end].decode("utf-8")

    def add(self, node: ast.AST, replacement: str, after: str | None = None) -> None:
        """Record the mutant replacing *node* with *replacement*."""
        start, end = self.span(node)
        change = f"{_short(self.text(node))} -> {_short(after or replacement)}"
        base = f"{self.module}:{self.statement}: {change}"
        self.seen[base] += 1
        key = base if self.seen[base] == 1 else f"{base} #{self.seen[base]}"
        self.mutants.append(
            Mutant(
                self.module,
                key,
                node.lineno,  # type: ignore[attr-defined]
                start,
                end,
                replacement.encode("utf-8"),
            )
        )

    def statements(self, body: list[ast.stmt], prefix: str = "") -> None:
        """Visit the import-time statements of a module or class body."""
        for statement in body:
            if isinstance(statement, ast.ClassDef):
                self.statements(statement.body, f"{prefix}{statement.name}.")
                continue
            if isinstance(statement, ast.Assign):
                targets = [ast.unparse(t) for t in statement.targets]
                value: ast.expr | None = statement.value
            elif isinstance(statement, ast.AnnAssign):
                targets = [ast.unparse(statement.target)]
                value = statement.value
            else:
                continue  # imports, docstrings, functions, control flow
            if (
                value is None
                or targets in (["__all__"], ["__slots__"])
                or _is_type_alias(value)
            ):
                continue
            self.statement = prefix + ", ".join(targets)
            self.expression(value)

    def expression(self, node: ast.expr) -> None:  # noqa: C901, PLR0912
        """Record the mutants of *node* and of everything inside it."""
        if isinstance(node, ast.Attribute) and (
            isinstance(node.value, ast.Name)
            and node.value.id == "Level"
            and node.attr in LEVELS
        ):
            index = LEVELS.index(node.attr)
            for other in (index - 1, index + 1):
                if 0 <= other < len(LEVELS):
                    self.add(node, f"Level.{LEVELS[other]}")
            return
        if isinstance(node, ast.Constant):
            self.constant(node)
            return
        if isinstance(node, ast.Call) and ast.unparse(node.func) in _NOT_TABLES:
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd | ast.BitOr):
            swapped = ast.BinOp(
                node.left,
                ast.BitOr() if isinstance(node.op, ast.BitAnd) else ast.BitAnd(),
                node.right,
            )
            self.add(node, f"({ast.unparse(swapped)})")
            if isinstance(node.op, ast.BitAnd):
                self.add(node, f"({self.text(node.left)})")
                self.add(node, f"({self.text(node.right)})")
        if isinstance(node, ast.Dict):
            for index in range(len(node.keys)):
                keys = node.keys[:index] + node.keys[index + 1 :]
                values = node.values[:index] + node.values[index + 1 :]
                removed = ast.Dict(keys, values)
                shown = (
                    ast.unparse(node.values[index])
                    if node.keys[index] is None
                    else ast.unparse(node.keys[index])
                )
                self.add(node, ast.unparse(removed), f"without entry {shown}")
            statement = self.statement
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None:
                    self.expression(key)
                    self.statement = f"{statement}[{ast.unparse(key)}]"
                self.expression(value)
                self.statement = statement
            return
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and len(node.elts) > 1:
            for index in range(len(node.elts)):
                elts = node.elts[:index] + node.elts[index + 1 :]
                removed: ast.expr = (
                    ast.Set(elts)
                    if isinstance(node, ast.Set)
                    else type(node)(elts, ast.Load())
                )
                text = ast.unparse(removed)
                if isinstance(node, ast.Tuple) and len(elts) == 1:
                    text = f"({text.strip('()')})"
                self.add(node, text, f"without {ast.unparse(node.elts[index])}")
        if isinstance(node, ast.Call):
            for index, keyword in enumerate(node.keywords):
                if keyword.arg is None:
                    continue
                call = ast.Call(
                    node.func,
                    node.args,
                    node.keywords[:index] + node.keywords[index + 1 :],
                )
                self.add(node, ast.unparse(call), f"without {keyword.arg}=")
        if isinstance(node, ast.Lambda):
            self.expression(node.body)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.comprehension):
                self.expression(child.iter)
            elif isinstance(child, ast.expr):
                self.expression(child)

    def constant(self, node: ast.Constant) -> None:
        """Record the mutants of a literal."""
        value = node.value
        if isinstance(value, bool):
            self.add(node, repr(not value))
        elif isinstance(value, int):
            self.add(node, repr(value + 1))
        elif isinstance(value, str):
            self.add(node, repr(f"XX{value}XX"))


def find_mutants(module: str) -> list[Mutant]:
    """Every table mutant of ``ccroles.<module>``, in source order."""
    source = (PACKAGE / f"{module}.py").read_bytes()
    finder = _Finder(module, source)
    finder.statements(ast.parse(source).body)
    return finder.mutants


def run_tests(package_root: Path, tests: list[str]) -> tuple[int, float]:
    """Run *tests* against the package under *package_root*, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(package_root), "FAST": "1"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-cov",
        "-o",
        "filterwarnings=error",
        *tests,
    ]
    start = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, time.monotonic() - start
    return result.returncode, time.monotonic() - start


@dataclass(frozen=True)
class Outcome:
    """What became of one mutant."""

    mutant: Mutant
    status: str  # "killed", "timeout", "survived" or "equivalent"


def run_variants(
    module: str,
    tests: list[str],
    variants: Iterable[tuple[str, bytes]],
    *,
    total: int,
    workers: int = 1,
) -> dict[str, str]:
    """Run *tests* on each changed source of *module*: key to status.

    Each variant is a key and the whole changed module; it replaces the
    module in a copy of the package, imported by a fresh process. The status
    is ``killed``, ``timeout`` or ``survived``. With *workers* above one, as
    many copies run variants side by side (for a machine no one else uses).
    """
    statuses: dict[str, str] = {}
    if not total:
        return statuses
    with tempfile.TemporaryDirectory(prefix="ccroles-mutant-") as folder:
        copies: queue.SimpleQueue[Path] = queue.SimpleQueue()
        for worker in range(workers):
            root = Path(folder) / str(worker)
            shutil.copytree(
                PACKAGE, root / "ccroles", ignore=shutil.ignore_patterns("__pycache__")
            )
            copies.put(root)
        first = copies.get()
        code, _ = run_tests(first, [*tests, str(first / "ccroles" / f"{module}.py")])
        copies.put(first)
        if code != 0:
            msg = f"the tests fail on the unchanged copy of {module} (status {code})"
            raise SystemExit(msg)
        done = itertools.count(1)

        def run(key: str, source: bytes) -> None:
            root = copies.get()
            try:
                target = root / "ccroles" / f"{module}.py"
                target.write_bytes(source)
                code, seconds = run_tests(root, [*tests, str(target)])
            finally:
                copies.put(root)
            status = "timeout" if code == -1 else "killed" if code else "survived"
            statuses[key] = status
            number = next(done)
            print(f"  [{number}/{total}] {status:8} {seconds:5.1f}s  {key}", flush=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(run, key, source) for key, source in variants]:
                future.result()
    return statuses


def run_module(
    module: str, tests: list[str], equivalent: set[str], workers: int = 1
) -> list[Outcome]:
    """Run every table mutant of *module*, skipping the *equivalent* keys."""
    mutants = find_mutants(module)
    source = (PACKAGE / f"{module}.py").read_bytes()
    live = [m for m in mutants if m.key not in equivalent]
    statuses = run_variants(
        module,
        tests,
        ((m.key, m.apply(source)) for m in live),
        total=len(live),
        workers=workers,
    )
    return [Outcome(m, statuses.get(m.key, "equivalent")) for m in mutants]


def main() -> None:
    """List the mutants of the modules named, or run them with --run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=["features"])
    parser.add_argument("--run", action="store_true", help="run the tests too")
    parser.add_argument("--tests", nargs="*", default=["tests"])
    args = parser.parse_args()
    for module in args.modules:
        if args.run:
            for outcome in run_module(module, args.tests, set()):
                if outcome.status == "survived":
                    print(f"SURVIVED {outcome.mutant.key}")
        else:
            for mutant in find_mutants(module):
                print(f"{mutant.line:4} {mutant.key}")


if __name__ == "__main__":
    main()
