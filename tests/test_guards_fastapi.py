"""The FastAPI guards, through real requests of FastAPI's TestClient.

No ``from __future__ import annotations`` here: FastAPI reads the routes'
annotations, which name the guard's dependencies, at run time.
"""

from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from ccroles import MemorySignInStore, Session
from ccroles.exceptions import UnknownFeatureError, UnknownPermissionError
from ccroles.guards import HTML, JSON
from ccroles.guards.fastapi import FastAPIGuard
from tests.guarded import (
    AP,
    BROWSER_ACCEPT,
    BUYER,
    CHALLENGE,
    INVOICES,
    NOBODY,
    NOW,
    PAY,
    Invoice,
    detail_reasons,
    load_invoice,
    lock,
    login_header,
    make_gate,
)


def login_of(request: Request) -> str | None:
    """The login of the request: its X-Login header."""
    return request.headers.get("X-Login")


def build(*, html: bool = False) -> tuple[FastAPI, FastAPIGuard, MemorySignInStore]:
    """The test portal on FastAPI (browsers get HTML denials when *html*)."""
    app = FastAPI()
    gate, store = make_gate()
    guard = FastAPIGuard(app, gate, login_of, html=html)

    @app.get("/pay", response_class=PlainTextResponse)
    def pay(login: Annotated[str, guard.requires(PAY)]) -> str:
        return f"Pay your invoices, {login}"

    @app.get("/invoices", response_class=PlainTextResponse)
    def invoices(request: Request) -> str:
        own = guard.own(request, "TRAN_CUSTINVC", INVOICES.values())
        return ",".join(invoice.number for invoice in own)

    @app.get("/invoices/{number}", response_class=PlainTextResponse)
    def invoice(
        number: str,
        record: Annotated[
            Invoice, guard.requires_record("TRAN_CUSTINVC", load_invoice)
        ],
    ) -> str:
        return f"{number} of {record.customer_internal_id}"

    @app.get("/menu", response_class=PlainTextResponse)
    def menu(features: Annotated[frozenset[str], guard.features()]) -> str:
        return ",".join(sorted(features))

    return app, guard, store


@pytest.fixture
def portal() -> tuple[TestClient, MemorySignInStore]:
    """A test client of a fresh portal, and its sign-in store."""
    app, _, store = build()
    return TestClient(app), store


