"""Edges of the account model that mutation testing found unpinned.

The words and facts of refusals of login facts, the way paths are written,
and what the account rules keep when a change is tried on rules that
already hold problems (rules built by hand, as the CSV import's are).
"""

from collections.abc import Callable
from types import MappingProxyType

import pytest

from ccroles._shared import SharedMap
from ccroles.account_rules import AccountRules, account_problems
from ccroles.accounts import Account
from ccroles.customers import Contact, Customer
from ccroles.exceptions import InvalidFieldError, InvalidIdError
from ccroles.forms import FormPreferences, RecordType, TransactionForm
from ccroles.logins import LoginFacts
from ccroles.paths import format_path
from ccroles.permissions import Level
from ccroles.roles import CUSTOMER_CENTER, CenterType, Role
from tests.test_account_rules import Owner  # text that claims to equal anything


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("give_access", "yes", "True or False"),
        ("active", 2, "True or False"),
        ("contact_active", None, "True or False"),
        ("role", 3, "text or None"),
        ("assigned_website", b"Main", "text or None"),
    ],
)
def test_login_facts_refuse_a_field_naming_it(
    field: str, value: object, expected: str
) -> None:
    """The record, the field, the value and what was expected, all as facts."""
    facts: dict[str, object] = {"role": "Customer Center", field: value}
    with pytest.raises(InvalidFieldError) as refused:
        LoginFacts("1", **facts)
    error = refused.value
    assert (error.record, error.field, error.value, error.expected) == (
        "login",
        field,
        value,
        expected,
    )
    assert str(error) == f"login {field} {value!r} is refused; expected {expected}"


@pytest.mark.parametrize(("value", "flag"), [(1, True), (0, False)])
def test_login_facts_read_sqlite_flags(value: int, flag: bool) -> None:  # noqa: FBT001
    """1 and 0, as SQLite gives them, are the flags they stand for."""
    facts = LoginFacts(
        "1", "Customer Center", value, value, contact_id="7", contact_active=value
    )
    assert (facts.give_access, facts.active, facts.contact_active) == (flag,) * 3


def test_login_facts_refuse_subclasses_in_words() -> None:
    """The refusal says what it refuses."""
    with pytest.raises(TypeError, match=r"^LoginFacts cannot be subclassed$"):
        type("Mine", (LoginFacts,), {})


def test_an_account_names_a_refused_internal_id() -> None:
    """Looking a customer up by a value that is no id names it an internal id."""
    with pytest.raises(InvalidIdError) as refused:
        Account().customer(True)  # noqa: FBT003 (hostile input)
    assert str(refused.value) == (
        "internal id True is refused: an id is text or an integer"
    )


@pytest.mark.parametrize(
    ("path", "written"),
    [
        (("customers", 3, "contacts", 0, "email"), "customers[3].contacts[0].email"),
        (("roles", "Sales Rep"), 'roles["Sales Rep"]'),
        (("roles", "Zürich"), 'roles["Zürich"]'),
        (("roles", "ok_name-2"), "roles.ok_name-2"),
        (("roles", "Upper", "lower"), "roles.Upper.lower"),
        (("a b", "c d"), '["a b"]["c d"]'),
        ((), ""),
    ],
)
def test_paths_are_written_as_people_read_them(
    path: tuple[str | int, ...], written: str
) -> None:
    """Names as dotted keys, others quoted (not escaped to ASCII), indexes in []."""
    assert format_path(path) == written


def rules_with_a_duplicate() -> tuple[AccountRules, Customer, Customer]:
    """Rules holding two customers that share a customer id and a contact id."""
    first = Customer("1", "ACME", contacts=[Contact("c1")])
    second = Customer("2", "ACME", contacts=[Contact("c1")])
    rules = AccountRules()
    rules.check_customer(0, first)
    rules.check_customer(1, second)
    assert len(rules.problems) == 2
    return rules, first, second


def test_replacing_both_holders_of_a_duplicate_id() -> None:
    """Ids given up twice (once per holder) are released without error."""
    rules, first, second = rules_with_a_duplicate()
    plain = Customer("2", "B")
    assert rules.replace_customer(1, second, plain) == []
    assert rules.replace_customer(0, first, Customer("1", "A")) == []
    assert rules.replace_customer(1, plain, second) == []


