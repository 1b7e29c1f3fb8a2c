"""The FastAPI guards, through real requests of FastAPI's TestClient.

No ``from __future__ import annotations`` here: FastAPI reads the routes'
annotations, which name the guard's dependencies, at run time.
"""

from typing import Annotated

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from ccroles import MemorySignInStore
from ccroles.exceptions import UnknownFeatureError, UnknownPermissionError
from ccroles.guards import HTML, JSON
from ccroles.guards.fastapi import FastAPIGuard
from tests.guarded import (
    AP,
    BUYER,
    INVOICES,
    JSON_ACCEPT,
    PAY,
    Invoice,
    load_invoice,
    lock,
    login_header,
    make_gate,
    reasons_of,
)


def login_of(request: Request) -> str | None:
    """The login of the request: its X-Login header."""
    return request.headers.get("X-Login")


def build() -> tuple[FastAPI, FastAPIGuard, MemorySignInStore]:
    """The test portal on FastAPI."""
    app = FastAPI()
    gate, store = make_gate()
    guard = FastAPIGuard(app, gate, login_of)

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


def test_role_without_the_feature_gets_403_saying_why(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """The Buyer role lacks payments: 403, HTML by default, JSON on request."""
    client = portal[0]
    page = client.get("/pay", headers=login_header(BUYER))
    data = client.get("/pay", headers=login_header(BUYER) | JSON_ACCEPT)
    assert (page.status_code, page.headers["content-type"]) == (403, HTML)
    assert "Make a Payment is not available to you." in page.text
    assert (data.status_code, data.headers["content-type"]) == (403, JSON)
    assert reasons_of(data.text) == ["level_too_low"]


def test_other_customers_record_is_refused(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """ACME's login opens ACME's invoice, not UMBRELLA's; a missing one is 404."""
    client = portal[0]
    own = client.get("/invoices/INV-1", headers=login_header(AP))
    other = client.get("/invoices/INV-9", headers=login_header(AP) | JSON_ACCEPT)
    missing = client.get("/invoices/INV-404", headers=login_header(AP))
    assert (own.status_code, own.text) == (200, "INV-1 of 101")
    assert (other.status_code, reasons_of(other.text)) == (403, ["not_own_record"])
    assert missing.status_code == 404


def test_list_holds_only_the_logins_own_records(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """The invoice list is filtered to the customer's own invoices."""
    client = portal[0]
    assert client.get("/invoices", headers=login_header(AP)).text == "INV-1,INV-2"
    assert client.get("/invoices").text == ""


@pytest.mark.parametrize("path", ["/pay", "/invoices/INV-1"])
def test_nobody_signed_in_gets_401(
    portal: tuple[TestClient, MemorySignInStore], path: str
) -> None:
    """Without a login the answer is 401, asking to sign in."""
    response = portal[0].get(path, headers=JSON_ACCEPT)
    assert (response.status_code, reasons_of(response.text)) == (401, ["unknown_login"])


def test_locked_login_is_refused_everywhere(
    portal: tuple[TestClient, MemorySignInStore],
) -> None:
    """After five wrong passwords the login's session reaches nothing."""
    client, store = portal
    lock(store, AP)
    pay = client.get("/pay", headers=login_header(AP) | JSON_ACCEPT)
    invoice = client.get("/invoices/INV-1", headers=login_header(AP) | JSON_ACCEPT)
    assert (pay.status_code, reasons_of(pay.text)) == (403, ["locked"])
    assert (invoice.status_code, reasons_of(invoice.text)) == (403, ["locked"])
    assert "after 2026-03-01 09:30 UTC" in pay.json()["message"]
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
