from hypothesis import given
from hypothesis import strategies as st

from ccroles import FEATURES, Level, Role, feature_matrix
from ccroles.testing import builtin_roles, custom_roles, feature_names, levels


def _features(role: Role) -> set[str]:
    return set(FEATURES.feature_names_of(role))


@given(custom_roles(max_depth=4))
def test_a_copy_never_has_a_feature_its_root_lacks(role: Role) -> None:
    """A custom role never grants more than its root built-in role."""
    assert _features(role) <= _features(role.root)
    for key, level in role.levels.items():
        held = role.root.levels[key]
        assert level <= held
    assert role.capabilities <= role.root.capabilities


@given(custom_roles(max_depth=2), st.data())
def test_lowering_a_level_never_adds_a_feature(role: Role, data: st.DataObject) -> None:
    """Requirements are monotone: lowering any level can only remove features."""
    key = data.draw(st.sampled_from(list(role.levels)))
    lower = data.draw(levels(max_level=role.levels[key]))
    lowered = role.customize("Lowered", levels={key: lower})
    assert _features(lowered) <= _features(role)


@given(custom_roles(max_depth=2), st.data())
def test_raising_a_level_never_removes_a_feature(
    role: Role, data: st.DataObject
) -> None:
    """Raising a level (up to the root's) can only add features."""
    key = data.draw(st.sampled_from(list(role.levels)))
    current = role.levels[key]
    ceiling = role.root.levels[key]
    higher = data.draw(
        st.sampled_from([lv for lv in Level if current <= lv <= ceiling])
    )
    raised = role.customize("Raised", levels={key: higher})
    assert _features(raised) >= _features(role)


@given(st.one_of(builtin_roles(), custom_roles(max_depth=3)))
def test_a_child_is_never_yes_while_its_parent_is_no(role: Role) -> None:
    """A child feature also requires its area."""
    has = _features(role)
    for feature in FEATURES.values():
        if feature.parent is not None and feature.name in has:
            assert feature.parent in has


@given(custom_roles(max_depth=2), feature_names())
def test_allows_agrees_with_the_matrix(role: Role, feature: str) -> None:
    """FEATURES.allows and the derived matrix give the same answer."""
    assert FEATURES.allows(role, feature) == feature_matrix([role]).allows(
        role.name, feature
    )
