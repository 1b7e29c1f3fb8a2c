"""Decisions as data, words in one place: reasons' fields, English, gettext."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime

import attrs
import pytest

from ccroles import Account, Contact, Customer, Engine, Level, Reason, ReasonCode
from ccroles.decisions import (
    Decision,
    FeatureQuestion,
    FormQuestion,
    RecordQuestion,
    SignInQuestion,
)
from ccroles.forms import RecordType
from ccroles.roles import Capability, CenterType, Role
from ccroles.wording import (
    DOMAIN,
    ENGLISH,
    customer_message,
    explain,
    fact,
    question,
    remedy,
    translation,
)

SALES_REP = Role("Sales Rep", center_type=CenterType.SALES)
GLOBEX = Customer(
    "401",
    "GLOBEX",
    email="ap@globex.example",
    role="Sales Rep",
    assigned_website="Outlet",
    active=False,
    contacts=[Contact("c9", "c9@globex.example", active=False)],
)
ACME = Customer(
    "301", "ACME", email="ap@acme.example", give_access=True, role="Customer Center"
)
ENGINE = Engine(
    Account(roles=[SALES_REP], websites=["Shop", "Outlet"], customers=[GLOBEX, ACME])
)
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@attrs.frozen
class Invoice:
    """A portal's record."""

    customer_internal_id: str


def test_the_login_reasons_carry_the_login_as_fields() -> None:
    """No access, inactive, not a customer center role: each names the login."""
    assert ENGINE.decide_sign_in("ap@globex.example", "Shop").reasons == (
        Reason(ReasonCode.NO_ACCESS, customer="GLOBEX"),
        Reason(ReasonCode.INACTIVE, customer="GLOBEX"),
        Reason(
            ReasonCode.NOT_CUSTOMER_CENTER_ROLE,
            role="Sales Rep",
            center="Sales Center",
            customer="GLOBEX",
        ),
        Reason(
            ReasonCode.WEBSITE_NOT_ASSIGNED,
            customer="GLOBEX",
            assigned="Outlet",
            website="Shop",
        ),
    )


def test_an_inactive_contact_is_named_apart_from_its_customer() -> None:
    """The customer's reason has no contact; the contact's has its id."""
    reasons = ENGINE.decide_sign_in("c9@globex.example").reasons
    assert reasons == (
        Reason(ReasonCode.NO_ACCESS, customer="GLOBEX", contact="c9"),
        Reason(ReasonCode.INACTIVE, customer="GLOBEX"),
        Reason(ReasonCode.INACTIVE, customer="GLOBEX", contact="c9"),
        Reason(ReasonCode.NO_ROLE, customer="GLOBEX", contact="c9"),
    )
    assert [r.fact for r in reasons[1:3]] == [
        "customer 'GLOBEX' is inactive",
        "contact 'c9' of customer 'GLOBEX' is inactive",
    ]


def test_another_customers_record_carries_both_customers() -> None:
    """NOT_OWN_RECORD names the record's owner and the login's customer."""
    decision = ENGINE.decide_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("399"))
    assert decision.reasons == (
        Reason(ReasonCode.NOT_OWN_RECORD, owner="399", customer="ACME"),
    )


def test_a_shortfall_beyond_the_root_carries_the_root() -> None:
    """A standard role cannot be raised: the reason names its root instead."""
    decision = ENGINE.decide_record(
        "ap@acme.example", "TRAN_CUSTINVC", Invoice("301"), Level.FULL
    )
    assert decision.reasons == (
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTINVC",
            required=Level.FULL,
            held=Level.VIEW,
            role="Customer Center",
            root="Customer Center",
        ),
    )


