"""Accounts: the company's customers, their contacts, roles and websites.

An :class:`Account` is a frozen value checked when it is built, by the one
home of the account rules, :func:`account_problems`: every customer center
role descends from a built-in role object and holds nothing above it, every
role and website a customer or contact names is the account's, and names,
ids and login emails are unique (names and emails ignoring case). The data
file loader, grants and the CSV import check the accounts they make with the
same function. Ids, emails and names follow the rules of :mod:`ccroles.names`.

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

import re
import typing
from collections.abc import Sequence  # noqa: TC003 (resolved at run time: the Account type)
from datetime import timedelta
from typing import TYPE_CHECKING, Final, TypeVar, cast

import attrs

from ccroles._shared import SharedMap, SharedTuple
from ccroles.exceptions import (
    CCRolesError,
    DuplicateReferenceError,
    InvalidEmailError,
    InvalidFieldError,
    InvalidNameError,
    NotDescendedFromBuiltinError,
    UnknownLoginError,
    UnknownReferenceError,
    UnknownWebsiteError,
    UnsafeTemplateError,
)
from ccroles.forms import (
    FormPreferences,
    TransactionForm,
    unknown_preference_target,
)
from ccroles.names import as_id, check_email, email_key, fold, is_encodable

# cattrs reads the field types at run time; signin.py imports the name from here
from ccroles.passwords import PasswordHash as PasswordHash  # noqa: PLC0414, TC001
from ccroles.roles import BUILTIN_ROLES, Role, RoleCatalogue, escalation
from ccroles.wording import login_label

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, MutableMapping

__all__ = [
    "DEFAULT_NOTIFICATION_SUBJECT",
    "DEFAULT_NOTIFICATION_TEMPLATE",
    "MAX_LINK_VALIDITY",
    "NOTIFICATION_PLACEHOLDERS",
    "Account",
    "AccountProblem",
    "AccountRules",
    "Contact",
    "Customer",
    "Login",
    "LoginFacts",
    "NotificationSettings",
    "account_problems",
    "format_path",
]

_SECRET: Final = {"secret": True}
"""Metadata of fields a serializer leaves out unless told otherwise."""

_ID: Final = {"id": True}
"""Metadata of id fields: files may write them as text or as integers."""


# --- the fields of customers and contacts ------------------------------------


def _internal_id(value: object) -> str:
    return as_id(value, "customer internal id", field="internal_id")


def _customer_id(value: object) -> str:
    return as_id(value, "customer id", field="customer_id")


def _contact_id(value: object) -> str:
    return as_id(value, "contact id", field="id")


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


def _roles(roles: Iterable[Role]) -> tuple[Role, ...]:
    return tuple(roles)


def _websites(websites: Iterable[str]) -> tuple[str, ...]:
    return tuple(websites)


def _customers(customers: Iterable[Customer]) -> SharedTuple[Customer]:
    return customers if type(customers) is SharedTuple else SharedTuple(customers)


def _forms(forms: Iterable[TransactionForm]) -> tuple[TransactionForm, ...]:
    return tuple(forms)


# --- the account rules: their one home ----------------------------------------

_Path = tuple[str | int, ...]  # where in an account: ("customers", 3, "email")
_K = TypeVar("_K")
_V = TypeVar("_V")


_PER_CUSTOMER: Final = (
    "logins",
    "customers",
    "positions",
    "_customer_ids",
    "_contact_ids",
)
"""The account rules' indexes with an entry per customer or login."""


def _copied(index: MutableMapping[_K, _V]) -> MutableMapping[_K, _V]:
    return index.copy() if isinstance(index, SharedMap) else dict(index)


def _owned(index: MutableMapping[_K, _V]) -> dict[_K, _V]:
    return index.as_dict() if isinstance(index, SharedMap) else dict(index)


def _shared(index: MutableMapping[_K, _V]) -> SharedMap[_K, _V]:
    """*index* as a shared map, taking a dict over (the rules own their dicts)."""
    if isinstance(index, SharedMap):
        return index
    return SharedMap(cast("dict[_K, _V]", index))


