"""The test kit's accounts as people type them: what each strategy promises."""

from __future__ import annotations

import random

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from ccroles import Account, Customer, Engine, LoginFacts, Role
from ccroles.names import email_key, fold
from ccroles.testing import (
    accounts_as_typed,
    email_spellings,
    id_spellings,
    login_facts,
    lookalike_ids,
    respell,
    staff_roles,
)


@given(staff_roles())
def test_staff_roles_are_no_customer_center_roles(role: Role) -> None:
    """A staff role logs in to another center."""
    assert not role.center_type.is_customer_center


@given(email_spellings("AP@Acme.example"))
def test_email_spellings_find_the_same_login(spelt: str) -> None:
    """Any case of the email has the email's key."""
    assert email_key(spelt) == "ap@acme.example"


_LONG_EMAIL = "a" * 64 + "@" + "b" * 181 + ".example"  # 254 characters, the most


def test_email_spellings_shrink_to_the_email_as_written() -> None:
    """With nothing asked of it, the spelling is the email unchanged."""
    assert len(_LONG_EMAIL) == 254
    assert find(email_spellings(_LONG_EMAIL), lambda _: True) == _LONG_EMAIL


@pytest.mark.parametrize("position", [0, 63, 65, 244, 253])
def test_email_spellings_vary_each_letter_of_the_longest_email(position: int) -> None:
    """Each letter may change case, the last of a 254-character email too."""
    changed = find(
        email_spellings(_LONG_EMAIL), lambda email: email[position].isupper()
    )
    assert changed.lower() == _LONG_EMAIL


def test_id_spellings_offer_the_integer_only_for_its_decimal_text() -> None:
    """``"101"`` may come as ``101``; ``"0101"`` and ``"A1"`` only as text."""
    assert find(id_spellings("101"), lambda value: isinstance(value, int)) == 101
    for text in ("0101", "A1", "\uff11"):
        assert find(id_spellings(text), lambda _: True) == text
        assert not any(isinstance(value, int) for value in _all(id_spellings(text)))


def _all(strategy: st.SearchStrategy[object]) -> set[object]:
    seen: set[object] = set()

    @settings(max_examples=30, database=None)
    @given(strategy)
    def collect(value: object) -> None:
        seen.add(value)

    collect()
    return seen


@given(
    st.sampled_from(["101", "A-1", "x"]).flatmap(
        lambda i: st.tuples(st.just(i), lookalike_ids(i))
    )
)
def test_lookalike_ids_are_other_ids(pair: tuple[str, str]) -> None:
    """A look-alike is never the id itself."""
    internal_id, lookalike = pair
    assert lookalike != internal_id


def test_respell_keeps_the_name() -> None:
    """Every spelling folds to the name's key, and some differ from it."""
    rnd = random.Random(7)  # noqa: S311 (test data, not secrets)
    spelt = {respell(rnd, "Wholesale Portal") for _ in range(50)}
    assert {fold(each) for each in spelt} == {"wholesale portal"}
    assert len(spelt) > 1


@settings(max_examples=20)
@given(accounts_as_typed(customer_access=True))
def test_accounts_as_typed_hold_and_answer_by_their_own_names(account: Account) -> None:
    """Every role and website a login names is the account's, however spelt."""
    engine = Engine(account)
    for login in account.logins():
        if login.role is not None:
            account.role(login.role)
        if login.assigned_website is not None:
            account.website(login.assigned_website)
        assert isinstance(engine.allows_sign_in(str(login.email)), bool)


def test_accounts_as_typed_reach_respelt_names_and_integer_ids() -> None:
    """Names in another spelling than the account's, and integer-looking ids."""
    first = settings(database=None, phases=[Phase.generate])  # found, not shrunk
    respelt = find(
        accounts_as_typed(),
        lambda account: any(
            login.role is not None and login.role != account.role(login.role).name
            for login in account.logins()
        ),
        settings=first,
    )
    assert any(respelt.logins())
    numeric = find(
        accounts_as_typed(),
        lambda account: any(c.internal_id.strip().isdigit() for c in account.customers),
        settings=first,
    )
    assert numeric.customers


@given(st.data())
def test_login_facts_answer_as_their_login(data: st.DataObject) -> None:
    """The facts of a login, as typed, get the login's own answers."""
    account = Account(
        websites=["Main Store"],
        customers=[
            Customer(
                "101",
                "ACME",
                email="ap@acme.example",
                give_access=True,
                role="Customer Center",
                assigned_website="Main Store",
            )
        ],
    )
    facts = data.draw(login_facts(account))
    assert isinstance(facts, LoginFacts)
    engine = Engine(account)
    assert engine.allows_sign_in(facts, "main store")
    assert engine.allows_sign_in(facts) == engine.allows_sign_in("ap@acme.example")


def test_login_facts_of_an_account_without_logins_are_none() -> None:
    """No login, no facts: the strategy is empty."""

    @settings(max_examples=5)
    @given(login_facts(Account()))
    def never(facts: LoginFacts) -> None:
        raise AssertionError(facts)

    with pytest.raises(Unsatisfiable):
        never()
