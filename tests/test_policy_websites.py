"""The Assigned Website on every question the engine answers.

A login restricted to one website is allowed through it (and in the customer
center itself, asked without a website) and denied through any other, whatever
the question: a feature, a record, a list of records, a form, signing in, and
the same through a preview ("log in as customer").
"""

from collections.abc import Callable

import attrs
import pytest

from ccroles import (
    FEATURES,
    Account,
    Customer,
    Decision,
    Engine,
    FormField,
    FormPreferences,
    ReasonCode,
    RecordType,
    TransactionForm,
    explain,
)

MAIN = "Main Store"
WHOLESALE = "Wholesale Portal"
INVOICE_FORM = TransactionForm(
    "Invoice (External)", RecordType.INVOICE, fields=[FormField("Total")]
)
ENGINE = Engine(
    Account(
        websites=[MAIN, WHOLESALE],
        customers=[
            Customer(
                "201",
                "UMBRELLA",
                email="orders@umbrella.example",
                give_access=True,
                role="Premium Customer Center",
                assigned_website=WHOLESALE,
            ),
            Customer(
                "202",
                "ACME",
                email="ap@acme.example",
                give_access=True,
                role="Premium Customer Center",
            ),
        ],
        forms=[INVOICE_FORM],
        form_preferences=FormPreferences().with_account_form(INVOICE_FORM),
    )
)
RESTRICTED = "orders@umbrella.example"
FREE = "ap@acme.example"
OWNER = {RESTRICTED: "201", FREE: "202"}


@attrs.frozen
class Invoice:
    """A portal's record: the engine reads only its owner's internal id."""

    customer_internal_id: str


def invoice(email: str) -> Invoice:
    """An invoice of the login's own customer."""
    return Invoice(OWNER[email])


Question = Callable[[str, str | None], bool]
"""Whether the login (an email) is allowed, asked through a website or none."""


QUESTIONS: dict[str, Question] = {
    "allows": lambda email, site: ENGINE.allows(email, "Wish Lists", site),
    "allows, email in another case": lambda email, site: ENGINE.allows(
        email.upper(), "Wish Lists", site
    ),
    "allows, feature in another case": lambda email, site: ENGINE.allows(
        email, "wish lists", site
    ),
    "allows, a Feature": lambda email, site: ENGINE.allows(
        email, FEATURES["Wish Lists"], site
    ),
    "decide": lambda email, site: ENGINE.decide(email, "Wish Lists", site).allowed,
    "decide, a Feature": lambda email, site: (
        ENGINE.decide(email, FEATURES["Wish Lists"], site).allowed
    ),
    "decide, email in another case": lambda email, site: (
        ENGINE.decide(email.upper(), "Wish Lists", site).allowed
    ),
    "allows_record": lambda email, site: ENGINE.allows_record(
        email, "TRAN_CUSTINVC", invoice(email), website=site
    ),
    "decide_record": lambda email, site: (
        ENGINE.decide_record(
            email, "TRAN_CUSTINVC", invoice(email), website=site
        ).allowed
    ),
    "filter_records": lambda email, site: (
        [invoice(email)]
        == list(
            ENGINE.filter_records(
                email, "TRAN_CUSTINVC", [invoice(email), Invoice("999")], website=site
            )
        )
    ),
    "form_view": lambda email, site: (
        ENGINE.form_view(email, invoice(email), RecordType.INVOICE, site) is not None
    ),
    "form_answer": lambda email, site: (
        ENGINE.form_answer(email, invoice(email), RecordType.INVOICE, site).allowed
    ),
    "allows_sign_in": ENGINE.allows_sign_in,
    "decide_sign_in": lambda email, site: ENGINE.decide_sign_in(email, site).allowed,
    "preview.allows": lambda email, site: ENGINE.preview(OWNER[email]).allows(
        "Wish Lists", site
    ),
    "preview.decide": lambda email, site: (
        ENGINE.preview(OWNER[email]).decide("Wish Lists", site).allowed
    ),
    "preview.allows_record": lambda email, site: ENGINE.preview(
        OWNER[email]
    ).allows_record("TRAN_CUSTINVC", invoice(email), website=site),
    "preview.decide_record": lambda email, site: (
        ENGINE.preview(OWNER[email])
        .decide_record("TRAN_CUSTINVC", invoice(email), website=site)
        .allowed
    ),
    "preview.filter_records": lambda email, site: (
        [invoice(email)]
        == list(
            ENGINE.preview(OWNER[email]).filter_records(
                "TRAN_CUSTINVC", [invoice(email)], website=site
            )
        )
    ),
    "preview.form_view": lambda email, site: (
        ENGINE.preview(OWNER[email]).form_view(invoice(email), RecordType.INVOICE, site)
        is not None
    ),
    "preview.form_answer": lambda email, site: (
        ENGINE.preview(OWNER[email])
        .form_answer(invoice(email), RecordType.INVOICE, site)
        .allowed
    ),
    "preview.allows_sign_in": lambda email, site: ENGINE.preview(
        OWNER[email]
    ).allows_sign_in(site),
    "preview.decide_sign_in": lambda email, site: (
        ENGINE.preview(OWNER[email]).decide_sign_in(site).allowed
    ),
}


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=list(QUESTIONS))
def test_a_restricted_login_is_allowed_on_its_assigned_website(
    question: Question,
) -> None:
    """Through its Assigned Website, the restricted login is allowed."""
    assert question(RESTRICTED, WHOLESALE)


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=list(QUESTIONS))
def test_a_restricted_login_is_denied_on_another_website(question: Question) -> None:
    """Through any other website of the account, the restricted login is denied."""
    assert not question(RESTRICTED, MAIN)


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=list(QUESTIONS))
def test_a_restricted_login_is_allowed_without_a_website(question: Question) -> None:
    """Asked without a website (the customer center itself), it is allowed."""
    assert question(RESTRICTED, None)


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=list(QUESTIONS))
@pytest.mark.parametrize("website", [MAIN, WHOLESALE, None])
def test_an_unrestricted_login_is_allowed_on_every_website(
    question: Question, website: str | None
) -> None:
    """A login without an Assigned Website may use every website."""
    assert question(FREE, website)