def format_path(path: _Path) -> str:
    """Write *path* as people read it.

    >>> format_path(("customers", 3, "contacts", 0, "email"))
    'customers[3].contacts[0].email'
    >>> format_path(("form_preferences", "role_forms", "Sales Rep"))
    'form_preferences.role_forms["Sales Rep"]'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            text += f".{part}" if text else part
        else:
            import json  # noqa: PLC0415 (only for an odd key, in a message)

            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


@attrs.frozen
class AccountProblem:
    """One broken account rule: where it is and the error it raises.

    Attributes:
        path: Where in the account (``("customers", 3, "email")``).
        error: The error, a :class:`~ccroles.exceptions.CCRolesError`.

    >>> problem = AccountProblem(("websites", 1), InvalidNameError("website", " "))
    >>> print(problem)
    websites[1]: a website name must not be blank, got ' '
    """

    path: _Path
    error: CCRolesError

    def __str__(self) -> str:
        """Return ``path: message``."""
        return f"{format_path(self.path)}: {self.error}"


def _login_label(customer: Customer, number: int | None) -> str:
    """How messages name *customer*'s own login, or that of its contact *number*."""
    if number is None:
        return login_label(customer.customer_id)
    return login_label(customer.customer_id, customer.contacts[number].id)


def _login_path(index: int, number: int | None) -> _Path:
    """Where the login is: the customer at *index*, or its contact *number*."""
    if number is None:
        return ("customers", index)
    return ("customers", index, "contacts", number)


def _login_of(customer: Customer, key: str) -> Login:
    """The login of *customer* (its own or a contact's) whose email key is *key*."""
    if email_key(customer.email) == key:
        return Login(customer)
    return Login(
        customer, next(c for c in customer.contacts if email_key(c.email) == key)
    )


