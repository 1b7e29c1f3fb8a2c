"""The engine's form answers: which form and which fields a login sees (issue 4)."""

import logging
from pathlib import Path

import attrs
import pytest

from ccroles import (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    Contact,
    Customer,
    Engine,
    FormField,
    FormPreferences,
    Level,
    LoginFacts,
    Origin,
    ReasonCode,
    RecordType,
    SavedOrder,
    TransactionForm,
    explain,
)
from ccroles.decisions import FormAnswer, FormQuestion
from ccroles.exceptions import (
    DecisionTruthinessError,
    MissingRecordTypeError,
    WrongRecordTypeError,
)

SO = RecordType.SALES_ORDER
INVOICE = RecordType.INVOICE
TOTAL = FormField("Total", screen=True, print_email=True)
MARGIN = FormField("Margin", screen=True, print_email=False)
TERMS = FormField("Terms", screen=False, print_email=True)
EXTERNAL = TransactionForm("Sales Order (External)", SO, fields=[TOTAL, MARGIN, TERMS])
STAFF = TransactionForm("Standard Sales Order", SO, fields=[TOTAL, MARGIN])
SHORT = TransactionForm("Short Sales Order (External)", SO, fields=[TERMS])
INVOICE_FORM = TransactionForm("Invoice", INVOICE, fields=[TOTAL, MARGIN])
ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", {"TRAN_SALESORD": "None"})
PREFERENCES = (
    FormPreferences()
    .with_account_form(STAFF)
    .with_account_form(INVOICE_FORM)
    .with_role_form(CUSTOMER_CENTER, EXTERNAL)
)
ACCOUNT = Account(
    roles=[ACCOUNTANT],
    websites=["Main", "Shop"],
    customers=[
        Customer(
            "101",
            "ACME",
            email="ap@acme.example",
            give_access=True,
            role="Customer Center",
            contacts=[
                Contact(
                    "c1", "books@acme.example", give_access=True, role="Accountant"
                ),
            ],
        ),
        Customer(
            "102",
            "BETA",
            email="ap@beta.example",
            give_access=True,
            role="Premium Customer Center",
            assigned_website="Shop",
        ),
        Customer("103", "GAMMA", email="ap@gamma.example", role="Customer Center"),
    ],
    forms=[EXTERNAL, STAFF, SHORT, INVOICE_FORM],
    form_preferences=PREFERENCES,
)
ENGINE = Engine(ACCOUNT)
ACME_ORDER = SavedOrder("101", Origin.customer_center(), EXTERNAL)
ACME_STAFF_ORDER = SavedOrder("101", Origin.staff(), STAFF)
BETA_ORDER = SavedOrder("102", Origin.web_store("Shop"), SHORT)


@attrs.frozen
class Invoice:
    """A portal's own record: the owner's id, and no record type."""

    customer_internal_id: str


@attrs.frozen
class Estimate:
    """A portal's own record that carries its record type."""

    customer_internal_id: str
    record_type: RecordType = RecordType.ESTIMATE


def codes(answer: FormAnswer) -> list[ReasonCode]:
    """The reason codes of an answer's decision, in order."""
    return [reason.code for reason in answer.decision.reasons]


ALLOWED = [
    pytest.param(
        "ap@acme.example", ACME_ORDER, None, EXTERNAL, ("Total", "Terms"), id="own"
    ),
    pytest.param(
        "AP@ACME.example",
        ACME_STAFF_ORDER,
        None,
        STAFF,
        ("Total",),
        id="stored-staff-form",
    ),
    pytest.param(
        "ap@acme.example",
        ACME_ORDER,
        SO,
        EXTERNAL,
        ("Total", "Terms"),
        id="type-given",
    ),
    pytest.param(
        "ap@acme.example",
        Invoice("101"),
        INVOICE,
        INVOICE_FORM,
        ("Total",),
        id="account-wide-form",
    ),
    pytest.param(
        "ap@acme.example",
        Invoice("101"),
        SO,
        EXTERNAL,
        ("Total", "Terms"),
        id="role-form-first",
    ),
    pytest.param(
        "ap@beta.example",
        Invoice("102"),
        SO,
        STAFF,
        ("Total",),
        id="no-role-form",
    ),
    pytest.param(
        "ap@beta.example", BETA_ORDER, None, SHORT, ("Terms",), id="web-order-form"
    ),
]


