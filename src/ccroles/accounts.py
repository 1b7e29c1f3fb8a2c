"""Accounts: the company's customers, their contacts, roles and websites.

An :class:`Account` is a frozen value checked when it is built: every role a
customer or contact names exists, every assigned website is the account's,
and ids and login emails are unique (emails ignoring case).

>>> account = Account(
...     websites=("Main Store",),
...     customers=(
...         Customer(
...             "101", "ACME", email="ap@acme.example", give_access=True,
...             role="Customer Center",
...         ),
...     ),
... )
>>> account.login("AP@ACME.example").customer.customer_id
'ACME'
"""

from __future__ import annotations

import hashlib
import hmac
import string
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.exceptions import (
    DuplicateReferenceError,
    InvalidFieldError,
    InvalidNameError,
    UnknownLoginError,
    UnknownReferenceError,
    UnknownRoleError,
    UnsafeTemplateError,
)
from ccroles.forms import FormPreferences, TransactionForm
from ccroles.roles import BUILTIN_ROLES, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = [
    "DEFAULT_NOTIFICATION_SUBJECT",
    "DEFAULT_NOTIFICATION_TEMPLATE",
    "NOTIFICATION_PLACEHOLDERS",
    "Account",
    "Contact",
    "Customer",
    "Login",
    "NotificationSettings",
    "PasswordHash",
]

_SECRET: Final = {"secret": True}
"""Metadata of fields a serializer leaves out unless told otherwise."""


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        kind = f"{type(instance).__name__.lower()} {attribute.name}"
        raise InvalidNameError(kind, value)


def _index_roles(custom: tuple[Role, ...]) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for role in (*BUILTIN_ROLES, *custom):
        if role.name in roles:
            raise DuplicateReferenceError("role name", role.name, owner="the account")
        roles[role.name] = role
    return roles


def _index_customers(
    customers: tuple[Customer, ...], roles: dict[str, Role], websites: tuple[str, ...]
) -> tuple[dict[str, Login], dict[str, Customer]]:
    """Check every customer's references and index logins and internal ids."""
    known_websites: set[str] = set()
    for website in websites:
        if website in known_websites:
            raise DuplicateReferenceError("website", website, owner="the account")
        known_websites.add(website)
    logins: dict[str, Login] = {}
    by_internal_id: dict[str, Customer] = {}
    customer_ids: set[str] = set()
    contact_ids: set[str] = set()
    for customer in customers:
        owner = Login(customer).label
        if customer.internal_id in by_internal_id:
            raise DuplicateReferenceError(
                "internal id", customer.internal_id, owner=owner
            )
        by_internal_id[customer.internal_id] = customer
        if customer.customer_id in customer_ids:
            raise DuplicateReferenceError(
                "customer id", customer.customer_id, owner=owner
            )
        customer_ids.add(customer.customer_id)
        assigned = customer.assigned_website
        if assigned is not None and assigned not in known_websites:
            raise UnknownReferenceError(
                "website", assigned, owner=owner, known=websites
            )
        for contact in customer.contacts:
            if contact.id in contact_ids:
                label = Login(customer, contact).label
                raise DuplicateReferenceError("contact id", contact.id, owner=label)
            contact_ids.add(contact.id)
        for login in (
            Login(customer),
            *(Login(customer, c) for c in customer.contacts),
        ):
            _index_login(login, roles, logins)
    return logins, by_internal_id


def _index_login(
    login: Login, roles: dict[str, Role], logins: dict[str, Login]
) -> None:
    if login.role is not None and login.role not in roles:
        raise UnknownReferenceError("role", login.role, owner=login.label, known=roles)
    if login.email is not None:
        key = login.email.casefold()
        if key in logins:
            raise DuplicateReferenceError("email", login.email, owner=login.label)
        logins[key] = login


