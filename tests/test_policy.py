import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

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
    CCRolesError,
    CenterType,
    Contact,
    Customer,
    Decision,
    Engine,
    Feature,
    FeatureCatalogue,
    Level,
    Reason,
    ReasonCode,
    Role,
    explain,
    feature_matrix,
)
from ccroles.decisions import FeatureQuestion, RecordQuestion, SignInQuestion
from ccroles.exceptions import (
    DecisionTruthinessError,
    InvalidLevelError,
    NoLoginEmailError,
    UnknownFeatureError,
    UnknownPermissionError,
    UnknownReferenceError,
)
from ccroles.features import Has

ACCOUNTANT = CUSTOMER_CENTER.customize(
    "Accountant",
    levels={"TRAN_CUSTPYMT": "None", "TRAN_SALESORD": "None", "TRAN_RTNAUTH": "None"},
)
NO_BILLING = CUSTOMER_CENTER.customize(
    "No Billing",
    levels={
        "TRAN_CUSTPYMT": "None",
        "TRAN_STATEMENT": "None",
        "REGT_ACCTREC": "None",
        "TRAN_FIND": "None",
    },
)
NO_WEBSITE = PREMIUM_CUSTOMER_CENTER.customize(
    "No Website", capabilities={"scriptable_cart", "quote_requests"}
)
THIN = Role("Thin", levels={"TRAN_CUSTINVC": "View"}, base=CUSTOMER_CENTER)
SALES_REP = Role("Sales Rep", center_type=CenterType.SALES)


@attrs.frozen
class Invoice:
    """A portal's own record model: all the engine reads is the owner's id."""

    customer_internal_id: str
    number: int = 0


def customer(internal_id: str, customer_id: str, **fields: object) -> Customer:
    """A customer with access and the standard role unless told otherwise."""
    defaults: dict[str, object] = {
        "email": f"ap@{customer_id.lower()}.example",
        "give_access": True,
        "role": "Customer Center",
    }
    return Customer(internal_id, customer_id, **{**defaults, **fields})  # type: ignore[arg-type]


CUSTOMERS = (
    customer(
        "101",
        "ACME",
        contacts=[
            Contact("c1", "Books@Acme.example", give_access=True, role="Accountant"),
            Contact(
                "c2",
                "gone@acme.example",
                give_access=True,
                role="Customer Center",
                active=False,
            ),
            Contact("c3", "nobody@acme.example", role="Accountant"),
        ],
    ),
    customer("102", "BETA", role="Premium Customer Center", assigned_website="Shop"),
    customer("103", "GAMMA", give_access=False),
    customer("104", "DELTA", active=False, give_access=False),
    customer("105", "EPSILON", role=None),
    customer("106", "ZETA", role="Sales Rep"),
    customer("107", "ETA", role="No Website"),
    customer("108", "THETA", email=None),
    customer("109", "IOTA", role="Advanced Customer Center"),
    customer("110", "KAPPA", role="No Billing"),
    customer("111", "LAMBDA", role="Thin"),
    customer("112", "MU", role="Accountant"),
)


def make_account(*, customer_access: bool = True) -> Account:
    """The test account: one login for each way a check can fail."""
    return Account(
        customer_access=customer_access,
        roles=[ACCOUNTANT, NO_BILLING, NO_WEBSITE, THIN, SALES_REP],
        websites=["Main", "Shop"],
        customers=CUSTOMERS,
    )


ENGINE = Engine(make_account())
ROLE_OF_LOGIN = {
    "ap@acme.example": CUSTOMER_CENTER,
    "ap@beta.example": PREMIUM_CUSTOMER_CENTER,
    "ap@iota.example": ADVANCED_CUSTOMER_CENTER,
}


def codes(decision: Decision) -> list[ReasonCode]:
    """The reason codes of a decision, in order."""
    return [reason.code for reason in decision.reasons]


def remedies(decision: Decision) -> list[str | None]:
    """The remedies of a decision's reasons, in order."""
    return [reason.remedy for reason in decision.reasons]


