import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    Account,
    DuplicateNameError,
    FormPreferences,
    TransactionForm,
    UnknownFeatureError,
    UnknownRoleError,
)
from ccroles.testing import (
    CellDifference,
    CellLog,
    MatrixMismatchError,
    assert_matrix,
    form_preferences,
    recording_cells,
    transaction_forms,
)
from tests.expected import source_matrix


def test_assert_matrix_passes_on_the_source_table() -> None:
    """The built-ins' matrix equals the source's table, written as expectations."""
    expected: dict[str, list[str]] = {role.name: [] for role in BUILTIN_ROLES}
    for (feature, role), allowed in source_matrix().items():
        if allowed:
            expected[role].append(feature)
    assert_matrix(BUILTIN_ROLES, expected)


def test_assert_matrix_reports_every_differing_cell() -> None:
    """All differing cells are reported, as data and as a table."""
    accountant = CUSTOMER_CENTER.customize(
        "Accountant", levels={"TRAN_SALESORD": "None"}
    )
    with pytest.raises(MatrixMismatchError) as caught:
        assert_matrix([accountant], {"Accountant": CUSTOMER_CENTER.features()})
    differences = caught.value.differences
    assert [d.feature for d in differences] == [
        "Enter an Order",
        "See Orders",
        "See Items Ordered",
    ]
    assert differences[0] == CellDifference(
        "Accountant", "Enter an Order", expected=True, actual=False
    )
    message = str(caught.value).splitlines()
    assert message[0] == "3 cells differ from the expected matrix:"
    assert message[3].split() == ["Accountant", "Enter", "an", "Order", "Yes", "No"]


def test_assert_matrix_accepts_features_in_any_case() -> None:
    """Expected feature names are looked up like any feature name."""
    assert_matrix(
        [ADVANCED_CUSTOMER_CENTER],
        {"Advanced Customer Center": ["mapping store locations"]},
    )


def test_assert_matrix_refuses_mismatched_names() -> None:
    """Every role needs an entry and every entry a role; names are unique."""
    with pytest.raises(UnknownRoleError):
        assert_matrix([CUSTOMER_CENTER], {"Customer Centre": []})
    with pytest.raises(UnknownRoleError):
        assert_matrix(BUILTIN_ROLES[:2], {"Customer Center": []})
    with pytest.raises(DuplicateNameError):
        assert_matrix([CUSTOMER_CENTER, CUSTOMER_CENTER], {"Customer Center": []})
    with pytest.raises(UnknownFeatureError):
        assert_matrix([CUSTOMER_CENTER], {"Customer Center": ["Wish List"]})


def test_cells_are_recorded_only_inside_recording_cells() -> None:
    """The log sees assertions made while it is current, and only those."""
    assert_matrix(
        [ADVANCED_CUSTOMER_CENTER],
        {"Advanced Customer Center": ["Mapping Store Locations"]},
    )
    log = CellLog()
    with recording_cells(log) as current:
        assert current is log
        assert_matrix(
            [ADVANCED_CUSTOMER_CENTER],
            {"Advanced Customer Center": ["Mapping Store Locations"]},
        )
    assert_matrix([CUSTOMER_CENTER], {"Customer Center": CUSTOMER_CENTER.features()})
    assert log.unasserted([ADVANCED_CUSTOMER_CENTER]) == ()
    assert len(log.unasserted([CUSTOMER_CENTER])) == 22


@given(st.lists(transaction_forms(), max_size=4, unique_by=lambda f: f.name), st.data())
def test_form_preferences_name_only_what_they_are_given(
    forms: list[TransactionForm], data: st.DataObject
) -> None:
    """form_preferences() builds preferences an account with those forms accepts."""
    roles = list(BUILTIN_ROLES)
    preferences = data.draw(
        form_preferences(roles=roles, forms=forms, websites=["Main"])
    )
    account = Account(websites=["Main"], forms=forms, form_preferences=preferences)
    assert account.form_preferences == preferences
    if not forms:
        assert preferences == FormPreferences()
