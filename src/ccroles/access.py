"""Giving access: grants and revocation, and the notifications they send.

Grants and revocations are functions from an :class:`~ccroles.accounts.Account`
to a new account, so every check of building an account applies. A login gets
a password one of two ways: the preferred :class:`SendNotification` (the
customer sets it from the emailed link) or :class:`AssignPassword` (a
:class:`~ccroles.passwords.Password`, of which only the salted scrypt hash is
stored). The CSV import of :mod:`ccroles.access_csv` grants and revokes by
the same rules.

>>> from ccroles.accounts import Account
>>> from ccroles.customers import Customer
>>> from ccroles.notifications import NotificationSettings
>>> account = Account(
...     customers=[Customer("101", "ACME", email="ap@acme.example")],
...     notification=NotificationSettings(
...         "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw"
...     ),
... )
>>> granted = grant_access(
...     account, Grant("101", SendNotification(), role="Customer Center")
... )
>>> granted.account.customer("101").give_access
True
>>> granted.notification.recipient
'ap@acme.example'
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import string
import urllib.parse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.exceptions import (
    CCRolesError,
    CustomerAccessOffError,
    InvalidEmailError,
    InvalidFieldError,
    MissingNotificationSettingsError,
    MissingValueError,
    PasswordMismatchError,
    UnknownReferenceError,
    WeakPasswordError,
)
from ccroles.logins import Login
from ccroles.names import check_email, email_key
from ccroles.passwords import (
    DEFAULT_SCRYPT,
    Password,
    ScryptParams,
    hash_password,
    password_problems,
)
from ccroles.wording import time_text

if TYPE_CHECKING:
    from ccroles.account_rules import AccountProblem, AccountRules
    from ccroles.accounts import Account
    from ccroles.customers import Customer
    from ccroles.notifications import NotificationSettings
    from ccroles.passwords import PasswordHash

__all__ = [
    "SET_UP_SUBJECT",
    "SET_UP_TEMPLATE",
    "AssignPassword",
    "Grant",
    "Granted",
    "Notification",
    "Procedure",
    "Revoked",
    "SendNotification",
    "SeparateLogins",
    "SetUpNotification",
    "grant_access",
    "link_url",
    "revoke_access",
    "set_password",
]

_log = logging.getLogger(__name__)


@attrs.frozen
class SendNotification:
    """The preferred procedure: email a link with which the customer sets a password."""


@attrs.frozen
class AssignPassword:
    """The administrator sets the password (and tells the customer, never by email).

    With *notify* (the administrator ticks Notify), the login still gets an
    email: a :class:`SetUpNotification` saying the administrator set up its
    access, without the password and without a link.

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
class Grant:
    """Access to give one login: the customer's own or one of its contacts'.

    Attributes:
        customer: The customer's internal id.
        procedure: How the login gets its password.
        contact: The contact's id, or ``None`` for the customer-level login.
        email: The login email; ``None`` keeps the record's email.
        role: The role name; ``None`` keeps the record's role.
        website: The customer's assigned website; ``None`` keeps it (the
            model keeps one per customer, shared by its contacts).
    """

    customer: str
    procedure: Procedure
    contact: str | None = None
    email: str | None = None
    role: str | None = None
    website: str | None = None


def _addresses(
    recipient: str, customer_id: str, settings: NotificationSettings
) -> dict[str, str]:
    """The placeholders every access email fills: who it is for, and where."""
    return {
        "customer_id": customer_id,
        "login_email": recipient,
        "administrator_email": settings.administrator_email,
        "login_url": settings.login_url,
    }


_LOCAL_HOSTS: Final = frozenset({"localhost"})


