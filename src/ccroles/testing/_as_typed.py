"""Accounts as people type them: spellings, ids, staff roles, login facts.

What the rules accept besides the canonical spelling: a differential test
(the Cedar export against the engine, say) that draws from here meets the
accounts a grant, a CSV import or a portal's own rows make.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, TypeVar

import attrs
from hypothesis import strategies as st

from ccroles.account_rules import account_problems
from ccroles.customers import Contact, Customer
from ccroles.logins import LoginFacts
from ccroles.testing._accounts import accounts, keep_fitting
from ccroles.testing._roles import staff_roles
from ccroles.testing._spellings import cases_of, id_spellings, respell

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ccroles.accounts import Account

__all__ = [
    "accounts_as_typed",
    "login_facts",
]


def _respelt_name(rnd: random.Random, name: str | None) -> str | None:
    return None if name is None else respell(rnd, name)


def _respelt_email(rnd: random.Random, email: str | None) -> str | None:
    if email is None:
        return None
    return "".join(rnd.choice(cases_of(char)) for char in email)


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
    kept = keep_fitting(
        customers,
        lambda kept: (
            not account_problems(
                roles=account.custom_roles, websites=account.websites, customers=kept
            )
        ),
    )
    return attrs.evolve(account, customers=kept)


@st.composite
def login_facts(draw: st.DrawFn, account: Account) -> LoginFacts:
    """The facts a portal holds of one of *account*'s logins, as it types them.

    The role and Assigned Website in any spelling, the internal id as an
    integer when it is one: :class:`~ccroles.logins.LoginFacts` that the
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