# --- features -------------------------------------------------------------


@pytest.mark.parametrize("feature", list(FEATURES))
@pytest.mark.parametrize("email", list(ROLE_OF_LOGIN))
def test_builtin_role_logins_follow_the_feature_matrix(
    email: str, feature: str
) -> None:
    """A login with a built-in role gets exactly its column of the matrix."""
    expected = feature_matrix(BUILTIN_ROLES).allows(ROLE_OF_LOGIN[email].name, feature)
    assert expected == ENGINE.allows(email, feature)
    assert expected == ENGINE.decide(email, feature).allowed


@pytest.mark.parametrize(
    "email", ["books@acme.example", "BOOKS@ACME.EXAMPLE", "Books@Acme.example"]
)
def test_emails_match_ignoring_case(email: str) -> None:
    """A login is found whatever the case of the email asked."""
    assert ENGINE.allows(email, "Print a Statement")
    assert not ENGINE.allows(email, "Make a Payment")
    assert ENGINE.decide(email, "Print a Statement").allowed
    assert ENGINE.decide(email, "Make a Payment") == ENGINE.decide(
        "books@acme.example", "Make a Payment"
    )


def test_feature_names_match_ignoring_case_and_features_are_accepted() -> None:
    """Feature names are matched in any case; a Feature object works too."""
    assert ENGINE.allows("ap@acme.example", "make a PAYMENT")
    assert ENGINE.allows("AP@ACME.example", "make a payment", "Main")
    assert ENGINE.allows("ap@acme.example", FEATURES["Wish Lists"]) is False
    decision = ENGINE.decide("ap@acme.example", FEATURES["Make a Payment"])
    assert FeatureQuestion("Make a Payment") == decision.question
    assert ENGINE.decide("ap@acme.example", "billing").question.feature == "Billing"  # type: ignore[union-attr]


@pytest.mark.parametrize("email", ["ap@acme.example", "unknown@example.com"])
def test_an_unknown_feature_raises_with_a_suggestion(email: str) -> None:
    """A misspelt feature is a programming error: it raises, it never denies."""
    for ask in (ENGINE.allows, ENGINE.decide):
        with pytest.raises(UnknownFeatureError) as caught:
            ask(email, "Make a Paymnet")
        assert caught.value.suggestion == "Make a Payment"
        assert isinstance(caught.value, CCRolesError)


def test_logins_of_a_role_share_its_decisions() -> None:
    """Two logins of one role that may sign in get the very same decision."""
    shared = ENGINE.decide("ap@mu.example", "Make a Payment")
    assert shared is ENGINE.decide("Books@Acme.example", "Make a Payment")
    assert shared == ENGINE.decide("BOOKS@ACME.example", "Make a Payment")
    assert shared != ENGINE.decide("ap@acme.example", "Make a Payment")


def test_a_decision_has_no_truth_value() -> None:
    """`if decision:` raises; callers read decision.allowed."""
    decision = ENGINE.decide("ap@acme.example", "Billing")
    with pytest.raises(DecisionTruthinessError, match=r"decision\.allowed"):
        bool(decision)
    assert issubclass(DecisionTruthinessError, TypeError)
    assert decision.allowed


def test_an_allowed_decision_has_no_reasons() -> None:
    """Allowed exactly when no check fails."""
    decision = ENGINE.decide("ap@acme.example", "Make a Payment")
    assert decision.reasons == ()
    assert decision.allowed


