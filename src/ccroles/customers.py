"""Customers and their contacts: the records whose logins reach the customer center.

A :class:`Customer` has a login of its own and may have :class:`Contact`
records, each with a login of its own. Ids and emails follow the rules of
:mod:`ccroles.names` and are checked when the records are built; the rules
that need the whole account (unique ids and emails, known roles and
websites) are the account's (:mod:`ccroles.account_rules`).

>>> customer = Customer(101, "ACME", contacts=[Contact(7, email="ap@acme.example")])
>>> customer.internal_id, customer.contacts[0].id
('101', '7')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccroles import _fields as fields
from ccroles.exceptions import InvalidEmailError
from ccroles.names import check_email

# cattrs reads the field types at run time
from ccroles.passwords import PasswordHash  # noqa: TC001
from ccroles.wording import login_label

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Contact", "Customer"]


def _check_email(
    instance: Customer | Contact, field: attrs.Attribute[str | None], value: object
) -> None:
    """An email field's validator: the rule of :func:`ccroles.names.check_email`."""
    if value is None:
        return
    try:
        check_email(value)
    except InvalidEmailError as refused:  # named only now: the common case is valid
        owner = (
            login_label(None, instance.id)
            if isinstance(instance, Contact)
            else login_label(instance.customer_id)
        )
        error = InvalidEmailError(refused.email, owner=owner)
        error.field = field.name
        raise error from None


def _contacts(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    return contacts if type(contacts) is tuple else tuple(contacts)


@attrs.frozen
class Contact:
    """A person at a customer, with a login of their own.

    Ids and emails follow the rules of :mod:`ccroles.names`: an integer id
    is taken as its decimal text, and an email must be one.

    Attributes:
        id: The contact's id, unique within the account.
        email: The contact's login email, or ``None``.
        give_access: Whether the contact may log in.
        role: The name of the contact's own role, or ``None``.
        active: Inactive contacts cannot log in.
        password_hash: The contact's password hash, or ``None`` (a secret:
            serializers leave it out unless told otherwise).
    """

    id: str = attrs.field(converter=fields.contact_id, metadata=fields.ID)
    email: str | None = attrs.field(default=None, validator=_check_email)
    give_access: bool = False
    role: str | None = None
    active: bool = True
    password_hash: PasswordHash | None = attrs.field(
        default=None, metadata=fields.SECRET
    )


# Not slotted: a frozen attrs class with an instance dict is built about a
# third faster (its __init__ stores into the dict instead of calling
# object.__setattr__ per field), which is most of an account's start-up; it
# takes about 100 bytes more per customer (benchmarks/bench_scale.py).
@attrs.frozen(slots=False)
class Customer:
    """A customer record and its customer-center access.

    Ids and emails follow the rules of :mod:`ccroles.names`: an integer id
    is taken as its decimal text, and an email must be one.

    >>> Customer(101, "ACME").internal_id
    '101'
    >>> Customer("101", "ACME", email="")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidEmailError: customer 'ACME' cannot log in as '': ...

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

    Raises:
        InvalidIdError: An id is blank, or neither text nor an integer.
        InvalidEmailError: The email is not an email (``""`` included).
    """

    internal_id: str = attrs.field(converter=fields.internal_id, metadata=fields.ID)
    customer_id: str = attrs.field(converter=fields.customer_id, metadata=fields.ID)
    email: str | None = attrs.field(default=None, validator=_check_email)
    give_access: bool = False
    role: str | None = None
    assigned_website: str | None = None
    active: bool = True
    also_vendor: bool = False
    also_partner: bool = False
    also_employee: bool = False
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)
    password_hash: PasswordHash | None = attrs.field(
        default=None, metadata=fields.SECRET
    )

    @property
    def other_logins(self) -> tuple[str, ...]:
        """The other kinds of login this record has: vendor, partner, employee."""
        kinds = (
            ("vendor", self.also_vendor),
            ("partner", self.also_partner),
            ("employee", self.also_employee),
        )
        return tuple(kind for kind, flag in kinds if flag)