def _is_local(host: str) -> bool:
    """Whether *host* is this machine: ``localhost`` or a loopback address."""
    if host.casefold() in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def link_url(base: str, token: str) -> str:
    """The link a token is sent as: *base* with the token as its ``token`` parameter.

    Every link ccroles builds (the access notification's set-password
    link, a reset link) is built here. *base* is the configured address of
    the portal's page: an absolute ``https`` address, or ``http`` on this
    machine only (``localhost``, ``127.0.0.1``, ``[::1]``), so a token is
    never sent in clear over a network.

    Raises:
        InvalidFieldError: *base* is not such an address.

    >>> link_url("https://shop.example/reset?lang=en", "t0k")
    'https://shop.example/reset?lang=en&token=t0k'
    >>> link_url("http://shop.example/reset", "t0k")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: link base URL 'http://shop.example/reset' is refused; expected an absolute https address (http only for localhost, 127.0.0.1 or [::1])
    """  # noqa: E501
    try:
        parts = urllib.parse.urlsplit(base)
        host = parts.hostname or ""
    except ValueError:  # an unclosed [ in the host
        parts, host = urllib.parse.urlsplit(""), ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_local(host))
    if not (secure and host) or parts.fragment or not base.isprintable():
        raise InvalidFieldError(
            "link",
            "base URL",
            base,
            expected="an absolute https address (http only for localhost, "
            "127.0.0.1 or [::1])",
        )
    query = urllib.parse.urlencode({"token": token})
    return f"{base}{'&' if parts.query else '' if base.endswith('?') else '?'}{query}"


@attrs.frozen
class Notification:
    """An access notification email, ready for the portal's mailer.

    It carries the login email, the administrator's email, the customer
    center login address and a set-password link, never a password.

    Attributes:
        recipient: The login email it is sent to.
        customer_id: The customer's entity id.
        token: The set-password token the portal must accept until *expires*.
        expires: When the set-password link stops working.
        settings: The account's notification settings (templates, addresses).
    """

    recipient: str
    customer_id: str
    token: str = attrs.field(repr=False)
    expires: datetime
    settings: NotificationSettings = attrs.field(repr=False)

    @property
    def link(self) -> str:
        """The set-password link (:func:`link_url` of the settings' address).

        Raises:
            InvalidFieldError: The settings' set-password address is not an
                absolute ``https`` address (or ``http`` on localhost).
        """
        return link_url(self.settings.set_password_url, self.token)

    def _values(self) -> dict[str, str]:
        return {
            **_addresses(self.recipient, self.customer_id, self.settings),
            "set_password_link": self.link,
            "link_expires": time_text(self.expires),
        }

    @property
    def subject(self) -> str:
        """The subject line, from the account's subject template."""
        return string.Template(self.settings.subject).substitute(self._values())

    @property
    def body(self) -> str:
        """The email body, from the account's template."""
        return string.Template(self.settings.template).substitute(self._values())


SET_UP_SUBJECT: Final = "Your customer center access"
"""The subject of the email telling a login its access was set up for it."""

SET_UP_TEMPLATE: Final = """\
Hello,

Your administrator has set up your access to our customer center.

Log in at: $login_url
Your login email: $login_email

Your administrator will give you your password by other means: a password
is never sent by email.

Questions? Write to $administrator_email.
"""
"""The body of a :class:`SetUpNotification` (placeholders as for notifications)."""


@attrs.frozen
class SetUpNotification:
    """An email saying the administrator set up the login's access (source 003, 9.3).

    Sent when the administrator assigns the password and ticks Notify. It
    carries the login email, the administrator's email and the customer
    center login address: no password, and no link.

    Attributes:
        recipient: The login email it is sent to.
        customer_id: The customer's entity id.
        settings: The account's notification settings (the addresses).
    """

    recipient: str
    customer_id: str
    settings: NotificationSettings = attrs.field(repr=False)

    @property
    def subject(self) -> str:
        """The subject line (:data:`SET_UP_SUBJECT`)."""
        values = _addresses(self.recipient, self.customer_id, self.settings)
        return string.Template(SET_UP_SUBJECT).substitute(values)

    @property
    def body(self) -> str:
        """The email body (:data:`SET_UP_TEMPLATE`)."""
        values = _addresses(self.recipient, self.customer_id, self.settings)
        return string.Template(SET_UP_TEMPLATE).substitute(values)


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


