"""Hypothesis strategies and assertion helpers for suites that use ccroles.

Hypothesis is needed only when this module is imported (install the
``testing`` extra: ``pip install 'ccroles[testing]'``).

>>> from hypothesis import given
>>> from ccroles import CUSTOMER_CENTER
>>> @given(custom_roles(base=CUSTOMER_CENTER, max_depth=2))
... def test_never_gains(role):
...     assert set(role.features()) <= set(CUSTOMER_CENTER.features())
>>> test_never_gains()
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st

from ccroles.accounts import Account, Contact, Customer
from ccroles.exceptions import DuplicateNameError, UnknownRoleError
from ccroles.features import FEATURES, FeatureCatalogue
from ccroles.forms import (
    FormField,
    FormPreferences,
    PrintingType,
    RecordType,
    TransactionForm,
    may_prefer,
)
from ccroles.permissions import PERMISSIONS, Level
from ccroles.render import text_table
from ccroles.roles import BUILTIN_ROLES, Capability, Role

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

__all__ = [
    "CellDifference",
    "CellLog",
    "MatrixMismatchError",
    "accounts",
    "assert_matrix",
    "builtin_roles",
    "capability_sets",
    "contacts",
    "custom_roles",
    "customers",
    "feature_names",
    "form_preferences",
    "levels",
    "permission_keys",
    "recording_cells",
    "role_names",
    "transaction_forms",
]


def levels(*, max_level: Level = Level.FULL) -> st.SearchStrategy[Level]:
    """Levels from ``NONE`` up to *max_level*, shrinking towards ``NONE``."""
    return st.sampled_from([level for level in Level if level <= max_level])


def permission_keys() -> st.SearchStrategy[str]:
    """Keys of the permission catalogue."""
    return st.sampled_from(list(PERMISSIONS))


def builtin_roles() -> st.SearchStrategy[Role]:
    """The three built-in customer center roles."""
    return st.sampled_from(BUILTIN_ROLES)


def capability_sets(
    *, within: frozenset[Capability] | None = None
) -> st.SearchStrategy[frozenset[Capability]]:
    """Sets of capabilities, all of them or those *within* a given set."""
    pool = sorted(within if within is not None else Capability, key=str)
    return st.frozensets(st.sampled_from(pool)) if pool else st.just(frozenset())


def feature_names() -> st.SearchStrategy[str]:
    """Names of the features of the matrix."""
    return st.sampled_from(list(FEATURES))


def role_names() -> st.SearchStrategy[str]:
    """Role names: non-blank, printable, up to 30 characters."""
    return st.from_regex(r"[A-Za-z][A-Za-z0-9 '&/-]{0,29}", fullmatch=True)


@st.composite
def _copy_of(draw: st.DrawFn, role: Role) -> Role:
    root = role.root
    keys = draw(st.lists(st.sampled_from(list(root.levels)), unique=True))
    changed = {key: draw(levels(max_level=root.levels[key])) for key in keys}
    capabilities = draw(st.none() | capability_sets(within=root.capabilities))
    return role.customize(draw(role_names()), levels=changed, capabilities=capabilities)


@st.composite
def custom_roles(
    draw: st.DrawFn, *, base: Role | None = None, max_depth: int = 3
) -> Role:
    """Custom roles: a chain of 1 to *max_depth* copies of *base*.

    Without *base*, the chain starts from any built-in role. Every step
    changes any levels (never above the root's) and may drop capabilities.
    """
    role = base if base is not None else draw(builtin_roles())
    for _ in range(draw(st.integers(1, max(1, max_depth)))):
        role = draw(_copy_of(role))
    return role


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
        """Note that a test asserted *feature* for the role named *role*."""
        self._cells.add((role, feature))

    def unasserted(
        self, roles: Iterable[Role], features: FeatureCatalogue = FEATURES
    ) -> tuple[tuple[str, str], ...]:
        """The (role, feature) cells of *roles* that no test asserted, in order."""
        return tuple(
            (role.name, feature)
            for role in roles
            for feature in features
            if (role.name, feature) not in self._cells
        )


_CURRENT_LOG: contextvars.ContextVar[CellLog | None] = contextvars.ContextVar(
    "ccroles_cell_log", default=None
)


class recording_cells:  # noqa: N801 (used as a function: ``with recording_cells() as log``)
    """Make a :class:`CellLog` current for the duration of a ``with`` block.

    >>> from ccroles import CUSTOMER_CENTER
    >>> with recording_cells() as log:
    ...     expected = {"Customer Center": CUSTOMER_CENTER.features()}
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


def _record(role: str, feature: str) -> None:
    log = _CURRENT_LOG.get()
    if log is not None:
        log.record(role, feature)


def _matrix_differences(
    roles: Iterable[Role],
    expected: Mapping[str, Collection[str]],
    features: FeatureCatalogue,
) -> Iterator[CellDifference]:
    by_name: dict[str, Role] = {}
    for role in roles:
        if role.name in by_name:
            raise DuplicateNameError("role", role.name)
        by_name[role.name] = role
    for name in expected:
        if name not in by_name:
            raise UnknownRoleError(name, by_name)
    for name in by_name:
        if name not in expected:
            raise UnknownRoleError(name, expected)
    for name, role in by_name.items():
        wanted = {features.resolve(feature).name for feature in expected[name]}
        for feature in features.values():
            _record(name, feature.name)
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


def _ids() -> st.SearchStrategy[str]:
    """Non-blank ids of any printable text (any script, quotes, spaces)."""
    return st.text(st.characters(codec="utf-8"), min_size=1, max_size=10).filter(
        str.strip
    )


def _emails() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z0-9._-]{1,10}@[a-z]{1,8}\.example", fullmatch=True)


