import json
import sys
import traceback
from pathlib import Path

import attrs
import cattrs
import pytest

from ccroles import (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    CenterType,
    Contact,
    Customer,
    DataFileError,
    FileFormat,
    MissingExtraError,
    Problem,
    Role,
    UnwritableRoleError,
    dump_account,
    dump_roles,
    dumps_account,
    dumps_roles,
    load_account,
    load_roles,
    loads_account,
    loads_roles,
    make_converter,
)
from ccroles.cli import main
from ccroles.serialization import _cattrs_problems

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def problems(document: object) -> list[tuple[str, str]]:
    """Load *document* as JSON and return each problem's path and message."""
    with pytest.raises(DataFileError) as caught:
        loads_account(json.dumps(document), FileFormat.JSON, source="a.json")
    assert caught.value.file == "a.json"
    assert all(p.file == "a.json" for p in caught.value.problems)
    return [(p.path, p.message) for p in caught.value.problems]


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
    assert not accountant.has_feature("Enter an Order")
    assert not buyer.has_feature("Make a Payment")
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
        {"customers": [customer("1", 5)]},
        "customers[0].customer_id",
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
        "the file uses role name 'A', which is already taken",
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
        "customers[0]",
        "a customer internal_id name must not be blank",
        id="blank-id",
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
            Problem("f", "key 'format' is given more than once in one object"),
        ),
        (
            '{"format": NaN}',
            FileFormat.JSON,
            Problem("f", "NaN is not a number JSON allows"),
        ),
        (
            b"format = 1\nwebsites = ['\xff']\n",
            FileFormat.TOML,
            Problem(
                "f", "not UTF-8 text: byte 0xff is invalid here", line=2, column=14
            ),
        ),
        (
            "[" * 100_000,
            FileFormat.JSON,
            Problem("f", "values are nested too deeply to read"),
        ),
    ],
)
def test_syntax_errors_carry_the_line_and_column(
    text: str | bytes, fmt: FileFormat, problem: Problem
) -> None:
    """Unreadable text is one problem, with its line and column where known."""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, fmt, source="f")
    assert caught.value.problems == (problem,)


def test_a_problem_reads_like_a_compiler_message() -> None:
    """file:line:column: message, or file: path: message."""
    assert str(Problem("a.toml", "Unclosed array", line=3, column=1)) == (
        "a.toml:3:1: Unclosed array"
    )
    assert str(Problem("a.toml", "bad", path="roles[0]")) == "a.toml: roles[0]: bad"


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
    assert caught.value.reason == reason


def test_writing_toml_without_the_extra_says_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without tomli-w, writing TOML names the extra to install."""
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'ccroles\[toml\]'"):
        dumps_account(Account(), FileFormat.TOML)
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
    assert list(_cattrs_problems(caught.value, ())) == [
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


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI and return its exit status, stdout and stderr."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


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
