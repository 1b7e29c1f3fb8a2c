"""Logins: who logs in, as an account holds it or as a portal's database does.

A :class:`Login` is a customer's own login or one of its contacts', found in
an :class:`~ccroles.accounts.Account` by email. :class:`LoginFacts` are the
same facts about one login read from a portal's own rows, for a portal that
keeps its customers in its own database: the engine answers both alike.

>>> from ccroles.customers import Contact, Customer
>>> customer = Customer("101", "ACME", contacts=[Contact("c1", role="Customer Center")])
>>> login = Login(customer, customer.contacts[0])
>>> login.label, LoginFacts.of(login).label
("contact 'c1' of customer 'ACME'", "contact 'c1' of customer 'ACME'")
"""

from __future__ import annotations

import typing

import attrs

from ccroles import _fields as fields

# attrs and cattrs read the field types at run time
from ccroles.customers import Contact, Customer  # noqa: TC001
from ccroles.exceptions import InvalidFieldError
from ccroles.wording import login_label

__all__ = ["Login", "LoginFacts"]


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
        """Whether the customer is active (as :attr:`LoginFacts.active`).

        A contact's own flag is :attr:`contact_active`; a login may sign in
        only when both hold (and more: see :class:`~ccroles.policy.Engine`).
        """
        return self.customer.active

    @property
    def contact_active(self) -> bool:
        """Whether the contact is active; ``True`` for the customer's own login."""
        return self.contact is None or self.contact.active

    @property
    def internal_id(self) -> str:
        """The internal id of the customer whose records the login reaches."""
        return self.customer.internal_id

    @property
    def assigned_website(self) -> str | None:
        """The only website the login may use (its customer's); ``None``: all."""
        return self.customer.assigned_website

    @property
    def label(self) -> str:
        """How messages name it: ``customer 'ACME'``, ``contact 'c1' of ...``."""
        contact = self.contact
        return login_label(
            self.customer.customer_id, None if contact is None else contact.id
        )


def _flag(value: object, field: str) -> bool:
    """A flag: ``True``/``False``, or ``1``/``0`` as SQLite gives them."""
    if value is True or value is False:
        return value
    if type(value) is int and value in {0, 1}:
        return bool(value)
    raise InvalidFieldError("login", field, value, expected="True or False")


def _give_access(value: object) -> bool:
    return _flag(value, "give_access")


def _active(value: object) -> bool:
    return _flag(value, "active")


def _text(value: object, field: str) -> str | None:
    """A name field of login facts: text (taken as plain text) or ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value)
    raise InvalidFieldError("login", field, value, expected="text or None")


def _role_name(value: object) -> str | None:
    return _text(value, "role")


def _website_name(value: object) -> str | None:
    return _text(value, "assigned_website")


def _contact_active(value: object) -> bool:
    return _flag(value, "contact_active")


def _optional_customer_id(value: object) -> str | None:
    return None if value is None else fields.customer_id(value)


def _optional_contact_id(value: object) -> str | None:
    return None if value is None else fields.contact_id(value)


@typing.final
@attrs.frozen
class LoginFacts:
    """The facts about one login that a portal holds in its own database.

    A portal that keeps its customers in its own database asks the engine
    about the signed-in login with these, read from its own rows on each
    request. The engine then needs only the roles and the account-wide
    settings (an :class:`~ccroles.accounts.Account` without customers), so it starts at a cost
    independent of the number of customers. The answers and reasons are
    those the engine gives for the same login found by email in an account
    that holds it (:meth:`of` gives the facts of such a login).

    >>> from ccroles import Account, Engine, LoginFacts
    >>> engine = Engine(Account())
    >>> login = LoginFacts("101", "Customer Center", give_access=True)
    >>> engine.allows(login, "Make a Payment")
    True
    >>> engine.decide(LoginFacts("101", "Customer Center"), "Make a Payment").reasons[0].fact
    "customer '101' does not have Give Access ticked"

    Attributes:
        internal_id: The internal id of the customer whose records the login
            reaches (an integer is taken as its decimal text).
        role: The name of the login's role (any case), or ``None``.
            Text subclasses are read as plain text.
        give_access: Whether Give Access is ticked (``1``/``0`` accepted).
        active: Whether the customer is active.
        assigned_website: The customer's Assigned Website, or ``None``.
        customer_id: The customer's entity id, for messages (by default the
            internal id).
        contact_id: The contact's id when a contact logs in, else ``None``.
        contact_active: Whether that contact is active.

    Raises:
        InvalidIdError: An id is blank, or neither text nor an integer.
        InvalidFieldError: A flag is neither a bool nor ``0``/``1``, or a
            name is neither text nor ``None``.
    """  # noqa: E501

    internal_id: str = attrs.field(converter=fields.internal_id)
    role: str | None = attrs.field(converter=_role_name)
    give_access: bool = attrs.field(default=False, converter=_give_access)
    active: bool = attrs.field(default=True, converter=_active)
    assigned_website: str | None = attrs.field(default=None, converter=_website_name)
    customer_id: str | None = attrs.field(
        default=None, kw_only=True, converter=_optional_customer_id
    )
    contact_id: str | None = attrs.field(
        default=None, kw_only=True, converter=_optional_contact_id
    )
    contact_active: bool = attrs.field(
        default=True, kw_only=True, converter=_contact_active
    )

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Refuse subclasses: the engine trusts these fields, not overrides."""
        msg = "LoginFacts cannot be subclassed"
        raise TypeError(msg)

    @classmethod
    def of(cls, login: Login) -> LoginFacts:
        """The facts of an account's *login*.

        >>> customer = Customer("101", "ACME", role="Customer Center")
        >>> LoginFacts.of(Login(customer)).label
        "customer 'ACME'"
        """
        customer, contact = login.customer, login.contact
        return cls(
            customer.internal_id,
            login.role,
            login.give_access,
            customer.active,
            customer.assigned_website,
            customer_id=customer.customer_id,
            contact_id=None if contact is None else contact.id,
            contact_active=contact is None or contact.active,
        )

    @property
    def label(self) -> str:
        """How messages name it: ``customer 'ACME'``, ``contact 'c1' of ...``."""
        name = self.internal_id if self.customer_id is None else self.customer_id
        return login_label(name, self.contact_id)

    @property
    def customer_label(self) -> str:
        """How messages name the login's customer: ``customer 'ACME'``."""
        name = self.internal_id if self.customer_id is None else self.customer_id
        return login_label(name)

    @property
    def inactive(self) -> tuple[str, ...]:
        """How messages name each inactive record: the customer, the contact."""
        customer = () if self.active else (self.customer_label,)
        if self.contact_id is None or self.contact_active:
            return customer
        return (*customer, self.label)
