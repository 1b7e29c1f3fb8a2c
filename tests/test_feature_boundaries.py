"""Every requirement of the feature matrix pinned at its boundary, on custom roles.

The requirements come from tests/data/feature_requirements.md, the table
written out by hand, never from ``ccroles.features.FEATURES``. For each feature and
each part of its requirement (its area's included): a copy of a built-in role
that has the feature, with the permission exactly at the threshold (the
feature held) and one level below (the feature gone), and with each capability
removed (the feature gone). Every role built here must show exactly the
features the table gives it, areas included.
"""

from collections.abc import Iterator

import pytest

from ccroles import BUILTIN_ROLES, FEATURES, Role
from tests.expected import (
    LEVEL_ORDER,
    Requirement,
    source_feature_order,
    source_matrix,
    source_requirements,
)

REQUIREMENTS, AREA_ALSO = source_requirements()
ORDER = [name for name, _ in source_feature_order()]
PARENT: dict[str, str | None] = {}
_area: str | None = None
for _name, _is_child in source_feature_order():
    if not _is_child:
        _area = _name
    PARENT[_name] = _area if _is_child else None
CHILDREN = {
    area: [name for name, parent in PARENT.items() if parent == area] for area in ORDER
}
AREAS = [name for name in ORDER if name not in REQUIREMENTS]
MATRIX = source_matrix()
ROLES = {role.name: role for role in BUILTIN_ROLES}


def meets(role: Role, requirement: Requirement) -> bool:
    """Whether *role* meets *requirement*, read with the table's level order."""
    capabilities = {str(capability) for capability in role.capabilities}
    return requirement.capabilities <= capabilities and all(
        (held := role.levels.get(key)) is not None
        and LEVEL_ORDER.index(str(held)) >= LEVEL_ORDER.index(level)
        for key, level in requirement.levels.items()
    )


def own(role: Role, feature: str) -> bool:
    """Whether *role* meets *feature*'s own requirement (an area: a child's)."""
    if feature in REQUIREMENTS:
        return meets(role, REQUIREMENTS[feature])
    also = AREA_ALSO.get(feature)
    return any(own(role, child) for child in CHILDREN[feature]) or (
        also is not None and meets(role, also)
    )


def expected_features(role: Role) -> list[str]:
    """The features the table gives *role*: its own requirement and its area's."""

    def has(feature: str) -> bool:
        parent = PARENT[feature]
        return own(role, feature) and (parent is None or has(parent))

    return [feature for feature in ORDER if has(feature)]


def base_role(feature: str) -> Role:
    """The first built-in role that has *feature* in the written-out matrix."""
    return next(r for r in BUILTIN_ROLES if MATRIX[feature, r.name])


def parts(feature: str) -> Requirement:
    """Everything *feature* needs: its own requirement and its area's, if any."""
    requirement = REQUIREMENTS[feature]
    parent = PARENT[feature]
    if parent is None or parent not in REQUIREMENTS:
        return requirement
    above = REQUIREMENTS[parent]
    return Requirement(
        {**above.levels, **requirement.levels},
        requirement.capabilities | above.capabilities,
    )


def at_level(feature: str, key: str, level: str) -> Role:
    """A copy of *feature*'s base role holding *key* at *level*."""
    return base_role(feature).customize(
        f"{feature}: {key} at {level}", levels={key: level}
    )


def without(feature: str, capability: str) -> Role:
    """A copy of *feature*'s base role without *capability*."""
    role = base_role(feature)
    kept = [c for c in role.capabilities if str(c) != capability]
    return role.customize(f"{feature}: no {capability}", capabilities=kept)


def minimal(feature: str) -> Role:
    """A copy of *feature*'s base role holding only what *feature* needs."""
    needed = parts(feature)
    role = base_role(feature)
    levels = {key: needed.levels.get(key, "None") for key in role.levels}
    kept = [c for c in role.capabilities if str(c) in needed.capabilities]
    return role.customize(f"only {feature}", levels=levels, capabilities=kept)


LEVEL_PARTS = [
    (feature, key, level)
    for feature in REQUIREMENTS
    for key, level in parts(feature).levels.items()
]
CAPABILITY_PARTS = [
    (feature, capability)
    for feature in REQUIREMENTS
    for capability in sorted(parts(feature).capabilities)
]


