"""The ccroles pytest plugin: matrix test files, an account fixture, coverage.

Registered through the ``pytest11`` entry point. It imports only the error
tree of ccroles (:mod:`ccroles.exceptions`) until pytest asks it to collect a
matrix file, load an account or report coverage.

A matrix test file is TOML named ``*.ccroles.toml``::

    format = 1
    roles = "roles.toml"        # optional: custom roles, relative to this file
    account = "account.toml"    # optional: an account file, for [[case]]s

    [matrix]
    "Customer Center" = ["Billing", "Make a Payment", "Print a Statement"]

    [[case]]                    # optional: one login, one feature
    login = "ap@acme.example"
    feature = "Make a Payment"
    allowed = false
    reason = "level_too_low"    # optional: a ReasonCode, any case

Each role under ``[matrix]`` becomes one test item: the role must have the
listed features and **every other feature must be denied**. Roles are the
built-ins, the roles file's and the account's. Each ``[[case]]`` becomes one
item too (``ap@acme.example: Make a Payment``), asked of the account's engine.

The file is read as role and account files are (:mod:`ccroles._matrix_file`:
the same format version, the one converter); one that does not load fails
one item listing every problem, each with its line and key.

The ``ccroles_account`` and ``ccroles_engine`` fixtures give a test the
account (and its engine) of the file named by the test's
``@pytest.mark.ccroles_account("account.toml")`` marker (relative to the test
file) or by ``--ccroles-account FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from ccroles.exceptions import DataFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from _pytest._code.code import TerminalRepr, TracebackStyle

    from ccroles._matrix_file import Case
    from ccroles.accounts import Account
    from ccroles.policy import Engine
    from ccroles.roles import Role
    from ccroles.testing import CellLog

__all__: list[str] = []

_SUFFIX: Final = ".ccroles.toml"
_LOG_KEY: pytest.StashKey[CellLog] = pytest.StashKey()
_ROLES_KEY: pytest.StashKey[dict[str, Role]] = pytest.StashKey()
_ENGINES_KEY: pytest.StashKey[dict[Path, Engine]] = pytest.StashKey()


def _known_roles(config: pytest.Config) -> dict[str, Role]:
    """The roles the pinned matrix files name, by folded name (kept on the config)."""
    return config.stash.setdefault(_ROLES_KEY, {})


def _covered_roles(config: pytest.Config) -> Iterable[Role]:
    """The roles coverage is reported for: those pinned, else the built-ins."""
    known = _known_roles(config)
    if known:
        return known.values()
    from ccroles.roles import BUILTIN_ROLES  # noqa: PLC0415 (lazy)

    return BUILTIN_ROLES


def _remember(config: pytest.Config, roles: Iterable[Role]) -> None:
    """Count *roles* in the coverage report (the first role of a name wins).

    Names compare ignoring case and surrounding white space, as everywhere.
    """
    from ccroles.names import fold  # noqa: PLC0415 (lazy)

    known = _known_roles(config)
    for role in roles:
        known.setdefault(fold(role.name), role)


class MatrixFile(pytest.File):
    """A ``*.ccroles.toml`` file: an item per role and per case, or one failing."""

    def collect(self) -> Iterator[pytest.Item]:
        """Yield the file's items."""
        from ccroles._matrix_file import read_matrix_file  # noqa: PLC0415 (lazy)

        try:
            spec = read_matrix_file(self.path)
        except DataFileError as error:
            yield BrokenMatrixFile.from_parent(self, name="(malformed)", error=error)
            return
        named = (spec.roles.get(row.role) for row in spec.rows)
        _remember(self.config, (role for role in named if role is not None))
        if spec.engine is not None:
            _remember(self.config, _named_roles(spec.engine.account))
        for row in spec.rows:
            yield RoleMatrixItem.from_parent(
                self,
                name=row.role,
                line=row.line,
                roles=spec.roles,
                features=row.features,
            )
        cases = spec.cases if spec.engine is not None else ()  # no account, no case
        for case in cases:
            yield CaseItem.from_parent(
                self,
                name=f"{case.login}: {case.feature}",
                line=case.line,
                case=case,
                engine=spec.engine,
            )