class AccountRules:
    """The account rules, checked part by part, with the indexes they build.

    The one home of the account rules (see :func:`account_problems` for the
    list). Every problem is kept in :attr:`problems` with its path; the
    indexes keep the first of any name, id or email given twice, so later
    checks still run. A customer can be replaced afterwards
    (:meth:`replace_customer`), at a cost independent of the number of
    customers: the CSV import checks each row that way, after the rows above
    it. :meth:`Account.rules` gives the rules of a built account; the indexes
    of a built account are shared by its copies (:meth:`copy` costs the same
    at any size), so :meth:`Account.with_customer` changes one customer at a
    cost independent of the number of customers.

    Attributes:
        problems: Every problem found so far, in the order found.
        roles: Built-in and custom roles by folded name.
        websites: Website names by folded name.
        logins: By casefolded login email, the customer whose login (its
            own or a contact's) it is.
        customers: Customers by internal id.
        positions: Each customer's place in the account, by internal id.
    """

    def __init__(self, *, ignored_roles: Iterable[str] = ()) -> None:
        """Start with the built-in roles; references to *ignored_roles* pass."""
        self.problems: list[AccountProblem] = []
        self.roles: dict[str, Role] = {fold(r.name): r for r in BUILTIN_ROLES}
        self.websites: dict[str, str] = {}
        self.logins: MutableMapping[str, Customer] = {}
        self.customers: MutableMapping[str, Customer] = {}
        self.positions: MutableMapping[str, int] = {}
        self._customer_ids: MutableMapping[str, bool] = {}
        self._contact_ids: MutableMapping[str, bool] = {}
        self._ignored = tuple(ignored_roles)
        self._ignored_keys = frozenset(map(fold, self._ignored))
        # Role names, as written, found known: roles are never removed.
        self._known_role_names: set[str] = set()

    def copy(self, *, shared: bool = True) -> AccountRules:
        """Return rules with the same indexes, to check changes against.

        Shared indexes (:meth:`share`) are copied at a cost independent of
        their size, for a few changes; others entry by entry. With
        ``shared=False`` every index is copied entry by entry into a plain
        dict, once, for many changes (the CSV import): each change then
        costs a dict update, where a shared index pays a few tuple copies.
        """
        other = AccountRules()
        other.roles = dict(self.roles)
        other.websites = dict(self.websites)
        for name in _PER_CUSTOMER:
            index = getattr(self, name)
            setattr(other, name, _copied(index) if shared else _owned(index))
        return other

    def share(self) -> AccountRules:
        """Make the per-customer indexes shareable by copies; return self.

        The indexes are then never changed in place: a copy and its original
        each see their own changes only (:mod:`ccroles._shared`).
        """
        for name in _PER_CUSTOMER:
            setattr(self, name, _shared(getattr(self, name)))
        return self

    def _add(self, path: _Path, error: CCRolesError) -> None:
        self.problems.append(AccountProblem(path, error))

    def check_roles(self, roles: Iterable[Role]) -> None:
        """Names unique; customer center roles under a built-in role object."""
        for index, role in enumerate(roles):
            at: _Path = ("roles", index)
            key = fold(role.name)
            error: CCRolesError | None
            if key in self.roles:
                error = DuplicateReferenceError(
                    "role name", role.name, owner="the account"
                )
                self._add((*at, "name"), error)
                continue
            self.roles[key] = role
            if not role.center_type.is_customer_center:
                continue
            root = role.root
            if not any(root is builtin for builtin in BUILTIN_ROLES):
                error = NotDescendedFromBuiltinError(role.name, root.name)
                self._add((*at, "base"), error)
                continue
            error = escalation(role, root)
            if error is not None:
                self._add((*at, "levels"), error)

    def check_websites(self, websites: Iterable[object]) -> None:
        """Website names non-blank text, unique ignoring case."""
        for index, website in enumerate(websites):
            at: _Path = ("websites", index)
            if (
                not isinstance(website, str)
                or not website.strip()
                or not is_encodable(website)
            ):
                self._add(at, InvalidNameError("website", website))
                continue
            key = fold(website)
            if key in self.websites:
                error = DuplicateReferenceError("website", website, owner="the account")
                self._add(at, error)
            else:
                self.websites[key] = website

    def check_customer(self, index: int, customer: Customer) -> None:
        """Check *customer* as the account's customer number *index*."""
        self.check_customers((customer,), index)

    def check_customers(self, customers: Iterable[Customer], start: int = 0) -> None:
        """Ids and emails unique; the roles and websites they name known.

        The customers are numbered from *start* in the problems' paths.
        """
        by_id, positions, customer_ids = (
            self.customers,
            self.positions,
            self._customer_ids,
        )
        websites, check_login = self.websites, self._check_login
        for index, customer in enumerate(customers, start):
            internal_id, customer_id = customer.internal_id, customer.customer_id
            if internal_id in by_id:
                error = DuplicateReferenceError(
                    "internal id", internal_id, owner=login_label(customer_id)
                )
                self._add(("customers", index, "internal_id"), error)
            else:
                by_id[internal_id] = customer
                positions[internal_id] = index
            if customer_id in customer_ids:
                error = DuplicateReferenceError(
                    "customer id", customer_id, owner=login_label(customer_id)
                )
                self._add(("customers", index, "customer_id"), error)
            customer_ids[customer_id] = True
            assigned = customer.assigned_website
            if assigned is not None and fold(assigned) not in websites:
                unknown = UnknownReferenceError(
                    "website",
                    assigned,
                    owner=login_label(customer_id),
                    known=websites.values(),
                )
                self._add(("customers", index, "assigned_website"), unknown)
            check_login(index, customer, None)
            if customer.contacts:
                self._check_contacts(index, customer)

    def _check_contacts(self, index: int, customer: Customer) -> None:
        """Contact ids unique; each contact's login checked."""
        for number, contact in enumerate(customer.contacts):
            if contact.id in self._contact_ids:
                label = login_label(customer.customer_id, contact.id)
                error = DuplicateReferenceError("contact id", contact.id, owner=label)
                self._add(("customers", index, "contacts", number, "id"), error)
            self._contact_ids[contact.id] = True
            self._check_login(index, customer, number)

    def _check_login(self, index: int, customer: Customer, number: int | None) -> None:
        """The login's role is the account's; its email is no other login's.

        The login is the customer's own (*number* ``None``) or its contact
        number *number*; it is named only in a problem.
        """
        person = customer if number is None else customer.contacts[number]
        role = person.role
        if role is not None and role not in self._known_role_names:
            key = fold(role)
            if key in self.roles or key in self._ignored_keys:
                self._known_role_names.add(role)
            else:
                known = [*(r.name for r in self.roles.values()), *self._ignored]
                unknown = UnknownReferenceError(
                    "role", role, owner=_login_label(customer, number), known=known
                )
                self._add((*_login_path(index, number), "role"), unknown)
        email = person.email
        if email is None:
            return
        key = email_key(email)
        if key in self.logins:
            owner = _login_label(customer, number)
            error = DuplicateReferenceError("email", email, owner=owner)
            self._add((*_login_path(index, number), "email"), error)
        else:
            self.logins[key] = customer

    def replace_customer(
        self, index: int, old: Customer, new: Customer
    ) -> list[AccountProblem]:
        """Check *new* in place of *old* at *index*; return the problems it adds.

        *old* must be a customer these rules accepted. Its ids and emails are
        released first, so *new* may keep them or take ones *old* gave up.
        """
        if self.customers.get(old.internal_id) is old:
            del self.customers[old.internal_id]
            del self.positions[old.internal_id]
        self._customer_ids.pop(old.customer_id, None)
        for email in (old.email, *(contact.email for contact in old.contacts)):
            key = email_key(email)
            if self.logins.get(key) is old:
                del self.logins[key]
        for contact in old.contacts:
            self._contact_ids.pop(contact.id, None)
        start = len(self.problems)
        self.check_customer(index, new)
        return self.problems[start:]

    def try_customer(
        self, index: int, old: Customer, new: Customer
    ) -> list[AccountProblem]:
        """The problems *new* would have in place of *old*; nothing changes.

        >>> account = Account(
        ...     customers=[
        ...         Customer("1", "A", email="a@x.example"),
        ...         Customer("2", "B", email="b@x.example"),
        ...     ]
        ... )
        >>> rules = account.rules()
        >>> old = account.customers[1]
        >>> new = attrs.evolve(old, email="A@x.example")
        >>> [str(problem) for problem in rules.try_customer(1, old, new)]
        ["customers[1].email: customer 'B' uses email 'A@x.example', which is already taken"]
        >>> rules.problems
        []
        """  # noqa: E501
        start = len(self.problems)
        found = self.replace_customer(index, old, new)
        self.replace_customer(index, new, old)
        del self.problems[start:]
        return found

    def check_forms(
        self, forms: Iterable[TransactionForm], preferences: FormPreferences
    ) -> None:
        """Form names unique; preferences name only the account's own.

        Roles and forms are compared by value: a role or form of the same
        name but other content is not the account's.
        """
        by_name: dict[str, TransactionForm] = {}
        error: CCRolesError
        for index, form in enumerate(forms):
            key = fold(form.name)
            if key in by_name:
                error = DuplicateReferenceError(
                    "form name", form.name, owner="the account"
                )
                self._add(("forms", index, "name"), error)
            else:
                by_name[key] = form
        owner = "a form preference"
        at: _Path = ("form_preferences",)
        for role in preferences.role_forms:
            unknown = unknown_preference_target(
                "role", role.name, self.roles, ignored=self._ignored_keys, expected=role
            )
            if unknown is not None:
                self._add((*at, "role_forms", role.name), unknown)
        for website in preferences.website_order_forms:
            if fold(website) not in self.websites:
                known = self.websites.values()
                error = UnknownReferenceError(
                    "website", website, owner=owner, known=known
                )
                self._add((*at, "website_order_forms", website), error)
        preferred = [
            *preferences.account_forms.values(),
            *(form for own in preferences.role_forms.values() for form in own.values()),
            *preferences.website_order_forms.values(),
        ]
        for form in preferred:
            unknown = unknown_preference_target(
                "form", form.name, by_name, expected=form
            )
            if unknown is not None:
                self._add(at, unknown)

    def check(
        self,
        *,
        roles: Iterable[Role],
        websites: Iterable[str],
        customers: Iterable[Customer],
        forms: Iterable[TransactionForm],
        form_preferences: FormPreferences,
    ) -> AccountRules:
        """Check every part, in the order an account holds them; return self."""
        self.check_roles(roles)
        self.check_websites(websites)
        self.check_customers(customers)
        self.check_forms(forms, form_preferences)
        return self


