"""The framework-free part of the guards: messages, bodies, the gate."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ccroles import (
    Decision,
    Engine,
    Level,
    LoginFacts,
    MemorySignInStore,
    Reason,
    ReasonCode,
    Session,
    SignIn,
)
from ccroles.decisions import (
    FeatureQuestion,
    FormQuestion,
    RecordQuestion,
    SignInQuestion,
)
from ccroles.exceptions import SessionWithoutSignInError
from ccroles.forms import RecordType
from ccroles.guards import (
    HTML,
    JSON,
    Denial,
    Gate,
    nobody_signed_in,
    prefers_html,
    prefers_json,
)
from ccroles.wording import customer_message
from tests.guarded import (
    AP,
    BUYER,
    ENGINE,
    NOBODY,
    NOW,
    PAY,
    Invoice,
    lock,
    make_gate,
)


@pytest.mark.parametrize("code", list(ReasonCode), ids=lambda code: code.value)
def test_every_reason_code_has_a_sentence_for_the_customer(code: ReasonCode) -> None:
    """Each code says something after the headline, ending with a full stop."""
    reason = Reason(
        code,
        customer="UMBRELLA",
        owner="104",
        role="Secret Role",
        until=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
    )
    message = customer_message(Decision(SignInQuestion(), (reason,)))
    headline, _, sentence = message.partition(". ")
    assert headline == "You can't sign in"
    assert sentence.endswith(".")
    assert "{" not in sentence
    assert "UMBRELLA" not in message
    assert "104" not in message
    assert "Secret Role" not in message


def test_locked_sentence_says_until_when() -> None:
    """The lock's end is shown as hours and minutes with the zone."""
    until = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    reason = Reason(ReasonCode.LOCKED, until=until)
    assert customer_message(Decision(SignInQuestion(), (reason,))) == (
        "You can't sign in. Your login is locked after too many wrong passwords; "
        "try again after 2026-03-01 09:30 UTC, or ask your administrator."
    )


@pytest.mark.parametrize(
    ("question", "headline"),
    [
        (FeatureQuestion("Wish Lists"), "Wish Lists is not available to you."),
        (
            RecordQuestion("TRAN_CUSTINVC", Level.VIEW, "1"),
            "You can't open this invoice.",
        ),
        (
            RecordQuestion("TRAN_SALESORD", Level.CREATE, "1"),
            "You can't create this sales order.",
        ),
        (
            RecordQuestion("TRAN_CUSTINVC", Level.EDIT, "1"),
            "You can't change this invoice.",
        ),
        (
            RecordQuestion("TRAN_CUSTINVC", Level.FULL, "1"),
            "You can't delete this invoice.",
        ),
        (
            RecordQuestion("TRAN_CUSTINVC", Level.NONE, "1"),
            "You can't open this invoice.",
        ),
        (FormQuestion(RecordType.SALES_ORDER, "1"), "You can't open this sales order."),
        (SignInQuestion(), "You can't sign in."),
    ],
)
def test_headline_names_what_was_refused(
    question: FeatureQuestion, headline: str
) -> None:
    """The headline comes from the question's data, in the customer's words."""
    reason = Reason(ReasonCode.LEVEL_TOO_LOW, role="X")
    message = customer_message(Decision(question, (reason,)))
    assert (
        message == f"{headline} Your role does not include it; ask your administrator."
    )