def _contacts(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    return tuple(contacts)


def _roles(roles: Iterable[Role]) -> tuple[Role, ...]:
    return tuple(roles)


def _websites(websites: Iterable[str]) -> tuple[str, ...]:
    return tuple(websites)


def _customers(customers: Iterable[Customer]) -> tuple[Customer, ...]:
    return tuple(customers)


def _forms(forms: Iterable[TransactionForm]) -> tuple[TransactionForm, ...]:
    return tuple(forms)


def _check_forms(
    forms: tuple[TransactionForm, ...],
    preferences: FormPreferences,
    roles: Mapping[str, Role],
    websites: tuple[str, ...],
) -> None:
    """Check form names are unique and preferences name only the account's own.

    Roles and forms are compared by value: a role or form of the same name
    but other content is not the account's.
    """
    by_name: dict[str, TransactionForm] = {}
    for form in forms:
        if form.name in by_name:
            raise DuplicateReferenceError("form name", form.name, owner="the account")
        by_name[form.name] = form
    owner = "a form preference"
    for role in preferences.role_forms:
        if roles.get(role.name) != role:
            raise UnknownReferenceError("role", role.name, owner=owner, known=roles)
    for website in preferences.website_order_forms:
        if website not in websites:
            raise UnknownReferenceError("website", website, owner=owner, known=websites)
    preferred = [
        *preferences.account_forms.values(),
        *(form for own in preferences.role_forms.values() for form in own.values()),
        *preferences.website_order_forms.values(),
    ]
    for form in preferred:
        if by_name.get(form.name) != form:
            raise UnknownReferenceError("form", form.name, owner=owner, known=by_name)


def _check_scrypt_cost(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if attribute.name == "n":
        if value < 2 or value & (value - 1):  # noqa: PLR2004 (scrypt's rule)
            raise InvalidFieldError(
                "password hash", "n", value, expected="a power of 2 above 1"
            )
    elif value < 1:
        raise InvalidFieldError(
            "password hash", attribute.name, value, expected="a positive integer"
        )


def _check_algorithm(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value != "scrypt":
        raise InvalidFieldError(
            "password hash", "algorithm", value, expected="'scrypt'"
        )


@attrs.frozen
class PasswordHash:
    """What a portal needs to check a password: a salted scrypt hash, never the text.

    The scrypt parameters are recorded with the hash, so hashes made with
    other parameters still verify. Salt and hash stay out of ``repr``.

    Attributes:
        algorithm: Always ``"scrypt"`` (``hashlib.scrypt``).
        n: scrypt's CPU/memory cost, a power of 2.
        r: scrypt's block size.
        p: scrypt's parallelism.
        salt: The random salt.
        hash: The derived key.

    Raises:
        InvalidFieldError: An unknown algorithm or parameters scrypt refuses.

    >>> stored = PasswordHash.of("correct horse", salt=b"0123456789abcdef", n=16)
    >>> stored.verify("correct horse"), stored.verify("wrong horse")
    (True, False)
    >>> stored
    PasswordHash(algorithm='scrypt', n=16, r=8, p=1)
    """

    algorithm: str = attrs.field(validator=_check_algorithm)
    n: int = attrs.field(validator=_check_scrypt_cost)
    r: int = attrs.field(validator=_check_scrypt_cost)
    p: int = attrs.field(validator=_check_scrypt_cost)
    salt: bytes = attrs.field(repr=False)
    hash: bytes = attrs.field(repr=False)

    @classmethod
    def of(
        cls, password: str, *, salt: bytes, n: int, r: int = 8, p: int = 1
    ) -> PasswordHash:
        """Hash *password* with scrypt, *salt* and the cost parameters."""
        return cls("scrypt", n, r, p, salt, _scrypt(password, salt, n, r, p))

    def verify(self, password: str) -> bool:
        """Whether *password* is the one hashed, compared in constant time."""
        key = _scrypt(password, self.salt, self.n, self.r, self.p)
        return hmac.compare_digest(key, self.hash)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """Derive the 32-byte scrypt key; OpenSSL needs 128 * r * (n + p + 2) bytes."""
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=32
    )


NOTIFICATION_PLACEHOLDERS: Final = (
    "customer_id",
    "login_email",
    "administrator_email",
    "login_url",
    "set_password_link",
    "link_expires",
)
"""The placeholders an access notification template may use (never a password)."""

DEFAULT_NOTIFICATION_SUBJECT: Final = "Your customer center access"
"""The subject of the access notification unless the account replaces it."""

DEFAULT_NOTIFICATION_TEMPLATE: Final = """\
Hello,

You now have access to our customer center.

Log in at: $login_url
Your login email: $login_email

Set your password with this link (valid until $link_expires):
$set_password_link

Questions? Write to $administrator_email.
"""
"""The body of the access notification unless the account replaces it."""


def _check_template(_: object, __: attrs.Attribute[str], value: str) -> None:
    template = string.Template(value)
    if not template.is_valid():
        raise UnsafeTemplateError(None, allowed=NOTIFICATION_PLACEHOLDERS)
    for name in template.get_identifiers():
        if name not in NOTIFICATION_PLACEHOLDERS:
            raise UnsafeTemplateError(name, allowed=NOTIFICATION_PLACEHOLDERS)


def _check_validity(
    _: object, __: attrs.Attribute[timedelta], value: timedelta
) -> None:
    if value <= timedelta(0):
        raise InvalidFieldError(
            "notification settings",
            "link_validity",
            value,
            expected="a positive duration",
        )


@attrs.frozen
class NotificationSettings:
    """How an account's access notification emails are written.

    The templates use ``string.Template`` placeholders, only those of
    :data:`NOTIFICATION_PLACEHOLDERS`; a template asking for anything else
    (a ``$password``, say) is refused when the settings are built.

    Attributes:
        administrator_email: Who customers write to with questions.
        login_url: The account's customer center login address.
        set_password_url: Where the set-password link points; the link adds
            a ``token`` query parameter.
        staff_login_url: The staff login page, if known: the customer center
            address must differ from it.
        subject: The subject template.
        template: The body template.
        link_validity: How long a set-password link is valid.

    Raises:
        UnsafeTemplateError: A template uses a placeholder not allowed, or a
            ``$`` that starts none.
        InvalidFieldError: The validity is not positive, or the customer
            center login address is the staff login page.

    >>> NotificationSettings(
    ...     "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw",
    ...     template="Your password: $password",
    ... )
    Traceback (most recent call last):
    ...
    ccroles.exceptions.UnsafeTemplateError: notification template refused: ...
    """

    administrator_email: str
    login_url: str
    set_password_url: str
    staff_login_url: str | None = None
    subject: str = attrs.field(
        default=DEFAULT_NOTIFICATION_SUBJECT, validator=_check_template
    )
    template: str = attrs.field(
        default=DEFAULT_NOTIFICATION_TEMPLATE, validator=_check_template
    )
    link_validity: timedelta = attrs.field(
        default=timedelta(hours=24), validator=_check_validity
    )

    def __attrs_post_init__(self) -> None:
        """Check the customer center address is not the staff login page."""
        if self.login_url == self.staff_login_url:
            raise InvalidFieldError(
                "notification settings",
                "login_url",
                self.login_url,
                expected="the customer center login address, not the staff login page",
            )


@attrs.frozen
class Contact:
    """A person at a customer, with a login of their own.

    Attributes:
        id: The contact's id, unique within the account.
        email: The contact's login email, or ``None``.
        give_access: Whether the contact may log in.
        role: The name of the contact's own role, or ``None``.
        active: Inactive contacts cannot log in.
        password_hash: The contact's password hash, or ``None`` (a secret:
            serializers leave it out unless told otherwise).
    """

    id: str = attrs.field(validator=_check_id)
    email: str | None = None
    give_access: bool = False
    role: str | None = None
    active: bool = True
    password_hash: PasswordHash | None = attrs.field(default=None, metadata=_SECRET)


@attrs.frozen
class Customer:
    """A customer record and its customer-center access.

    Attributes:
        internal_id: The record's internal id, unique within the account.
        customer_id: The customer's entity id (``ACME``), unique too.
        email: The customer-level login email, or ``None``.
        give_access: Whether the customer-level login may log in.
        role: The name of the customer-level login's role, or ``None``.
        assigned_website: The only website its logins may use; ``None``: all.
        active: Inactive customers (and their contacts) cannot log in.
        also_vendor: The customer is also a vendor (a separate login).
        also_partner: The customer is also a partner (a separate login).
        also_employee: The customer is also an employee (a separate login).
        contacts: The customer's contacts.
        password_hash: The customer-level login's password hash, or ``None``
            (a secret: serializers leave it out unless told otherwise).
    """

    internal_id: str = attrs.field(validator=_check_id)
    customer_id: str = attrs.field(validator=_check_id)
    email: str | None = None
    give_access: bool = False
    role: str | None = None
    assigned_website: str | None = None
    active: bool = True
    also_vendor: bool = False
    also_partner: bool = False
    also_employee: bool = False
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)
    password_hash: PasswordHash | None = attrs.field(default=None, metadata=_SECRET)

    @property
    def other_logins(self) -> tuple[str, ...]:
        """The other kinds of login this record has: vendor, partner, employee."""
        kinds = (
            ("vendor", self.also_vendor),
            ("partner", self.also_partner),
            ("employee", self.also_employee),
        )
        return tuple(kind for kind, flag in kinds if flag)


@attrs.frozen
class Login:
    """Who logs in: a customer's own login, or one of its contacts'.

    Attributes:
        customer: The customer whose records the login reaches.
        contact: The contact, or ``None`` for the customer-level login.
    """

    customer: Customer
    contact: Contact | None = None

    @property
    def email(self) -> str | None:
        """The login's email."""
        return self.contact.email if self.contact is not None else self.customer.email

    @property
    def role(self) -> str | None:
        """The name of the login's own role."""
        return self.contact.role if self.contact is not None else self.customer.role

    @property
    def give_access(self) -> bool:
        """Whether access is given to this login."""
        if self.contact is not None:
            return self.contact.give_access
        return self.customer.give_access

    @property
    def active(self) -> bool:
        """Whether the login's records are active (a contact's customer too)."""
        contact_active = self.contact is None or self.contact.active
        return self.customer.active and contact_active

    @property
    def label(self) -> str:
        """How messages name it: ``customer 'ACME'``, ``contact 'c1' of ...``."""
        owner = f"customer {self.customer.customer_id!r}"
        if self.contact is None:
            return owner
        return f"contact {self.contact.id!r} of {owner}"


@attrs.frozen
class Account:
    """A company's customer-center set-up, checked when it is built.

    Attributes:
        customer_access: Whether the Customer Access feature is switched on.
        roles: The account's custom roles (the built-ins are always known).
        websites: The account's website names.
        customers: The customers.
        notification: How access notification emails are written, or
            ``None`` when the account sends none.
        forms: The account's custom transaction forms, unique by name.
        form_preferences: The account's preferred forms: account-wide, per
            role and per website (Sales Order Type). Every role, website and
            form they name must be the account's own.

    Raises:
        UnknownReferenceError: A customer or contact names a role or an
            assigned website the account lacks; or the form preferences name
            a role, a website or a form the account lacks (roles and forms
            compare by value: a role of the same name with other levels is
            another role).
        DuplicateReferenceError: A role name (a custom role may not take a
            built-in role's name), website, internal id, customer id, contact
            id, login email or form name is used twice (emails ignoring case).

    >>> from ccroles.forms import RecordType
    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> external = TransactionForm("Sales Order (External)", RecordType.SALES_ORDER)
    >>> Account(
    ...     form_preferences=FormPreferences().with_role_form(CUSTOMER_CENTER, external)
    ... )
    Traceback (most recent call last):
    ...
    ccroles.exceptions.UnknownReferenceError: a form preference names form 'Sales Order (External)', which the account lacks
    """  # noqa: E501

    customer_access: bool = True
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    websites: tuple[str, ...] = attrs.field(default=(), converter=_websites)
    customers: tuple[Customer, ...] = attrs.field(default=(), converter=_customers)
    notification: NotificationSettings | None = None
    forms: tuple[TransactionForm, ...] = attrs.field(default=(), converter=_forms)
    form_preferences: FormPreferences = attrs.field(factory=FormPreferences)
    _roles_by_name: dict[str, Role] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _logins_by_email: dict[str, Login] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _customers_by_internal_id: dict[str, Customer] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Check references and uniqueness, and index roles and logins."""
        roles = _index_roles(self.roles)
        logins, by_internal_id = _index_customers(self.customers, roles, self.websites)
        _check_forms(self.forms, self.form_preferences, roles, self.websites)
        object.__setattr__(self, "_roles_by_name", roles)
        object.__setattr__(self, "_logins_by_email", logins)
        object.__setattr__(self, "_customers_by_internal_id", by_internal_id)

    @property
    def all_roles(self) -> tuple[Role, ...]:
        """The built-in roles, then the account's custom roles."""
        return tuple(self._roles_by_name.values())

    def role(self, name: str) -> Role:
        """Return the role called *name* (built-in or custom).

        Raises:
            UnknownRoleError: No role has that name.
        """
        try:
            return self._roles_by_name[name]
        except KeyError:
            raise UnknownRoleError(name, self._roles_by_name) from None

    def login(self, email: str) -> Login:
        """Return the login whose email is *email*, ignoring case.

        Raises:
            UnknownLoginError: No customer or contact has that email.
        """
        login = self._logins_by_email.get(email.casefold())
        if login is None:
            raise UnknownLoginError(email)
        return login

    def find_login(self, email: str) -> Login | None:
        """Return the login whose email is *email* (ignoring case), or ``None``."""
        return self._logins_by_email.get(email.casefold())

    def logins(self) -> Iterator[Login]:
        """Iterate over every login that has an email, in account order."""
        return iter(self._logins_by_email.values())

    def customer(self, internal_id: str) -> Customer:
        """Return the customer with *internal_id*.

        Raises:
            UnknownReferenceError: No customer has that internal id.
        """
        customer = self._customers_by_internal_id.get(internal_id)
        if customer is None:
            raise UnknownReferenceError(
                "customer",
                internal_id,
                owner="the account",
                known=list(self._customers_by_internal_id),
            )
        return customer
