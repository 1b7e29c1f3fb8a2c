import dataclasses
import json
import shlex
import sys
import tomllib
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    CUSTOMER_CENTER,
    FEATURES,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    CenterType,
    Contact,
    Customer,
    DataFileError,
    FileFormat,
    Level,
    NotificationSettings,
    RecordType,
    Role,
    dump_account,
    dump_roles,
    dumps_account,
    dumps_roles,
    load_account,
    load_roles,
    loads_account,
    loads_roles,
)
from ccroles._problems import ProblemCollector, validation_problems
from ccroles._written import PermissionKey
from ccroles.converter import make_converter
from ccroles.exceptions import MissingExtraError, Problem, UnwritableRoleError
from ccroles.formats import toml_lines
from ccroles.passwords import PasswordHash
from tests.cli_run import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def problems(document: object) -> list[tuple[str, str]]:
    """Load *document* as JSON and return each problem's path and message."""
    with pytest.raises(DataFileError) as caught:
        loads_account(json.dumps(document), FileFormat.JSON, source="a.json")
    assert caught.value.file == "a.json"
    assert all(p.file == "a.json" for p in caught.value.problems)
    return [(p.path, p.message) for p in caught.value.problems]


def form(name: str, record_type: str = "Sales Order", **fields: object) -> object:
    """A form entry as written in a file."""
    return {"name": name, "record_type": record_type, **fields}


FORMS = [form("Sales Order (External)"), form("Staff Order"), form("Bill", "Invoice")]
"""Forms for the preference entries below."""


def preferring(**sections: object) -> dict[str, object]:
    """A document with FORMS, a website and the preference *sections*."""
    return {"websites": ["Main"], "forms": FORMS, "form_preferences": sections}


NOTIFICATION = {
    "administrator_email": "admin@shop.example",
    "login_url": "https://shop.example/cc",
    "set_password_url": "https://shop.example/cc/password",
}


def role(name: str, base: str = "Customer Center", **fields: object) -> object:
    """A role entry as written in a file."""
    return {"name": name, "base": base, **fields}


def customer(internal_id: object, customer_id: object, **fields: object) -> object:
    """A customer entry as written in a file."""
    return {"internal_id": internal_id, "customer_id": customer_id, **fields}


# --- the examples ------------------------------------------------------------


def test_the_example_roles_file_loads_a_copy_of_a_copy() -> None:
    """examples/roles.toml: Accountant, Buyer and Auditor (a copy of Accountant)."""
    accountant, buyer, auditor = load_roles(EXAMPLES / "roles.toml")
    assert (accountant.name, buyer.name, auditor.name) == (
        "Accountant",
        "Buyer",
        "Auditor",
    )
    assert auditor.base == accountant
    assert auditor.root is CUSTOMER_CENTER
    assert buyer.root is PREMIUM_CUSTOMER_CENTER
    assert not FEATURES.allows(accountant, "Enter an Order")
    assert not FEATURES.allows(buyer, "Make a Payment")
    assert auditor.capabilities == frozenset()


def test_the_example_account_file_loads_every_kind_of_customer() -> None:
    """examples/account.toml: contacts with own roles, no access, inactive, website."""
    account = load_account(EXAMPLES / "account.toml")
    assert account.customer_access
    assert account.websites == ("Main Store", "Wholesale Portal")
    assert account.login("books@acme.example").role == "Accountant"
    assert account.login("purchasing@acme.example").role == "Buyer"
    assert not account.login("office@globex.example").give_access
    assert not account.login("billing@initech.example").active
    umbrella = account.customer("104")
    assert umbrella.assigned_website == "Wholesale Portal"
    assert umbrella.other_logins == ("vendor",)


def test_the_example_account_file_loads_forms_and_preferences() -> None:
    """examples/account.toml: an external form, a staff-only one, preferences."""
    account = load_account(EXAMPLES / "account.toml")
    external, staff, invoice = account.forms
    assert (external.name, staff.name, invoice.name) == (
        "Sales Order (External)",
        "Standard Sales Order",
        "Invoice (External)",
    )
    assert external.is_external
    assert not staff.is_external
    assert invoice.record_type is RecordType.INVOICE
    preferences = account.form_preferences
    so = RecordType.SALES_ORDER
    assert preferences.form_in_effect(account.role("Buyer"), so) == external
    assert preferences.form_in_effect(account.role("Accountant"), so) == staff
    assert preferences.form_in_effect(
        account.role("Accountant"), invoice.record_type
    ) == (invoice)
    assert preferences.website_order_forms == {"Main Store": staff}


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_the_example_account_survives_a_round_trip(
    fmt: FileFormat, tmp_path: Path
) -> None:
    """Writing the example account and reading it back gives the same account."""
    account = load_account(EXAMPLES / "account.toml")
    path = tmp_path / f"account.{fmt}"
    dump_account(account, path)
    assert load_account(path) == account
    roles_path = tmp_path / f"roles.{fmt}"
    dump_roles(load_roles(EXAMPLES / "roles.toml"), roles_path)
    assert load_roles(roles_path) == load_roles(EXAMPLES / "roles.toml")


def test_the_broken_example_reports_every_problem() -> None:
    """examples/broken-account.toml: every problem, in document order."""
    with pytest.raises(DataFileError) as caught:
        load_account(EXAMPLES / "broken-account.toml")
    assert [p.path for p in caught.value.problems] == [
        "roles[0].levels.TRAN_CUSTPYMT",
        "roles[1].base",
        "roles[2].levels.TRAN_CUSTPYMNT",
        "roles[2].levels.LIST_CASE",
        "customers[0].give_access",
        "customers[0]",
        "customers[1].assigned_website",
        "customers[1].role",
    ]
    assert str(caught.value).startswith(
        f"{EXAMPLES / 'broken-account.toml'} does not load: 8 problems\n  "
    )


# --- the format version ------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({}, "", "required key 'format' is missing; this release reads 1"),
        ({"format": 2}, "format", "unknown format version 2; this release reads 1"),
        ({"format": "1"}, "format", "unknown format version '1'; this release reads 1"),
        (
            {"format": True},
            "format",
            "unknown format version True; this release reads 1",
        ),
        ([], "", "expected a table at the top, got an array"),
    ],
)
def test_an_unknown_version_is_refused(
    document: object, path: str, message: str
) -> None:
    """A file without a version, or of a version this release lacks, is refused."""
    assert problems(document) == [(path, message)]


