"""Hypothesis strategies and assertion helpers for suites that use ccroles.

Hypothesis is needed only when this module is imported (install the
``testing`` extra: ``pip install 'ccroles[testing]'``).

>>> from hypothesis import given
>>> from ccroles import CUSTOMER_CENTER, FEATURES
>>> @given(custom_roles(base=CUSTOMER_CENTER, max_depth=2))
... def test_never_gains(role):
...     assert set(FEATURES.allowed_for(role)) <= set(
...         FEATURES.allowed_for(CUSTOMER_CENTER)
...     )
>>> test_never_gains()
"""

from __future__ import annotations

import contextvars
import enum
import random
from typing import TYPE_CHECKING, Final, TypeVar

import attrs
from hypothesis import strategies as st

from ccroles.accounts import (
    Account,
    Contact,
    Customer,
    Login,
    LoginFacts,
    account_problems,
)
from ccroles.decisions import Decision, ReasonCode, explain
from ccroles.exceptions import (
    DuplicateNameError,
    InvalidQuestionError,
    UnknownRoleError,
)
from ccroles.features import FEATURES, Feature, FeatureCatalogue
from ccroles.forms import (
    FormField,
    FormPreferences,
    PrintingType,
    RecordType,
    TransactionForm,
    may_prefer,
)
from ccroles.names import as_id, fold
from ccroles.permissions import PERMISSIONS, Level, Permission
from ccroles.policy import Engine
from ccroles.render import text_table
from ccroles.roles import BUILTIN_ROLES, Capability, CenterType, Role, RoleCatalogue

if TYPE_CHECKING:
    from collections.abc import (
        Callable,
        Collection,
        Iterable,
        Iterator,
        Mapping,
        Sequence,
    )

    from ccroles.records import OwnedRecord

_T = TypeVar("_T")

__all__ = [
    "Action",
    "CellDifference",
    "CellLog",
    "MatrixMismatchError",
    "Record",
    "UnexpectedDecisionError",
    "accounts",
    "accounts_as_typed",
    "assert_allowed",
    "assert_denied",
    "assert_matrix",
    "builtin_roles",
    "capability_sets",
    "contacts",
    "custom_roles",
    "customers",
    "email_spellings",
    "feature_names",
    "form_preferences",
    "id_spellings",
    "levels",
    "login_facts",
    "logins",
    "lookalike_ids",
    "owned_records",
    "permission_keys",
    "recording_cells",
    "records_owned_by_others",
    "respell",
    "role_names",
    "spellings",
    "staff_roles",
    "transaction_forms",
]


def levels(*, max_level: Level = Level.FULL) -> st.SearchStrategy[Level]:
    """Levels from ``NONE`` up to *max_level*, shrinking towards ``NONE``."""
    return st.sampled_from(tuple(level for level in Level if level <= max_level))


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
    """Names of the features of the matrix, in any spelling the rules accept.

    Each is one of :data:`~ccroles.features.FEATURES`, written in any case
    that keeps its casefold and with any white space around it
    (:func:`spellings`).

    >>> from hypothesis import given
    >>> @given(feature_names())
    ... def test_a_feature(name):
    ...     assert FEATURES[name].name in FEATURES
    >>> test_a_feature()
    """
    return st.sampled_from(list(FEATURES)).flatmap(spellings)


