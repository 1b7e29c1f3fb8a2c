import pytest

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    FEATURES,
    PREMIUM_CUSTOMER_CENTER,
    Capability,
    DuplicateNameError,
    Feature,
    FeatureCatalogue,
    Level,
    feature_matrix,
)
from ccroles.exceptions import UnknownFeatureError, UnknownRoleError
from ccroles.features import (
    AllOf,
    AnyOf,
    AtLeast,
    Excluded,
    Has,
    MissingCapability,
    Not,
    Shortfall,
)
from tests.expected import source_feature_order, source_matrix


def test_all_66_cells_match_the_written_out_matrix() -> None:
    """The derived matrix of the built-ins equals the written-out one, cell by cell."""
    matrix = feature_matrix(BUILTIN_ROLES)
    actual = {
        (feature.name, role.name): cell
        for feature, row in zip(matrix.features, matrix.cells, strict=True)
        for role, cell in zip(matrix.roles, row, strict=True)
    }
    expected = source_matrix()
    assert len(expected) == 66
    assert expected == actual


def test_features_follow_the_written_out_order_and_nesting() -> None:
    """22 features, in the written-out order; children are the indented rows."""
    assert [(f.name, f.parent is not None) for f in FEATURES.values()] == (
        source_feature_order()
    )


def test_matrix_defaults_to_the_builtins() -> None:
    """feature_matrix() with no argument covers the three built-ins."""
    assert feature_matrix().roles == BUILTIN_ROLES


def test_matrix_cell_lookup_by_names() -> None:
    """allows() finds a cell by role name and feature (any case)."""
    matrix = feature_matrix()
    assert matrix.allows("Premium Customer Center", "wish lists")
    assert not matrix.allows("Customer Center", "Wish Lists")


def test_matrix_cell_lookup_refuses_unknown_names() -> None:
    """Unknown feature or role names raise with a suggestion."""
    matrix = feature_matrix()
    with pytest.raises(UnknownFeatureError) as feature_error:
        matrix.allows("Customer Center", "Wish List")
    assert feature_error.value.suggestion == "Wish Lists"
    with pytest.raises(UnknownRoleError) as role_error:
        matrix.allows("Customer Centre", "Wish Lists")
    assert role_error.value.suggestion == "Customer Center"


def test_matrix_refuses_duplicate_role_names() -> None:
    """Two columns with one name would make cells ambiguous."""
    twin = ADVANCED_CUSTOMER_CENTER.customize("Customer Center")
    with pytest.raises(DuplicateNameError) as caught:
        feature_matrix([CUSTOMER_CENTER, twin])
    assert (caught.value.kind, caught.value.name) == ("role", "Customer Center")


def test_the_catalogue_answers_for_a_role() -> None:
    """FEATURES.allows and FEATURES.feature_names_of agree, by name or feature."""
    assert FEATURES.allows(CUSTOMER_CENTER, "Make a Payment")
    assert not FEATURES.allows(CUSTOMER_CENTER, FEATURES["Quote Request and Approval"])
    assert "Quote Request and Approval" in FEATURES.feature_names_of(
        PREMIUM_CUSTOMER_CENTER
    )


def test_unknown_feature_suggests_the_closest() -> None:
    """A misspelt feature name raises UnknownFeatureError, a KeyError."""
    with pytest.raises(UnknownFeatureError) as caught:
        FEATURES.allows(CUSTOMER_CENTER, "Make Payment")
    assert isinstance(caught.value, KeyError)
    assert (
        str(caught.value)
        == "unknown feature 'Make Payment'; did you mean 'Make a Payment'?"
    )


def test_feature_lookup_of_a_non_string_is_unknown() -> None:
    """A non-string feature name is an unknown feature."""
    with pytest.raises(UnknownFeatureError):
        FEATURES[3]  # type: ignore[index]


def test_a_child_requires_its_area() -> None:
    """Scriptable Cart needs the website capability as well as its own."""
    no_website = PREMIUM_CUSTOMER_CENTER.customize(
        "No Website", capabilities={"scriptable_cart", "wish_lists", "quote_requests"}
    )
    assert not FEATURES.allows(no_website, "Website")
    assert not FEATURES.allows(no_website, "Scriptable Cart")


def test_account_information_area_shows_with_view_on_the_profile() -> None:
    """The area is Yes with Customer Profile at View, the child is not."""
    viewer = CUSTOMER_CENTER.customize("Viewer", levels={"LIST_CUSTPROFILE": "View"})
    assert FEATURES.allows(viewer, "Account Information")
    assert not FEATURES.allows(viewer, "Update Account Information")
    blind = CUSTOMER_CENTER.customize("Blind", levels={"LIST_CUSTPROFILE": "None"})
    assert not FEATURES.allows(blind, "Account Information")


