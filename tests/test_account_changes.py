"""One customer changed: ``Account.with_customer`` and ``Engine.with_account``.

The property tests (tests/property/test_account_change_properties.py) hold a
change to a full rebuild; these pin the edges.
"""

import attrs
import pytest

from ccroles import (
    Account,
    Customer,
    Engine,
    Grant,
    LoginId,
    SendNotification,
    grant_access,
    revoke_access,
)
from ccroles.account_rules import AccountRules
from ccroles.exceptions import DuplicateReferenceError, UnknownReferenceError
from tests.access_fixtures import SETTINGS

ACME = Customer("101", "ACME", email="ap@acme.example", role="Customer Center")
GLOBEX = Customer("102", "GLOBEX", email="ap@globex.example")
ACCOUNT = Account(websites=["Main"], customers=[ACME, GLOBEX])


def test_a_replaced_customer_keeps_its_place() -> None:
    """The customers tuple: the new record where the old one stood."""
    changed = ACCOUNT.with_customer(attrs.evolve(ACME, give_access=True))
    assert [c.customer_id for c in changed.customers] == ["ACME", "GLOBEX"]
    assert changed.customers[0].give_access
    assert not ACCOUNT.customers[0].give_access


def test_a_new_customer_is_added_at_the_end() -> None:
    """An internal id the account lacks: a new customer, checked like any."""
    initech = Customer("103", "INITECH", email="ap@initech.example")
    changed = ACCOUNT.with_customer(initech)
    assert changed.customers[-1] == initech
    assert changed.customer("103") == initech
    assert changed.find_login("AP@initech.example") is not None
    assert ACCOUNT.find_login("ap@initech.example") is None
    with pytest.raises(DuplicateReferenceError, match="customer id 'ACME'"):
        ACCOUNT.with_customer(Customer("104", "ACME"))


def test_an_email_given_up_is_free_for_another_customer() -> None:
    """A change releases the old record's emails before checking the new one."""
    moved = ACCOUNT.with_customer(attrs.evolve(ACME, email="pay@acme.example"))
    assert moved.find_login("ap@acme.example") is None
    taken = moved.with_customer(attrs.evolve(GLOBEX, email="AP@acme.example"))
    assert taken.login("ap@acme.example").customer.customer_id == "GLOBEX"
    with pytest.raises(DuplicateReferenceError, match="already taken"):
        ACCOUNT.with_customer(attrs.evolve(GLOBEX, email="AP@acme.example"))


def test_a_change_naming_what_the_account_lacks_is_refused() -> None:
    """The account rules hold for the changed customer."""
    with pytest.raises(UnknownReferenceError, match="website 'Mian'"):
        ACCOUNT.with_customer(attrs.evolve(ACME, assigned_website="Mian"))


def test_an_engine_follows_a_change_and_keeps_its_answers() -> None:
    """The engine changed from answers as before; the new one, as rebuilt."""
    engine = Engine(ACCOUNT)
    assert not engine.allows("ap@acme.example", "Make a Payment")
    changed = ACCOUNT.with_customer(attrs.evolve(ACME, give_access=True))
    following = engine.with_account(changed)
    assert following.allows("ap@acme.example", "Make a Payment")
    assert not engine.allows("ap@acme.example", "Make a Payment")
    assert following.decide("ap@acme.example", "Make a Payment") == Engine(
        changed
    ).decide("ap@acme.example", "Make a Payment")


def test_an_engine_for_other_settings_is_built_afresh() -> None:
    """Other roles or settings: the per-role work is done again."""
    engine = Engine(ACCOUNT, log_decisions=True)
    switched_off = engine.with_account(attrs.evolve(ACCOUNT, customer_access=False))
    assert switched_off.log_decisions
    granted = ACCOUNT.with_customer(attrs.evolve(ACME, give_access=True))
    assert engine.with_account(granted).allows("ap@acme.example", "Make a Payment")
    off = attrs.evolve(granted, customer_access=False)
    assert not engine.with_account(off).allows("ap@acme.example", "Make a Payment")


def test_grants_and_revocations_change_one_customer() -> None:
    """grant_access and revoke_access give the account a rebuild would."""
    grant = Grant(LoginId("101"), SendNotification(), role="Customer Center")
    account = attrs.evolve(ACCOUNT, notification=SETTINGS)
    granted = grant_access(account, grant).account
    assert granted == attrs.evolve(granted)
    revoked = revoke_access(granted, LoginId("101")).account
    assert revoked == attrs.evolve(revoked)
    assert not revoked.customer("101").give_access


def test_rules_built_by_hand_copy_entry_by_entry() -> None:
    """Rules not yet shared by an account are copied whole; the copy is apart."""
    rules = AccountRules()
    rules.check_customer(0, ACME)
    copy = rules.copy()
    copy.replace_customer(0, ACME, attrs.evolve(ACME, email="pay@acme.example"))
    assert set(rules.logins) == {"ap@acme.example"}
    assert set(copy.logins) == {"pay@acme.example"}


def test_sharing_rules_twice_keeps_their_indexes() -> None:
    """The rules of a built account are shared already: sharing again is a no-op."""
    rules = ACCOUNT.rules()
    logins = rules.logins
    assert rules.share().logins is logins


@pytest.mark.parametrize("account", [ACCOUNT, ACCOUNT.with_customer(GLOBEX)])
def test_rules_for_many_changes_are_plain_dicts_and_apart(account: Account) -> None:
    """``rules(shared=False)``: every per-customer index a dict of its own."""
    rules = account.rules(shared=False)
    for name in ("logins", "customers", "positions"):
        index = getattr(rules, name)
        assert type(index) is dict
        assert index == dict(getattr(account.rules(), name).items())
    rules.replace_customer(0, ACME, attrs.evolve(ACME, email="pay@acme.example"))
    assert set(account.rules().logins) == {"ap@acme.example", "ap@globex.example"}
    assert set(rules.logins) == {"pay@acme.example", "ap@globex.example"}
