from collections.abc import Callable

import pytest

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    PERMISSIONS,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    Capability,
    CenterType,
    DuplicateNameError,
    EscalationError,
    Level,
    Permission,
    Role,
    feature_matrix,
)
from ccroles.exceptions import (
    CapabilityNotOnRootError,
    CenterTypeMismatchError,
    InvalidLevelError,
    InvalidNameError,
    LevelAboveRootError,
    PermissionNotOnRootError,
    UnknownCapabilityError,
    UnknownPermissionError,
    UnknownRoleError,
)
from ccroles.roles import RoleCatalogue
from tests.cli_run import run

STANDARD = {
    "TRAN_CUSTPYMT": "Edit",
    "TRAN_ESTIMATE": "View",
    "TRAN_SALESORD": "Edit",
    "TRAN_CUSTINVC": "View",
    "TRAN_CASHSALE": "View",
    "TRAN_RTNAUTH": "Create",
    "TRAN_STATEMENT": "Create",
    "TRAN_FIND": "Full",
    "TRAN_CUSTCRED": "View",
    "TRAN_CUSTDEP": "View",
    "TRAN_DEPAPPL": "Create",
    "TRAN_ITEMSHIP": "Create",
    "LIST_CASE": "Edit",
    "LIST_ISSUE": "View",
    "LIST_CRMMESSAGE": "View",
    "LIST_ITEM": "View",
    "LIST_CONTACT": "Edit",
    "LIST_CUSTPROFILE": "Edit",
    "LIST_FIND": "Full",
    "LIST_EXPORT": "Create",
    "REGT_ACCTREC": "View",
    "REGT_NONPOSTING": "View",
}


def _levels(role: Role) -> dict[str, str]:
    return {key: str(level) for key, level in role.levels.items()}


def test_builtin_names() -> None:
    """The built-ins carry exactly the written-out names, in column order."""
    assert [r.name for r in BUILTIN_ROLES] == [
        "Customer Center",
        "Premium Customer Center",
        "Advanced Customer Center",
    ]


def test_standard_role_holds_the_domain_defaults() -> None:
    """The standard role holds its default levels and the website capability."""
    assert _levels(CUSTOMER_CENTER) == STANDARD
    assert CUSTOMER_CENTER.capabilities == {Capability.WEBSITE}


def test_premium_role_adds_estimate_create_and_three_capabilities() -> None:
    """Premium is the standard role with Estimate at Create and quote/cart/lists."""
    assert _levels(PREMIUM_CUSTOMER_CENTER) == {**STANDARD, "TRAN_ESTIMATE": "Create"}
    assert PREMIUM_CUSTOMER_CENTER.capabilities == {
        Capability.WEBSITE,
        Capability.QUOTE_REQUESTS,
        Capability.SCRIPTABLE_CART,
        Capability.WISH_LISTS,
    }


def test_advanced_role_holds_only_locations_and_the_store_locator() -> None:
    """Advanced holds Locations at View and store_locator, nothing else."""
    assert _levels(ADVANCED_CUSTOMER_CENTER) == {"LIST_LOCATION": "View"}
    assert ADVANCED_CUSTOMER_CENTER.capabilities == {Capability.STORE_LOCATOR}


def test_builtins_are_customer_center_roots() -> None:
    """Every built-in is its own root and a customer center role."""
    for role in BUILTIN_ROLES:
        assert role.root is role
        assert not role.is_custom
        assert role.center_type.is_customer_center


def test_level_of_a_lacked_permission_is_none() -> None:
    """level() is None for a permission the role does not have."""
    assert CUSTOMER_CENTER.level("LIST_LOCATION") is None
    assert CUSTOMER_CENTER.level(PERMISSIONS["TRAN_FIND"]) is Level.FULL


def test_level_of_an_unknown_key_raises() -> None:
    """level() on an unknown key is an error, not None."""
    with pytest.raises(UnknownPermissionError):
        CUSTOMER_CENTER.level("TRAN_NOPE")


