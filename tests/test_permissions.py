import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles import PERMISSIONS, CCRolesError, Level, Permission
from ccroles.exceptions import (
    InvalidLevelError,
    InvalidPermissionKeyError,
    UnknownPermissionError,
)
from ccroles.permissions import PermissionCatalogue
from ccroles.testing import levels
from tests.expected import source_permissions

SPELLINGS = [
    (text, level)
    for level in Level
    for text in (
        str(level),
        level.name,
        level.name.lower(),
        f"_{level.name.lower()}",
        f"_{level.name}",
        f"  {level.name.title()}\t",
    )
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_parse_accepts_every_spelling(text: str, expected: Level) -> None:
    """Words, role-XML and SOAP spellings parse in any case."""
    assert expected == Level.parse(text)


@pytest.mark.parametrize(
    "text", ["", "admin", "Read", "__view", "view_", "V", "0", "none!"]
)
def test_parse_refuses_other_text(text: str) -> None:
    """Anything else is an InvalidLevelError naming the text and the spellings."""
    with pytest.raises(InvalidLevelError) as caught:
        Level.parse(text)
    assert caught.value.text == text
    assert repr(text) in str(caught.value)
    assert "one of None, View, Create, Edit, Full (any case;" in str(caught.value)


@pytest.mark.parametrize("value", [1, None, 2.0, b"View"])
def test_parse_refuses_non_text(value: object) -> None:
    """A non-string is refused with the same error, not a TypeError."""
    with pytest.raises(InvalidLevelError):
        Level.parse(value)  # type: ignore[arg-type]


def test_parse_returns_a_level_unchanged() -> None:
    """A Level given to parse is returned as is."""
    assert Level.parse(Level.EDIT) is Level.EDIT


def test_invalid_level_is_a_value_error_and_a_ccroles_error() -> None:
    """The error can be caught as ValueError or CCRolesError."""
    assert issubclass(InvalidLevelError, ValueError)
    assert issubclass(InvalidLevelError, CCRolesError)


def test_str_is_the_title_case_word() -> None:
    """Output spelling is the title-case word."""
    assert [str(level) for level in Level] == ["None", "View", "Create", "Edit", "Full"]


def test_order_is_none_view_create_edit_full() -> None:
    """The five levels are ordered lowest to highest."""
    assert sorted(Level, reverse=True) == [
        Level.FULL,
        Level.EDIT,
        Level.CREATE,
        Level.VIEW,
        Level.NONE,
    ]


def test_level_is_not_an_int() -> None:
    """A level never equals a number, and does not order against one."""
    one: object = 1
    assert one != Level.VIEW
    with pytest.raises(TypeError):
        _ = one > Level.VIEW
    with pytest.raises(TypeError):
        _ = one >= Level.VIEW
    with pytest.raises(TypeError):
        _ = one < Level.VIEW
    with pytest.raises(TypeError):
        _ = one <= Level.VIEW


@given(levels(), levels(), levels())
def test_levels_are_totally_ordered(a: Level, b: Level, c: Level) -> None:
    """Levels are cumulative: the order is total, antisymmetric and transitive."""
    assert (a < b) + (a == b) + (a > b) == 1
    assert (a <= b) == (not a > b)
    assert (a >= b) == (not a < b)
    if a <= b <= c:
        assert a <= c


@given(st.sampled_from(list(Level)))
def test_parse_round_trips_str(level: Level) -> None:
    """The output spelling parses back to the same level."""
    assert level == Level.parse(str(level))


def test_catalogue_holds_the_domain_table_and_locations() -> None:
    """The 22 permissions of the standard role plus Locations, in order."""
    assert len(PERMISSIONS) == 23
    assert list(PERMISSIONS)[:3] == ["TRAN_CUSTPYMT", "TRAN_ESTIMATE", "TRAN_SALESORD"]
    assert PERMISSIONS["LIST_LOCATION"] == Permission("LIST_LOCATION", "Locations")
    assert str(PERMISSIONS["REGT_ACCTREC"]) == "Accounts Receivable Register"


def test_catalogue_keys_and_labels_are_the_domain_tables() -> None:
    """Every key and label, in order, as the written-out table gives them."""
    assert [(p.key, p.label) for p in PERMISSIONS.values()] == [
        (key, label) for key, label, _ in source_permissions()
    ]
    assert list(PERMISSIONS) == [p.key for p in PERMISSIONS.values()]


def test_a_catalogue_holds_the_permissions_it_is_given_in_order() -> None:
    """A catalogue built from two permissions finds each by key, in that order."""
    cases = Permission("LIST_CASE", "Cases")
    find = Permission("TRAN_FIND", "Find Transaction")
    catalogue = PermissionCatalogue((cases, find))
    assert (list(catalogue), len(catalogue)) == (["LIST_CASE", "TRAN_FIND"], 2)
    assert (catalogue["TRAN_FIND"], catalogue.key_of(cases)) == (find, "LIST_CASE")
    with pytest.raises(UnknownPermissionError):
        catalogue["TRAN_CUSTPYMT"]


def test_unknown_key_suggests_the_closest() -> None:
    """An unknown key raises a KeyError that names the closest key."""
    with pytest.raises(UnknownPermissionError) as caught:
        PERMISSIONS["TRAN_CUSTPYM"]
    assert isinstance(caught.value, LookupError)
    assert caught.value.suggestion == "TRAN_CUSTPYMT"
    assert str(caught.value) == (
        "unknown permission 'TRAN_CUSTPYM'; did you mean 'TRAN_CUSTPYMT'?"
    )


def test_unknown_key_far_from_all_has_no_suggestion() -> None:
    """A key close to nothing gets no suggestion."""
    with pytest.raises(UnknownPermissionError) as caught:
        PERMISSIONS["ADMI_XYZZY_QUUX"]
    assert caught.value.suggestion is None
    assert str(caught.value) == "unknown permission 'ADMI_XYZZY_QUUX'"


def test_unknown_non_string_key_is_the_same_error() -> None:
    """A key of the wrong type is an unknown key, not a TypeError."""
    with pytest.raises(UnknownPermissionError):
        PERMISSIONS[["TRAN_FIND"]]  # type: ignore[index]


def test_catalogue_behaves_as_a_mapping() -> None:
    """`in` and `.get` work, the catalogue is read-only and shows its keys."""
    assert "TRAN_FIND" in PERMISSIONS
    assert "TRAN_NOPE" not in PERMISSIONS
    assert PERMISSIONS.get("TRAN_NOPE") is None
    assert not hasattr(PERMISSIONS, "__setitem__")
    assert repr(PERMISSIONS).startswith("PermissionCatalogue(['TRAN_CUSTPYMT'")


def test_key_of_accepts_keys_and_permissions() -> None:
    """key_of normalises a permission object or a key string to the key."""
    assert PERMISSIONS.key_of("LIST_CASE") == "LIST_CASE"
    assert PERMISSIONS.key_of(Permission("LIST_CASE", "Cases")) == "LIST_CASE"


@pytest.mark.parametrize(
    "key", ["", "CUSTPYMT", "tran_find", "FOO_BAR", "TRAN_", "TRAN_X1"]
)
def test_permission_key_must_have_the_key_form(key: str) -> None:
    """A permission key is a known prefix and an upper-case code."""
    with pytest.raises(InvalidPermissionKeyError) as caught:
        Permission(key, "Label")
    assert caught.value.key == key
