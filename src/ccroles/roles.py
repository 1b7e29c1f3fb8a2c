"""Roles: the three built-in customer center roles and custom copies of them.

A custom role is made by copying a role and changing levels on the copy; it
can lower any level and raise it back, but never above what its *root*
built-in role holds, and never add a permission or capability the root lacks.

>>> accountant = CUSTOMER_CENTER.customize(
...     "Accountant", levels={"TRAN_SALESORD": "None"}
... )
>>> accountant.level("TRAN_SALESORD"), accountant.root.name
(<Level.NONE: 0>, 'Customer Center')

Which features a role has is the feature catalogue's answer
(:meth:`ccroles.features.FeatureCatalogue.allows`): this module, below it,
knows no feature.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Final, final

import attrs

from ccroles.exceptions import (
    CapabilityNotOnRootError,
    CCRolesError,
    CenterTypeMismatchError,
    DuplicateNameError,
    InvalidNameError,
    LevelAboveRootError,
    PermissionNotOnRootError,
    SecondFactorNotAllowedError,
    UnknownCapabilityError,
    UnknownRoleError,
)
from ccroles.names import fold, is_encodable
from ccroles.permissions import PERMISSIONS, Level, Permission

__all__ = [
    "ADVANCED_CUSTOMER_CENTER",
    "BUILTIN_ROLES",
    "CUSTOMER_CENTER",
    "PREMIUM_CUSTOMER_CENTER",
    "Capability",
    "CenterType",
    "LevelsInput",
    "Role",
    "RoleCatalogue",
    "escalation",
]


class CenterType(enum.Enum):
    """The center a role logs in to; the form rules depend on it.

    Customer center roles are one type; every other type is an internal
    (staff) center.
    """

    CUSTOMER = "Customer Center"
    CLASSIC = "Classic Center"
    ACCOUNTING = "Accounting Center"
    SALES = "Sales Center"
    SUPPORT = "Support Center"
    MARKETING = "Marketing Center"
    EMPLOYEE = "Employee Center"
    PARTNER = "Partner Center"
    VENDOR = "Vendor Center"

    def __str__(self) -> str:
        """Return the center's name."""
        return self.value

    @property
    def is_customer_center(self) -> bool:
        """Whether this is the customer center (not an internal center)."""
        return self is CenterType.CUSTOMER


class Capability(enum.Enum):
    """Something a role can do that is not a permission level."""

    WEBSITE = "website"
    """The "My Account" area of a hosted web store."""
    QUOTE_REQUESTS = "quote_requests"
    """Full quote handling, from request to approval."""
    SCRIPTABLE_CART = "scriptable_cart"
    """A cart that the web store's scripts can change."""
    WISH_LISTS = "wish_lists"
    """Saved item lists."""
    STORE_LOCATOR = "store_locator"
    """Finding stores near the customer, shown on a map."""

    def __str__(self) -> str:
        """Return the capability's name, as written in files."""
        return self.value

    @classmethod
    def parse(cls, text: str | Capability) -> Capability:
        """Return the capability named *text* (any case).

        Raises:
            UnknownCapabilityError: No capability has that name.

        >>> Capability.parse("Wish_Lists")
        <Capability.WISH_LISTS: 'wish_lists'>
        """
        if isinstance(text, Capability):
            return text
        try:
            return cls(fold(text))
        except (ValueError, AttributeError):
            raise UnknownCapabilityError(text, [c.value for c in cls]) from None


LevelsInput = (
    Mapping[str, Level | str]
    | Mapping[Permission, Level | str]
    | Mapping[str | Permission, Level | str]
)
"""What a role's levels may be given as: keys or permissions to levels or text."""


def _freeze_levels(levels: LevelsInput) -> Mapping[str, Level]:
    """Check keys and levels, and freeze them in catalogue order."""
    parsed = {
        PERMISSIONS.key_of(key): Level.parse(level) for key, level in levels.items()
    }
    return types.MappingProxyType(
        {key: parsed[key] for key in PERMISSIONS if key in parsed}
    )


def _freeze_capabilities(
    capabilities: Iterable[Capability | str],
) -> frozenset[Capability]:
    return frozenset(map(Capability.parse, capabilities))


def _check_name(_: object, __: attrs.Attribute[str], name: str) -> None:
    if not name.strip() or not is_encodable(name):
        raise InvalidNameError("role", name)


