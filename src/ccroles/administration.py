"""Administrators: who may change access, refused with a remedy, recorded.

The functions that change access (:func:`~ccroles.access.grant_access`,
:func:`~ccroles.access.revoke_access`, :func:`~ccroles.access.set_password`,
:func:`~ccroles.access_csv.import_access`, turning Customer Access on or
off, unlocking a login, previewing the center as a customer) are library
calls from trusted code: called directly they check no acting user, as
before. A portal where people administer the account calls them through
:class:`Administration`, which names the acting user (an :class:`Actor`):
each act first checks that the actor's role holds what the act needs
(:data:`REQUIRED`), refuses with :class:`~ccroles.exceptions.NotPermittedError`
(the reason and the remedy) when it does not, and records the act, done or
refused, in the login audit trail with the actor and the client address.

What each act needs:

- Turning Customer Access on or off: the **Administrator** role.
- The bulk import: the **Import CSV File** permission.
- Giving and revoking access, setting a password, unlocking, previewing as
  a customer: the **Manage Customer Access** permission (ccroles' name for
  the right to edit customers' access).

The Administrator role holds every permission.

>>> from ccroles.accounts import Account
>>> from ccroles.policy import Engine
>>> from ccroles.signin import SignIn
>>> from ccroles.signin_store import MemorySignInStore
>>> clerk = Actor("clerk@acme.example", "Sales Rep")
>>> admin = Administration(SignIn(Engine(Account()), MemorySignInStore()), clerk)
>>> admin.set_customer_access(Account(), on=False)
Traceback (most recent call last):
...
ccroles.exceptions.NotPermittedError: 'clerk@acme.example' (role 'Sales Rep') may not turn Customer Access on or off: it needs the Administrator role; ask a user with the Administrator role to do it
"""  # noqa: E501

from __future__ import annotations

import enum
import types
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import warn_renamed
from ccroles.access import grant_access, revoke_access, set_password
from ccroles.access_csv import import_access
from ccroles.access_values import LoginId
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome
from ccroles.exceptions import NotPermittedError
from ccroles.names import check_email, email_key, fold
from ccroles.passwords import DEFAULT_SCRYPT, ScryptParams

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from ccroles.access_report import ImportReport
    from ccroles.access_values import Grant, Granted, Revoked
    from ccroles.accounts import Account
    from ccroles.passwords import Password
    from ccroles.policy import Preview
    from ccroles.signin import SignIn

__all__ = [
    "ADMINISTRATOR_ROLE",
    "REQUIRED",
    "Act",
    "Actor",
    "AdminPermission",
    "Administration",
]

ADMINISTRATOR_ROLE: Final = "Administrator"
"""The role that holds every permission, and alone turns Customer Access on or off."""


class AdminPermission(enum.Enum):
    """A permission an administrator's role may hold."""

    IMPORT_CSV_FILE = "Import CSV File"
    """Importing access from a CSV file."""
    MANAGE_CUSTOMER_ACCESS = "Manage Customer Access"
    """Giving and revoking access, setting passwords, unlocking, previewing."""


class Act(enum.Enum):
    """An act that changes access (its value says it in words)."""

    CUSTOMER_ACCESS = "turn Customer Access on or off"
    GRANT = "give access"
    REVOKE = "revoke access"
    SET_PASSWORD = "set a password"  # noqa: S105 (an act, no password)
    BULK_IMPORT = "import access from a CSV file"
    UNLOCK = "unlock a login"
    PREVIEW = "preview the center as a customer"


REQUIRED: Final = types.MappingProxyType(
    {
        Act.CUSTOMER_ACCESS: None,  # the Administrator role itself
        Act.GRANT: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.REVOKE: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.SET_PASSWORD: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.BULK_IMPORT: AdminPermission.IMPORT_CSV_FILE,
        Act.UNLOCK: AdminPermission.MANAGE_CUSTOMER_ACCESS,
        Act.PREVIEW: AdminPermission.MANAGE_CUSTOMER_ACCESS,
    }
)
"""What each act needs: a permission, or ``None`` for the Administrator role."""

_KINDS: Final = types.MappingProxyType(
    {
        Act.CUSTOMER_ACCESS: AuditKind.CUSTOMER_ACCESS,
        Act.GRANT: AuditKind.GRANT,
        Act.REVOKE: AuditKind.REVOCATION,
        Act.SET_PASSWORD: AuditKind.PASSWORD_CHANGE,
        Act.BULK_IMPORT: AuditKind.BULK_IMPORT,
        Act.UNLOCK: AuditKind.UNLOCK,
        Act.PREVIEW: AuditKind.PREVIEW,
    }
)


def _permissions(values: Iterable[AdminPermission]) -> frozenset[AdminPermission]:
    return frozenset(values)


@attrs.frozen
class Actor:
    """The user acting: an employee of the account, with a role.

    Attributes:
        email: Their email (the trail records it casefolded).
        role: Their role's name; ``"Administrator"`` (any case) holds all.
        permissions: The permissions their role holds.

    Raises:
        InvalidEmailError: *email* is not an email.
    """

    email: str = attrs.field(converter=check_email)
    role: str
    permissions: frozenset[AdminPermission] = attrs.field(
        default=frozenset(), converter=_permissions
    )

    @property
    def is_administrator(self) -> bool:
        """Whether the role is the Administrator role."""
        return fold(self.role) == fold(ADMINISTRATOR_ROLE)

    def allows(self, act: Act) -> bool:
        """Whether the actor's role holds what *act* needs.

        >>> csv_only = {AdminPermission.IMPORT_CSV_FILE}
        >>> importer = Actor("a@x.example", "Importer", csv_only)
        >>> importer.allows(Act.BULK_IMPORT), importer.allows(Act.UNLOCK)
        (True, False)
        """
        needed = REQUIRED[act]
        if self.is_administrator:
            return True
        return needed is not None and needed in self.permissions

    def may(self, act: Act) -> bool:
        """Deprecated: use :meth:`allows` (the same question)."""
        warn_renamed("Actor.may", "Actor.allows")
        return self.allows(act)


