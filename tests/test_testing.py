from typing import TypeVar

import attrs
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    FEATURES,
    PERMISSIONS,
    Account,
    Contact,
    Customer,
    DuplicateNameError,
    Engine,
    FormPreferences,
    Level,
    Login,
    ReasonCode,
    TransactionForm,
    explain,
)
from ccroles.exceptions import (
    UnknownFeatureError,
    UnknownRoleError,
)
from ccroles.testing import (
    CellDifference,
    CellLog,
    MatrixMismatchError,
    Record,
    UnexpectedDecisionError,
    assert_allows,
    assert_allows_record,
    assert_allows_sign_in,
    assert_denies,
    assert_denies_record,
    assert_denies_sign_in,
    assert_matrix,
    customers,
    form_preferences,
    logins,
    owned_records,
    recording_cells,
    records_owned_by_others,
    spellings,
    spelt,
    transaction_forms,
)
from tests.expected import source_matrix

T = TypeVar("T")


def test_assert_matrix_passes_on_the_written_out_matrix() -> None:
    """The built-ins' matrix equals the written-out matrix, written as expectations."""
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
        assert_matrix(
            [accountant], {"Accountant": FEATURES.feature_names_of(CUSTOMER_CENTER)}
        )
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
    with pytest.raises(DuplicateNameError):
        assert_matrix([CUSTOMER_CENTER], {"Customer Center": [], "customer center": []})
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
    assert_matrix(
        [CUSTOMER_CENTER],
        {"Customer Center": FEATURES.feature_names_of(CUSTOMER_CENTER)},
    )
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


ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_CUSTPYMT": "None"})
ACME = Customer(
    "101",
    "ACME",
    email="ap@acme.example",
    give_access=True,
    role="Customer Center",
    assigned_website="Main Store",
    contacts=[
        Contact("c1", "books@acme.example", give_access=True, role="Accountant"),
        Contact("c2", "old@acme.example", give_access=True, role="Accountant"),
        Contact("c3", None, give_access=True, role="Customer Center"),
    ],
)
GLOBEX = Customer("102", "GLOBEX", email="office@globex.example")
ACCOUNT = Account(
    roles=[ACCOUNTANT],
    websites=["Main Store", "Outlet"],
    customers=[attrs.evolve(ACME, contacts=ACME.contacts[:1]), GLOBEX],
)
ENGINE = Engine(ACCOUNT)


def drawn(strategy: st.SearchStrategy[T]) -> set[T]:
    """Every value a small strategy draws (it is sampled until none is new)."""
    values: set[T] = set()

    @settings(max_examples=50, database=None)
    @given(strategy)
    def draw(value: T) -> None:
        values.add(value)

    draw()
    return values


def test_logins_are_the_accounts_logins() -> None:
    """logins(account) draws each login of the account that has an email."""
    assert drawn(logins(ACCOUNT)) == set(ACCOUNT.logins())


def test_logins_narrow_by_role_and_sign_in() -> None:
    """roles= and may_sign_in= keep only the logins that match."""
    emails = {login.email for login in drawn(logins(ACCOUNT, roles=["Accountant"]))}
    assert emails == {"books@acme.example"}
    signing_in = drawn(logins(ACCOUNT, may_sign_in=True))
    assert {login.email for login in signing_in} == {
        "ap@acme.example",
        "books@acme.example",
    }
    refused = drawn(logins(ACCOUNT, may_sign_in=False))
    assert {login.email for login in refused} == {"office@globex.example"}


def test_logins_of_an_account_without_any_are_empty() -> None:
    """With no matching login the strategy is empty, not an error."""
    assert logins(Account()).is_empty
    assert logins(ACCOUNT, roles=["Premium Customer Center"]).is_empty


@given(owned_records(ACME), owned_records("102"))
def test_owned_records_belong_to_the_customer(mine: Record, theirs: Record) -> None:
    """owned_records takes a customer or an internal id (drawn as text or integer)."""
    assert mine.customer_internal_id in {"101", 101}
    assert theirs.customer_internal_id in {"102", 102}


@given(records_owned_by_others(ACME, account=ACCOUNT))
def test_records_of_others_never_belong_to_the_customer(record: Record) -> None:
    """records_owned_by_others never draws the customer's own record."""
    assert record.customer_internal_id not in {"101", 101}
    assert not ENGINE.allows_record("ap@acme.example", "TRAN_CUSTINVC", record)


def test_records_of_others_include_the_accounts_other_customers() -> None:
    """The other customers of the account own some of the records drawn."""
    found = find(
        records_owned_by_others(ACME, account=ACCOUNT),
        lambda record: record.customer_internal_id == "102",
        settings=settings(database=None),
    )
    assert found == Record("102", 0)


