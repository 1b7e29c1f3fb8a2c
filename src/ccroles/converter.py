"""The one cattrs converter: a file's plain data to objects and back.

:func:`make_converter` builds the converter role and account files are read
and written with: any attrs class by its fields (unknown keys refused,
defaults omitted when writing), any enum by its ``str()`` and ``parse``,
bytes in base64, durations as tables of days, hours, minutes and seconds. A
role or an account is read as a document (:mod:`ccroles.documents`): entry by
entry, so a file that does not load reports every problem with its path.

>>> from ccroles.customers import Customer
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
(or its value). A new section of a file is read in :mod:`ccroles.documents`
(see there) and written in ``_unstructure_account``.
"""

from __future__ import annotations

import enum
import functools
import typing
from datetime import timedelta
from typing import TYPE_CHECKING, Final, TypeVar

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ccroles import documents
from ccroles._deprecation import moved_names
from ccroles._written import (
    PermissionKey,
    SecretValueError,
    TooLongError,
    WrongTypeError,
)
from ccroles.accounts import Account
from ccroles.documents import load_document
from ccroles.exceptions import InvalidFieldError, UnwritableRoleError
from ccroles.forms import FormPreferences, RecordType, TransactionForm
from ccroles.permissions import PERMISSIONS
from ccroles.roles import BUILTIN_ROLES, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from cattrs.dispatch import StructureHook, UnstructureHook

__all__ = [
    "make_converter",
    "unstructure_roles",
]

__getattr__ = moved_names(
    __name__,
    {"FORMAT_VERSION": "ccroles.documents", "READABLE_VERSIONS": "ccroles.documents"},
)

_T = TypeVar("_T")


# --- the converter -------------------------------------------------------


def _exactly(python_type: type[_T], expected: str) -> Callable[[object, object], _T]:
    """A structure hook taking values of exactly *python_type* (no coercion)."""

    def structure(value: object, _: object) -> _T:
        if type(value) is not python_type:
            raise WrongTypeError(expected, value)
        return value

    return structure


def _exactly_optional_str(value: object, _: object) -> str | None:
    """``str | None`` in one call: what cattrs does in two (the loader's hot path)."""
    if value is None or type(value) is str:
        return value
    raise WrongTypeError("a string", value)


def _checked(hook: StructureHook, python_type: type, expected: str) -> StructureHook:
    """Wrap *hook* so that it first refuses values not of *python_type*."""

    def structure(value: object, target: object) -> object:
        if not isinstance(value, python_type):
            raise WrongTypeError(expected, value)
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
            raise SecretValueError(*map(str, public[:1])) from None

    return structure


def _secret_fields(cls: type) -> list[attrs.Attribute[object]]:
    attrs.resolve_types(cls)
    return [f for f in attrs.fields(cls) if f.metadata.get("secret") is True]


def _id_fields(cls: type) -> list[attrs.Attribute[object]]:
    return [f for f in attrs.fields(cls) if f.metadata.get("id") is True]


def _structure_id(value: object, _: object) -> object:
    """Read an id: text or an integer, which the record's id rule reads."""
    if type(value) is not str and type(value) is not int:
        raise WrongTypeError("a string or an integer", value)
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


def _key_hook(value: object, _: object) -> PermissionKey:
    """Read a permission key: a string the catalogue knows."""
    return PermissionKey(PERMISSIONS.key_of(_exactly(str, "a string")(value, _)))


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


def _duration(written: _Duration) -> timedelta:
    try:
        return timedelta(**attrs.asdict(written))
    except OverflowError:
        raise TooLongError from None


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
    >>> from ccroles.customers import Customer
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
    converter.register_structure_hook(PermissionKey, _key_hook)
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
        document = {"format": documents.FORMAT_VERSION, "roles": [value]}
        return load_document(document, "<role>", converter).custom_roles[0]

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
        Account, lambda value, _: load_document(value, "<account>", converter)
    )
    converter.register_unstructure_hook(
        Account, lambda account: _unstructure_account(account, converter)
    )
    return converter


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


def unstructure_roles(roles: Sequence[Role]) -> list[dict[str, object]]:
    """Write *roles*, each of which must copy a built-in role or one of them.

    Each role is written as the role it copies plus what it changes, as a
    roles file holds it.

    Raises:
        UnwritableRoleError: A role is not a copy, or copies a role that is
            neither built in nor among *roles*.

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> buyer = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "None"})
    >>> unstructure_roles([buyer])
    [{'name': 'Buyer', 'base': 'Customer Center', 'levels': {'TRAN_CUSTPYMT': 'None'}}]
    """
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
        "format": documents.FORMAT_VERSION,
        "customer_access": account.customer_access,
        "websites": list(account.websites),
        "roles": unstructure_roles(account.custom_roles),
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
