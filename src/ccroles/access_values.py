"""What the access functions take and answer: logins, procedures, grants, results.

A login is named by a :class:`LoginId`; a :class:`Grant` gives it access by
one :class:`Procedure`; :func:`~ccroles.access.check_grant` answers a
:class:`GrantCheck` and :func:`~ccroles.access.apply_grant` a
:class:`GrantChange`; :func:`~ccroles.access.grant_access` answers
:class:`Granted` and :func:`~ccroles.access.revoke_access` :class:`Revoked`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccroles._deprecation import warn_renamed

if TYPE_CHECKING:
    from ccroles.access_emails import Notification, SetUpNotification
    from ccroles.accounts import Account
    from ccroles.customers import Customer
    from ccroles.exceptions import CCRolesError
    from ccroles.logins import Login
    from ccroles.passwords import Password

__all__ = [
    "AssignPassword",
    "Grant",
    "GrantChange",
    "GrantCheck",
    "GrantFault",
    "Granted",
    "LoginId",
    "Procedure",
    "Revoked",
    "SendNotification",
    "SeparateLogins",
    "login_id_given",
]


@attrs.frozen
class SendNotification:
    """The preferred procedure: email a link with which the customer sets a password."""


@attrs.frozen
class AssignPassword:
    """The administrator sets the password (and tells the customer, never by email).

    With *notify* (the administrator ticks Notify), the login still gets an
    email: a :class:`~ccroles.access_emails.SetUpNotification` saying the
    administrator set up its access, without the password and without a link.

    Attributes:
        password: The password.
        confirm: The same password again (Confirm Password).
        notify: Whether to send the login a set-up notification.
    """

    password: Password
    confirm: Password
    notify: bool = attrs.field(default=False, kw_only=True)


Procedure = SendNotification | AssignPassword
"""How a login given access gets its password."""


@attrs.frozen
class LoginId:
    """Which login: a customer's own, or one of its contacts'.

    Every access function names a login this way (a grant, a revocation,
    setting a password), whether the login has an email yet or not.

    Attributes:
        customer: The customer's internal id.
        contact: The contact's id, or ``None`` for the customer-level login.

    >>> LoginId("101", contact="c1")
    LoginId(customer='101', contact='c1')
    """

    customer: str
    contact: str | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def of(cls, login: Login) -> LoginId:
        """The id of *login*, for instance of ``account.login(email)``."""
        contact = None if login.contact is None else login.contact.id
        return cls(login.internal_id, contact=contact)


def login_id_given(
    login: LoginId | str, contact: str | None, *, old: str, new: str, refusal: str
) -> LoginId:
    """The login an access call names, in its form or the deprecated one.

    The deprecated form names a customer's internal id and, apart, a
    ``contact=``: it warns (*old* is the call as written, *new* what to write
    instead) and gives that login's :class:`LoginId`.

    Raises:
        TypeError: A ``contact=`` beside a :class:`LoginId`, which names its
            contact itself; *refusal* is the message.

    >>> login_id_given(LoginId("101"), None, old="", new="", refusal="")
    LoginId(customer='101', contact=None)
    """
    if isinstance(login, str):
        warn_renamed(old, new, stacklevel=4)  # the user's line, past the caller
        return LoginId(login, contact=contact)
    if contact is not None:
        raise TypeError(refusal)
    return login


@attrs.frozen(init=False)
class Grant:
    """Access to give one login: the customer's own or one of its contacts'.

    Attributes:
        login: The login given access.
        procedure: How the login gets its password.
        email: The login email; ``None`` keeps the record's email.
        role: The role name; ``None`` keeps the record's role.
        website: The customer's assigned website; ``None`` keeps it (the
            model keeps one per customer, shared by its contacts).

    >>> Grant(LoginId("101"), SendNotification(), role="Customer Center").login
    LoginId(customer='101', contact=None)
    """

    login: LoginId
    procedure: Procedure
    email: str | None = None
    role: str | None = None
    website: str | None = None

    def __init__(  # noqa: PLR0913 (the fields, and the deprecated contact)
        self,
        login: LoginId | str,
        procedure: Procedure,
        contact: str | None = None,
        *,
        email: str | None = None,
        role: str | None = None,
        website: str | None = None,
    ) -> None:
        """Make a grant; a customer's internal id for *login* is deprecated.

        ``Grant(customer, procedure, contact=...)``, the old form, warns and
        names the login ``LoginId(customer, contact=contact)``.
        """
        login = login_id_given(
            login,
            contact,
            old="Grant(customer, procedure, contact=...)",
            new="Grant(LoginId(customer, contact=...), procedure)",
            refusal="a grant names its contact in its LoginId, not as contact=",
        )
        self.__attrs_init__(login, procedure, email, role, website)

    @property
    def customer(self) -> str:
        """Deprecated: ``login.customer``, the customer's internal id."""
        warn_renamed("Grant.customer", "Grant.login.customer")
        return self.login.customer

    @property
    def contact(self) -> str | None:
        """Deprecated: ``login.contact``, the contact's id."""
        warn_renamed("Grant.contact", "Grant.login.contact")
        return self.login.contact


