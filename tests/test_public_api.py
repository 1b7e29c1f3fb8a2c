import ast
import importlib
import inspect
import pickle
import pkgutil
import re
import subprocess
import sys
from copy import deepcopy
from pathlib import Path

import attrs
import pytest

import ccroles
from ccroles import exceptions
from ccroles._exports import EXPORTS, INIT, MODULE_OF, block_text, with_block

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(ccroles.__path__, "ccroles.")
    if not name.rsplit(".", 1)[1].startswith("_")
)


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    """Every public module's __all__ is exactly its public, locally defined names.

    A package's names are also those it imports from its own modules (the
    ``ccroles.cedar`` and ``ccroles.cli`` packages are the homes of what their
    private modules define).
    """
    module = importlib.import_module(name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    defined: set[str] = set()
    own = f"{name}." if Path(module.__file__).name == "__init__.py" else None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.ImportFrom) and own and node.module:
            if node.module.startswith(own):
                defined.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom) and f"{node.module}".startswith(
            f"{name}._"
        ):  # a package shows the names of its private modules as its own
            defined.update(alias.asname or alias.name for alias in node.names)
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


def test_package_names_come_from_the_one_table() -> None:
    """__all__ is the table's names, each listed once under one reader's topic."""
    listed = [
        name
        for topics in EXPORTS.values()
        for modules in topics.values()
        for names in modules.values()
        for name in names
    ]
    assert sorted(listed) == ccroles.__all__
    assert len(set(listed)) == len(listed)


def test_the_type_checking_imports_are_generated_from_the_table() -> None:
    """The block is stale when it differs from `python -m ccroles._exports`."""
    text = INIT.read_text(encoding="utf-8")
    assert with_block(text) == text
    assert block_text() in text


def test_the_command_writes_the_file_with_the_block(tmp_path: Path) -> None:
    """`python -m ccroles._exports PATH` writes what the freshness test expects."""
    written = tmp_path / "__init__.py"
    subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "ccroles._exports", str(written)], check=True
    )
    assert written.read_text(encoding="utf-8") == INIT.read_text(encoding="utf-8")


def test_a_file_without_the_markers_is_refused() -> None:
    """The block is only ever written between its two marker lines."""
    with pytest.raises(ValueError, match="marker lines are missing"):
        with_block("TYPE_CHECKING = False\n")


def test_type_checkers_see_each_name_from_its_module() -> None:
    """The type-checking block imports every top-level name from its module."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    (block,) = [node for node in tree.body if isinstance(node, ast.If)]
    imported = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == alias.name
    }
    assert imported == MODULE_OF


@pytest.mark.parametrize("attr", ccroles.__all__)
def test_each_package_name_is_its_modules_documented_export(attr: str) -> None:
    """A top-level name is its module's object, in its __all__, documented."""
    module = importlib.import_module(MODULE_OF[attr])
    assert attr in module.__all__
    value = getattr(ccroles, attr)
    assert value is getattr(module, attr)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"ccroles.{attr} has no docstring"


def _returned_types(value: object) -> set[str]:
    """The names in the return annotations of *value* and its public members."""
    functions = [value] if inspect.isfunction(value) else []
    if inspect.isclass(value):
        for attr, member in vars(value).items():
            if attr.startswith("_"):
                continue
            function = member.fget if isinstance(member, property) else member
            if inspect.isfunction(function):
                functions.append(function)
    found: set[str] = set()
    for function in functions:
        annotation = function.__annotations__.get("return", "")
        found.update(re.findall(r"\b[A-Z]\w*", str(annotation)))
    return found


def test_every_type_a_portal_receives_is_top_level() -> None:
    """What a top-level function or method returns can be imported beside it."""
    public: dict[str, object] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            public.setdefault(attr, getattr(module, attr))
    missing = {
        f"{attr} returns {returned}"
        for attr in ccroles.__all__
        for returned in _returned_types(getattr(ccroles, attr))
        if inspect.isclass(public.get(returned))
        and getattr(public[returned], "__module__", "").startswith("ccroles")
        and returned not in ccroles.__all__
    }
    assert sorted(missing) == []


def test_every_error_the_guides_name_is_top_level() -> None:
    """An error the README or a docs page names is `from ccroles import`-able."""
    root = Path(__file__).resolve().parents[1]
    pages = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    named = {
        name
        for page in pages
        for name in re.findall(r"\b([A-Z]\w+Error)\b", page.read_text("utf-8"))
        if isinstance(getattr(exceptions, name, None), type)
    }
    assert named
    assert sorted(named - set(ccroles.__all__)) == []


def test_package_names_are_listed_by_dir_and_unknown_ones_refused() -> None:
    """dir() lists every top-level name; a name not in __all__ does not resolve."""
    assert set(ccroles.__all__) <= set(dir(ccroles))
    assert "__getattr__" in dir(ccroles)
    with pytest.raises(AttributeError, match="no attribute 'text_table'"):
        ccroles.text_table  # noqa: B018