DECISIONS: dict[str, Callable[[str | None], Decision]] = {
    "decide": lambda site: ENGINE.decide(RESTRICTED, "Wish Lists", site),
    "decide_record": lambda site: ENGINE.decide_record(
        RESTRICTED, "TRAN_CUSTINVC", Invoice("201"), website=site
    ),
    "form_answer": lambda site: (
        ENGINE.form_answer(
            RESTRICTED, Invoice("201"), RecordType.INVOICE, site
        ).decision
    ),
    "decide_sign_in": lambda site: ENGINE.decide_sign_in(RESTRICTED, site),
}


@pytest.mark.parametrize("decide", DECISIONS.values(), ids=list(DECISIONS))
@pytest.mark.parametrize("website", [MAIN, WHOLESALE, None])
def test_a_decision_names_the_website_it_was_asked_through(
    decide: Callable[[str | None], Decision], website: str | None
) -> None:
    """The question of a decision keeps the website (``None``: none given)."""
    assert website == decide(website).question.website


@pytest.mark.parametrize("decide", DECISIONS.values(), ids=list(DECISIONS))
def test_the_denial_on_another_website_says_which_is_assigned(
    decide: Callable[[str | None], Decision],
) -> None:
    """The one reason is the website, naming both the asked and the assigned one."""
    (reason,) = decide(MAIN).reasons
    assert (reason.code, reason.website) == (ReasonCode.WEBSITE_NOT_ASSIGNED, MAIN)
    assert repr(WHOLESALE) in reason.fact


def test_an_explanation_names_the_website_asked_through() -> None:
    """Denied on another website: the question, fact and remedy name both websites."""
    assert explain(ENGINE.decide_sign_in(RESTRICTED, MAIN), RESTRICTED) == (
        "orders@umbrella.example may not sign in on website 'Main Store': "
        "customer 'UMBRELLA' is assigned website 'Wholesale Portal', not "
        "'Main Store'. To allow it: set the Assigned Website of customer "
        "'UMBRELLA' to 'Main Store', or clear it."
    )


def test_an_explanation_joins_every_fact_and_every_remedy() -> None:
    """Several reasons: facts and remedies each joined with semicolons, in order."""
    decision = ENGINE.decide(RESTRICTED, "Mapping Store Locations", MAIN)
    assert explain(decision, RESTRICTED) == (
        "orders@umbrella.example may not use Mapping Store Locations on website "
        "'Main Store': customer 'UMBRELLA' is assigned website 'Wholesale "
        "Portal', not 'Main Store'; role 'Premium Customer Center' lacks the "
        "capability 'store_locator', and no role based on 'Premium Customer "
        "Center' has it; role 'Premium Customer Center' lacks Locations, needed "
        "at View, and no role based on 'Premium Customer Center' can hold it at "
        "View. To allow it: set the Assigned Website of customer 'UMBRELLA' to "
        "'Main Store', or clear it; give the login a role based on 'Advanced "
        "Customer Center'."
    )


@pytest.mark.parametrize(
    "decide",
    [
        lambda: ENGINE.decide_record(
            RESTRICTED, "TRAN_CUSTINVC", Invoice("202"), website=MAIN
        ),
        lambda: (
            ENGINE.form_answer(
                RESTRICTED, Invoice("202"), RecordType.INVOICE, MAIN
            ).decision
        ),
    ],
    ids=["decide_record", "form_answer"],
)
def test_another_customers_record_on_another_website_gives_both_reasons(
    decide: Callable[[], Decision],
) -> None:
    """The website and the record's owner are two failing checks, both reported."""
    assert [reason.code for reason in decide().reasons] == [
        ReasonCode.WEBSITE_NOT_ASSIGNED,
        ReasonCode.NOT_OWN_RECORD,
    ]