def test_customize_lowers_a_level() -> None:
    """A copy of the standard role with Customer Payment from Edit to None."""
    role = CUSTOMER_CENTER.customize("No Payments", levels={"TRAN_CUSTPYMT": "None"})
    assert role.level("TRAN_CUSTPYMT") is Level.NONE
    assert role.base is CUSTOMER_CENTER
    assert role.root is CUSTOMER_CENTER
    assert role.is_custom
    assert {k: v for k, v in role.levels.items() if k != "TRAN_CUSTPYMT"} == {
        k: v for k, v in CUSTOMER_CENTER.levels.items() if k != "TRAN_CUSTPYMT"
    }


def test_customize_accepts_objects_and_strings() -> None:
    """Keys may be permissions or keys; levels may be Levels or any spelling."""
    mixed: dict[str | Permission, Level | str] = {
        PERMISSIONS["LIST_CASE"]: Level.VIEW,
        "LIST_CONTACT": "_none",
    }
    role = CUSTOMER_CENTER.customize("Mixed", levels=mixed)
    assert role.level("LIST_CASE") is Level.VIEW
    assert role.level("LIST_CONTACT") is Level.NONE


def test_a_later_copy_raises_a_level_back_up_to_the_root() -> None:
    """Lowering to None keeps the permission; a copy of the copy restores it."""
    lowered = CUSTOMER_CENTER.customize("Lowered", levels={"TRAN_CUSTPYMT": "None"})
    restored = lowered.customize("Restored", levels={"TRAN_CUSTPYMT": "Edit"})
    assert restored.level("TRAN_CUSTPYMT") is Level.EDIT
    assert restored.base is lowered
    assert restored.root is CUSTOMER_CENTER


def test_raising_above_the_root_is_refused() -> None:
    """A level above the root's raises LevelAboveRootError with the facts."""
    with pytest.raises(LevelAboveRootError) as caught:
        CUSTOMER_CENTER.customize("Payer", levels={"TRAN_CUSTPYMT": "Full"})
    error = caught.value
    assert (error.role, error.root, error.permission) == (
        "Payer",
        "Customer Center",
        "TRAN_CUSTPYMT",
    )
    assert (error.root_level, error.requested) == (Level.EDIT, Level.FULL)
    assert str(error) == (
        "role 'Payer' cannot raise 'TRAN_CUSTPYMT' to Full: "
        "its root role 'Customer Center' holds it at Edit"
    )


def test_raising_above_the_root_through_a_copy_is_refused() -> None:
    """The root, not the direct base, is the ceiling for a copy of a copy."""
    copy = PREMIUM_CUSTOMER_CENTER.customize("Copy", levels={"TRAN_ESTIMATE": "View"})
    with pytest.raises(LevelAboveRootError) as caught:
        copy.customize("Copy 2", levels={"TRAN_ESTIMATE": "Edit"})
    assert caught.value.root == "Premium Customer Center"
    assert caught.value.root_level is Level.CREATE


def test_adding_a_permission_the_root_lacks_is_refused() -> None:
    """A permission the root does not have cannot be added at any level."""
    with pytest.raises(PermissionNotOnRootError) as caught:
        CUSTOMER_CENTER.customize("Locator", levels={"LIST_LOCATION": "None"})
    error = caught.value
    assert (error.permission, error.requested) == ("LIST_LOCATION", Level.NONE)
    assert str(error) == (
        "role 'Locator' cannot add permission 'LIST_LOCATION' at None: "
        "its root role 'Customer Center' does not have it"
    )


def test_adding_a_capability_the_root_lacks_is_refused() -> None:
    """Capabilities can be dropped but not added."""
    with pytest.raises(CapabilityNotOnRootError) as caught:
        CUSTOMER_CENTER.customize("Lists", capabilities=["website", "wish_lists"])
    assert caught.value.capability is Capability.WISH_LISTS
    assert (caught.value.role, caught.value.root) == ("Lists", "Customer Center")
    assert "'wish_lists'" in str(caught.value)


