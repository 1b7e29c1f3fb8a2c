"""Strategies for the core values: levels, permissions, capabilities, roles."""

from __future__ import annotations

import functools
from typing import Final

from hypothesis import strategies as st

from ccroles.features import FEATURES
from ccroles.permissions import PERMISSIONS, Level
from ccroles.roles import BUILTIN_ROLES, Capability, CenterType, Role
from ccroles.testing._spellings import any_names, spelt

__all__ = [
    "builtin_roles",
    "capability_sets",
    "custom_roles",
    "feature_names",
    "levels",
    "permission_keys",
    "role_names",
    "staff_roles",
]


def levels(*, max_level: Level = Level.FULL) -> st.SearchStrategy[Level]:
    """Levels from ``NONE`` up to *max_level*, shrinking towards ``NONE``."""
    return st.sampled_from(tuple(level for level in Level if level <= max_level))


def permission_keys() -> st.SearchStrategy[str]:
    """Keys of the permission catalogue."""
    return st.sampled_from(list(PERMISSIONS))


def builtin_roles() -> st.SearchStrategy[Role]:
    """The three built-in customer center roles."""
    return st.sampled_from(BUILTIN_ROLES)


def capability_sets(
    *, within: frozenset[Capability] | None = None
) -> st.SearchStrategy[frozenset[Capability]]:
    """Sets of capabilities, all of them or those *within* a given set."""
    pool = sorted(within if within is not None else Capability, key=str)
    return st.frozensets(st.sampled_from(pool)) if pool else st.just(frozenset())


def feature_names() -> st.SearchStrategy[str]:
    """Names of the features of the matrix, in any spelling the rules accept.

    Each is one of :data:`~ccroles.features.FEATURES`, written in any case
    that keeps its casefold and with any white space around it
    (:func:`spellings`).

    >>> from hypothesis import given
    >>> from ccroles import FEATURES
    >>> @given(feature_names())
    ... def test_a_feature(name):
    ...     assert FEATURES[name].name in FEATURES
    >>> test_a_feature()
    """
    return spelt(st.sampled_from(list(FEATURES)))


def role_names() -> st.SearchStrategy[str]:
    """Role names: any text the name rule accepts, in any case and spacing.

    Not blank, writable as UTF-8, up to 30 characters, any script; some
    have white space around them, which the rules ignore.
    """
    return _ROLE_NAMES


@functools.cache
def _changes(root: Role) -> st.SearchStrategy[dict[str, Level]]:
    """Levels a copy of a role of *root* may set: any keys, never above the root.

    One strategy for each root, made once: a draw is one list, not a
    strategy made and checked for every key.
    """
    pairs = [
        (key, level)
        for key, held in root.levels.items()
        for level in Level
        if level <= held
    ]
    return st.lists(st.sampled_from(pairs), unique_by=lambda pair: pair[0]).map(dict)


@functools.cache
def _capabilities(root: Role) -> st.SearchStrategy[frozenset[Capability] | None]:
    """A copy's capabilities: its base's (``None``), or any of *root*'s."""
    return st.none() | capability_sets(within=root.capabilities)


_ROLE_NAMES: Final = spelt(any_names())


@st.composite
def _copy_of(draw: st.DrawFn, role: Role) -> Role:
    root = role.root
    changed = draw(_changes(root))
    capabilities = draw(_capabilities(root))
    return role.customize(draw(_ROLE_NAMES), levels=changed, capabilities=capabilities)


@st.composite
def custom_roles(
    draw: st.DrawFn, *, base: Role | None = None, max_depth: int = 3
) -> Role:
    """Custom roles: a chain of 1 to *max_depth* copies of *base*.

    Without *base*, the chain starts from any built-in role. Every step
    changes any levels (never above the root's) and may drop capabilities.
    """
    role = base if base is not None else draw(builtin_roles())
    for _ in range(draw(st.integers(1, max(1, max_depth)))):
        role = draw(_copy_of(role))
    return role


_STAFF_NAMES: Final = ("Sales Rep", "Staff", "Accounting Clerk", "Support Agent")


def staff_roles() -> st.SearchStrategy[Role]:
    """Internal (staff) roles: another center than the customer center.

    A login with one of these is an account's login that may not sign in to
    the customer center.
    """
    internal = [center for center in CenterType if not center.is_customer_center]
    return st.builds(
        Role,
        name=st.sampled_from(_STAFF_NAMES),
        levels=st.dictionaries(permission_keys(), levels(), max_size=4),
        center_type=st.sampled_from(internal),
    )
