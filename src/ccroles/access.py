"""Giving access: grants and revocation, passwords, notifications, CSV import.

Grants and revocations are functions from an :class:`~ccroles.accounts.Account`
to a new account, so every check of building an account applies. A login gets
a password one of two ways: the preferred :class:`SendNotification` (the
customer sets it from the emailed link) or :class:`AssignPassword`. A
:class:`Password` is a secret: it never shows in ``repr``, ``str``, messages,
logs or notifications, and only its salted scrypt hash is stored.

>>> from ccroles.accounts import Account, Customer, NotificationSettings
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
>>> report = import_access(
...     granted.account,
...     ["Internal ID,Give Access", "101,maybe"],
... )
>>> print(render_report(report))
dry run: 1 row, 0 grants, 0 revocations, 0 notifications; 1 problem, nothing changed
line 2, column 'Give Access': 'maybe' is not a true/false value; accepted: TRUE, YES, T, Y, FALSE, NO, F, N (any case)
"""  # noqa: E501 (the doctest shows a report line as printed)

from __future__ import annotations

import array
import csv
import difflib
import functools
import hmac
import importlib.resources
import itertools
import logging
import os
import secrets
import string
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, NoReturn

import attrs

from ccroles.accounts import (
    Account,
    AccountRules,
    Customer,
    Login,
    NotificationSettings,
    PasswordHash,
    check_scrypt_cost,
)
from ccroles.exceptions import (
    CCRolesError,
    CustomerAccessOffError,
    InvalidEmailError,
    MissingNotificationSettingsError,
    MissingValueError,
    PasswordMismatchError,
    UnknownReferenceError,
    WeakPasswordError,
)
from ccroles.names import check_email, fold, is_encodable

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_SCRYPT",
    "MIN_PASSWORD_LENGTH",
    "SET_UP_SUBJECT",
    "SET_UP_TEMPLATE",
    "AssignPassword",
    "Grant",
    "Granted",
    "ImportProblem",
    "ImportReport",
    "Notification",
    "Password",
    "Procedure",
    "Revoked",
    "ScryptParams",
    "SendNotification",
    "SeparateLogins",
    "SetUpNotification",
    "grant_access",
    "hash_password",
    "import_access",
    "is_common_password",
    "password_problems",
    "render_report",
    "revoke_access",
    "set_password",
]

_log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH: Final = 8
"""The fewest characters a password may have."""

_MASK: Final = "********"


class Password:
    """A password: a secret that shows only as ``********``.

    ``repr``, ``str`` and formatting mask it; it cannot be pickled; two
    passwords compare in constant time. Only :meth:`reveal` gives the text.

    >>> secret = Password("correct horse battery")
    >>> secret, f"{secret}", len(secret)
    (Password('********'), '********', 21)
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        """Return the clear text, for hashing it; never log or show it."""
        return self._text

    def __len__(self) -> int:
        """Return the number of characters."""
        return len(self._text)

    def __repr__(self) -> str:
        """Return a mask, never the password."""
        return f"Password({_MASK!r})"

    def __str__(self) -> str:
        """Return a mask, never the password."""
        return _MASK

    def __eq__(self, other: object) -> bool:
        """Compare two passwords in constant time (any text, even unwritable)."""
        if not isinstance(other, Password):
            return NotImplemented
        mine = self._text.encode("utf-8", "surrogatepass")
        theirs = other._text.encode("utf-8", "surrogatepass")
        return hmac.compare_digest(mine, theirs)

    __hash__ = None  # type: ignore[assignment]  # a secret is no dictionary key

    def __reduce__(self) -> NoReturn:
        """Refuse pickling: a password is never serialized."""
        msg = "a Password cannot be pickled"
        raise TypeError(msg)


@attrs.frozen
class ScryptParams:
    """The scrypt cost used for new password hashes.

    The default is n=2**14, r=8, p=1 (16 MiB, tens of milliseconds); tests
    pass a cheaper set. Hashes record their parameters, so changing them
    later keeps old hashes verifiable.

    Attributes:
        n: CPU/memory cost, a power of 2.
        r: Block size.
        p: Parallelism.
    """

    n: int = 2**14
    r: int = 8
    p: int = 1

    def __attrs_post_init__(self) -> None:
        """Refuse costs outside the bounds of :func:`~ccroles.check_scrypt_cost`."""
        check_scrypt_cost(self.n, self.r, self.p, record="scrypt parameters")


DEFAULT_SCRYPT: Final = ScryptParams()
"""The scrypt parameters used unless a caller passes others."""

_SALT_BYTES: Final = 16


def hash_password(
    password: Password, params: ScryptParams = DEFAULT_SCRYPT
) -> PasswordHash:
    """Hash *password* with scrypt and a fresh random salt.

    >>> stored = hash_password(Password("correct horse"), ScryptParams(n=16))
    >>> stored.verify("correct horse")
    True
    """
    return PasswordHash.of(
        password.reveal(),
        salt=os.urandom(_SALT_BYTES),
        n=params.n,
        r=params.r,
        p=params.p,
    )


@functools.cache
def _common_passwords() -> frozenset[str]:
    text = (
        importlib.resources.files("ccroles")
        .joinpath("common_passwords.txt")
        .read_text(encoding="utf-8")
    )
    lines = (line.strip() for line in text.splitlines())
    return frozenset(
        line.casefold() for line in lines if line and not line.startswith("#")
    )


def is_common_password(text: str) -> bool:
    """Whether *text* is on the shipped list of very common passwords (any case).

    >>> is_common_password("Password1"), is_common_password("plum-tractor-44")
    (True, False)
    """
    return text.casefold() in _common_passwords()


_FEW_ADDED: Final = 3
"""How many characters added to a name or an email part still make it guessable."""


def _is_easy_to_guess(text: str, emails: Iterable[str]) -> bool:
    """Whether *text* is one of *emails* or an email's local part (any case)."""
    folded = text.casefold()
    for email in emails:
        email_folded = email.casefold()
        if folded in (email_folded, email_folded.rpartition("@")[0]):
            return True
    return False