# The shared checks of a grant, for grant_access and each CSV row. A fault is
# the field it concerns (a CSV column for the import) and the error.
_Fault = tuple[str, CCRolesError]


def _email_faults(login: Login, given: str | None) -> tuple[list[_Fault], str | None]:
    """Check the email a grant ends with: *given*, else the record's.

    Whether another login has it is an account rule: the new account's
    (:class:`~ccroles.account_rules.AccountRules`) checks it.
    """
    if given is not None:
        try:
            return [], check_email(given)
        except InvalidEmailError:  # named only now: a label costs a string
            try:
                check_email(given, owner=login.label)
            except InvalidEmailError as error:
                return [("email", error)], None
    if login.email is None:
        return [("email", MissingValueError("email", owner=login.label))], None
    return [], login.email


def _role_faults(
    account: Account, login: Login, given: str | None
) -> tuple[list[_Fault], str | None]:
    """Check the role a grant ends with: *given*, else the record's."""
    role = given if given is not None else login.role
    if role is None:
        return [("role", MissingValueError("role", owner=login.label))], None
    try:
        account.role(role)
    except CCRolesError as error:
        return [("role", error)], None
    return [], role


def _procedure_faults(
    account: Account, login: Login, procedure: Procedure, email: str | None
) -> list[_Fault]:
    """Check an assigned password, or that notifications can be sent."""
    needs_settings = isinstance(procedure, SendNotification) or procedure.notify
    if needs_settings and account.notification is None:
        return [("procedure", MissingNotificationSettingsError(login.label))]
    if isinstance(procedure, SendNotification):
        return []
    problems = _login_password_problems(
        login, email, procedure.password, procedure.confirm
    )
    return [
        ("password" if isinstance(problem, WeakPasswordError) else "confirm", problem)
        for problem in problems
    ]


def _login_password_problems(
    login: Login, email: str | None, password: Password, confirm: Password
) -> tuple[WeakPasswordError | PasswordMismatchError, ...]:
    """:func:`password_problems` for *login*, ending with *email*: its own words."""
    emails = {e for e in (email, login.email, login.customer.email) if e is not None}
    return password_problems(
        password,
        confirm,
        emails=emails,
        names=(login.customer.customer_id,),
        owner=login.label,
    )


# The order a grant's faults are reported in: the fields of a grant, then
# the account rules' fields of the record it changes.
_FIELD_ORDER: Final = (
    "give_access",
    "email",
    "role",
    "assigned_website",
    "procedure",
    "password",
    "confirm",
)


def _check_grant(  # noqa: PLR0913 (the grant, and what it is checked against)
    account: Account,
    rules: AccountRules,
    position: int,
    login: Login,
    grant: Grant,
    *,
    check_procedure: bool = True,
    keep: bool = False,
) -> tuple[list[_Fault], tuple[str, str] | None]:
    """Check *grant* for *login*: its faults, or the email and role it ends with.

    The changed record is tried against the account *rules* (an email
    another login has, a website the account lacks) in place of the customer
    at *position*. The rules do not change, unless *keep* is true and the
    grant has no fault: then they hold the changed record.
    """
    faults: list[_Fault] = []
    if not account.customer_access:
        faults.append(("give_access", CustomerAccessOffError(login.label)))
    email_faults, email = _email_faults(login, grant.email)
    role_faults, role = _role_faults(account, login, grant.role)
    faults += email_faults + role_faults
    if check_procedure:
        faults += _procedure_faults(account, login, grant.procedure, email)
    if email is None:
        return faults, None
    kept = keep and not faults and role is not None
    start = len(rules.problems)
    changed = login.customer
    if _same_keys(login, email, grant):
        found: list[AccountProblem] = []  # nothing the rules check changes
        kept = False
    else:
        changed = _with_access(login, email, role or login.role, grant, None)
        if kept:
            found = rules.replace_customer(position, login.customer, changed)
        else:
            found = rules.try_customer(position, login.customer, changed)
    faults += [(str(problem.path[-1]), problem.error) for problem in found]
    if faults or role is None:
        if kept:  # refused after all: as try_customer leaves them
            rules.replace_customer(position, changed, login.customer)
            del rules.problems[start:]
        faults.sort(key=lambda fault: _FIELD_ORDER.index(fault[0]))
        return faults, None
    return faults, (email, role)