def test_assert_allows_returns_the_decision() -> None:
    """An allowed question passes and gives back the engine's decision."""
    decision = assert_allows(ENGINE, "AP@acme.example", "Make a Payment")
    assert decision == ENGINE.decide("ap@acme.example", "Make a Payment")


def test_assert_allows_fails_with_the_engines_explanation() -> None:
    """The failure says expected and got, then explain() of the decision."""
    with pytest.raises(UnexpectedDecisionError) as caught:
        assert_allows(ENGINE, "books@acme.example", "Make a Payment")
    decision = ENGINE.decide("books@acme.example", "Make a Payment")
    expected = "expected allowed, got a denial: "
    assert str(caught.value) == expected + explain(decision, "books@acme.example")
    assert caught.value.decision == decision
    assert str(caught.value).startswith(
        "expected allowed, got a denial: books@acme.example may not use Make a "
        "Payment: role 'Accountant' holds Customer Payment at None, below Create"
    )


def test_assert_denies_passes_with_the_reason_among_the_reasons() -> None:
    """A denial passes; with reason=, that code must be one of its reasons."""
    assert_denies(ENGINE, "office@globex.example", "Billing")
    decision = assert_denies(
        ENGINE, "office@globex.example", "Billing", reason=ReasonCode.NO_ROLE
    )
    assert ReasonCode.NO_ACCESS in [r.code for r in decision.reasons]


def test_assert_denies_fails_when_allowed() -> None:
    """An allowed answer fails assert_denies, saying what the login may do."""
    with pytest.raises(
        UnexpectedDecisionError,
        match=r"^expected a denial, got allowed: ap@acme\.example may use",
    ):
        assert_denies(ENGINE, "ap@acme.example", "Billing")


def test_assert_denies_with_the_wrong_reason_names_both_codes() -> None:
    """A denial for other reasons shows the codes expected and found first."""
    with pytest.raises(UnexpectedDecisionError) as caught:
        assert_denies(
            ENGINE, "books@acme.example", "Make a Payment", reason=ReasonCode.INACTIVE
        )
    assert str(caught.value) == (
        "expected the reason INACTIVE, found LEVEL_TOO_LOW: "
        "books@acme.example may not use Make a Payment: role 'Accountant' holds "
        "Customer Payment at None, below Create. To allow it: raise Customer "
        "Payment from None to Create on role 'Accountant'."
    )
    assert caught.value.expected_reason is ReasonCode.INACTIVE


