"""Features, their requirements, and the feature matrix derived from roles.

A feature's requirement is a small named predicate over a role's levels and
capabilities, combined with ``&``, ``|`` and ``~``. Nothing is stored per
role: the matrix is always computed from the roles themselves.

>>> print(FEATURES["Make a Payment"].requires)
Customer Payment >= Create and Invoice >= View
>>> matrix = feature_matrix(BUILTIN_ROLES)
>>> matrix.allows("Premium Customer Center", "Quote Request and Approval")
True
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, Protocol

import attrs

from ccroles._deprecation import warn_renamed
from ccroles.exceptions import DuplicateNameError, UnknownFeatureError
from ccroles.names import check_name, fold
from ccroles.permissions import PERMISSIONS, Level
from ccroles.roles import BUILTIN_ROLES, Capability, Role, RoleCatalogue

__all__ = [
    "FEATURES",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Excluded",
    "Feature",
    "FeatureCatalogue",
    "FeatureMatrix",
    "Grants",
    "Has",
    "MissingCapability",
    "Not",
    "Requirement",
    "Shortfall",
    "Unmet",
    "feature_matrix",
]


class Grants(Protocol):
    """What a requirement reads: a role's levels and capabilities."""

    @property
    def levels(self) -> Mapping[str, Level]:
        """Permission key to level held."""

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Capabilities held."""


@attrs.frozen
class Shortfall:
    """A permission held below what a requirement asks (``held`` ``None``: lacked)."""

    permission: str
    required: Level
    held: Level | None


@attrs.frozen
class MissingCapability:
    """A capability a requirement asks for and the role lacks."""

    capability: Capability


@attrs.frozen
class Excluded:
    """A requirement that must *not* hold, and does."""

    requirement: str


Unmet = Shortfall | MissingCapability | Excluded
"""One thing a role lacks to meet a requirement."""


class Requirement(abc.ABC):
    """A named predicate over a role's grants.

    ``requirement(role)`` says whether *role* meets it; :meth:`unmet` says what
    is missing, as data. Combine requirements with ``&``, ``|`` and ``~``.
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A readable name, quoted in explanations."""

    @abc.abstractmethod
    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """Return what *grants* lacks to meet this; empty when it is met.

        For an ``or``, the alternative needing the fewest changes is reported.
        """

    def __call__(self, grants: Grants) -> bool:
        """Whether *grants* meets this requirement."""
        return not self.unmet(grants)

    def __and__(self, other: Requirement) -> AllOf:
        """Both this and *other*."""
        return AllOf((self, other))

    def __or__(self, other: Requirement) -> AnyOf:
        """This or *other*."""
        return AnyOf((self, other))

    def __invert__(self) -> Not:
        """Not this."""
        return Not(self)

    def __str__(self) -> str:
        """Return the name."""
        return self.name


def _parse_key(key: str) -> str:
    return PERMISSIONS.key_of(key)


def _parse_level(level: Level | str) -> Level:
    return Level.parse(level)


def _parse_capability(capability: Capability | str) -> Capability:
    return Capability.parse(capability)


@attrs.frozen
class AtLeast(Requirement):
    """A permission held at *level* or higher.

    >>> AtLeast("TRAN_SALESORD", "Create").name
    'Sales Order >= Create'
    """

    permission: str = attrs.field(converter=_parse_key)
    level: Level = attrs.field(converter=_parse_level)

    @property
    def name(self) -> str:
        """``"<label> >= <level>"``."""
        return f"{PERMISSIONS[self.permission].label} >= {self.level}"

    def __call__(self, grants: Grants) -> bool:
        """Whether the level held is at least the one asked."""
        held = grants.levels.get(self.permission)
        return held is not None and held >= self.level

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """The shortfall, if any."""
        if self(grants):
            return ()
        return (
            Shortfall(self.permission, self.level, grants.levels.get(self.permission)),
        )


@attrs.frozen
class Has(Requirement):
    """A capability held.

    >>> Has("wish_lists").name
    'wish_lists'
    """

    capability: Capability = attrs.field(converter=_parse_capability)

    @property
    def name(self) -> str:
        """The capability's name."""
        return str(self.capability)

    def __call__(self, grants: Grants) -> bool:
        """Whether the capability is held."""
        return self.capability in grants.capabilities

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """The missing capability, if any."""
        return () if self(grants) else (MissingCapability(self.capability),)


def _flatten(
    kind: type[AllOf | AnyOf], parts: Iterable[Requirement]
) -> tuple[Requirement, ...]:
    flat: list[Requirement] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, kind) else (part,))
    return tuple(flat)


def _all_parts(parts: Iterable[Requirement]) -> tuple[Requirement, ...]:
    return _flatten(AllOf, parts)


def _any_parts(parts: Iterable[Requirement]) -> tuple[Requirement, ...]:
    return _flatten(AnyOf, parts)


def _quoted(part: Requirement, inside: type[AllOf | AnyOf | Not]) -> str:
    needs_brackets = isinstance(part, AllOf | AnyOf) and not isinstance(part, inside)
    return f"({part.name})" if needs_brackets else part.name