def escalation(role: Role, root: Role) -> CCRolesError | None:
    """What *role* holds above *root*, as the error to raise, or ``None``.

    The one check of the ceiling: a role may hold only permissions *root*
    holds, at most at *root*'s level, only capabilities *root* has, and must
    be of *root*'s center type. :class:`Role` runs it on every copy and
    :class:`~ccroles.accounts.Account` on every role it accepts.

    >>> print(escalation(CUSTOMER_CENTER, ADVANCED_CUSTOMER_CENTER))
    role 'Customer Center' cannot add permission 'TRAN_CUSTPYMT' at Edit: its root role 'Advanced Customer Center' does not have it
    """  # noqa: E501
    for key, level in role.levels.items():
        held = root.levels.get(key)
        if held is None:
            return PermissionNotOnRootError(
                role=role.name, root=root.name, permission=key, requested=level
            )
        if level > held:
            return LevelAboveRootError(
                role=role.name,
                root=root.name,
                permission=key,
                root_level=held,
                requested=level,
            )
    for capability in sorted(role.capabilities - root.capabilities, key=str):
        return CapabilityNotOnRootError(
            role=role.name, root=root.name, capability=capability
        )
    if role.center_type is not root.center_type:
        return CenterTypeMismatchError(
            role=role.name,
            root=root.name,
            center_type=role.center_type,
            root_center_type=root.center_type,
        )
    return None


@final
@attrs.frozen(repr=False, eq=False)
class Role:
    """A role: a name, a center type, permission levels and capabilities.

    A role without a *base* is a root role (the built-ins, or a staff role a
    portal defines). A role with a *base* is a custom copy; building one checks
    that it grants nothing its root lacks, so an escalated role cannot exist.
    Prefer :meth:`customize` to calling the constructor with a *base*. An
    account accepts a customer center role only when its root is one of the
    three built-in role objects themselves. ``Role`` cannot be subclassed, so
    no override can move the ceiling; chains of copies may be of any depth,
    and equality, hashing and :attr:`root` never walk them recursively.

    Attributes:
        name: The role's name, as administrators see it.
        center_type: The center the role logs in to.
        levels: Permission key to level, in catalogue order, read-only.
        capabilities: What the role can do beyond permission levels.
        base: The role this one was copied from, or ``None``.
        second_factor: Whether signing in with this role needs a second
            factor (two-factor authentication); copies keep their base's
            setting. Only other centers' roles may require one, and the
            engine never signs such a role in to the customer center, so it
            asks for no second factor: the setting is kept with the role for
            the center it belongs to.

    Raises:
        InvalidNameError: The name is blank.
        UnknownPermissionError: A key is not in the permission catalogue.
        InvalidLevelError: A level is not a spelling of a level.
        UnknownCapabilityError: A capability is not known.
        EscalationError: A copy grants more than its root (see :meth:`customize`).
        SecondFactorNotAllowedError: A customer center role requires a
            second factor.
    """

    name: str = attrs.field(validator=_check_name)
    center_type: CenterType = CenterType.CUSTOMER
    levels: Mapping[str, Level] = attrs.field(
        factory=dict, converter=_freeze_levels, hash=False
    )
    capabilities: frozenset[Capability] = attrs.field(
        factory=frozenset, converter=_freeze_capabilities
    )
    base: Role | None = None
    second_factor: bool = attrs.field(default=False, kw_only=True)
    # The base's root, found once when the copy is built (None for a root).
    _root: Role | None = attrs.field(init=False, default=None)

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Refuse subclasses: an override could lift a copy's ceiling."""
        message = "Role cannot be subclassed: its root and levels are the ceiling"
        raise TypeError(message)

    def __attrs_post_init__(self) -> None:
        """Refuse a copy that grants more than its root built-in role."""
        if self.second_factor and self.center_type.is_customer_center:
            raise SecondFactorNotAllowedError(self.name, self.center_type)
        if self.base is None:
            return
        root = self.base.root
        object.__setattr__(self, "_root", root)
        error = escalation(self, root)
        if error is not None:
            raise error

    def __eq__(self, other: object) -> bool:
        """Equal roles have the same name, type, levels, capabilities and bases."""
        if type(other) is not Role:
            return NotImplemented
        one: Role | None = self
        two: Role | None = other
        while one is not two:
            if one is None or two is None or not _same_role(one, two):
                return False
            one, two = one.base, two.base
        return True

    def __hash__(self) -> int:
        """Hash the name, center type and capabilities (equal roles share them)."""
        return hash((self.name, self.center_type, self.capabilities))

    def __repr__(self) -> str:
        """Show the name and what it was copied from, not every level."""
        base = f", base={self.base.name!r}" if self.base is not None else ""
        return f"Role({self.name!r}{base})"

    def __reduce__(self) -> str | tuple[Callable[..., Role], tuple[object, ...]]:
        """Pickle and copy: a built-in role as itself, any other by its fields.

        A copy is rebuilt from its root down, one role at a time (no
        recursion, whatever the depth), and each is checked again as it is
        built; its root, when built-in, is the built-in role object itself.

        >>> import pickle
        >>> pickle.loads(pickle.dumps(CUSTOMER_CENTER)) is CUSTOMER_CENTER
        True
        >>> buyer = CUSTOMER_CENTER.customize("Buyer")
        >>> pickle.loads(pickle.dumps(buyer)).root is CUSTOMER_CENTER
        True
        """
        for name, builtin in _BUILTIN_NAMES:
            if builtin is self:
                return name
        lineage = self.lineage
        root = lineage[0]
        if root is self:
            return (_root_role, _fields_of(self))
        return (_copied_role, (root, tuple(map(_fields_of, lineage[1:]))))

    @property
    def root(self) -> Role:
        """The root role this one descends from (itself for a root role)."""
        return self if self._root is None else self._root

    @property
    def lineage(self) -> tuple[Role, ...]:
        """The roles from the root down to this one: the root first, this last.

        >>> copy = CUSTOMER_CENTER.customize("A").customize("B")
        >>> [role.name for role in copy.lineage]
        ['Customer Center', 'A', 'B']
        """
        chain = [self]
        while chain[-1].base is not None:
            chain.append(chain[-1].base)
        return tuple(reversed(chain))

    @property
    def is_custom(self) -> bool:
        """Whether this role is a copy of another role."""
        return self.base is not None

    def level(self, permission: str | Permission) -> Level | None:
        """Return the level held on *permission*, or ``None`` if the role lacks it.

        A role that holds a permission at ``Level.NONE`` still has it (a later
        copy may raise it back); ``None`` means the permission is not on the
        role at all.

        Raises:
            UnknownPermissionError: The key is not in the catalogue.

        >>> CUSTOMER_CENTER.level("TRAN_CUSTPYMT")
        <Level.EDIT: 3>
        >>> print(CUSTOMER_CENTER.level("LIST_LOCATION"))
        None
        """
        return self.levels.get(PERMISSIONS.key_of(permission))

    def customize(
        self,
        name: str,
        levels: LevelsInput | None = None,
        capabilities: Iterable[Capability | str] | None = None,
    ) -> Role:
        """Return a copy of this role named *name* with *levels* changed.

        Levels may go down to ``None`` and back up to what the root built-in
        role holds. *capabilities*, when given, replaces the set (it may only
        drop capabilities the root has). A copy of a copy keeps the same root.

        Raises:
            PermissionNotOnRootError: A permission the root lacks is asked for.
            LevelAboveRootError: A level above the root's is asked for.
            CapabilityNotOnRootError: A capability the root lacks is asked for.

        >>> CUSTOMER_CENTER.customize("Payer", levels={"TRAN_CUSTPYMT": "Full"})
        Traceback (most recent call last):
        ...
        ccroles.exceptions.LevelAboveRootError: role 'Payer' cannot raise 'TRAN_CUSTPYMT' to Full: its root role 'Customer Center' holds it at Edit
        """  # noqa: E501
        changed = _freeze_levels(levels or {})
        return Role(
            name=name,
            center_type=self.center_type,
            levels={**self.levels, **changed},
            capabilities=self.capabilities if capabilities is None else capabilities,
            base=self,
            second_factor=self.second_factor,
        )

    def requiring_second_factor(self, *, required: bool = True) -> Role:
        """Return this role with signing in needing a second factor (or not).

        Raises:
            SecondFactorNotAllowedError: This is a customer center role.

        >>> sales = Role("Sales", center_type=CenterType.SALES)
        >>> sales.requiring_second_factor().second_factor
        True
        >>> CUSTOMER_CENTER.requiring_second_factor()
        Traceback (most recent call last):
        ...
        ccroles.exceptions.SecondFactorNotAllowedError: role 'Customer Center' cannot require a second factor: it is a Customer Center role, and only other centers' roles may require one
        """  # noqa: E501
        return attrs.evolve(self, second_factor=required)


