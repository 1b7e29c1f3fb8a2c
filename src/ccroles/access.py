"""Giving access: grants and revocation, and the notifications they send.

Grants and revocations are functions from an :class:`~ccroles.accounts.Account`
to a new account, so every check of building an account applies. A login (a
:class:`~ccroles.access_values.LoginId`) gets a password one of two ways:
the preferred :class:`~ccroles.access_values.SendNotification` (the customer
sets it from the emailed link) or
:class:`~ccroles.access_values.AssignPassword` (a
:class:`~ccroles.passwords.Password`, of which only the salted scrypt hash
is stored). :func:`check_grant` and :func:`apply_grant` are the two steps of a
grant; the CSV import of :mod:`ccroles.access_csv` takes them row by row.
The emails a grant sends are in :mod:`ccroles.access_emails`.

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
...     account, Grant(LoginId("101"), SendNotification(), role="Customer Center")
... )
>>> granted.account.customer("101").give_access
True
>>> granted.notification.recipient
'ap@acme.example'
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import moved_names, warn_renamed
from ccroles.access_emails import Notification, SetUpNotification
from ccroles.access_values import (
    AssignPassword,
    Grant,
    GrantChange,
    GrantCheck,
    Granted,
    GrantFault,
    LoginId,
    Procedure,
    Revoked,
    SendNotification,
    SeparateLogins,
    login_id_given,
)
from ccroles.account_rules import AccountRules
from ccroles.accounts import Account
from ccroles.customers import Customer
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
from ccroles.logins import Login
from ccroles.names import check_email, email_key
from ccroles.passwords import (
    DEFAULT_SCRYPT,
    Password,
    ScryptParams,
    hash_password,
    password_problems,
)

if TYPE_CHECKING:
    from ccroles.account_rules import AccountRules
    from ccroles.accounts import Account
    from ccroles.customers import Customer
    from ccroles.passwords import PasswordHash

__all__ = [
    "apply_grant",
    "check_grant",
    "grant_access",
    "revoke_access",
    "separate_logins",
    "set_password",
    "without_access",
]

# The emails and links moved to ccroles.access_emails; the values (imported
# above for this module's own use) are in ccroles.access_values.
__getattr__ = moved_names(
    __name__,
    {
        "SET_UP_SUBJECT": "ccroles.access_emails",
        "SET_UP_TEMPLATE": "ccroles.access_emails",
        "link_url": "ccroles.access_emails",
    },
)

_log = logging.getLogger(__name__)


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


def _email_faults(
    login: Login, given: str | None
) -> tuple[list[GrantFault], str | None]:
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
                return [GrantFault("email", error)], None
    if login.email is None:
        missing = MissingValueError("email", owner=login.label)
        return [GrantFault("email", missing)], None
    return [], login.email


def _role_faults(
    account: Account, login: Login, given: str | None
) -> tuple[list[GrantFault], str | None]:
    """Check the role a grant ends with: *given*, else the record's."""
    role = given if given is not None else login.role
    if role is None:
        return [GrantFault("role", MissingValueError("role", owner=login.label))], None
    try:
        account.role(role)
    except CCRolesError as error:
        return [GrantFault("role", error)], None
    return [], role