def _names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Names of any text UTF-8 can write: any script, case and inner spacing."""
    return st.text(st.characters(codec="utf-8"), min_size=1, max_size=max_size).filter(
        str.strip
    )


def role_names() -> st.SearchStrategy[str]:
    """Role names: any text the name rule accepts, in any case and spacing.

    Not blank, writable as UTF-8, up to 30 characters, any script; some
    have white space around them, which the rules ignore.
    """
    return _names().flatmap(spellings)


@st.composite
def _copy_of(draw: st.DrawFn, role: Role) -> Role:
    root = role.root
    keys = draw(st.lists(st.sampled_from(tuple(root.levels)), unique=True))
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

    >>> from ccroles import CUSTOMER_CENTER
    >>> with recording_cells() as log:
    ...     expected = {"Customer Center": FEATURES.allowed_for(CUSTOMER_CENTER)}
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


# Text that str.strip() removes: what the rules ignore around a name.
_SPACES: Final = (" ", "\t", "\n", "\u00a0", "\u3000")


def _cases(char: str) -> tuple[str, ...]:
    """The ways *char* may be written that keep its casefold."""
    written = dict.fromkeys((char, char.lower(), char.upper(), char.swapcase()))
    return tuple(each for each in written if each.casefold() == char.casefold())


def spellings(name: str) -> st.SearchStrategy[str]:
    """Every way of writing *name* that the rules read as *name*.

    Each character in any case that keeps its casefold, with any white space
    around the whole (names are compared by :func:`ccroles.names.fold`). A
    suite that draws names from here meets the spellings a person types, not
    only the one the code writes.

    >>> from hypothesis import given
    >>> from ccroles.names import as_id, fold
    >>> @given(spellings("Straße Portal"))
    ... def test_same_name(spelt):
    ...     assert fold(spelt) == fold("Straße Portal")
    >>> test_same_name()
    """
    around = st.text(st.sampled_from(_SPACES), max_size=2)
    body = st.tuples(*(st.sampled_from(_cases(char)) for char in name)).map("".join)
    return st.builds(
        lambda before, text, after: before + text + after, around, body, around
    )


def _id_texts() -> st.SearchStrategy[str]:
    """Non-blank ids of any text UTF-8 can write (any script, quotes, spaces)."""
    return _names(max_size=10)


def _ids() -> st.SearchStrategy[str | int]:
    """Ids as the id rule takes them: text, or an integer (its decimal text)."""
    return _id_texts() | st.integers(min_value=-(10**12), max_value=10**12)


# An email's parts: letters and digits of any script, and a few marks.
_EMAIL_CHARACTERS: Final = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Lt", "Lo", "Nd"), include_characters="._-+"
)
_LABEL_CHARACTERS: Final = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Lt", "Lo", "Nd")
)
_CASES: Final = (str, str.lower, str.upper, str.swapcase, str.title)


def _emails() -> st.SearchStrategy[str]:
    """Emails the email rule accepts, in any script and any Unicode case.

    Every case mapping of these characters is again printable letters or
    digits (no space, "@" or "."), and at most three characters long, so each
    email drawn stays within the rule's limits without a filter.
    """
    local = st.text(_EMAIL_CHARACTERS, min_size=1, max_size=10)
    domain = st.lists(
        st.text(_LABEL_CHARACTERS, min_size=1, max_size=8), min_size=1, max_size=2
    ).map(".".join)
    email = st.builds("{}@{}.example".format, local, domain)
    return st.builds(lambda case, text: case(text), st.sampled_from(_CASES), email)


def _maybe(values: Sequence[str]) -> st.SearchStrategy[str | None]:
    """None, or one of *values* in any spelling the rules read as it."""
    if not values:
        return st.none()
    return st.none() | st.sampled_from(tuple(values)).flatmap(spellings)


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


@st.composite
def _role_sets(
    draw: st.DrawFn, *, max_roles: int, max_depth: int, extra: Sequence[Role]
) -> tuple[Role, ...]:
    """Custom roles whose every custom ancestor is in the set.

    A chain is kept when the account rules accept it beside the roles kept
    so far and *extra* (so names are unique, as the rules say).
    """
    roles: list[Role] = []
    for role in draw(st.lists(custom_roles(max_depth=max_depth), max_size=max_roles)):
        lineage = role.lineage[1:]  # the custom roles, oldest first
        if not account_problems(roles=[*roles, *lineage, *extra]):
            roles.extend(lineage)
    return tuple(roles)


def _kept(candidates: Iterable[_T], fits: Callable[[list[_T]], bool]) -> list[_T]:
    """The candidates, in order, each kept when *fits* the ones kept with it."""
    kept: list[_T] = []
    for candidate in candidates:
        if fits([*kept, candidate]):
            kept.append(candidate)
    return kept


def _unique_logins(
    customers: list[Customer], roles: Sequence[Role], websites: Sequence[str]
) -> list[Customer]:
    """The customers and contacts the account rules accept, in order.

    A customer whose ids or email another has is left out, and so is a
    contact whose id or email is taken.
    """

    def fits(kept: list[Customer]) -> bool:
        problems = account_problems(roles=roles, websites=websites, customers=kept)
        return not problems

    accepted: list[Customer] = []
    for customer in customers:
        bare = attrs.evolve(customer, contacts=())
        if fits([*accepted, bare]):
            contacts: list[Contact] = []
            for contact in customer.contacts:
                own = attrs.evolve(bare, contacts=[*contacts, contact])
                if fits([*accepted, own]):
                    contacts.append(contact)
            accepted.append(attrs.evolve(bare, contacts=contacts))
    return accepted


@st.composite
def accounts(  # noqa: PLR0913 (Hypothesis's draw, then keyword-only narrowing)
    draw: st.DrawFn,
    *,
    max_roles: int = 3,
    max_depth: int = 2,
    max_customers: int = 4,
    customer_access: bool | None = None,
    extra_roles: Sequence[Role] = (),
) -> Account:
    """Whole accounts whose references hold.

    Every role a customer or contact names exists, every assigned website is
    the account's, and ids and emails are unique (emails ignoring case). Custom
    roles may copy each other; every custom role a role copies is in the
    account, so the account can be written to a file.

    Args:
        draw: Given by Hypothesis; callers leave it out.
        max_roles: At most this many custom roles are drawn (not counting
            the custom roles they copy, which come with them).
        max_depth: Each is a chain of at most this many copies.
        max_customers: At most this many customers.
        customer_access: The Customer Access switch, or ``None`` for either.
        extra_roles: Roles every account has besides the drawn ones, which
            customers and contacts may name too (an internal staff role, say;
            a custom one needs its custom ancestors listed with it).

    >>> from hypothesis import given, settings
    >>> from ccroles import CenterType
    >>> staff = Role("Staff", center_type=CenterType.SALES)
    >>> @settings(max_examples=20)  # an account is costly to draw: keep doctests quick
    ... @given(accounts(customer_access=True, extra_roles=[staff]))
    ... def test_the_account(account):
    ...     assert account.customer_access and staff in account.roles
    >>> test_the_account()
    """
    drawn_roles = _role_sets(
        max_roles=max_roles, max_depth=max_depth, extra=extra_roles
    )
    roles = (*draw(drawn_roles), *extra_roles)
    websites = _kept(
        draw(st.lists(_names(max_size=10), max_size=3)),
        lambda kept: not account_problems(websites=kept),
    )
    names = [role.name for role in (*BUILTIN_ROLES, *roles)]
    drawn = draw(
        st.lists(customers(roles=names, websites=websites), max_size=max_customers)
    )
    access = st.booleans() if customer_access is None else st.just(customer_access)
    return Account(
        customer_access=draw(access),
        roles=roles,
        websites=websites,
        customers=_unique_logins(drawn, roles, websites),
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
        name=st.builds(
            str.__add__, _names(max_size=10), st.sampled_from(["", " (External)"])
        ),
        record_type=st.sampled_from(record_types),
        printing=st.sampled_from(PrintingType),
        online=st.booleans(),
        fields=st.lists(
            st.builds(FormField, role_names(), st.booleans(), st.booleans()),
            max_size=3,
            unique_by=lambda field: fold(field.name),
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


def _email(login: Login | str) -> str:
    """The email a login is asked about by."""
    if isinstance(login, str):
        return login
    if login.email is None:
        raise InvalidQuestionError(login.label, "it has no email, hence no login")
    return login.email


def logins(
    account: Account,
    *,
    roles: Collection[str] | None = None,
    may_sign_in: bool | None = None,
) -> st.SearchStrategy[Login]:
    """Logins of *account* (the customers and contacts with an email).

    Args:
        account: The account whose logins are drawn.
        roles: Only logins whose role is one of these role names.
        may_sign_in: Only logins that may (``True``) or may not (``False``)
            sign in, as :meth:`Engine.allows_sign_in` answers for *account*.

    When no login matches, the strategy is empty and Hypothesis skips the
    example, as for a failed ``assume``.

    >>> from hypothesis import given
    >>> from ccroles import Customer, Engine
    >>> account = Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Customer Center"),
    ...     Customer("102", "GLOBEX", email="office@globex.example"),
    ... ])
    >>> @given(logins(account, may_sign_in=True))
    ... def test_signs_in(login):
    ...     assert Engine(account).allows_sign_in(login.email)
    >>> test_signs_in()
    """
    chosen = list(account.logins())
    if roles is not None:
        wanted = {fold(role) for role in roles}
        chosen = [login for login in chosen if fold(login.role) in wanted]
    if may_sign_in is not None:
        engine = Engine(account)
        chosen = [
            login
            for login in chosen
            if engine.allows_sign_in(_email(login)) == may_sign_in
        ]
    return st.sampled_from(chosen) if chosen else st.nothing()


@attrs.frozen
class Record:
    """A record owned by a customer: the least a portal's record has.

    It is an :class:`ccroles.policy.OwnedRecord`, so the engine's record
    questions (``decide_record``, ``filter_records``) take it.

    Attributes:
        customer_internal_id: The internal id of the customer owning it (an
            integer is read as its decimal text).
        number: Tells records of one customer apart.
    """

    customer_internal_id: str | int
    number: int = 0


def _owner_id(customer: Customer | str) -> str:
    return customer if isinstance(customer, str) else customer.internal_id


def _numbers() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=10**6)


def _spelt_id(internal_id: str) -> st.SearchStrategy[str | int]:
    """*internal_id*, and the integer it is the decimal text of, if any."""
    if internal_id.isascii() and internal_id.lstrip("-").isdigit():
        number = int(internal_id)
        if str(number) == internal_id:
            return st.sampled_from((internal_id, number))
    return st.just(internal_id)


def owned_records(customer: Customer | str) -> st.SearchStrategy[Record]:
    """Records owned by *customer* (a customer, or its internal id).

    An owner whose id is an integer's decimal text is drawn as that integer
    too, as a database library gives it.
    """
    return st.builds(Record, _spelt_id(_owner_id(customer)), _numbers())


def records_owned_by_others(
    customer: Customer | str, *, account: Account | None = None
) -> st.SearchStrategy[Record]:
    """Records owned by anyone but *customer* (a customer, or its internal id).

    The owners are the other customers of *account*, when given, and internal
    ids that no customer has.

    >>> from hypothesis import given
    >>> @given(records_owned_by_others("101"))
    ... def test_not_mine(record):
    ...     assert record.customer_internal_id != "101"
    >>> test_not_mine()
    """
    own = _owner_id(customer)
    known = [] if account is None else [c.internal_id for c in account.customers]
    others = [internal_id for internal_id in known if internal_id != own]
    taken = {own, *known}
    strangers = _ids().filter(lambda internal_id: as_id(internal_id) not in taken)
    owners = st.sampled_from(others) | strangers if others else strangers
    return st.builds(Record, owners, _numbers())


class Action(enum.Enum):
    """What the assertion helpers may ask besides a feature or a record."""

    SIGN_IN = "sign in"
    """Signing in, as :meth:`Engine.decide_sign_in` decides."""


class UnexpectedDecisionError(AssertionError):
    """The engine's answer is not the one a test expected.

    The message says what was expected and what the engine answered, then
    gives its full explanation (:func:`ccroles.explain`); when a denial has
    the wrong reasons, the codes expected and found.

    Attributes:
        email: The login asked about.
        decision: The engine's decision.
        expected_reason: The reason code the test expected, or ``None``.
    """

    def __init__(
        self, email: str, decision: Decision, expected_reason: ReasonCode | None
    ) -> None:
        self.email = email
        self.decision = decision
        self.expected_reason = expected_reason
        explanation = explain(decision, email)
        if decision.allowed:
            super().__init__(f"expected a denial, got allowed: {explanation}")
            return
        if expected_reason is None:
            super().__init__(f"expected allowed, got a denial: {explanation}")
            return
        found = ", ".join(dict.fromkeys(r.code.name for r in decision.reasons))
        super().__init__(
            f"expected the reason {expected_reason.name}, found {found}: {explanation}"
        )


def _decide(  # noqa: PLR0913 (the engine's question, in full)
    engine: Engine,
    email: str,
    action: str | Feature | Permission | Action,
    *,
    record: OwnedRecord | None,
    level: Level | str | None,
    website: str | None,
) -> Decision:
    """Ask *engine* the question; note a feature's cell in the current log."""
    if record is not None:
        if isinstance(action, Feature | Action):
            raise InvalidQuestionError(
                repr(action), "a record is asked about with a permission key"
            )
        return engine.decide_record(
            email, action, record, Level.VIEW if level is None else level, website
        )
    if level is not None:
        raise InvalidQuestionError(
            repr(action), "a level is asked only of a record; pass record="
        )
    if action is Action.SIGN_IN:
        return engine.decide_sign_in(email, website)
    if isinstance(action, Permission):
        raise InvalidQuestionError(
            repr(action), "a permission is asked of a record; pass record="
        )
    decision = engine.decide(email, action, website)
    login = engine.account.find_login(email)
    # The cell is covered only when the answer turned on the role: the login
    # may sign in (an inactive customer is denied whatever its role has).
    turned_on_role = engine.allows_sign_in(email, website)
    if login is not None and login.role is not None and turned_on_role:
        role = engine.account.role(login.role).name
        _record(role, engine.features.resolve(action).name)
    return decision