def account_problems(  # noqa: PLR0913 (the parts of an account)
    *,
    roles: Iterable[Role] = (),
    websites: Iterable[str] = (),
    customers: Iterable[Customer] = (),
    forms: Iterable[TransactionForm] = (),
    form_preferences: FormPreferences | None = None,
    ignored_roles: Iterable[str] = (),
) -> tuple[AccountProblem, ...]:
    """Every account rule the parts of an account break, each with its path.

    The rules live once, in :class:`AccountRules`; :class:`Account` raises
    the first problem they find, and the file loader, grants and the CSV
    import report them. The rules:

    - role names are unique, ignoring case, and no custom role takes a
      built-in role's name;
    - every customer center role descends from one of the three built-in
      role objects themselves (not a role of the same name), and holds no
      permission, level or capability above that root
      (:func:`~ccroles.roles.escalation`);
    - website names are non-blank text, unique ignoring case;
    - internal ids, customer ids and contact ids are unique (compared
      exactly), and login emails are unique ignoring case;
    - every role and assigned website a customer or contact names is the
      account's (matched ignoring case);
    - form names are unique ignoring case, and the form preferences name only
      the account's own roles, websites and forms (compared by value).

    Ids and emails are checked when customers and contacts are built
    (:mod:`ccroles.names`), so every customer given already keeps those rules.

    Args:
        roles: The custom roles.
        websites: The website names.
        customers: The customers.
        forms: The custom transaction forms.
        form_preferences: The preferred forms.
        ignored_roles: Role names that references may use without a problem
            (roles that did not load, whose problems are reported already).

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> problems = account_problems(
    ...     roles=[attrs.evolve(CUSTOMER_CENTER, name="Everything")],
    ...     customers=[
    ...         Customer("1", "A", email="a@x.example", role="Everything"),
    ...         Customer("2", "B", email="A@x.example", role="Nobody"),
    ...     ],
    ... )
    >>> for problem in problems:
    ...     print(problem)
    roles[0].base: customer center role 'Everything' is no copy of a built-in role: make it with CUSTOMER_CENTER.customize(...) (or the premium or advanced role)
    customers[1].role: customer 'B' names role 'Nobody', which the account lacks
    customers[1].email: customer 'B' uses email 'A@x.example', which is already taken
    """  # noqa: E501
    rules = AccountRules(ignored_roles=ignored_roles).check(
        roles=roles,
        websites=websites,
        customers=customers,
        forms=forms,
        form_preferences=form_preferences or FormPreferences(),
    )
    return tuple(rules.problems)


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
    import string  # noqa: PLC0415 (only when an account has notifications)

    template = string.Template(value)
    if not template.is_valid():
        raise UnsafeTemplateError(None, allowed=NOTIFICATION_PLACEHOLDERS)
    for name in template.get_identifiers():
        if name not in NOTIFICATION_PLACEHOLDERS:
            raise UnsafeTemplateError(name, allowed=NOTIFICATION_PLACEHOLDERS)