def _same_keys(login: Login, email: str, grant: Grant) -> bool:
    """Whether a grant keeps the login's email (as a key) and the website.

    A grant changes only the login's email, role, access and hash, and the
    customer's website. Of these, the account rules (which accepted the
    record) check only that the email is no other login's, that the website
    is the account's and that the role is; the grant's own checks refuse an
    unknown role (by the stricter ``Account.role``). With the same email and
    website, the changed record meets the rules as the record did, and the
    rules' indexes would not change: there is nothing to try.
    """
    return (
        login.email is not None
        and email_key(email) == email_key(login.email)
        and (grant.website is None or grant.website == login.customer.assigned_website)
    )


def _updated(
    login: Login,
    *,
    email: str | None,
    role: str | None,
    give_access: bool,
    password_hash: PasswordHash | None,
) -> Customer:
    """The login's customer record with the login's fields replaced."""
    customer = login.customer
    if login.contact is None:
        return attrs.evolve(
            customer,
            email=email,
            role=role,
            give_access=give_access,
            password_hash=password_hash,
        )
    contact = attrs.evolve(
        login.contact,
        email=email,
        role=role,
        give_access=give_access,
        password_hash=password_hash,
    )
    contacts = tuple(contact if c.id == contact.id else c for c in customer.contacts)
    return attrs.evolve(customer, contacts=contacts)


def _with_access(
    login: Login,
    email: str,
    role: str | None,
    grant: Grant,
    stored: PasswordHash | None,
) -> Customer:
    """The login's customer record with access given (and *stored*, if any).

    A login that has access keeps its password unless *stored* replaces
    it; a login given access again starts with no password but *stored*.
    """
    record = login.contact if login.contact is not None else login.customer
    kept = record.password_hash if login.give_access else None
    if grant.website is not None:
        customer = attrs.evolve(login.customer, assigned_website=grant.website)
        login = Login(customer, login.contact)
    return _updated(
        login,
        email=email,
        role=role,
        give_access=True,
        password_hash=stored if stored is not None else kept,
    )


def _without_access(login: Login) -> Customer:
    """The login's customer record with access revoked and its hash forgotten."""
    return _updated(
        login,
        email=login.email,
        role=login.role,
        give_access=False,
        password_hash=None,
    )


def _login(account: Account, internal_id: str, contact_id: str | None) -> Login:
    customer = account.customer(internal_id)
    if contact_id is None:
        return Login(customer)
    for contact in customer.contacts:
        if contact.id == contact_id:
            return Login(customer, contact)
    raise UnknownReferenceError(
        "contact",
        contact_id,
        owner=Login(customer).label,
        known=[c.id for c in customer.contacts],
    )


def _stored(procedure: Procedure, params: ScryptParams) -> PasswordHash | None:
    if isinstance(procedure, AssignPassword):
        return hash_password(procedure.password, params)
    return None


def _notification(
    account: Account,
    procedure: Procedure,
    recipient: str,
    customer_id: str,
    now: datetime | None,
) -> Notification | None:
    """The notification a procedure asks for, or ``None``."""
    settings = account.notification
    if settings is None or not isinstance(procedure, SendNotification):
        return None
    moment = now if now is not None else datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    return Notification(
        recipient, customer_id, token, moment + settings.link_validity, settings
    )