def assert_allowed(  # noqa: PLR0913 (the engine's question, in full)
    engine: Engine,
    login: Login | str,
    action: str | Feature | Permission | Action,
    *,
    record: OwnedRecord | None = None,
    level: Level | str | None = None,
    website: str | None = None,
) -> Decision:
    """Assert the engine allows *login* the *action*; return the decision.

    Args:
        engine: The engine asked.
        login: The login, or its email.
        action: A feature (by name); with *record*, the permission (key or
            :class:`~ccroles.permissions.Permission`) the record falls under;
            or :attr:`Action.SIGN_IN`.
        record: A record to reach (any :class:`~ccroles.policy.OwnedRecord`).
        level: The level a *record* is reached at (default View).
        website: The website asked through, or ``None``.

    A feature's role-by-feature cell is noted in the current :class:`CellLog`.

    Raises:
        UnexpectedDecisionError: The engine denies it; the message is the
            engine's explanation, with every reason and remedy.
        InvalidQuestionError: The arguments ask no question the engine
            answers (a level without a record, a login without an email).

    >>> from ccroles import Account, Customer, Engine
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Customer Center", active=False),
    ... ]))
    >>> assert_allowed(engine, "ap@acme.example", "Make a Payment")
    Traceback (most recent call last):
    ...
    ccroles.testing.UnexpectedDecisionError: expected allowed, got a denial: ap@acme.example may not use Make a Payment: customer 'ACME' is inactive. To allow it: make customer 'ACME' active.
    """  # noqa: E501
    email = _email(login)
    decision = _decide(
        engine, email, action, record=record, level=level, website=website
    )
    if not decision.allowed:
        raise UnexpectedDecisionError(email, decision, None)
    return decision