def _refusal(actor: Actor, act: Act) -> NotPermittedError:
    needed = REQUIRED[act]
    if needed is None:
        needs = f"the {ADMINISTRATOR_ROLE} role"
        remedy = f"ask a user with the {ADMINISTRATOR_ROLE} role to do it"
    else:
        needs = f"the {needed.value} permission"
        remedy = (
            f"ask an administrator to add the {needed.value} permission to "
            f"the role {actor.role!r}"
        )
    return NotPermittedError(actor.email, actor.role, act.value, needs, remedy)


@attrs.frozen
class Administration:
    """The acts that change access, done by *actor* and recorded.

    Attributes:
        sign_in: The account's sign-in (its store keeps the trail, its clock
            times the events).
        actor: Who acts; ``None`` for trusted code (no check, as a direct
            call; the act is still recorded, without an actor).
        client: The actor's IP address, when the portal gives it.
    """

    sign_in: SignIn
    actor: Actor | None = None
    client: str | None = None

    def _check(self, act: Act, login: str | None) -> None:
        """Refuse *act* unless the actor may do it; a refusal is recorded."""
        if self.actor is None or self.actor.allows(act):
            return
        self._record(act, login, AuditOutcome.DENIED, ("not_permitted",))
        raise _refusal(self.actor, act)

    def _record(
        self,
        act: Act,
        login: str | None,
        outcome: AuditOutcome = AuditOutcome.DONE,
        reasons: tuple[str, ...] = (),
    ) -> None:
        self.sign_in.store.record_event(
            AuditEvent(
                self.sign_in.clock(),
                _KINDS[act],
                login,
                outcome,
                reasons,
                actor=None if self.actor is None else email_key(self.actor.email),
                client=self.client,
            )
        )

    def _do(self, act: Act, login: str | None) -> None:
        self._check(act, login)
        self._record(act, login)

    def set_customer_access(self, account: Account, *, on: bool) -> Account:
        """Turn the Customer Access feature on or off; the new account."""
        self._check(Act.CUSTOMER_ACCESS, None)
        changed = attrs.evolve(account, customer_access=on)
        self._record(Act.CUSTOMER_ACCESS, None)
        return changed

    def grant_access(
        self,
        account: Account,
        grant: Grant,
        *,
        scrypt: ScryptParams = DEFAULT_SCRYPT,
        now: datetime | None = None,
    ) -> Granted:
        """:func:`~ccroles.access.grant_access`, when the actor may."""
        login = _email(account, grant.login.customer, grant.login.contact, grant.email)
        self._check(Act.GRANT, login)
        granted = grant_access(account, grant, scrypt=scrypt, now=now)
        self._record(Act.GRANT, login)
        return granted

    def revoke_access(
        self, account: Account, customer: str, *, contact: str | None = None
    ) -> Revoked:
        """:func:`~ccroles.access.revoke_access`, when the actor may."""
        login = _email(account, customer, contact, None)
        self._check(Act.REVOKE, login)
        revoked = revoke_access(account, LoginId(customer, contact=contact))
        self._record(Act.REVOKE, login)
        return revoked

    def set_password(
        self,
        account: Account,
        email: str,
        password: Password,
        confirm: Password,
        *,
        scrypt: ScryptParams = DEFAULT_SCRYPT,
    ) -> Account:
        """:func:`~ccroles.access.set_password`, when the actor may."""
        login = email_key(check_email(email))
        self._check(Act.SET_PASSWORD, login)
        found = LoginId.of(account.login(email))
        changed = set_password(account, found, password, confirm, scrypt=scrypt)
        self._record(Act.SET_PASSWORD, login)
        return changed

    def import_access(
        self,
        account: Account,
        lines: Iterable[str],
        *,
        apply: bool = False,
        scrypt: ScryptParams = DEFAULT_SCRYPT,
        now: datetime | None = None,
    ) -> ImportReport:
        """:func:`~ccroles.access_csv.import_access`, when the actor may.

        One event records the import (applied or not) when it had no problem.
        """
        self._check(Act.BULK_IMPORT, None)
        report = import_access(account, lines, apply=apply, scrypt=scrypt, now=now)
        if not report.problems:
            self._record(Act.BULK_IMPORT, None)
        return report

    def unlock(self, email: str) -> bool:
        """:meth:`SignIn.unlock <ccroles.signin.SignIn.unlock>`, when the actor may."""
        self._check(Act.UNLOCK, email_key(check_email(email)))
        actor = None if self.actor is None else self.actor.email
        return self.sign_in.unlock(email, actor=actor, client=self.client)

    def preview(self, internal_id: str) -> Preview:
        """The engine's preview of the customer ("log in as"), when the actor may."""
        preview = self.sign_in.engine.preview(internal_id)
        self._do(Act.PREVIEW, email_key(preview.email))
        return preview


def _email(
    account: Account, customer: str, contact: str | None, given: str | None
) -> str | None:
    """The login email an act on a customer or contact is about, if it has one."""
    if given is not None:
        return email_key(check_email(given))
    record = account.customer(customer)
    email = record.email
    if contact is not None:
        email = next((p.email for p in record.contacts if p.id == contact), None)
    return None if email is None else email_key(email)