class BrokenMatrixFile(pytest.Item):
    """Stands for a matrix file that could not be read, and fails."""

    def __init__(self, *, error: DataFileError, **kwargs: object) -> None:
        """Keep the error to report."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.error = error

    def runtest(self) -> None:
        """Fail with the file's problem."""
        raise self.error

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        """Show every problem of the file, a line each, not a traceback."""
        del excinfo, style
        return str(self.error)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Point at the file and the line of its first problem."""
        first = self.error.problems[0].line
        line = first - 1 if first is not None else None
        return self.path, line, f"ccroles matrix file {self.path.name}"


class _MatrixFileItem(pytest.Item):
    """An item from a line of a matrix file; fails with that line, not a traceback."""

    kind = "item"

    def __init__(self, *, line: int | None, **kwargs: object) -> None:
        """Keep the line the item comes from."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.line = line
        self.add_marker("ccroles_matrix")

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        """Show the cell table or explanation (or the one-line error)."""
        from ccroles.exceptions import CCRolesError  # noqa: PLC0415 (lazy)
        from ccroles.testing import (  # noqa: PLC0415 (lazy)
            MatrixMismatchError,
            UnexpectedDecisionError,
        )

        expected = MatrixMismatchError | UnexpectedDecisionError | CCRolesError
        if isinstance(excinfo.value, expected):
            where = (
                f"{self.path}:{self.line}" if self.line is not None else str(self.path)
            )
            return f"{where}: {self.kind} {self.name!r}: {excinfo.value}"
        return super().repr_failure(excinfo, style)  # pragma: no cover (pytest's own)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Point at the item's line in the file."""
        line = self.line - 1 if self.line is not None else None
        return self.path, line, f"ccroles {self.kind}: {self.name}"


class RoleMatrixItem(_MatrixFileItem):
    """One role of a matrix file: listed features allowed, every other denied."""

    kind = "role"

    def __init__(
        self,
        *,
        roles: Mapping[str, Role],
        features: tuple[str, ...],
        **kwargs: object,
    ) -> None:
        """Keep the roles the file may name and the expected features."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.roles = roles
        self.features = features

    def runtest(self) -> None:
        """Compare the role's derived features with the expected ones."""
        from ccroles.testing import assert_matrix  # noqa: PLC0415 (lazy)

        role = self.roles[self.name]  # any case; an unknown name raises
        assert_matrix([role], {role.name: self.features})


class CaseItem(_MatrixFileItem):
    """One ``[[case]]`` of a matrix file, asked of its account's engine."""

    kind = "case"

    def __init__(self, *, case: Case, engine: Engine, **kwargs: object) -> None:
        """Keep the case and the engine to ask."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.case = case
        self.engine = engine

    def runtest(self) -> None:
        """Assert the engine's answer (and reason) is the expected one."""
        from ccroles.testing import assert_allows, assert_denies  # noqa: PLC0415

        case = self.case
        if case.allowed:
            assert_allows(self.engine, case.login, case.feature)
        else:
            assert_denies(self.engine, case.login, case.feature, reason=case.reason)


def _named_roles(account: Account) -> list[Role]:
    """The roles the account's logins hold and its custom roles, built-ins first."""
    from ccroles.roles import BUILTIN_ROLES  # noqa: PLC0415 (lazy)

    names: list[str | None] = [role.name for role in account.custom_roles]
    for customer in account.customers:
        names += [customer.role, *(contact.role for contact in customer.contacts)]
    roles = [account.role(name) for name in dict.fromkeys(names) if name is not None]
    return sorted(roles, key=lambda role: role not in BUILTIN_ROLES)