MAX_LINK_VALIDITY: Final = timedelta(days=31)
"""The longest any link may work: a set-password link of the access
notification, a forgotten-password link, a link registered with a sign-in
store."""


def _check_validity(
    _: object, __: attrs.Attribute[timedelta], value: timedelta
) -> None:
    if not timedelta(0) < value <= MAX_LINK_VALIDITY:
        raise InvalidFieldError(
            "notification settings",
            "link_validity",
            value,
            expected=f"a positive duration of at most {MAX_LINK_VALIDITY.days} days",
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
        InvalidFieldError: The validity is not positive or longer than
            :data:`MAX_LINK_VALIDITY`, or the customer center login address
            is the staff login page.

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

    id: str = attrs.field(converter=_contact_id, metadata=_ID)
    email: str | None = attrs.field(default=None, validator=_check_email)
    give_access: bool = False
    role: str | None = None
    active: bool = True
    password_hash: PasswordHash | None = attrs.field(default=None, metadata=_SECRET)


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

    internal_id: str = attrs.field(converter=_internal_id, metadata=_ID)
    customer_id: str = attrs.field(converter=_customer_id, metadata=_ID)
    email: str | None = attrs.field(default=None, validator=_check_email)
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
    return None if value is None else _customer_id(value)


def _optional_contact_id(value: object) -> str | None:
    return None if value is None else _contact_id(value)


@typing.final
@attrs.frozen
class LoginFacts:
    """The facts about one login that a portal holds in its own database.

    A portal that keeps its customers in its own database asks the engine
    about the signed-in login with these, read from its own rows on each
    request. The engine then needs only the roles and the account-wide
    settings (an :class:`Account` without customers), so it starts at a cost
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

    internal_id: str = attrs.field(converter=_internal_id)
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


@attrs.frozen
class Account:
    """A company's customer-center set-up, checked when it is built.

    The checks are the account rules of :func:`account_problems`; the first
    problem found is raised. Names (roles, websites, forms) are looked up
    ignoring case and surrounding white space, and emails ignoring case.

    Attributes:
        customer_access: Whether the Customer Access feature is switched on.
        roles: The account's custom roles (the built-ins are always known).
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
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
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
            roles=self.roles,
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
                self.roles,
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
        :meth:`AccountRules.copy`).

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
