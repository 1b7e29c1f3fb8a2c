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

from typing import TYPE_CHECKING

import attrs

from ccroles.exceptions import (
    DuplicateReferenceError,
    InvalidNameError,
    UnknownLoginError,
    UnknownReferenceError,
    UnknownRoleError,
)
from ccroles.roles import BUILTIN_ROLES, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["Account", "Contact", "Customer", "Login"]


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


@attrs.frozen
class Contact:
    """A person at a customer, with a login of their own.

    Attributes:
        id: The contact's id, unique within the account.
        email: The contact's login email, or ``None``.
        give_access: Whether the contact may log in.
        role: The name of the contact's own role, or ``None``.
        active: Inactive contacts cannot log in.
    """

    id: str = attrs.field(validator=_check_id)
    email: str | None = None
    give_access: bool = False
    role: str | None = None
    active: bool = True


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

    Raises:
        DuplicateNameError: Two roles share a name (a custom role may not take
            a built-in role's name).
        UnknownReferenceError: A customer or contact names a role or an
            assigned website the account lacks.
        DuplicateReferenceError: An internal id, customer id, contact id or
            login email is used twice (emails ignoring case).
    """

    customer_access: bool = True
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    websites: tuple[str, ...] = attrs.field(default=(), converter=_websites)
    customers: tuple[Customer, ...] = attrs.field(default=(), converter=_customers)
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