REASONS = [
    (
        Reason(ReasonCode.CUSTOMER_ACCESS_OFF),
        "the account's Customer Access feature is off",
        "switch on the account's Customer Access feature",
    ),
    (
        Reason(ReasonCode.UNKNOWN_LOGIN),
        "no customer or contact has this email",
        "give a customer or contact this email, with access and a customer center role",
    ),
    (
        Reason(ReasonCode.UNKNOWN_LOGIN, signed_in=False),
        "nobody is signed in",
        "sign in with a login",
    ),
    (
        Reason(ReasonCode.NO_ACCESS, customer="A", contact="c1"),
        "contact 'c1' of customer 'A' does not have Give Access ticked",
        "tick Give Access on contact 'c1' of customer 'A'",
    ),
    (
        Reason(ReasonCode.INACTIVE, customer="A"),
        "customer 'A' is inactive",
        "make customer 'A' active",
    ),
    (
        Reason(ReasonCode.NO_ROLE, customer="A"),
        "customer 'A' has no role",
        "pick a customer center role for customer 'A'",
    ),
    (
        Reason(
            ReasonCode.NOT_CUSTOMER_CENTER_ROLE, role="R", center="Sales", customer="A"
        ),
        "role 'R' is a Sales role, not a customer center role",
        "give customer 'A' a customer center role",
    ),
    (
        Reason(
            ReasonCode.WEBSITE_NOT_ASSIGNED, customer="A", assigned="O", website="S"
        ),
        "customer 'A' is assigned website 'O', not 'S'",
        "set the Assigned Website of customer 'A' to 'S', or clear it",
    ),
    (
        Reason(ReasonCode.NOT_OWN_RECORD, owner="9", customer="A"),
        (
            "the record belongs to the customer with internal id '9', not to customer "
            "'A', and a customer center login only reaches its own customer's records"
        ),
        None,
    ),
    (
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTINVC",
            required=Level.EDIT,
            role="R",
        ),
        "role 'R' lacks Invoice, needed at Edit",
        "add Invoice at Edit to role 'R'",
    ),
    (
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTINVC",
            required=Level.EDIT,
            held=Level.VIEW,
            role="R",
        ),
        "role 'R' holds Invoice at View, below Edit",
        "raise Invoice from View to Edit on role 'R'",
    ),
    (
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTINVC",
            required=Level.EDIT,
            role="R",
            root="Root",
            alternatives=("X", "Y"),
        ),
        (
            "role 'R' lacks Invoice, needed at Edit, and no role based on 'Root' can "
            "hold it at Edit"
        ),
        "give the login a role based on 'X' or 'Y'",
    ),
    (
        Reason(
            ReasonCode.LEVEL_TOO_LOW,
            permission="TRAN_CUSTINVC",
            required=Level.EDIT,
            held=Level.VIEW,
            role="R",
            root="Root",
        ),
        (
            "role 'R' holds Invoice at View, below Edit, and no role based on 'Root' "
            "can hold it at Edit"
        ),
        None,
    ),
    (
        Reason(
            ReasonCode.MISSING_CAPABILITY, capability=Capability.WISH_LISTS, role="R"
        ),
        "role 'R' lacks the capability 'wish_lists'",
        "add the capability 'wish_lists' to role 'R'",
    ),
    (
        Reason(
            ReasonCode.MISSING_CAPABILITY,
            capability=Capability.WISH_LISTS,
            role="R",
            root="Root",
            alternatives=("X",),
        ),
        (
            "role 'R' lacks the capability 'wish_lists', and no role based on 'Root' "
            "has it"
        ),
        "give the login a role based on 'X'",
    ),
    (
        Reason(ReasonCode.PARENT_DENIED, feature="Area"),
        "its area 'Area' is denied too",
        None,
    ),
    (
        Reason(ReasonCode.PARENT_DENIED, feature="Area", covered=True),
        "its area 'Area' is denied too, which the changes above also fix",
        None,
    ),
    (
        Reason(ReasonCode.EXCLUDED, role="R", requirement="Invoice at View"),
        "role 'R' meets Invoice at View, which is excluded",
        "change role 'R' so that it no longer meets Invoice at View",
    ),
    (
        Reason(ReasonCode.NO_FORM, role="R", record_type=RecordType.ESTIMATE),
        "no Estimate form is preferred for role 'R', nor account-wide",
        (
            "prefer an external Estimate form with Basic printing for role 'R', or set "
            "an account-wide Estimate form"
        ),
    ),
    (
        Reason(ReasonCode.LOCKED, until=NOW),
        (
            "the login is locked after too many wrong passwords in a row, until "
            "2026-03-01 09:30 UTC"
        ),
        "wait until 2026-03-01 09:30 UTC, or have an administrator unlock the login",
    ),
    (
        Reason(ReasonCode.LOCKED),
        "the login is locked after too many wrong passwords in a row",
        "have an administrator unlock the login",
    ),
    (Reason(ReasonCode.LINK_EXPIRED), "the link expired", "ask for a new link"),
    (
        Reason(ReasonCode.WRONG_PASSWORD),
        "the email or the password is wrong",
        "sign in with the right password, or ask for a reset link",
    ),
    (Reason(ReasonCode.LINK_UNKNOWN), "no link has this token", "ask for a new link"),
    (
        Reason(ReasonCode.LINK_EXPIRED, until=NOW),
        "the link expired at 2026-03-01 09:30 UTC",
        "ask for a new link",
    ),
    (Reason(ReasonCode.LINK_USED), "the link was used already", "ask for a new link"),
    (
        Reason(ReasonCode.LINK_REPLACED),
        "a newer link was sent for this login",
        "ask for a new link",
    ),
    (
        Reason(ReasonCode.LINK_CLOSED),
        "the login's password or access changed after the link was sent",
        "ask for a new link",
    ),
    (
        Reason(ReasonCode.SESSION_ENDED),
        "the session started before the login's password or access last changed",
        "sign in again",
    ),
]