def test_same_sentence_is_said_once() -> None:
    """Two reasons of one kind make one sentence."""
    reasons = (
        Reason(ReasonCode.LEVEL_TOO_LOW),
        Reason(ReasonCode.MISSING_CAPABILITY),
        Reason(ReasonCode.NOT_OWN_RECORD),
    )
    message = customer_message(Decision(FeatureQuestion("Wish Lists"), reasons))
    assert message == (
        "Wish Lists is not available to you. Your role does not include it; ask your "
        "administrator. It belongs to another customer."
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        ("application/json", "json"),
        ("APPLICATION/JSON", "json"),
        ("text/html", "html"),
        ("application/*", "json"),
        ("text/html;q=0.9, application/json", "json"),
        ("application/json;q=0.9, text/html", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("application/json, */*;q=0.1", "json"),
        ("*/*;q=0.1, application/json", "json"),
        ("text/html;level=1;q=0.5, application/json;q=0.6", "json"),
        ("application/json;q=oops", "html"),
        ("application/json;q=nan", "html"),
        ("application/json;q=inf", "html"),
        ("application/json;q=0", "html"),
        ("image/png", "html"),
        (",;;,=,", "html"),
        # A type takes the quality of its most specific range (the first of
        # equally specific ones); a range without q has quality 1.
        ("text/html;q=0.5, */*", "json"),
        ("text/html;q=1, application/json", "html"),
        ("text/*;q=0.9, text/html;q=0.5, application/json;q=0.7", "json"),
        ("*/*;q=0.9, text/*;q=0.2", "json"),
        ("application/json;q=0.1, application/*;q=0.9, text/html;q=0.5", "html"),
        ("application/json;q=0.9, application/json;q=0.1, text/html;q=0.5", "json"),
        ("application/json;q=0.5=1", "html"),
    ],
)
def test_accept_header_chooses_json_or_html(accept: str | None, expected: str) -> None:
    """JSON only when the header rates it above HTML; broken qualities count 0."""
    assert ("json" if prefers_json(accept) else "html") == expected


def test_html_body_escapes_what_it_shows() -> None:
    """Markup in a feature's name is shown as text, never run."""
    reason = Reason(ReasonCode.LEVEL_TOO_LOW)
    denial = Denial(403, Decision(FeatureQuestion("<script>x</script>"), (reason,)))
    content_type, body = denial.render("text/html")
    assert content_type == HTML
    assert "<script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt; is not available to you." in body


def test_html_body_is_a_whole_page() -> None:
    """The HTML body is a complete page: doctype, language, title and message."""
    reason = Reason(ReasonCode.UNKNOWN_LOGIN, signed_in=False)
    denial = Denial(401, Decision(FeatureQuestion("Wish Lists"), (reason,)))
    page = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8"><title>Please sign in</title>'
        "</head>\n"
        '<body><main class="ccroles-denial"><h1>Please sign in</h1>'
        "<p>Wish Lists is not available to you. Please sign in first.</p>"
        "</main></body></html>"
    )
    assert denial.render("text/html") == (HTML, page)


@pytest.mark.parametrize(
    ("status", "title"),
    [(401, "Please sign in"), (403, "Not allowed"), (429, "Not allowed")],
)
def test_html_title_follows_the_status(status: int, title: str) -> None:
    """401 asks to sign in; 403, and any other status, says not allowed."""
    reason = Reason(ReasonCode.UNKNOWN_LOGIN, signed_in=False)
    _, body = Denial(status, Decision(SignInQuestion(), (reason,))).render(None)
    assert f"<title>{title}</title>" in body


def test_json_body_holds_no_fact_or_remedy() -> None:
    """A fact may name another customer: the customer's body has codes only."""
    reason = Reason(ReasonCode.NOT_OWN_RECORD, owner="104", customer="UMBRELLA")
    denial = Denial(
        403, Decision(RecordQuestion("TRAN_CUSTINVC", Level.VIEW, "104"), (reason,))
    )
    content_type, body = denial.render("application/json")
    assert content_type == JSON
    assert json.loads(body) == {
        "status": 403,
        "message": "You can't open this invoice. It belongs to another customer.",
        "reasons": ["not_own_record"],
    }
    assert "UMBRELLA" not in body
    assert "104" not in body


