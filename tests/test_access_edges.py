"""Edges of granting and revoking access that mutation testing found unpinned.

The words of refusals and of the log, the facts a grant's check keeps when
it refuses, the password a login keeps or loses, the cost its hash is made
with, and the rules a check is handed back as they were.
"""

import logging
import re
from collections.abc import Callable

import attrs
import pytest

from ccroles import (
    AssignPassword,
    Grant,
    LoginId,
    Password,
    SendNotification,
    grant_access,
    revoke_access,
    set_password,
)
from ccroles.access import apply_grant, check_grant
from ccroles.access_emails import SetUpNotification, link_url
from ccroles.accounts import Account
from ccroles.customers import Customer
from ccroles.exceptions import (
    InvalidFieldError,
    MissingNotificationSettingsError,
    MissingValueError,
    UnknownReferenceError,
    WeakPasswordError,
)
from ccroles.logins import Login
from ccroles.notifications import NotificationSettings
from ccroles.passwords import PasswordHash
from tests.access_fixtures import CHEAP_SCRYPT, NOW, account

GOOD = "plum-tractor-44"


def notify(customer: str = "101", contact: str | None = None, **fields: str) -> Grant:
    """A grant by notification; keyword arguments fill the other fields."""
    return Grant(LoginId(customer, contact=contact), SendNotification(), **fields)


def assign(login: LoginId, password: str, **fields: str) -> Grant:
    """A grant to *login* with an assigned password, confirmed."""
    procedure = AssignPassword(Password(password), Password(password))
    return Grant(login, procedure, **fields)


# The words of refusals


@pytest.mark.parametrize(
    ("act", "error", "message"),
    [
        (
            lambda: grant_access(
                account(notification=None), notify(role="Customer Center")
            ),
            MissingNotificationSettingsError,
            (
                "cannot notify customer 'ACME': the account has no notification "
                "settings (administrator email and customer center login address)"
            ),
        ),
        (
            lambda: grant_access(account(), notify(contact="c1")),
            MissingValueError,
            "contact 'c1' of customer 'ACME' has no role; give one to grant access",
        ),
        (
            lambda: set_password(
                account(), LoginId("102"), Password(GOOD), Password(GOOD)
            ),
            MissingValueError,
            "customer 'BOLT' has no email; give one to grant access",
        ),
        (
            lambda: revoke_access(account(), LoginId("999")),
            UnknownReferenceError,
            "the account names customer '999', which the account lacks",
        ),
        (
            lambda: revoke_access(account(), LoginId("101", contact="c9")),
            UnknownReferenceError,
            "customer 'ACME' names contact 'c9', which the account lacks",
        ),
        (
            lambda: link_url("http://shop.example/reset", "t0k"),
            InvalidFieldError,
            (
                "link base URL 'http://shop.example/reset' is refused; expected an "
                "absolute https address (http only for localhost, 127.0.0.1 or [::1])"
            ),
        ),
    ],
    ids=["no-settings", "no-role", "no-email", "no-customer", "no-contact", "http"],
)
def test_an_access_refusal_names_the_login_and_what_it_lacks(
    act: Callable[[], object], error: type[Exception], message: str
) -> None:
    """A refused grant, password or revocation says whose and what is missing."""
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        act()


def test_an_assigned_password_may_not_be_the_email_the_grant_gives() -> None:
    """The password is checked against the login's new email, not only its old one."""
    grant = assign(
        LoginId("101"),
        "quartermaster",
        email="quartermaster@acme.example",
        role="Customer Center",
    )
    with pytest.raises(WeakPasswordError, match="it is the login email or the part"):
        grant_access(account(), grant, scrypt=CHEAP_SCRYPT)


# What a check finds and keeps