def assert_denied(  # noqa: PLR0913 (the engine's question, in full)
    engine: Engine,
    login: Login | str,
    action: str | Feature | Permission | Action,
    *,
    reason: ReasonCode | None = None,
    record: OwnedRecord | None = None,
    level: Level | str | None = None,
    website: str | None = None,
) -> Decision:
    """Assert the engine denies *login* the *action*, for *reason* if given.

    The arguments are those of :func:`assert_allowed`; *reason* must be among
    the decision's reason codes (a denial may have several).

    Raises:
        UnexpectedDecisionError: The engine allows it, or denies it without
            *reason*; the message is the engine's explanation.
        InvalidQuestionError: The arguments ask no question the engine
            answers.

    >>> from ccroles import Account, Customer, Engine, ReasonCode
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Advanced Customer Center"),
    ... ]))
    >>> decision = assert_denied(
    ...     engine, "ap@acme.example", "Wish Lists",
    ...     reason=ReasonCode.MISSING_CAPABILITY,
    ... )
    >>> assert_denied(engine, "ap@acme.example", Action.SIGN_IN)
    Traceback (most recent call last):
    ...
    ccroles.testing.UnexpectedDecisionError: expected a denial, got allowed: ap@acme.example may sign in.
    """  # noqa: E501
    email = _email(login)
    decision = _decide(
        engine, email, action, record=record, level=level, website=website
    )
    if decision.allowed or (
        reason is not None and reason not in {r.code for r in decision.reasons}
    ):
        raise UnexpectedDecisionError(email, decision, reason)
    return decision


