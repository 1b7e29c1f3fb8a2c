"""One error tree: every error ccroles raises is a :class:`CCRolesError`.

Each concrete error also subclasses the fitting builtin (``ValueError`` for bad
values, ``KeyError``/``LookupError`` for unknown names), so callers can catch
either. Errors keep their facts as attributes; the message is one sentence
built from them.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CCRolesError",
    "CapabilityNotOnRootError",
    "CenterTypeMismatchError",
    "DecisionTruthinessError",
    "DuplicateNameError",
    "DuplicateReferenceError",
    "EscalationError",
    "InvalidLevelError",
    "InvalidNameError",
    "InvalidPermissionKeyError",
    "LevelAboveRootError",
    "NoLoginEmailError",
    "PermissionNotOnRootError",
    "UnknownCapabilityError",
    "UnknownFeatureError",
    "UnknownLoginError",
    "UnknownNameError",
    "UnknownPermissionError",
    "UnknownReferenceError",
    "UnknownRoleError",
]


class CCRolesError(Exception):
    """The root of every error ccroles raises."""


def _closest(name: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to *name*, or ``None`` when none is close.

    >>> _closest("TRAN_CUSTPYM", ["TRAN_CUSTPYMT", "LIST_CASE"])
    'TRAN_CUSTPYMT'
    """
    by_fold = {k.casefold(): k for k in known}
    matches = difflib.get_close_matches(name.casefold(), by_fold, n=1, cutoff=0.6)
    return by_fold[matches[0]] if matches else None


class InvalidLevelError(CCRolesError, ValueError):
    """Text that is no spelling of a permission level.

    Attributes:
        text: The text that was given.
        valid: The spellings that are accepted (in any case).
    """

    def __init__(self, text: object, valid: tuple[str, ...]) -> None:
        self.text = text
        self.valid = valid
        super().__init__(
            f"{text!r} is not a permission level; expected one of "
            f"{', '.join(valid)} (any case)"
        )


class InvalidNameError(CCRolesError, ValueError):
    """A name that is empty or only white space.

    Attributes:
        kind: What was being named (``"role"``, ...).
        name: The name that was given.
    """

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"a {kind} name must not be blank, got {name!r}")


class InvalidPermissionKeyError(CCRolesError, ValueError):
    """Text that is not of the form of a permission key.

    Attributes:
        key: The text that was given.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"{key!r} is not a permission key; a key is a prefix (TRAN_, LIST_, "
            "REGT_, REPO_ or ADMI_) and an upper-case code"
        )


class UnknownNameError(CCRolesError, KeyError):
    """A name that is not in a catalogue, with the closest known name.

    Subclasses ``KeyError`` so mappings raising it still behave as mappings
    (``in`` and ``.get`` work). ``str()`` is the plain sentence, not the quoted
    repr that ``KeyError`` would give.

    Attributes:
        kind: What kind of thing was looked up (``"permission"``, ...).
        name: The name that was looked up.
        suggestion: The closest known name, or ``None``.
    """

    kind = "name"

    def __init__(self, name: object, known: Iterable[str]) -> None:
        self.name = name
        self.suggestion = _closest(name, known) if isinstance(name, str) else None
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        self.message = f"unknown {self.kind} {name!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        """Return the message without ``KeyError``'s quoting."""
        return self.message


class UnknownPermissionError(UnknownNameError):
    """A permission key that is not in the catalogue."""

    kind = "permission"


class UnknownFeatureError(UnknownNameError):
    """A feature name that is not in the feature catalogue."""

    kind = "feature"


class UnknownCapabilityError(UnknownNameError):
    """A capability name that ccroles does not know."""

    kind = "capability"


class UnknownRoleError(UnknownNameError):
    """A role name that no known role carries."""

    kind = "role"


class EscalationError(CCRolesError, ValueError):
    """A custom role would grant more than the built-in role it descends from.

    Attributes:
        role: The name of the role being made.
        root: The name of its root built-in role.
    """

    def __init__(self, message: str, *, role: str, root: str) -> None:
        self.role = role
        self.root = root
        super().__init__(message)


class PermissionNotOnRootError(EscalationError):
    """A copy asks for a permission its root built-in role lacks.

    Attributes:
        permission: The permission key asked for.
        requested: The level asked for.
    """

    def __init__(
        self, *, role: str, root: str, permission: str, requested: object
    ) -> None:
        self.permission = permission
        self.requested = requested
        super().__init__(
            f"role {role!r} cannot add permission {permission!r} at {requested}: "
            f"its root role {root!r} does not have it",
            role=role,
            root=root,
        )