def _name_parts(names: Iterable[str], emails: Iterable[str]) -> set[str]:
    """The parts of the customer's names and emails a guesser would try first."""
    parts = {name.casefold() for name in names}
    for email in emails:
        local, _, domain = email.casefold().partition("@")
        parts.update((local, domain.split(".")[0]))
    return {part for part in parts if len(part) >= _FEW_ADDED}


def _is_a_name_with_a_few_added(text: str, parts: Iterable[str]) -> bool:
    """Whether *text* is one of *parts* with at most a few characters added."""
    folded = text.casefold()
    return any(
        part in folded and len(folded) - len(part) <= _FEW_ADDED for part in parts
    )


def _is_a_run(text: str) -> bool:
    """Whether *text* is one character repeated, or a run like ``abcdefgh``."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text.casefold())}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def password_problems(
    password: Password,
    confirm: Password,
    *,
    emails: Iterable[str] = (),
    names: Iterable[str] = (),
    owner: str = "the login",
) -> tuple[WeakPasswordError | PasswordMismatchError, ...]:
    """Every reason to refuse *password*, none of them quoting it.

    A password needs :data:`MIN_PASSWORD_LENGTH` characters and must equal
    *confirm*. It is refused when easy to guess: white space only, one
    character repeated or a run (``abcdefgh``, ``87654321``), one of the
    10,000 most common passwords (:func:`is_common_password`), one of
    *emails* or its local part, or one of the customer's *names* (its
    customer id, say) or its emails' local parts and domains with at most
    three characters added (``GLOBEX12``). Text that cannot be written as
    UTF-8 (a lone surrogate, what an undecodable byte becomes) is refused
    before anything else.

    >>> for problem in password_problems(Password("acme"), Password("acme!")):
    ...     print(problem)
    the password for the login is refused: it has fewer than 8 characters
    Password and Confirm Password for the login do not match
    """
    problems: list[WeakPasswordError | PasswordMismatchError] = []
    text = password.reveal()
    if not is_encodable(text):
        reason = "it holds characters that cannot be written as UTF-8"
        return (WeakPasswordError(reason, owner=owner),)
    emails = tuple(emails)
    if len(text) < MIN_PASSWORD_LENGTH:
        reason = f"it has fewer than {MIN_PASSWORD_LENGTH} characters"
        problems.append(WeakPasswordError(reason, owner=owner))
    if is_common_password(text):
        reason = "it is one of the most common passwords"
        problems.append(WeakPasswordError(reason, owner=owner))
    if _is_easy_to_guess(text, emails):
        reason = "it is the login email or the part before its '@'"
        problems.append(WeakPasswordError(reason, owner=owner))
    elif _is_a_name_with_a_few_added(text, _name_parts(names, emails)):
        reason = "it is the customer's id or email with a few characters added"
        problems.append(WeakPasswordError(reason, owner=owner))
    if not text.strip():
        problems.append(WeakPasswordError("it is only white space", owner=owner))
    elif _is_a_run(text):
        reason = "it is one character repeated, or a run of letters or digits"
        problems.append(WeakPasswordError(reason, owner=owner))
    if password != confirm:
        problems.append(PasswordMismatchError(owner=owner))
    return tuple(problems)


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
        """The set-password link."""
        url = self.settings.set_password_url
        return f"{url}{'&' if '?' in url else '?'}token={self.token}"

    def _values(self) -> dict[str, str]:
        return {
            **_addresses(self.recipient, self.customer_id, self.settings),
            "set_password_link": self.link,
            "link_expires": self.expires.strftime("%Y-%m-%d %H:%M %Z"),
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
    (:class:`~ccroles.accounts.AccountRules`) checks it.
    """
    owner = login.label
    if given is not None:
        try:
            return [], check_email(given, owner=owner)
        except InvalidEmailError as error:
            return [("email", error)], None
    if login.email is None:
        return [("email", MissingValueError("email", owner=owner))], None
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
    owner = login.label
    needs_settings = isinstance(procedure, SendNotification) or procedure.notify
    if needs_settings and account.notification is None:
        return [("procedure", MissingNotificationSettingsError(owner))]
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
) -> tuple[list[_Fault], tuple[str, str] | None]:
    """Check *grant* for *login*: its faults, or the email and role it ends with.

    The changed record is tried against the account *rules* (an email
    another login has, a website the account lacks) in place of the customer
    at *position*; the rules do not change.
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
    changed = _with_access(login, email, role or login.role, grant, None)
    found = rules.try_customer(position, login.customer, changed)
    faults += [(str(problem.path[-1]), problem.error) for problem in found]
    if faults or role is None:
        faults.sort(key=lambda fault: _FIELD_ORDER.index(fault[0]))
        return faults, None
    return faults, (email, role)


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
    """The login's customer record with access given (and *stored*, if any)."""
    record = login.contact if login.contact is not None else login.customer
    if grant.website is not None:
        customer = attrs.evolve(login.customer, assigned_website=grant.website)
        login = Login(customer, login.contact)
    return _updated(
        login,
        email=email,
        role=role,
        give_access=True,
        password_hash=stored if stored is not None else record.password_hash,
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


CSV_COLUMNS: Final = (
    "Internal ID",
    "Customer ID",
    "Email",
    "Give Access",
    "Role",
    "Send New Access Notification Email",
    "Manually Assign or Change Password",
    "Password",
    "Confirm Password",
)
"""The columns a bulk access CSV may have (DOMAIN §7); others are ignored.

Headers match ignoring case and surrounding spaces. Required: Give Access, and
Internal ID (preferred) or Customer ID.
"""

(
    _INTERNAL_ID,
    _CUSTOMER_ID,
    _EMAIL,
    _GIVE_ACCESS,
    _ROLE,
    _NOTIFY,
    _MANUAL,
    _PASSWORD,
    _CONFIRM,
) = CSV_COLUMNS

# The CSV column of each field a grant's checks can fault (no website column).
_FIELD_COLUMNS: Final = {
    "give_access": _GIVE_ACCESS,
    "email": _EMAIL,
    "role": _ROLE,
    "procedure": _NOTIFY,
    "password": _PASSWORD,
    "confirm": _CONFIRM,
}

_TRUE: Final = ("TRUE", "YES", "T", "Y")
_FALSE: Final = ("FALSE", "NO", "F", "N")


_CLOSE: Final = 0.8
"""How alike a header cell and a column name are to call the cell a typo."""

_SHOWN: Final = 20
"""The longest cell value a problem quotes; a longer one is described."""


_SAVE_AS: Final = "save it as 'CSV UTF-8 (comma delimited)'"

_UTF16: Final = f"the file is UTF-16 text, not UTF-8: {_SAVE_AS}"


def _not_utf8(error: UnicodeDecodeError) -> str:
    """What a file that is not UTF-8 most likely is, and how to fix it."""
    if error.object[:2] in {b"\xff\xfe", b"\xfe\xff"}:  # a UTF-16 byte order mark
        return _UTF16
    byte = error.object[error.start]
    return (
        f"the file is not UTF-8 text (byte {byte:#04x} at or after this line): it "
        "looks like Latin-1 or Windows-1252, which a spreadsheet's plain 'CSV' "
        f"export writes; {_SAVE_AS}"
    )


def _quoted(text: str) -> str:
    """*text* quoted for a problem: short, or only its length."""
    if len(text) <= _SHOWN:
        return repr(text)
    return f"a value of {len(text)} characters"


def _hide(message: str, secrets: Iterable[str]) -> str:
    """*message* with every one of *secrets* (as written or quoted) hidden."""
    for secret in secrets:
        for form in (repr(secret), repr(secret)[1:-1], secret):  # quoted first
            message = message.replace(form, "(hidden)")
    return message


def _other_separator(cells: Sequence[str], known: Mapping[str, str]) -> str | None:
    """The separator a one-cell header of known column names really uses."""
    if len(cells) != 1:
        return None
    for separator in (";", "\t", "|"):
        parts = cells[0].split(separator)
        if len(parts) > 1 and any(fold(part) in known for part in parts):
            return separator
    return None


def _parse_flag(text: str) -> bool | None:
    """``True``/``False`` for DOMAIN §7's spellings (any case), else ``None``."""
    upper = text.upper()
    if upper in _TRUE:
        return True
    if upper in _FALSE:
        return False
    return None


@attrs.frozen
class ImportProblem:
    """One problem of a CSV import, where it is; never quoting a password.

    Attributes:
        line: The line of the file where the row (or the header) starts.
        column: The column concerned, or ``None`` for the whole file.
        message: What is wrong.
    """

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        """``line 3, column 'Role': ...``."""
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


@attrs.frozen
class ImportReport:
    """What a CSV import found and did: every problem, or the new account.

    Attributes:
        apply: Whether applying was asked for.
        rows: The data rows read (blank lines are not rows).
        grants: Rows without problems that give access.
        revocations: Rows without problems that revoke access.
        notified: Rows without problems that ask for a notification.
        problems: Every problem, in file order.
        notifications: The emails to send, one per row asking for one; empty
            unless applied.
        notices: Revoked customers that also have vendor, partner or
            employee logins to revoke by hand.
        account: The new account when applied; ``None`` otherwise.
        set_up_notifications: The set-up emails to send, one per row that
            assigns a password with Notify; empty unless applied.
        ignored_columns: The header's columns that are none of
            :data:`CSV_COLUMNS` (DOMAIN §7 lets them be present), in order.
            A column close to a known one is a problem instead, not ignored.
    """

    apply: bool
    rows: int
    grants: int
    revocations: int
    notified: int
    problems: tuple[ImportProblem, ...]
    notifications: tuple[Notification, ...]
    notices: tuple[SeparateLogins, ...]
    account: Account | None = attrs.field(repr=False)
    set_up_notifications: tuple[SetUpNotification, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the import found no problem."""
        return not self.problems

    @property
    def applied(self) -> bool:
        """Whether the changes were made (asked for, and no problem)."""
        return self.account is not None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(report: ImportReport) -> str:
    counts = ", ".join(
        [
            _plural(report.rows, "row"),
            _plural(report.grants, "grant"),
            _plural(report.revocations, "revocation"),
            _plural(report.notified, "notification"),
        ]
    )
    if report.applied:
        return f"applied: {counts} to send"
    mode = "not applied" if report.apply else "dry run"
    if report.problems:
        problems = _plural(len(report.problems), "problem")
        return f"{mode}: {counts}; {problems}, nothing changed"
    return f"{mode}: {counts}; no problems, nothing changed (apply to make them)"


def render_report(report: ImportReport) -> str:
    """The report as ``ccroles import-access`` prints it.

    A summary line, then every problem (``line N, column 'C': ...``), then a
    note for each customer whose other logins must be revoked by hand.
    """
    lines = [_summary(report)]
    if report.ignored_columns:
        ignored = ", ".join(map(_quoted, report.ignored_columns))
        lines.append(f"ignored columns: {ignored}")
    lines.extend(str(problem) for problem in report.problems)
    lines.extend(f"note: {notice}" for notice in report.notices)
    return "\n".join(lines)


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    """The lines, the first without a UTF-8 byte order mark."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
        yield from iterator


class _Import:
    """The state of one import, read row by row (a private, mutable builder).

    What it keeps grows with the account (an index and a line number per
    customer), with the problems, with the emails rows change (to keep emails
    unique) and, when applying, with the changed records and notifications;
    rows already read are not kept.
    """

    def __init__(
        self,
        account: Account,
        *,
        apply: bool,
        scrypt: ScryptParams,
        now: datetime | None,
    ) -> None:
        self.account = account
        self.apply = apply
        self.scrypt = scrypt
        self.now = now
        self.columns: dict[str, int] = {}
        self.width = 0
        self.ignored: list[str] = []
        self.secrets: tuple[str, ...] = ()
        self.problems: list[ImportProblem] = []
        self.positions = {c.internal_id: i for i, c in enumerate(account.customers)}
        self.by_customer_id: dict[str, int] | None = None
        self.first_line = array.array("I", [0]) * len(account.customers)
        self.rules = account.rules()
        self.customers = list(account.customers) if apply else None
        self.notifications: list[Notification] = []
        self.set_up_notifications: list[SetUpNotification] = []
        self.notices: list[SeparateLogins] = []
        self.rows = self.grants = self.revocations = self.notified = 0
        self.row_start = 0
        self.access_off_reported = False

    def problem(self, line: int, column: str | None, message: str) -> None:
        """Note a problem; the row's passwords are hidden whatever the message."""
        self.problems.append(ImportProblem(line, column, _hide(message, self.secrets)))

    def read(self, lines: Iterable[str]) -> None:
        reader = csv.reader(_without_bom(lines), strict=True)
        end = 0
        header_read = False
        try:
            for cells in reader:
                start, end = end + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if header_read:
                    self.row(start, cells)
                elif self.header(start, cells):
                    header_read = True
                else:
                    return
        except csv.Error as error:
            self.problem(end + 1, None, f"the file is not valid CSV: {error}")
        except UnicodeDecodeError as error:
            self.problem(end + 1, None, _not_utf8(error))
        if not header_read and not self.problems:
            self.problem(
                1,
                None,
                "the file is empty: expected a header row with 'Give Access' and "
                "'Internal ID' or 'Customer ID'",
            )

    def header(self, line: int, cells: Sequence[str]) -> bool:
        self.width = len(cells)
        known = {fold(column): column for column in CSV_COLUMNS}
        if any("\0" in cell for cell in cells):
            self.problem(line, None, _UTF16)
            return False
        separator = _other_separator(cells, known)
        if separator is not None:
            self.problem(
                line,
                None,
                f"the header is separated by {separator!r}, not by commas: save the "
                "file as 'CSV UTF-8 (comma delimited)'",
            )
            return False
        for index, cell in enumerate(cells):
            column = known.get(fold(cell))
            if column is None:
                close = difflib.get_close_matches(fold(cell), known, 1, _CLOSE)
                if close:  # a column with a typo would be dropped silently
                    message = (
                        f"column {index + 1} of the header is no known column; "
                        f"did you mean {known[close[0]]!r}? (fix the header)"
                    )
                    self.problem(line, known[close[0]], message)
                else:
                    self.ignored.append(cell)
                continue
            if column in self.columns:
                places = f"{self.columns[column] + 1} and {index + 1}"
                message = f"the header has this column twice (columns {places})"
                self.problem(line, column, message)
            else:
                self.columns[column] = index
        if _GIVE_ACCESS not in self.columns:
            self.problem(line, _GIVE_ACCESS, "the header lacks this required column")
        if _INTERNAL_ID not in self.columns and _CUSTOMER_ID not in self.columns:
            self.problem(
                line,
                _INTERNAL_ID,
                "the header lacks a column to find customers: 'Internal ID' "
                "(preferred) or 'Customer ID'",
            )
        if self.problems:
            self.ignored.clear()  # the header may be a row of values
        return not self.problems

    def cell(self, cells: Sequence[str], column: str, *, strip: bool = True) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip() if strip else cells[index]

    def flag(
        self, line: int, cells: Sequence[str], column: str, *, required: bool = False
    ) -> bool | None:
        text = self.cell(cells, column)
        if not text and not required:
            return False
        value = _parse_flag(text)
        if not text:
            self.problem(line, column, "a true/false value is required")
        elif value is None:
            accepted = ", ".join((*_TRUE, *_FALSE))
            message = (
                f"{_quoted(text)} is not a true/false value; accepted: {accepted} "
                "(any case)"
            )
            self.problem(line, column, message)
        return value

    def row(self, line: int, cells: Sequence[str]) -> None:
        self.rows += 1
        self.row_start = len(self.problems)
        # A row's passwords are never shown; nor is any value of a row whose
        # cells do not line up with the header's, as they may have moved.
        secrets = [self.cell(cells, _PASSWORD), self.cell(cells, _CONFIRM)]
        if len(cells) != self.width:
            secrets += [cell.strip() for cell in cells]
        self.secrets = tuple(text for text in secrets if text)
        if any(cell.strip() for cell in cells[self.width :]):
            self.problem(
                line,
                None,
                f"the row has {len(cells)} cells where the header has {self.width}: "
                "a cell is extra, so values may have moved into other columns "
                "(none of them is shown)",
            )
            return
        position = self.customer(line, cells)
        give = self.flag(line, cells, _GIVE_ACCESS, required=True)
        procedure = self.procedure(line, cells, give=give)
        if position is None or give is None:
            return
        # The customer as the rows above left it (a second row is refused).
        login = Login(
            self.rules.customers[self.account.customers[position].internal_id]
        )
        if give:
            self.grant(line, cells, position, login, procedure)
        elif len(self.problems) == self.row_start:
            self.revoke(position, login)

    def position(self, line: int, cells: Sequence[str]) -> tuple[str, int | None]:
        """The column that finds the row's customer, and its position."""
        internal_id = self.cell(cells, _INTERNAL_ID)
        customer_id = self.cell(cells, _CUSTOMER_ID)
        customers = self.account.customers
        updates_only = "an import only updates existing customers"
        if internal_id:
            position = self.positions.get(internal_id)
            if position is None:
                message = f"no customer has internal id {internal_id!r}; {updates_only}"
                self.problem(line, _INTERNAL_ID, message)
            elif customer_id and customer_id != customers[position].customer_id:
                self.problem(
                    line,
                    _CUSTOMER_ID,
                    f"customer id {customer_id!r} does not match internal id "
                    f"{internal_id!r}, which is {customers[position].customer_id!r}",
                )
                return _CUSTOMER_ID, None
            return _INTERNAL_ID, position
        if customer_id:
            if self.by_customer_id is None:
                self.by_customer_id = {
                    c.customer_id: i for i, c in enumerate(customers)
                }
            position = self.by_customer_id.get(customer_id)
            if position is None:
                message = f"no customer has customer id {customer_id!r}; {updates_only}"
                self.problem(line, _CUSTOMER_ID, message)
            return _CUSTOMER_ID, position
        column = _INTERNAL_ID if _INTERNAL_ID in self.columns else _CUSTOMER_ID
        message = "the row names no customer: fill in 'Internal ID' or 'Customer ID'"
        self.problem(line, column, message)
        return column, None

    def customer(self, line: int, cells: Sequence[str]) -> int | None:
        """The position of the row's customer; a second row for it is a problem."""
        column, position = self.position(line, cells)
        if position is None:
            return None
        first = self.first_line[position]
        if first:
            name = self.account.customers[position].customer_id
            message = (
                f"customer {name!r} is already on line {first}; "
                "give each customer one row"
            )
            self.problem(line, column, message)
        else:
            self.first_line[position] = line
        return position

    def procedure(
        self, line: int, cells: Sequence[str], *, give: bool | None
    ) -> Procedure | None:
        """The row's procedure when it gives access and the columns agree."""
        notify = self.flag(line, cells, _NOTIFY)
        manual = self.flag(line, cells, _MANUAL)
        password = self.cell(cells, _PASSWORD, strip=False)
        confirm = self.cell(cells, _CONFIRM, strip=False)
        texts = ((_PASSWORD, password), (_CONFIRM, confirm))
        filled = [column for column, text in texts if text]
        if give is None or notify is None or manual is None:
            return None
        if not give:
            self.revocation_columns(line, notify=notify, manual=manual, filled=filled)
            return None
        if manual:
            for column, text in texts:
                if not text:
                    self.problem(line, column, f"is required with {_MANUAL!r}")
            if len(filled) == len(texts):
                return AssignPassword(
                    Password(password), Password(confirm), notify=notify
                )
        elif notify:
            for column in filled:
                message = f"must be blank with {_NOTIFY!r}: a password is never emailed"
                self.problem(line, column, message)
            return None if filled else SendNotification()
        else:
            message = (
                f"giving access needs a procedure: set {_NOTIFY!r} (preferred) "
                f"or {_MANUAL!r} to yes"
            )
            self.problem(line, _NOTIFY, message)
        return None

    def revocation_columns(
        self, line: int, *, notify: bool, manual: bool, filled: list[str]
    ) -> None:
        """A revoking row asks for no notification and holds no password."""
        for column, asked in ((_NOTIFY, notify), (_MANUAL, manual)):
            if asked:
                message = "revoking access sends no notification and sets no password"
                self.problem(line, column, message)
        for column in filled:
            self.problem(line, column, "must be blank when revoking access")

    def grant(
        self,
        line: int,
        cells: Sequence[str],
        position: int,
        login: Login,
        procedure: Procedure | None,
    ) -> None:
        grant = Grant(
            login.customer.internal_id,
            procedure or SendNotification(),
            email=self.cell(cells, _EMAIL) or None,
            role=self.cell(cells, _ROLE) or None,
        )
        faults, resolved = _check_grant(
            self.account,
            self.rules,
            position,
            login,
            grant,
            check_procedure=procedure is not None,
        )
        for field, error in faults:
            if isinstance(error, CustomerAccessOffError):
                if self.access_off_reported:
                    continue
                self.access_off_reported = True
            self.problem(line, _FIELD_COLUMNS.get(field), str(error))
        clean = len(self.problems) == self.row_start
        if resolved is None or procedure is None or not clean:
            return
        email, role = resolved
        changed = _with_access(login, email, role, grant, None)
        self.rules.replace_customer(position, login.customer, changed)  # no problem
        self.grants += 1
        self.notified += isinstance(procedure, SendNotification) or procedure.notify
        if self.customers is None or self.problems:
            return
        stored = _stored(procedure, self.scrypt)
        self.customers[position] = _with_access(login, email, role, grant, stored)
        notification = _notification(
            self.account, procedure, email, login.customer.customer_id, self.now
        )
        if notification is not None:
            self.notifications.append(notification)
        set_up = _set_up(self.account, procedure, email, login.customer.customer_id)
        if set_up is not None:
            self.set_up_notifications.append(set_up)

    def revoke(self, position: int, login: Login) -> None:
        self.revocations += 1
        notice = _separate_logins(login)
        if notice is not None:
            self.notices.append(notice)
        if self.customers is not None and not self.problems:
            self.customers[position] = _without_access(login)

    def report(self) -> ImportReport:
        account = None
        if self.customers is not None and not self.problems:
            account = attrs.evolve(self.account, customers=self.customers)
        return ImportReport(
            apply=self.apply,
            rows=self.rows,
            grants=self.grants,
            revocations=self.revocations,
            notified=self.notified,
            problems=tuple(self.problems),
            notifications=tuple(self.notifications) if account is not None else (),
            notices=tuple(self.notices),
            account=account,
            set_up_notifications=(
                tuple(self.set_up_notifications) if account is not None else ()
            ),
            ignored_columns=tuple(self.ignored) if self.columns else (),
        )


def import_access(
    account: Account,
    lines: Iterable[str],
    *,
    apply: bool = False,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    now: datetime | None = None,
) -> ImportReport:
    """Give or revoke access for many customers from a CSV file (DOMAIN §7).

    The file is read once, row by row: pass an open file (``newline=""``;
    ``encoding="utf-8-sig"`` or ``"utf-8"``, a byte order mark is dropped
    either way) or any iterable of lines. Rows update existing customers,
    found by Internal ID or Customer ID. A row gives access (Give Access
    yes) with one procedure, or revokes it (Give Access no); each row is
    checked as :func:`grant_access` or :func:`revoke_access` would check it,
    after the rows above it.

    Every problem is reported with its line and column, and passwords never
    are. Without *apply* nothing changes (a dry run). With *apply* the import
    is all or nothing: any problem and nothing is applied.

    Args:
        account: The account to update.
        lines: The CSV text, line by line.
        apply: Make the changes when there is no problem.
        scrypt: The cost of hashing assigned passwords.
        now: The time set-password links' validity starts (default: now).

    Returns:
        The report: problems, counts, notices and, when applied, the new
        account and the notifications to send.
    """
    state = _Import(account, apply=apply, scrypt=scrypt, now=now)
    state.read(lines)
    report = state.report()
    for problem in report.problems:
        _log.debug("access import problem: %s", problem)
    _log.info("access import: %s", _summary(report))
    return report