def test_an_assigned_password_may_not_be_the_customer_id_with_a_few_added() -> None:
    """The customer's id counts as a name to guess, beside its emails' parts."""
    globex = Customer("105", "GLOBEX", email="pay@shop.example")
    grant = assign(LoginId("105"), "GLOBEX12", role="Customer Center")
    with pytest.raises(WeakPasswordError, match="the customer's id or email with"):
        grant_access(account().with_customer(globex), grant, scrypt=CHEAP_SCRYPT)


def test_a_contact_given_access_with_a_new_email_gets_it() -> None:
    """A contact's grant changes the contact's email, not the customer's."""
    grant = notify(contact="c1", email="ledger@acme.example", role="Accountant")
    customer = grant_access(account(), grant, now=NOW).account.customer("101")
    assert (customer.email, customer.contacts[0].email) == (
        "ap@acme.example",
        "ledger@acme.example",
    )


def test_a_check_reports_every_fault_with_one_from_the_account_rules() -> None:
    """An email another login has does not hide the grant's own faults."""
    check = check_grant(account(), notify(email="it@core.example", role="Nope"))
    assert [fault.field for fault in check.faults] == ["email", "role"]


def test_a_check_reports_a_website_the_account_lacks() -> None:
    """The check itself refuses an unknown website, before any account is built."""
    check = check_grant(account(), notify(role="Customer Center", website="Shop"))
    assert [fault.field for fault in check.faults] == ["assigned_website"]
    assert str(check.faults[0].error) == (
        "customer 'ACME' names website 'Shop', which the account lacks"
    )


@pytest.mark.parametrize("website", [None, "Main Store"])
def test_a_grant_keeping_email_and_website_tries_no_changed_record(
    website: str | None,
) -> None:
    """The same email and the same (or no) website leave nothing to try."""
    base = account()
    acme = attrs.evolve(base.customer("101"), assigned_website="Main Store")
    grant = Grant(
        LoginId("101"), SendNotification(), role="Customer Center", website=website
    )
    check = check_grant(base.with_customer(acme), grant)
    assert (check.allowed, check.tried) == (True, None)


def test_a_refused_check_keeps_the_grant_its_login_and_the_record_tried() -> None:
    """A refusal still says which grant, which login, where, and what was tried."""
    base = account(notification=None)
    dune = base.customer("104")
    grant = notify("104", email="new@dune.example")
    check = check_grant(base, grant)
    assert [fault.field for fault in check.faults] == ["procedure"]
    assert check.grant is grant
    assert check.login == Login(dune)
    assert check.position == 3
    assert check.tried == attrs.evolve(dune, email="new@dune.example", give_access=True)


def test_a_refused_check_gives_back_rules_that_held_problems_before() -> None:
    """Problems the rules held before the check are still there after a refusal."""
    base = account(notification=None)
    rules = base.rules()
    bolt = base.customer("102")
    earlier = rules.replace_customer(
        1, bolt, attrs.evolve(bolt, email="it@core.example")
    )
    assert len(earlier) == 1
    check = check_grant(base, notify("104", email="new@dune.example"), rules=rules)
    assert not check.allowed
    assert rules.problems == earlier


def test_applying_a_check_with_a_fault_raises_it_even_with_an_email() -> None:
    """A check that found a fault is refused, whatever else it holds."""
    base = account()
    check = check_grant(base, notify())  # no role: one fault
    assert [fault.field for fault in check.faults] == ["role"]
    with pytest.raises(MissingValueError, match="has no role"):
        apply_grant(base, attrs.evolve(check, email="ap@acme.example"))


# Passwords kept, forgotten, and hashed


def test_a_set_password_link_token_holds_32_random_bytes() -> None:
    """The link's token is 32 random bytes: 43 URL-safe characters."""
    mail = grant_access(account(), notify(role="Customer Center"), now=NOW).notification
    assert mail is not None
    assert len(mail.token) == 43


