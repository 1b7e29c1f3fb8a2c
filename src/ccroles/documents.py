"""Role and account documents: a file's plain data, checked whole, built into an account.

A document is what a role or account file holds once parsed (the format is
described in :mod:`ccroles.serialization`): a table with a format version
and the sections :class:`Document` names. :func:`load_document` reads it with
a converter (:func:`ccroles.converter.make_converter`) entry by entry, so a
file that does not load reports every problem at once, each with its path
(``roles[1].levels.TRAN_CUSTPYMT``), in document order. Custom roles are
rebuilt with :meth:`Role.customize <ccroles.roles.Role.customize>`, each after
the role it copies; form preferences name the file's roles and forms; the
account rules (:func:`ccroles.accounts.account_problems`) check the rest.

>>> from ccroles.converter import make_converter
>>> document = {
...     "format": 1,
...     "roles": [{"name": "Buyer", "base": "Customer Centre"}],
... }
>>> load_document(document, "roles.json", make_converter())
Traceback (most recent call last):
...
ccroles.exceptions.DataFileError: roles.json: roles[0].base: unknown role 'Customer Centre'; did you mean 'Customer Center'?

**Extending the format.** To add a section, give :class:`Document` a field
for it (read entry by entry, as ``forms`` is, so that every problem is
reported), read it in ``_read_parts`` next to the others, check its
references there (``_Known`` holds what the file defines), keep it in
``_Parts``, which builds the account and asks its rules, write it in the
converter's account hook and name it in ``_SECTIONS``; a new incompatible
shape gets a new format version in :data:`READABLE_VERSIONS`.
"""  # noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar, TypeVarTuple

import attrs

from ccroles._problems import ProblemCollector
from ccroles._written import (
    PermissionKey,
    kind_of,
)
from ccroles.account_rules import account_problems
from ccroles.accounts import Account
from ccroles.customers import Customer
from ccroles.exceptions import (
    CCRolesError,
    DataFileError,
    UnknownRoleError,
    WrongRecordTypeError,
)
from ccroles.formats import quoted
from ccroles.forms import (
    FormPreferences,
    RecordType,
    TransactionForm,
    unknown_preference_target,
)
from ccroles.names import fold
from ccroles.notifications import NotificationSettings
from ccroles.permissions import Level  # noqa: TC001 (cattrs resolves it)
from ccroles.roles import BUILTIN_ROLES, Capability, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    import cattrs

__all__ = [
    "FORMAT_VERSION",
    "READABLE_VERSIONS",
    "Document",
    "PreferencesEntry",
    "RoleEntry",
    "check_version",
    "load_document",
]

FORMAT_VERSION: Final = 1
"""The format version this release writes."""

READABLE_VERSIONS: Final = (1,)
"""The format versions this release reads."""

_Ts = TypeVarTuple("_Ts")
_T = TypeVar("_T")
_Path = tuple[str | int, ...]


# --- the shapes written ------------------------------------------------------


@attrs.frozen
class RoleEntry:
    """A custom role as written: the role it copies plus what it changes."""

    name: str
    base: str
    levels: dict[PermissionKey, Level] = attrs.Factory(dict)
    capabilities: list[Capability] | None = None

    @property
    def changes(self) -> dict[str, Level]:
        """The levels changed, by permission key."""
        return {str(key): level for key, level in self.levels.items()}


@attrs.frozen
class Document:
    """A file's top level; the entries of its arrays are read one by one."""

    format: int
    customer_access: bool = True
    websites: list[str] = attrs.Factory(list)
    roles: list[dict[str, object]] = attrs.Factory(list)
    forms: list[dict[str, object]] = attrs.Factory(list)
    form_preferences: dict[str, object] = attrs.Factory(dict)
    customers: list[object] = attrs.Factory(list)  # each is read as a Customer
    notification: dict[str, object] | None = None


@attrs.frozen
class PreferencesEntry:
    """Form preferences as written: record types, roles, websites, forms by name."""

    account_forms: dict[str, str] = attrs.Factory(dict)
    role_forms: dict[str, dict[str, str]] = attrs.Factory(dict)
    website_order_forms: dict[str, str] = attrs.Factory(dict)


_SECTIONS: Final = (
    "",
    "format",
    "customer_access",
    "websites",
    "roles",
    "forms",
    "form_preferences",
    "customers",
    "notification",
)


def _shown(value: object) -> str:
    """*value* as a problem shows it: text and numbers quoted, else its kind."""
    if isinstance(value, int | str):  # bool included
        return quoted(value)
    return f"({kind_of(value)})"