def test_a_change_reports_only_its_own_problems_and_keeps_the_others() -> None:
    """Problems found before a change stay; a change returns only its own."""
    rules, first, _ = rules_with_a_duplicate()
    before = list(rules.problems)
    taken = Customer("1", "ACME", contacts=[Contact("c1")], email="x@y.example")
    other = Customer("3", "C", email="x@y.example")
    rules.check_customer(2, other)
    tried = rules.try_customer(0, first, taken)
    assert [str(problem.path) for problem in tried] == ["('customers', 0, 'email')"]
    assert rules.problems == before
    assert rules.positions["1"] == 0
    found = rules.replace_customer(0, first, taken)
    assert [problem.path for problem in found] == [("customers", 0, "email")]
    assert rules.problems == [*before, *found]


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (lambda: Contact(True), "id", "contact id True"),  # noqa: FBT003
        (lambda: Customer("1", True), "customer_id", "customer id True"),  # noqa: FBT003
        (lambda: Customer(True, "A"), "internal_id", "customer internal id True"),  # noqa: FBT003
    ],
)
def test_a_refused_id_names_its_field(
    make: Callable[[], object], field: str, words: str
) -> None:
    """The id rule's refusal says which id, and the record field it is in."""
    with pytest.raises(InvalidIdError) as refused:
        make()
    assert refused.value.field == field
    assert str(refused.value) == f"{words} is refused: an id is text or an integer"


def test_contacts_are_kept_as_a_tuple_whatever_they_come_in() -> None:
    """A list or a generator of contacts becomes a tuple; a tuple is kept."""
    contacts = (Contact("c1"), Contact("c2"))
    assert Customer("1", "A", contacts=contacts).contacts is contacts
    assert type(Customer("1", "A", contacts=list(contacts)).contacts) is tuple
    assert Customer("1", "A", contacts=iter(contacts)).contacts == contacts


def test_rules_built_by_hand_copy_into_plain_dicts_or_shared_maps() -> None:
    """Unshared rules copy into dicts; an account's rules share, unless told not to."""
    rules = AccountRules()
    rules.check_customer(0, Customer("1", "A", email="a@x.example"))
    assert type(rules.copy(shared=False).logins) is dict
    assert type(rules.copy().logins) is dict
    account = Account(customers=[Customer("1", "A", email="a@x.example")])
    assert isinstance(account.rules().logins, SharedMap)
    changed = account.with_customer(Customer("2", "B"))  # copies its rules, shared
    assert isinstance(changed.rules().logins, SharedMap)
    assert type(account.rules(shared=False).logins) is dict


LACKS = "which the account lacks"
TAKEN = "which is already taken"


def test_unknown_roles_and_duplicate_ids_are_placed_and_named() -> None:
    """Each problem at its path, naming the record that holds it."""
    rules = AccountRules()
    rules.check_customer(0, Customer("1", "ACME", role="Nope"))
    rules.check_customer(
        1, Customer("2", "ACME", contacts=[Contact("c1"), Contact("c1", role="Nope")])
    )
    placed = [(problem.path, str(problem.error)) for problem in rules.problems]
    acme, contact = "customer 'ACME'", "contact 'c1' of customer 'ACME'"
    assert placed == [
        (("customers", 0, "role"), f"{acme} names role 'Nope', {LACKS}"),
        (("customers", 1, "customer_id"), f"{acme} uses customer id 'ACME', {TAKEN}"),
        (
            ("customers", 1, "contacts", 1, "id"),
            f"{contact} uses contact id 'c1', {TAKEN}",
        ),
        (
            ("customers", 1, "contacts", 1, "role"),
            f"{contact} names role 'Nope', {LACKS}",
        ),
    ]
    error = rules.problems[2].error
    assert getattr(error, "owner", None) == "contact 'c1' of customer 'ACME'"
    assert getattr(rules.problems[1].error, "owner", None) == "customer 'ACME'"


ACCOUNT_WIDE = [
    (
        ("roles", 1, "base"),
        (
            "customer center role 'Detached' is no copy of a built-in role: make it "
            "with CUSTOMER_CENTER.customize(...) (or the premium or advanced role)"
        ),
        None,
    ),
    (
        ("roles", 2, "name"),
        "the account uses role name 'alpha', which is already taken",
        "the account",
    ),
    (("websites", 1), "a website name must not be blank, got ' '", None),
    (
        ("websites", 2),
        "the account uses website 'main', which is already taken",
        "the account",
    ),
    (
        ("customers", 1, "role"),
        f"customer 'B' names role 'Gamma', {LACKS}",
        "customer 'B'",
    ),
    (
        ("forms", 1, "name"),
        "the account uses form name 'order a (External)', which is already taken",
        "the account",
    ),
    (
        ("form_preferences", "role_forms", "Ghost"),
        f"a form preference names role 'Ghost', {LACKS}",
        "a form preference",
    ),
    (
        ("form_preferences", "website_order_forms", "Nowhere"),
        f"a form preference names website 'Nowhere', {LACKS}",
        "a form preference",
    ),
]