def test_a_contact_given_access_again_keeps_its_own_password() -> None:
    """A contact with access keeps its own hash, not its customer's (none)."""
    contact = LoginId("101", contact="c1")
    first = grant_access(
        account(), assign(contact, GOOD, role="Accountant"), scrypt=CHEAP_SCRYPT
    )
    stored = first.account.customer("101").contacts[0].password_hash
    assert stored is not None
    again = grant_access(first.account, notify(contact="c1"))
    assert again.account.customer("101").contacts[0].password_hash == stored


def test_a_login_without_access_given_access_starts_without_a_password() -> None:
    """A hash set while the login had no access is not kept by a grant."""
    with_hash = set_password(
        account(), LoginId("101"), Password(GOOD), Password(GOOD), scrypt=CHEAP_SCRYPT
    )
    assert with_hash.customer("101").password_hash is not None
    granted = grant_access(with_hash, notify(role="Customer Center"))
    assert granted.account.customer("101").password_hash is None


def _assigned(base: Account) -> PasswordHash | None:
    """The hash a grant with an assigned password stores, at the cheap cost."""
    grant = assign(LoginId("101"), GOOD, role="Customer Center")
    granted = grant_access(base, grant, scrypt=CHEAP_SCRYPT)
    return granted.account.customer("101").password_hash


def _set(base: Account) -> PasswordHash | None:
    """The hash set_password stores, at the cheap cost."""
    changed = set_password(
        base, LoginId("101"), Password(GOOD), Password(GOOD), scrypt=CHEAP_SCRYPT
    )
    return changed.customer("101").password_hash


@pytest.mark.parametrize("store", [_assigned, _set], ids=["grant", "set_password"])
def test_a_password_is_hashed_at_the_cost_asked_for(
    store: Callable[[Account], PasswordHash | None],
) -> None:
    """The scrypt= cost given is the one the stored hash records."""
    stored = store(account())
    assert stored is not None
    assert (stored.n, stored.r, stored.p) == (2, 1, 1)
    assert stored.verify(GOOD)


def test_a_revoked_login_keeps_its_email_and_role() -> None:
    """Revoking forgets access and the hash, never the email or the role."""
    customer = revoke_access(account(), LoginId("103")).account.customer("103")
    assert (customer.give_access, customer.email, customer.role) == (
        False,
        "it@core.example",
        "Customer Center",
    )


# The log


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (
            lambda: grant_access(
                account(), notify(contact="c1", role="Accountant"), now=NOW
            ),
            "gave contact 'c1' of customer 'ACME' access with role 'Accountant'",
        ),
        (
            lambda: revoke_access(account(), LoginId("101", contact="c1")),
            "revoked access of contact 'c1' of customer 'ACME'",
        ),
        (
            lambda: set_password(
                account(),
                LoginId("101"),
                Password(GOOD),
                Password(GOOD),
                scrypt=CHEAP_SCRYPT,
            ),
            "set the password of customer 'ACME'",
        ),
    ],
    ids=["grant", "revoke", "set_password"],
)
def test_each_access_change_logs_one_line_naming_the_login(
    caplog: pytest.LogCaptureFixture, act: Callable[[], object], message: str
) -> None:
    """A grant, a revocation and a password set each log what they did, to whom."""
    caplog.set_level(logging.INFO, logger="ccroles.access")
    act()
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "ccroles.access"
    ] == [message]


def test_the_set_up_email_reads_word_for_word() -> None:
    """The set-up email a login receives, subject and body, as a person reads it."""
    settings = NotificationSettings(
        "admin@seller.example",
        "https://seller.example/customer-center",
        "https://seller.example/set-password",
    )
    email = SetUpNotification("ap@acme.example", "ACME", settings)
    assert email.subject == "Your customer center access"
    assert email.body == (
        "Hello,\n"
        "\n"
        "Your administrator has set up your access to our customer center.\n"
        "\n"
        "Log in at: https://seller.example/customer-center\n"
        "Your login email: ap@acme.example\n"
        "\n"
        "Your administrator will give you your password by other means: a password\n"
        "is never sent by email.\n"
        "\n"
        "Questions? Write to admin@seller.example.\n"
    )