def test_of_several_capabilities_added_the_first_by_name_is_named() -> None:
    """Two capabilities the root lacks: the error names the first alphabetically."""
    with pytest.raises(CapabilityNotOnRootError) as caught:
        CUSTOMER_CENTER.customize(
            "Lists", capabilities=["wish_lists", "quote_requests"]
        )
    assert caught.value.capability is Capability.QUOTE_REQUESTS


def test_dropping_and_restoring_a_capability() -> None:
    """A copy may drop a capability and a later copy may restore it."""
    dropped = PREMIUM_CUSTOMER_CENTER.customize("No Lists", capabilities={"website"})
    assert dropped.capabilities == {Capability.WEBSITE}
    restored = dropped.customize("Lists Again", capabilities=["website", "wish_lists"])
    assert restored.capabilities == {Capability.WEBSITE, Capability.WISH_LISTS}


def test_constructing_a_copy_directly_is_checked_too() -> None:
    """The invariant holds for the constructor, not only for customize()."""
    with pytest.raises(LevelAboveRootError):
        Role(
            "Sneaky",
            levels={"TRAN_FIND": "Full", "LIST_CASE": "Full"},
            base=CUSTOMER_CENTER,
        )


def test_a_copy_of_a_staff_role_is_a_staff_role() -> None:
    """A copy of a Sales Center role is a Sales Center role too (customize)."""
    sales = Role("Sales Rep", CenterType.SALES)
    assert sales.customize("Junior Rep").center_type is CenterType.SALES


def test_a_copy_keeps_its_roots_center_type() -> None:
    """A copy of a customer center role cannot claim another center."""
    with pytest.raises(CenterTypeMismatchError) as caught:
        Role("Staff", center_type=CenterType.SALES, base=CUSTOMER_CENTER)
    assert caught.value.root_center_type is CenterType.CUSTOMER
    assert str(caught.value) == (
        "role 'Staff' cannot be a Sales Center role: it is a copy of "
        "'Customer Center', a Customer Center role"
    )


def test_escalation_errors_share_a_base() -> None:
    """Every escalation is an EscalationError and a ValueError."""
    for error in (
        PermissionNotOnRootError,
        LevelAboveRootError,
        CapabilityNotOnRootError,
    ):
        assert issubclass(error, EscalationError)
        assert issubclass(error, ValueError)


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_a_blank_name_is_refused(name: str) -> None:
    """A role needs a name."""
    with pytest.raises(InvalidNameError) as caught:
        CUSTOMER_CENTER.customize(name)
    assert (caught.value.kind, caught.value.name) == ("role", name)


def test_bad_levels_and_capabilities_are_refused() -> None:
    """Unparseable levels and unknown capabilities raise named errors."""
    with pytest.raises(InvalidLevelError):
        CUSTOMER_CENTER.customize("X", levels={"TRAN_FIND": "Everything"})
    with pytest.raises(UnknownCapabilityError) as caught:
        CUSTOMER_CENTER.customize("X", capabilities=["wishlists"])
    assert caught.value.suggestion == "wish_lists"


def test_capability_parse_refuses_non_text() -> None:
    """A non-string capability is an unknown capability."""
    with pytest.raises(UnknownCapabilityError):
        Capability.parse(3)  # type: ignore[arg-type]


def test_roles_are_frozen_values() -> None:
    """Roles compare by value, hash, and cannot be changed in place."""
    a = CUSTOMER_CENTER.customize("A", levels={"LIST_CASE": "View"})
    b = CUSTOMER_CENTER.customize("A", levels={"LIST_CASE": "View"})
    assert a == b
    assert hash(a) == hash(b)
    assert a != CUSTOMER_CENTER.customize("A", levels={"LIST_CASE": "Create"})
    with pytest.raises(AttributeError):
        a.name = "B"  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.levels["LIST_CASE"] = Level.FULL  # type: ignore[index]


def test_levels_are_kept_in_catalogue_order() -> None:
    """Whatever order levels are given in, the role lists them as the catalogue does."""
    role = Role(
        "Staff", CenterType.SALES, levels={"LIST_CASE": "Full", "TRAN_CUSTPYMT": "View"}
    )
    assert list(role.levels) == ["TRAN_CUSTPYMT", "LIST_CASE"]


