"""The import graph of ccroles has no circle (issue 12).

Every import counts: at module level, under ``if TYPE_CHECKING:`` and inside a
function. The package's lazy ``__getattr__`` imports modules by name (not an
import statement), so only its ``TYPE_CHECKING`` imports are edges: no module
imports the package back.
"""

import ast
from pathlib import Path

import pytest

import ccroles

PACKAGE = Path(ccroles.__file__).parent

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """The dotted name of the module at *path* in the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The dotted names *node* imports: modules, or a module and names from it."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        parent = parts[: len(parts) - node.level + 1]
        base = ".".join([*parent, *([node.module] if node.module else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def edges(source: str, name: str, package: str, modules: set[str]) -> set[str]:
    """The modules of *modules* that the code *source* of module *name* imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(t for t in imported(node, package) if t in modules)
        elif isinstance(node, ast.ImportFrom):
            base, *names = imported(node, package)
            submodules = {t for t in names if t in modules}
            # `from ccroles import roles` imports a module; `from x import Y`, x
            found.update(submodules or ({base} & modules))
    return found - {name}


def import_graph() -> Graph:
    """Each ccroles module and the ccroles modules it imports, anywhere in it."""
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph: Graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        source = path.read_text(encoding="utf-8")
        graph[name] = edges(source, name, package, modules)
    return graph


def circle(graph: Graph) -> list[str] | None:
    """A circle of imports in *graph* (its modules, the first repeated), or ``None``."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                done.add(path.pop())
                stack.pop()
            elif following in path:
                return [*path[path.index(following) :], following]
            elif following not in done:
                path.append(following)
                stack.append(iter(sorted(graph[following])))
    return None


def test_no_module_imports_in_a_circle() -> None:
    """No ccroles module imports itself through others, even lazily."""
    assert circle(import_graph()) is None


def test_the_graph_sees_every_kind_of_import() -> None:
    """Module-level, relative, type-only and function-level imports are edges."""
    source = """
from typing import TYPE_CHECKING
import ccroles.names
from . import exceptions
if TYPE_CHECKING:
    from ccroles.features import Feature
def f():
    from ccroles.roles import Role
"""
    modules = {f"ccroles.{m}" for m in ("names", "exceptions", "features", "roles")}
    assert edges(source, "ccroles.x", "ccroles", modules) == modules


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
        ({"a": set()}, None),
    ],
)
def test_a_circle_is_found_when_there_is_one(
    graph: Graph, expected: list[str] | None
) -> None:
    """The search finds a circle, and none in a graph without one."""
    assert circle(graph) == expected