# --- bad input ---------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        {"roles": [role("A")], "colour": 1},
        "",
        "unknown key 'colour'",
        id="unknown-key",
    ),
    pytest.param(
        {"roles": [{"name": "A"}]},
        "roles[0].base",
        "required key is missing",
        id="missing-key",
    ),
    pytest.param(
        {"customers": [customer("1", "A", give_access="yes")]},
        "customers[0].give_access",
        "expected a boolean, got a string",
        id="string-for-bool",
    ),
    pytest.param(
        {"customers": [customer("1", "A", email=5)]},
        "customers[0].email",
        "expected a string, got an integer",
        id="int-for-string",
    ),
    pytest.param(
        {"websites": "Main"},
        "websites",
        "expected an array, got a string",
        id="string-for-array",
    ),
    pytest.param(
        {"roles": [role("A", levels=["None"])]},
        "roles[0].levels",
        "expected a table, got an array",
        id="array-for-table",
    ),
    pytest.param(
        {"roles": ["A"]},
        "roles[0]",
        "expected a table, got a string",
        id="string-for-entry",
    ),
    pytest.param(
        {"customer_access": 1},
        "customer_access",
        "expected a boolean, got an integer",
        id="int-for-bool",
    ),
    pytest.param(
        {"roles": [role("A", levels={"TRAN_CUSTPYM": "None"})]},
        "roles[0].levels.TRAN_CUSTPYM",
        "unknown permission 'TRAN_CUSTPYM'; did you mean 'TRAN_CUSTPYMT'?",
        id="unknown-permission",
    ),
    pytest.param(
        {"roles": [role("A", levels={"odd key": "None"})]},
        'roles[0].levels["odd key"]',
        "unknown permission 'odd key'",
        id="odd-key-path",
    ),
    pytest.param(
        {"roles": [role("A", levels={"LIST_CASE": "Admin"})]},
        "roles[0].levels.LIST_CASE",
        "'Admin' is not a permission level",
        id="unparseable-level",
    ),
    pytest.param(
        {"roles": [role("A", levels={"LIST_CASE": 3})]},
        "roles[0].levels.LIST_CASE",
        "3 is not a permission level",
        id="number-for-level",
    ),
    pytest.param(
        {"roles": [role("A", levels={"TRAN_CUSTPYMT": "Full"})]},
        "roles[0].levels.TRAN_CUSTPYMT",
        (
            "role 'A' cannot raise 'TRAN_CUSTPYMT' to Full: "
            "its root role 'Customer Center' holds it at Edit"
        ),
        id="level-above-root",
    ),
    pytest.param(
        {"roles": [role("A"), role("B", "A", levels={"TRAN_CUSTPYMT": "Full"})]},
        "roles[1].levels.TRAN_CUSTPYMT",
        "its root role 'Customer Center' holds it at Edit",
        id="level-above-root-of-a-copy",
    ),
    pytest.param(
        {"roles": [role("A", levels={"LIST_LOCATION": "View"})]},
        "roles[0].levels.LIST_LOCATION",
        "role 'A' cannot add permission 'LIST_LOCATION'",
        id="permission-not-on-root",
    ),
    pytest.param(
        {"roles": [role("A", capabilities=["website", "wish_lists"])]},
        "roles[0].capabilities[1]",
        "role 'A' cannot add capability 'wish_lists'",
        id="capability-not-on-root",
    ),
    pytest.param(
        {"roles": [role("A", capabilities=["teleport"])]},
        "roles[0].capabilities[0]",
        "unknown capability 'teleport'",
        id="unknown-capability",
    ),
    pytest.param(
        {"roles": [role(" ")]},
        "roles[0].name",
        "a role name must not be blank",
        id="blank-role-name",
    ),
    pytest.param(
        {"roles": [role("A", "Acountant"), role("Accountant")]},
        "roles[0].base",
        "unknown role 'Acountant'; did you mean 'Accountant'?",
        id="unknown-base",
    ),
    pytest.param(
        {"customers": [customer("1", "A", role="Buyer")]},
        "customers[0].role",
        "customer 'A' names role 'Buyer', which the account lacks",
        id="unknown-role",
    ),
    pytest.param(
        {"customers": [customer("1", "A", contacts=[{"id": "c", "role": "Buyer"}])]},
        "customers[0].contacts[0].role",
        "contact 'c' of customer 'A' names role 'Buyer'",
        id="unknown-contact-role",
    ),
    pytest.param(
        {"roles": [role("A"), role("A")]},
        "roles[1].name",
        "the account uses role name 'A', which is already taken",
        id="duplicate-role",
    ),
    pytest.param(
        {"roles": [role("Customer Center")]},
        "roles[0].name",
        "role name 'Customer Center', which is already taken",
        id="builtin-role-name",
    ),
    pytest.param(
        {"roles": [role("A", "B"), role("B", "A")]},
        "roles[0].base",
        "role 'A' descends from itself: A -> B -> A",
        id="cycle",
    ),
    pytest.param(
        {
            "customers": [
                customer("1", "A", email="x@a.example"),
                customer("2", "B", email="X@A.example"),
            ]
        },
        "customers[1].email",
        "customer 'B' uses email 'X@A.example', which is already taken",
        id="duplicate-email",
    ),
    pytest.param(
        {
            "customers": [
                customer(
                    "1",
                    "A",
                    email="x@a.example",
                    contacts=[{"id": "c", "email": "x@a.EXAMPLE"}],
                )
            ]
        },
        "customers[0].contacts[0].email",
        "uses email 'x@a.EXAMPLE'",
        id="duplicate-contact-email",
    ),
    pytest.param(
        {"customers": [customer("1", "A"), customer("1", "B")]},
        "customers[1].internal_id",
        "uses internal id '1'",
        id="duplicate-internal-id",
    ),
    pytest.param(
        {"customers": [customer("1", "A"), customer("2", "A")]},
        "customers[1].customer_id",
        "uses customer id 'A'",
        id="duplicate-customer-id",
    ),
    pytest.param(
        {"customers": [customer("1", "A", contacts=[{"id": "c"}, {"id": "c"}])]},
        "customers[0].contacts[1].id",
        "uses contact id 'c'",
        id="duplicate-contact-id",
    ),
    pytest.param(
        {
            "websites": ["Main"],
            "customers": [customer("1", "A", assigned_website="Shop")],
        },
        "customers[0].assigned_website",
        "names website 'Shop', which the account lacks",
        id="unknown-website",
    ),
    pytest.param(
        {"websites": ["Main", "Main"]},
        "websites[1]",
        "uses website 'Main', which is already taken",
        id="duplicate-website",
    ),
    pytest.param(
        {"customers": [customer(" ", "A")]},
        "customers[0].internal_id",
        "customer internal id ' ' is refused: an id must not be blank",
        id="blank-id",
    ),
    pytest.param(
        {"forms": [form("A", "Sales Ordr")]},
        "forms[0].record_type",
        "unknown record type 'Sales Ordr'; did you mean 'Sales Order'?",
        id="unknown-record-type",
    ),
    pytest.param(
        {"forms": [form("A", fields=[{"name": "X"}, {"name": "X"}])]},
        "forms[0]",
        "form field 'X' is given more than once",
        id="duplicate-field",
    ),
    pytest.param(
        {"forms": [form("A", fields=[{"name": "X", "print_email": "yes"}])]},
        "forms[0].fields[0].print_email",
        "expected a boolean, got a string",
        id="string-for-print-email",
    ),
    pytest.param(
        {"forms": [form("A"), form("A", "Invoice")]},
        "forms[1].name",
        "the account uses form name 'A', which is already taken",
        id="duplicate-form",
    ),
    pytest.param(
        preferring(account_forms={"Sales Order": "Staff Ordr"}),
        'form_preferences.account_forms["Sales Order"]',
        "a form preference names form 'Staff Ordr', which the account lacks; "
        "did you mean 'Staff Order'?",
        id="unknown-form",
    ),
    pytest.param(
        preferring(account_forms={"Invoice": "Staff Order"}),
        "form_preferences.account_forms.Invoice",
        "form 'Staff Order' is for Sales Order records, but the account-wide "
        "preference needs a form for Invoice records",
        id="form-of-another-type",
    ),
    pytest.param(
        preferring(account_forms={"Order": "Staff Order"}),
        "form_preferences.account_forms.Order",
        "unknown record type 'Order'",
        id="unknown-preference-type",
    ),
    pytest.param(
        preferring(role_forms={"Customer Center": {"Sales Order": "Staff Order"}}),
        'form_preferences.role_forms["Customer Center"]["Sales Order"]',
        "form 'Staff Order' cannot be preferred for Customer Center role "
        "'Customer Center': it is not external",
        id="staff-form-for-customer-role",
    ),
    pytest.param(
        preferring(role_forms={"Customer Centre": {"Sales Order": "Staff Order"}}),
        'form_preferences.role_forms["Customer Centre"]',
        "a form preference names role 'Customer Centre', which the account lacks; "
        "did you mean 'Customer Center'?",
        id="unknown-preference-role",
    ),
    pytest.param(
        preferring(role_forms={"Customer Center": {"Invoice": "Staff Order"}}),
        'form_preferences.role_forms["Customer Center"].Invoice',
        "but the preference of role 'Customer Center' needs a form for Invoice",
        id="role-form-of-another-type",
    ),
    pytest.param(
        preferring(website_order_forms={"Outlet": "Staff Order"}),
        "form_preferences.website_order_forms.Outlet",
        "a form preference names website 'Outlet', which the account lacks",
        id="unknown-preference-website",
    ),
    pytest.param(
        preferring(website_order_forms={"Main": "Bill"}),
        "form_preferences.website_order_forms.Main",
        "form 'Bill' is for Invoice records, but the Sales Order Type of website "
        "'Main' needs a form for Sales Order records",
        id="website-invoice-form",
    ),
    pytest.param(
        preferring(role_forms={"Customer Center": "Sales Order (External)"}),
        'form_preferences.role_forms["Customer Center"]',
        "expected a table, got a string",
        id="string-for-role-forms",
    ),
    pytest.param(
        preferring(accounts_forms={}),
        "form_preferences",
        "unknown key 'accounts_forms'; expected keys: account_forms, role_forms, "
        "website_order_forms",
        id="unknown-preference-key",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "link_validity": {"hours": "24"}}},
        "notification.link_validity.hours",
        "expected an integer, got a string",
        id="string-for-hours",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "link_validity": {"weeks": 1}}},
        "notification.link_validity",
        "unknown key 'weeks'; expected keys: days, hours, minutes, seconds, "
        "microseconds",
        id="unknown-unit",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "link_validity": {"days": 10**10}}},
        "notification.link_validity",
        "the duration is longer than 999999999 days, 23:59:59.999999",
        id="duration-too-long",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "link_validity": {"hours": -1}}},
        "notification",
        "link_validity datetime.timedelta(days=-1, seconds=82800) is refused; "
        "expected a positive duration of at most 31 days",
        id="negative-duration",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "link_validity": {"days": 32}}},
        "notification",
        "link_validity datetime.timedelta(days=32) is refused; "
        "expected a positive duration of at most 31 days",
        id="validity-beyond-31-days",
    ),
    pytest.param(
        {"notification": {**NOTIFICATION, "template": "Password: $password"}},
        "notification",
        "notification template refused",
        id="unsafe-template",
    ),
    pytest.param(
        {"notification": {k: v for k, v in NOTIFICATION.items() if k != "login_url"}},
        "notification.login_url",
        "required key is missing",
        id="missing-login-url",
    ),
]