@pytest.mark.parametrize(
    ("email", "feature", "website", "expected"),
    [
        ("ap@gamma.example", "Billing", None, [ReasonCode.NO_ACCESS]),
        (
            "ap@delta.example",
            "Billing",
            None,
            [ReasonCode.NO_ACCESS, ReasonCode.INACTIVE],
        ),
        ("gone@acme.example", "Billing", None, [ReasonCode.INACTIVE]),
        (
            "nobody@acme.example",
            "Make a Payment",
            None,
            [ReasonCode.NO_ACCESS, ReasonCode.LEVEL_TOO_LOW],
        ),
        ("ap@epsilon.example", "Billing", None, [ReasonCode.NO_ROLE]),
        ("ap@zeta.example", "Billing", None, [ReasonCode.NOT_CUSTOMER_CENTER_ROLE]),
        ("ap@beta.example", "Billing", "Main", [ReasonCode.WEBSITE_NOT_ASSIGNED]),
        ("ap@unknown.example", "Billing", None, [ReasonCode.UNKNOWN_LOGIN]),
        ("ap@acme.example", "Wish Lists", None, [ReasonCode.MISSING_CAPABILITY]),
        (
            "ap@eta.example",
            "Scriptable Cart",
            None,
            [ReasonCode.PARENT_DENIED, ReasonCode.MISSING_CAPABILITY],
        ),
        (
            "ap@iota.example",
            "Make a Payment",
            "Shop",
            [
                ReasonCode.LEVEL_TOO_LOW,
                ReasonCode.LEVEL_TOO_LOW,
                ReasonCode.PARENT_DENIED,
            ],
        ),
    ],
)
def test_every_failing_check_is_a_reason(
    email: str, feature: str, website: str | None, expected: list[ReasonCode]
) -> None:
    """Each failing check adds its reason code, in the order the checks run."""
    decision = ENGINE.decide(email, feature, website)
    assert expected == codes(decision)
    assert not decision.allowed
    assert not ENGINE.allows(email, feature, website)


def test_the_remedy_raises_a_level_on_a_custom_role() -> None:
    """A shortfall its root allows is fixed by raising the level on the role."""
    decision = ENGINE.decide("books@acme.example", "Make a Payment")
    assert [
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTPYMT",
            required=Level.CREATE,
            held=Level.NONE,
            role="Accountant",
        )
    ] == list(decision.reasons)
    assert [(r.fact, r.remedy) for r in decision.reasons] == [
        (
            "role 'Accountant' holds Customer Payment at None, below Create",
            "raise Customer Payment from None to Create on role 'Accountant'",
        )
    ]


def test_the_remedy_adds_a_permission_a_custom_role_lacks() -> None:
    """A copy without a permission its root holds is told to add it."""
    decision = ENGINE.decide("ap@lambda.example", "Make a Payment")
    assert remedies(decision) == ["add Customer Payment at Create to role 'Thin'", None]
    assert decision.reasons[0].held is None
    assert (
        str(decision.reasons[0])
        == "role 'Thin' lacks Customer Payment, needed at Create"
    )


def test_the_remedy_never_raises_a_level_above_the_root() -> None:
    """Past the root's level the only change is a role based on another root."""
    switch = "give the login a role based on 'Premium Customer Center'"
    for email in ("books@acme.example", "ap@acme.example"):
        decision = ENGINE.decide(email, "Quote Request and Approval")
        assert codes(decision)[:2] == [
            ReasonCode.MISSING_CAPABILITY,
            ReasonCode.LEVEL_TOO_LOW,
        ]
        assert {switch} == set(remedies(decision)[:2])
        assert (
            "no role based on 'Customer Center' can hold it at Create"
            in decision.reasons[1].fact
        )


def test_the_remedy_adds_a_capability_the_root_has() -> None:
    """A capability dropped from a copy can be given back."""
    decision = ENGINE.decide("ap@eta.example", "Website")
    assert remedies(decision) == ["add the capability 'website' to role 'No Website'"]


def test_no_remedy_when_no_root_role_allows_it() -> None:
    """When no built-in role holds the level, no change is proposed."""
    decision = ENGINE.decide_record(
        "ap@acme.example", "TRAN_CUSTINVC", Invoice("101"), Level.EDIT
    )
    assert remedies(decision) == [None]
    assert "no role based on 'Customer Center' can hold it at Edit" in str(
        decision.reasons[0]
    )
    assert explain(decision).endswith("No change to the account allows it.")