def boundary_roles() -> Iterator[Role]:
    """Every role the tests below build."""
    for feature, key, level in LEVEL_PARTS:
        yield at_level(feature, key, level)
        yield at_level(feature, key, LEVEL_ORDER[LEVEL_ORDER.index(level) - 1])
    for feature, capability in CAPABILITY_PARTS:
        yield without(feature, capability)
    for feature in REQUIREMENTS:
        yield minimal(feature)
    for area in AREAS:
        yield nothing_of(area)
    yield ROLES["Customer Center"].customize(
        "Profile at View", levels={"LIST_CUSTPROFILE": "View"}
    )


def nothing_of(area: str) -> Role:
    """A copy of the area's base role with every permission its rows read at None."""
    keys = {
        key for child in CHILDREN[area] for key in REQUIREMENTS[child].levels
    } | set(AREA_ALSO[area].levels if area in AREA_ALSO else ())
    role = base_role(area)
    return role.customize(f"nothing of {area}", levels=dict.fromkeys(keys, "None"))


def test_the_table_covers_every_feature_of_the_matrix() -> None:
    """Each row of the matrix is an area or has a requirement in the table."""
    assert len(ORDER) == 22
    assert sorted(AREAS) == ["Account Information", "Billing", "Orders", "Support"]
    assert all(CHILDREN[area] for area in AREAS)
    assert set(AREA_ALSO) <= set(AREAS)
    assert len(LEVEL_PARTS) == 19
    assert len(CAPABILITY_PARTS) == 7


@pytest.mark.parametrize(("feature", "key", "level"), LEVEL_PARTS)
def test_a_permission_exactly_at_its_threshold_keeps_the_feature(
    feature: str, key: str, level: str
) -> None:
    """The level the table names is enough: the copy has the feature."""
    role = at_level(feature, key, level)
    assert FEATURES.allows(role, feature)
    assert expected_features(role) == list(FEATURES.feature_names_of(role))


@pytest.mark.parametrize(("feature", "key", "level"), LEVEL_PARTS)
def test_a_permission_one_level_below_loses_the_feature(
    feature: str, key: str, level: str
) -> None:
    """One level below the table's threshold: the copy lacks the feature."""
    below = LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]
    role = at_level(feature, key, below)
    assert not FEATURES.allows(role, feature)
    assert expected_features(role) == list(FEATURES.feature_names_of(role))


@pytest.mark.parametrize(("feature", "capability"), CAPABILITY_PARTS)
def test_a_removed_capability_loses_the_feature(feature: str, capability: str) -> None:
    """Each capability the table names is needed: without it, no feature."""
    role = without(feature, capability)
    assert not FEATURES.allows(role, feature)
    assert expected_features(role) == list(FEATURES.feature_names_of(role))


@pytest.mark.parametrize("feature", list(REQUIREMENTS))
def test_the_table_requirement_alone_is_enough(feature: str) -> None:
    """A copy holding only what the table names has the feature (and its area)."""
    role = minimal(feature)
    assert FEATURES.allows(role, feature)
    assert expected_features(role) == list(FEATURES.feature_names_of(role))


@pytest.mark.parametrize(
    ("area", "child"),
    [(area, child) for area in AREAS for child in CHILDREN[area]],
)
def test_an_area_is_shown_by_any_one_of_its_children(area: str, child: str) -> None:
    """A copy with only one child of the area has the area too."""
    role = minimal(child)
    assert FEATURES.allows(role, area)
    assert [f for f in CHILDREN[area] if FEATURES.allows(role, f)] == [
        f for f in CHILDREN[area] if own(role, f)
    ]


@pytest.mark.parametrize("area", AREAS)
def test_an_area_without_its_children_is_hidden(area: str) -> None:
    """Every permission the area's rows read at None: no child, no area."""
    role = nothing_of(area)
    assert not FEATURES.allows(role, area)
    assert not any(FEATURES.allows(role, child) for child in CHILDREN[area])


def test_account_information_is_shown_at_customer_profile_view() -> None:
    """Customer Profile at View shows the area but not Update Account Information."""
    role = ROLES["Customer Center"].customize(
        "Profile at View", levels={"LIST_CUSTPROFILE": "View"}
    )
    assert FEATURES.allows(role, "Account Information")
    assert not FEATURES.allows(role, "Update Account Information")


def test_every_boundary_role_has_exactly_the_features_of_the_table() -> None:
    """All 22 rows of every role built here follow the table, areas included."""
    roles = list(boundary_roles())
    assert len(roles) == 2 * 19 + 7 + 18 + 4 + 1
    for role in roles:
        assert (role.name, expected_features(role)) == (
            role.name,
            list(FEATURES.feature_names_of(role)),
        )
