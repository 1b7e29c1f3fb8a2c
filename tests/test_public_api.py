import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import ccroles

MODULES = sorted(
    name
    for _, name, _ in pkgutil.iter_modules(ccroles.__path__, "ccroles.")
    if not name.rsplit(".", 1)[1].startswith("_")
)


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    """Every public module's __all__ is exactly its public, locally defined names."""
    module = importlib.import_module(name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
    public = {attr for attr in defined if not attr.startswith("_")}
    assert sorted(public) == sorted(module.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_public_names_are_documented(name: str) -> None:
    """Every exported class and function has a docstring."""
    module = importlib.import_module(name)
    for attr in module.__all__:
        value = getattr(module, attr)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{attr} has no docstring"


def test_package_reexports_every_public_name_of_the_core() -> None:
    """ccroles.__all__ re-exports the core modules' names and nothing undefined."""
    for attr in ccroles.__all__:
        assert hasattr(ccroles, attr)
    core = ["exceptions", "features", "permissions", "render", "roles"]
    for name in core:
        module = importlib.import_module(f"ccroles.{name}")
        assert set(module.__all__) <= set(ccroles.__all__), name
    assert sorted(ccroles.__all__) == sorted(set(ccroles.__all__))


def test_testing_strategies_build_what_they_say() -> None:
    """Capability sets and permission keys come from the model."""
    from hypothesis import given  # noqa: PLC0415

    from ccroles import PERMISSIONS, Capability  # noqa: PLC0415
    from ccroles.testing import capability_sets, permission_keys  # noqa: PLC0415

    @given(permission_keys(), capability_sets(), capability_sets(within=frozenset()))
    def check(
        key: str, any_set: frozenset[Capability], empty: frozenset[Capability]
    ) -> None:
        assert key in PERMISSIONS
        assert any_set <= set(Capability)
        assert empty == frozenset()

    check()
