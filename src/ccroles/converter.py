"""The one cattrs converter: a file's plain data to objects and back.

:func:`make_converter` builds the converter role and account files are read
and written with: any attrs class by its fields (unknown keys refused,
defaults omitted when writing), any enum by its ``str()`` and ``parse``,
bytes in base64, durations as tables of days, hours, minutes and seconds. A
document's roles, forms, preferences and customers are structured entry by
entry, so a file that does not load reports every problem with its path.

>>> from ccroles.accounts import Customer
>>> make_converter().unstructure(Customer("101", "ACME"))
{'internal_id': '101', 'customer_id': 'ACME'}

**Secrets.** A field of an attrs class whose metadata holds ``{"secret": True}``
(``attrs.field(metadata={"secret": True})``, e.g. a password hash) is left out
when writing unless ``include_secrets=True`` is asked for, and an error about
its value never shows the value. Bytes (a hash's salt and key) are written in
base64.

**Extending the format.** The converter structures and unstructures any attrs
class by its fields (unknown keys refused, defaults omitted when writing,
secrets honoured) and any enum by its ``str()`` and its ``parse`` classmethod
(or its value). To add a section, give ``_Document`` a field for it (read
entry by entry, as ``forms`` is, so that every problem is reported), check its
references in ``_load_document`` next to the others (``_Known`` holds what
the file defines), pass it to the account built there, write it in
``_unstructure_account`` and name it in ``_SECTIONS``; a new incompatible
shape gets a new format version in ``READABLE_VERSIONS``.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from datetime import timedelta
from typing import TYPE_CHECKING, Final, NewType, ParamSpec, TypeVar, cast

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception

from ccroles.account_rules import account_problems
from ccroles.accounts import Account
from ccroles.customers import Customer
from ccroles.exceptions import (
    CCRolesError,
    DataFileError,
    InvalidEmailError,
    InvalidFieldError,
    InvalidIdError,
    Problem,
    UnknownReferenceError,
    UnknownRoleError,
    UnwritableRoleError,
    WrongRecordTypeError,
)
from ccroles.formats import quoted
from ccroles.forms import FormPreferences, RecordType, TransactionForm
from ccroles.names import fold
from ccroles.notifications import NotificationSettings
from ccroles.paths import format_path
from ccroles.permissions import PERMISSIONS, Level
from ccroles.roles import BUILTIN_ROLES, Capability, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from cattrs.dispatch import StructureHook, UnstructureHook

__all__ = [
    "FORMAT_VERSION",
    "READABLE_VERSIONS",
    "make_converter",
]

FORMAT_VERSION: Final = 1
"""The format version this release writes."""

READABLE_VERSIONS: Final = (1,)
"""The format versions this release reads."""

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Path = tuple[str | int, ...]

_Key = NewType("_Key", str)
"""A permission key as written in a file, checked against the catalogue."""


# --- the converter -------------------------------------------------------

_KINDS: Final = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (dict, "a table"),
    (types.NoneType, "null"),
)


def _kind(value: object) -> str:
    """Name the kind of *value* as TOML and JSON do, never showing the value."""
    for python_type, name in _KINDS:
        if isinstance(value, python_type):
            return name
    return "a date or time"


class _WrongTypeError(TypeError):
    """A value of the wrong kind; the message names kinds, not the value."""

    def __init__(self, expected: str, value: object) -> None:
        super().__init__(f"expected {expected}, got {_kind(value)}")


class _SecretValueError(ValueError):
    """A secret field's value is wrong; the message does not show it."""

    def __init__(self, shown: str | None = None) -> None:
        super().__init__(shown or "invalid value (not shown: the field is secret)")


def _exactly(python_type: type[_T], expected: str) -> Callable[[object, object], _T]:
    """A structure hook taking values of exactly *python_type* (no coercion)."""

    def structure(value: object, _: object) -> _T:
        if type(value) is not python_type:
            raise _WrongTypeError(expected, value)
        return value

    return structure