@pytest.mark.parametrize(("document", "path", "message"), BAD_INPUT)
def test_bad_input_names_the_path_and_the_mistake(
    document: dict[str, object], path: str, message: str
) -> None:
    """Each kind of mistake raises DataFileError naming where and what."""
    found = problems({"format": 1, **document})
    assert len(found) == 1
    assert found[0][0] == path
    assert message in found[0][1]


def test_every_problem_is_carried_and_roles_copying_a_broken_role_are_quiet() -> None:
    """Problems in several entries are all reported; no cascade from a broken role."""
    found = problems(
        {
            "format": 1,
            "roles": [
                role("A", levels={"TRAN_CUSTPYMT": "Full", "LIST_CASE": "Full"}),
                role("B", "A"),
                {"name": "C", "base": 5},
            ],
            "customers": [
                customer("1", "X", role="B"),
                customer("2", "Y", role="C"),
                customer("3", "Z", role="D"),
            ],
        }
    )
    assert [path for path, _ in found] == [
        "roles[0].levels.TRAN_CUSTPYMT",
        "roles[0].levels.LIST_CASE",
        "roles[2].base",
        "customers[2].role",
    ]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (
            {"roles": [{"name": "X", "base": 5}, role("A"), role("a")]},
            "roles[2].name",
        ),
        (
            {"forms": [form("X", "Nope"), form("A"), form("a", "Invoice")]},
            "forms[2].name",
        ),
    ],
)
def test_an_account_rule_names_the_entry_after_one_that_did_not_load(
    document: dict[str, object], path: str
) -> None:
    """A duplicate name is reported at its own place in the file, not one earlier."""
    found = problems({"format": 1, **document})
    assert [found_path for found_path, _ in found][1:] == [path]
    assert "which is already taken" in found[1][1]


def test_a_role_may_copy_a_role_written_after_it() -> None:
    """Roles are built in the order they copy each other, not the file's order."""
    roles = loads_roles(
        json.dumps({"format": 1, "roles": [role("B", "A"), role("A")]}),
        FileFormat.JSON,
    )
    assert [r.name for r in roles] == ["B", "A"]
    assert roles[0].base == roles[1]