@pytest.mark.parametrize(("email", "record", "record_type", "form", "seen"), ALLOWED)
def test_a_login_sees_its_own_records_on_the_form_in_effect(
    email: str,
    record: SavedOrder | Invoice,
    record_type: RecordType | None,
    form: TransactionForm,
    seen: tuple[str, ...],
) -> None:
    """A saved order shows its stored form; others the role's, else the account's."""
    answer = ENGINE.form_answer(email, record, record_type)
    assert answer.allowed
    assert answer.view is not None
    assert (answer.view.form, answer.view.field_names) == (form, seen)
    assert ENGINE.form_view(email, record, record_type) == answer.view


DENIED = [
    pytest.param(
        "ap@acme.example",
        BETA_ORDER,
        None,
        None,
        [ReasonCode.NOT_OWN_RECORD],
        id="other",
    ),
    pytest.param(
        "books@acme.example",
        ACME_ORDER,
        None,
        None,
        [ReasonCode.LEVEL_TOO_LOW],
        id="sales-order-at-none",
    ),
    pytest.param(
        "ap@acme.example",
        Estimate("101"),
        None,
        None,
        [ReasonCode.NO_FORM],
        id="no-form",
    ),
    pytest.param(
        "ap@acme.example",
        Invoice("101"),
        RecordType.ITEM_FULFILLMENT,
        None,
        [ReasonCode.NO_FORM],
        id="no-form-either",
    ),
    pytest.param(
        "ap@beta.example",
        BETA_ORDER,
        None,
        "Main",
        [ReasonCode.WEBSITE_NOT_ASSIGNED],
        id="website",
    ),
    pytest.param(
        "ap@gamma.example",
        SavedOrder("103", Origin.staff(), STAFF),
        None,
        None,
        [ReasonCode.NO_ACCESS],
        id="no-access",
    ),
    pytest.param(
        "who@example.com",
        ACME_ORDER,
        None,
        None,
        [ReasonCode.UNKNOWN_LOGIN],
        id="unknown",
    ),
    pytest.param(
        "books@acme.example",
        BETA_ORDER,
        None,
        None,
        [ReasonCode.NOT_OWN_RECORD, ReasonCode.LEVEL_TOO_LOW],
        id="every-reason",
    ),
    pytest.param(
        "ap@acme.example",
        Estimate("102"),
        None,
        None,
        [ReasonCode.NOT_OWN_RECORD, ReasonCode.NO_FORM],
        id="other-and-no-form",
    ),
]


@pytest.mark.parametrize(
    ("email", "record", "record_type", "website", "expected"), DENIED
)
def test_form_denials_name_every_failing_check(
    email: str,
    record: SavedOrder | Invoice | Estimate,
    record_type: RecordType | None,
    website: str | None,
    expected: list[ReasonCode],
) -> None:
    """Sign-in, ownership, View on the type, a form in effect: each a reason."""
    answer = ENGINE.form_answer(email, record, record_type, website)
    assert expected == codes(answer)
    assert answer.view is None
    assert ENGINE.form_view(email, record, record_type, website) is None


def test_a_login_without_a_role_is_denied_its_own_records_form() -> None:
    """Without a role only the sign-in reason is given: no level, no form."""
    login = LoginFacts("101", None, give_access=True)
    answer = ENGINE.form_answer(login, ACME_ORDER)
    assert codes(answer) == [ReasonCode.NO_ROLE]
    assert answer.view is None


def test_no_form_says_which_preference_to_set() -> None:
    """With no form in effect, the remedy is a preferred form for the role."""
    answer = ENGINE.form_answer("ap@acme.example", Estimate("101"))
    assert explain(answer.decision, "ap@acme.example") == (
        "ap@acme.example may not see the form of the Estimate record of the "
        "customer with internal id '101': no Estimate form is preferred for role "
        "'Customer Center', nor account-wide. To allow it: prefer an external "
        "Estimate form with Basic printing for role 'Customer Center', or set an "
        "account-wide Estimate form."
    )


def test_a_level_shortfall_raises_view_on_the_record_types_permission() -> None:
    """The level needed is View on the record type's permission."""
    answer = ENGINE.form_answer("books@acme.example", ACME_ORDER)
    (reason,) = answer.decision.reasons
    assert (reason.permission, reason.required, reason.held) == (
        "TRAN_SALESORD",
        Level.VIEW,
        Level.NONE,
    )
    assert reason.remedy == "raise Sales Order from None to View on role 'Accountant'"