def check_version(data: object, found: ProblemCollector) -> None:
    """Refuse a document that is no table, or of a version this release lacks.

    The problem is noted in *found*, which then raises it.

    Raises:
        DataFileError: *data* is no table, or has no readable ``format``
            (or what *found* raises instead).
    """
    readable = ", ".join(map(str, READABLE_VERSIONS))
    if not isinstance(data, dict):
        found.add((), f"expected a table at the top, got {kind_of(data)}")
    elif "format" not in data:
        found.add(
            (), f"required key 'format' is missing; this release reads {readable}"
        )
    elif type(data["format"]) is not int or data["format"] not in READABLE_VERSIONS:
        found.add(
            ("format",),
            f"unknown format version {_shown(data['format'])}; this release reads "
            f"{readable}",
        )
    found.raise_any()


# --- roles -----------------------------------------------------------------


def _copy(
    base: Role, entry: RoleEntry, at: _Path, found: ProblemCollector
) -> Role | None:
    """Build *entry* as a copy of *base*, noting every level or capability refused."""
    if found.fails((*at, "name"), base.customize, entry.name):
        return None
    refused = [
        found.fails((*at, "levels", key), base.customize, entry.name, {key: level})
        for key, level in entry.changes.items()
    ] + [
        found.fails((*at, "capabilities", n), base.customize, entry.name, None, [c])
        for n, c in enumerate(entry.capabilities or ())
    ]
    if any(refused):
        return None
    return base.customize(entry.name, entry.changes, entry.capabilities)


class _RoleBuilder:
    """Custom roles built from their entries, each after the role it copies.

    Names are matched as every name is (:func:`~ccroles.names.fold`); of two
    entries with one name, the first is the one other entries copy (the
    account rules report the second).
    """

    def __init__(
        self,
        entries: list[tuple[int, RoleEntry]],
        broken: set[str],
        found: ProblemCollector,
    ) -> None:
        self.found = found
        self.built: dict[str, Role] = {fold(role.name): role for role in BUILTIN_ROLES}
        self.failed = {fold(name) for name in broken}
        self.entries: dict[str, tuple[int, RoleEntry]] = {}
        for index, entry in entries:
            self.entries.setdefault(fold(entry.name), (index, entry))
        self.known = [
            *(role.name for role in BUILTIN_ROLES),
            *(entry.name for _, entry in self.entries.values()),
        ]

    def _chain(self, name: str, at: _Path) -> list[str]:
        """The folded names of the entries to build for *name*, it first.

        Each copies the next; the last copies a role built already. A role
        that is unknown or copies itself is noted at *at* (or at the entry in
        the chain that names it), and the chain stops there.
        """
        chain: list[str] = []
        current = fold(name)
        while current not in self.built and current not in self.failed:
            if current in chain:
                index, entry = self.entries[current]
                loop = [
                    self.entries[key][1].name for key in chain[chain.index(current) :]
                ]
                cycle = " -> ".join([*loop, entry.name])
                self.found.add(
                    ("roles", index, "base"),
                    f"role {entry.name!r} descends from itself: {cycle}",
                )
                break
            if current not in self.entries:
                unknown = self.entries[chain[-1]][1].base if chain else name
                where = ("roles", self.entries[chain[-1]][0], "base") if chain else at
                self.found.add(where, UnknownRoleError(unknown, self.known))
                break
            chain.append(current)
            current = fold(self.entries[current][1].base)
        return chain

    def role(self, name: str, at: _Path) -> Role | None:
        """The role called *name*, built with the roles it copies; or ``None``.

        A role that is unknown or copies itself is noted at *at* (or at the
        entry in the chain that names it).
        """
        for member in reversed(self._chain(name, at)):
            index, entry = self.entries[member]
            base = self.built.get(fold(entry.base))
            made = _copy(base, entry, ("roles", index), self.found) if base else None
            if made is None:
                self.failed.add(member)
            else:
                self.built[member] = made
        return self.built.get(fold(name))

    def build(self, entries: list[tuple[int, RoleEntry]]) -> list[tuple[int, Role]]:
        """Every entry's role that builds, in file order, with its index."""
        roles: list[tuple[int, Role]] = []
        for index, entry in entries:
            if self.entries[fold(entry.name)][0] == index:
                role = self.role(entry.name, ("roles", index, "name"))
            else:  # a second role of the name: built, for the rules to refuse
                base = self.role(entry.base, ("roles", index, "base"))
                role = (
                    _copy(base, entry, ("roles", index), self.found) if base else None
                )
            if role is not None:
                roles.append((index, role))
        return roles