def test_a_denied_area_adds_only_what_the_feature_does_not_fix() -> None:
    """The area's reason is listed; fixing the feature fixes the area too."""
    decision = ENGINE.decide("ap@kappa.example", "Make a Payment")
    assert codes(decision) == [ReasonCode.LEVEL_TOO_LOW, ReasonCode.PARENT_DENIED]
    assert decision.reasons[1].feature == "Billing"
    assert decision.reasons[1].remedy is None
    assert "which the changes above also fix" in decision.reasons[1].fact


def test_a_denied_area_adds_what_the_area_still_lacks() -> None:
    """A child met while its area is not: the area's own lack is the remedy."""
    decision = ENGINE.decide("ap@eta.example", "Scriptable Cart")
    assert ("Website", Has("website").capability) == (
        decision.reasons[0].feature,
        decision.reasons[1].capability,
    )
    assert remedies(decision) == [
        None,
        "add the capability 'website' to role 'No Website'",
    ]


def test_an_excluded_requirement_is_a_reason() -> None:
    """A feature requiring `not X` is denied, with reason, to a role with X."""
    catalogue = FeatureCatalogue([Feature("Plain Cart", ~Has("scriptable_cart"))])
    engine = Engine(make_account(), features=catalogue)
    assert engine.allows("ap@acme.example", "Plain Cart")
    decision = engine.decide("ap@beta.example", "Plain Cart")
    assert codes(decision) == [ReasonCode.EXCLUDED]
    reason = str(decision.reasons[0])
    assert (
        reason
        == "role 'Premium Customer Center' meets scriptable_cart, which is excluded"
    )


# --- access and websites --------------------------------------------------


def test_customer_access_off_denies_everything() -> None:
    """With the account's Customer Access off, every question is denied."""
    engine = Engine(make_account(customer_access=False))
    for email in ("ap@acme.example", "Books@Acme.example", "who@example.com"):
        assert not engine.allows(email, "Billing")
        assert not engine.allows_sign_in(email)
        assert not engine.allows_record(email, "TRAN_CUSTINVC", Invoice("101"))
        decision = engine.decide(email, "Billing")
        assert decision.reasons[0].code == ReasonCode.CUSTOMER_ACCESS_OFF
    assert codes(engine.decide_sign_in("who@example.com")) == [
        ReasonCode.CUSTOMER_ACCESS_OFF,
        ReasonCode.UNKNOWN_LOGIN,
    ]


def test_an_assigned_website_restricts_the_login_to_it() -> None:
    """A restricted login is allowed on its website (or none), denied elsewhere."""
    assert ENGINE.allows("ap@beta.example", "Wish Lists", "Shop")
    assert ENGINE.allows("ap@beta.example", "Wish Lists")
    assert not ENGINE.allows("ap@beta.example", "Wish Lists", "Main")
    assert not ENGINE.allows("AP@BETA.example", "Wish Lists", "Main")
    reason = ENGINE.decide("ap@beta.example", "Wish Lists", "Main").reasons[0]
    assert reason.website == "Main"
    assert (
        reason.remedy
        == "set the Assigned Website of customer 'BETA' to 'Main', or clear it"
    )
    assert ENGINE.allows("ap@acme.example", "Billing", "Main")
    assert ENGINE.allows("ap@acme.example", "Billing", "Shop")


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("ap@acme.example", None, []),
        ("Books@acme.EXAMPLE", "Main", []),
        ("ap@beta.example", "Shop", []),
        ("ap@beta.example", "Main", [ReasonCode.WEBSITE_NOT_ASSIGNED]),
        ("ap@gamma.example", None, [ReasonCode.NO_ACCESS]),
        ("gone@acme.example", None, [ReasonCode.INACTIVE]),
        ("ap@epsilon.example", None, [ReasonCode.NO_ROLE]),
        ("ap@zeta.example", None, [ReasonCode.NOT_CUSTOMER_CENTER_ROLE]),
        ("nobody@example.com", None, [ReasonCode.UNKNOWN_LOGIN]),
    ],
)
def test_sign_in_checks_access_activity_role_and_website(
    email: str, website: str | None, expected: list[ReasonCode]
) -> None:
    """Signing in needs access, activity, a customer center role, the website."""
    decision = ENGINE.decide_sign_in(email, website)
    assert expected == codes(decision)
    assert SignInQuestion(website) == decision.question
    assert (not expected) == ENGINE.allows_sign_in(email, website)


