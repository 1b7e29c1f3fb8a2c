"""The account rules: their one home, every problem with its path.

:func:`account_problems` lists every rule the parts of an account break;
:class:`AccountRules` checks them part by part and keeps the indexes they
build, so one customer can be checked again, against the rest of the
account, at a cost independent of the number of customers.
:class:`~ccroles.accounts.Account` raises the first problem when it is
built; the data file loader, grants and the CSV import report them all.

>>> from ccroles.customers import Customer
>>> [str(p) for p in account_problems(customers=[Customer("1", "A", role="Nobody")])]
["customers[0].role: customer 'A' names role 'Nobody', which the account lacks"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar, cast

import attrs

from ccroles._shared import SharedMap
from ccroles.exceptions import (
    CCRolesError,
    DuplicateReferenceError,
    InvalidNameError,
    NotDescendedFromBuiltinError,
    UnknownReferenceError,
)
from ccroles.forms import FormPreferences, unknown_preference_target
from ccroles.names import email_key, fold, is_encodable
from ccroles.paths import format_path
from ccroles.roles import BUILTIN_ROLES, escalation
from ccroles.wording import login_label

if TYPE_CHECKING:
    from collections.abc import (
        Collection,
        Iterable,
        Iterator,
        Mapping,
        MutableMapping,
    )

    from ccroles.customers import Customer
    from ccroles.forms import TransactionForm
    from ccroles.roles import Role

__all__ = ["AccountProblem", "AccountRules", "account_problems"]

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


class AccountRules:
    """The account rules, checked part by part, with the indexes they build.

    The one home of the account rules (see :func:`account_problems` for the
    list). Every problem is kept in :attr:`problems` with its path; the
    indexes keep the first of any name, id or email given twice, so later
    checks still run. A customer can be replaced afterwards
    (:meth:`replace_customer`), at a cost independent of the number of
    customers: the CSV import checks each row that way, after the rows above
    it. :meth:`Account.rules <ccroles.accounts.Account.rules>` gives the
    rules of a built account; the indexes of a built account are shared by
    its copies (:meth:`copy` costs the same at any size), so
    :meth:`Account.with_customer <ccroles.accounts.Account.with_customer>`
    changes one customer at a cost independent of the number of customers.

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

        >>> from ccroles.accounts import Account
        >>> from ccroles.customers import Customer
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
        for path, error in _preference_problems(
            preferences, self.roles, self.websites, by_name, self._ignored_keys
        ):
            self._add(path, error)

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

    The rules live once, in :class:`AccountRules`; :class:`~ccroles.accounts.Account` raises
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

    >>> from ccroles.customers import Customer
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


def _preference_problems(
    preferences: FormPreferences,
    roles: Mapping[str, Role],
    websites: Mapping[str, str],
    forms: Mapping[str, TransactionForm],
    ignored_roles: Collection[str],
) -> Iterator[tuple[_Path, CCRolesError]]:
    """The roles, websites and forms *preferences* name that the account lacks.

    Each of *roles*, *websites* and *forms* holds the account's own by
    folded name; *ignored_roles* the folded names of roles that did not
    load, which a preference may name. Roles and forms are compared by
    value: a role or form of the same name but other content is not the
    account's (:func:`ccroles.forms.unknown_preference_target`, the rule the
    file loader asks too).
    """
    owner = "a form preference"
    at: _Path = ("form_preferences",)
    error: CCRolesError
    for role in preferences.role_forms:
        unknown = unknown_preference_target(
            "role", role.name, roles, ignored=ignored_roles, expected=role
        )
        if unknown is not None:
            yield (*at, "role_forms", role.name), unknown
    for website in preferences.website_order_forms:
        if fold(website) not in websites:
            known = websites.values()
            error = UnknownReferenceError("website", website, owner=owner, known=known)
            yield (*at, "website_order_forms", website), error
    preferred = [
        *preferences.account_forms.values(),
        *(form for own in preferences.role_forms.values() for form in own.values()),
        *preferences.website_order_forms.values(),
    ]
    for form in preferred:
        unknown = unknown_preference_target("form", form.name, forms, expected=form)
        if unknown is not None:
            yield at, unknown
