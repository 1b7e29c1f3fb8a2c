"""The Flask guards, through real requests of Flask's test client."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import flask
import pytest

from ccroles import Session
from ccroles.exceptions import UnknownFeatureError, UnknownPermissionError
from ccroles.guards import HTML, JSON
from ccroles.guards.flask import FlaskGuard
from tests.guarded import (
    AP,
    BUYER,
    CHALLENGE,
    INVOICES,
    JSON_ACCEPT,
    NOBODY,
    NOW,
    PAY,
    Invoice,
    load_invoice,
    lock,
    login_header,
    make_gate,
    reasons_of,
)

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from ccroles import MemorySignInStore
    from ccroles.guards import Denial


def build() -> tuple[flask.Flask, FlaskGuard, MemorySignInStore]:
    """The test portal on Flask."""
    app = flask.Flask(__name__)
    gate, store = make_gate()
    guard = FlaskGuard(app, gate, lambda request: request.headers.get("X-Login"))

    @app.get("/pay")
    @guard.requires(PAY)
    def pay() -> str:
        return "Pay your invoices"

    @app.get("/invoices")
    def invoices() -> str:
        return ",".join(i.number for i in guard.own("TRAN_CUSTINVC", INVOICES.values()))

    @app.get("/invoices/<number>")
    @guard.requires_record("TRAN_CUSTINVC", load_invoice)
    def invoice(number: str, record: Invoice) -> str:
        return f"{number} of {record.customer_internal_id}"

    @app.get("/menu")
    def menu() -> str:
        return flask.render_template_string("{{ features|sort|join(',') }}")

    return app, guard, store


@pytest.fixture
def portal() -> tuple[FlaskClient, MemorySignInStore]:
    """A test client of a fresh portal, and its sign-in store."""
    app, _, store = build()
    return app.test_client(), store


def test_allowed_feature_runs_the_view(
    portal: tuple[FlaskClient, MemorySignInStore],
) -> None:
    """A login whose role has the feature gets the page."""
    response = portal[0].get("/pay", headers=login_header(AP))
    assert (response.status_code, response.text) == (200, "Pay your invoices")


def test_role_without_the_feature_gets_403_saying_why(
    portal: tuple[FlaskClient, MemorySignInStore],
) -> None:
    """The Buyer role lacks payments: 403, HTML by default, JSON on request."""
    client = portal[0]
    page = client.get("/pay", headers=login_header(BUYER))
    data = client.get("/pay", headers=login_header(BUYER) | JSON_ACCEPT)
    assert (page.status_code, page.content_type) == (403, HTML)
    assert "Make a Payment is not available to you." in page.text
    assert (data.status_code, data.content_type) == (403, JSON)
    assert reasons_of(data.text) == ["level_too_low"]


def test_other_customers_record_is_refused(
    portal: tuple[FlaskClient, MemorySignInStore],
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
    portal: tuple[FlaskClient, MemorySignInStore],
) -> None:
    """The invoice list is filtered to the customer's own invoices."""
    client = portal[0]
    assert client.get("/invoices", headers=login_header(AP)).text == "INV-1,INV-2"
    assert client.get("/invoices").text == ""


@pytest.mark.parametrize("login", NOBODY)
@pytest.mark.parametrize("path", ["/pay", "/invoices/INV-1", "/invoices/INV-404"])
def test_nobody_signed_in_gets_401_with_a_challenge(
    portal: tuple[FlaskClient, MemorySignInStore], path: str, login: str | None
) -> None:
    """No login, an empty one alike: 401 with a challenge, a record loaded or not."""
    response = portal[0].get(path, headers=login_header(login) | JSON_ACCEPT)
    assert (
        response.status_code,
        reasons_of(response.text),
        response.headers["WWW-Authenticate"],
    ) == (401, ["unknown_login"], CHALLENGE)


def test_locked_login_is_refused_everywhere(
    portal: tuple[FlaskClient, MemorySignInStore],
) -> None:
    """After five wrong passwords the login's session reaches nothing."""
    client, store = portal
    lock(store, AP)
    pay = client.get("/pay", headers=login_header(AP) | JSON_ACCEPT)
    invoice = client.get("/invoices/INV-1", headers=login_header(AP) | JSON_ACCEPT)
    assert (pay.status_code, reasons_of(pay.text)) == (403, ["locked"])
    assert (invoice.status_code, reasons_of(invoice.text)) == (403, ["locked"])
    assert "after 2026-03-01 09:30 UTC" in pay.json["message"]  # type: ignore[index]
    assert client.get("/invoices", headers=login_header(AP)).text == ""
    assert client.get("/menu", headers=login_header(AP)).text == ""


def test_templates_get_the_logins_features(
    portal: tuple[FlaskClient, MemorySignInStore],
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


def test_application_page_renders_html_denials_json_stays() -> None:
    """With ``page``, browsers get the portal's own page; JSON clients the JSON."""
    app = flask.Flask(__name__)
    gate, _ = make_gate()

    def page(denial: Denial) -> str:
        return f"<h1>Our page</h1><p>{denial.status}: {denial.message}</p>"

    guard = FlaskGuard(app, gate, lambda r: r.headers.get("X-Login"), page=page)

    @app.get("/pay")
    @guard.requires(PAY)
    def pay() -> str:
        return "Pay your invoices"

    client = app.test_client()
    html = client.get("/pay", headers=login_header(BUYER))
    data = client.get("/pay", headers=login_header(BUYER) | JSON_ACCEPT)
    nobody = client.get("/pay")
    assert (html.status_code, html.content_type) == (403, HTML)
    assert html.text == (
        "<h1>Our page</h1><p>403: Make a Payment is not available to you. Your "
        "role does not include it; ask your administrator.</p>"
    )
    assert (data.content_type, reasons_of(data.text)) == (JSON, ["level_too_low"])
    assert (nobody.status_code, nobody.headers["WWW-Authenticate"]) == (401, CHALLENGE)
    assert nobody.text.startswith("<h1>Our page</h1><p>401: ")


def test_a_session_from_the_login_function_is_checked() -> None:
    """A Session given by ``login_of``: held, the page; ended, a 401 saying why."""
    app = flask.Flask(__name__)
    gate, _ = make_gate()

    def login_of(request: flask.Request) -> Session:
        started = NOW - timedelta(minutes=int(request.headers["X-Minutes-Ago"]))
        return Session(AP, started)

    guard = FlaskGuard(app, gate, login_of)

    @app.get("/pay")
    @guard.requires(PAY)
    def pay() -> str:
        return "Pay your invoices"

    client = app.test_client()
    held = client.get("/pay", headers={"X-Minutes-Ago": "0"})
    ended = client.get("/pay", headers={"X-Minutes-Ago": "1"} | JSON_ACCEPT)
    assert (held.status_code, held.text) == (200, "Pay your invoices")
    assert (ended.status_code, reasons_of(ended.text)) == (401, ["session_ended"])
    assert ended.headers["WWW-Authenticate"] == CHALLENGE