def _exactly_optional_str(value: object, _: object) -> str | None:
    """``str | None`` in one call: what cattrs does in two (the loader's hot path)."""
    if value is None or type(value) is str:
        return value
    raise _WrongTypeError("a string", value)


def _checked(hook: StructureHook, python_type: type, expected: str) -> StructureHook:
    """Wrap *hook* so that it first refuses values not of *python_type*."""

    def structure(value: object, target: object) -> object:
        if not isinstance(value, python_type):
            raise _WrongTypeError(expected, value)
        return hook(value, target)

    return structure


_PUBLIC_HASH_FIELDS: Final = frozenset({"algorithm", "n", "r", "p"})
"""The fields of a password hash that are no secret: their errors are shown."""


def _leaves(error: BaseException) -> list[BaseException]:
    """The errors an exception group holds, at any depth (or the error itself)."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for sub in error.exceptions for leaf in _leaves(sub)]
    return [error]


def _hidden(hook: StructureHook) -> StructureHook:
    """Wrap a secret field's *hook* so no error can show the value.

    Only the refusal of a public field (a password hash's scrypt cost, say)
    is shown, since it names the field and no secret.
    """

    def structure(value: object, target: object) -> object:
        try:
            return hook(value, target)
        except Exception as error:  # noqa: BLE001 (its text may show the secret)
            leaves = _leaves(error)
            public = [
                leaf
                for leaf in leaves
                if isinstance(leaf, InvalidFieldError)
                and leaf.field in _PUBLIC_HASH_FIELDS
            ]
            raise _SecretValueError(*map(str, public[:1])) from None

    return structure


def _secret_fields(cls: type) -> list[attrs.Attribute[object]]:
    attrs.resolve_types(cls)
    return [f for f in attrs.fields(cls) if f.metadata.get("secret") is True]


def _id_fields(cls: type) -> list[attrs.Attribute[object]]:
    return [f for f in attrs.fields(cls) if f.metadata.get("id") is True]


def _structure_id(value: object, _: object) -> object:
    """Read an id: text or an integer, which the record's id rule reads."""
    if type(value) is not str and type(value) is not int:
        raise _WrongTypeError("a string or an integer", value)
    return value


def _is_array(target: object) -> bool:
    return typing.get_origin(target) in {list, tuple} and (
        typing.get_origin(target) is list or typing.get_args(target)[1:] == (...,)
    )


def _is_table(target: object) -> bool:
    return typing.get_origin(target) is dict


def _is_enum(target: object) -> bool:
    return isinstance(target, type) and issubclass(target, enum.Enum)


def _enum_hook(target: type[enum.Enum]) -> StructureHook:
    """Read an enum with its ``parse`` classmethod, or else by value."""
    parse: Callable[[object], object] = getattr(target, "parse", target)
    return lambda value, _: parse(value)


def _array_hook(target: type, converter: cattrs.Converter) -> StructureHook:
    """Read a list, or a tuple of any length, from an array only."""
    element = typing.get_args(target)[0]
    as_list = list_structure_factory(list[element], converter)  # type: ignore[valid-type]  # a runtime type
    make = tuple if typing.get_origin(target) is tuple else list
    return _checked(lambda value, t: make(as_list(value, t)), list, "an array")


def _table_hook(target: type, converter: cattrs.Converter) -> StructureHook:
    """Read a dict from a table only."""
    return _checked(mapping_structure_factory(target, converter), dict, "a table")


def _key_hook(value: object, _: object) -> _Key:
    """Read a permission key: a string the catalogue knows."""
    return _Key(PERMISSIONS.key_of(_exactly(str, "a string")(value, _)))


def _structure_bytes(value: object, _: object) -> bytes:
    """Read bytes from base64 text."""
    import base64  # noqa: PLC0415 (loaded only when bytes are read)

    return base64.b64decode(_exactly(str, "a string")(value, _), validate=True)


def _unstructure_bytes(value: bytes) -> str:
    import base64  # noqa: PLC0415 (loaded only when bytes are written)

    return base64.b64encode(value).decode("ascii")


@attrs.frozen
class _Duration:
    """A duration as written: a table of whole units, each optional."""

    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0
    microseconds: int = 0


class _TooLongError(OverflowError):
    """A duration longer than Python can hold."""

    def __init__(self) -> None:
        super().__init__(f"the duration is longer than {timedelta.max}")


def _duration(written: _Duration) -> timedelta:
    try:
        return timedelta(**attrs.asdict(written))
    except OverflowError:
        raise _TooLongError from None


def _unstructure_duration(value: timedelta) -> dict[str, int]:
    """Write *value* in days, hours, minutes, seconds and microseconds (non-zero)."""
    parts = {
        "days": value.days,
        "hours": value.seconds // 3600,
        "minutes": value.seconds // 60 % 60,
        "seconds": value.seconds % 60,
        "microseconds": value.microseconds,
    }
    return {unit: amount for unit, amount in parts.items() if amount}


def _unstructure_preferences(preferences: FormPreferences) -> dict[str, object]:
    """Write *preferences* naming record types, roles, websites and forms."""
    sections = {
        "account_forms": _form_names(preferences.account_forms),
        "role_forms": {
            role.name: _form_names(own) for role, own in preferences.role_forms.items()
        },
        "website_order_forms": {
            website: form.name
            for website, form in preferences.website_order_forms.items()
        },
    }
    return {key: value for key, value in sections.items() if value}


def _form_names(forms: Mapping[RecordType, TransactionForm]) -> dict[str, str]:
    return {str(record_type): form.name for record_type, form in forms.items()}


def make_converter(*, include_secrets: bool = False) -> cattrs.Converter:
    """Return a new converter for roles, accounts, customers, contacts and forms.

    The converter is strict: unknown keys are refused, a string is never taken
    for a number or a boolean (nor the reverse), and arrays and tables must be
    arrays and tables. Errors carry cattrs' detailed validation paths. Roles are
    written as the role they copy plus the changed levels; a role read alone
    may copy a built-in role only (files resolve roles among themselves). Enums
    are written with ``str()``, bytes in base64, durations as a table of units
    (``{hours = 24}``). Form preferences are written naming their roles, forms
    and websites, so they are read back as part of an account, which holds
    those. Fields marked secret (attrs metadata ``{"secret": True}``) are left
    out unless *include_secrets* is true.

    >>> from ccroles import CUSTOMER_CENTER
    >>> converter = make_converter()
    >>> converter.unstructure(Customer("101", "ACME", give_access=True))
    {'internal_id': '101', 'customer_id': 'ACME', 'give_access': True}
    >>> converter.unstructure(CUSTOMER_CENTER.customize("A", {"LIST_CASE": "View"}))
    {'name': 'A', 'base': 'Customer Center', 'levels': {'LIST_CASE': 'View'}}
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True, omit_if_default=True, detailed_validation=True
    )
    converter.register_structure_hook(str, _exactly(str, "a string"))
    converter.register_structure_hook(str | None, _exactly_optional_str)
    converter.register_structure_hook(bool, _exactly(bool, "a boolean"))
    converter.register_structure_hook(int, _exactly(int, "an integer"))
    converter.register_structure_hook(_Key, _key_hook)
    converter.register_structure_hook_func(
        lambda target: target is object, lambda value, _: value
    )
    converter.register_structure_hook_factory(_is_array, _array_hook)
    converter.register_structure_hook_factory(_is_table, _table_hook)
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    converter.register_unstructure_hook_factory(_is_enum, lambda _: str)
    converter.register_structure_hook(bytes, _structure_bytes)
    converter.register_unstructure_hook(bytes, _unstructure_bytes)

    def structure_attrs(cls: type, conv: cattrs.Converter) -> StructureHook:
        overrides = {
            f.name: override(struct_hook=_hidden(conv.get_structure_hook(f.type)))
            for f in _secret_fields(cls)
        } | {f.name: override(struct_hook=_structure_id) for f in _id_fields(cls)}
        fast: StructureHook = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_detailed_validation=False,
            **overrides,  # type: ignore[arg-type]  # overrides by field name
        )

        @functools.cache
        def detailed() -> StructureHook:  # made when first needed: most files load
            return make_dict_structure_fn(cls, conv, **overrides)  # type: ignore[arg-type]  # overrides by field name

        def structure(value: object, target: object) -> object:
            try:
                return fast(value, target)
            except Exception:  # noqa: BLE001 (read again, for every problem and path)
                return detailed()(value, target)

        return _checked(structure, dict, "a table")

    def unstructure_attrs(cls: type, conv: cattrs.Converter) -> UnstructureHook:
        omitted = [] if include_secrets else _secret_fields(cls)
        overrides = {f.name: override(omit=True) for f in omitted}
        return make_dict_unstructure_fn(
            cls,
            conv,
            _cattrs_omit_if_default=True,
            **overrides,  # type: ignore[arg-type]  # overrides by field name
        )

    def structure_role(value: object, _: object) -> Role:
        document = {"format": FORMAT_VERSION, "roles": [value]}
        return _load_document(document, "<role>", converter).custom_roles[0]

    converter.register_structure_hook_factory(attrs.has, structure_attrs)
    converter.register_unstructure_hook_factory(attrs.has, unstructure_attrs)
    converter.register_structure_hook(
        timedelta, lambda value, _: _duration(converter.structure(value, _Duration))
    )
    converter.register_unstructure_hook(timedelta, _unstructure_duration)
    converter.register_unstructure_hook_func(  # by identity: no type resolution
        lambda target: target is FormPreferences, _unstructure_preferences
    )
    converter.register_structure_hook(Role, structure_role)
    converter.register_unstructure_hook(Role, _unstructure_role)
    converter.register_structure_hook(
        Account, lambda value, _: _load_document(value, "<account>", converter)
    )
    converter.register_unstructure_hook(
        Account, lambda account: _unstructure_account(account, converter)
    )
    return converter


@functools.cache
def _converter(*, include_secrets: bool = False) -> cattrs.Converter:
    """The module's own converters, built once."""
    return make_converter(include_secrets=include_secrets)


def _unstructure_role(role: Role) -> dict[str, object]:
    """Write *role* as the role it copies plus what it changes."""
    base = role.base
    if base is None:
        raise UnwritableRoleError(
            role.name, "it is not a copy; a file holds copies of roles only"
        )
    levels = {
        key: level
        for key, level in role.levels.items()
        if base.levels.get(key) != level
    }
    capabilities = None if role.capabilities == base.capabilities else role.capabilities
    if base.customize(role.name, levels, capabilities) != role:
        raise UnwritableRoleError(
            role.name, f"it is not {base.name!r} with some levels changed"
        )
    entry: dict[str, object] = {"name": role.name, "base": base.name}
    if levels:
        entry["levels"] = {key: str(level) for key, level in levels.items()}
    if capabilities is not None:
        entry["capabilities"] = sorted(map(str, capabilities))
    return entry


def _unstructure_roles(roles: Sequence[Role]) -> list[dict[str, object]]:
    """Write *roles*, each of which must copy a built-in role or one of them."""
    known = {role.name: role for role in (*BUILTIN_ROLES, *roles)}
    for role in roles:
        if role.base is not None and known.get(role.base.name) != role.base:
            raise UnwritableRoleError(
                role.name,
                f"it copies {role.base.name!r}, which is neither built in "
                "nor written with it",
            )
    return [_unstructure_role(role) for role in roles]


def _unstructure_account(
    account: Account, converter: cattrs.Converter
) -> dict[str, object]:
    document: dict[str, object] = {
        "format": FORMAT_VERSION,
        "customer_access": account.customer_access,
        "websites": list(account.websites),
        "roles": _unstructure_roles(account.custom_roles),
        "forms": [converter.unstructure(form) for form in account.forms],
        "form_preferences": converter.unstructure(account.form_preferences),
        "customers": [converter.unstructure(c) for c in account.customers],
        "notification": converter.unstructure(account.notification),
    }
    return {
        key: value
        for key, value in document.items()
        if value not in ([], {}) and value is not None
    }


# --- reading: plain data to objects ----------------------------------------


@attrs.frozen
class _RoleEntry:
    """A custom role as written: the role it copies plus what it changes."""

    name: str
    base: str
    levels: dict[_Key, Level] = attrs.Factory(dict)
    capabilities: list[Capability] | None = None

    @property
    def changes(self) -> dict[str, Level]:
        """The levels changed, by permission key."""
        return {str(key): level for key, level in self.levels.items()}


@attrs.frozen
class _Document:
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
class _PreferencesEntry:
    """Form preferences as written: record types, roles, websites, forms by name."""

    account_forms: dict[str, str] = attrs.Factory(dict)
    role_forms: dict[str, dict[str, str]] = attrs.Factory(dict)
    website_order_forms: dict[str, str] = attrs.Factory(dict)


def _message(error: BaseException, target: object) -> str:
    if isinstance(
        error, CCRolesError | _WrongTypeError | _SecretValueError | _TooLongError
    ):
        return str(error)
    if isinstance(error, ForbiddenExtraKeysError):
        unknown = ", ".join(map(repr, sorted(error.extra_fields)))
        known = ", ".join(f.name for f in attrs.fields(error.cl))
        return f"unknown key {unknown}; expected keys: {known}"
    if isinstance(error, KeyError):
        return "required key is missing"
    return format_exception(error, target)  # type: ignore[arg-type]  # a type or None


def _cattrs_problems(
    error: BaseException, path: _Path, target: object = None
) -> Iterator[tuple[_Path, str]]:
    """Walk cattrs' detailed validation errors, yielding each path and message."""
    if isinstance(error, ClassValidationError):
        named, unnamed = error.group_exceptions()
        for sub, attribute in named:
            yield from _cattrs_problems(sub, (*path, attribute.name), attribute.type)
    elif isinstance(error, IterableValidationError):
        indexed, unnamed = error.group_exceptions()
        for sub, element in indexed:
            yield from _cattrs_problems(sub, (*path, element.index), element.type)
    else:
        if isinstance(error, InvalidEmailError | InvalidIdError) and error.field:
            path = (*path, error.field)  # a record's own rule, for one field
        yield path, _message(error, target)
        return
    for sub in unnamed:
        yield from _cattrs_problems(sub, path)


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


def _position(path: _Path) -> tuple[int, int]:
    """Sort key: a path's section in document order, then its entry."""
    section = path[0] if path else ""
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
    return _SECTIONS.index(str(section)), index


class _Collector:
    """The problems found in one file so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[tuple[_Path, str]] = []

    @property
    def problems(self) -> list[Problem]:
        """The problems noted, in document order (section, then entry)."""
        ordered = sorted(self.found, key=lambda found: _position(found[0]))
        return [Problem(self.source, m, format_path(p)) for p, m in ordered]

    def add(self, path: _Path, message: object) -> None:
        self.found.append((path, str(message)))

    def structure(
        self, converter: cattrs.Converter, value: object, cls: type[_T], path: _Path
    ) -> _T | None:
        """Structure *value*, or note every problem and return ``None``."""
        return self.read(converter.get_structure_hook(cls), value, cls, path)

    def read(
        self, hook: StructureHook, value: object, cls: type[_T], path: _Path
    ) -> _T | None:
        """Structure *value* with *cls*'s *hook*, or note every problem."""
        try:
            return cast("_T", hook(value, cls))
        except (cattrs.BaseValidationError, _WrongTypeError) as error:
            for where, message in _cattrs_problems(error, path):
                self.add(where, message)
            return None

    def fails(
        self, path: _Path, make: Callable[_P, object], *args: _P.args, **kw: _P.kwargs
    ) -> bool:
        """Call *make*; note the :class:`CCRolesError` it raises, if any."""
        try:
            make(*args, **kw)
        except CCRolesError as error:
            self.add(path, error)
            return True
        return False

    def raise_any(self) -> None:
        """Raise every problem noted, in document order, if there is any."""
        if self.found:
            raise DataFileError(self.source, self.problems)


def _shown(value: object) -> str:
    """*value* as a problem shows it: text and numbers quoted, else its kind."""
    if isinstance(value, int | str):  # bool included
        return quoted(value)
    return f"({_kind(value)})"


def _check_version(data: object, found: _Collector) -> None:
    """Refuse a document that is no table, or of a version this release lacks."""
    readable = ", ".join(map(str, READABLE_VERSIONS))
    if not isinstance(data, dict):
        found.add((), f"expected a table at the top, got {_kind(data)}")
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


def _copy(base: Role, entry: _RoleEntry, at: _Path, found: _Collector) -> Role | None:
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
        self, entries: list[tuple[int, _RoleEntry]], broken: set[str], found: _Collector
    ) -> None:
        self.found = found
        self.built: dict[str, Role] = {fold(role.name): role for role in BUILTIN_ROLES}
        self.failed = {fold(name) for name in broken}
        self.entries: dict[str, tuple[int, _RoleEntry]] = {}
        for index, entry in entries:
            self.entries.setdefault(fold(entry.name), (index, entry))
        self.known = [
            *(role.name for role in BUILTIN_ROLES),
            *(entry.name for _, entry in self.entries.values()),
        ]

    def role(self, name: str, at: _Path) -> Role | None:
        """The role called *name*, built with the roles it copies; or ``None``.

        A role that is unknown or copies itself is noted at *at* (or at the
        entry in the chain that names it).
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
        for member in reversed(chain):
            index, entry = self.entries[member]
            base = self.built.get(fold(entry.base))
            made = _copy(base, entry, ("roles", index), self.found) if base else None
            if made is None:
                self.failed.add(member)
            else:
                self.built[member] = made
        return self.built.get(fold(name))

    def build(self, entries: list[tuple[int, _RoleEntry]]) -> list[tuple[int, Role]]:
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


def _build_forms(
    document: _Document, converter: cattrs.Converter, found: _Collector
) -> tuple[list[tuple[int, TransactionForm]], set[str]]:
    """Read the forms, noting every problem.

    Returns the forms that load, with their indexes, and the names of the
    forms that did not load.
    """
    return _read_named(found, converter, document.forms, TransactionForm, "forms")


def _read_named(
    found: _Collector,
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


@attrs.frozen
class _Known:
    """What form preferences may name: the file's roles and forms.

    The websites they name are the account rules' business.

    Names of roles and forms that did not load (their problems are noted)
    are *broken*: preferences naming them are skipped quietly.
    """

    roles: Mapping[str, Role]
    broken_roles: set[str]
    forms: Mapping[str, TransactionForm]
    broken_forms: set[str]

    def role(self, name: str) -> Role | None:
        """The role called *name* (any case), or ``None``."""
        return self.roles.get(fold(name))

    def form(self, name: str, at: _Path, found: _Collector) -> TransactionForm | None:
        """The form called *name*, or ``None`` (noting it when it is unknown)."""
        form = self.forms.get(fold(name))
        if form is None and fold(name) not in self.broken_forms:
            owner = "a form preference"
            known = [form.name for form in self.forms.values()]
            found.add(at, UnknownReferenceError("form", name, owner=owner, known=known))
        return form


def _by_record_type(
    entries: Mapping[str, str],
    setting: str,
    known: _Known,
    at: _Path,
    found: _Collector,
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

    def __init__(self, known: _Known, found: _Collector) -> None:
        self.known = known
        self.found = found
        self.preferences = FormPreferences()

    def change(
        self,
        where: _Path,
        method: Callable[_P, FormPreferences],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> None:
        """Apply ``method(*args)`` to the preferences, or note why it is refused."""
        try:
            self.preferences = method(*args, **kwargs)
        except CCRolesError as error:
            self.found.add(where, error)

    def unknown(self, kind: str, name: str, where: _Path, known: Iterable[str]) -> None:
        owner = "a form preference"
        self.found.add(
            where, UnknownReferenceError(kind, name, owner=owner, known=known)
        )

    def build(self, entry: _PreferencesEntry, at: _Path) -> FormPreferences:
        """Read *entry*: account-wide, per-role and per-website preferences."""
        known, found = self.known, self.found
        section = (*at, "account_forms")
        setting = "the account-wide preference"
        for where, form in _by_record_type(
            entry.account_forms, setting, known, section, found
        ):
            self.change(where, self.preferences.with_account_form, form)
        for name, own in entry.role_forms.items():
            section = (*at, "role_forms", name)
            role = known.role(name)
            if role is None and fold(name) not in known.broken_roles:
                names = [role.name for role in known.roles.values()]
                self.unknown("role", name, section, names)
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


def _load_document(data: object, source: str, converter: cattrs.Converter) -> Account:
    """Check a parsed document whole and build its account, or raise."""
    found = _Collector(source)
    _check_version(data, found)
    document = found.structure(converter, data, _Document, ())
    if document is None:
        raise DataFileError(source, found.problems)
    entries, broken = _read_named(found, converter, document.roles, _RoleEntry, "roles")
    builder = _RoleBuilder(entries, broken, found)
    roles = builder.build(entries)
    hook = converter.get_structure_hook(Customer)  # looked up once for them all
    customers = [
        (index, customer)
        for index, raw in enumerate(document.customers)
        if (customer := found.read(hook, raw, Customer, ("customers", index)))
        is not None
    ]
    forms, broken_forms = _build_forms(document, converter, found)
    forms_by_name: dict[str, TransactionForm] = {}
    for _, form in forms:
        forms_by_name.setdefault(fold(form.name), form)
    known = _Known(
        builder.built,
        builder.failed,
        forms_by_name,
        {fold(name) for name in broken_forms},
    )
    at: _Path = ("form_preferences",)
    written = document.form_preferences
    read = found.structure(converter, written, _PreferencesEntry, at)
    preferences = (
        _PreferencesBuilder(known, found).build(read, at)
        if read is not None
        else FormPreferences()
    )
    notification = (
        None
        if document.notification is None
        else found.structure(
            converter, document.notification, NotificationSettings, ("notification",)
        )
    )
    custom = [role for _, role in roles]
    records = [customer for _, customer in customers]
    own_forms = [form for _, form in forms]

    def account() -> Account:
        return Account(
            customer_access=document.customer_access,
            roles=custom,
            websites=document.websites,
            customers=records,
            notification=notification,
            forms=own_forms,
            form_preferences=preferences,
        )

    if not found.found:
        try:
            return account()
        except CCRolesError:
            pass  # every problem is noted below, each with its place in the file
    positions = {
        "roles": [index for index, _ in roles],
        "customers": [index for index, _ in customers],
        "forms": [index for index, _ in forms],
    }
    for problem in account_problems(
        roles=custom,
        websites=document.websites,
        customers=records,
        forms=own_forms,
        form_preferences=preferences,
        ignored_roles=[
            *broken,
            *(e.name for _, e in entries if fold(e.name) in builder.failed),
        ],
    ):
        section, *rest = problem.path
        if section in positions and rest:
            rest[0] = positions[str(section)][int(rest[0])]
        found.add((section, *rest), problem.error)
    found.raise_any()
    return account()  # pragma: no cover (raises: the rules found what it refuses)