def _procedure_faults(
    account: Account, login: Login, procedure: Procedure, email: str | None
) -> list[GrantFault]:
    """Check an assigned password, or that notifications can be sent."""
    needs_settings = isinstance(procedure, SendNotification) or procedure.notify
    if needs_settings and account.notification is None:
        return [GrantFault("procedure", MissingNotificationSettingsError(login.label))]
    if isinstance(procedure, SendNotification):
        return []
    problems = _login_password_problems(
        login, email, procedure.password, procedure.confirm
    )
    return [
        GrantFault(
            "password" if isinstance(problem, WeakPasswordError) else "confirm",
            problem,
        )
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


def check_grant(
    account: Account, grant: Grant, *, rules: AccountRules | None = None
) -> GrantCheck:
    """Check *grant*: every fault, or the email and role the login ends with.

    The checks are those :func:`grant_access` makes: Customer Access on, an
    email and a role (the grant's, else the record's), the procedure (an
    assigned password strong enough, or notification settings to send
    with), and the account rules for the changed record (an email another
    login has, a website the account lacks). The account does not change.

    Args:
        account: The account.
        grant: The grant to check.
        rules: The account rules to check the changed record against, and
            that hold the login's record; by default a copy of the
            account's. When the grant is allowed they end holding the
            changed record, as the account after the grant would (a bulk
            import checks the rows below against it); otherwise they end as
            they were.

    Returns:
        The check: its faults in the order of the fields, or the email and
        role the grant ends with.

    Raises:
        UnknownReferenceError: No such customer or contact.
    """
    rules = account.rules() if rules is None else rules
    login = _login(account, rules, grant.login)
    position = rules.positions[login.customer.internal_id]
    faults: list[GrantFault] = []
    if not account.customer_access:
        faults.append(GrantFault("give_access", CustomerAccessOffError(login.label)))
    email_faults, email = _email_faults(login, grant.email)
    role_faults, role = _role_faults(account, login, grant.role)
    faults += email_faults + role_faults
    faults += _procedure_faults(account, login, grant.procedure, email)
    tried = None
    start = len(rules.problems)
    if email is not None and not _same_keys(login, email, grant):
        tried = _with_access(login, email, role or login.role, grant, None)
        found = rules.replace_customer(position, login.customer, tried)
        if found:  # rarely: the list comprehension is a call
            faults += [GrantFault(str(p.path[-1]), p.error) for p in found]
    if faults or email is None or role is None:
        if tried is not None:  # refused: the rules give the record back
            rules.replace_customer(position, tried, login.customer)
            del rules.problems[start:]
        faults.sort(key=lambda fault: _FIELD_ORDER.index(fault.field))
        return GrantCheck(grant, login, position, tuple(faults), None, None, tried)
    return GrantCheck(grant, login, position, (), email, role, tried)


def apply_grant(
    account: Account,
    check: GrantCheck,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    now: datetime | None = None,
) -> GrantChange:
    """The change an allowed grant makes: the login's record, and the emails.

    Args:
        account: The account the grant was checked against.
        check: The grant's check (:func:`check_grant`).
        scrypt: The cost of hashing an assigned password.
        now: The time the set-password link's validity starts (default: now).

    Returns:
        The login's customer record with access given and, for
        :class:`~ccroles.access_values.SendNotification`, the email to send; for
        :class:`~ccroles.access_values.AssignPassword` with *notify*, the set-up email.

    Raises:
        CCRolesError: The check found a fault: the first one's error.
    """
    email, role = check.email, check.role
    if email is None or role is None:
        raise check.faults[0].error
    procedure = check.grant.procedure
    stored = _stored(procedure, scrypt)
    if stored is None and check.tried is not None:
        customer = check.tried  # the record checked, as no password is added
    else:
        customer = _with_access(check.login, email, role, check.grant, stored)
    notification = _notification(account, procedure, email, customer.customer_id, now)
    set_up = _set_up(account, procedure, email, customer.customer_id)
    return GrantChange(customer, notification, set_up)


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


def without_access(login: Login) -> Customer:
    """The login's customer record with access revoked and its hash forgotten.

    The login keeps its email and role. :func:`revoke_access` makes this
    change; a bulk import makes it for each revoking row.
    """
    return _updated(
        login,
        email=login.email,
        role=login.role,
        give_access=False,
        password_hash=None,
    )


def separate_logins(login: Login) -> SeparateLogins | None:
    """The notice a revocation of *login* gives, or ``None``.

    Revoking a customer-level login whose customer is also a vendor,
    partner or employee leaves those logins: they must be revoked on their
    own records.
    """
    kinds = login.customer.other_logins
    if login.contact is not None or not kinds:
        return None
    return SeparateLogins(login.customer.customer_id, kinds)


def _login(account: Account, rules: AccountRules, login_id: LoginId) -> Login:
    """The login *login_id* names, its customer as *rules* hold it."""
    customer = rules.customers.get(login_id.customer)
    if customer is None:  # an id to normalize, or no customer's (it raises)
        customer = rules.customers[account.customer(login_id.customer).internal_id]
    contact_id = login_id.contact
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
        The new account and, for
        :class:`~ccroles.access_values.SendNotification`, the email to send;
        for :class:`~ccroles.access_values.AssignPassword` with *notify*, the
        set-up email.

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
    check = check_grant(account, grant)
    change = apply_grant(account, check, scrypt=scrypt, now=now)
    _log.info("gave %s access with role %r", check.login.label, check.role)
    return Granted(
        account.with_customer(change.customer), change.notification, change.set_up
    )


def set_password(
    account: Account,
    login: LoginId | str,
    password: Password,
    confirm: Password,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
) -> Account:
    """Set the password of *login*, under the same rules as a grant.

    This is what a set-password or reset link does once the link is accepted
    (see :class:`ccroles.signin.SignIn`, which finds the login by its email:
    ``LoginId.of(account.login(email))``); access itself is left as it is.

    Args:
        account: The account.
        login: The login. A login email, the old form, is deprecated.
        password: The new password.
        confirm: The same password again.
        scrypt: The cost of hashing it.

    Returns:
        The new account, with the login's new password hash.

    Raises:
        UnknownReferenceError: No such customer or contact.
        UnknownLoginError: No login has that email (the old form).
        MissingValueError: The login has no email.
        WeakPasswordError: The password is too short or easy to guess.
        PasswordMismatchError: Password and Confirm Password differ.
    """
    if isinstance(login, str):
        warn_renamed(
            "set_password(account, email, ...)",
            "set_password(account, LoginId.of(account.login(email)), ...)",
        )
        login = LoginId.of(account.login(login))
    found = _login(account, account.rules(), login)
    if found.email is None:
        raise MissingValueError("email", owner=found.label)
    problems = _login_password_problems(found, found.email, password, confirm)
    if problems:
        raise problems[0]
    customer = _updated(
        found,
        email=found.email,
        role=found.role,
        give_access=found.give_access,
        password_hash=hash_password(password, scrypt),
    )
    _log.info("set the password of %s", found.label)
    return account.with_customer(customer)


def revoke_access(
    account: Account, login: LoginId | str, *, contact: str | None = None
) -> Revoked:
    """Revoke a login's access; return the new account.

    The login keeps its email and role; its password hash is forgotten, so
    access given again needs a new password.

    Args:
        account: The account.
        login: The login. A customer's internal id (with *contact*, the
            contact's id), the old form, is deprecated.
        contact: Only with the old form.

    Returns:
        The new account and, when the customer is also a vendor, partner or
        employee, a notice that those logins must be revoked on their own
        records.

    Raises:
        UnknownReferenceError: No such customer or contact.
    """
    login = login_id_given(
        login,
        contact,
        old="revoke_access(account, customer, contact=...)",
        new="revoke_access(account, LoginId(customer, contact=...))",
        refusal="revoke_access names the contact in its LoginId, not as contact=",
    )
    found = _login(account, account.rules(), login)
    new_account = account.with_customer(without_access(found))
    notice = separate_logins(found)
    _log.info("revoked access of %s", found.label)
    return Revoked(new_account, notice)