def test_an_inactive_customer_and_contact_are_two_reasons() -> None:
    """Both records inactive: each is named, each with its own remedy."""
    account = Account(
        customers=[
            customer(
                "1",
                "OLD",
                email=None,
                active=False,
                contacts=[
                    Contact(
                        "c9",
                        "c9@old.example",
                        give_access=True,
                        role="Customer Center",
                        active=False,
                    )
                ],
            )
        ]
    )
    decision = Engine(account).decide_sign_in("c9@old.example")
    assert remedies(decision) == [
        "make customer 'OLD' active",
        "make contact 'c9' of customer 'OLD' active",
    ]


# --- records --------------------------------------------------------------


def test_a_login_reaches_its_own_records_at_its_level() -> None:
    """Own records at or below the role's level are allowed."""
    invoice = Invoice("101")
    assert ENGINE.allows_record("ap@acme.example", "TRAN_CUSTINVC", invoice)
    assert ENGINE.allows_record("Books@Acme.example", "TRAN_CUSTINVC", invoice, "view")
    assert ENGINE.allows_record(
        "ap@acme.example", PERMISSIONS["TRAN_SALESORD"], invoice, Level.EDIT
    )
    decision = ENGINE.decide_record("ap@acme.example", "TRAN_SALESORD", invoice, "Edit")
    assert decision.allowed
    assert RecordQuestion("TRAN_SALESORD", Level.EDIT, "101") == decision.question


def test_a_login_never_reaches_another_customers_record() -> None:
    """Another customer's record is denied, with no change proposed."""
    decision = ENGINE.decide_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("102"))
    assert codes(decision) == [ReasonCode.NOT_OWN_RECORD]
    assert remedies(decision) == [None]
    assert not ENGINE.allows_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("102"))


@pytest.mark.parametrize(
    ("email", "key", "level", "owner", "expected"),
    [
        ("ap@acme.example", "TRAN_CUSTINVC", "Edit", "101", [ReasonCode.LEVEL_TOO_LOW]),
        ("ap@acme.example", "LIST_LOCATION", "View", "101", [ReasonCode.LEVEL_TOO_LOW]),
        (
            "books@acme.example",
            "TRAN_CUSTPYMT",
            "View",
            "101",
            [ReasonCode.LEVEL_TOO_LOW],
        ),
        ("ap@gamma.example", "TRAN_CUSTINVC", "View", "103", [ReasonCode.NO_ACCESS]),
        (
            "ap@zeta.example",
            "TRAN_CUSTINVC",
            "View",
            "101",
            [ReasonCode.NOT_CUSTOMER_CENTER_ROLE, ReasonCode.NOT_OWN_RECORD],
        ),
        (
            "ap@gamma.example",
            "TRAN_CUSTINVC",
            "Full",
            "101",
            [
                ReasonCode.NO_ACCESS,
                ReasonCode.NOT_OWN_RECORD,
                ReasonCode.LEVEL_TOO_LOW,
            ],
        ),
        ("who@example.com", "TRAN_CUSTINVC", "View", "101", [ReasonCode.UNKNOWN_LOGIN]),
    ],
)
def test_record_denials_name_every_failing_check(
    email: str, key: str, level: str, owner: str, expected: list[ReasonCode]
) -> None:
    """Access, role, ownership and level checks each add their reason."""
    invoice = Invoice(owner)
    assert expected == codes(ENGINE.decide_record(email, key, invoice, level))
    assert not ENGINE.allows_record(email, key, invoice, level)


def test_a_record_level_shortfall_says_which_root_allows_it() -> None:
    """Locations is held only by the Advanced role: the remedy names it."""
    decision = ENGINE.decide_record("ap@acme.example", "LIST_LOCATION", Invoice("101"))
    assert remedies(decision) == [
        "give the login a role based on 'Advanced Customer Center'"
    ]