def test_the_record_helpers_ask_about_a_record_at_a_level() -> None:
    """assert_allows_record / assert_denies_record ask the record question."""
    own, other = Record("101"), Record("102")
    decision = assert_allows_record(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", own)
    assert decision == ENGINE.decide_record("ap@acme.example", "TRAN_CUSTINVC", own)
    assert_allows_record(
        ENGINE, "ap@acme.example", PERMISSIONS["LIST_CASE"], own, level="Edit"
    )
    assert_denies_record(
        ENGINE,
        "ap@acme.example",
        "TRAN_CUSTINVC",
        own,
        level=Level.EDIT,
        reason=ReasonCode.LEVEL_TOO_LOW,
    )
    assert_denies_record(
        ENGINE,
        "ap@acme.example",
        "TRAN_CUSTINVC",
        other,
        reason=ReasonCode.NOT_OWN_RECORD,
    )
    with pytest.raises(UnexpectedDecisionError, match=r"^expected allowed"):
        assert_allows_record(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", other)
    with pytest.raises(UnexpectedDecisionError, match=r"^expected a denial"):
        assert_denies_record(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", own)


def test_the_sign_in_helpers_ask_about_signing_in() -> None:
    """assert_allows_sign_in / assert_denies_sign_in ask the sign-in question."""
    decision = assert_allows_sign_in(ENGINE, "ap@acme.example", website="Main Store")
    assert decision == ENGINE.decide_sign_in("ap@acme.example", "Main Store")
    assert_denies_sign_in(
        ENGINE,
        "ap@acme.example",
        website="Outlet",
        reason=ReasonCode.WEBSITE_NOT_ASSIGNED,
    )
    with pytest.raises(UnexpectedDecisionError, match=r"^expected allowed"):
        assert_allows_sign_in(ENGINE, "office@globex.example")
    with pytest.raises(UnexpectedDecisionError, match=r"^expected the reason"):
        assert_denies_sign_in(
            ENGINE, "office@globex.example", reason=ReasonCode.INACTIVE
        )


def test_the_feature_helpers_ask_through_a_website() -> None:
    """website= asks the feature question through that website."""
    assert_denies(
        ENGINE,
        "ap@acme.example",
        FEATURES["Billing"],
        website="Outlet",
        reason=ReasonCode.WEBSITE_NOT_ASSIGNED,
    )


def test_the_helpers_take_a_login_or_its_email() -> None:
    """A Login is asked by its email; one without an email, as the Login itself."""
    login = ACCOUNT.login("books@acme.example")
    assert_allows(ENGINE, login, "Print a Statement")
    no_email = Login(ACME, ACME.contacts[2])
    assert_allows(ENGINE, no_email, "Billing")
    assert_allows_sign_in(ENGINE, no_email)
    with pytest.raises(
        UnexpectedDecisionError, match="got allowed: contact 'c3' of customer"
    ):
        assert_denies(ENGINE, no_email, "Billing")


def test_the_helpers_note_the_feature_cells_of_the_logins_role() -> None:
    """Asserted features count for the login's role; other questions do not."""
    with recording_cells() as log:
        assert_allows(ENGINE, "ap@acme.example", "billing")
        assert_denies(ENGINE, "books@acme.example", "Make a Payment")
        assert_denies(ENGINE, "office@globex.example", "Billing")
        assert_denies(ENGINE, "nobody@acme.example", "Billing")
        assert_allows_sign_in(ENGINE, "ap@acme.example")
        assert_allows_record(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", Record("101"))
    unasserted = set(log.unasserted([CUSTOMER_CENTER, ACCOUNTANT]))
    assert len(unasserted) == 2 * len(FEATURES) - 2
    assert ("Customer Center", "Billing") not in unasserted
    assert ("Accountant", "Make a Payment") not in unasserted


def test_a_login_is_asked_about_by_its_email() -> None:
    """A Login of another version of the account answers as the engine's has it."""
    login = ACCOUNT.login("ap@acme.example")
    inactive = attrs.evolve(ACME, active=False)
    engine = Engine(attrs.evolve(ACCOUNT, customers=[inactive, *ACCOUNT.customers[1:]]))
    assert_denies(engine, login, "Billing", reason=ReasonCode.INACTIVE)
    assert_denies_sign_in(engine, login, reason=ReasonCode.INACTIVE)
    record = Record("101")
    assert_denies_record(engine, login, "TRAN_CUSTINVC", record)


def test_a_login_object_notes_its_roles_cell_too() -> None:
    """A Login, asked as itself, counts for its role like its email does."""
    with recording_cells() as log:
        assert_allows(ENGINE, ACCOUNT.login("ap@acme.example"), "Billing")
    assert ("Customer Center", "Billing") not in log.unasserted([CUSTOMER_CENTER])


@given(spellings("Straße Portal"))
def test_spellings_are_read_as_the_name(spelt: str) -> None:
    """Every spelling drawn folds, by the rules' own fold, to the name."""
    assert spelt.strip().casefold() == "strasse portal"


def test_spellings_reach_other_cases_and_surrounding_space() -> None:
    """The strategy is not only the name as written: case and space vary."""
    assert find(spellings("Buyer"), lambda spelt: spelt.strip() == "bUYER")
    assert find(spellings("Buyer"), lambda spelt: spelt.startswith("\u00a0"))
    assert find(spellings("ß"), lambda spelt: spelt == "SS") == "SS"


def test_spellings_of_one_name_vary_its_last_letter_however_long() -> None:
    """For one given name every character varies: 300 of them, the last too."""
    upper = find(spellings("a" * 300), lambda name: name.strip()[299] == "A")
    assert upper.strip().lower() == "a" * 300


def test_spelt_shrinks_to_the_name_as_written() -> None:
    """With nothing asked of it, the spelling shrinks to the name unchanged."""
    assert find(spelt(st.just("Straße Portal")), lambda _: True) == "Straße Portal"


@pytest.mark.parametrize("position", [0, 1, 63, 64, 149])
def test_spelt_varies_each_character_of_a_150_character_name(position: int) -> None:
    """The one number picking the cases is wide enough for the last letter too."""
    upper = find(spelt(st.just("a" * 150)), lambda name: name.strip()[position] == "A")
    assert upper.strip()[position] == "A"


@given(customers(max_contacts=2))
def test_customers_have_ids_as_text_and_emails_the_rule_accepts(
    customer: Customer,
) -> None:
    """Drawn ids are text (an integer is read as its text); emails pass the rule."""
    from ccroles.names import check_email  # noqa: PLC0415

    logins: list[Customer | Contact] = [customer, *customer.contacts]
    assert all(isinstance(each.email, str | None) for each in logins)
    for each in logins:
        if each.email is not None:
            assert check_email(each.email) == each.email
    assert isinstance(customer.internal_id, str)


@given(owned_records("007"), owned_records("101"))
def test_an_owner_id_is_drawn_as_its_integer_only_when_it_is_that_integers_text(
    padded: Record, plain: Record
) -> None:
    """'007' is no integer's text (it stays text); '101' may come as 101."""
    assert padded.customer_internal_id == "007"
    assert plain.customer_internal_id in {"101", 101}