# --- syntax errors -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "problem"),
    [
        (
            'format = 1\nwebsites = ["a",\n',
            FileFormat.TOML,
            Problem("f", "Invalid value", line=3, column=1),
        ),
        (
            'format = 1\nwebsites = ["a" "b"]\n',
            FileFormat.TOML,
            Problem("f", "Unclosed array", line=2, column=17),
        ),
        (
            '{"format": 1,\n "websites": [}',
            FileFormat.JSON,
            Problem("f", "Expecting value", line=2, column=15),
        ),
        (
            '{"format": 1, "format": 1}',
            FileFormat.JSON,
            Problem(
                "f",
                "key 'format' is given more than once in one object (the object "
                "that starts here)",
                line=1,
                column=1,
            ),
        ),
        (
            '{"format": NaN}',
            FileFormat.JSON,
            Problem("f", "NaN is not a number JSON allows", line=1, column=12),
        ),
        (
            b"format = 1\nwebsites = ['\xff']\n",
            FileFormat.TOML,
            Problem(
                "f", "not UTF-8 text: byte 0xff is invalid here", line=2, column=14
            ),
        ),
        (
            '{"format": 1,\n "websites": [-Infinity]}',
            FileFormat.JSON,
            Problem("f", "-Infinity is not a number JSON allows", line=2, column=15),
        ),
        (
            '{\n "format": ' + "9" * 5_000 + "}",
            FileFormat.JSON,
            Problem(
                "f",
                "the integer has 5000 digits, more than Python reads",
                line=2,
                column=12,
            ),
        ),
        (
            '{"format": 1, "roles": [{"a": 1, "b": 2, "a": 3}]}',
            FileFormat.JSON,
            Problem(
                "f",
                "key 'a' is given more than once in one object (the object that "
                "starts here)",
                line=1,
                column=25,
            ),
        ),
    ],
)
def test_syntax_errors_carry_the_line_and_column(
    text: str | bytes, fmt: FileFormat, problem: Problem
) -> None:
    """Unreadable text is one problem, with its line and column."""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, fmt, source="f")
    assert caught.value.problems == (problem,)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 100_000, FileFormat.JSON),
        ('{"format": 1, "websites":\n' + "[" * 100_000, FileFormat.JSON),
        ("format = 1\nx = " + "[" * 5_000 + "]" * 5_000, FileFormat.TOML),
    ],
)
def test_values_nested_too_deeply_are_located(text: str, fmt: FileFormat) -> None:
    """Issue 13: deep nesting is one problem with a line and a column, no crash."""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, fmt, source="f")
    [problem] = caught.value.problems
    assert problem.message == "values are nested too deeply to read"
    assert problem.line == text.count("\n") + 1
    assert problem.column is not None
    assert problem.column > 1


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"format": 1, "websites": ["Main\\ud800"]}', "websites[0]"),
        (
            '{"format": 1, "roles": [{"name": "A\\udfff", "base": "x"}]}',
            "roles[0].name",
        ),
        ('{"format": 1, "\\ud800": 1}', " (a key)"),
    ],
)
def test_text_utf8_cannot_write_is_refused_where_it_is(text: str, path: str) -> None:
    """Issue 13: a lone surrogate in a JSON file is a located problem, no crash."""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.JSON, source="f")
    [problem] = caught.value.problems
    assert problem.path == path
    assert problem.message == "text that cannot be written as UTF-8 (a lone surrogate)"


def test_the_format_problem_never_quotes_a_table() -> None:
    """Issue 13: a format that is a table (holding a salt, say) is not echoed."""
    text = '{"format": {"password_hash": {"salt": "c2VjcmV0LXNhbHQ="}}}'
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.JSON)
    assert "c2VjcmV0" not in str(caught.value)
    assert str(caught.value).endswith(
        "unknown format version (a table); this release reads 1"
    )


def test_a_problem_reads_like_a_compiler_message() -> None:
    """file:line:column: message, or file: path: message."""
    assert str(Problem("a.toml", "Unclosed array", line=3, column=1)) == (
        "a.toml:3:1: Unclosed array"
    )
    assert str(Problem("a.toml", "bad", path="roles[0]")) == "a.toml: roles[0]: bad"
    assert str(Problem("a.toml", "bad", path="x", line=2)) == "a.toml:2: x: bad"


# --- the line of a key -------------------------------------------------------

KEYED = """\
format = 1  # line 1

[matrix]
"Customer Center" = [
  "Billing",
]
inline = { a = 1, b = [2, 3] }
text = '''
[[case]]
'''

[[case]]
login = "a@b.example"
[[case]]
case = [{ x = 1 }, { x = 2 }]
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("format",), 1),
        (("matrix",), 3),
        (("matrix", "Customer Center"), 4),  # a value over lines: its first
        (("matrix", "Customer Center", 0), 4),
        (("matrix", "inline", "b", 1), 7),  # inside an inline table: its line
        (("matrix", "text"), 8),  # a header inside a string is no header
        (("case", 0), 12),
        (("case", 0, "login"), 13),
        (("case", 1), 14),
        (("case", 1, "case", 1, "x"), 15),
        (("case", 2), None),  # one step beyond the last entry
        (("matrix", "Customer Center", 1), None),
        (("format", "x"), None),  # below a value that is no table
        (("case", "x"), None),
        (("nothing",), None),
        ((), None),  # the document has no line
    ],
)
def test_toml_lines_finds_the_line_that_gives_a_key(
    path: tuple[str | int, ...], line: int | None
) -> None:
    """A key's line is where it is given; a path the text lacks has none."""
    assert toml_lines(KEYED, [path]).get(path) == line


def test_toml_lines_answers_many_paths_in_line_order() -> None:
    """Paths asked together come back ordered by line, each once."""
    paths = [("case", 1), ("format",), ("case", 0), ("format",)]
    assert toml_lines(KEYED, paths) == {
        ("format",): 1,
        ("case", 0): 12,
        ("case", 1): 14,
    }


def test_toml_lines_of_text_that_does_not_parse_is_empty() -> None:
    """Invalid TOML has no key lines (its syntax error has the place)."""
    assert toml_lines("a = 1\nb = [", [("a",)]) == {}


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_toml_lines_matches_where_each_key_was_written(
    shapes: list[tuple[int, int, bool]],
) -> None:
    """Blank lines, comments and values over several lines never shift a key."""
    lines: list[str] = []
    expected: dict[tuple[str | int, ...], int] = {}
    for index, (blanks, extra, comment) in enumerate(shapes):
        lines += ["# a comment" if comment else ""] * blanks
        expected[(f"k{index}",)] = len(lines) + 1
        lines += [f"k{index} = [", *(["  1,"] * extra), "]"]
    assert toml_lines("\n".join(lines), expected) == expected


def reference_toml_lines(
    text: str, paths: list[tuple[str | int, ...]]
) -> dict[tuple[str | int, ...], int]:
    """The lines toml_lines gives, found slowly and plainly, as first written.

    A path is given on the line after the longest run of whole lines that
    parses without it.
    """
    lines = text.split("\n")

    def parsed(count: int) -> object:
        try:
            return tomllib.loads("\n".join(lines[:count]))
        except tomllib.TOMLDecodeError:
            return None

    def holds(document: object, path: tuple[str | int, ...]) -> bool:
        for part in path:
            if isinstance(document, dict) and part in document:
                document = document[part]
            elif isinstance(document, list) and isinstance(part, int):
                if not 0 <= part < len(document):
                    return False
                document = document[part]
            else:
                return False
        return True

    documents = [parsed(count) for count in range(len(lines) + 1)]
    runs = [count for count, document in enumerate(documents) if document is not None]
    found = {}
    for path in paths:
        if path and holds(documents[-1], path):
            without = [count for count in runs if not holds(documents[count], path)]
            found[path] = max(without) + 1
    return dict(sorted(found.items(), key=lambda item: item[1]))


