"""A file's values as written: the kinds they are of, and the errors reading them.

The converter's hooks (:mod:`ccroles.converter`) raise these errors inside
cattrs' validation groups; the document loader (:mod:`ccroles.documents`)
shows their messages as they are. None of them shows a value: a message names
kinds (``expected a string, got an integer``), never what was written, which
may be a secret.

>>> kind_of(["a"])
'an array'
>>> str(WrongTypeError("a string", 3))
'expected a string, got an integer'
"""

from __future__ import annotations

import types
from datetime import timedelta
from typing import Final, NewType

__all__ = [
    "PermissionKey",
    "SecretValueError",
    "TooLongError",
    "WrongTypeError",
    "kind_of",
]

PermissionKey = NewType("PermissionKey", str)
"""A permission key as written in a file, checked against the catalogue."""

_KINDS: Final = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (dict, "a table"),
    (types.NoneType, "null"),
)


def kind_of(value: object) -> str:
    """Name the kind of *value* as TOML and JSON do, never showing the value."""
    for python_type, name in _KINDS:
        if isinstance(value, python_type):
            return name
    return "a date or time"


class WrongTypeError(TypeError):
    """A value of the wrong kind; the message names kinds, not the value."""

    def __init__(self, expected: str, value: object) -> None:
        """Name the kind *expected* and the kind of *value*."""
        super().__init__(f"expected {expected}, got {kind_of(value)}")


class SecretValueError(ValueError):
    """A secret field's value is wrong; the message does not show it."""

    def __init__(self, shown: str | None = None) -> None:
        """Say the value is not shown, or say *shown* (a message naming no secret)."""
        super().__init__(shown or "invalid value (not shown: the field is secret)")


class TooLongError(OverflowError):
    """A duration longer than Python can hold."""

    def __init__(self) -> None:
        """Name the longest duration Python holds."""
        super().__init__(f"the duration is longer than {timedelta.max}")
