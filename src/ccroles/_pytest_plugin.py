"""The ccroles pytest plugin: matrix test files and a matrix coverage report.

Registered through the ``pytest11`` entry point. It imports nothing of ccroles
until pytest asks it to collect a matrix file or report coverage.

A matrix test file is TOML named ``*.ccroles.toml``::

    format = 1
    # roles = "roles.toml"      # optional: custom roles, relative to this file

    [matrix]
    "Customer Center" = ["Billing", "Make a Payment", "Print a Statement"]

Each role under ``[matrix]`` becomes one test item: the role must have the
listed features and **every other feature must be denied**.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Final

import attrs
import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from _pytest._code.code import TerminalRepr, TracebackStyle

    from ccroles.roles import Role
    from ccroles.testing import CellLog

__all__: list[str] = []

FORMAT_VERSION: Final = 1
_SUFFIX: Final = ".ccroles.toml"
_LOG_KEY: pytest.StashKey[CellLog] = pytest.StashKey()
_ROLES_KEY: pytest.StashKey[dict[str, Role]] = pytest.StashKey()


@attrs.frozen
class _MatrixSpec:
    """A parsed matrix test file."""

    matrix: Mapping[str, tuple[str, ...]]
    roles: str | None = None


class MatrixFileError(Exception):
    """A matrix test file that cannot be read; says file, line and key."""

    def __init__(self, path: Path, line: int | None, key: str, problem: str) -> None:
        """Keep the facts and build the one-line message."""
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {key}: {problem}")


def _line_of(text: str, key: str) -> int | None:
    """The first line that assigns or opens *key*, bare or quoted (1-based)."""
    pattern = re.compile(
        rf"""^\s*(\[+\s*)?(["']?){re.escape(key)}\2\s*(=|\])""", re.MULTILINE
    )
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _error_line(error: tomllib.TOMLDecodeError, text: str) -> int:
    """The line tomllib's message points at (its text is all Python 3.11 gives)."""
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else max(1, len(text.splitlines()))


def _parse(path: Path) -> _MatrixSpec:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MatrixFileError(
            path, _error_line(error, text), "(syntax)", str(error)
        ) from None

    def fail(key: str, problem: str, *, line_key: str | None = None) -> MatrixFileError:
        return MatrixFileError(path, _line_of(text, line_key or key), key, problem)

    allowed = {"format", "roles", "matrix"}
    for key in data:
        if key not in allowed:
            raise fail(
                key, f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )
    if data.get("format") != FORMAT_VERSION:
        raise fail(
            "format", f"expected format = {FORMAT_VERSION}, got {data.get('format')!r}"
        )
    roles = data.get("roles")
    if roles is not None and not isinstance(roles, str):
        raise fail("roles", f"expected the path of a roles file, got {roles!r}")
    matrix = data.get("matrix")
    if not isinstance(matrix, dict) or not matrix:
        raise fail("matrix", "expected a [matrix] table mapping role names to features")
    parsed: dict[str, tuple[str, ...]] = {}
    for role, features in matrix.items():
        if not isinstance(features, list) or not all(
            isinstance(f, str) for f in features
        ):
            raise fail(
                f"matrix.{role}", "expected a list of feature names", line_key=role
            )
        parsed[role] = tuple(features)
    return _MatrixSpec(matrix=parsed, roles=roles)


def _known_roles(config: pytest.Config) -> dict[str, Role]:
    """The built-in roles, by name (cached on the config)."""
    if _ROLES_KEY not in config.stash:
        from ccroles.roles import BUILTIN_ROLES  # noqa: PLC0415 (lazy)

        config.stash[_ROLES_KEY] = {role.name: role for role in BUILTIN_ROLES}
    return config.stash[_ROLES_KEY]


class MatrixFile(pytest.File):
    """A ``*.ccroles.toml`` file: one item per role, or one failing item."""

    def collect(self) -> Iterator[pytest.Item]:
        """Yield the file's items."""
        try:
            spec = _parse(self.path)
        except MatrixFileError as error:
            yield BrokenMatrixFile.from_parent(self, name="(malformed)", error=error)
            return
        for role, features in spec.matrix.items():
            yield RoleMatrixItem.from_parent(
                self,
                name=role,
                features=features,
                line=_line_of(self.path.read_text(encoding="utf-8"), role),
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
        """Show the one-line problem, not a traceback."""
        del excinfo, style
        return str(self.error)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Point at the file and line."""
        line = self.error.line - 1 if self.error.line is not None else None
        return self.path, line, f"ccroles matrix file {self.path.name}"


class RoleMatrixItem(pytest.Item):
    """One role of a matrix file: listed features allowed, every other denied."""

    def __init__(
        self, *, features: tuple[str, ...], line: int | None, **kwargs: object
    ) -> None:
        """Keep the expected features."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.features = features
        self.line = line
        self.add_marker("ccroles_matrix")

    def runtest(self) -> None:
        """Compare the role's derived features with the expected ones."""
        from ccroles.exceptions import UnknownRoleError  # noqa: PLC0415 (lazy)
        from ccroles.testing import assert_matrix  # noqa: PLC0415 (lazy)

        roles = _known_roles(self.config)
        role = roles.get(self.name)
        if role is None:
            raise UnknownRoleError(self.name, roles)
        assert_matrix([role], {self.name: self.features})

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        """Show the cell table (or the one-line error), not a traceback."""
        from ccroles.exceptions import CCRolesError  # noqa: PLC0415 (lazy)
        from ccroles.testing import MatrixMismatchError  # noqa: PLC0415 (lazy)

        if isinstance(excinfo.value, MatrixMismatchError | CCRolesError):
            where = (
                f"{self.path}:{self.line}" if self.line is not None else str(self.path)
            )
            return f"{where}: role {self.name!r}: {excinfo.value}"
        return super().repr_failure(excinfo, style)  # pragma: no cover (pytest's own)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Point at the role's line in the file."""
        line = self.line - 1 if self.line is not None else None
        return self.path, line, f"ccroles matrix: {self.name}"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``ccroles`` option group."""
    group = parser.getgroup("ccroles", "ccroles role matrices")
    group.addoption(
        "--ccroles-coverage",
        action="store_true",
        default=False,
        help="report the role x feature cells that no test asserted",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers; start recording cells when coverage is asked for."""
    config.addinivalue_line(
        "markers", "ccroles_matrix: an item generated from a *.ccroles.toml matrix file"
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
