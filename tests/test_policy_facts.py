"""Facts decisions keep: the record owner in a reason, the email logged, the codes."""

import logging

import attrs
import pytest

from ccroles import Account, Customer, Engine, ReasonCode

ENGINE = Engine(
    Account(
        customers=[
            Customer(
                "301",
                "ACME",
                email="ap@acme.example",
                give_access=True,
                role="Customer Center",
            ),
        ],
    ),
    log_decisions=True,
)


@attrs.frozen
class Invoice:
    """A portal's record: the engine reads only its owner's internal id."""

    customer_internal_id: str


def test_another_customers_record_names_its_owner() -> None:
    """The reason for a record of another customer names that customer's id."""
    (reason,) = ENGINE.decide_record(
        "ap@acme.example", "TRAN_CUSTINVC", Invoice("399")
    ).reasons
    assert reason.code == ReasonCode.NOT_OWN_RECORD
    assert "'399'" in reason.fact


def test_a_logged_record_decision_carries_the_email(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """decide_record logs the email asked about, as given."""
    with caplog.at_level(logging.DEBUG, logger="ccroles.policy"):
        ENGINE.decide_record("AP@acme.example", "TRAN_CUSTINVC", Invoice("301"))
    (record,) = caplog.records
    assert record.email == "AP@acme.example"  # type: ignore[attr-defined]


def test_reason_codes_are_stable_words() -> None:
    """The codes a log or a portal reads: one lower-case word per failing check."""
    assert [code.value for code in ReasonCode] == [
        "customer_access_off",
        "unknown_login",
        "no_access",
        "inactive",
        "no_role",
        "not_customer_center_role",
        "website_not_assigned",
        "not_own_record",
        "level_too_low",
        "missing_capability",
        "parent_denied",
        "excluded",
        "no_form",
        "locked",
        "wrong_password",
        "link_unknown",
        "link_expired",
        "link_used",
        "link_replaced",
        "link_closed",
        "session_ended",
    ]


def test_an_unknown_login_with_access_off_says_both_and_how_to_fix_each() -> None:
    """Customer Access off and an unknown email: two facts, two remedies."""
    engine = Engine(Account(customer_access=False))
    decision = engine.decide_sign_in("who@example.com")
    assert [(r.fact, r.remedy) for r in decision.reasons] == [
        (
            "the account's Customer Access feature is off",
            "switch on the account's Customer Access feature",
        ),
        (
            "no customer or contact has this email",
            (
                "give a customer or contact this email, with access and a customer "
                "center role"
            ),
        ),
    ]