# --- Accounts as people type them: spellings, ids, staff roles, login facts --
#
# What the rules accept besides the canonical spelling: a differential test
# (the Cedar export against the engine, say) that draws from here meets the
# accounts a grant, a CSV import or a portal's own rows make.

_STAFF_NAMES: Final = ("Sales Rep", "Staff", "Accounting Clerk", "Support Agent")


def staff_roles() -> st.SearchStrategy[Role]:
    """Internal (staff) roles: another center than the customer center.

    A login with one of these is an account's login that may not sign in to
    the customer center.
    """
    internal = [center for center in CenterType if not center.is_customer_center]
    return st.builds(
        Role,
        name=st.sampled_from(_STAFF_NAMES),
        levels=st.dictionaries(permission_keys(), levels(), max_size=4),
        center_type=st.sampled_from(internal),
    )


def email_spellings(email: str) -> st.SearchStrategy[str]:
    """The ways of writing *email* that find the same login: any case.

    >>> from hypothesis import given
    >>> from ccroles.names import email_key
    >>> @given(email_spellings("AP@acme.example"))
    ... def test_same_login(spelt):
    ...     assert email_key(spelt) == email_key("AP@acme.example")
    >>> test_same_login()
    """
    return st.tuples(*(st.sampled_from(_cases(char)) for char in email)).map("".join)


