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

The ``ccroles_account`` and ``ccroles_engine`` fixtures give a test the
account (and its engine) of the file named by the test's
``@pytest.mark.ccroles_account("account.toml")`` marker (relative to the test
file) or by ``--ccroles-account FILE``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
import pytest

from ccroles.exceptions import MatrixFileError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from _pytest._code.code import TerminalRepr, TracebackStyle

    from ccroles.accounts import Account
    from ccroles.decisions import ReasonCode
    from ccroles.policy import Engine
    from ccroles.roles import Role
    from ccroles.testing import CellLog

__all__: list[str] = []

FORMAT_VERSION: Final = 1
_SUFFIX: Final = ".ccroles.toml"
_LOG_KEY: pytest.StashKey[CellLog] = pytest.StashKey()
_ROLES_KEY: pytest.StashKey[dict[str, Role]] = pytest.StashKey()
_ENGINES_KEY: pytest.StashKey[dict[Path, Engine]] = pytest.StashKey()
_CASE_KEYS: Final = ("login", "feature", "allowed", "reason")


@attrs.frozen
class _Case:
    """One ``[[case]]``: what the engine must answer one login for one feature."""

    login: str
    feature: str
    allowed: bool
    reason: ReasonCode | None
    line: int | None


@attrs.frozen
class _MatrixSpec:
    """A parsed matrix test file."""

    matrix: Mapping[str, tuple[str, ...]]
    roles: str | None = None
    account: str | None = None
    cases: tuple[_Case, ...] = ()


def _raise_any(found: list[MatrixFileError]) -> None:
    """Raise the first problem found, carrying the others."""
    if found:
        first = found[0]
        first.others = tuple(found[1:])
        raise first


