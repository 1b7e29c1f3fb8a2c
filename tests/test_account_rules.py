"""Issue 11: no entry point builds an account that breaks a rule.

Each hole found is a regression test here, asked through the public API: the
constructors, the data files, grants, the CSV import, the command line and
the engine's questions.
"""

import io
import re
import sys
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    FEATURES,
    PERMISSIONS,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    Capability,
    CCRolesError,
    Contact,
    Customer,
    DataFileError,
    Engine,
    FileFormat,
    FormPreferences,
    Grant,
    Level,
    LoginId,
    ReasonCode,
    RecordType,
    Role,
    RoleCatalogue,
    SendNotification,
    account_problems,
    dumps_roles,
    grant_access,
    import_access,
    load_account,
    loads_account,
    render_report,
)
from ccroles.account_rules import AccountRules
from ccroles.exceptions import (
    DuplicateReferenceError,
    InvalidEmailError,
    InvalidIdError,
    InvalidLevelError,
    LevelAboveRootError,
    NotDescendedFromBuiltinError,
    UnknownPermissionError,
    UnknownReferenceError,
    UnknownWebsiteError,
)
from ccroles.testing import Record
from tests.access_fixtures import account as access_account
from tests.cli_run import run

EXAMPLE = "examples/account.toml"
ALL_LEVELS = dict.fromkeys(PERMISSIONS, "Full")


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The engine of the example account."""
    return Engine(load_account(EXAMPLE))


def customer_with(role: str, **fields: Any) -> Customer:
    """A customer with access and *role*."""
    return Customer(
        "1", "A", email="a@x.example", give_access=True, role=role, **fields
    )


# --- 1. every customer center role descends from a built-in role object ----


def look_alike() -> Role:
    """A root role named 'Customer Center' holding every level at Full."""
    return attrs.evolve(CUSTOMER_CENTER, levels=ALL_LEVELS)


HOSTILE_ROLES = [
    pytest.param(
        Role("Everything", levels=ALL_LEVELS, capabilities=list(Capability)),
        id="a-root-of-its-own",
    ),
    pytest.param(look_alike().customize("Sneaky"), id="a-copy-of-a-look-alike"),
    pytest.param(
        attrs.evolve(CUSTOMER_CENTER.customize("Detached"), base=None),
        id="a-detached-copy",
    ),
    pytest.param(
        attrs.evolve(look_alike(), name="Customer Centre"), id="a-renamed-look-alike"
    ),
]


@pytest.mark.parametrize("role", HOSTILE_ROLES)
def test_a_role_without_a_built_in_root_is_refused(role: Role) -> None:
    """Hole 1: a look-alike root, its copies and detached copies grant nothing."""
    with pytest.raises(NotDescendedFromBuiltinError, match=repr(role.name)):
        Account(roles=[role], customers=[customer_with(role.name)])


def test_the_hostile_roles_would_have_given_every_feature() -> None:
    """The roles refused above do hold features no built-in root allows them."""
    sneaky = look_alike().customize("Sneaky")
    assert sneaky.root.name == "Customer Center"
    assert sneaky.root is not CUSTOMER_CENTER
    assert "Mapping Store Locations" not in FEATURES.feature_names_of(CUSTOMER_CENTER)
    assert sneaky.level("LIST_LOCATION") is Level.FULL


def test_a_role_cannot_be_subclassed() -> None:
    """Hole 1: no subclass can override root or lineage to lift the ceiling."""
    root = property(lambda _: look_alike())
    with pytest.raises(TypeError, match="Role cannot be subclassed"):
        type("Sneaky", (Role,), {"root": root})


def test_a_role_changed_after_it_was_built_is_refused() -> None:
    """Hole 1: the account checks the ceiling however the role was made."""
    copy = CUSTOMER_CENTER.customize("Payer")
    object.__setattr__(copy, "levels", {"TRAN_CUSTPYMT": Level.FULL})
    with pytest.raises(LevelAboveRootError, match="'TRAN_CUSTPYMT' to Full"):
        Account(roles=[copy])


def test_a_staff_role_may_be_a_root_of_its_own() -> None:
    """Internal roles are roots the portal defines: the rule is for customer roles."""
    from ccroles import CenterType  # noqa: PLC0415 (only here)

    staff = Role("Sales Rep", CenterType.SALES, levels={"TRAN_SALESORD": "Full"})
    assert Account(roles=[staff]).role("sales rep") is staff


def test_every_problem_is_listed_with_its_path() -> None:
    """One home: the rules give every problem, each where it is."""
    problems = account_problems(
        roles=[look_alike().customize("Sneaky"), CUSTOMER_CENTER.customize("sneaky")],
        websites=["Main", "main", " "],
        customers=[
            Customer("1", "A", email="a@x.example", role="Sneaky"),
            Customer(1, "B", email="A@X.example", assigned_website="Outlet"),
        ],
    )
    assert [str(problem).split(":")[0] for problem in problems] == [
        "roles[0].base",
        "roles[1].name",
        "websites[1]",
        "websites[2]",
        "customers[1].internal_id",
        "customers[1].assigned_website",
        "customers[1].email",
    ]


# --- 2. one email rule; an empty or unknown email is denied ----------------


@pytest.mark.parametrize(
    "email",
    [
        "",
        " ",
        "no-at-sign.example",
        "@acme.example",
        "ap@",
        "ap@acme",
        "ap@acme..example",
        "a p@acme.example",
        "ap@acme.example\n",
        "ap@@acme.example",
        "ap@\udcffacme.example",
        "x" * 250 + "@a.example",
    ],
)
def test_what_is_not_an_email_is_refused_everywhere(email: str) -> None:
    """Hole 2: constructors, grants and files share the one email rule."""
    with pytest.raises(InvalidEmailError):
        Customer("1", "A", email=email)
    with pytest.raises(InvalidEmailError):
        Contact("c1", email=email)
    with pytest.raises(InvalidEmailError):
        grant_access(
            access_account(), Grant(LoginId("102"), SendNotification(), email=email)
        )


def test_an_email_that_is_not_text_is_refused() -> None:
    """Hole 2: an email is text."""
    with pytest.raises(InvalidEmailError, match="cannot log in as 5"):
        Customer("1", "A", email=cast("str", 5))


def test_an_empty_email_in_a_file_is_a_located_problem() -> None:
    """Hole 2: the file loader reports the email rule with its path."""
    text = """