def every_path(value: object) -> list[tuple[str | int, ...]]:
    """Every path inside a parsed document, outer first."""
    items: list[tuple[str | int, object]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    return [
        path
        for key, item in items
        for path in [(key,), *((key, *below) for below in every_path(item))]
    ]


# Statements of a TOML document, by a number unique to each.
STATEMENTS: dict[str, Callable[[int], list[str]]] = {
    "blank": lambda _: [""],
    "comment": lambda n: [f"# [not{n}] a comment"],
    "key": lambda n: [f"k{n} = {n}  # [x]"],
    "quoted": lambda n: [f'"[q{n}]]" = "]"'],
    "dotted": lambda n: [f'd{n}."[e]".f = 1'],
    "inline": lambda n: [f"i{n} = {{ a = 1, b = [2, {{ c = 3 }}] }}"],
    "array": lambda n: [f"a{n} = [  # opens", "", "  1, # one", "  [2,", "  3],", "]"],
    "literal": lambda n: [f"s{n} = '''", "[[case]]", f"[t{n}]", "x = 1", "'''"],
    "basic": lambda n: [f'b{n} = """\\', "  [matrix]", '  "q" = [', '"""'],
    "table": lambda n: [f"[t{n}]"],
    "subtable": lambda n: [f'  [ h{n} . "[s]" ]  # a header'],
    "entry": lambda _: ["[[case]]"],
    "subentry": lambda _: ["[[case.sub]]"],
}


@given(st.lists(st.sampled_from(sorted(STATEMENTS)), max_size=14))
def test_toml_lines_answers_as_the_reference_does(names: list[str]) -> None:
    """Every path of a document has the line the slow reference gives it.

    Headers, arrays of tables and their subtables, values over lines,
    comments, headers inside strings, quoted and dotted keys.
    """
    lines = []
    for n, name in enumerate(names):
        if name != "subentry" or "entry" in names[:n]:
            lines += STATEMENTS[name](n)
    text = "\n".join(lines)
    paths = [*every_path(tomllib.loads(text)), ("case", 9), ("nothing",), ()]
    assert toml_lines(text, paths) == reference_toml_lines(text, paths)


MULTILINE = '''\
[matrix]
"Customer Center" = [

  "Billing",  # a comment
  # [[case]]
  "Website",
]
text = """
[[case]]
login = "x"
[matrix]
"""
"A [b]" = { c = [1, 2] }
x.y = 1

[[case]]
login = "a@b.example"
[[case.step]]
[[case]]
'''


def test_toml_lines_sees_no_header_inside_a_string() -> None:
    """Lines inside a string, an array or a comment are never headers or keys.

    Arrays over lines and inline tables count from their first line.
    """
    paths = [*every_path(tomllib.loads(MULTILINE)), ("case", 2), ("matrix", "login")]
    assert toml_lines(MULTILINE, paths) == {
        ("matrix",): 1,
        ("matrix", "Customer Center"): 2,
        ("matrix", "Customer Center", 0): 2,
        ("matrix", "Customer Center", 1): 2,
        ("matrix", "text"): 8,
        ("matrix", "A [b]"): 13,
        ("matrix", "A [b]", "c"): 13,
        ("matrix", "A [b]", "c", 0): 13,
        ("matrix", "A [b]", "c", 1): 13,
        ("matrix", "x"): 14,
        ("matrix", "x", "y"): 14,
        ("case",): 16,
        ("case", 0): 16,
        ("case", 0, "login"): 17,
        ("case", 0, "step"): 18,
        ("case", 0, "step", 0): 18,
        ("case", 1): 19,
    }
    assert toml_lines(MULTILINE, paths) == reference_toml_lines(MULTILINE, paths)


def test_toml_lines_of_crlf_text_are_those_of_lf_text() -> None:
    """Lines ended by CRLF are cut at their line feeds and counted alike."""
    paths = every_path(tomllib.loads(MULTILINE))
    lines = toml_lines(MULTILINE, paths)
    assert toml_lines(MULTILINE.replace("\n", "\r\n"), paths) == lines
    assert lines[("case", 1)] == 19


def test_a_toml_date_is_no_string() -> None:
    """Values of other TOML types are named by kind."""
    with pytest.raises(DataFileError, match="expected a string, got a date or time"):
        loads_account("format = 1\nwebsites = [1979-05-27]", FileFormat.TOML)


def test_files_are_read_by_suffix(tmp_path: Path) -> None:
    """.toml and .json are known; other suffixes and missing files are problems."""
    with pytest.raises(DataFileError, match=r"expected a \.toml or \.json file"):
        load_account(tmp_path / "account.yaml")
    with pytest.raises(DataFileError, match="cannot be read: No such file"):
        load_roles(tmp_path / "missing.toml")
    assert FileFormat.of("A.JSON") is FileFormat.JSON
    assert str(FileFormat.TOML) == "toml"


# --- writing -----------------------------------------------------------------


def test_a_roles_file_is_the_base_plus_the_changed_levels() -> None:
    """Only the changed levels and a changed set of capabilities are written."""
    a = CUSTOMER_CENTER.customize("A", {"TRAN_CUSTPYMT": "None"})
    b = a.customize("B", {"TRAN_CUSTPYMT": "Edit"}, capabilities=[])
    assert json.loads(dumps_roles([a, b], FileFormat.JSON)) == {
        "format": 1,
        "roles": [
            {
                "name": "A",
                "base": "Customer Center",
                "levels": {"TRAN_CUSTPYMT": "None"},
            },
            {
                "name": "B",
                "base": "A",
                "levels": {"TRAN_CUSTPYMT": "Edit"},
                "capabilities": [],
            },
        ],
    }


@pytest.mark.parametrize(
    ("roles", "reason"),
    [
        ([CUSTOMER_CENTER], "it is not a copy; a file holds copies of roles only"),
        (
            [CUSTOMER_CENTER.customize("A").customize("B")],
            "it copies 'A', which is neither built in nor written with it",
        ),
        (
            [Role("A", levels={"LIST_CASE": "View"}, base=CUSTOMER_CENTER)],
            "it is not 'Customer Center' with some levels changed",
        ),
    ],
)
def test_roles_a_file_cannot_hold_are_refused(roles: list[Role], reason: str) -> None:
    """Root roles, copies of unwritten roles and odd copies are not written."""
    with pytest.raises(UnwritableRoleError) as caught:
        dumps_roles(roles, FileFormat.JSON)
    assert (caught.value.role, caught.value.reason) == (roles[-1].name, reason)


def test_writing_toml_without_the_extra_says_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without tomli-w, writing TOML names the command installing it here."""
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    with pytest.raises(MissingExtraError) as caught:
        dumps_account(Account(), FileFormat.TOML)
    assert str(caught.value) == (
        "writing TOML needs 'tomli-w' (the 'toml' extra): "
        f"{shlex.quote(sys.executable)} -m pip install tomli-w"
    )
    assert dumps_account(Account(), FileFormat.JSON).startswith("{")


# --- the converter -----------------------------------------------------------


@attrs.frozen
class _Login:
    """A record with a secret, as the access module will add."""

    name: str
    center: CenterType = CenterType.CUSTOMER
    password_hash: str = attrs.field(default="", metadata={"secret": True})


def test_secrets_are_not_written_unless_asked() -> None:
    """Fields marked secret are left out by default, kept when asked."""
    login = _Login("a", password_hash="s3cr3t-hash")  # noqa: S106 (a test value)
    assert make_converter().unstructure(login) == {"name": "a"}
    assert make_converter(include_secrets=True).unstructure(login) == {
        "name": "a",
        "password_hash": "s3cr3t-hash",
    }


def test_a_secret_never_appears_in_an_error() -> None:
    """A bad secret value is reported without the value."""
    converter = make_converter()
    with pytest.raises(DataFileError) as caught:
        loads_account(
            '{"format": 1, "customers": [{"internal_id": "1", "customer_id": "A",'
            ' "password": "hunter2-secret"}]}',
            FileFormat.JSON,
        )
    assert "hunter2" not in str(caught.value)
    secret = "terces-2retnuh"[::-1]  # spelt out in no source line printed
    with pytest.raises(cattrs.ClassValidationError) as error:
        converter.structure({"name": "a", "password_hash": [secret]}, _Login)
    printed = "".join(traceback.format_exception(error.value))
    assert "not shown: the field is secret" in printed
    assert secret not in printed


def test_enums_without_parse_are_read_by_value() -> None:
    """An enum is written with str() and read by its value."""
    converter = make_converter()
    assert converter.unstructure(_Login("a", CenterType.SALES)) == {
        "name": "a",
        "center": "Sales Center",
    }
    assert converter.structure({"name": "a", "center": "Sales Center"}, _Login) == (
        _Login("a", CenterType.SALES)
    )


def test_other_errors_are_worded_by_cattrs() -> None:
    """Errors of no kind ccroles words itself get cattrs' wording, with the path."""
    with pytest.raises(cattrs.ClassValidationError) as caught:
        make_converter().structure({"name": "a", "center": "Moon Center"}, _Login)
    assert list(validation_problems(caught.value, ())) == [
        (("center",), "invalid value for type, expected CenterType")
    ]


def test_the_converter_reads_and_writes_the_model() -> None:
    """Customers, contacts, roles and accounts go to plain data and back."""
    converter = make_converter()
    acme = Customer("1", "ACME", contacts=(Contact("c", "c@acme.example"),))
    assert converter.structure(converter.unstructure(acme), Customer) == acme
    buyer = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "None"})
    assert converter.structure(converter.unstructure(buyer), Role) == buyer
    account = Account(roles=[buyer], customers=[acme])
    assert converter.structure(converter.unstructure(account), Account) == account
    with pytest.raises(DataFileError, match=r"<role>: roles\[0\]\.base: unknown role"):
        converter.structure({"name": "X", "base": "Buyer"}, Role)