def _read_named(
    found: ProblemCollector,
    converter: cattrs.Converter,
    tables: list[dict[str, object]],
    cls: type[_T],
    section: str,
) -> tuple[list[tuple[int, _T]], set[str]]:
    """Read each of *tables* as *cls*, noting every problem.

    Returns what was read, with its index in *section*, and the names of the
    tables that could not be read (so what refers to them is not reported
    as naming something unknown).
    """
    read: list[tuple[int, _T]] = []
    broken: set[str] = set()
    for index, table in enumerate(tables):
        entry = found.structure(converter, table, cls, (section, index))
        if entry is None:
            name = table.get("name")
            broken.update([name] if isinstance(name, str) else [])
        else:
            read.append((index, entry))
    return read, broken


# --- form preferences --------------------------------------------------------


@attrs.frozen
class _Known:
    """What form preferences may name: the file's roles and forms.

    The websites they name are the account rules' business.

    Names of roles and forms that did not load (their problems are noted)
    are *broken*: preferences naming them are skipped quietly
    (:func:`~ccroles.forms.unknown_preference_target`).
    """

    roles: Mapping[str, Role]
    broken_roles: set[str]
    forms: Mapping[str, TransactionForm]
    broken_forms: set[str]

    def role(self, name: str, at: _Path, found: ProblemCollector) -> Role | None:
        """The role called *name* (any case), or ``None`` (noting it when unknown)."""
        error = unknown_preference_target(
            "role", name, self.roles, ignored=self.broken_roles
        )
        if error is not None:
            found.add(at, error)
        return self.roles.get(fold(name))

    def form(
        self, name: str, at: _Path, found: ProblemCollector
    ) -> TransactionForm | None:
        """The form called *name*, or ``None`` (noting it when it is unknown)."""
        error = unknown_preference_target(
            "form", name, self.forms, ignored=self.broken_forms
        )
        if error is not None:
            found.add(at, error)
        return self.forms.get(fold(name))


def _by_record_type(
    entries: Mapping[str, str],
    setting: str,
    known: _Known,
    at: _Path,
    found: ProblemCollector,
) -> Iterator[tuple[_Path, TransactionForm]]:
    """Each form of *entries* filed under its own, known record type, with its path.

    *setting* names what the entries are in messages (``the account-wide
    preference``).
    """
    for key, name in entries.items():
        where = (*at, key)
        record_type = None
        try:
            record_type = RecordType.parse(key)
        except CCRolesError as unknown:
            found.add(where, unknown)
        form = known.form(name, where, found)
        if record_type is None or form is None:
            continue
        if form.record_type is not record_type:
            wrong = WrongRecordTypeError(
                form=form.name,
                record_type=form.record_type,
                expected=record_type,
                setting=setting,
            )
            found.add(where, wrong)
        else:
            yield where, form


class _PreferencesBuilder:
    """Form preferences built entry by entry, each problem noted with its path."""

    def __init__(self, known: _Known, found: ProblemCollector) -> None:
        self.known = known
        self.found = found
        self.preferences = FormPreferences()

    def change(
        self,
        where: _Path,
        method: Callable[[*_Ts], FormPreferences],
        *args: *_Ts,
    ) -> None:
        """Apply ``method(*args)`` to the preferences, or note why it is refused."""
        try:
            self.preferences = method(*args)
        except CCRolesError as error:
            self.found.add(where, error)

    def build(self, entry: PreferencesEntry, at: _Path) -> FormPreferences:
        """Read *entry*: account-wide, per-role and per-website preferences."""
        known, found = self.known, self.found
        section = (*at, "account_forms")
        setting = "the account-wide preference"
        for _, form in _by_record_type(
            entry.account_forms, setting, known, section, found
        ):  # filed under its own record type: an account-wide form refuses nothing
            self.preferences = self.preferences.with_account_form(form)
        for name, own in entry.role_forms.items():
            section = (*at, "role_forms", name)
            role = known.role(name, section, found)
            setting = f"the preference of role {name!r}"
            for where, form in _by_record_type(own, setting, known, section, found):
                if role is not None:
                    self.change(where, self.preferences.with_role_form, role, form)
        for website, name in entry.website_order_forms.items():
            where = (*at, "website_order_forms", website)
            order_form = known.form(name, where, found)
            if order_form is not None:
                method = self.preferences.with_website_order_form
                self.change(where, method, website, order_form)
        return self.preferences


# --- the document ------------------------------------------------------------