_RoleFields = tuple[str, CenterType, dict[str, Level], frozenset[Capability], bool]


def _fields_of(role: Role) -> _RoleFields:
    """What a role is rebuilt from, but its base."""
    return (
        role.name,
        role.center_type,
        dict(role.levels),
        role.capabilities,
        role.second_factor,
    )


def _root_role(
    name: str,
    center_type: CenterType,
    levels: dict[str, Level],
    capabilities: frozenset[Capability],
    second_factor: bool,  # noqa: FBT001 (positional: how pickle calls it)
) -> Role:
    """A root role rebuilt from its fields (how a pickled one is loaded)."""
    return Role(name, center_type, levels, capabilities, second_factor=second_factor)


def _copied_role(root: Role, copies: tuple[_RoleFields, ...]) -> Role:
    """The last of *copies*, each rebuilt on the one before, from *root* down."""
    role = root
    for name, center_type, levels, capabilities, second_factor in copies:
        role = Role(
            name,
            center_type,
            levels,
            capabilities,
            base=role,
            second_factor=second_factor,
        )
    return role


def _same_role(one: Role, two: Role) -> bool:
    """Whether two roles agree on everything but their bases."""
    return (
        one.name == two.name
        and one.center_type is two.center_type
        and one.capabilities == two.capabilities
        and one.levels == two.levels
        and one.second_factor == two.second_factor
    )