# --- the command line --------------------------------------------------------


def test_validate_prints_ok_per_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccroles validate` prints FILE: ok and exits 0 when every file loads."""
    files = [str(EXAMPLES / "roles.toml"), str(EXAMPLES / "account.toml")]
    status, out, _ = run(capsys, "validate", *files)
    assert status == 0
    assert out.splitlines() == [f"{f}: ok" for f in files]


def test_validate_prints_every_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file that does not load prints each problem on a line, exit status 1."""
    broken = str(EXAMPLES / "broken-account.toml")
    status, out, _ = run(capsys, "validate", broken, str(EXAMPLES / "roles.toml"))
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 9
    assert lines[0].startswith(f"{broken}: roles[0].levels.TRAN_CUSTPYMT: ")
    assert lines[-1] == f"{EXAMPLES / 'roles.toml'}: ok"


def test_matrix_includes_the_custom_roles_of_a_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ccroles matrix --roles FILE` adds a column per custom role."""
    status, out, _ = run(
        capsys, "matrix", "--roles", str(EXAMPLES / "roles.toml"), "--format", "csv"
    )
    assert status == 0
    header, payment = out.splitlines()[0], out.splitlines()[2]
    assert header.endswith(",Accountant,Buyer,Auditor")
    assert payment == "Make a Payment,Billing,Yes,Yes,No,Yes,No,No"


def test_role_shows_a_custom_role_next_to_its_root(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ccroles role NAME --roles FILE` marks the levels that differ from the root."""
    status, out, _ = run(
        capsys, "role", "auditor", "--roles", str(EXAMPLES / "roles.toml")
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[2:5] == [
        "copied from: Accountant (root: Customer Center)",
        "capabilities: none",
        "root capabilities: website",
    ]
    rows = {line.split()[0]: line.split() for line in lines if line}
    changed = ["TRAN_CUSTPYMT", "Customer", "Payment", "View", "Edit", "*"]
    assert rows["TRAN_CUSTPYMT"] == changed
    assert rows["TRAN_CUSTINVC"] == ["TRAN_CUSTINVC", "Invoice", "View", "View"]
    assert ["—", "Make", "a", "Payment", "No", "Yes"] in [
        line.split() for line in lines
    ]


def test_a_broken_roles_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--roles` with a file that does not load exits 2 and names every problem."""
    status, out, err = run(
        capsys, "matrix", "--roles", str(EXAMPLES / "broken-account.toml")
    )
    assert status == 2
    assert out == ""
    assert "does not load: 8 problems" in err.splitlines()[0]


# --- forms, notification settings and secrets (issues 5 and 6) ------------------


def test_preferences_naming_a_broken_role_or_form_add_no_problem() -> None:
    """A role or form that did not load is reported once, not again where named."""
    found = problems(
        {
            "format": 1,
            "roles": [role("Buyer", levels={"TRAN_CUSTPYMT": "Full"})],
            "forms": [
                form("Buyer Order (External)", printing="basic"),
                form("Staff Order", "Nope"),
            ],
            "form_preferences": {
                "account_forms": {"Sales Order": "Staff Order", "Invoice": "Bill"},
                "role_forms": {"Buyer": {"Sales Order": "Buyer Order (External)"}},
            },
        }
    )
    assert [path for path, _ in found] == [
        "roles[0].levels.TRAN_CUSTPYMT",
        "forms[0].printing",
        "forms[1].record_type",
        "form_preferences.account_forms.Invoice",
    ]
    assert "names form 'Bill'" in found[-1][1]


def test_forms_and_preferences_are_written_by_name() -> None:
    """Forms keep only what differs from the defaults; preferences name things."""
    account = load_account(EXAMPLES / "account.toml")
    document = make_converter().unstructure(account)
    assert document["forms"][1] == {
        "name": "Standard Sales Order",
        "record_type": "Sales Order",
        "fields": [
            {"name": "Order #", "print_email": True},
            {"name": "Items", "print_email": True},
            {"name": "Sales Rep"},
            {"name": "Margin"},
        ],
    }
    assert document["form_preferences"] == {
        "account_forms": {"Sales Order": "Standard Sales Order"},
        "role_forms": {
            "Customer Center": {"Sales Order": "Sales Order (External)"},
            "Buyer": {"Sales Order": "Sales Order (External)"},
            "Accountant": {"Invoice": "Invoice (External)"},
        },
        "website_order_forms": {"Main Store": "Standard Sales Order"},
    }


def test_a_record_type_may_be_written_as_its_permission_key() -> None:
    """record_type and preference keys take a display name or a permission key."""
    account = loads_account(
        json.dumps(
            {
                "format": 1,
                "forms": [form("Bill", "TRAN_CUSTINVC")],
                "form_preferences": {"account_forms": {"tran_custinvc": "Bill"}},
            }
        ),
        FileFormat.JSON,
    )
    assert account.forms[0].record_type is RecordType.INVOICE
    assert account.form_preferences.account_forms == {
        RecordType.INVOICE: account.forms[0]
    }


def test_notification_settings_are_written_with_the_validity_in_units() -> None:
    """A link validity is a table of days, hours, minutes, seconds, microseconds."""
    default = NotificationSettings(
        NOTIFICATION["administrator_email"],
        NOTIFICATION["login_url"],
        NOTIFICATION["set_password_url"],
    )
    settings = attrs.evolve(
        default, link_validity=timedelta(days=2, hours=1, minutes=30, microseconds=5)
    )
    document = make_converter().unstructure(Account(notification=settings))
    assert document["notification"] == {
        **NOTIFICATION,
        "link_validity": {"days": 2, "hours": 1, "minutes": 30, "microseconds": 5},
    }
    text = json.dumps(document)
    assert loads_account(text, FileFormat.JSON).notification == settings
    assert make_converter().unstructure(default) == NOTIFICATION


HASH = PasswordHash.of("plum-tractor-44", salt=b"0123456789abcdef", n=16)


def test_password_hashes_are_written_only_when_asked_in_base64() -> None:
    """Issue 6: no hash by default; include_secrets writes salt and key in base64."""
    account = Account(
        customers=[
            Customer(
                "1",
                "A",
                password_hash=HASH,
                contacts=[Contact("c", password_hash=HASH)],
            )
        ]
    )
    for fmt in FileFormat:
        plain = dumps_account(account, fmt)
        assert "password_hash" not in plain
        assert "MDEyMzQ1Njc4OWFiY2RlZg==" not in plain
        secret = dumps_account(account, fmt, include_secrets=True)
        assert secret.count("MDEyMzQ1Njc4OWFiY2RlZg==") == 2
        loaded = loads_account(secret, fmt)
        assert loaded == account
        assert loaded.customers[0].password_hash is not None
        assert loaded.customers[0].password_hash.verify("plum-tractor-44")


@pytest.mark.parametrize("salt", ["not base64!", 12, "QUJ"])
def test_a_bad_hash_is_reported_without_its_value(salt: object) -> None:
    """A hash that does not read is a problem at its path, its value not shown."""
    written = make_converter(include_secrets=True).unstructure(HASH)
    written["salt"] = salt
    found = problems(
        {"format": 1, "customers": [customer("1", "A", password_hash=written)]}
    )
    assert found == [
        (
            "customers[0].password_hash",
            "invalid value (not shown: the field is secret)",
        )
    ]


def test_a_level_error_lists_the_words_a_person_types() -> None:
    """The five level words, once each, not every spelling the parser reads."""
    text = 'format = 1\n[[roles]]\nname = "X"\nbase = "Customer Center"\n'
    text += 'levels = { LIST_CASE = "Admin" }\n'
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.TOML)
    [problem] = caught.value.problems
    assert problem.message == (
        "'Admin' is not a permission level; expected one of None, View, Create, "
        "Edit, Full (any case; '_none' and the like are read too)"
    )


# --- the converter's shapes and words, one record at a time ------------------


@attrs.frozen
class _Shapes:
    """A record holding each shape of value the converter reads."""

    names: list[str] = attrs.field(factory=list)
    tags: tuple[str, ...] = ()
    pair: tuple[int, str] = (0, "")
    counts: dict[str, int] = attrs.field(factory=dict)
    flag: bool = False
    count: int = 0
    data: bytes = b""
    centers: list[CenterType] = attrs.field(factory=list)


def problems_of(
    value: object, cls: type = _Shapes
) -> list[tuple[tuple[object, ...], str]]:
    """Structure *value* as *cls* and return each problem's path and message."""
    with pytest.raises((cattrs.BaseValidationError, TypeError)) as caught:
        make_converter().structure(value, cls)
    return list(validation_problems(caught.value, ()))


def test_each_shape_is_read_as_its_own_type() -> None:
    """A list is read as a list, a tuple of any length or a fixed one as a tuple."""
    read = make_converter().structure(
        {
            "names": ["a"],
            "tags": ["b", "c"],
            "pair": [1, "d"],
            "counts": {"e": 2},
            "data": "QUJD",
        },
        _Shapes,
    )
    assert read == _Shapes(["a"], ("b", "c"), (1, "d"), {"e": 2}, data=b"ABC")
    assert (type(read.names), type(read.tags), type(read.pair)) == (list, tuple, tuple)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"names": "ab"}, [(("names",), "expected an array, got a string")]),
        ({"tags": "ab"}, [(("tags",), "expected an array, got a string")]),
        ({"names": {"a": 1}}, [(("names",), "expected an array, got a table")]),
        ({"counts": ["e"]}, [(("counts",), "expected a table, got an array")]),
        (
            {"counts": {"e": "2"}},
            [(("counts", "e"), "expected an integer, got a string")],
        ),
        ({"names": [5]}, [(("names", 0), "expected a string, got an integer")]),
        ({"flag": "yes"}, [(("flag",), "expected a boolean, got a string")]),
        ({"count": "1"}, [(("count",), "expected an integer, got a string")]),
        ({"count": True}, [(("count",), "expected an integer, got a boolean")]),
        ({"data": 5}, [(("data",), "expected a string, got an integer")]),
        ({"data": "QUJD!"}, [(("data",), "invalid value for type, expected bytes")]),
        (["a"], [((), "expected a table, got an array")]),
        (
            {"colour": 1},
            [
                (
                    (),
                    (
                        "unknown key 'colour'; expected keys: names, tags, pair, "
                        "counts, flag, count, data, centers"
                    ),
                )
            ],
        ),
        (
            {"colour": 1, "an": 2},
            [
                (
                    (),
                    (
                        "unknown key 'an', 'colour'; expected keys: names, tags, "
                        "pair, counts, flag, count, data, centers"
                    ),
                )
            ],
        ),
        (
            {"centers": ["Sales Center", "Moon Center"]},
            [(("centers", 1), "invalid value for type, expected CenterType")],
        ),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_word_for_word(
    value: object, expected: list[tuple[tuple[object, ...], str]]
) -> None:
    """Each refusal names the path, the kind expected and the kind written."""
    assert problems_of(value) == expected


def test_a_missing_key_is_named_word_for_word() -> None:
    """A required key left out is a problem at its own path."""
    assert problems_of({}, _Login) == [(("name",), "required key is missing")]


@pytest.mark.parametrize(
    ("written", "read"), [(101, "101"), ("101", "101"), ("A-7", "A-7")]
)
def test_an_id_may_be_written_as_text_or_an_integer(written: object, read: str) -> None:
    """Internal, customer and contact ids read an integer as its decimal text."""
    account = loads_account(
        json.dumps(
            {
                "format": 1,
                "customers": [customer(written, written, contacts=[{"id": written}])],
            }
        ),
        FileFormat.JSON,
    )
    [found] = account.customers
    assert (found.internal_id, found.customer_id, found.contacts[0].id) == (
        read,
        read,
        read,
    )


@pytest.mark.parametrize(
    ("written", "kind"), [([1], "an array"), (1.5, "a float"), (None, "null")]
)
def test_an_id_of_another_kind_is_refused_word_for_word(
    written: object, kind: str
) -> None:
    """An id that is neither text nor an integer names the kind written."""
    assert problems({"format": 1, "customers": [customer(written, "A")]}) == [
        (
            "customers[0].internal_id",
            f"expected a string or an integer, got {kind}",
        )
    ]


@pytest.mark.parametrize(
    ("duration", "written"),
    [
        (timedelta(seconds=59), {"seconds": 59}),
        (timedelta(seconds=60), {"minutes": 1}),
        (timedelta(seconds=3599), {"minutes": 59, "seconds": 59}),
        (timedelta(seconds=3600), {"hours": 1}),
        (timedelta(seconds=3601), {"hours": 1, "seconds": 1}),
        (timedelta(hours=23, minutes=59), {"hours": 23, "minutes": 59}),
        (timedelta(hours=24), {"days": 1}),
        (timedelta(microseconds=1), {"microseconds": 1}),
    ],
)
def test_a_duration_is_written_in_whole_units_at_each_boundary(
    duration: timedelta, written: dict[str, int]
) -> None:
    """A duration is a table of its non-zero units, each carried at its limit."""
    converter = make_converter()
    assert converter.unstructure(duration) == written
    assert converter.structure(written, timedelta) == duration


def test_an_account_read_alone_is_named_account_in_its_problems() -> None:
    """The converter reads an account as a document called <account>."""
    with pytest.raises(DataFileError) as caught:
        make_converter().structure({"format": 1, "websites": [1]}, Account)
    assert caught.value.file == "<account>"
    assert [str(problem) for problem in caught.value.problems] == [
        "<account>: websites[0]: expected a string, got an integer"
    ]


@attrs.frozen
class _Keyring:
    """A record whose one secret field holds several password hashes."""

    hashes: list[PasswordHash] = attrs.field(factory=list, metadata={"secret": True})


def test_a_secret_field_shows_only_the_first_public_refusal() -> None:
    """Of several hashes refusing a public cost, the first refusal is shown alone."""
    written = make_converter(include_secrets=True).unstructure(HASH)
    value = {"hashes": [{**written, "n": 3}, {**written, "r": 0}]}
    assert problems_of(value, _Keyring) == [
        (
            ("hashes",),
            "password hash n 3 is refused; expected a power of 2 from 2 to 131072",
        )
    ]
    assert make_converter().structure({"hashes": [written]}, _Keyring) == _Keyring(
        [HASH]
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "n",
            3,
            "password hash n 3 is refused; expected a power of 2 from 2 to 131072",
        ),
        ("r", 0, "password hash r 0 is refused; expected an integer from 1 to 32"),
        ("salt", "QUJD!", "invalid value (not shown: the field is secret)"),
        ("hash", 5, "invalid value (not shown: the field is secret)"),
    ],
)
def test_a_hash_shows_a_public_refusal_and_hides_a_secret_one(
    field: str, value: object, message: str
) -> None:
    """A hash's costs are named with their value; its salt and key never are."""
    written = make_converter(include_secrets=True).unstructure(HASH)
    document = {"format": 1, "customers": [customer("1", "A", password_hash=written)]}
    written[field] = value
    assert problems(document) == [("customers[0].password_hash", message)]


def test_problems_are_listed_by_section_then_entry_whatever_the_order_found() -> None:
    """The top, each named section (its own problems, then its entries), the rest."""
    found = ProblemCollector("a.toml", ["", "roles", "customers"])
    found.add(("extra",), "an unnamed section")
    found.add(("customers", 0), "the first customer")
    found.add(("customers", "key"), "a key of the customers")
    found.add(("roles", 0, "name"), "the first role")
    found.add(("roles",), "the roles")
    found.add((), "the top")
    assert [str(problem) for problem in found.problems] == [
        "a.toml: the top",
        "a.toml: roles: the roles",
        "a.toml: roles[0].name: the first role",
        "a.toml: customers.key: a key of the customers",
        "a.toml: customers[0]: the first customer",
        "a.toml: extra: an unnamed section",
    ]


@dataclasses.dataclass
class _Note:
    """A dataclass, which the converter writes as cattrs does, defaults omitted."""

    text: str
    stars: int = 0


@pytest.mark.parametrize(
    ("note", "written"),
    [(_Note("a"), {"text": "a"}), (_Note("a", 1), {"text": "a", "stars": 1})],
)
def test_a_dataclass_is_written_without_its_defaults(
    note: _Note, written: dict[str, object]
) -> None:
    """Defaults are left out of what is written, for a dataclass too."""
    assert make_converter().unstructure(note) == written


@attrs.frozen
class _Levels:
    """A record of permission levels by key, as a role's copy holds them."""

    levels: dict[PermissionKey, Level]


def test_a_permission_key_that_is_no_string_is_refused_word_for_word() -> None:
    """A key is read as text before the catalogue is asked about it."""
    assert problems_of({"levels": {1: "None", "LIST_CASE": "View"}}, _Levels) == [
        (("levels", 1), "expected a string, got an integer")
    ]


def test_a_collector_calls_with_every_argument_and_notes_a_refusal() -> None:
    """``fails`` passes positional and keyword arguments; a refusal is noted."""
    found = ProblemCollector("a.toml", ["", "roles"])
    assert not found.fails(("roles", 0), CUSTOMER_CENTER.customize, "A", levels={})
    assert found.fails(
        ("roles", 1), CUSTOMER_CENTER.customize, "B", levels={"NOPE": "View"}
    )
    assert [problem.path for problem in found.problems] == ["roles[1]"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "algorithm",
            "bcrypt",
            "password hash algorithm 'bcrypt' is refused; expected 'scrypt'",
        ),
        ("p", 0, "password hash p 0 is refused; expected an integer from 1 to 16"),
    ],
)
def test_a_hashs_algorithm_and_parallelism_are_shown_when_refused(
    field: str, value: object, message: str
) -> None:
    """The algorithm and the cost p are no secret: their refusals are shown."""
    written = make_converter(include_secrets=True).unstructure(HASH)
    found = problems_of({"hashes": [{**written, field: value}]}, _Keyring)
    assert found == [(("hashes",), message)]
