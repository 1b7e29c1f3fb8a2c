"""The feature matrix: assert one whole, and log the cells tests asserted."""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

import attrs

from ccroles.exceptions import DuplicateNameError, UnknownRoleError
from ccroles.features import FEATURES, FeatureCatalogue
from ccroles.names import fold
from ccroles.render import text_table
from ccroles.roles import Role, RoleCatalogue

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping


__all__ = [
    "CellDifference",
    "CellLog",
    "MatrixMismatchError",
    "assert_matrix",
    "record_cell",
    "recording_cells",
]


@attrs.frozen
class CellDifference:
    """One cell of a feature matrix that is not what a test expected."""

    role: str
    feature: str
    expected: bool
    actual: bool


class MatrixMismatchError(AssertionError):
    """A feature matrix differs from the expected one, in one or more cells.

    The message is a table of every differing cell, expected against actual.

    Attributes:
        differences: Every differing cell, in matrix order.
    """

    def __init__(self, differences: tuple[CellDifference, ...]) -> None:
        self.differences = differences
        noun = "cell differs" if len(differences) == 1 else "cells differ"
        table = text_table(
            ["role", "feature", "expected", "actual"],
            [
                [d.role, d.feature, _yes_no(d.expected), _yes_no(d.actual)]
                for d in differences
            ],
        )
        super().__init__(
            f"{len(differences)} {noun} from the expected matrix:\n{table}"
        )


def _yes_no(value: bool) -> str:  # noqa: FBT001 (a cell is a bool)
    return "Yes" if value else "No"


class CellLog:
    """The role-by-feature cells that tests asserted, for a coverage report.

    Helpers in this module add to the log that :func:`recording_cells` makes
    current; with no current log they record nothing.
    """

    def __init__(self) -> None:
        """Start with no cells."""
        self._cells: set[tuple[str, str]] = set()

    def record(self, role: str, feature: str) -> None:
        """Note that a test asserted *feature* for the role named *role*.

        Names match ignoring case and surrounding white space.
        """
        self._cells.add((fold(role), fold(feature)))

    def unasserted(
        self, roles: Iterable[Role], features: FeatureCatalogue = FEATURES
    ) -> tuple[tuple[str, str], ...]:
        """The (role, feature) cells of *roles* that no test asserted, in order.

        >>> from ccroles import CUSTOMER_CENTER
        >>> log = CellLog()
        >>> log.record("customer center ", "MAKE A PAYMENT")
        >>> ("Customer Center", "Make a Payment") in log.unasserted([CUSTOMER_CENTER])
        False
        """
        return tuple(
            (role.name, feature)
            for role in roles
            for feature in features
            if (fold(role.name), fold(feature)) not in self._cells
        )


_CURRENT_LOG: contextvars.ContextVar[CellLog | None] = contextvars.ContextVar(
    "ccroles_cell_log", default=None
)


class recording_cells:  # noqa: N801 (used as a function: ``with recording_cells() as log``)
    """Make a :class:`CellLog` current for the duration of a ``with`` block.

    >>> from ccroles import CUSTOMER_CENTER, FEATURES
    >>> with recording_cells() as log:
    ...     expected = {"Customer Center": FEATURES.feature_names_of(CUSTOMER_CENTER)}
    ...     assert_matrix([CUSTOMER_CENTER], expected)
    >>> log.unasserted([CUSTOMER_CENTER])
    ()
    """

    def __init__(self, log: CellLog | None = None) -> None:
        """Record into *log*, or a new one."""
        self.log = log if log is not None else CellLog()
        self._token: contextvars.Token[CellLog | None] | None = None

    def __enter__(self) -> CellLog:
        """Make the log current and return it."""
        self._token = _CURRENT_LOG.set(self.log)
        return self.log

    def __exit__(self, *_: object) -> None:
        """Restore the previous log."""
        if self._token is not None:  # pragma: no branch (set by __enter__)
            _CURRENT_LOG.reset(self._token)


def record_cell(role: str, feature: str) -> None:
    """Note the cell of *role* and *feature* in the current log, if any."""
    log = _CURRENT_LOG.get()
    if log is not None:
        log.record(role, feature)


def _matrix_differences(
    roles: Iterable[Role],
    expected: Mapping[str, Collection[str]],
    features: FeatureCatalogue,
) -> Iterator[CellDifference]:
    by_name = RoleCatalogue(roles)
    wanted_by_role: dict[str, Collection[str]] = {}
    for name, wanted in expected.items():
        role_name = by_name[name].name
        if role_name in wanted_by_role:
            raise DuplicateNameError("role", name)
        wanted_by_role[role_name] = wanted
    for name in by_name:
        if name not in wanted_by_role:
            raise UnknownRoleError(name, expected)
    for name, role in by_name.items():
        wanted = {features.resolve(f).name for f in wanted_by_role[name]}
        for feature in features.values():
            record_cell(name, feature.name)
            actual = features.allows(role, feature)
            if actual != (feature.name in wanted):
                yield CellDifference(name, feature.name, not actual, actual)


def assert_matrix(
    roles: Iterable[Role],
    expected: Mapping[str, Collection[str]],
    *,
    features: FeatureCatalogue = FEATURES,
) -> None:
    """Assert each role has exactly the features listed for it, and no other.

    *expected* maps each role's name to the features it must have; every
    feature not listed must be denied, so a matrix stays honest as features
    are added. Roles and expected names must match one to one.

    Raises:
        MatrixMismatchError: Some cells differ; the message tables them all.
        UnknownRoleError: A name in *expected* is not among *roles*, or a role
            has no entry in *expected*.
        UnknownFeatureError: An expected feature name is not a feature.

    >>> from ccroles import ADVANCED_CUSTOMER_CENTER
    >>> assert_matrix([ADVANCED_CUSTOMER_CENTER], {"Advanced Customer Center": []})
    Traceback (most recent call last):
    ...
    ccroles.testing.MatrixMismatchError: 1 cell differs from the expected matrix:
    role                      feature                  expected  actual
    ------------------------  -----------------------  --------  ------
    Advanced Customer Center  Mapping Store Locations  No        Yes
    """
    differences = tuple(_matrix_differences(roles, expected, features))
    if differences:
        raise MatrixMismatchError(differences)