def test_record_questions_check_their_arguments() -> None:
    """An unknown permission or level is a programming error."""
    with pytest.raises(UnknownPermissionError, match="TRAN_CUSTINVC"):
        ENGINE.allows_record("ap@acme.example", "TRAN_CUSTINV", Invoice("101"))
    with pytest.raises(InvalidLevelError):
        ENGINE.decide_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("101"), "Own")
    with pytest.raises(UnknownPermissionError):
        ENGINE.filter_records("who@example.com", "NOPE_X", [])


def test_filtering_yields_own_records_lazily_in_one_pass() -> None:
    """Only own records come out, in order, read as the result is iterated."""
    read: list[int] = []

    def records() -> Iterator[Invoice]:
        for number, owner in enumerate(["101", "102", "101", "109"]):
            read.append(number)
            yield Invoice(owner, number)

    mine = ENGINE.filter_records("ap@acme.example", "TRAN_CUSTINVC", records())
    assert read == []
    assert Invoice("101", 0) == next(mine)
    assert read == [0]
    assert [Invoice("101", 2)] == list(mine)
    assert read == [0, 1, 2, 3]


def test_filtering_for_a_denied_login_reads_nothing() -> None:
    """A login that may reach no record gets nothing, without reading any."""

    class Unread:
        def __iter__(self) -> Iterator[Invoice]:
            pytest.fail("the records were read")

    for email, key in [
        ("ap@gamma.example", "TRAN_CUSTINVC"),
        ("ap@acme.example", "LIST_LOCATION"),
        ("who@example.com", "TRAN_CUSTINVC"),
        ("ap@epsilon.example", "TRAN_CUSTINVC"),
    ]:
        assert list(ENGINE.filter_records(email, key, Unread())) == []


# --- log in as customer ---------------------------------------------------


def test_a_preview_answers_as_the_customers_login() -> None:
    """'Log in as customer' gives the customer's own login's answers."""
    preview = ENGINE.preview("102")
    email = "ap@beta.example"
    invoice = Invoice("102")
    assert email == preview.email
    for feature in FEATURES:
        for website in (None, "Main", "Shop"):
            assert ENGINE.allows(email, feature, website) == preview.allows(
                feature, website
            )
            assert ENGINE.decide(email, feature, website) == preview.decide(
                feature, website
            )
    assert preview.allows_record("TRAN_CUSTINVC", invoice)
    assert ENGINE.decide_record(email, "TRAN_CUSTINVC", invoice) == (
        preview.decide_record("TRAN_CUSTINVC", invoice)
    )
    assert [invoice] == list(preview.filter_records("TRAN_CUSTINVC", [invoice]))
    assert not preview.allows_sign_in("Main")
    assert ENGINE.decide_sign_in(email, "Main") == preview.decide_sign_in("Main")


def test_a_preview_needs_a_customer_with_an_email() -> None:
    """No email means no login to preview; an unknown id is refused too."""
    with pytest.raises(NoLoginEmailError, match="customer 'THETA' has no email"):
        ENGINE.preview("108")
    with pytest.raises(UnknownReferenceError):
        ENGINE.preview("999")


# --- explanations ---------------------------------------------------------


def test_an_explanation_is_one_paragraph_with_the_remedies() -> None:
    """The renderer names who asked, the question, the facts and the changes."""
    decision = ENGINE.decide("Books@Acme.example", "Make a Payment")
    assert explain(decision, "Books@Acme.example") == (
        "Books@Acme.example may not use Make a Payment: role 'Accountant' holds "
        "Customer Payment at None, below Create. To allow it: raise Customer "
        "Payment from None to Create on role 'Accountant'."
    )


def test_an_explanation_of_an_allowed_decision() -> None:
    """An allowed decision is one sentence."""
    assert explain(ENGINE.decide("ap@beta.example", "Wish Lists", "Shop")) == (
        "This login may use Wish Lists on website 'Shop'."
    )


