"""Permission levels and the catalogue of customer-center permissions.

>>> Level.parse("_edit") > Level.VIEW
True
>>> str(Level.CREATE)
'Create'
>>> PERMISSIONS["TRAN_CUSTPYMT"].label
'Customer Payment'
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Iterator, Mapping
from typing import Final

import attrs

from ccroles.exceptions import (
    InvalidLevelError,
    InvalidPermissionKeyError,
    UnknownPermissionError,
)
from ccroles.names import fold

__all__ = ["PERMISSIONS", "Level", "Permission", "PermissionCatalogue"]


class Level(enum.Enum):
    """A permission level: ``NONE < VIEW < CREATE < EDIT < FULL``.

    Levels are cumulative: holding one means holding every lower one. A level
    compares only with levels (``Level.VIEW == 1`` is ``False``, ``Level.VIEW <
    1`` raises ``TypeError``). ``str()`` gives the title-case word used in
    every output.

    >>> sorted([Level.FULL, Level.NONE, Level.EDIT])
    [<Level.NONE: 0>, <Level.EDIT: 3>, <Level.FULL: 4>]
    >>> Level.VIEW == 1
    False
    """

    NONE = 0
    VIEW = 1
    CREATE = 2
    EDIT = 3
    FULL = 4

    @classmethod
    def parse(cls, text: str | Level) -> Level:
        """Return the level *text* spells; a :class:`Level` is returned as is.

        Accepted, in any case and with surrounding white space ignored: the
        words (``View``), role-XML spellings (``VIEW``) and SOAP spellings
        (``_view``).

        Raises:
            InvalidLevelError: *text* spells no level.

        >>> Level.parse("FULL"), Level.parse(" _none "), Level.parse("Edit")
        (<Level.FULL: 4>, <Level.NONE: 0>, <Level.EDIT: 3>)
        >>> Level.parse("admin")
        Traceback (most recent call last):
        ...
        ccroles.exceptions.InvalidLevelError: 'admin' is not a permission level; ...
        """
        if isinstance(text, Level):
            return text
        if isinstance(text, str):
            level = _SPELLINGS.get(fold(text))
            if level is not None:
                return level
        raise InvalidLevelError(text, _VALID_SPELLINGS)

    def __str__(self) -> str:
        """Return the title-case word: ``None``, ``View``, ... ``Full``."""
        return self.name.title()

    def __lt__(self, other: object) -> bool:
        """Order by rank; other types are not comparable."""
        if type(other) is Level:
            return self.value < other.value
        return NotImplemented

    def __le__(self, other: object) -> bool:
        """Order by rank; other types are not comparable."""
        if type(other) is Level:
            return self.value <= other.value
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        """Order by rank; other types are not comparable."""
        if type(other) is Level:
            return self.value > other.value
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        """Order by rank; other types are not comparable."""
        if type(other) is Level:
            return self.value >= other.value
        return NotImplemented


_SPELLINGS: Final[Mapping[str, Level]] = types.MappingProxyType(
    {
        spelling: level
        for level in Level
        for spelling in (level.name.casefold(), f"_{level.name.casefold()}")
    }
)
_VALID_SPELLINGS: Final = tuple(
    spelling
    for level in Level
    for spelling in (str(level), level.name, f"_{level.name.casefold()}")
)

_KEY = re.compile(r"(TRAN|LIST|REGT|REPO|ADMI)_[A-Z]+")


def _check_key(_: object, __: attrs.Attribute[str], key: str) -> None:
    if not _KEY.fullmatch(key):
        raise InvalidPermissionKeyError(key)


@attrs.frozen
class Permission:
    """A permission: a key such as ``TRAN_CUSTPYMT`` and a human label.

    The key's prefix says what it governs: ``TRAN_`` transactions, ``LIST_``
    lists, ``REGT_`` registers, ``REPO_`` reports, ``ADMI_`` setup.
    """

    key: str = attrs.field(validator=_check_key)
    label: str

    def __str__(self) -> str:
        """Return the label, as people read it."""
        return self.label


class PermissionCatalogue(Mapping[str, Permission]):
    """A read-only mapping from permission key to :class:`Permission`.

    A permission is found by its key or its label, ignoring case and
    surrounding white space, as every name is (:func:`ccroles.names.fold`).
    Looking up an unknown one raises :class:`UnknownPermissionError` (a
    ``KeyError``) that suggests the closest known key or label.

    >>> PERMISSIONS["tran_custpymt"].label, PERMISSIONS["invoice"].key
    ('Customer Payment', 'TRAN_CUSTINVC')
    >>> PERMISSIONS["TRAN_CUSTPYM"]
    Traceback (most recent call last):
    ...
    ccroles.exceptions.UnknownPermissionError: unknown permission 'TRAN_CUSTPYM'; did you mean 'TRAN_CUSTPYMT'?
    """  # noqa: E501

    __slots__ = ("_by_fold", "_by_key")

    def __init__(self, permissions: tuple[Permission, ...]) -> None:
        """Hold *permissions*, in the order given."""
        self._by_key = {p.key: p for p in permissions}
        self._by_fold = {
            fold(name): p for p in permissions for name in (p.key, p.label)
        }

    def __getitem__(self, key: str) -> Permission:
        """Return the permission with *key* (any case), or raise with a suggestion."""
        try:
            return self._by_key[key]
        except (KeyError, TypeError):
            found = self._by_fold.get(fold(key))
            if found is None:
                known = [
                    name for p in self._by_key.values() for name in (p.key, p.label)
                ]
                raise UnknownPermissionError(key, known) from None
            return found

    def __iter__(self) -> Iterator[str]:
        """Iterate over the keys in catalogue order."""
        return iter(self._by_key)

    def __len__(self) -> int:
        """Return the number of permissions."""
        return len(self._by_key)

    def __repr__(self) -> str:
        """Show the keys, not every label."""
        return f"PermissionCatalogue({list(self._by_key)!r})"

    def key_of(self, permission: str | Permission) -> str:
        """Return the catalogue key of *permission*, a key or a permission.

        Raises:
            UnknownPermissionError: The key is not in the catalogue.

        >>> PERMISSIONS.key_of(PERMISSIONS["LIST_CASE"])
        'LIST_CASE'
        """
        key = permission.key if isinstance(permission, Permission) else permission
        return self[key].key


PERMISSIONS: Final = PermissionCatalogue(
    tuple(
        Permission(key, label)
        for key, label in (
            ("TRAN_CUSTPYMT", "Customer Payment"),
            ("TRAN_ESTIMATE", "Estimate"),
            ("TRAN_SALESORD", "Sales Order"),
            ("TRAN_CUSTINVC", "Invoice"),
            ("TRAN_CASHSALE", "Cash Sale"),
            ("TRAN_RTNAUTH", "Return Authorization"),
            ("TRAN_STATEMENT", "Generate Statements"),
            ("TRAN_FIND", "Find Transaction"),
            ("TRAN_CUSTCRED", "Credit Memo"),
            ("TRAN_CUSTDEP", "Customer Deposit"),
            ("TRAN_DEPAPPL", "Deposit Application"),
            ("TRAN_ITEMSHIP", "Item Fulfillment"),
            ("LIST_CASE", "Cases"),
            ("LIST_ISSUE", "Issues"),
            ("LIST_CRMMESSAGE", "Track Messages"),
            ("LIST_ITEM", "Items"),
            ("LIST_CONTACT", "Contacts"),
            ("LIST_CUSTPROFILE", "Customer Profile"),
            ("LIST_FIND", "Perform Search"),
            ("LIST_EXPORT", "Export Lists"),
            ("REGT_ACCTREC", "Accounts Receivable Register"),
            ("REGT_NONPOSTING", "Non-Posting Registers"),
            ("LIST_LOCATION", "Locations"),
        )
    )
)
"""Every permission a customer center role uses, keyed by permission key."""