@pytest.mark.parametrize(("reason", "said", "change"), REASONS)
def test_the_english_words_of_each_reason(
    reason: Reason, said: str, change: str | None
) -> None:
    """Each code's fields make the fact and the remedy, word for word."""
    assert (reason.fact, reason.remedy, str(reason)) == (said, change, said)
    assert (fact(reason, ENGLISH), remedy(reason, ENGLISH)) == (said, change)


def test_every_code_has_words() -> None:
    """The table above says every code."""
    assert {reason.code for reason, _, _ in REASONS} == set(ReasonCode)


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        (FeatureQuestion("Wish Lists", "Shop"), "use Wish Lists on website 'Shop'"),
        (
            RecordQuestion("TRAN_CUSTINVC", Level.FULL, "7"),
            "delete the Invoice record of the customer with internal id '7'",
        ),
        (
            FormQuestion(RecordType.ESTIMATE, "7", "Shop"),
            (
                "see the form of the Estimate record of the customer with internal id "
                "'7' on website 'Shop'"
            ),
        ),
        (SignInQuestion(), "sign in"),
    ],
)
def test_questions_in_words(asked: FeatureQuestion, said: str) -> None:
    """Each kind of question is said from its fields."""
    assert question(asked) == str(asked) == said


class French(gettext.NullTranslations):
    """A tiny in-test catalogue: a few of the library's messages in French."""

    WORDS = {  # noqa: RUF012 (a test's catalogue)
        "{login} is inactive": "{login} est inactif",
        "make {login} active": "rendre {login} actif",
        "{who} may not {question}: {facts}. {change}": (
            "{who} ne peut pas {question} : {facts}. {change}"
        ),
        "To allow it: {remedies}.": "Pour le permettre : {remedies}.",
        "sign in": "se connecter",
        "You can't sign in.": "Vous ne pouvez pas vous connecter.",
        "Your account is inactive; ask your administrator.": (
            "Votre compte est inactif ; demandez à votre administrateur."
        ),
    }

    def gettext(self, message: str) -> str:
        """Say *message* in French when the catalogue has it."""
        return self.WORDS.get(message, message)


def test_a_translation_changes_every_rendering() -> None:
    """A gettext translations object passed in says the same data in French."""
    reason = Reason(ReasonCode.INACTIVE, customer="A")
    decision = Decision(SignInQuestion(), (reason,))
    assert fact(reason, French()) == "customer 'A' est inactif"
    assert remedy(reason, French()) == "rendre customer 'A' actif"
    assert explain(decision, "a@x.example", French()) == (
        "a@x.example ne peut pas se connecter : customer 'A' est inactif. "
        "Pour le permettre : rendre customer 'A' actif."
    )
    assert customer_message(decision, French()) == (
        "Vous ne pouvez pas vous connecter. Votre compte est inactif ; demandez à "
        "votre administrateur."
    )
    assert explain(decision, "a@x.example") == (
        "a@x.example may not sign in: customer 'A' is inactive. To allow it: make "
        "customer 'A' active."
    )


def test_the_domain_falls_back_to_english_without_a_catalogue() -> None:
    """No catalogue ships: looking one up gives null translations (English)."""
    found = translation(["fr"], localedir="/nonexistent")
    assert type(found) is gettext.NullTranslations
    assert DOMAIN == "ccroles"
    reason = Reason(ReasonCode.WRONG_PASSWORD)
    assert fact(reason, translation()) == reason.fact


def test_the_customer_rendering_beside_the_default_one() -> None:
    """One decision, two renderings: for the administrator, for the customer."""
    decision = ENGINE.decide_record("ap@acme.example", "TRAN_CUSTINVC", Invoice("399"))
    assert explain(decision, "ap@acme.example") == (
        "ap@acme.example may not view the Invoice record of the customer with "
        "internal id '399': the record belongs to the customer with internal id "
        "'399', not to customer 'ACME', and a customer center login only reaches "
        "its own customer's records. No change to the account allows it."
    )
    assert customer_message(decision) == (
        "You can't open this invoice. It belongs to another customer."
    )


def test_a_lock_of_unknown_end_is_said_without_a_time() -> None:
    """A LOCKED reason without its end tells the customer whom to ask."""
    reason = Reason(ReasonCode.LOCKED)
    assert customer_message(Decision(SignInQuestion(), (reason,))) == (
        "You can't sign in. Your login is locked after too many wrong passwords; "
        "ask your administrator."
    )


def test_each_question_names_its_kind() -> None:
    """The documented ``kind`` of each question, which a portal may dispatch on."""
    assert FeatureQuestion.kind == "feature"
    assert RecordQuestion.kind == "record"
    assert SignInQuestion.kind == "sign_in"
    assert FormQuestion.kind == "form"
