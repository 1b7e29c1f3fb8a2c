"""Accounts: the company's customers, their contacts, roles and websites.

An :class:`Account` is a frozen value checked when it is built, by the one
home of the account rules, :func:`~ccroles.account_rules.account_problems`:
every customer center role descends from a built-in role object and holds
nothing above it, every role and website a customer or contact names is the
account's, and names, ids and login emails are unique (names and emails
ignoring case). The data file loader, grants and the CSV import check the
accounts they make with the same function. Ids, emails and names follow the
rules of :mod:`ccroles.names`. Customers and contacts are
:mod:`ccroles.customers`, logins :mod:`ccroles.logins`, the notification
settings :mod:`ccroles.notifications`.

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

from collections.abc import Sequence  # noqa: TC003 (resolved at run time: the Account type)
from typing import TYPE_CHECKING, cast

import attrs

from ccroles._deprecation import moved_names, warn_renamed
from ccroles._shared import SharedTuple
from ccroles.account_rules import AccountRules

# a field type; users import it from here with Account (an explicit re-export)
from ccroles.customers import Customer as Customer  # noqa: PLC0414, TC001
from ccroles.exceptions import (
    UnknownLoginError,
    UnknownReferenceError,
    UnknownWebsiteError,
)
from ccroles.forms import FormPreferences, TransactionForm
from ccroles.logins import Login
from ccroles.names import as_id, email_key, fold
from ccroles.notifications import NotificationSettings  # noqa: TC001 (a field type)
from ccroles.roles import Role, RoleCatalogue

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["Account"]

__getattr__ = moved_names(
    __name__,
    {
        "AccountProblem": "ccroles.account_rules",
        "account_problems": "ccroles.account_rules",
        "Contact": "ccroles.customers",
        "LoginFacts": "ccroles.logins",
        "DEFAULT_NOTIFICATION_SUBJECT": "ccroles.notifications",
        "DEFAULT_NOTIFICATION_TEMPLATE": "ccroles.notifications",
        "MAX_LINK_VALIDITY": "ccroles.notifications",
        "NOTIFICATION_PLACEHOLDERS": "ccroles.notifications",
        "format_path": "ccroles.paths",
        "PasswordHash": "ccroles.passwords",
    },
)


def _roles(roles: Iterable[Role]) -> tuple[Role, ...]:
    return tuple(roles)


def _websites(websites: Iterable[str]) -> tuple[str, ...]:
    return tuple(websites)


def _customers(customers: Iterable[Customer]) -> SharedTuple[Customer]:
    return customers if type(customers) is SharedTuple else SharedTuple(customers)


def _forms(forms: Iterable[TransactionForm]) -> tuple[TransactionForm, ...]:
    return tuple(forms)


def _login_of(customer: Customer, key: str) -> Login:
    """The login of *customer* (its own or a contact's) whose email key is *key*."""
    if email_key(customer.email) == key:
        return Login(customer)
    return Login(
        customer, next(c for c in customer.contacts if email_key(c.email) == key)
    )


@attrs.frozen
class Account:
    """A company's customer-center set-up, checked when it is built.

    The checks are the account rules of
    :func:`~ccroles.account_rules.account_problems`; the first problem found
    is raised. Names (roles, websites, forms) are looked up ignoring case and
    surrounding white space, and emails ignoring case.

    Attributes:
        customer_access: Whether the Customer Access feature is switched on.
        custom_roles: The account's custom roles, given as ``roles=`` (the
            built-ins are always known: :attr:`all_roles` lists both, and
            :meth:`role` finds either).
        websites: The account's website names.
        customers: The customers, in a sequence that compares equal to the
            tuple of the same customers (a changed account shares it: see
            :meth:`with_customer`).
        notification: How access notification emails are written, or
            ``None`` when the account sends none.
        forms: The account's custom transaction forms, unique by name.
        form_preferences: The account's preferred forms: account-wide, per
            role and per website (Sales Order Type). Every role, website and
            form they name must be the account's own.

    Raises:
        NotDescendedFromBuiltinError: A customer center role does not descend
            from a built-in role object (a look-alike root, a detached copy).
        EscalationError: A role holds more than its built-in root.
        UnknownReferenceError: A customer or contact names a role or an
            assigned website the account lacks; or the form preferences name
            a role, a website or a form the account lacks (roles and forms
            compare by value: a role of the same name with other levels is
            another role).
        DuplicateReferenceError: A role name (a custom role may not take a
            built-in role's name), website, internal id, customer id, contact
            id, login email or form name is used twice (names and emails
            ignoring case).
        InvalidNameError: A website name is blank or not text.

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
    # the keyword (and a data file's key) stays `roles`: the attribute says what
    # it holds, beside all_roles and role(name), which know the built-ins too
    custom_roles: tuple[Role, ...] = attrs.field(
        default=(), converter=_roles, alias="roles"
    )
    websites: tuple[str, ...] = attrs.field(default=(), converter=_websites)
    customers: Sequence[Customer] = attrs.field(default=(), converter=_customers)
    notification: NotificationSettings | None = None
    forms: tuple[TransactionForm, ...] = attrs.field(default=(), converter=_forms)
    form_preferences: FormPreferences = attrs.field(factory=FormPreferences)
    _rules: AccountRules = attrs.field(init=False, repr=False, eq=False, hash=False)
    _roles_by_name: RoleCatalogue = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Run the account rules; raise the first problem, else keep the indexes."""
        rules = AccountRules().check(
            roles=self.custom_roles,
            websites=self.websites,
            customers=self.customers,
            forms=self.forms,
            form_preferences=self.form_preferences,
        )
        if rules.problems:
            raise rules.problems[0].error
        object.__setattr__(self, "_rules", rules.share())
        object.__setattr__(self, "_roles_by_name", RoleCatalogue(rules.roles.values()))

    def __reduce__(self) -> tuple[type[Account], tuple[object, ...]]:
        """Pickle and copy by the fields: loading checks the account rules again."""
        return (
            Account,
            (
                self.customer_access,
                self.custom_roles,
                self.websites,
                tuple(self.customers),
                self.notification,
                self.forms,
                self.form_preferences,
            ),
        )

    def rules(self, *, shared: bool = True) -> AccountRules:
        """A copy of the account's rules and indexes, to check changes against.

        The copy shares the account's indexes, at a cost independent of the
        number of customers, for a few changes; ``shared=False`` gives them
        as plain dicts (one pass over them), for many (see
        :meth:`AccountRules.copy <ccroles.account_rules.AccountRules.copy>`).

        >>> account = Account(customers=[Customer("1", "A", email="a@x.example")])
        >>> rules = account.rules()
        >>> old = account.customers[0]
        >>> [str(p) for p in rules.replace_customer(0, old, Customer("1", "A"))]
        []
        """
        return self._rules.copy(shared=shared)

    def with_customer(self, customer: Customer) -> Account:
        """This account with *customer* in place of the one of its internal id.

        A customer whose internal id the account lacks is added at the end.
        Only *customer* is checked, against the rest of the account, by the
        same account rules as the constructor's, and the new account shares
        this one's indexes and customers: the cost does not grow with the
        number of customers. This account is left as it is. Grants and
        revocations (:mod:`ccroles.access`) change an account this way.

        >>> account = Account(customers=[Customer("1", "A"), Customer("2", "B")])
        >>> changed = account.with_customer(Customer("2", "B", email="b@x.example"))
        >>> changed.login("B@x.example").customer.customer_id, account.find_login("b@x.example")
        ('B', None)
        >>> changed == Account(customers=[Customer("1", "A"), changed.customers[1]])
        True

        Raises:
            CCRolesError: *customer* breaks an account rule (the error the
                constructor would raise for the whole account).
        """  # noqa: E501
        rules = self._rules.copy()
        old = rules.customers.get(customer.internal_id)
        customers = cast("SharedTuple[Customer]", self.customers)  # its converter's
        if old is None:
            rules.check_customer(len(customers), customer)
            problems = rules.problems
            customers = customers.append(customer)
        else:
            position = rules.positions[old.internal_id]
            problems = rules.replace_customer(position, old, customer)
            customers = customers.replace(position, customer)
        if problems:
            raise problems[0].error
        changed: Account = object.__new__(Account)
        for field in attrs.fields(Account):
            object.__setattr__(changed, field.name, getattr(self, field.name))
        object.__setattr__(changed, "customers", customers)
        object.__setattr__(changed, "_rules", rules)
        return changed

    @property
    def roles(self) -> tuple[Role, ...]:
        """Deprecated: the custom roles are :attr:`custom_roles`.

        The old name said less than it held: only the custom roles, while
        :meth:`role` finds the built-ins too. It goes in the next release.
        """
        warn_renamed("Account.roles", "Account.custom_roles")
        return self.custom_roles

    @property
    def all_roles(self) -> tuple[Role, ...]:
        """The built-in roles, then the account's custom roles."""
        return tuple(self._roles_by_name.values())

    def role(self, name: str) -> Role:
        """Return the role called *name* (built-in or custom, any case).

        Raises:
            UnknownRoleError: No role has that name; the closest is suggested.
        """
        return self._roles_by_name[name]

    def website(self, name: str) -> str:
        """Return the account's website called *name* (any case), as written.

        Raises:
            UnknownWebsiteError: The account has no such website; the closest
                is suggested.

        >>> Account(websites=["Wholesale Portal"]).website("wholesale portal")
        'Wholesale Portal'
        >>> Account(websites=["Wholesale Portal"]).website("Wholesale Portl")
        Traceback (most recent call last):
        ...
        ccroles.exceptions.UnknownWebsiteError: unknown website 'Wholesale Portl'; did you mean 'Wholesale Portal'?
        """  # noqa: E501
        found = self._rules.websites.get(fold(name))
        if found is None:
            raise UnknownWebsiteError(name, self.websites)
        return found

    def login(self, email: str) -> Login:
        """Return the login whose email is *email*, ignoring case.

        Raises:
            UnknownLoginError: No customer or contact has that email.
        """
        login = self.find_login(email)
        if login is None:
            raise UnknownLoginError(email)
        return login

    def find_login(self, email: str) -> Login | None:
        """Return the login whose email is *email* (ignoring case), or ``None``.

        Anything that is not a login email (``""``, ``None``) finds none.
        """
        key = email_key(email)
        customer = self._rules.logins.get(key)
        return None if customer is None else _login_of(customer, key)

    def logins(self) -> Iterator[Login]:
        """Iterate over every login that has an email, in account order."""
        for customer in self.customers:
            if customer.email is not None:
                yield Login(customer)
            for contact in customer.contacts:
                if contact.email is not None:
                    yield Login(customer, contact)

    def customer(self, internal_id: str | int) -> Customer:
        """Return the customer with *internal_id* (an integer is read as its text).

        Raises:
            InvalidIdError: *internal_id* cannot be an id.
            UnknownReferenceError: No customer has that internal id.
        """
        key = as_id(internal_id, "internal id")
        customer = self._rules.customers.get(key)
        if customer is None:
            raise UnknownReferenceError(
                "customer",
                key,
                owner="the account",
                known=list(self._rules.customers),
            )
        return customer
