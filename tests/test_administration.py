"""Administrators: an act that changes access needs its permission, and is recorded."""

import contextlib
from collections.abc import Callable

import attrs
import pytest

from ccroles import Contact, Customer, Password
from ccroles.access_values import Grant, LoginId, SendNotification
from ccroles.administration import (
    REQUIRED,
    Act,
    Actor,
    Administration,
    AdminPermission,
)
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from ccroles.exceptions import CCRolesError, InvalidEmailError, NotPermittedError
from tests.access_fixtures import CHEAP_SCRYPT, NOW
from tests.test_signin_sessions import EMAIL, NEW, Portal

ADMIN = "admin@acme.example"
CSV = [
    (
        "Internal ID,Give Access,Manually Assign or Change Password,Password,"
        "Confirm Password\n"
    ),
    f"101,yes,yes,{NEW},{NEW}\n",
]

Run = Callable[[Administration, Portal], object]

ACTS: dict[Act, Run] = {
    Act.CUSTOMER_ACCESS: lambda a, p: a.set_customer_access(p.account, on=False),
    Act.GRANT: lambda a, p: a.grant_access(
        p.account, Grant(LoginId("101"), SendNotification()), now=NOW
    ),
    Act.REVOKE: lambda a, p: a.revoke_access(p.account, "101"),
    Act.SET_PASSWORD: lambda a, p: a.set_password(
        p.account, EMAIL, Password(NEW), Password(NEW), scrypt=CHEAP_SCRYPT
    ),
    Act.BULK_IMPORT: lambda a, p: a.import_access(
        p.account, CSV, apply=True, scrypt=CHEAP_SCRYPT
    ),
    Act.UNLOCK: lambda a, _: a.unlock(EMAIL),
    Act.PREVIEW: lambda a, _: a.preview("101"),
}

KIND = {
    Act.CUSTOMER_ACCESS: AuditKind.CUSTOMER_ACCESS,
    Act.GRANT: AuditKind.GRANT,
    Act.REVOKE: AuditKind.REVOCATION,
    Act.SET_PASSWORD: AuditKind.PASSWORD_CHANGE,
    Act.BULK_IMPORT: AuditKind.BULK_IMPORT,
    Act.UNLOCK: AuditKind.UNLOCK,
    Act.PREVIEW: AuditKind.PREVIEW,
}
LOGIN = {
    act: None if act in {Act.CUSTOMER_ACCESS, Act.BULK_IMPORT} else EMAIL for act in Act
}


def administration(portal: Portal, actor: Actor | None) -> Administration:
    """The portal's acts, by *actor*, from a known address."""
    return Administration(portal.sign_in(), actor, client="192.0.2.9")


def test_every_act_has_its_requirement() -> None:
    """The table the docs give: Administrator role, Import CSV File, the rest."""
    assert dict(REQUIRED) == {
        Act.CUSTOMER_ACCESS: None,
        Act.GRANT: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.REVOKE: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.SET_PASSWORD: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.BULK_IMPORT: AdminPermission.IMPORT_CSV_FILE,
        Act.UNLOCK: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.PREVIEW: AdminPermission.MANAGE_CUSTOMER_ACCESS,
    }


@pytest.mark.parametrize("act", list(Act))
def test_a_user_without_the_permission_is_refused_and_recorded(act: Act) -> None:
    """Refused with reason and remedy; the refusal is in the trail; nothing done."""
    portal = Portal()
    clerk = Actor(
        "Clerk@acme.example", "Sales Rep", set(AdminPermission) - {REQUIRED[act]}
    )
    with pytest.raises(NotPermittedError) as refused:
        ACTS[act](administration(portal, clerk), portal)
    assert refused.value.act == act.value
    assert "ask " in refused.value.remedy
    assert portal.store.events() == (
        AuditEvent(
            NOW,
            KIND[act],
            LOGIN[act],
            AuditOutcome.DENIED,
            ("not_permitted",),
            actor="clerk@acme.example",
            client="192.0.2.9",
        ),
    )


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (
            Act.BULK_IMPORT,
            (
                "'clerk@acme.example' (role 'Sales Rep') may not import access from a "
                "CSV file: it needs the Import CSV File permission; ask an "
                "administrator to add the Import CSV File permission to the role "
                "'Sales Rep'"
            ),
        ),
        (
            Act.CUSTOMER_ACCESS,
            (
                "'clerk@acme.example' (role 'Sales Rep') may not turn Customer Access "
                "on or off: it needs the Administrator role; ask a user with the "
                "Administrator role to do it"
            ),
        ),
    ],
)
def test_the_refusal_says_what_is_needed_and_what_to_do(act: Act, message: str) -> None:
    """One sentence: who, which act, what it needs, the remedy."""
    portal = Portal()
    clerk = Actor("clerk@acme.example", "Sales Rep", set(AdminPermission))
    if act is Act.BULK_IMPORT:
        clerk = Actor("clerk@acme.example", "Sales Rep")
    with pytest.raises(NotPermittedError) as refused:
        ACTS[act](administration(portal, clerk), portal)
    assert str(refused.value) == message