class RoleCatalogue(Mapping[str, Role]):
    """Roles looked up by name, ignoring case and surrounding white space.

    The one way ccroles finds a role by name (accounts, the command line,
    matrices, the pytest plugin). Names are unique by :func:`~ccroles.names.fold`.

    Raises:
        DuplicateNameError: Two roles have the same name (ignoring case).

    >>> catalogue = RoleCatalogue(BUILTIN_ROLES)
    >>> catalogue["premium customer center"] is PREMIUM_CUSTOMER_CENTER
    True
    >>> catalogue["Customer Centre"]
    Traceback (most recent call last):
    ...
    ccroles.exceptions.UnknownRoleError: unknown role 'Customer Centre'; did you mean 'Customer Center'?
    """  # noqa: E501

    __slots__ = ("_by_fold", "_names")

    def __init__(self, roles: Iterable[Role]) -> None:
        """Hold *roles* in order."""
        self._names: list[str] = []
        self._by_fold: dict[str, Role] = {}
        for role in roles:
            key = fold(role.name)
            if key in self._by_fold:
                raise DuplicateNameError("role", role.name)
            self._names.append(role.name)
            self._by_fold[key] = role

    def __getitem__(self, name: str) -> Role:
        """Return the role called *name* (any case)."""
        role = self._by_fold.get(fold(name))
        if role is None:
            raise UnknownRoleError(name, self._names)
        return role

    def __iter__(self) -> Iterator[str]:
        """Iterate over the names in order."""
        return iter(self._names)

    def __len__(self) -> int:
        """Return the number of roles."""
        return len(self._names)

    def __repr__(self) -> str:
        """Show the names."""
        return f"RoleCatalogue({self._names!r})"


_STANDARD_LEVELS: Final = {
    "TRAN_CUSTPYMT": Level.EDIT,
    "TRAN_ESTIMATE": Level.VIEW,
    "TRAN_SALESORD": Level.EDIT,
    "TRAN_CUSTINVC": Level.VIEW,
    "TRAN_CASHSALE": Level.VIEW,
    "TRAN_RTNAUTH": Level.CREATE,
    "TRAN_STATEMENT": Level.CREATE,
    "TRAN_FIND": Level.FULL,
    "TRAN_CUSTCRED": Level.VIEW,
    "TRAN_CUSTDEP": Level.VIEW,
    "TRAN_DEPAPPL": Level.CREATE,
    "TRAN_ITEMSHIP": Level.CREATE,
    "LIST_CASE": Level.EDIT,
    "LIST_ISSUE": Level.VIEW,
    "LIST_CRMMESSAGE": Level.VIEW,
    "LIST_ITEM": Level.VIEW,
    "LIST_CONTACT": Level.EDIT,
    "LIST_CUSTPROFILE": Level.EDIT,
    "LIST_FIND": Level.FULL,
    "LIST_EXPORT": Level.CREATE,
    "REGT_ACCTREC": Level.VIEW,
    "REGT_NONPOSTING": Level.VIEW,
}

CUSTOMER_CENTER: Final = Role(
    "Customer Center", levels=_STANDARD_LEVELS, capabilities={Capability.WEBSITE}
)
"""The standard Customer Center role."""

PREMIUM_CUSTOMER_CENTER: Final = Role(
    "Premium Customer Center",
    levels={**_STANDARD_LEVELS, "TRAN_ESTIMATE": Level.CREATE},
    capabilities={
        Capability.WEBSITE,
        Capability.QUOTE_REQUESTS,
        Capability.SCRIPTABLE_CART,
        Capability.WISH_LISTS,
    },
)
"""The standard role plus quotes, a scriptable cart and wish lists."""

ADVANCED_CUSTOMER_CENTER: Final = Role(
    "Advanced Customer Center",
    levels={"LIST_LOCATION": Level.VIEW},
    capabilities={Capability.STORE_LOCATOR},
)
"""The role that runs a website's store locator, and nothing else."""

BUILTIN_ROLES: Final = (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    ADVANCED_CUSTOMER_CENTER,
)
"""The three built-in customer center roles, in the matrix's column order."""

# How pickle and copy name the built-in roles: they load as the objects themselves.
_BUILTIN_NAMES: Final = (
    ("CUSTOMER_CENTER", CUSTOMER_CENTER),
    ("PREMIUM_CUSTOMER_CENTER", PREMIUM_CUSTOMER_CENTER),
    ("ADVANCED_CUSTOMER_CENTER", ADVANCED_CUSTOMER_CENTER),
)
