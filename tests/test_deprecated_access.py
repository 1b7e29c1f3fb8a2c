"""Old access names keep working for one release, with a DeprecationWarning."""

import importlib

import pytest

from ccroles import (
    Account,
    Grant,
    LoginId,
    Password,
    SendNotification,
    access_emails,
    access_report,
    grant_access,
    import_access,
    revoke_access,
    set_password,
)
from ccroles.exceptions import UnknownLoginError
from tests.access_fixtures import CHEAP_SCRYPT, account


@pytest.mark.parametrize(
    ("old_module", "name", "new_module"),
    [
        ("ccroles.access", "link_url", access_emails),
        ("ccroles.access", "SET_UP_SUBJECT", access_emails),
        ("ccroles.access", "SET_UP_TEMPLATE", access_emails),
        ("ccroles.access_csv", "CSV_COLUMNS", access_report),
        ("ccroles.access_csv", "ImportProblem", access_report),
        ("ccroles.access_csv", "ImportReport", access_report),
        ("ccroles.access_csv", "render_report", access_report),
    ],
)
def test_a_moved_name_warns_and_is_the_new_one(
    old_module: str, name: str, new_module: object
) -> None:
    """A name moved out of an access module is found there, with a warning."""
    module = importlib.import_module(old_module)
    with pytest.warns(DeprecationWarning, match=f"{old_module}.{name} is deprecated"):
        old = getattr(module, name)
    assert old is getattr(new_module, name)


def test_an_unknown_name_is_still_refused() -> None:
    """The old modules' lookup of moved names refuses any other name."""
    module = importlib.import_module("ccroles.access_csv")
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        module.nothing  # noqa: B018


@pytest.mark.parametrize("lines", [["Internal ID,Give Access"], ["Give Access"]])
def test_import_report_ok_warns_and_answers_found_no_problem(lines: list[str]) -> None:
    """ImportReport.ok is ImportReport.found_no_problem, with a warning."""
    report = import_access(Account(), lines)
    with pytest.warns(DeprecationWarning, match=r"ImportReport\.ok is deprecated"):
        old = report.ok
    assert old is report.found_no_problem


def test_a_grant_by_customer_id_warns_and_names_the_same_login() -> None:
    """Grant(customer, procedure, contact=...) is Grant(LoginId(...), procedure)."""
    with pytest.warns(DeprecationWarning, match=r"Grant\(customer, procedure") as got:
        old = Grant("101", SendNotification(), contact="c1", role="Accountant")
    new = Grant(LoginId("101", contact="c1"), SendNotification(), role="Accountant")
    assert old == new
    (warning,) = got
    assert str(warning.message) == (
        "Grant(customer, procedure, contact=...) is deprecated, use "
        "Grant(LoginId(customer, contact=...), procedure); the old name goes in "
        "the next release"
    )
    assert warning.filename == __file__  # the line that made the grant


def test_a_grant_with_a_login_id_refuses_a_contact_beside_it() -> None:
    """A LoginId names its contact: contact= beside one is a mistake."""
    with pytest.raises(
        TypeError, match=r"^a grant names its contact in its LoginId, not as contact=$"
    ):
        Grant(LoginId("101"), SendNotification(), "c1")


@pytest.mark.parametrize("contact", [None, "c1"])
def test_revoke_access_by_customer_id_warns_and_revokes_the_same_login(
    contact: str | None,
) -> None:
    """revoke_access(account, customer, contact=...) revokes LoginId(...)'s access."""
    grant = Grant(LoginId("101"), SendNotification(), role="Customer Center")
    before = grant_access(account(), grant)
    with pytest.warns(
        DeprecationWarning, match=r"revoke_access\(account, customer"
    ) as got:
        old = revoke_access(before.account, "101", contact=contact)
    new = revoke_access(before.account, LoginId("101", contact=contact))
    assert old == new
    (warning,) = got
    assert str(warning.message) == (
        "revoke_access(account, customer, contact=...) is deprecated, use "
        "revoke_access(account, LoginId(customer, contact=...)); the old name "
        "goes in the next release"
    )
    assert warning.filename == __file__  # the line that revoked


def test_revoke_access_with_a_login_id_refuses_a_contact_beside_it() -> None:
    """A LoginId names its contact: contact= beside one is a mistake."""
    with pytest.raises(
        TypeError,
        match=r"^revoke_access names the contact in its LoginId, not as contact=$",
    ):
        revoke_access(account(), LoginId("101"), contact="c1")


def test_set_password_by_email_warns_and_sets_the_same_login() -> None:
    """set_password(account, email, ...) sets LoginId.of(account.login(email))'s."""
    base = account()
    password = Password("plum-tractor-44")
    with pytest.warns(DeprecationWarning, match=r"set_password\(account, email") as got:
        old = set_password(
            base, "BOOKS@acme.example", password, password, scrypt=CHEAP_SCRYPT
        )
    (warning,) = got
    assert str(warning.message) == (
        "set_password(account, email, ...) is deprecated, use "
        "set_password(account, LoginId.of(account.login(email)), ...); the old "
        "name goes in the next release"
    )
    assert warning.filename == __file__  # the line that set the password
    login = LoginId.of(base.login("books@acme.example"))
    assert login == LoginId("101", contact="c1")
    new = set_password(base, login, password, password, scrypt=CHEAP_SCRYPT)
    old_hash = old.login("books@acme.example").contact
    new_hash = new.login("books@acme.example").contact
    assert old_hash is not None
    assert new_hash is not None
    assert old_hash.password_hash is not None
    assert old_hash.password_hash.verify("plum-tractor-44")
    assert new_hash.password_hash is not None
    assert new_hash.password_hash.verify("plum-tractor-44")


def test_set_password_by_an_unknown_email_still_says_so() -> None:
    """The old form refuses an email no login has, as it did."""
    password = Password("plum-tractor-44")
    with (
        pytest.warns(DeprecationWarning, match="set_password"),
        pytest.raises(UnknownLoginError),
    ):
        set_password(account(), "who@nowhere.example", password, password)


@pytest.mark.parametrize(
    ("old", "new"),
    [("customer", "101"), ("contact", "c1")],
    ids=["customer", "contact"],
)
def test_a_grants_old_fields_warn_and_read_its_login(old: str, new: str) -> None:
    """Grant.customer and Grant.contact read Grant.login's, with a warning."""
    grant = Grant(LoginId("101", contact="c1"), SendNotification())
    with pytest.warns(DeprecationWarning, match=rf"Grant\.{old} is deprecated"):
        value = getattr(grant, old)
    assert value == new == getattr(grant.login, old)