def test_denial_logs_the_full_decision(caplog: pytest.LogCaptureFixture) -> None:
    """The log gets every fact and remedy, and the decision itself."""
    gate = Gate(ENGINE)
    with caplog.at_level(logging.INFO, logger="ccroles"):
        denial = gate.check_feature("purchasing@acme.example", PAY)
    assert denial is not None
    [record] = [r for r in caplog.records if r.name == "ccroles.guards"]
    assert record.decision == denial.decision  # type: ignore[attr-defined]
    assert record.status == 403  # type: ignore[attr-defined]
    assert record.login == "purchasing@acme.example"  # type: ignore[attr-defined]
    assert "To allow it:" in record.getMessage()


def test_nobody_signed_in_is_logged_as_nobody(caplog: pytest.LogCaptureFixture) -> None:
    """A 401 names no login in the log."""
    with caplog.at_level(logging.INFO, logger="ccroles.guards"):
        Gate(ENGINE).check_record(None, "TRAN_CUSTINVC", Invoice("INV-1", "101"))
    assert caplog.records[0].getMessage().startswith("401: nobody signed in may not")


def test_allowed_request_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Only denials are logged by the gate."""
    with caplog.at_level(logging.DEBUG, logger="ccroles.guards"):
        assert Gate(ENGINE).check_feature(AP, PAY) is None
    assert caplog.records == []


def test_gate_without_sign_in_checks_no_lock() -> None:
    """Without a SignIn, a lock in some store is not the gate's business."""
    _, store = make_gate()
    lock(store, AP)
    gate = Gate(ENGINE)
    assert gate.check_feature(AP, PAY) is None
    assert PAY in gate.features_of(AP)


def test_lock_comes_first_and_keeps_the_other_reasons() -> None:
    """A locked login's denial says LOCKED, then why the role is refused too."""
    gate, store = make_gate()
    lock(store, "purchasing@acme.example")
    denial = gate.check_feature("purchasing@acme.example", PAY)
    assert denial is not None
    codes = [reason.code for reason in denial.decision.reasons]
    assert codes == [ReasonCode.LOCKED, ReasonCode.LEVEL_TOO_LOW]


def test_names_are_checked_when_declared() -> None:
    """Feature names resolve to the catalogue's; permission and level parse."""
    gate = Gate(ENGINE)
    assert gate.feature(ENGINE.features[PAY]) == PAY
    assert gate.permission("TRAN_CUSTINVC", "edit") == ("TRAN_CUSTINVC", Level.EDIT)


def test_importing_the_gate_loads_no_web_framework() -> None:
    """ccroles.guards is framework-free; each framework's module needs its extra."""
    code = (
        "import sys, ccroles.guards\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('django', 'flask', 'werkzeug', 'fastapi', 'starlette')))\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_gate_asks_about_login_facts_as_about_emails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A portal holding its logins passes LoginFacts: same answers, its label logged."""
    gate, store = make_gate()
    buyer = LoginFacts.of(ENGINE.account.login("purchasing@acme.example"))
    lock(store, "purchasing@acme.example")  # locks are kept by email: not read
    with caplog.at_level(logging.INFO, logger="ccroles.guards"):
        denial = gate.check_feature(buyer, PAY)
    assert denial is not None
    assert [r.code for r in denial.decision.reasons] == [ReasonCode.LEVEL_TOO_LOW]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith("403: contact 'c-101-2' of customer 'ACME' may not")
    )
    ap = LoginFacts.of(ENGINE.account.login(AP))
    assert gate.check_feature(ap, PAY) is None
    assert PAY in gate.features_of(ap)
    assert gate.own(ap, "TRAN_CUSTINVC", [Invoice("INV-1", "101"), Invoice("X", "104")])
    assert gate.check_record(ap, "TRAN_CUSTINVC", Invoice("INV-9", "104")) is not None


