"""The old assertion helpers keep working for one release, each with a warning."""

from __future__ import annotations

import pytest

from ccroles import FEATURES, PERMISSIONS, Feature, Level, Login, Permission, ReasonCode
from ccroles import testing as kit
from ccroles.exceptions import InvalidQuestionError
from ccroles.testing import (
    Record,
    UnexpectedDecisionError,
    assert_allowed,
    assert_allows,
    assert_allows_record,
    assert_allows_sign_in,
    assert_denied,
    assert_denies,
    assert_denies_record,
    assert_denies_sign_in,
)
from ccroles.testing._deprecated import Action
from tests.test_testing import ACME, ENGINE

ALLOWED = r"assert_allowed is deprecated, use assert_allows"
DENIED = r"assert_denied is deprecated, use assert_denies"


def test_testing_action_warns_and_is_the_old_enum() -> None:
    """`ccroles.testing.Action` is the sign-in helpers' job now."""
    with pytest.warns(DeprecationWarning, match=r"ccroles\.testing\.Action is dep"):
        old = kit.Action
    assert old is Action
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        kit.Nope  # noqa: B018


def test_assert_allowed_of_a_feature_is_assert_allows() -> None:
    """A feature: the same decision, with a warning."""
    with pytest.warns(DeprecationWarning, match=ALLOWED):
        old = assert_allowed(ENGINE, "ap@acme.example", "Billing", website="Main Store")
    assert old == assert_allows(
        ENGINE, "ap@acme.example", "Billing", website="Main Store"
    )


def test_assert_allowed_of_a_record_is_assert_allows_record() -> None:
    """record= (and level=, View by default) ask the record question."""
    own = Record("101")
    with pytest.warns(DeprecationWarning, match=ALLOWED):
        old = assert_allowed(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", record=own)
    assert old == assert_allows_record(ENGINE, "ap@acme.example", "TRAN_CUSTINVC", own)
    with pytest.warns(DeprecationWarning, match=ALLOWED):
        edit = assert_allowed(
            ENGINE, "ap@acme.example", "LIST_CASE", record=own, level="Edit"
        )
    assert edit == assert_allows_record(
        ENGINE, "ap@acme.example", "LIST_CASE", own, level="Edit"
    )


def test_assert_allowed_asks_about_a_login_by_its_email() -> None:
    """A Login, as before: its email is asked about."""
    login = ENGINE.account.login("ap@acme.example")
    with pytest.warns(DeprecationWarning, match=ALLOWED):
        old = assert_allowed(ENGINE, login, "Billing")
    assert old == assert_allows(ENGINE, "ap@acme.example", "Billing")


def test_assert_allowed_of_sign_in_is_assert_allows_sign_in() -> None:
    """Action.SIGN_IN asks the sign-in question."""
    with pytest.warns(DeprecationWarning, match=ALLOWED):
        old = assert_allowed(ENGINE, "ap@acme.example", Action.SIGN_IN)
    assert old == assert_allows_sign_in(ENGINE, "ap@acme.example")


def test_assert_allowed_still_fails_as_before() -> None:
    """A denial still raises UnexpectedDecisionError."""
    with (
        pytest.warns(DeprecationWarning, match=ALLOWED),
        pytest.raises(UnexpectedDecisionError, match=r"^expected allowed"),
    ):
        assert_allowed(ENGINE, "books@acme.example", "Make a Payment")


def test_assert_denied_asks_each_question_as_the_new_helpers() -> None:
    """A feature, a record, signing in: the same decisions, with warnings."""
    with pytest.warns(DeprecationWarning, match=DENIED):
        feature = assert_denied(
            ENGINE, "office@globex.example", "Billing", reason=ReasonCode.NO_ROLE
        )
    assert feature == assert_denies(ENGINE, "office@globex.example", "Billing")
    other = Record("102")
    with pytest.warns(DeprecationWarning, match=DENIED):
        record = assert_denied(
            ENGINE,
            "ap@acme.example",
            "TRAN_CUSTINVC",
            record=other,
            level=Level.VIEW,
            reason=ReasonCode.NOT_OWN_RECORD,
        )
    assert record == assert_denies_record(
        ENGINE, "ap@acme.example", "TRAN_CUSTINVC", other
    )
    with pytest.warns(DeprecationWarning, match=DENIED):
        no_record = assert_denied(
            ENGINE, "ap@acme.example", "TRAN_CUSTINVC", record=other
        )
    assert no_record == record
    with pytest.warns(DeprecationWarning, match=DENIED):
        sign_in = assert_denied(
            ENGINE, "ap@acme.example", Action.SIGN_IN, website="Outlet"
        )
    assert sign_in == assert_denies_sign_in(ENGINE, "ap@acme.example", website="Outlet")


def test_the_old_helpers_refuse_a_login_without_an_email() -> None:
    """They asked by email, so a login without one raised InvalidQuestionError."""
    for old, pattern in ((assert_allowed, ALLOWED), (assert_denied, DENIED)):
        with (
            pytest.warns(DeprecationWarning, match=pattern),
            pytest.raises(
                InvalidQuestionError, match=r"'c3' of customer 'ACME'.*email"
            ),
        ):
            old(ENGINE, Login(ACME, ACME.contacts[2]), "Billing")


@pytest.mark.parametrize(
    ("action", "keywords", "problem"),
    [
        (FEATURES["Billing"], {"record": Record("101")}, "with a permission key"),
        (Action.SIGN_IN, {"record": Record("101")}, "with a permission key"),
        ("Billing", {"level": "Edit"}, "a level is asked only of a record"),
        (PERMISSIONS["LIST_CASE"], {}, "a permission is asked of a record"),
    ],
)
def test_the_old_helpers_refuse_questions_the_engine_does_not_answer(
    action: str | Feature | Permission | Action,
    keywords: dict[str, object],
    problem: str,
) -> None:
    """A level without a record, or a record asked with a feature, is refused."""
    for old, pattern in ((assert_allowed, ALLOWED), (assert_denied, DENIED)):
        with (
            pytest.warns(DeprecationWarning, match=pattern),
            pytest.raises(InvalidQuestionError, match=problem),
        ):
            old(ENGINE, "ap@acme.example", action, **keywords)  # type: ignore[arg-type]