def id_spellings(internal_id: str) -> st.SearchStrategy[str | int]:
    """The ways a portal may pass the id *internal_id*: its text, or its integer.

    An integer is offered only when *internal_id* is the integer's decimal
    text (``"101"``, not ``"0101"``): what a database library returns.
    """
    same: list[str | int] = [internal_id]
    if internal_id.isascii() and internal_id.isdigit():
        number = int(internal_id)
        if str(number) == internal_id:
            same.append(number)
    return st.sampled_from(same)


def lookalike_ids(internal_id: str) -> st.SearchStrategy[str]:
    """Ids that look like *internal_id* and are not it (ids compare exactly).

    White space around it, a leading zero, another case, full-width digits
    (each that differs from it; a space before it always does): a record
    owned by one of these is another customer's.

    >>> from hypothesis import given
    >>> @given(lookalike_ids("101"))
    ... def test_not_the_id(lookalike):
    ...     assert lookalike != "101"
    >>> test_not_the_id()
    """
    fullwidth = internal_id.translate(
        {ord(d): chr(ord(d) - ord("0") + 0xFF10) for d in "0123456789"}
    )
    candidates = [
        f" {internal_id}",
        f"{internal_id} ",
        f"0{internal_id}",
        internal_id.swapcase(),
        internal_id.upper(),
        fullwidth,
    ]
    return st.sampled_from([c for c in candidates if c != internal_id])


def respell(rnd: random.Random, name: str) -> str:
    """One way of writing *name* that the rules read as *name*, picked by *rnd*.

    The spellings of :func:`spellings`, for a test that needs very many: a
    generator seeded by one drawn integer spells them all, much faster than
    a draw each.

    >>> from ccroles.names import fold
    >>> fold(respell(random.Random(1), "Make a Payment"))
    'make a payment'
    """
    body = "".join(rnd.choice(_cases(char)) for char in name)
    before, after = (
        "".join(rnd.choices(_SPACES, k=rnd.randrange(3))) for _ in range(2)
    )
    return before + body + after


def _respelt_name(rnd: random.Random, name: str | None) -> str | None:
    return None if name is None else respell(rnd, name)


def _respelt_email(rnd: random.Random, email: str | None) -> str | None:
    if email is None:
        return None
    return "".join(rnd.choice(_cases(char)) for char in email)


def _seeded(draw: st.DrawFn) -> random.Random:
    """A generator seeded by one draw: many spellings for the cost of one draw."""
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    return random.Random(seed)  # noqa: S311 (test data, not secrets)