@pytest.mark.parametrize("act", list(Act))
@pytest.mark.parametrize(
    "actor",
    [
        Actor(ADMIN, "administrator"),
        None,
    ],
    ids=["administrator", "trusted-code"],
)
def test_the_administrator_and_trusted_code_may_do_every_act(
    act: Act, actor: Actor | None
) -> None:
    """Done, and recorded: with the administrator, or without an actor."""
    portal = Portal()
    ACTS[act](administration(portal, actor), portal)
    (event,) = portal.store.events()
    assert (event.kind, event.outcome, event.actor) == (
        KIND[act],
        AuditOutcome.DONE if act is not Act.UNLOCK else AuditOutcome.DENIED,
        None if actor is None else ADMIN,
    )


@pytest.mark.parametrize("act", [a for a in Act if REQUIRED[a] is not None])
def test_the_permission_alone_is_enough(act: Act) -> None:
    """A role that is not the Administrator's, holding just what the act needs."""
    portal = Portal()
    needed = REQUIRED[act]
    assert needed is not None
    ACTS[act](administration(portal, Actor(ADMIN, "Support", {needed})), portal)
    assert (
        portal.store.events()[0].outcome is not AuditOutcome.DENIED or act is Act.UNLOCK
    )


def test_turning_customer_access_off_changes_the_account() -> None:
    """Off: the new account has the feature off; the old one is as it was."""
    portal = Portal()
    account = administration(portal, Actor(ADMIN, "Administrator")).set_customer_access(
        portal.account, on=False
    )
    assert (account.customer_access, portal.account.customer_access) == (False, True)


def test_an_import_with_problems_is_not_recorded_as_done() -> None:
    """A file with problems changes nothing, and no bulk_import event says it did."""
    portal = Portal()
    report = administration(portal, None).import_access(
        portal.account, ["Internal ID,Give Access\n", "999,yes\n"]
    )
    assert report.problems
    assert portal.store.events() == ()


def test_an_actor_is_named_by_an_email() -> None:
    """Something that is not an email is no actor."""
    with pytest.raises(InvalidEmailError):
        Actor("admin", "Administrator")


@pytest.mark.parametrize(
    ("customer", "contact", "email", "login"),
    [
        ("101", None, "New@ACME.example", "new@acme.example"),
        ("101", "7", None, "anna@acme.example"),
        ("101", "8", None, None),
        ("102", None, None, None),
    ],
    ids=["email-given", "contact", "contact-without-email", "customer-without-email"],
)
def test_a_grant_is_recorded_for_the_login_it_is_about(
    customer: str, contact: str | None, email: str | None, login: str | None
) -> None:
    """The email given, else the contact's or the customer's, else no login."""
    portal = Portal()
    portal.account = attrs.evolve(
        portal.account,
        customers=[
            attrs.evolve(
                portal.account.customers[0],
                contacts=[Contact("7", email="anna@acme.example"), Contact("8")],
            ),
            Customer("102", "Umbrella"),
        ],
    )
    acting = administration(portal, None)
    with contextlib.suppress(CCRolesError):  # some grants are refused by their rules
        acting.grant_access(
            portal.account,
            Grant(LoginId(customer, contact=contact), SendNotification(), email=email),
            now=NOW,
        )
    with contextlib.suppress(CCRolesError):
        acting.revoke_access(portal.account, customer, contact=contact)
    grants = portal.store.events(AuditQuery(kinds=(AuditKind.GRANT,)))
    assert {event.login for event in grants} <= {login}
    if email is None:
        assert {event.login for event in portal.store.events()} <= {login}