@pytest.mark.parametrize(
    ("login", "who"),
    [
        (None, "nobody"),
        ("", "nobody"),
        (" ", "nobody"),
        ("\t\n", "nobody"),
        ("\u2003", "nobody"),  # an em space is white space too
        ("ap@acme.example", "somebody"),
        (" ap@acme.example ", "somebody"),
        ("x", "somebody"),
    ],
)
def test_one_rule_says_nobody_is_signed_in(login: str | None, who: str) -> None:
    """``None`` and an empty or blank email mean nobody; anything else is asked."""
    assert ("nobody" if nobody_signed_in(login) else "somebody") == who


def test_login_facts_are_somebody() -> None:
    """Facts of a login held by the portal are a login, never "nobody"."""
    assert not nobody_signed_in(LoginFacts.of(ENGINE.account.login(AP)))


@pytest.mark.parametrize("login", NOBODY)
def test_nobody_gets_401_everywhere_never_403(login: str | None) -> None:
    """Feature, record, list and menu: an empty login is nobody, not a stranger."""
    gate = Gate(ENGINE)
    feature = gate.check_feature(login, PAY)
    record = gate.check_record(login, "TRAN_CUSTINVC", Invoice("INV-1", "101"))
    assert feature is not None
    assert record is not None
    assert (feature.status, record.status) == (401, 401)
    assert feature.message == (
        "Make a Payment is not available to you. Please sign in first."
    )
    assert [r.signed_in for r in feature.decision.reasons] == [False]
    assert gate.own(login, "TRAN_CUSTINVC", [Invoice("INV-1", "101")]) == []
    assert gate.features_of(login) == frozenset()


def test_nobody_is_refused_before_a_record_is_loaded() -> None:
    """The pre-load 401 names no owner; a signed-in login goes on to the record."""
    gate = Gate(ENGINE)
    denial = gate.check_signed_in("", "TRAN_CUSTINVC", Level.EDIT)
    assert denial is not None
    assert denial.decision.question == RecordQuestion("TRAN_CUSTINVC", Level.EDIT, "")
    assert denial.message == ("You can't change this invoice. Please sign in first.")
    assert gate.check_signed_in(AP, "TRAN_CUSTINVC") is None


def test_401_carries_the_gates_challenge_and_403_none() -> None:
    """``WWW-Authenticate`` on a 401 only; a portal on tokens names its scheme."""
    bearer = Gate(ENGINE, challenge='Bearer realm="api"')
    nobody = bearer.check_feature(None, PAY)
    refused = bearer.check_feature("purchasing@acme.example", PAY)
    assert nobody is not None
    assert refused is not None
    assert nobody.headers == {"WWW-Authenticate": 'Bearer realm="api"'}
    assert refused.headers == {}
    default = Gate(ENGINE).check_feature(None, PAY)
    assert default is not None
    assert default.headers == {"WWW-Authenticate": 'Session realm="customer center"'}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("application/json", "json"),
        ("text/html", "html"),
        ("TEXT/HTML", "html"),
        ("text/*", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/html;q=0.5, application/json;q=0.6", "json"),
        ("text/html;q=0.6, application/json;q=0.5", "html"),
        ("text/html;q=oops", "json"),
        ("text/html;q=nan", "json"),
    ],
)
def test_accept_header_prefers_html_only_when_it_says_so(
    accept: str | None, expected: str
) -> None:
    """An API answers JSON unless the header rates HTML above it (a browser)."""
    assert ("html" if prefers_html(accept) else "json") == expected


def test_a_held_session_is_asked_as_its_login() -> None:
    """A session the SignIn holds answers exactly as its login's email does."""
    gate, _ = make_gate()
    ap, buyer = Session(AP, NOW), Session(BUYER, NOW)
    refused = gate.check_feature(buyer, PAY)
    assert gate.check_feature(ap, PAY) is None
    assert refused is not None
    assert (refused.status, refused.reasons) == (403, ["level_too_low"])
    assert gate.check_signed_in(ap, "TRAN_CUSTINVC") is None
    assert gate.check_record(ap, "TRAN_CUSTINVC", Invoice("INV-1", "101")) is None
    assert gate.own(ap, "TRAN_CUSTINVC", [Invoice("1", "101"), Invoice("9", "104")])
    assert PAY in gate.features_of(ap)


