"""Account documents read whole: defaults, versions, order of problems, role copies."""

from __future__ import annotations

import json

import pytest

from ccroles import DataFileError, FileFormat, loads_account
from ccroles import documents as documents_module


def _role(name: str, base: str = "Customer Center", **fields: object) -> object:
    """A role entry as written in a file."""
    return {"name": name, "base": base, **fields}


def _problems(**sections: object) -> list[tuple[str, str]]:
    """Load a format-1 document of *sections*; each problem's path and message."""
    text = json.dumps({"format": 1, **sections})
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.JSON, source="a.json")
    return [(problem.path, problem.message) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("written", "expected"), [({}, [True]), ({"customer_access": False}, [False])]
)
def test_customer_access_is_on_unless_the_document_turns_it_off(
    written: dict[str, object], expected: list[bool]
) -> None:
    """A document without customer_access gives an account with Customer Access on."""
    text = json.dumps({"format": 1, **written})
    assert [loads_account(text, FileFormat.JSON).customer_access] == expected


def test_the_version_problem_names_every_version_this_release_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Readable versions are listed joined by ", " (one today; pinned with two)."""
    monkeypatch.setattr(documents_module, "READABLE_VERSIONS", (1, 2))
    with pytest.raises(DataFileError) as caught:
        loads_account('{"format": 3}', FileFormat.JSON, source="a.json")
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("format", "unknown format version 3; this release reads 1, 2")
    ]


def test_problems_of_the_top_level_come_in_document_order() -> None:
    """The top itself first, then each section in the order a file writes them."""
    assert _problems(
        notification=4,
        customers=7,
        form_preferences=3,
        forms=6,
        roles=5,
        websites="x",
        customer_access="yes",
        extra=1,
    ) == [
        (
            "",
            (
                "unknown key 'extra'; expected keys: format, customer_access, "
                "websites, roles, forms, form_preferences, customers, notification"
            ),
        ),
        ("customer_access", "expected a boolean, got a string"),
        ("websites", "expected an array, got a string"),
        ("roles", "expected an array, got an integer"),
        ("forms", "expected an array, got an integer"),
        ("form_preferences", "expected a table, got an integer"),
        ("customers", "expected an array, got an integer"),
        ("notification", "expected a table, got an integer"),
    ]


def test_problems_of_entries_come_in_document_order_whenever_found() -> None:
    """A rule's problem (found last) and each entry's, sorted by section."""
    assert _problems(
        notification={"administrator_email": "admin@shop.example"},
        customers=[5],
        form_preferences={"account_forms": {"Nope": "x"}},
        forms=[{"name": "F"}],
        roles=[_role("A", "Nowhere")],
        websites=["M", "M"],
    ) == [
        ("websites[1]", "the account uses website 'M', which is already taken"),
        ("roles[0].base", "unknown role 'Nowhere'"),
        ("forms[0].record_type", "required key is missing"),
        ("form_preferences.account_forms.Nope", "unknown record type 'Nope'"),
        (
            "form_preferences.account_forms.Nope",
            "a form preference names form 'x', which the account lacks",
        ),
        ("customers[0]", "expected a table, got an integer"),
        ("notification.login_url", "required key is missing"),
        ("notification.set_password_url", "required key is missing"),
    ]


def test_a_second_role_of_a_name_copying_an_unknown_role_is_refused_at_its_base() -> (
    None
):
    """The second entry of a name is built from its own base, and refused there."""
    assert _problems(roles=[_role("A"), _role("a", "Nowhere")]) == [
        ("roles[1].base", "unknown role 'Nowhere'")
    ]


def test_a_second_role_of_a_name_is_refused_at_its_own_level() -> None:
    """A level the second entry of a name may not take: at that entry's level."""
    assert _problems(
        roles=[_role("A"), _role("a", "A", levels={"TRAN_CUSTPYMT": "Full"})]
    ) == [
        (
            "roles[1].levels.TRAN_CUSTPYMT",
            (
                "role 'a' cannot raise 'TRAN_CUSTPYMT' to Full: "
                "its root role 'Customer Center' holds it at Edit"
            ),
        )
    ]