def test_repr_names_the_role_and_its_base() -> None:
    """The repr is short: the name and the base's name."""
    assert repr(CUSTOMER_CENTER) == "Role('Customer Center')"
    assert repr(CUSTOMER_CENTER.customize("A")) == "Role('A', base='Customer Center')"


def test_center_type_reads_as_its_name() -> None:
    """Center types print as the center's name; only one is the customer center."""
    assert [str(t) for t in CenterType] == [
        "Customer Center",
        "Classic Center",
        "Accounting Center",
        "Sales Center",
        "Support Center",
        "Marketing Center",
        "Employee Center",
        "Partner Center",
        "Vendor Center",
    ]
    assert [t for t in CenterType if t.is_customer_center] == [CenterType.CUSTOMER]
    assert [str(c) for c in Capability] == [
        "website",
        "quote_requests",
        "scriptable_cart",
        "wish_lists",
        "store_locator",
    ]


def test_a_catalogue_refuses_a_role_given_twice() -> None:
    """One name, one role: the refusal says which."""
    with pytest.raises(DuplicateNameError) as refused:
        RoleCatalogue([CUSTOMER_CENTER, CUSTOMER_CENTER])
    assert str(refused.value) == "role 'Customer Center' is given more than once"


def test_a_catalogue_shows_its_role_names() -> None:
    """Its repr lists the roles' names as written."""
    catalogue = RoleCatalogue([CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER])
    assert repr(catalogue) == (
        "RoleCatalogue(['Customer Center', 'Premium Customer Center'])"
    )


def test_a_role_with_a_base_differs_from_one_without() -> None:
    """Equality walks both chains: a longer one is another role, not an error."""
    copy = CUSTOMER_CENTER.customize("Copy")
    alone = Role(
        "Copy",
        center_type=copy.center_type,
        levels=dict(copy.levels),
        capabilities=copy.capabilities,
    )
    assert copy != alone
    assert alone != copy


def test_a_copy_keeps_the_second_factor_of_its_base() -> None:
    """Customize changes levels, never the second factor the base requires."""
    staff = Role(
        "Staff", center_type=CenterType.SALES, levels={"TRAN_SALESORD": "Full"}
    ).requiring_second_factor()
    assert staff.customize("Staff Copy").second_factor


def test_a_role_cannot_be_subclassed_and_says_why() -> None:
    """The ceiling lives in Role itself: no subclass may move it."""
    with pytest.raises(TypeError) as refused:
        type("Looser", (Role,), {})
    assert str(refused.value) == (
        "Role cannot be subclassed: its root and levels are the ceiling"
    )


# --- one catalogue answers every lookup of a role by name (issue 12) ---------

ODD_CASE = "  premium CUSTOMER center "


def _by_account(name: str) -> str:
    return Account().role(name).name


def _by_matrix(name: str) -> str:
    """The column found: only Premium Customer Center has Wish Lists."""
    wish_lists = feature_matrix().allows(name, "Wish Lists")
    return "Premium Customer Center" if wish_lists else "another role"


def _by_catalogue(name: str) -> str:
    return RoleCatalogue(BUILTIN_ROLES)[name].name


@pytest.mark.parametrize("lookup", [_by_account, _by_matrix, _by_catalogue])
def test_each_lookup_finds_a_role_in_any_case_and_suggests_one(
    lookup: Callable[[str], str],
) -> None:
    """Account.role, FeatureMatrix.allowed and RoleCatalogue answer alike."""
    assert lookup(ODD_CASE) == "Premium Customer Center"
    with pytest.raises(UnknownRoleError) as caught:
        lookup("Customer Centre")
    assert caught.value.suggestion == "Customer Center"


def test_the_command_line_finds_a_role_in_any_case(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ccroles role` and `ccroles diff` look names up in the one catalogue."""
    status, out, _ = run(capsys, "role", ODD_CASE)
    assert (status, out.splitlines()[0]) == (0, "Premium Customer Center")
    status, _, err = run(capsys, "diff", ODD_CASE, "Customer Centre")
    assert status == 2
    assert "did you mean 'Customer Center'?" in err