def _set_up(
    account: Account, procedure: Procedure, recipient: str, customer_id: str
) -> SetUpNotification | None:
    """The set-up notification an assigned password with Notify asks for."""
    settings = account.notification
    if settings is None or not isinstance(procedure, AssignPassword):
        return None
    return (
        SetUpNotification(recipient, customer_id, settings)
        if procedure.notify
        else None
    )


def grant_access(
    account: Account,
    grant: Grant,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    now: datetime | None = None,
) -> Granted:
    """Give a customer or contact access; return the new account.

    Args:
        account: The account.
        grant: Who gets access, with what email, role and procedure.
        scrypt: The cost of hashing an assigned password.
        now: The time the set-password link's validity starts (default: now).

    Returns:
        The new account and, for :class:`SendNotification`, the email to
        send; for :class:`AssignPassword` with *notify*, the set-up email.

    Raises:
        UnknownReferenceError: No such customer, contact or website.
        CustomerAccessOffError: The account's Customer Access feature is off.
        MissingValueError: Neither the grant nor the record has an email or role.
        InvalidEmailError: The email is not an email.
        DuplicateReferenceError: Another login has that email.
        UnknownRoleError: The account has no such role.
        WeakPasswordError: The assigned password is too short or easy to guess.
        PasswordMismatchError: Password and Confirm Password differ.
        MissingNotificationSettingsError: A notification is asked for and the
            account has no notification settings.
    """
    login = _login(account, grant.customer, grant.contact)
    rules = account.rules()
    position = rules.positions[login.internal_id]
    faults, resolved = _check_grant(account, rules, position, login, grant)
    if resolved is None:
        raise faults[0][1]
    email, role = resolved
    customer = _with_access(login, email, role, grant, _stored(grant.procedure, scrypt))
    new_account = account.with_customer(customer)
    notification = _notification(
        account, grant.procedure, email, customer.customer_id, now
    )
    set_up = _set_up(account, grant.procedure, email, customer.customer_id)
    _log.info("gave %s access with role %r", login.label, role)
    return Granted(new_account, notification, set_up)


def set_password(
    account: Account,
    email: str,
    password: Password,
    confirm: Password,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
) -> Account:
    """Set the password of the login *email*, under the same rules as a grant.

    This is what a set-password or reset link does once the link is accepted
    (see :class:`ccroles.signin.SignIn`); access itself is left as it is.

    Args:
        account: The account.
        email: The login email (any case).
        password: The new password.
        confirm: The same password again.
        scrypt: The cost of hashing it.

    Returns:
        The new account, with the login's new password hash.

    Raises:
        UnknownLoginError: No login has that email.
        WeakPasswordError: The password is too short or easy to guess.
        PasswordMismatchError: Password and Confirm Password differ.
    """
    login = account.login(email)
    problems = _login_password_problems(login, login.email, password, confirm)
    if problems:
        raise problems[0]
    customer = _updated(
        login,
        email=login.email,
        role=login.role,
        give_access=login.give_access,
        password_hash=hash_password(password, scrypt),
    )
    _log.info("set the password of %s", login.label)
    return account.with_customer(customer)


def revoke_access(
    account: Account, customer: str, *, contact: str | None = None
) -> Revoked:
    """Revoke a customer's or contact's access; return the new account.

    The login keeps its email and role; its password hash is forgotten, so
    access given again needs a new password.

    Args:
        account: The account.
        customer: The customer's internal id.
        contact: The contact's id, or ``None`` for the customer-level login.

    Returns:
        The new account and, when the customer is also a vendor, partner or
        employee, a notice that those logins must be revoked on their own
        records.

    Raises:
        UnknownReferenceError: No such customer or contact.
    """
    login = _login(account, customer, contact)
    new_account = account.with_customer(_without_access(login))
    notice = _separate_logins(login)
    _log.info("revoked access of %s", login.label)
    return Revoked(new_account, notice)


def _separate_logins(login: Login) -> SeparateLogins | None:
    kinds = login.customer.other_logins
    if login.contact is not None or not kinds:
        return None
    return SeparateLogins(login.customer.customer_id, kinds)