@attrs.frozen
class AllOf(Requirement):
    """Every part holds."""

    parts: tuple[Requirement, ...] = attrs.field(converter=_all_parts)

    @property
    def name(self) -> str:
        """The parts joined with ``and``."""
        return " and ".join(_quoted(p, AllOf) for p in self.parts)

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """Everything every part lacks."""
        return tuple(u for part in self.parts for u in part.unmet(grants))


@attrs.frozen
class AnyOf(Requirement):
    """At least one part holds."""

    parts: tuple[Requirement, ...] = attrs.field(converter=_any_parts)

    @property
    def name(self) -> str:
        """The parts joined with ``or``."""
        return " or ".join(_quoted(p, AnyOf) for p in self.parts)

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """Nothing if a part holds, else what the cheapest part lacks."""
        return min((part.unmet(grants) for part in self.parts), key=len, default=())


@attrs.frozen
class Not(Requirement):
    """The part does not hold.

    >>> (~Has("website")).name
    'not website'
    """

    part: Requirement

    @property
    def name(self) -> str:
        """``not`` and the part."""
        return f"not {_quoted(self.part, Not)}"

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """The part itself, if it holds."""
        return (Excluded(self.part.name),) if self.part(grants) else ()


def _feature_name(name: object) -> str:
    return check_name(name, "feature")


@attrs.frozen
class Feature:
    """A row of the feature matrix.

    Attributes:
        name: The feature's name, as in the source's table.
        requires: What a role must meet to have it (besides its parent).
        parent: The area it belongs to, or ``None`` for an area.

    Raises:
        InvalidNameError: The name is blank, not text, or not writable as
            UTF-8 (a blank name would be what anything but text folds to).
    """

    name: str = attrs.field(converter=_feature_name)
    requires: Requirement
    parent: str | None = None


class FeatureCatalogue(Mapping[str, Feature]):
    """The features in matrix order, looked up by name (any case).

    An unknown name raises :class:`UnknownFeatureError` (a ``KeyError``) that
    suggests the closest known name.
    """

    __slots__ = ("_by_fold", "_by_name")

    def __init__(self, features: Iterable[Feature]) -> None:
        """Hold *features* in order; each parent must come before its children."""
        self._by_name: dict[str, Feature] = {}
        self._by_fold: dict[str, Feature] = {}
        for feature in features:
            if fold(feature.name) in self._by_fold:
                raise DuplicateNameError("feature", feature.name)
            if feature.parent is not None:
                self[feature.parent]  # an unknown (or later) parent raises here
            self._by_name[feature.name] = feature
            self._by_fold[fold(feature.name)] = feature

    def __getitem__(self, name: str) -> Feature:
        """Return the feature called *name* (any case, surrounding space ignored)."""
        feature = self._by_fold.get(fold(name))  # anything but text finds none
        if feature is None:
            raise UnknownFeatureError(name, self._by_name)
        return feature

    def __iter__(self) -> Iterator[str]:
        """Iterate over the names in matrix order."""
        return iter(self._by_name)

    def __len__(self) -> int:
        """Return the number of features."""
        return len(self._by_name)

    def __repr__(self) -> str:
        """Show the names."""
        return f"FeatureCatalogue({list(self._by_name)!r})"

    def resolve(self, feature: str | Feature) -> Feature:
        """Return the catalogue's feature for a name or a feature."""
        return self[feature.name if isinstance(feature, Feature) else feature]

    def children(self, feature: str | Feature) -> tuple[Feature, ...]:
        """Return the features whose parent is *feature*, in order."""
        name = self.resolve(feature).name
        return tuple(f for f in self._by_name.values() if f.parent == name)

    def allows(self, grants: Grants, feature: str | Feature) -> bool:
        """Whether *grants* (a role) meets *feature*'s requirement and its parent's.

        Raises:
            UnknownFeatureError: No feature has that name.

        >>> from ccroles.roles import PREMIUM_CUSTOMER_CENTER
        >>> FEATURES.allows(PREMIUM_CUSTOMER_CENTER, "Wish Lists")
        True
        """
        found = self.resolve(feature)
        while True:
            if not found.requires(grants):
                return False
            if found.parent is None:
                return True
            found = self._by_name[found.parent]

    def feature_names_of(self, grants: Grants) -> tuple[str, ...]:
        """Return the names of the features *grants* (a role) has, in order.

        >>> from ccroles.roles import ADVANCED_CUSTOMER_CENTER
        >>> FEATURES.feature_names_of(ADVANCED_CUSTOMER_CENTER)
        ('Mapping Store Locations',)
        """
        return tuple(
            name for name, f in self._by_name.items() if self.allows(grants, f)
        )

    def allowed_for(self, grants: Grants) -> tuple[str, ...]:
        """Deprecated: use :meth:`feature_names_of` (gone in the next release)."""
        warn_renamed(
            "FeatureCatalogue.allowed_for", "FeatureCatalogue.feature_names_of"
        )
        return self.feature_names_of(grants)