_Person = TypeVar("_Person", Customer, Contact)


def _opened(rnd: random.Random, person: _Person, centers: Sequence[str]) -> _Person:
    """*person*, or half the time given access, active, with a role.

    Without this, few drawn logins pass every check, and a test would see
    few questions allowed.
    """
    if rnd.random() < 1 / 2:
        return person
    role = person.role if person.role is not None else rnd.choice(centers)
    return attrs.evolve(person, give_access=True, active=True, role=role)


def _numeric_ids(rnd: random.Random, count: int) -> list[str | int]:
    """*count* distinct ids of digits, as integers or text, some look-alikes."""
    texts = [
        rnd.choice([str(number), f"0{number}", f"{number} ", f" {number}"])
        for number in rnd.sample(range(1000), count)
    ]
    return [int(t) if rnd.random() < 1 / 2 and t.isdigit() else t for t in texts]


@st.composite
def accounts_as_typed(
    draw: st.DrawFn,
    *,
    max_customers: int = 4,
    customer_access: bool | None = None,
) -> Account:
    """Accounts whose references are written as people type them.

    Drawn from :func:`accounts` with an internal (staff) role besides the
    customer center ones; then every customer's and contact's role and
    Assigned Website is spelt in any case with white space around
    (:func:`spellings`), emails in any case, and about half the customers'
    internal ids are digits, given as integers or as text, with leading
    zeros or white space (ids that look alike but differ). About half the
    customers and contacts are given access, active, with a role, so that
    many logins pass every check. The account rules accept all of it: the
    engine reads each name as the account's own.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(accounts_as_typed())
    ... def test_every_role_is_known(account):
    ...     for login in account.logins():
    ...         if login.role is not None:
    ...             account.role(login.role)
    >>> test_every_role_is_known()
    """
    staff = draw(staff_roles())
    account = draw(
        accounts(
            max_customers=max_customers,
            customer_access=customer_access,
            extra_roles=[staff],
        )
    )
    ids = _numeric_ids(rnd := _seeded(draw), len(account.customers))
    centers = [r.name for r in account.all_roles if r.center_type.is_customer_center]
    customers = []
    for index, customer in enumerate(account.customers):
        numeric = rnd.random() < 1 / 2
        contacts_ = []
        for contact in customer.contacts:
            person = _opened(rnd, contact, centers)
            contacts_.append(
                attrs.evolve(
                    person,
                    email=_respelt_email(rnd, person.email),
                    role=_respelt_name(rnd, person.role),
                )
            )
        opened = _opened(rnd, customer, centers)
        customers.append(
            attrs.evolve(
                opened,
                internal_id=ids[index] if numeric else customer.internal_id,
                email=_respelt_email(rnd, customer.email),
                role=_respelt_name(rnd, opened.role),
                assigned_website=_respelt_name(rnd, customer.assigned_website),
                contacts=contacts_,
            )
        )
    # An integer id may now be another customer's text id: keep those the
    # rules accept, in order.
    kept = _kept(
        customers,
        lambda kept: (
            not account_problems(
                roles=account.roles, websites=account.websites, customers=kept
            )
        ),
    )
    return attrs.evolve(account, customers=kept)


@st.composite
def login_facts(draw: st.DrawFn, account: Account) -> LoginFacts:
    """The facts a portal holds of one of *account*'s logins, as it types them.

    The role and Assigned Website in any spelling, the internal id as an
    integer when it is one: :class:`~ccroles.accounts.LoginFacts` that the
    engine reads as the login itself. The strategy is empty (the example is
    skipped) when the account has no login.
    """
    chosen = list(account.logins())
    if not chosen:
        draw(st.nothing())
    login = draw(st.sampled_from(chosen))
    facts = LoginFacts.of(login)
    rnd = _seeded(draw)
    return LoginFacts(
        draw(id_spellings(facts.internal_id)),
        _respelt_name(rnd, facts.role),
        facts.give_access,
        facts.active,
        _respelt_name(rnd, facts.assigned_website),
        customer_id=facts.customer_id,
        contact_id=facts.contact_id,
        contact_active=facts.contact_active,
    )