def test_package_all_is_curated() -> None:
    """Helpers stay in their modules (issue 12): not one of them is top level."""
    helpers = {"Grants", "Shortfall", "Unmet", "LevelsInput", "text_table"}
    helpers |= {"CSV_COLUMNS", "MATRIX_BEGIN", "DEFAULT_SCRYPT", "READABLE_VERSIONS"}
    assert not helpers & set(ccroles.__all__)
    assert len(ccroles.__all__) == 113


def test_api_page_lists_the_package_names_from_the_table() -> None:
    """docs/api.md renders each reader's names from the table, none by hand."""
    page = Path(__file__).resolve().parents[1] / "docs" / "api.md"
    text = page.read_text(encoding="utf-8")
    top = text[text.index("## The top level") : text.index("(vocabulary)=")]
    rendered = re.findall(r"```\{ccroles-exports\} (.+)\n```", top)
    assert rendered == list(EXPORTS)
    assert all(f"### For a {reader}" in top for reader in rendered)
    assert not re.findall(r"`~?ccroles\.[a-z_]+\.(\w+)`", top)


def _loaded_after(statement: str) -> list[str]:
    """The ccroles modules a fresh interpreter has loaded after *statement*."""
    code = (
        f"import sys\n{statement}\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('ccroles'))))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_import_ccroles_loads_no_module_of_it() -> None:
    """Issue 14: `import ccroles` loads only the package, not one module."""
    assert _loaded_after("import ccroles") == ["ccroles"]


def test_the_pytest_plugin_loads_only_the_error_tree() -> None:
    """Issue 12: pytest starts without ccroles; a matrix file loads the rest."""
    loaded = _loaded_after("import ccroles._pytest_plugin")
    assert loaded == ["ccroles", "ccroles._pytest_plugin", "ccroles.exceptions"]


def test_a_name_loads_only_what_it_needs() -> None:
    """Issue 14: the engine needs no renderer, file reader, access or sign-in."""
    loaded = _loaded_after("from ccroles import Engine")
    assert "ccroles.policy" in loaded
    unneeded = {"render", "serialization", "converter", "formats", "writing"}
    unneeded |= {"access", "access_csv", "signin", "signin_store"}
    unneeded |= {"signin_rules", "signin_store_sqlite", "_sql_store"}
    assert not {f"ccroles.{name}" for name in unneeded} & set(loaded)


def test_check_loads_no_module_it_does_not_use() -> None:
    """Issue 14: `ccroles check` loads no renderer, CSV import, Cedar or sign-in."""
    code = (
        "import sys\n"
        "from ccroles.cli import main\n"
        "status = main(['check', 'examples/account.toml', 'ap@acme.example',"
        " 'Make a Payment'])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('ccroles'))))"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    assert result.stdout.startswith("allowed\n")
    loaded = set(result.stdout.split())
    assert "ccroles.policy" in loaded
    unneeded = {"render", "access", "access_csv", "cedar", "signin", "signin_store"}
    unneeded |= {"signin_rules", "signin_store_sqlite", "_sql_store"}
    assert not {f"ccroles.{name}" for name in unneeded} & loaded


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
def test_every_error_pickles_and_copies_with_its_message_and_facts(
    cls: type[ccroles.CCRolesError],
) -> None:
    """Errors round-trip through pickle (multiprocessing, xdist) and deepcopy."""
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
    for copy in (pickle.loads(pickle.dumps(error)), deepcopy(error)):  # noqa: S301
        assert type(copy) is cls
        assert str(copy) == str(error)
        assert copy.args == error.args
        assert vars(copy) == vars(error)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_is_declared_with_attrs(cls: type[ccroles.CCRolesError]) -> None:
    """Issue 12: errors are attrs classes (facts as fields), the root aside."""
    assert attrs.has(cls) is (cls is not ccroles.CCRolesError)
    assert issubclass(cls, Exception)


def test_exceptions_import_nothing_of_ccroles() -> None:
    """Issue 12: the error tree is the bottom layer of the import graph."""
    assert exceptions.__file__ is not None
    tree = ast.parse(Path(exceptions.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    }
    assert not {name for name in imported if name.split(".")[0] == "ccroles"}


def test_an_errors_repr_shows_its_facts_but_not_the_known_names() -> None:
    """repr() names the class and facts; the catalogue looked in is left out."""
    error = exceptions.UnknownRoleError("Byer", ["Buyer", "Auditor"])
    expected = "UnknownRoleError(name='Byer', suggestion='Buyer', kind='role')"
    assert repr(error) == expected
    assert repr(ccroles.CCRolesError("plain")) == "CCRolesError('plain')"