def _area(
    name: str,
    children: Iterable[tuple[str, Requirement]],
    also: Requirement | None = None,
) -> tuple[Feature, ...]:
    """An area and its children: the area holds when any child's requirement does."""
    kids = tuple(Feature(child, requires, parent=name) for child, requires in children)
    alternatives = [kid.requires for kid in kids] + ([also] if also is not None else [])
    return (Feature(name, AnyOf(alternatives)), *kids)


_FIND = AtLeast("TRAN_FIND", Level.VIEW)
_SALES_ORDER_VIEW = AtLeast("TRAN_SALESORD", Level.VIEW)

FEATURES: Final = FeatureCatalogue(
    (
        *_area(
            "Billing",
            (
                (
                    "Make a Payment",
                    AtLeast("TRAN_CUSTPYMT", Level.CREATE)
                    & AtLeast("TRAN_CUSTINVC", Level.VIEW),
                ),
                ("Print a Statement", AtLeast("TRAN_STATEMENT", Level.CREATE)),
                ("See A/R Register", AtLeast("REGT_ACCTREC", Level.VIEW)),
                ("See All Transactions", _FIND),
            ),
        ),
        *_area(
            "Orders",
            (
                ("Enter an Order", AtLeast("TRAN_SALESORD", Level.CREATE)),
                ("See Orders", _FIND & _SALES_ORDER_VIEW),
                (
                    "Quote Request and Approval",
                    Has(Capability.QUOTE_REQUESTS)
                    & AtLeast("TRAN_ESTIMATE", Level.CREATE),
                ),
                ("Request a Return", AtLeast("TRAN_RTNAUTH", Level.CREATE)),
                ("See Return Requests", _FIND & AtLeast("TRAN_RTNAUTH", Level.VIEW)),
                (
                    "See Items Ordered",
                    _SALES_ORDER_VIEW & AtLeast("LIST_ITEM", Level.VIEW),
                ),
            ),
        ),
        *_area(
            "Support",
            (
                ("Contact Support", AtLeast("LIST_CASE", Level.CREATE)),
                ("See Support Cases", AtLeast("LIST_CASE", Level.VIEW)),
                ("See Support Issues", AtLeast("LIST_ISSUE", Level.VIEW)),
            ),
        ),
        *_area(
            "Account Information",
            (("Update Account Information", AtLeast("LIST_CUSTPROFILE", Level.EDIT)),),
            also=AtLeast("LIST_CUSTPROFILE", Level.VIEW),
        ),
        Feature("Website", Has(Capability.WEBSITE)),
        Feature("Scriptable Cart", Has(Capability.SCRIPTABLE_CART), parent="Website"),
        Feature("Wish Lists", Has(Capability.WISH_LISTS), parent="Website"),
        Feature(
            "Mapping Store Locations",
            Has(Capability.STORE_LOCATOR) & AtLeast("LIST_LOCATION", Level.VIEW),
        ),
    )
)
"""The 22 features of the customer center, in the source table's order."""


@attrs.frozen
class FeatureMatrix:
    """Which role has which feature, derived from the roles.

    Attributes:
        roles: The columns, in order.
        features: The rows, in order.
        cells: ``cells[i][j]`` is whether ``roles[j]`` has ``features[i]``.
    """

    roles: tuple[Role, ...]
    features: tuple[Feature, ...]
    cells: tuple[tuple[bool, ...], ...]

    def allows(self, role: str, feature: str) -> bool:
        """Whether the role named *role* has *feature*.

        Raises:
            UnknownFeatureError: No row has that feature.
            UnknownRoleError: No column has that role.

        >>> feature_matrix().allows("Customer Center", "Make a Payment")
        True
        """
        rows = FeatureCatalogue(self.features)
        row = list(rows).index(rows[feature].name)
        column = self.roles.index(RoleCatalogue(self.roles)[role])
        return self.cells[row][column]

    def allowed(self, feature: str, role: str) -> bool:
        """Deprecated: use :meth:`allows`, role first (gone in the next release)."""
        warn_renamed(
            "FeatureMatrix.allowed(feature, role)",
            "FeatureMatrix.allows(role, feature)",
        )
        return self.allows(role, feature)


def feature_matrix(
    roles: Iterable[Role] = BUILTIN_ROLES, features: FeatureCatalogue = FEATURES
) -> FeatureMatrix:
    """Derive the feature matrix of *roles* (by default the three built-ins).

    Raises:
        DuplicateNameError: Two roles share a name (ignoring case and
            surrounding white space).

    >>> feature_matrix().allows("Customer Center", "Mapping Store Locations")
    False
    """
    columns = tuple(roles)
    seen: set[str] = set()
    for role in columns:
        key = fold(role.name)
        if key in seen:
            raise DuplicateNameError("role", role.name)
        seen.add(key)
    rows = tuple(features.values())
    cells = tuple(tuple(features.allows(role, f) for role in columns) for f in rows)
    return FeatureMatrix(columns, rows, cells)