def _maybe(values: Sequence[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values) if values else st.none()


def contacts(*, roles: Sequence[str] = ()) -> st.SearchStrategy[Contact]:
    """Contacts with any id, maybe an email, and maybe one of *roles*."""
    return st.builds(
        Contact,
        id=_ids(),
        email=st.none() | _emails(),
        give_access=st.booleans(),
        role=_maybe(roles),
        active=st.booleans(),
    )


def customers(
    *,
    roles: Sequence[str] = (),
    websites: Sequence[str] = (),
    max_contacts: int = 3,
) -> st.SearchStrategy[Customer]:
    """Customers naming one of *roles* and *websites* (or none), with contacts.

    Ids and emails are unique within a customer; :func:`accounts` also makes
    them unique across customers.
    """
    return st.builds(
        Customer,
        internal_id=_ids(),
        customer_id=_ids(),
        email=st.none() | _emails(),
        give_access=st.booleans(),
        role=_maybe(roles),
        assigned_website=_maybe(websites),
        active=st.booleans(),
        also_vendor=st.booleans(),
        also_partner=st.booleans(),
        also_employee=st.booleans(),
        contacts=st.lists(
            contacts(roles=roles), max_size=max_contacts, unique_by=lambda c: c.id
        ),
    )


def _lineage(role: Role) -> list[Role]:
    """The custom roles *role* descends from, oldest first, then *role*."""
    chain: list[Role] = []
    current: Role | None = role
    while current is not None and current.is_custom:
        chain.insert(0, current)
        current = current.base
    return chain


@st.composite
def _role_sets(draw: st.DrawFn, *, max_roles: int) -> tuple[Role, ...]:
    """Custom roles whose every custom ancestor is in the set; unique names."""
    names = {role.name for role in BUILTIN_ROLES}
    roles: list[Role] = []
    for role in draw(st.lists(custom_roles(max_depth=2), max_size=max_roles)):
        lineage = _lineage(role)
        lineage_names = {r.name for r in lineage}
        if len(lineage_names) == len(lineage) and not lineage_names & names:
            roles.extend(lineage)
            names |= lineage_names
    return tuple(roles)


def _unique_logins(customers: list[Customer]) -> list[Customer]:
    """Drop the customers and contacts whose ids or emails are taken."""
    taken: set[tuple[str, str]] = set()
    kept: list[Customer] = []
    for customer in customers:
        keys = {("internal", customer.internal_id), ("id", customer.customer_id)}
        if customer.email is not None:
            keys.add(("email", customer.email.casefold()))
        if keys & taken:
            continue
        taken |= keys
        own: list[Contact] = []
        for contact in customer.contacts:
            contact_keys = {("contact", contact.id)}
            if contact.email is not None:
                contact_keys.add(("email", contact.email.casefold()))
            if not contact_keys & taken:
                taken |= contact_keys
                own.append(contact)
        kept.append(attrs.evolve(customer, contacts=own))
    return kept


@st.composite
def accounts(draw: st.DrawFn, *, max_roles: int = 3, max_customers: int = 4) -> Account:
    """Whole accounts whose references hold.

    Every role a customer or contact names exists, every assigned website is
    the account's, and ids and emails are unique (emails ignoring case). Custom
    roles may copy each other; every custom role a role copies is in the
    account, so the account can be written to a file.
    """
    roles = draw(_role_sets(max_roles=max_roles))
    websites = draw(st.lists(_ids(), max_size=3, unique=True))
    names = [role.name for role in (*BUILTIN_ROLES, *roles)]
    drawn = draw(
        st.lists(customers(roles=names, websites=websites), max_size=max_customers)
    )
    return Account(
        customer_access=draw(st.booleans()),
        roles=roles,
        websites=websites,
        customers=_unique_logins(drawn),
    )


def transaction_forms(
    *, record_types: Sequence[RecordType] = tuple(RecordType)
) -> st.SearchStrategy[TransactionForm]:
    """Transaction forms of *record_types*: external or not, any printing, fields.

    Names are any printable text, half of them ending with ``(External)``;
    fields have unique names and any Screen and Print/Email boxes.
    """
    return st.builds(
        TransactionForm,
        name=st.builds(str.__add__, _ids(), st.sampled_from(["", " (External)"])),
        record_type=st.sampled_from(record_types),
        printing=st.sampled_from(PrintingType),
        online=st.booleans(),
        fields=st.lists(
            st.builds(FormField, _ids(), st.booleans(), st.booleans()),
            max_size=3,
            unique_by=lambda field: field.name,
        ),
    )


@st.composite
def form_preferences(
    draw: st.DrawFn,
    *,
    roles: Sequence[Role],
    forms: Sequence[TransactionForm],
    websites: Sequence[str] = (),
) -> FormPreferences:
    """Preferences naming only *roles*, *forms* and *websites*, within the rules.

    Account-wide forms are any of *forms*; a role is given only forms it may
    prefer (:func:`~ccroles.forms.may_prefer`); a website's Sales Order Type
    is a sales order form.
    """
    preferences = FormPreferences()
    if not forms:
        return preferences
    for form in draw(st.lists(st.sampled_from(forms), max_size=3)):
        preferences = preferences.with_account_form(form)
    pairs = [(role, form) for role in roles for form in forms if may_prefer(role, form)]
    if pairs:
        for role, form in draw(st.lists(st.sampled_from(pairs), max_size=3)):
            preferences = preferences.with_role_form(role, form)
    orders = [f for f in forms if f.record_type is RecordType.SALES_ORDER]
    if orders and websites:
        chosen = st.tuples(st.sampled_from(websites), st.sampled_from(orders))
        for website, form in draw(st.lists(chosen, max_size=2)):
            preferences = preferences.with_website_order_form(website, form)
    return preferences
