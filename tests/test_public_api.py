import ast
import importlib
import inspect
import pickle
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import ccroles

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(ccroles.__path__, "ccroles.")
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
# the Cedar export, an integration used by those who outgrow one process, and
# the portal guards (each framework's guard needs its extra).
OPTIONAL = {
    "ccroles.cli",
    "ccroles.testing",
    "ccroles.sphinxext",
    "ccroles.cedar",
    "ccroles.guards",
    "ccroles.guards.django",
    "ccroles.guards.fastapi",
    "ccroles.guards.flask",
}


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
    """`import ccroles` loads no test, docs, bench tool or web framework (extras)."""
    code = (
        "import sys, ccroles\n"
        "extras = ('hypothesis', 'pytest', 'sphinx', 'tomli_w', 'casbin', 'rules',"
        " 'cedarpy', 'django', 'flask', 'werkzeug', 'fastapi', 'starlette',"
        " 'playwright', 'httpx2')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in extras))\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _error_classes() -> list[type[ccroles.CCRolesError]]:
    """Every error class of the tree, the optional modules' included."""
    for name in MODULES:
        importlib.import_module(name)
    found: list[type[ccroles.CCRolesError]] = []
    pending = [ccroles.CCRolesError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: cls.__name__)


SEQUENCES = {"known", "valid", "allowed", "problems"}


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_pickles_with_its_message_and_facts(
    cls: type[ccroles.CCRolesError],
) -> None:
    """Issue 12: errors round-trip through pickle (multiprocessing, xdist)."""
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in parameters:
        if parameter.default is not parameter.empty or parameter.kind in {
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        }:
            continue
        value: object = ["a", "b"] if parameter.name in SEQUENCES else "x"
        if parameter.kind is parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = value
        else:
            args.append(value)
    error = cls(*args, **kwargs)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)
