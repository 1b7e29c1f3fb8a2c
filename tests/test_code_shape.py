"""The code stays in pieces a reader can hold: sizes, complexity, seams.

Each module of the package is one concept, so it stays short; a class or a
function that grows past these limits holds two things and is cut where they
part. The limits, checked on every module of ``src/ccroles``:

- a module has at most 700 lines (``exceptions.py`` excepted: its fifty-odd
  small classes are one tree, read as one page, as attrs and cattrs keep
  theirs);
- a class has at most 300 lines, from its ``class`` line to its last;
- a function or method has a cyclomatic complexity of at most 15;
- radon's maintainability index rates every module A;
- no module imports another module's private name: what two modules share
  is a public name of the module that owns it.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.metrics import mi_rank, mi_visit

import ccroles

PACKAGE = Path(ccroles.__file__).parent
ROOT = PACKAGE.parent.parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 700
MAX_CLASS_LINES = 300
MAX_COMPLEXITY = 15
LONG_BY_DESIGN = {"exceptions.py"}


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_fits_the_limits(path: Path) -> None:
    """Lines, class sizes, complexity and maintainability of one module."""
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n")
    if _name(path) not in LONG_BY_DESIGN:
        assert lines <= MAX_MODULE_LINES, f"{lines} lines"
    classes = {
        node.name: node.end_lineno - node.lineno + 1  # type: ignore[operator]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
    }
    assert {
        name: size for name, size in classes.items() if size > MAX_CLASS_LINES
    } == {}
    complex_ = {
        block.fullname: block.complexity
        for block in cc_visit(source)
        if block.complexity > MAX_COMPLEXITY
    }
    assert complex_ == {}
    index = mi_visit(source, multi=True)
    assert mi_rank(index) == "A", f"maintainability index {index:.1f}"


def _sources() -> list[Path]:
    """Every Python file of the project: the package, tests, examples, tools."""
    folders = ["src", "tests", "examples", "benchmarks", "mutation", "docs"]
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "_build" not in path.parts
    )


def _is_module(name: str) -> bool:
    """Whether *name* is a module (a private module's public names are shared)."""
    package = name.rpartition(".")[0]
    spec = importlib.util.find_spec(package)
    return (
        spec is not None
        and spec.submodule_search_locations is not None
        and importlib.util.find_spec(name) is not None
    )


def _private_imports(path: Path) -> list[str]:
    """``from ccroles.x import _name`` in *path*, outside x's own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(ROOT).with_suffix("").parts
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if not node.module.startswith("ccroles"):
            continue
        package = node.module.rsplit(".", 1)[0] if "." in node.module else ""
        inside = ".".join(here[1:-1]) == package if here[0] == "src" else False
        found += [
            f"{node.module}.{alias.name}"
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")
            if not inside and not _is_module(f"{node.module}.{alias.name}")
        ]
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    """What two modules share is public in the module that owns it."""
    found = {
        path.relative_to(ROOT).as_posix(): names
        for path in _sources()
        if (names := _private_imports(path))
    }
    assert found == {}