def test_every_account_wide_rule_is_placed_named_and_checked_past_a_problem() -> None:
    """Each problem at its path with its owner; the checks go on after each."""
    other = TransactionForm("Other (External)", RecordType.SALES_ORDER)
    preferences = (
        FormPreferences()
        .with_role_form(CUSTOMER_CENTER.customize("Ghost"), other)
        .with_website_order_form("Nowhere", other)
    )
    found = account_problems(
        roles=[
            CUSTOMER_CENTER.customize("Alpha"),
            Role("Detached"),
            CUSTOMER_CENTER.customize("alpha"),  # checked past the detached one
            CUSTOMER_CENTER.customize("Beta"),
        ],
        websites=["Main", " ", "main", "Outlet"],
        customers=[Customer("1", "A", role="broken"), Customer("2", "B", role="Gamma")],
        forms=[
            TransactionForm("Order A (External)", RecordType.SALES_ORDER),
            TransactionForm("order a (External)", RecordType.SALES_ORDER),
            other,
        ],
        form_preferences=preferences,
        ignored_roles=["Broken"],  # a role that failed to build: named, not lacking
    )
    placed = [
        (problem.path, str(problem.error), getattr(problem.error, "owner", None))
        for problem in found
    ]
    assert placed == ACCOUNT_WIDE
    detached = found[0].error
    assert (getattr(detached, "role", None), getattr(detached, "root", None)) == (
        "Detached",
        "Detached",
    )


def test_a_role_changed_behind_its_back_is_refused_at_its_levels() -> None:
    """A copy whose levels were swapped after its checks: refused by the account."""
    rogue = CUSTOMER_CENTER.customize("Rogue")
    levels = MappingProxyType({**rogue.levels, "LIST_LOCATION": Level.VIEW})
    object.__setattr__(rogue, "levels", levels)  # hostile: past the constructor
    other = TransactionForm("Other (External)", RecordType.SALES_ORDER)
    found = account_problems(
        roles=[rogue, CUSTOMER_CENTER.customize("After")],
        form_preferences=FormPreferences().with_account_form(other),
    )
    assert [(problem.path, str(problem.error)) for problem in found] == [
        (
            ("roles", 0, "levels"),
            (
                "role 'Rogue' cannot add permission 'LIST_LOCATION' at View: its root "
                "role 'Customer Center' does not have it"
            ),
        ),
        (
            ("form_preferences",),
            f"a form preference names form 'Other (External)', {LACKS}",
        ),
    ]


def test_roles_after_a_staff_role_are_still_checked() -> None:
    """A role of another center is not checked against a root; the next ones are."""
    sales = Role("Sales", center_type=CenterType.SALES)
    found = account_problems(roles=[sales, Role("Detached")])
    assert [problem.path for problem in found] == [("roles", 1, "base")]


def test_the_email_index_keys_are_plain_folded_text() -> None:
    """A folded email is its own key (one string); others are folded plain text."""
    folded = Customer("1", "A", email="ap@acme.example")
    shouting = Customer("2", "B", email="AP@GLOBEX.example")
    hostile = Customer("3", "C", email=Owner("x@umbrella.example"))
    rules = AccountRules()
    rules.check_customers([folded, shouting, hostile])
    keys = list(rules.logins)
    assert keys == ["ap@acme.example", "ap@globex.example", "x@umbrella.example"]
    assert keys[0] is folded.email
    assert [type(key) for key in keys] == [str, str, str]
    assert list(rules.logins.values()) == [folded, shouting, hostile]
    assert rules.problems == []


def test_customers_are_numbered_from_the_start_given() -> None:
    """``check_customers(..., start)``: problems carry the account's positions."""
    rules = AccountRules()
    rules.check_customers([Customer("1", "A"), Customer("1", "B")], start=5)
    assert [problem.path for problem in rules.problems] == [
        ("customers", 6, "internal_id")
    ]
    assert rules.positions == {"1": 5}


def test_a_login_is_found_by_any_of_its_customers_emails() -> None:
    """The index names the customer; the login found is its own or a contact's."""
    contact = Contact("c1", email="Books@acme.example")
    customer = Customer("1", "ACME", email="ap@acme.example", contacts=[contact])
    account = Account(customers=[customer])
    assert account.rules().logins == SharedMap(
        {"ap@acme.example": customer, "books@acme.example": customer}
    )
    own, books = account.login("AP@acme.example"), account.login("books@ACME.example")
    assert (own.customer, own.contact) == (customer, None)
    assert (books.customer, books.contact) == (customer, contact)


def test_a_contact_taking_a_used_email_is_named_as_the_contact() -> None:
    """The problem names the contact, at the contact's place, not its customer."""
    rules = AccountRules()
    rules.check_customers(
        [
            Customer("1", "ACME", email="ap@acme.example"),
            Customer("2", "GLOBEX", contacts=[Contact("c1", email="AP@acme.example")]),
        ]
    )
    (problem,) = rules.problems
    assert problem.path == ("customers", 1, "contacts", 0, "email")
    assert str(problem.error) == (
        f"contact 'c1' of customer 'GLOBEX' uses email 'AP@acme.example', {TAKEN}"
    )