@pytest.mark.parametrize(
    ("session", "reasons"),
    [
        (Session(AP, NOW - timedelta(seconds=1)), ["session_ended"]),
        (Session("office@globex.example", NOW), ["no_access", "no_role"]),
        (Session("", NOW), ["unknown_login"]),
        (Session(" ", NOW), ["unknown_login"]),
    ],
)
def test_a_refused_session_is_a_401_with_its_reasons(
    session: Session, reasons: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Ended before the credentials changed, or no longer allowed: sign in again."""
    gate, _ = make_gate()
    invoice = Invoice("INV-1", "101")
    with caplog.at_level(logging.INFO, logger="ccroles.guards"):
        denials = [
            gate.check_feature(session, PAY),
            gate.check_record(session, "TRAN_CUSTINVC", invoice),
            gate.check_signed_in(session, "TRAN_CUSTINVC"),
        ]
    assert [(d.status, d.reasons) if d else None for d in denials] == [
        (401, reasons)
    ] * 3
    assert all(d.headers for d in denials if d)
    assert gate.own(session, "TRAN_CUSTINVC", [invoice]) == []
    assert gate.features_of(session) == frozenset()
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(f"401: {session.login.strip() or 'nobody signed in'} may not")
    )


def test_an_ended_session_asks_to_sign_in_again() -> None:
    """The customer reads why: the session ended, sign in again."""
    gate, _ = make_gate()
    denial = gate.check_feature(Session(AP, NOW - timedelta(minutes=5)), PAY)
    assert denial is not None
    assert denial.message == (
        "Make a Payment is not available to you. Please sign in again."
    )


def test_a_held_session_of_a_locked_login_is_refused() -> None:
    """A lock does not end the session, but the gate refuses the login meanwhile."""
    gate, store = make_gate()
    lock(store, AP)
    denial = gate.check_feature(Session(AP, NOW), PAY)
    assert denial is not None
    assert (denial.status, denial.reasons) == (403, ["locked"])


def test_a_session_without_sign_in_is_a_configuration_error() -> None:
    """A gate without a SignIn cannot check a session, and says so, never guesses."""
    gate = Gate(ENGINE)
    session = Session(AP, NOW)
    with pytest.raises(SessionWithoutSignInError) as raised:
        gate.check_feature(session, PAY)
    assert str(raised.value) == (
        "the login function gave a session of 'ap@acme.example', but the gate "
        "has no SignIn to check it with; build the Gate with sign_in=..."
    )
    with pytest.raises(SessionWithoutSignInError):
        gate.features_of(session)
    with pytest.raises(SessionWithoutSignInError):
        gate.check_signed_in(session, "TRAN_CUSTINVC")


def test_a_gate_on_a_website_asks_about_records_on_it() -> None:
    """A login assigned to another website is refused its records on this one."""
    umbrella, invoice = "orders@umbrella.example", Invoice("INV-9", "104")
    main, wholesale = (
        Gate(ENGINE, website="Main Store"),
        Gate(ENGINE, website="Wholesale Portal"),
    )
    denial = main.check_record(umbrella, "TRAN_CUSTINVC", invoice)
    assert denial is not None
    assert (denial.status, denial.reasons) == (403, ["website_not_assigned"])
    assert denial.decision.question == RecordQuestion(
        "TRAN_CUSTINVC", Level.VIEW, "104", "Main Store"
    )
    assert main.own(umbrella, "TRAN_CUSTINVC", [invoice]) == []
    assert wholesale.check_record(umbrella, "TRAN_CUSTINVC", invoice) is None
    assert wholesale.own(umbrella, "TRAN_CUSTINVC", [invoice]) == [invoice]


def test_a_gate_on_a_website_asks_about_features_on_it() -> None:
    """A login assigned to another website is refused a feature on this one."""
    umbrella = "orders@umbrella.example"
    main = Gate(ENGINE, website="Main Store")
    denial = main.check_feature(umbrella, PAY)
    assert denial is not None
    assert (denial.status, denial.reasons) == (403, ["website_not_assigned"])
    assert denial.decision.question == FeatureQuestion(PAY, "Main Store")
    assert Gate(ENGINE, website="Wholesale Portal").check_feature(umbrella, PAY) is None
    assert main.features_of(umbrella) == frozenset()
    assert PAY in Gate(ENGINE, website="Wholesale Portal").features_of(umbrella)


def test_nobodys_question_names_the_owner_and_the_website() -> None:
    """A 401 asks on the gate's website; about a record's owner, none before loading."""
    gate = Gate(ENGINE, website="Main Store")
    feature = gate.check_feature(None, PAY)
    assert feature is not None
    assert feature.decision.question == FeatureQuestion(PAY, "Main Store")
    record = gate.check_record(None, "TRAN_CUSTINVC", Invoice("INV-1", "101"))
    before = gate.check_signed_in(None, "TRAN_CUSTINVC", Level.EDIT)
    assert record is not None
    assert before is not None
    assert record.decision.question == RecordQuestion(
        "TRAN_CUSTINVC", Level.VIEW, "101", "Main Store"
    )
    assert before.decision.question == RecordQuestion(
        "TRAN_CUSTINVC", Level.EDIT, "", "Main Store"
    )


def test_an_ended_sessions_401_on_a_record_logs_its_login(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The log of a record's 401 names the login whose session ended."""
    gate, _ = make_gate()
    session = Session(AP, NOW - timedelta(seconds=1))
    with caplog.at_level(logging.INFO, logger="ccroles.guards"):
        gate.check_record(session, "TRAN_CUSTINVC", Invoice("INV-1", "101"))
        gate.check_signed_in(session, "TRAN_CUSTINVC")
    assert [record.getMessage()[:25] for record in caplog.records] == [
        "401: ap@acme.example may "
    ] * 2
    assert [record.login for record in caplog.records] == [AP] * 2  # type: ignore[attr-defined]


def test_a_locked_login_is_refused_its_own_records() -> None:
    """While locked, a login's own invoice is a 403, its list and menu empty."""
    gate, store = make_gate()
    assert PAY in gate.features_of(AP)
    lock(store, AP)
    assert gate.features_of(AP) == frozenset()
    invoice = Invoice("INV-1", "101")
    denial = gate.check_record(AP, "TRAN_CUSTINVC", invoice)
    assert denial is not None
    assert (denial.status, denial.reasons) == (403, ["locked"])
    assert gate.own(AP, "TRAN_CUSTINVC", [invoice]) == []


def test_a_gates_lock_check_asks_on_its_website(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An engine that logs its decisions shows the lock asked on the gate's website."""
    engine = Engine(ENGINE.account, log_decisions=True)
    sign_in = SignIn(engine, MemorySignInStore(), clock=lambda: NOW)
    gate = Gate(engine, sign_in, website="Main Store")
    with caplog.at_level(logging.DEBUG, logger="ccroles.policy"):
        assert gate.check_feature(AP, PAY) is None
    asked = [
        record.decision.question  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "ccroles.policy"
    ]
    assert SignInQuestion("Main Store") in asked
    assert SignInQuestion() not in asked


def test_a_denial_names_its_content_types_as_http_does() -> None:
    """JSON bodies are ``application/json``; HTML ones ``text/html``."""
    reason = Reason(ReasonCode.UNKNOWN_LOGIN, signed_in=False)
    denial = Denial(401, Decision(FeatureQuestion("Wish Lists"), (reason,)))
    assert denial.render("application/json")[0] == "application/json"
    assert denial.render("text/html")[0].split(";")[0] == "text/html"
