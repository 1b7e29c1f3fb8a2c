"""Strategies for whole accounts: customers, contacts, forms, and their logins."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
from hypothesis import strategies as st

from ccroles.account_rules import account_problems
from ccroles.accounts import Account
from ccroles.customers import Contact, Customer
from ccroles.forms import (
    FormField,
    FormPreferences,
    PrintingType,
    RecordType,
    TransactionForm,
    allows_preferred_form,
)
from ccroles.names import fold
from ccroles.policy import Engine
from ccroles.roles import BUILTIN_ROLES, Role
from ccroles.testing._roles import custom_roles, role_names
from ccroles.testing._spellings import (
    _AROUND,
    _CASE_NUMBER,
    _spell,
    any_emails,
    any_ids,
    any_names,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from ccroles.logins import Login

__all__ = [
    "accounts",
    "contacts",
    "customers",
    "form_preferences",
    "keep_fitting",
    "logins",
    "transaction_forms",
]


_T = TypeVar("_T")


# One of an account's names, picked before the names are known: an index
# (taken modulo their number) and a spelling of the name (see _spell). The
# strategies below are made once: a strategy made for each account drawn
# would be checked again by Hypothesis each time, which cost more than the
# drawing.
_PICK: Final = st.none() | st.tuples(
    st.integers(0, 2**32 - 1), _CASE_NUMBER, _AROUND, _AROUND
)
_Pick = tuple[int, int, str, str] | None


def _picked(pick: _Pick, values: Sequence[str]) -> str | None:
    """The name of *values* that *pick* picks, spelt its way; or None."""
    if pick is None or not values:
        return None
    index, number, before, after = pick
    return _spell(values[index % len(values)], number, before, after)


_CONTACT_FIELDS: Final = st.fixed_dictionaries(
    {
        "id": any_ids(),
        "email": st.none() | any_emails(),
        "give_access": st.booleans(),
        "role": _PICK,
        "active": st.booleans(),
    }
)


def _contact(fields: dict[str, Any], roles: Sequence[str]) -> Contact:
    return Contact(**{**fields, "role": _picked(fields["role"], roles)})


def contacts(*, roles: Sequence[str] = ()) -> st.SearchStrategy[Contact]:
    """Contacts with any id, maybe an email, and maybe one of *roles*."""
    return _CONTACT_FIELDS.map(functools.partial(_contact, roles=tuple(roles)))


@functools.cache
def _customer_fields(max_contacts: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "internal_id": any_ids(),
            "customer_id": any_ids(),
            "email": st.none() | any_emails(),
            "give_access": st.booleans(),
            "role": _PICK,
            "assigned_website": _PICK,
            "active": st.booleans(),
            "also_vendor": st.booleans(),
            "also_partner": st.booleans(),
            "also_employee": st.booleans(),
            "contacts": st.lists(_CONTACT_FIELDS, max_size=max_contacts),
        }
    )


def _customer(
    fields: dict[str, Any], roles: Sequence[str], websites: Sequence[str]
) -> Customer:
    unique: dict[str, Contact] = {}
    for each in fields["contacts"]:
        contact = _contact(each, roles)
        unique.setdefault(contact.id, contact)
    return Customer(
        **{
            **fields,
            "role": _picked(fields["role"], roles),
            "assigned_website": _picked(fields["assigned_website"], websites),
            "contacts": list(unique.values()),
        }
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
    build = functools.partial(_customer, roles=tuple(roles), websites=tuple(websites))
    return _customer_fields(max_contacts).map(build)


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


def keep_fitting(
    candidates: Iterable[_T], fits: Callable[[list[_T]], bool]
) -> list[_T]:
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
    >>> from ccroles import CenterType, Role
    >>> staff = Role("Staff", center_type=CenterType.SALES)
    >>> @settings(max_examples=20)  # an account is costly to draw: keep doctests quick
    ... @given(accounts(customer_access=True, extra_roles=[staff]))
    ... def test_the_account(account):
    ...     assert account.customer_access and staff in account.custom_roles
    >>> test_the_account()
    """
    drawn_roles = _role_sets(
        max_roles=max_roles, max_depth=max_depth, extra=extra_roles
    )
    roles = (*draw(drawn_roles), *extra_roles)
    websites = keep_fitting(
        draw(st.lists(any_names(max_size=10), max_size=3)),
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
            str.__add__, any_names(max_size=10), st.sampled_from(["", " (External)"])
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
    prefer (:func:`~ccroles.forms.allows_preferred_form`); a website's Sales Order Type
    is a sales order form.
    """
    preferences = FormPreferences()
    if not forms:
        return preferences
    for form in draw(st.lists(st.sampled_from(forms), max_size=3)):
        preferences = preferences.with_account_form(form)
    pairs = [
        (role, form)
        for role in roles
        for form in forms
        if allows_preferred_form(role, form)
    ]
    if pairs:
        for role, form in draw(st.lists(st.sampled_from(pairs), max_size=3)):
            preferences = preferences.with_role_form(role, form)
    orders = [f for f in forms if f.record_type is RecordType.SALES_ORDER]
    if orders and websites:
        chosen = st.tuples(st.sampled_from(websites), st.sampled_from(orders))
        for website, form in draw(st.lists(chosen, max_size=2)):
            preferences = preferences.with_website_order_form(website, form)
    return preferences


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
    >>> from ccroles import Account, Customer, Engine
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
            login for login in chosen if engine.allows_sign_in(login) == may_sign_in
        ]
    return st.sampled_from(chosen) if chosen else st.nothing()
