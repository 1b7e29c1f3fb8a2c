"""What a form preference may name: one rule, for accounts built in code and files.

Form preferences name only the account's own roles and forms
(:func:`ccroles.forms.unknown_preference_target`); a role that did not load
is skipped quietly, its own problem being reported already. The account rules
and the file loader both ask the one function, so both refuse a bad reference
with the same words and skip the same ones.
"""

import json

import pytest

from ccroles.account_rules import account_problems
from ccroles.accounts import Account
from ccroles.exceptions import DataFileError, UnknownReferenceError
from ccroles.formats import FileFormat
from ccroles.forms import (
    FormPreferences,
    RecordType,
    TransactionForm,
    unknown_preference_target,
)
from ccroles.paths import format_path
from ccroles.roles import CUSTOMER_CENTER
from ccroles.serialization import loads_account

EXTERNAL = TransactionForm("Sales Order (External)", RecordType.SALES_ORDER)
BUYER = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "None"})


def file_problems(document: dict[str, object]) -> list[tuple[str, str]]:
    """Load *document* as an account file; each problem's path and message."""
    with pytest.raises(DataFileError) as caught:
        loads_account(json.dumps({"format": 1, **document}), FileFormat.JSON)
    return [(problem.path, problem.message) for problem in caught.value.problems]


def test_a_role_the_account_lacks_is_refused_alike_in_code_and_in_a_file() -> None:
    """A preference for a role the account lacks: the same words, the same path."""
    preferences = FormPreferences().with_role_form(BUYER, EXTERNAL)
    with pytest.raises(UnknownReferenceError) as caught:
        Account(forms=[EXTERNAL], form_preferences=preferences)
    in_code = account_problems(forms=[EXTERNAL], form_preferences=preferences)
    in_file = file_problems(
        {
            "forms": [{"name": EXTERNAL.name, "record_type": "Sales Order"}],
            "form_preferences": {
                "role_forms": {"Buyer": {"Sales Order": EXTERNAL.name}}
            },
        }
    )
    expected = "a form preference names role 'Buyer', which the account lacks"
    assert str(caught.value) == expected
    assert [(format_path(p.path), str(p.error)) for p in in_code] == in_file
    assert in_file == [("form_preferences.role_forms.Buyer", expected)]


def test_a_form_the_account_lacks_is_refused_alike_in_code_and_in_a_file() -> None:
    """A preference for a form the account lacks: the same words in both."""
    preferences = FormPreferences().with_account_form(EXTERNAL)
    with pytest.raises(UnknownReferenceError) as caught:
        Account(form_preferences=preferences)
    in_file = file_problems(
        {"form_preferences": {"account_forms": {"Sales Order": EXTERNAL.name}}}
    )
    expected = (
        f"a form preference names form {EXTERNAL.name!r}, which the account lacks"
    )
    assert str(caught.value) == expected
    assert [message for _, message in in_file] == [expected]


def test_a_role_that_did_not_load_is_skipped_alike_in_code_and_in_a_file() -> None:
    """A preference for a role that did not load adds no problem of its own."""
    preferences = FormPreferences().with_role_form(BUYER, EXTERNAL)
    in_code = account_problems(
        forms=[EXTERNAL], form_preferences=preferences, ignored_roles=["Buyer"]
    )
    in_file = file_problems(
        {
            "roles": [{"name": "Buyer", "base": "Customer Center", "levels": 1}],
            "forms": [{"name": EXTERNAL.name, "record_type": "Sales Order"}],
            "form_preferences": {
                "role_forms": {"Buyer": {"Sales Order": EXTERNAL.name}}
            },
        }
    )
    assert in_code == ()
    assert [path for path, _ in in_file] == ["roles[0].levels"]


def test_a_role_of_the_same_name_but_other_levels_is_not_the_accounts() -> None:
    """Roles built in code are compared by value; a file's are its own by name."""
    known = {"buyer": BUYER}
    other = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "View"})
    assert unknown_preference_target("role", "BUYER", known, expected=BUYER) is None
    refused = unknown_preference_target("role", "Buyer", known, expected=other)
    assert refused is not None
    assert (refused.kind, refused.name) == ("role", "Buyer")