def test_an_explanation_lists_each_remedy_once() -> None:
    """Two reasons with the same remedy propose it once."""
    text = explain(ENGINE.decide("ap@acme.example", "Quote Request and Approval"))
    assert text.count("give the login a role based on") == 1
    assert explain(ENGINE.decide_sign_in("ap@epsilon.example")).endswith(
        "To allow it: pick a customer center role for customer 'EPSILON'."
    )


@pytest.mark.parametrize(
    ("level", "words"),
    [
        (Level.NONE, "hold None on the Invoice record"),
        (Level.VIEW, "view the Invoice record"),
        (Level.CREATE, "create the Invoice record"),
        (Level.EDIT, "edit the Invoice record"),
        (Level.FULL, "delete the Invoice record"),
    ],
)
def test_record_questions_read_as_words(level: Level, words: str) -> None:
    """A record question names the level as a verb."""
    question = RecordQuestion("TRAN_CUSTINVC", level, "7", website="Shop")
    assert f"{words} of the customer with internal id '7' on website 'Shop'" == str(
        question
    )


# --- logging --------------------------------------------------------------


def test_each_decision_logs_one_structured_record_when_enabled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With log_decisions on, every decide logs one DEBUG record with extras."""
    engine = Engine(ENGINE.account, log_decisions=True)
    with caplog.at_level(logging.DEBUG, logger="ccroles.policy"):
        denied = engine.decide("ap@gamma.example", "Billing")
        engine.decide_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("101"))
        engine.decide_sign_in("ap@acme.example")
        engine.allows("ap@acme.example", "Billing")
    assert len(caplog.records) == 3
    record = caplog.records[0]
    assert record.getMessage() == "ap@gamma.example may not use Billing"
    assert record.decision is denied  # type: ignore[attr-defined]
    assert record.allowed is False  # type: ignore[attr-defined]
    assert record.reasons == ("no_access",)  # type: ignore[attr-defined]
    assert record.question == "use Billing"  # type: ignore[attr-defined]
    assert record.email == "ap@gamma.example"  # type: ignore[attr-defined]
    assert caplog.records[2].getMessage() == "ap@acme.example may sign in"


def test_decisions_log_nothing_by_default(caplog: pytest.LogCaptureFixture) -> None:
    """Off by default: even with the logger at DEBUG nothing is logged."""
    assert not ENGINE.log_decisions
    with caplog.at_level(logging.DEBUG, logger="ccroles.policy"):
        ENGINE.decide("ap@acme.example", "Billing")
    assert caplog.records == []


def test_the_logger_level_still_filters_logged_decisions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With log_decisions on and the logger above DEBUG, nothing is kept."""
    engine = Engine(ENGINE.account, log_decisions=True)
    with caplog.at_level(logging.INFO, logger="ccroles.policy"):
        engine.decide("ap@acme.example", "Billing")
    assert caplog.records == []


# --- the engine as a value ------------------------------------------------


def test_the_engine_is_immutable() -> None:
    """An engine cannot be changed once built."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ENGINE.account = make_account(customer_access=False)  # type: ignore[misc]


def test_answers_from_eight_threads_match_the_serial_answers() -> None:
    """One engine shared by 8 threads gives the answers it gives serially."""
    emails = [login.email for login in ENGINE.account.logins()] + ["x@y.example"]
    questions = [
        (email, feature, website)
        for email in emails
        if email is not None
        for feature in FEATURES
        for website in (None, "Shop")
    ]
    serial = [(ENGINE.allows(*q), ENGINE.decide(*q)) for q in questions]
    start = threading.Barrier(8)

    def answer(shift: int) -> list[tuple[bool, Decision]]:
        start.wait()
        order = questions[shift:] + questions[:shift]
        answers = [(ENGINE.allows(*q), ENGINE.decide(*q)) for q in order]
        return answers[-shift:] + answers[:-shift] if shift else answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(answer, range(0, 8 * 37, 37)))
    for result in results:
        assert serial == result