class LevelAboveRootError(EscalationError):
    """A copy asks for a level above what its root built-in role holds.

    Attributes:
        permission: The permission key.
        root_level: The level the root role holds.
        requested: The level asked for.
    """

    def __init__(
        self,
        *,
        role: str,
        root: str,
        permission: str,
        root_level: object,
        requested: object,
    ) -> None:
        self.permission = permission
        self.root_level = root_level
        self.requested = requested
        super().__init__(
            f"role {role!r} cannot raise {permission!r} to {requested}: "
            f"its root role {root!r} holds it at {root_level}",
            role=role,
            root=root,
        )


class CapabilityNotOnRootError(EscalationError):
    """A copy asks for a capability its root built-in role lacks.

    Attributes:
        capability: The capability asked for.
    """

    def __init__(self, *, role: str, root: str, capability: object) -> None:
        self.capability = capability
        super().__init__(
            f"role {role!r} cannot add capability {str(capability)!r}: "
            f"its root role {root!r} does not have it",
            role=role,
            root=root,
        )


class CenterTypeMismatchError(CCRolesError, ValueError):
    """A copy of a role claims another center type than its root.

    Attributes:
        role: The name of the copy.
        root: The name of its root role.
        center_type: The center type the copy was given.
        root_center_type: The root role's center type.
    """

    def __init__(
        self, *, role: str, root: str, center_type: object, root_center_type: object
    ) -> None:
        self.role = role
        self.root = root
        self.center_type = center_type
        self.root_center_type = root_center_type
        super().__init__(
            f"role {role!r} cannot be a {center_type} role: it is a copy of "
            f"{root!r}, a {root_center_type} role"
        )


class DuplicateNameError(CCRolesError, ValueError):
    """A name (or id, or email) given twice where it must be unique.

    Attributes:
        kind: What was named (``"role"``, ``"feature"``, ``"email"``, ...).
        name: The repeated name.
    """

    def __init__(self, kind: str, name: object) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"{kind} {name!r} is given more than once")


class UnknownLoginError(UnknownNameError):
    """An email that no login of the account has.

    No suggestion is made: suggesting another customer's email would leak it.
    """

    kind = "login"

    def __init__(self, email: object) -> None:
        super().__init__(email, ())


class UnknownReferenceError(CCRolesError, ValueError):
    """A record names something the account lacks (a role, a website, ...).

    Attributes:
        kind: What was named (``"role"``, ``"website"``, ``"customer"``).
        value: The name that was given.
        owner: Who named it (``customer 'ACME'``, ``contact 'c1' of ...``).
        suggestion: The closest known name, or ``None``.
    """

    def __init__(
        self, kind: str, value: str, *, owner: str, known: Iterable[str]
    ) -> None:
        self.kind = kind
        self.value = value
        self.owner = owner
        self.suggestion = _closest(value, known)
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        super().__init__(
            f"{owner} names {kind} {value!r}, which the account lacks{hint}"
        )


class DuplicateReferenceError(CCRolesError, ValueError):
    """An id, email or name used twice where it must be unique.

    Attributes:
        kind: What is repeated (``"email"``, ``"internal id"``, ...).
        value: The repeated value.
        owner: The second record that uses it.
    """

    def __init__(self, kind: str, value: str, *, owner: str) -> None:
        self.kind = kind
        self.value = value
        self.owner = owner
        super().__init__(f"{owner} uses {kind} {value!r}, which is already taken")


class DecisionTruthinessError(CCRolesError, TypeError):
    """A decision was used as a truth value; read ``decision.allowed`` instead.

    A :class:`~ccroles.policy.Decision` is always an object, so ``if decision:``
    would always pass; it refuses instead of silently allowing.
    """

    def __init__(self) -> None:
        super().__init__(
            "a Decision has no truth value; write `decision.allowed` instead"
        )


class NoLoginEmailError(CCRolesError, ValueError):
    """A customer to preview has no email, so it has no login to log in as.

    Attributes:
        customer_id: The customer's customer id (``ACME``).
    """

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            f"customer {customer_id!r} has no email, so there is no login to preview"
        )
