"""Hypothesis strategies and assertion helpers for suites that use ccroles.

Hypothesis is needed only when this module is imported (install the
``testing`` extra: ``pip install 'ccroles[testing]'``).

>>> from hypothesis import given
>>> from ccroles import CUSTOMER_CENTER
>>> @given(custom_roles(base=CUSTOMER_CENTER, max_depth=2))
... def test_never_gains(role):
...     assert set(role.features()) <= set(CUSTOMER_CENTER.features())
>>> test_never_gains()
"""

from __future__ import annotations

from hypothesis import strategies as st

from ccroles.features import FEATURES
from ccroles.permissions import PERMISSIONS, Level
from ccroles.roles import BUILTIN_ROLES, Capability, Role

__all__ = [
    "builtin_roles",
    "capability_sets",
    "custom_roles",
    "feature_names",
    "levels",
    "permission_keys",
    "role_names",
]


def levels(*, max_level: Level = Level.FULL) -> st.SearchStrategy[Level]:
    """Levels from ``NONE`` up to *max_level*, shrinking towards ``NONE``."""
    return st.sampled_from([level for level in Level if level <= max_level])


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
    """Names of the features of the matrix."""
    return st.sampled_from(list(FEATURES))


def role_names() -> st.SearchStrategy[str]:
    """Role names: non-blank, printable, up to 30 characters."""
    return st.from_regex(r"[A-Za-z][A-Za-z0-9 '&/-]{0,29}", fullmatch=True)


@st.composite
def _copy_of(draw: st.DrawFn, role: Role) -> Role:
    root = role.root
    keys = draw(st.lists(st.sampled_from(list(root.levels)), unique=True))
    changed = {key: draw(levels(max_level=root.levels[key])) for key in keys}
    capabilities = draw(st.none() | capability_sets(within=root.capabilities))
    return role.customize(draw(role_names()), levels=changed, capabilities=capabilities)


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