format = 1
[[customers]]
internal_id = "1"
customer_id = "A"
email = ""
give_access = true
role = "Customer Center"
"""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.TOML)
    [problem] = caught.value.problems
    assert problem.path == "customers[0].email"
    assert "cannot log in as ''" in problem.message


def test_an_empty_email_in_a_csv_row_keeps_the_records_email() -> None:
    """A blank Email cell in the import keeps the email on record (no empty login)."""
    csv_text = (
        "Internal ID,Give Access,Email,Role,Send New Access Notification Email\n"
        "101,yes,,Customer Center,yes\n"
    )
    report = import_access(access_account(), io.StringIO(csv_text), apply=True)
    assert report.account is not None
    assert report.account.customer("101").email == "ap@acme.example"


@pytest.mark.parametrize("email", ["", "nobody@acme.example", "AP@ACME.EXAMPLE "])
def test_an_empty_or_unknown_email_is_denied(engine: Engine, email: str) -> None:
    """Hole 2: what a portal passes for a visitor not signed in never signs in."""
    assert not engine.allows(email, "Make a Payment")
    decision = engine.decide(email, "Make a Payment")
    assert [reason.code for reason in decision.reasons] == [ReasonCode.UNKNOWN_LOGIN]
    assert not engine.allows_sign_in(email)
    assert not engine.allows_record(email, "TRAN_CUSTINVC", Record("101"))
    assert list(engine.filter_records(email, "TRAN_CUSTINVC", [Record("101")])) == []


def test_nobody_is_denied_as_an_unknown_login(engine: Engine) -> None:
    """Deny by default: None (no session at all) is denied, never True."""
    assert not engine.allows(None, "Make a Payment")
    assert engine.decide(None, "Billing").reasons[0].code is ReasonCode.UNKNOWN_LOGIN
    assert not engine.decide_sign_in(None).allowed
    assert not engine.allows_record(None, "TRAN_CUSTINVC", Record("101"))


@pytest.mark.parametrize("login", [b"ap@acme.example", 101, ["ap@acme.example"]])
def test_a_login_of_another_type_is_refused(engine: Engine, login: object) -> None:
    """A login that is neither an email, a Login, LoginFacts nor None is an error."""
    accepted = r"a login is an email \(str\), a Login, a LoginFacts or None \(nobody\)"
    nobody = cast("str", login)
    with pytest.raises(TypeError, match=accepted):
        engine.allows(nobody, "Make a Payment")
    with pytest.raises(TypeError, match=accepted):
        engine.decide(nobody, "Billing")
    with pytest.raises(TypeError, match=accepted):
        engine.decide_sign_in(nobody)


def test_the_cli_denies_an_empty_email(capsys: pytest.CaptureFixture[str]) -> None:
    """Hole 2: `ccroles check FILE "" FEATURE` is denied (status 1)."""
    status, out, _ = run(capsys, "check", EXAMPLE, "", "Make a Payment")
    assert (status, out) == (1, "denied: no customer or contact has this email\n")


def test_validate_refuses_an_empty_email(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hole 2: `ccroles validate` is not ok with an empty email."""
    path = tmp_path / "a.toml"
    path.write_text(
        'format = 1\n[[customers]]\ninternal_id = "1"\ncustomer_id = "A"\nemail = ""\n',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 1
    assert "customers[0].email: customer 'A' cannot log in as ''" in out


# --- 3. the account knows its websites -------------------------------------

QUESTIONS = [
    ("allows", ("ap@acme.example", "Make a Payment")),
    ("decide", ("ap@acme.example", "Make a Payment")),
    ("allows_record", ("ap@acme.example", "TRAN_CUSTINVC", Record("101"))),
    ("decide_record", ("ap@acme.example", "TRAN_CUSTINVC", Record("101"))),
    ("filter_records", ("ap@acme.example", "TRAN_CUSTINVC", [Record("101")])),
    ("allows_sign_in", ("ap@acme.example",)),
    ("decide_sign_in", ("ap@acme.example",)),
    ("form_view", ("ap@acme.example", Record("101"), RecordType.SALES_ORDER)),
    ("form_answer", ("ap@acme.example", Record("101"), RecordType.SALES_ORDER)),
]


@pytest.mark.parametrize(("method", "args"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_an_unknown_website_is_refused_with_a_suggestion(
    engine: Engine, method: str, args: tuple[object, ...]
) -> None:
    """Hole 3: every question naming a website the account lacks raises."""
    with pytest.raises(UnknownWebsiteError, match="did you mean 'Wholesale Portal'"):
        getattr(engine, method)(*args, website="Wholesale Portl")


@pytest.mark.parametrize(("method", "args"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_a_website_in_another_case_is_the_same_website(
    engine: Engine, method: str, args: tuple[object, ...]
) -> None:
    """Hole 5: website names match ignoring case, with the same answers."""
    asked = getattr(engine, method)(*args, website="wholesale PORTAL")
    expected = getattr(engine, method)(*args, website="Wholesale Portal")
    if method == "filter_records":
        asked, expected = list(asked), list(expected)
    assert asked == expected


def test_a_remedy_names_only_the_accounts_websites(engine: Engine) -> None:
    """Hole 3: the remedy names the website as the account writes it."""
    decision = engine.decide("orders@umbrella.example", "Wish Lists", "main store")
    assert decision.reasons[0].remedy == (
        "set the Assigned Website of customer 'UMBRELLA' to 'Main Store', or clear it"
    )
    assert decision.question.website == "Main Store"


def test_the_website_rule_on_the_assigned_website() -> None:
    """Hole 3: a login restricted to a website is allowed there only."""
    engine = Engine(
        Account(
            websites=["Main Store", "Outlet"],
            customers=[customer_with("Customer Center", assigned_website="outlet")],
        )
    )
    assert engine.allows("a@x.example", "Billing", "Outlet")
    assert engine.allows("a@x.example", "Billing", "OUTLET")
    assert not engine.allows("a@x.example", "Billing", "Main Store")
    assert engine.decide_sign_in("a@x.example", "Outlet").allowed


def test_a_grant_to_an_unknown_website_is_refused() -> None:
    """Hole 3: grants check the website through the account rules."""
    grant = Grant(
        LoginId("101"), SendNotification(), role="Customer Center", website="Shop"
    )
    with pytest.raises(UnknownReferenceError, match="names website 'Shop'"):
        grant_access(access_account(), grant)


# --- 4. one rule for ids -----------------------------------------------------


def test_an_integer_id_is_its_decimal_text() -> None:
    """Hole 4: ids from a database (integers) are read as text."""
    customer = Customer(101, 7, contacts=[Contact(3)])
    assert (customer.internal_id, customer.customer_id) == ("101", "7")
    assert customer.contacts[0].id == "3"
    account = Account(customers=[customer])
    assert account.customer(101) is customer


class Owner(str):
    """A str subclass that claims to equal everything (a hostile id)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        """Claim equality with anything."""
        return True

    def __hash__(self) -> int:
        """Hash as everything else does."""
        return 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "an id is text or an integer"),
        (1.5, "an id is text or an integer"),
        (None, "an id is text or an integer"),
        ("", "must not be blank"),
        ("\t", "must not be blank"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_what_is_not_an_id_is_refused(value: object, message: str) -> None:
    """Hole 4: an id is text or an integer, never blank."""
    with pytest.raises(InvalidIdError, match=message):
        Customer(cast("str", value), "A")


def test_an_integer_too_long_to_write_is_refused() -> None:
    """Hole 4: huge numbers are refused, not crashed on."""
    with pytest.raises(InvalidIdError, match="too many digits"):
        Customer(10**5000, "A")


def test_a_str_subclass_id_is_read_as_plain_text() -> None:
    """Hole 4: an id never compares through overridden methods."""
    customer = Customer(Owner("101"), "A")
    assert type(customer.internal_id) is str
    engine = Engine(Account(customers=[customer_with("Customer Center")]))
    assert not engine.allows_record("a@x.example", "Invoice", Record(Owner("999")))


def test_a_record_owned_by_an_integer_id_is_its_customers(engine: Engine) -> None:
    """Hole 4: a record's owner 101 (an integer) is customer '101'."""
    record = Record(cast("str", 101))
    assert engine.allows_record("ap@acme.example", "TRAN_CUSTINVC", record)
    assert engine.decide_record("ap@acme.example", "TRAN_CUSTINVC", record).allowed
    assert list(engine.filter_records("ap@acme.example", "Invoice", [record])) == [
        record
    ]
    assert engine.preview(cast("str", 101)).allows("Billing")


@pytest.mark.parametrize("owner", [None, True, 1.0])
def test_a_record_whose_owner_is_no_id_is_refused(
    engine: Engine, owner: object
) -> None:
    """Hole 4: a record's owner that cannot be an id raises, never answers True."""
    record = Record(cast("str", owner))
    with pytest.raises(InvalidIdError):
        engine.allows_record("ap@acme.example", "TRAN_CUSTINVC", record)
    with pytest.raises(InvalidIdError):
        engine.decide_record("ap@acme.example", "TRAN_CUSTINVC", record)
    with pytest.raises(InvalidIdError):
        list(engine.filter_records("ap@acme.example", "TRAN_CUSTINVC", [record]))


def test_ids_in_files_may_be_integers() -> None:
    """Hole 4: files follow the same id rule."""
    text = '{"format": 1, "customers": [{"internal_id": 101, "customer_id": "A"}]}'
    assert loads_account(text, FileFormat.JSON).customers[0].internal_id == "101"


def test_an_integer_and_its_text_are_the_same_id() -> None:
    """Hole 4: 101 and '101' are one internal id, so two customers cannot share it."""
    with pytest.raises(DuplicateReferenceError, match="internal id '101'"):
        Account(customers=[Customer("101", "A"), Customer(101, "B")])


# --- 5. one rule for names: any case, suggestions --------------------------


def test_role_names_match_ignoring_case_everywhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Hole 5: files, CSV, the CLI and lookups match role names in any case."""
    text = """
format = 1
[[roles]]
name = "Buyer"
base = "premium customer center"
[[customers]]
internal_id = "1"
customer_id = "A"
email = "a@x.example"
give_access = true
role = "customer center"
"""
    account = loads_account(text, FileFormat.TOML)
    assert account.role("BUYER").root is PREMIUM_CUSTOMER_CENTER
    assert Engine(account).allows("a@x.example", "Make a Payment")
    csv_text = (
        "Internal ID,Give Access,Role,Send New Access Notification Email\n"
        "101,yes,customer center,yes\n"
    )
    report = import_access(access_account(), io.StringIO(csv_text))
    assert report.problems == ()
    status, out, _ = run(capsys, "role", "advanced customer center")
    assert status == 0
    assert "Advanced Customer Center" in out


def test_names_are_unique_ignoring_case() -> None:
    """Hole 5: two names that match each other are one name, given twice."""
    with pytest.raises(DuplicateReferenceError, match="role name 'buyer'"):
        Account(
            roles=[
                CUSTOMER_CENTER.customize("Buyer"),
                CUSTOMER_CENTER.customize("buyer"),
            ]
        )
    with pytest.raises(DuplicateReferenceError, match="website 'main store'"):
        Account(websites=["Main Store", "main store"])


@pytest.mark.parametrize("name", ["MARKDOWN", "Markdown", " markdown"])
def test_output_formats_match_ignoring_case(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Hole 5: `--format MARKDOWN` is markdown."""
    status, out, _ = run(capsys, "matrix", "--format", name)
    assert status == 0
    assert out.startswith("| feature |")


def test_an_unknown_format_is_one_line_naming_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad arguments are one line on stderr, status 2."""
    status, _, err = run(capsys, "matrix", "--format", "xml")
    assert status == 2
    assert err == (
        "ccroles matrix: error: argument --format: invalid choice: 'xml' (choose "
        "from 'text', 'markdown', 'rst', 'html', 'csv', 'json')\n"
    )


def test_a_permission_is_found_by_label_with_suggestions(engine: Engine) -> None:
    """Hole 5: `allows_record(..., "Invoice", ...)` works; a typo gets a suggestion."""
    assert engine.allows_record("ap@acme.example", "invoice", Record("101"))
    with pytest.raises(UnknownPermissionError, match="did you mean 'Invoice'"):
        engine.allows_record("ap@acme.example", "Invoce", Record("101"))


def test_a_misspelt_level_gets_a_suggestion() -> None:
    """Hole 5: the level 'Veiw' suggests 'View'."""
    with pytest.raises(InvalidLevelError, match="did you mean 'View'"):
        Level.parse("Veiw")


def test_the_role_catalogue_finds_roles_in_any_case() -> None:
    """Hole 5: one catalogue answers role lookups, with suggestions."""
    catalogue = RoleCatalogue(BUILTIN_ROLES)
    assert len(catalogue) == 3
    assert repr(catalogue) == f"RoleCatalogue({[r.name for r in BUILTIN_ROLES]!r})"
    assert catalogue[" advanced CUSTOMER center "] is ADVANCED_CUSTOMER_CENTER
    assert cast("object", None) not in catalogue
    with pytest.raises(CCRolesError, match="did you mean 'Customer Center'"):
        catalogue["Customer Centre"]


# --- 6. chains of copies of any depth, built in linear time ----------------

DEPTH = 2_000


@pytest.fixture(scope="module")
def chain() -> list[Role]:
    """A chain of DEPTH copies, each of the one before."""
    roles = [CUSTOMER_CENTER]
    for number in range(DEPTH):
        roles.append(roles[-1].customize(f"Copy {number}"))
    return roles[1:]


def test_a_deep_chain_hashes_compares_and_finds_its_root(chain: list[Role]) -> None:
    """Hole 6: no recursion: hash, equality and root work at any depth."""
    assert sys.getrecursionlimit() < DEPTH
    last = chain[-1]
    rebuilt = attrs.evolve(last)
    assert hash(last) == hash(rebuilt)
    assert last == rebuilt
    assert last != chain[-2]
    assert last.root is CUSTOMER_CENTER
    assert len(last.lineage) == DEPTH + 1


def test_a_deep_chain_is_an_account_and_a_file(chain: list[Role]) -> None:
    """Hole 6: an account of a deep chain is built, written and read back."""
    account = Account(roles=chain, customers=[customer_with(chain[-1].name)])
    assert Engine(account).allows("a@x.example", "Make a Payment")
    loaded = loads_account(dumps_roles(chain, FileFormat.JSON), FileFormat.JSON)
    assert [role.name for role in loaded.custom_roles] == [role.name for role in chain]
    assert loaded.custom_roles[-1] == chain[-1]  # one comparison walks the whole chain


def test_the_cli_reads_a_deep_chain(
    chain: list[Role], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hole 6: the command line shows a role at the end of a deep chain."""
    path = tmp_path / "roles.json"
    path.write_text(dumps_roles(chain, FileFormat.JSON), encoding="utf-8")
    status, out, _ = run(capsys, "role", f"copy {DEPTH - 1}", "--roles", str(path))
    assert status == 0
    assert re.search(rf"Copy {DEPTH - 1}", out)


# --- the rules in reports ----------------------------------------------------


def test_replacing_a_customer_given_twice_keeps_the_first_indexed() -> None:
    """The indexes hold the first of an id given twice, whatever replaces the second."""
    first, second = Customer("1", "A"), Customer("1", "B")
    rules = AccountRules().check(
        roles=(),
        websites=(),
        customers=[first, second],
        forms=(),
        form_preferences=FormPreferences(),
    )
    [problem] = rules.problems
    assert str(problem) == (
        "customers[1].internal_id: customer 'B' uses internal id '1', which is "
        "already taken"
    )
    rules.replace_customer(1, second, Customer("2", "B"))
    assert rules.customers == {"1": first, "2": Customer("2", "B")}


def test_a_matrix_naming_one_role_twice_is_refused() -> None:
    """assert_matrix matches role names as every name is: two spellings, one role."""
    from ccroles.testing import assert_matrix  # noqa: PLC0415 (only here)

    with pytest.raises(CCRolesError, match="role 'customer center' is given more"):
        assert_matrix(
            [CUSTOMER_CENTER],
            {
                "Customer Center": FEATURES.feature_names_of(CUSTOMER_CENTER),
                "customer center": [],
            },
        )


def test_a_csv_row_taking_an_email_in_another_case_is_refused() -> None:
    """The CSV import checks each row with the account rules, after the rows above."""
    csv_text = (
        "Internal ID,Give Access,Email,Role,Send New Access Notification Email\n"
        "102,yes,IT@CORE.example,Customer Center,yes\n"
    )
    report = import_access(access_account(), io.StringIO(csv_text))
    assert render_report(report).splitlines()[1] == (
        "line 2, column 'Email': customer 'BOLT' uses email 'IT@CORE.example', "
        "which is already taken"
    )
