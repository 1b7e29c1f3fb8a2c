import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
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


# Modules whose names stay in their module: the command line, the ones that
# need an optional extra (Hypothesis, Sphinx), which `import ccroles` must not,
# and the Cedar export, an integration used by those who outgrow one process.
OPTIONAL = {"ccroles.cli", "ccroles.testing", "ccroles.sphinxext", "ccroles.cedar"}


@pytest.mark.parametrize("name", sorted(set(MODULES) - OPTIONAL))
def test_package_reexports_every_public_name(name: str) -> None:
    """ccroles.__all__ re-exports each library module's names."""
    module = importlib.import_module(name)
    assert set(module.__all__) <= set(ccroles.__all__)


def test_package_all_is_defined_and_unique() -> None:
    """Every name of ccroles.__all__ exists, once."""
    for attr in ccroles.__all__:
        assert hasattr(ccroles, attr)
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


def test_importing_ccroles_needs_only_the_runtime_dependencies() -> None:
    """`import ccroles` loads no test, docs or bench tool (they are extras)."""
    code = (
        "import sys, ccroles\n"
        "extras = ('hypothesis', 'pytest', 'sphinx', 'tomli_w', 'casbin', 'rules',"
        " 'cedarpy')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in extras))\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
