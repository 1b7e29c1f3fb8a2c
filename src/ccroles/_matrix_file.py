"""The pytest plugin's matrix test files, read as role and account files are.

A matrix test file (its form is in :mod:`ccroles._pytest_plugin`) is parsed by
:func:`~ccroles.formats.parse` (syntax errors with their line and column),
checked for its format version by the rule of account files and structured by
the one converter (:mod:`ccroles.converter`: unknown keys refused, no value
taken for another kind), then checked against its own rules. Every problem
is reported together in one :class:`~ccroles.exceptions.MatrixFileError`,
each with its path and line (:func:`~ccroles.formats.toml_lines`).

The plugin imports this module when it collects a matrix file, not before.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NoReturn, TypeVar

import attrs

from ccroles._problems import ProblemCollector
from ccroles.converter import make_converter
from ccroles.decisions import ReasonCode
from ccroles.documents import check_version
from ccroles.exceptions import CCRolesError, DataFileError, MatrixFileError, Problem
from ccroles.formats import FileFormat, parse, toml_lines
from ccroles.paths import format_path
from ccroles.policy import Engine
from ccroles.roles import BUILTIN_ROLES, RoleCatalogue
from ccroles.serialization import load_account, load_roles

if TYPE_CHECKING:
    from pathlib import Path

    import cattrs

_Path = tuple[str | int, ...]
_T = TypeVar("_T")


@attrs.frozen
class _CaseEntry:
    """A ``[[case]]`` as written."""

    login: str
    feature: str
    allowed: bool
    reason: str | None = None


@attrs.frozen
class _Document:
    """A matrix file's top level; its roles and cases are read one by one."""

    format: int
    roles: str | None = None
    account: str | None = None
    matrix: dict[str, object] = attrs.Factory(dict)
    case: list[dict[str, object]] = attrs.Factory(list)


@attrs.frozen
class Row:
    """A role of the ``[matrix]`` table and the features it must have (no other)."""

    role: str
    features: tuple[str, ...]
    line: int | None


@attrs.frozen
class Case:
    """One ``[[case]]``: what the engine must answer one login for one feature."""

    login: str
    feature: str
    allowed: bool
    reason: ReasonCode | None
    line: int | None