def test_the_question_names_the_record_type_owner_and_website() -> None:
    """A form question reads as words and keeps what was asked."""
    answer = ENGINE.form_answer("ap@beta.example", BETA_ORDER, website="Shop")
    assert answer.decision.question == FormQuestion(SO, "102", "Shop")
    assert str(answer.decision.question) == (
        "see the form of the Sales Order record of the customer with internal id "
        "'102' on website 'Shop'"
    )


def test_the_record_type_is_given_or_read_from_the_record() -> None:
    """A record without a record type needs one; a saved order is a sales order."""
    with pytest.raises(MissingRecordTypeError, match="a Invoice record has no"):
        ENGINE.form_answer("ap@acme.example", Invoice("101"))
    with pytest.raises(MissingRecordTypeError):
        ENGINE.form_view("ap@acme.example", Invoice("101"))
    with pytest.raises(WrongRecordTypeError, match="for Sales Order records") as caught:
        ENGINE.form_answer("ap@acme.example", ACME_ORDER, INVOICE)
    assert (
        caught.value.form,
        caught.value.record_type,
        caught.value.expected,
        caught.value.setting,
    ) == (EXTERNAL.name, SO, INVOICE, "the record type asked about")
    answer = ENGINE.form_answer("ap@acme.example", Estimate("101"), SO)
    assert answer.decision.question.record_type is SO  # type: ignore[union-attr]


def test_an_answer_has_no_truth_value() -> None:
    """Like a decision, a form answer must be read through .allowed or .view."""
    answer = ENGINE.form_answer("ap@acme.example", ACME_ORDER)
    with pytest.raises(DecisionTruthinessError):
        bool(answer)


def test_a_preview_sees_the_forms_the_customer_sees() -> None:
    """'Log in as customer' gives the customer's own form answers."""
    preview = ENGINE.preview("101")
    asked: list[tuple[SavedOrder | Invoice, RecordType | None]] = [
        (ACME_ORDER, None),
        (Invoice("101"), INVOICE),
    ]
    for record, record_type in asked:
        assert preview.form_answer(record, record_type) == ENGINE.form_answer(
            "ap@acme.example", record, record_type
        )
        assert preview.form_view(record, record_type) == ENGINE.form_view(
            "ap@acme.example", record, record_type
        )


def test_changing_preferences_later_keeps_a_saved_orders_form() -> None:
    """A saved order shows the form stored with it, whatever is preferred now."""
    changed = attrs.evolve(
        ACCOUNT, form_preferences=PREFERENCES.with_role_form(CUSTOMER_CENTER, SHORT)
    )
    engine = Engine(changed)
    assert engine.form_view("ap@acme.example", ACME_ORDER) == ENGINE.form_view(
        "ap@acme.example", ACME_ORDER
    )
    new = engine.form_view("ap@acme.example", Invoice("101"), SO)
    assert new is not None
    assert new.form == SHORT


def test_a_premium_role_without_its_own_form_gets_the_account_form() -> None:
    """The account-wide form applies to a role with no preference of its own."""
    view = ENGINE.form_view("ap@beta.example", Invoice("102"), SO)
    assert view is not None
    assert view.form == STAFF
    assert PREFERENCES.form_in_effect(PREMIUM_CUSTOMER_CENTER, SO) == STAFF


def test_each_form_decision_logs_one_record_when_enabled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """form_answer logs like the other decide methods; form_view logs nothing."""
    caplog.set_level(logging.DEBUG, logger="ccroles.policy")
    engine = Engine(ENGINE.account, log_decisions=True)
    engine.form_view("ap@acme.example", ACME_ORDER)
    answer = engine.form_answer("ap@acme.example", ACME_ORDER)
    (record,) = caplog.records
    assert record.decision == answer.decision  # type: ignore[attr-defined]
    assert record.email == "ap@acme.example"  # type: ignore[attr-defined]


ROOT = Path(__file__).parent.parent


def test_the_docs_example_prints_what_the_page_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/forms.md: the example account's form answers are the ones shown."""
    text = (ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
    start = text.index("```python\nfrom dataclasses import dataclass\n")
    code_start = text.index("\n", start) + 1
    code_end = text.index("```", code_start)
    out_start = text.index("```text\n", code_end) + len("```text\n")
    out_end = text.index("```", out_start)
    monkeypatch.chdir(ROOT)
    exec(compile(text[code_start:code_end], "forms.md", "exec"), {"__name__": "doc"})  # noqa: S102
    assert capsys.readouterr().out == text[out_start:out_end]