def test_an_area_is_yes_when_any_child_is() -> None:
    """Billing stays Yes while one billing child remains."""
    role = CUSTOMER_CENTER.customize(
        "Statements Only",
        levels={"TRAN_CUSTPYMT": "None", "REGT_ACCTREC": "None", "TRAN_FIND": "None"},
    )
    assert [
        f
        for f in FEATURES.feature_names_of(role)
        if f in {"Billing", "Print a Statement"}
    ] == [
        "Billing",
        "Print a Statement",
    ]
    none_left = role.customize("Nothing", levels={"TRAN_STATEMENT": "None"})
    assert not FEATURES.allows(none_left, "Billing")


def test_children_lists_an_areas_features() -> None:
    """children() gives an area's rows in order."""
    assert [f.name for f in FEATURES.children("Support")] == [
        "Contact Support",
        "See Support Cases",
        "See Support Issues",
    ]


def test_requirement_names_are_readable() -> None:
    """Names are generated from the parts, with brackets where needed."""
    payment = AtLeast("TRAN_CUSTPYMT", "Create")
    lists = Has("wish_lists")
    assert (payment & lists).name == "Customer Payment >= Create and wish_lists"
    assert ((payment & lists) | Has("website")).name == (
        "(Customer Payment >= Create and wish_lists) or website"
    )
    assert ((payment | lists) & Has("website")).name == (
        "(Customer Payment >= Create or wish_lists) and website"
    )
    assert (~(payment | lists)).name == "not (Customer Payment >= Create or wish_lists)"
    assert str(~lists) == "not wish_lists"


def test_combinations_flatten() -> None:
    """Chaining & (or |) gives one AllOf of three parts, likewise for |."""
    a, b, c = Has("website"), Has("wish_lists"), Has("store_locator")
    assert a & b & c == AllOf((a, b, c))
    assert a | b | c == AnyOf((a, b, c))


def test_unmet_reports_shortfalls_and_capabilities() -> None:
    """unmet() says which levels and capabilities are missing."""
    requirement = AtLeast("TRAN_ESTIMATE", Level.CREATE) & Has(
        Capability.QUOTE_REQUESTS
    )
    assert requirement.unmet(CUSTOMER_CENTER) == (
        Shortfall("TRAN_ESTIMATE", Level.CREATE, Level.VIEW),
        MissingCapability(Capability.QUOTE_REQUESTS),
    )
    assert requirement.unmet(PREMIUM_CUSTOMER_CENTER) == ()
    assert AtLeast("LIST_LOCATION", "View").unmet(CUSTOMER_CENTER) == (
        Shortfall("LIST_LOCATION", Level.VIEW, None),
    )


def test_unmet_of_an_or_is_its_cheapest_alternative() -> None:
    """For an or, the alternative needing the fewest changes is reported."""
    one = AtLeast("LIST_LOCATION", "View")
    two = Has("wish_lists") & Has("store_locator")
    assert (two | one).unmet(CUSTOMER_CENTER) == (
        Shortfall("LIST_LOCATION", Level.VIEW, None),
    )
    assert (two | one).unmet(ADVANCED_CUSTOMER_CENTER) == ()
    assert AnyOf(()).unmet(CUSTOMER_CENTER) == ()


def test_not_is_unmet_when_its_part_holds() -> None:
    """~r holds exactly when r does not."""
    website = Has("website")
    assert not (~website)(CUSTOMER_CENTER)
    assert (~website).unmet(CUSTOMER_CENTER) == (Excluded("website"),)
    assert (~website)(ADVANCED_CUSTOMER_CENTER)
    assert Not(website).unmet(ADVANCED_CUSTOMER_CENTER) == ()


def test_generic_call_uses_unmet() -> None:
    """A composite's call is true exactly when nothing is unmet."""
    both = Has("website") & AtLeast("TRAN_FIND", "Full")
    assert both(CUSTOMER_CENTER)
    assert not both(ADVANCED_CUSTOMER_CENTER)


def test_catalogue_refuses_duplicates_and_unknown_parents() -> None:
    """A catalogue is checked when it is built."""
    area = Feature("Area", Has("website"))
    with pytest.raises(DuplicateNameError) as caught:
        FeatureCatalogue([area, Feature("AREA", Has("website"))])
    assert (caught.value.kind, caught.value.name) == ("feature", "AREA")
    with pytest.raises(UnknownFeatureError):
        FeatureCatalogue([Feature("Child", Has("website"), parent="Area"), area])


def test_catalogue_repr_lists_names() -> None:
    """The repr shows the names in order."""
    assert (
        repr(FeatureCatalogue([Feature("A", Has("website"))]))
        == "FeatureCatalogue(['A'])"
    )