@attrs.frozen
class MatrixSpec:
    """A matrix file read whole: the roles it may name, its rows and cases."""

    roles: RoleCatalogue
    engine: Engine | None
    rows: tuple[Row, ...]
    cases: tuple[Case, ...]


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter matrix files are read with, built once."""
    return make_converter()


class _Found(ProblemCollector):
    """The problems of a matrix file, each reported with its line."""

    def __init__(self, source: str, text: str) -> None:
        super().__init__(source)
        self.text = text
        self.places: dict[_Path, _Path] = {}

    def structure(
        self, converter: cattrs.Converter, value: object, cls: type[_T], path: _Path
    ) -> _T | None:
        """Structure *value*, or note every problem and return ``None``.

        An unknown key is noted at its table, as in account files, and placed
        at the line of the first one.
        """
        structured = super().structure(converter, value, cls, path)
        if structured is None and isinstance(value, dict) and attrs.has(cls):
            unknown = sorted(set(value) - {f.name for f in attrs.fields(cls)})
            self.places.update({path: (*path, unknown[0])} if unknown else {})
        return structured

    @property
    def problems(self) -> list[Problem]:
        """The problems noted, in line order; each at its key's line, or its table's."""
        places = [self.places.get(path, path) for path, _ in self.found]
        ancestry = [place[:end] for place in places for end in range(len(place))]
        lines = toml_lines(self.text, [*ancestry, *places])

        def line(place: _Path) -> int | None:
            nearest = (lines.get(place[:end]) for end in range(len(place), 0, -1))
            return next((found for found in nearest if found is not None), None)

        problems = [
            Problem(self.source, message, format_path(path), line=line(place))
            for (path, message), place in zip(self.found, places, strict=True)
        ]
        return sorted(problems, key=lambda problem: problem.line or 0)

    def raise_any(self) -> None:
        """Raise every problem noted, if there is any."""
        if self.found:
            self.stop()

    def stop(self, *problem: tuple[_Path, object]) -> NoReturn:
        """Raise every problem noted, and *problem*."""
        for path, message in problem:
            self.add(path, message)
        raise MatrixFileError(self.source, self.problems)


def read_matrix_file(path: Path) -> MatrixSpec:
    """Read the matrix file at *path* with the roles and account it names.

    Raises:
        MatrixFileError: The file, or a file it names, does not load; it
            carries every problem found.
    """
    source = str(path)
    data = path.read_bytes()
    try:
        parsed = parse(data, FileFormat.TOML, source)
    except DataFileError as error:
        raise MatrixFileError(source, error.problems) from None
    found = _Found(source, data.decode("utf-8"))
    check_version(parsed, found)
    converter = _converter()
    document = found.structure(converter, parsed, _Document, ())
    if document is None:
        found.stop()
    rows = {
        role: found.structure(converter, features, list[str], ("matrix", role))
        for role, features in document.matrix.items()
    }
    cases = [
        _case(
            found, found.structure(converter, raw, _CaseEntry, ("case", index)), index
        )
        for index, raw in enumerate(document.case)
    ]
    if not (document.matrix or document.case):
        message = (
            "expected a [matrix] table mapping role names to features, "
            "or [[case]] tables"
        )
        found.add(("matrix",), message)
    if document.case and document.account is None:
        found.add(("case",), 'a case is asked of an account: add account = "FILE"')
    found.raise_any()
    roles, engine = _load(document, path.parent, found)
    lines = toml_lines(
        found.text,
        [
            *(("matrix", role) for role in rows),
            *(("case", n) for n in range(len(cases))),
        ],
    )
    return MatrixSpec(
        roles=roles,
        engine=engine,
        rows=tuple(
            Row(role, tuple(features or ()), lines.get(("matrix", role)))
            for role, features in rows.items()
        ),
        cases=tuple(
            attrs.evolve(case, line=lines.get(("case", index)))
            for index, case in enumerate(cases)
            if case is not None
        ),
    )


def _case(found: _Found, entry: _CaseEntry | None, index: int) -> Case | None:
    """The case *entry* says, or ``None`` (noting why) when it says none."""
    if entry is None:
        return None
    at: _Path = ("case", index)
    if not entry.login.strip():
        found.add((*at, "login"), f"expected the login's email, got {entry.login!r}")
    code = None
    if entry.reason is not None and entry.allowed:
        message = "expected a reason code's name, with allowed = false"
        found.add((*at, "reason"), message)
    elif entry.reason is not None:
        code = ReasonCode.__members__.get(entry.reason.strip().upper())
        if code is None:
            valid = ", ".join(code.value for code in ReasonCode)
            message = f"unknown reason code {entry.reason!r}; expected one of {valid}"
            found.add((*at, "reason"), message)
    return Case(entry.login, entry.feature, entry.allowed, code, None)


def _load(
    document: _Document, folder: Path, found: _Found
) -> tuple[RoleCatalogue, Engine | None]:
    """The roles the file may name, and the engine of its account (or ``None``)."""
    engine = None
    roles = RoleCatalogue(BUILTIN_ROLES)
    if document.account is not None:
        try:
            engine = Engine(load_account(folder / document.account))
        except CCRolesError as error:
            found.stop((("account",), error))
        roles = RoleCatalogue(engine.account.all_roles)
    if document.roles is not None:
        try:
            custom = load_roles(folder / document.roles)
        except CCRolesError as error:
            found.stop((("roles",), error))
        for role in custom:
            if role.name in roles and roles[role.name] != role:
                message = (
                    f"role {role.name!r} differs from the account's role of that name"
                )
                found.stop((("roles",), message))
        roles = RoleCatalogue(
            [*roles.values(), *(r for r in custom if r.name not in roles)]
        )
    return roles, engine