def _engine_of(config: pytest.Config, path: Path) -> Engine:
    """The engine of the account file at *path*, loaded once per run."""
    engines = config.stash.setdefault(_ENGINES_KEY, {})
    path = path.resolve()
    if path not in engines:
        from ccroles.exceptions import CCRolesError  # noqa: PLC0415 (lazy)
        from ccroles.policy import Engine  # noqa: PLC0415 (lazy)
        from ccroles.serialization import load_account  # noqa: PLC0415 (lazy)

        try:
            engines[path] = Engine(load_account(path))
        except CCRolesError as error:
            pytest.fail(str(error), pytrace=False)
        _remember(config, _named_roles(engines[path].account))
    return engines[path]


_NO_ACCOUNT: Final = (
    "the ccroles_account and ccroles_engine fixtures need an account file: mark "
    'the test with @pytest.mark.ccroles_account("account.toml") (relative to the '
    "test file) or run pytest with --ccroles-account FILE"
)


@pytest.fixture
def ccroles_engine(request: pytest.FixtureRequest) -> Engine:
    """The engine of the account file the test names.

    The file is named by the test's ``@pytest.mark.ccroles_account(PATH)``
    marker (relative to the test file), or else by ``--ccroles-account FILE``
    (relative to where pytest runs). Each file is loaded once per run.
    """
    marker = request.node.get_closest_marker("ccroles_account")
    if marker is not None:
        if len(marker.args) != 1 or not isinstance(marker.args[0], str | Path):
            pytest.fail(
                f"ccroles_account takes one path, got {marker.args!r}", pytrace=False
            )
        path = request.node.path.parent / marker.args[0]
    else:
        option = request.config.getoption("ccroles_account")
        if option is None:
            pytest.fail(_NO_ACCOUNT, pytrace=False)
        path = request.config.invocation_params.dir / option
    return _engine_of(request.config, path)


@pytest.fixture
def ccroles_account(ccroles_engine: Engine) -> Account:
    """The account of the file the test names (see ``ccroles_engine``)."""
    return ccroles_engine.account


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``ccroles`` option group."""
    group = parser.getgroup("ccroles", "ccroles role matrices")
    group.addoption(
        "--ccroles-coverage",
        action="store_true",
        default=False,
        help="report the role x feature cells that no test asserted, for the "
        "roles the matrix and account files name",
    )
    group.addoption(
        "--ccroles-account",
        metavar="FILE",
        default=None,
        help="the account file for the ccroles_account and ccroles_engine fixtures",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers; start recording cells when coverage is asked for."""
    config.addinivalue_line(
        "markers", "ccroles_matrix: an item generated from a *.ccroles.toml matrix file"
    )
    config.addinivalue_line(
        "markers",
        "ccroles_account(path): the account file for the ccroles_account and "
        "ccroles_engine fixtures, relative to the test file",
    )
    if config.getoption("ccroles_coverage"):
        from ccroles.testing import recording_cells  # noqa: PLC0415 (lazy)

        recorder = recording_cells()
        config.stash[_LOG_KEY] = recorder.__enter__()
        config.add_cleanup(recorder.__exit__)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> MatrixFile | None:
    """Collect ``*.ccroles.toml`` files."""
    if file_path.name.endswith(_SUFFIX):
        return MatrixFile.from_parent(parent, path=file_path)
    return None


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the cells no test asserted, when ``--ccroles-coverage`` is given."""
    log = config.stash.get(_LOG_KEY, None)
    if log is None:
        return
    from ccroles.render import text_table  # noqa: PLC0415 (lazy)

    cells = log.unasserted(_covered_roles(config))
    terminalreporter.section("ccroles matrix coverage")
    if not cells:
        terminalreporter.write_line("every role x feature cell was asserted")
        return
    terminalreporter.write_line(f"{len(cells)} role x feature cells no test asserted:")
    terminalreporter.write_line(
        text_table(["role", "feature"], [list(c) for c in cells])
    )