@attrs.frozen
class _Parts:
    """The parts of an account a document holds that loaded, each with its index.

    Attributes:
        document: The document's top level.
        roles: The custom roles that built, with their indexes.
        ignored_roles: The names of the roles that did not (their problems
            are noted already).
        customers: The customers that loaded, with their indexes.
        forms: The forms that loaded, with their indexes.
        preferences: The form preferences, of what loaded.
        notification: The notification settings, if given and they loaded.
    """

    document: Document
    roles: list[tuple[int, Role]]
    ignored_roles: list[str]
    customers: list[tuple[int, Customer]]
    forms: list[tuple[int, TransactionForm]]
    preferences: FormPreferences
    notification: NotificationSettings | None

    def account(self) -> Account:
        """The account of the parts.

        Raises:
            CCRolesError: An account rule refuses it.
        """
        return Account(
            customer_access=self.document.customer_access,
            roles=[role for _, role in self.roles],
            websites=self.document.websites,
            customers=[customer for _, customer in self.customers],
            notification=self.notification,
            forms=[form for _, form in self.forms],
            form_preferences=self.preferences,
        )

    def note_rule_problems(self, found: ProblemCollector) -> None:
        """Note what the account rules refuse, each at its entry's place in the file."""
        positions = {
            "roles": [index for index, _ in self.roles],
            "customers": [index for index, _ in self.customers],
            "forms": [index for index, _ in self.forms],
        }
        for problem in account_problems(
            roles=[role for _, role in self.roles],
            websites=self.document.websites,
            customers=[customer for _, customer in self.customers],
            forms=[form for _, form in self.forms],
            form_preferences=self.preferences,
            ignored_roles=self.ignored_roles,
        ):
            section, *rest = problem.path
            if section in positions and rest:
                rest[0] = positions[str(section)][int(rest[0])]
            found.add((section, *rest), problem.error)


def _read_roles(
    document: Document, converter: cattrs.Converter, found: ProblemCollector
) -> tuple[list[tuple[int, Role]], _RoleBuilder, list[str]]:
    """The custom roles that build, the builder that holds them, the names ignored.

    The names ignored are those of the roles that did not load or build.
    """
    entries, broken = _read_named(found, converter, document.roles, RoleEntry, "roles")
    builder = _RoleBuilder(entries, broken, found)
    roles = builder.build(entries)
    ignored = [
        *broken,
        *(entry.name for _, entry in entries if fold(entry.name) in builder.failed),
    ]
    return roles, builder, ignored


def _read_customers(
    document: Document, converter: cattrs.Converter, found: ProblemCollector
) -> list[tuple[int, Customer]]:
    """The customers that load, with their indexes."""
    hook = converter.get_structure_hook(Customer)  # looked up once for them all
    return [
        (index, customer)
        for index, raw in enumerate(document.customers)
        if (customer := found.read(hook, raw, Customer, ("customers", index)))
        is not None
    ]


def _read_preferences(
    document: Document,
    known: _Known,
    converter: cattrs.Converter,
    found: ProblemCollector,
) -> FormPreferences:
    """The form preferences, of the roles and forms *known*."""
    at: _Path = ("form_preferences",)
    written = document.form_preferences
    read = found.structure(converter, written, PreferencesEntry, at)
    if read is None:
        return FormPreferences()
    return _PreferencesBuilder(known, found).build(read, at)


def _read_parts(
    document: Document, converter: cattrs.Converter, found: ProblemCollector
) -> _Parts:
    """Read each part of *document*, noting every problem."""
    roles, builder, ignored_roles = _read_roles(document, converter, found)
    customers = _read_customers(document, converter, found)
    forms, broken_forms = _read_named(
        found, converter, document.forms, TransactionForm, "forms"
    )
    forms_by_name: dict[str, TransactionForm] = {}
    for _, form in forms:
        forms_by_name.setdefault(fold(form.name), form)
    known = _Known(
        builder.built,
        builder.failed,
        forms_by_name,
        {fold(name) for name in broken_forms},
    )
    preferences = _read_preferences(document, known, converter, found)
    notification = (
        None
        if document.notification is None
        else found.structure(
            converter, document.notification, NotificationSettings, ("notification",)
        )
    )
    return _Parts(
        document=document,
        roles=roles,
        ignored_roles=ignored_roles,
        customers=customers,
        forms=forms,
        preferences=preferences,
        notification=notification,
    )


def load_document(data: object, source: str, converter: cattrs.Converter) -> Account:
    """Check the parsed document *data* whole and build its account, or raise.

    Args:
        data: The document, as :func:`ccroles.formats.parse` gives it.
        source: The file's name, as problems show it.
        converter: The converter to read entries with
            (:func:`ccroles.converter.make_converter`).

    Raises:
        DataFileError: The document does not load; it carries every problem
            found, in document order.
    """
    found = ProblemCollector(source, _SECTIONS)
    check_version(data, found)
    document = found.structure(converter, data, Document, ())
    if document is None:
        raise DataFileError(source, found.problems)
    parts = _read_parts(document, converter, found)
    if not found.found:
        try:
            return parts.account()
        except CCRolesError:
            pass  # every problem is noted below, each with its place in the file
    parts.note_rule_problems(found)
    found.raise_any()
    return parts.account()  # pragma: no cover (raises: the rules found what it refuses)