def test_allowed_feature_runs_the_route(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """A login whose role has the feature gets the page; the dependency gives it."""
    response = portal[0].get("/pay", headers=login_header(AP))
    assert (200, f"Pay your invoices, {AP}") == (response.status_code, response.text)


@pytest.mark.parametrize(
    "accept", [{}, {"Accept": "*/*"}, {"Accept": "application/json"}, BROWSER_ACCEPT]
)
def test_role_without_the_feature_gets_403_in_fastapis_shape(
    portal: tuple[TestClient, MemorySignInStore], accept: dict[str, str]
) -> None:
    """The Buyer role lacks payments: 403 as JSON ``{"detail": ...}``, any Accept."""
    data = portal[0].get("/pay", headers=login_header(BUYER) | accept)
    assert (data.status_code, data.headers["content-type"]) == (403, JSON)
    assert data.json() == {
        "detail": {
            "message": "Make a Payment is not available to you. Your role does "
            "not include it; ask your administrator.",
            "reasons": ["level_too_low"],
        }
    }


def test_html_guard_answers_browsers_with_a_page_and_others_with_json() -> None:
    """Built with ``html=True``: a browser gets the page, an API client JSON."""
    client = TestClient(build(html=True)[0])
    page = client.get("/pay", headers=login_header(BUYER) | BROWSER_ACCEPT)
    data = client.get("/pay", headers=login_header(BUYER) | {"Accept": "*/*"})
    nobody = client.get("/pay", headers=BROWSER_ACCEPT)
    assert (page.status_code, page.headers["content-type"]) == (403, HTML)
    assert "Make a Payment is not available to you." in page.text
    assert (data.status_code, detail_reasons(data.text)) == (403, ["level_too_low"])
    assert (nobody.status_code, nobody.headers["WWW-Authenticate"]) == (401, CHALLENGE)
    assert "<h1>Please sign in</h1>" in nobody.text


def test_other_customers_record_is_refused(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """ACME's login opens ACME's invoice, not UMBRELLA's; a missing one is 404."""
    client = portal[0]
    own = client.get("/invoices/INV-1", headers=login_header(AP))
    other = client.get("/invoices/INV-9", headers=login_header(AP))
    missing = client.get("/invoices/INV-404", headers=login_header(AP))
    assert (own.status_code, own.text) == (200, "INV-1 of 101")
    assert (other.status_code, detail_reasons(other.text)) == (403, ["not_own_record"])
    assert missing.status_code == 404


def test_list_holds_only_the_logins_own_records(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """The invoice list is filtered to the customer's own invoices."""
    client = portal[0]
    assert client.get("/invoices", headers=login_header(AP)).text == "INV-1,INV-2"
    assert client.get("/invoices").text == ""


@pytest.mark.parametrize("login", NOBODY)
@pytest.mark.parametrize("path", ["/pay", "/invoices/INV-1", "/invoices/INV-404"])
def test_nobody_signed_in_gets_401_with_a_challenge(
    portal: tuple[TestClient, MemorySignInStore], path: str, login: str | None
) -> None:
    """No login, an empty one alike: 401 with a challenge, a record loaded or not."""
    response = portal[0].get(path, headers=login_header(login))
    assert (
        response.status_code,
        detail_reasons(response.text),
        response.headers["WWW-Authenticate"],
    ) == (401, ["unknown_login"], CHALLENGE)


def test_locked_login_is_refused_everywhere(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """After five wrong passwords the login's session reaches nothing."""
    client, store = portal
    lock(store, AP)
    pay = client.get("/pay", headers=login_header(AP))
    invoice = client.get("/invoices/INV-1", headers=login_header(AP))
    assert (pay.status_code, detail_reasons(pay.text)) == (403, ["locked"])
    assert (invoice.status_code, detail_reasons(invoice.text)) == (403, ["locked"])
    assert "after 2026-03-01 09:30 UTC" in pay.json()["detail"]["message"]
    assert client.get("/invoices", headers=login_header(AP)).text == ""
    assert client.get("/menu", headers=login_header(AP)).text == ""


def test_dependency_gives_the_logins_features(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """The menu shows exactly the features of the login's role."""
    client = portal[0]
    ap = client.get("/menu", headers=login_header(AP)).text.split(",")
    buyer = client.get("/menu", headers=login_header(BUYER)).text.split(",")
    assert PAY in ap
    assert PAY not in buyer
    assert "Quote Request and Approval" in set(buyer) - set(ap)
    assert client.get("/menu").text == ""


def test_unknown_names_fail_when_declared() -> None:
    """A misspelt feature or permission raises at declaration, not per request."""
    _, guard, _ = build()
    with pytest.raises(UnknownFeatureError):
        guard.requires("Make a Paymnet")
    with pytest.raises(UnknownPermissionError):
        guard.requires_record("TRAN_NOPE", load_invoice)


def test_a_session_from_the_login_function_is_checked() -> None:
    """A Session given by ``login_of``: held, the route; ended, a 401 saying why."""
    app = FastAPI()
    gate, _ = make_gate()

    def session_of(request: Request) -> Session:
        started = NOW - timedelta(minutes=int(request.headers["X-Minutes-Ago"]))
        return Session(AP, started)

    guard = FastAPIGuard(app, gate, session_of)

    @app.get("/pay", response_class=PlainTextResponse)
    def pay(session: Annotated[Session, guard.requires(PAY)]) -> str:
        return f"Pay your invoices, {session.login}"

    client = TestClient(app)
    held = client.get("/pay", headers={"X-Minutes-Ago": "0"})
    ended = client.get("/pay", headers={"X-Minutes-Ago": "1"})
    assert (held.status_code, held.text) == (200, f"Pay your invoices, {AP}")
    assert (ended.status_code, ended.json()) == (
        401,
        {
            "detail": {
                "message": "Make a Payment is not available to you. Please sign in "
                "again.",
                "reasons": ["session_ended"],
            }
        },
    )
    assert ended.headers["WWW-Authenticate"] == CHALLENGE