@attrs.frozen
class Granted:
    """The result of giving access.

    Attributes:
        account: The new account.
        notification: The email to send, when the procedure asks for one.
        set_up: The set-up email to send, for an assigned password with
            Notify ticked.
    """

    account: Account
    notification: Notification | None
    set_up: SetUpNotification | None = None


@attrs.frozen
class SeparateLogins:
    """A notice: the revoked customer also has vendor, partner or employee logins.

    Attributes:
        customer_id: The customer's entity id.
        kinds: The other logins it has (``"vendor"``, ``"partner"``, ...).
    """

    customer_id: str
    kinds: tuple[str, ...]

    def __str__(self) -> str:
        """Say what the administrator must still do."""
        kinds = [f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}" for kind in self.kinds]
        return (
            f"customer {self.customer_id!r} is also {' and '.join(kinds)}: those "
            "logins are separate; revoke their access and inactivate the "
            f"{' and '.join(self.kinds)} records too"
        )


@attrs.frozen
class Revoked:
    """The result of revoking access.

    Attributes:
        account: The new account.
        notice: What else to revoke by hand, when the customer has other logins.
    """

    account: Account
    notice: SeparateLogins | None


@attrs.frozen
class GrantFault:
    """One reason a grant cannot be made: the field it concerns, and the error.

    Attributes:
        field: ``"give_access"`` (the account's Customer Access is off), a
            field of the grant (``"email"``, ``"role"``, ``"procedure"``,
            ``"password"``, ``"confirm"``) or a field the account rules
            check on the changed record (``"assigned_website"``).
        error: The error :func:`~ccroles.access.grant_access` raises for it.
    """

    field: str
    error: CCRolesError


@attrs.frozen
class GrantCheck:
    """What checking a grant found: its faults, or the email and role it ends with.

    Attributes:
        grant: The grant checked.
        login: The login it gives access to, as the checked rules hold it.
        position: The position of the login's customer in the account.
        faults: Every fault, in the order of the fields; empty when allowed.
        email: The login email the grant ends with; ``None`` with a fault.
        role: The role the grant ends with; ``None`` with a fault.
        tried: The changed record (without a new password) the account
            rules were checked with, and hold when the grant is allowed;
            ``None`` when the grant changes nothing they check (the same
            email and website).
    """

    grant: Grant
    login: Login
    position: int
    faults: tuple[GrantFault, ...]
    email: str | None
    role: str | None
    tried: Customer | None = attrs.field(repr=False)

    @property
    def allowed(self) -> bool:
        """Whether the grant may be made: it has no fault."""
        return not self.faults


@attrs.frozen
class GrantChange:
    """What an allowed grant changes and sends.

    Attributes:
        customer: The login's customer record with access given.
        notification: The email to send, when the procedure asks for one.
        set_up: The set-up email to send, for an assigned password with
            Notify ticked.
    """

    customer: Customer
    notification: Notification | None
    set_up: SetUpNotification | None