def _line_of(text: str, key: str) -> int | None:
    """The first line that assigns or opens *key*, bare or quoted (1-based)."""
    pattern = re.compile(
        rf"""^[ \t]*(\[+[ \t]*)?(["']?){re.escape(key)}\2[ \t]*(=|\])""", re.MULTILINE
    )
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _case_lines(text: str) -> list[int]:
    """The line of each ``[[case]]`` header, in order."""
    pattern = re.compile(r"""^[ \t]*\[\[[ \t]*(["']?)case\1[ \t]*\]\]""", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


@attrs.frozen
class _Source:
    """A matrix file's path and text, to point errors at a key's line."""

    path: Path
    text: str

    def error(
        self, key: str, problem: str, *, line_key: str | None = None
    ) -> MatrixFileError:
        """The error for *key*, at the line of *line_key* (or of *key*)."""
        line = _line_of(self.text, line_key or key)
        return MatrixFileError(self.path, line, key, problem)


def _parse_case(
    source: _Source,
    index: int,
    entry: object,
    lines: tuple[int, int | None],
    found: list[MatrixFileError],
) -> _Case | None:
    """Check one ``[[case]]`` entry, which spans *lines* (first, next's first).

    Every problem is noted in *found*; a case with any gives ``None``.
    """
    header, end = lines
    below = source.text.splitlines(keepends=True)[header - 1 :]
    block = "".join(below if end is None else below[: end - header])

    def fail(key: str, problem: str) -> MatrixFileError:
        found = _line_of(block, key)
        line = header if found is None else header + found - 1
        return MatrixFileError(source.path, line, f"case[{index}].{key}", problem)

    if not isinstance(entry, dict):
        found.append(
            MatrixFileError(
                source.path, header, f"case[{index}]", "expected a [[case]] table"
            )
        )
        return None
    before = len(found)
    for key in entry:
        if key not in _CASE_KEYS:
            known = ", ".join(_CASE_KEYS)
            found.append(fail(key, f"unknown key; expected one of {known}"))
    login, feature = entry.get("login"), entry.get("feature")
    allowed, reason = entry.get("allowed"), entry.get("reason")
    if not isinstance(login, str) or not login.strip():
        found.append(fail("login", f"expected the login's email, got {login!r}"))
    if not isinstance(feature, str):
        found.append(fail("feature", f"expected a feature name, got {feature!r}"))
    if not isinstance(allowed, bool):
        found.append(fail("allowed", f"expected true or false, got {allowed!r}"))
    code = _reason(reason, allowed=allowed is True, fail=fail, found=found)
    if len(found) > before or not isinstance(login, str):
        return None
    return _Case(login, str(feature), allowed is True, code, header)


def _reason(
    reason: object,
    *,
    allowed: bool,
    fail: Callable[[str, str], MatrixFileError],
    found: list[MatrixFileError],
) -> ReasonCode | None:
    """The reason code a case names, by name or value, in any case."""
    if reason is None:
        return None
    if allowed or not isinstance(reason, str):
        message = "expected a reason code's name, with allowed = false"
        found.append(fail("reason", message))
        return None
    from ccroles.decisions import ReasonCode  # noqa: PLC0415 (lazy)

    code = ReasonCode.__members__.get(reason.strip().upper())
    if code is None:
        valid = ", ".join(code.value for code in ReasonCode)
        message = f"unknown reason code {reason!r}; expected one of {valid}"
        found.append(fail("reason", message))
    return code


_KEYS: Final = ("format", "roles", "account", "matrix", "case")


def _toml(source: _Source) -> dict[str, object]:
    """The file's table; a syntax error points at its line."""
    try:
        return tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        from ccroles.formats import syntax_problem  # noqa: PLC0415 (lazy)

        line = syntax_problem(error, source.text, str(source.path)).line
        raise MatrixFileError(source.path, line, "(syntax)", str(error)) from None


def _check_top_level(
    source: _Source, data: dict[str, object], found: list[MatrixFileError]
) -> None:
    """Known keys only, the format version, and paths that are strings."""
    for key in data:
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            found.append(source.error(key, f"unknown key; expected one of {known}"))
    if data.get("format") != FORMAT_VERSION:
        written = data.get("format")
        message = f"expected format = {FORMAT_VERSION}, got {written!r}"
        found.append(source.error("format", message))
    for key in ("roles", "account"):
        if key in data and not isinstance(data[key], str):
            message = f"expected the path of a file, got {data[key]!r}"
            found.append(source.error(key, message))


def _parse_cases(
    source: _Source, data: dict[str, object], found: list[MatrixFileError]
) -> tuple[_Case, ...]:
    cases = data.get("case", [])
    if not isinstance(cases, list):
        found.append(source.error("case", "expected [[case]] tables"))
        return ()
    if cases and "account" not in data:
        message = 'a case is asked of an account: add account = "FILE"'
        found.append(source.error("case", message))
        return ()
    if not cases:
        return ()
    starts = _case_lines(source.text)
    if len(starts) != len(cases):  # written inline: case = [{...}, ...]
        line = _line_of(source.text, "case") or 1
        spans: list[tuple[int, int | None]] = [(line, line)] * len(cases)
    else:
        spans = list(zip(starts, [*starts[1:], None], strict=True))
    parsed = [
        _parse_case(source, index, entry, span, found)
        for index, (entry, span) in enumerate(zip(cases, spans, strict=True))
    ]
    return tuple(case for case in parsed if case is not None)


def _parse_matrix(
    source: _Source,
    data: dict[str, object],
    found: list[MatrixFileError],
    *,
    has_cases: bool,
) -> dict[str, tuple[str, ...]]:
    matrix = data.get("matrix", {})
    if not isinstance(matrix, dict) or not (matrix or has_cases):
        message = (
            "expected a [matrix] table mapping role names to features, "
            "or [[case]] tables"
        )
        found.append(source.error("matrix", message))
        return {}
    parsed: dict[str, tuple[str, ...]] = {}
    for role, features in matrix.items():
        if not isinstance(features, list) or not all(
            isinstance(f, str) for f in features
        ):
            message = "expected a list of feature names"
            found.append(source.error(f"matrix.{role}", message, line_key=role))
        else:
            parsed[role] = tuple(features)
    return parsed


def _parse(source: _Source) -> _MatrixSpec:
    """Read the file whole; every problem found is raised together."""
    data = _toml(source)
    found: list[MatrixFileError] = []
    _check_top_level(source, data, found)
    cases = _parse_cases(source, data, found)
    has_cases = bool(cases) or bool(data.get("case"))
    matrix = _parse_matrix(source, data, found, has_cases=has_cases)
    _raise_any(found)
    roles, account = data.get("roles"), data.get("account")
    return _MatrixSpec(
        matrix=matrix,
        roles=roles if isinstance(roles, str) else None,
        account=account if isinstance(account, str) else None,
        cases=cases,
    )


def _known_roles(config: pytest.Config) -> dict[str, Role]:
    """Every role seen, by name: the built-ins first (kept on the config)."""
    if _ROLES_KEY not in config.stash:
        from ccroles.roles import BUILTIN_ROLES  # noqa: PLC0415 (lazy)

        config.stash[_ROLES_KEY] = {role.name: role for role in BUILTIN_ROLES}
    return config.stash[_ROLES_KEY]


def _remember(config: pytest.Config, roles: Iterable[Role]) -> None:
    """Count *roles* in the coverage report (the first role of a name wins)."""
    known = _known_roles(config)
    for role in roles:
        known.setdefault(role.name, role)


def _load(
    source: _Source, spec: _MatrixSpec
) -> tuple[Mapping[str, Role], Engine | None]:
    """The roles a matrix file may name, and the engine of its account."""
    from ccroles.exceptions import CCRolesError  # noqa: PLC0415 (lazy)
    from ccroles.names import fold  # noqa: PLC0415 (lazy)
    from ccroles.policy import Engine  # noqa: PLC0415 (lazy)
    from ccroles.roles import BUILTIN_ROLES, RoleCatalogue  # noqa: PLC0415 (lazy)
    from ccroles.serialization import load_account, load_roles  # noqa: PLC0415 (lazy)

    folder = source.path.parent
    roles = {fold(role.name): role for role in BUILTIN_ROLES}
    engine = None
    if spec.account is not None:
        try:
            engine = Engine(load_account(folder / spec.account))
        except CCRolesError as error:
            raise source.error("account", str(error)) from None
        roles.update((fold(role.name), role) for role in engine.account.roles)
    if spec.roles is not None:
        try:
            custom = load_roles(folder / spec.roles)
        except CCRolesError as error:
            raise source.error("roles", str(error)) from None
        for role in custom:
            if roles.setdefault(fold(role.name), role) != role:
                raise source.error(
                    "roles",
                    f"role {role.name!r} differs from the account's role of that name",
                )
    return RoleCatalogue(roles.values()), engine


class MatrixFile(pytest.File):
    """A ``*.ccroles.toml`` file: an item per role and per case, or one failing."""

    def collect(self) -> Iterator[pytest.Item]:
        """Yield the file's items."""
        text = self.path.read_text(encoding="utf-8")
        try:
            source = _Source(self.path, text)
            spec = _parse(source)
            roles, engine = _load(source, spec)
        except MatrixFileError as error:
            yield BrokenMatrixFile.from_parent(self, name="(malformed)", error=error)
            return
        _remember(self.config, roles.values())
        cases = spec.cases if engine is not None else ()  # _parse: no account, no case
        for role, features in spec.matrix.items():
            yield RoleMatrixItem.from_parent(
                self,
                name=role,
                line=_line_of(text, role),
                roles=roles,
                features=features,
            )
        for case in cases:
            yield CaseItem.from_parent(
                self,
                name=f"{case.login}: {case.feature}",
                line=case.line,
                case=case,
                engine=engine,
            )


class BrokenMatrixFile(pytest.Item):
    """Stands for a matrix file that could not be read, and fails."""

    def __init__(self, *, error: MatrixFileError, **kwargs: object) -> None:
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
        return "\n".join(map(str, (self.error, *self.error.others)))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Point at the file and line."""
        line = self.error.line - 1 if self.error.line is not None else None
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

    def __init__(self, *, case: _Case, engine: Engine, **kwargs: object) -> None:
        """Keep the case and the engine to ask."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.case = case
        self.engine = engine

    def runtest(self) -> None:
        """Assert the engine's answer (and reason) is the expected one."""
        from ccroles.testing import assert_allowed, assert_denied  # noqa: PLC0415

        case = self.case
        if case.allowed:
            assert_allowed(self.engine, case.login, case.feature)
        else:
            assert_denied(self.engine, case.login, case.feature, reason=case.reason)


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
        _remember(config, engines[path].account.roles)
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
        help="report the role x feature cells that no test asserted",
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

    cells = log.unasserted(_known_roles(config).values())
    terminalreporter.section("ccroles matrix coverage")
    if not cells:
        terminalreporter.write_line("every role x feature cell was asserted")
        return
    terminalreporter.write_line(f"{len(cells)} role x feature cells no test asserted:")
    terminalreporter.write_line(
        text_table(["role", "feature"], [list(c) for c in cells])
    )
