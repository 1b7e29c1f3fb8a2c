import csv
import io

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from ccroles import (
    Account,
    AssignPassword,
    CCRolesError,
    Customer,
    Grant,
    Password,
    SendNotification,
    grant_access,
    import_access,
    revoke_access,
)
from ccroles.access_values import LoginId, Procedure
from ccroles.passwords import PasswordHash
from tests.access_fixtures import CHEAP_SCRYPT, NOW, account

HEADER = [
    "Internal ID",
    "Give Access",
    "Email",
    "Role",
    "Send New Access Notification Email",
    "Manually Assign or Change Password",
    "Password",
    "Confirm Password",
]
PASSWORDS = ["plum-tractor-44", "short", "plum-tractor-45"]
FAKE_SALT = b"normalized-salt!"
Row = tuple[str, str, str, str, str, str, str]

EMAILS = [
    "",
    "ap@acme.example",
    "AP@ACME.EXAMPLE",
    "new@shop.example",
    "other@shop.example",
    "d@dune.example",
    "books@acme.example",
    "bad email",
]

any_row = st.tuples(
    st.sampled_from(["101", "102", "103", "104", "999"]),
    st.sampled_from(["yes", "no", "N", "maybe"]),
    st.sampled_from(EMAILS),
    st.sampled_from(["", "Customer Center", "Accountant", "Nope"]),
    st.sampled_from(["notify", "manual", "none", "both"]),
    st.sampled_from(PASSWORDS),
    st.sampled_from(PASSWORDS),
)


@st.composite
def _plausible_row(draw: st.DrawFn, customer: str) -> Row:
    """A row for *customer* that may well be applied: a grant or a revocation."""
    if draw(st.integers(0, 3)) == 0:
        return (customer, draw(st.sampled_from(["no", "N"])), "", "", "none", "", "")
    role = draw(st.sampled_from(["Customer Center", "Accountant", ""]))
    procedure = draw(st.sampled_from(["notify", "manual"]))
    own = f"{customer}@shop.example"
    email = draw(st.sampled_from(["", "", own, *EMAILS[1:-1]]))
    return (customer, "yes", email, role, procedure, PASSWORDS[0], PASSWORDS[0])


@st.composite
def tables(draw: st.DrawFn) -> list[Row]:
    """Up to four plausible rows, one per customer, sometimes with a wild row."""
    customers = draw(st.permutations(["101", "102", "103", "104"]))
    size = draw(st.integers(0, 4))
    table = [draw(_plausible_row(customer)) for customer in customers[:size]]
    if draw(st.integers(0, 2)) == 0:
        table.insert(draw(st.integers(0, len(table))), draw(any_row))
    return table


def _csv(table: list[Row]) -> list[str]:
    """The rows as CSV lines, with the header."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for customer, give, email, role, procedure, password, confirm in table:
        manual = procedure in {"manual", "both"}
        writer.writerow(
            [
                customer,
                give,
                email,
                role,
                "yes" if procedure in {"notify", "both"} else "",
                "yes" if manual else "",
                password if manual else "",
                confirm if manual else "",
            ]
        )
    return out.getvalue().splitlines(keepends=True)


def _procedure(row: Row) -> Procedure | None:
    kind, password, confirm = row[4], row[5], row[6]
    if kind == "notify":
        return SendNotification()
    if kind in {"manual", "both"}:
        return AssignPassword(
            Password(password), Password(confirm), notify=kind == "both"
        )
    return None


def _row_by_row(start: Account, table: list[Row]) -> tuple[Account, list[str]] | None:
    """Grant or revoke row by row; ``None`` when some row cannot be applied."""
    current, recipients = start, []
    if len({row[0] for row in table}) != len(table):
        return None
    for row in table:
        customer, give, email, role = row[:4]
        procedure = _procedure(row)
        try:
            if give == "yes" and procedure is not None:
                grant = Grant(
                    LoginId(customer), procedure, email=email or None, role=role or None
                )
                granted = grant_access(current, grant, scrypt=CHEAP_SCRYPT, now=NOW)
                current = granted.account
                if granted.notification is not None:
                    recipients.append(granted.notification.recipient)
            elif give in {"no", "N"} and row[4] == "none":
                current = revoke_access(current, LoginId(customer)).account
            else:
                return None
        except CCRolesError:
            return None
    return current, recipients


def _normalized(customer: Customer) -> Customer:
    """The customer with its random-salted hash replaced by a fixed one."""
    stored = customer.password_hash
    if stored is None:
        return customer
    text = next(p for p in PASSWORDS if stored.verify(p))
    fixed = PasswordHash.of(text, salt=FAKE_SALT, n=stored.n, r=stored.r, p=stored.p)
    return attrs.evolve(customer, password_hash=fixed)


def _same(one: Account, other: Account) -> bool:
    return attrs.evolve(one, customers=[_normalized(c) for c in one.customers]) == (
        attrs.evolve(other, customers=[_normalized(c) for c in other.customers])
    )


@given(table=tables(), customer_access=st.booleans())
def test_an_import_with_any_problem_changes_nothing(
    table: list[Row], *, customer_access: bool
) -> None:
    """Issue 6: with --apply the import is all or nothing; the dry run agrees."""
    start = account(customer_access=customer_access)
    applied = import_access(start, _csv(table), apply=True, scrypt=CHEAP_SCRYPT)
    dry = import_access(start, _csv(table), scrypt=CHEAP_SCRYPT)
    assert dry.problems == applied.problems
    assert dry.account is None
    if applied.problems:
        assert applied.account is None
        assert applied.notifications == ()
    else:
        assert applied.account is not None


REUSE = [
    ("101", "yes", "new@shop.example", "Customer Center", "notify", "", ""),
    ("104", "yes", "ap@acme.example", "", "notify", "", ""),
]
"""ACME gives up its email and DUNE takes it, a row later."""

BOTH = ("103", "yes", "", "", "both", "plum-tractor-44", "plum-tractor-44")
"""A password set by hand and the notification sent too (both columns yes)."""


@given(table=tables(), customer_access=st.booleans())
@example(table=REUSE, customer_access=True)
@example(table=REUSE[::-1], customer_access=True)
@example(table=[BOTH], customer_access=True)
def test_an_import_is_granting_row_by_row(
    table: list[Row], *, customer_access: bool
) -> None:
    """Issue 6: a successful import gives the same account as row-by-row grants.

    And the converse: when some row cannot be granted or revoked in turn, the
    import reports a problem.
    """
    start = account(customer_access=customer_access)
    report = import_access(start, _csv(table), apply=True, scrypt=CHEAP_SCRYPT, now=NOW)
    expected = _row_by_row(start, table)
    assert report.found_no_problem == (expected is not None)
    if expected is not None:
        assert report.account is not None
        new_account, recipients = expected
        assert _same(report.account, new_account)
        assert [mail.recipient for mail in report.notifications] == recipients
