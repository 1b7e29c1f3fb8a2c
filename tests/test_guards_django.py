"""The Django guards, through real requests of Django's test Client."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

import django
import django.conf
import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path

from ccroles.exceptions import UnknownFeatureError, UnknownPermissionError
from ccroles.guards import HTML, JSON
from ccroles.guards.django import DjangoGuard
from tests.guarded import (
    AP,
    BUYER,
    CHALLENGE,
    INVOICES,
    JSON_ACCEPT,
    NOBODY,
    PAY,
    Invoice,
    load_invoice,
    lock,
    login_header,
    make_gate,
    reasons_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ccroles import MemorySignInStore

# Django reads its views and context processors by module path.
PORTAL = "ccroles_test_django_portal"


def login_of(request: HttpRequest) -> str | None:
    """The login of the request: its X-Login header."""
    return request.headers.get("X-Login")


def build() -> tuple[types.ModuleType, DjangoGuard, MemorySignInStore]:
    """The test portal on Django: its URL module, guard and sign-in store."""
    gate, store = make_gate()
    guard = DjangoGuard(gate, login_of)

    @guard.requires(PAY)
    def pay(_request: HttpRequest) -> HttpResponse:
        return HttpResponse("Pay your invoices")

    def invoices(request: HttpRequest) -> HttpResponse:
        own = guard.own(request, "TRAN_CUSTINVC", INVOICES.values())
        return HttpResponse(",".join(invoice.number for invoice in own))

    @guard.requires_record("TRAN_CUSTINVC", load_invoice)
    def invoice(_request: HttpRequest, number: str, record: Invoice) -> HttpResponse:
        return HttpResponse(f"{number} of {record.customer_internal_id}")

    def menu(request: HttpRequest) -> HttpResponse:
        names = (
            engines["django"]
            .from_string("{% for name in features %}{{ name }};{% endfor %}")
            .render({}, request)
        )
        return HttpResponse(",".join(sorted(filter(None, names.split(";")))))

    module = types.ModuleType(PORTAL)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("pay", pay),
        path("invoices", invoices),
        path("invoices/<str:number>", invoice),
        path("menu", menu),
    ]
    module.features = guard.context_processor  # type: ignore[attr-defined]
    return module, guard, store


MODULE, GUARD, STORE = build()


@pytest.fixture
def portal() -> Iterator[tuple[Client, MemorySignInStore]]:
    """A test client of the portal, and its sign-in store (unlocked afterwards).

    Django keeps its settings, URL resolvers and context processors for the
    process, so the portal is built once and configured once.
    """
    if not django.conf.settings.configured:
        django.conf.settings.configure(
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=PORTAL,
            TEMPLATES=[
                {
                    "BACKEND": "django.template.backends.django.DjangoTemplates",
                    "OPTIONS": {"context_processors": [f"{PORTAL}.features"]},
                }
            ],
        )
        django.setup()
    sys.modules[PORTAL] = MODULE
    try:
        yield Client(), STORE
    finally:
        STORE.unlock(AP)


def test_allowed_feature_runs_the_view(
    portal: tuple[Client, MemorySignInStore],
) -> None:
    """A login whose role has the feature gets the page."""
    response = portal[0].get("/pay", headers=login_header(AP))
    assert (response.status_code, response.text) == (200, "Pay your invoices")


def test_role_without_the_feature_gets_403_saying_why(
    portal: tuple[Client, MemorySignInStore],
) -> None:
    """The Buyer role lacks payments: 403, HTML by default, JSON on request."""
    client = portal[0]
    page = client.get("/pay", headers=login_header(BUYER))
    data = client.get("/pay", headers=login_header(BUYER) | JSON_ACCEPT)
    assert (page.status_code, page.headers["Content-Type"]) == (403, HTML)
    assert "Make a Payment is not available to you." in page.text
    assert (data.status_code, data.headers["Content-Type"]) == (403, JSON)
    assert reasons_of(data.text) == ["level_too_low"]


def test_other_customers_record_is_refused(
    portal: tuple[Client, MemorySignInStore],
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
    portal: tuple[Client, MemorySignInStore],
) -> None:
    """The invoice list is filtered to the customer's own invoices."""
    client = portal[0]
    assert client.get("/invoices", headers=login_header(AP)).text == "INV-1,INV-2"
    assert client.get("/invoices").text == ""


@pytest.mark.parametrize("login", NOBODY)
@pytest.mark.parametrize("path", ["/pay", "/invoices/INV-1", "/invoices/INV-404"])
def test_nobody_signed_in_gets_401_with_a_challenge(
    portal: tuple[Client, MemorySignInStore], path: str, login: str | None
) -> None:
    """No login, an empty one alike: 401 with a challenge, a record loaded or not."""
    response = portal[0].get(path, headers=login_header(login) | JSON_ACCEPT)
    assert (
        response.status_code,
        reasons_of(response.text),
        response.headers["WWW-Authenticate"],
    ) == (401, ["unknown_login"], CHALLENGE)


def test_locked_login_is_refused_everywhere(
    portal: tuple[Client, MemorySignInStore],
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


def test_templates_get_the_logins_features(
    portal: tuple[Client, MemorySignInStore],
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
    guard = GUARD
    with pytest.raises(UnknownFeatureError):
        guard.requires("Make a Paymnet")
    with pytest.raises(UnknownPermissionError):
        guard.requires_record("TRAN_NOPE", load_invoice)
