"""The portal every framework guard test serves: examples/account.toml, invoices.

ACME (internal id 101) has three logins: ``ap@`` (Customer Center: pays),
``books@`` (Accountant: pays, no orders) and ``purchasing@`` (Buyer: no
payments, quotes). UMBRELLA (104) owns invoice ``INV-9``, which no ACME login
may open. A request's login is its ``X-Login`` header.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import attrs

from ccroles import Engine, MemorySignInStore, SignIn, load_account
from ccroles.guards import Gate

ROOT: Final = Path(__file__).parent.parent
ENGINE: Final = Engine(load_account(ROOT / "examples" / "account.toml"))
NOW: Final = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

AP: Final = "ap@acme.example"
BUYER: Final = "purchasing@acme.example"
PAY: Final = "Make a Payment"
JSON_ACCEPT: Final = {"Accept": "application/json"}
BROWSER_ACCEPT: Final = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
}
CHALLENGE: Final = 'Session realm="customer center"'
# What a login function may give when nobody is signed in: all mean nobody.
NOBODY: Final = (None, "", " \t")


@attrs.frozen
class Invoice:
    """An invoice as a portal's model would hold it."""

    number: str
    customer_internal_id: str


INVOICES: Final = {
    invoice.number: invoice
    for invoice in (
        Invoice("INV-1", "101"),
        Invoice("INV-2", "101"),
        Invoice("INV-9", "104"),
    )
}


def load_invoice(number: str) -> Invoice | None:
    """The invoice numbered *number*, or ``None``."""
    return INVOICES.get(number)


def make_gate() -> tuple[Gate, MemorySignInStore]:
    """A gate over the example account that checks locks, and its store."""
    store = MemorySignInStore()
    return Gate(ENGINE, SignIn(ENGINE, store, clock=lambda: NOW)), store


def lock(store: MemorySignInStore, email: str) -> None:
    """Lock *email* as five wrong passwords in a row at NOW do."""
    for _ in range(5):
        store.record_failure(email, NOW, 5, timedelta(minutes=30))


def login_header(email: str | None) -> dict[str, str]:
    """The request headers that sign *email* in (none: nobody)."""
    return {} if email is None else {"X-Login": email}


def reasons_of(body: str) -> list[str]:
    """The reason codes of a JSON denial body."""
    codes = json.loads(body)["reasons"]
    assert isinstance(codes, list)
    return [str(code) for code in codes]


def detail_reasons(body: str) -> list[str]:
    """The reason codes of a JSON denial in FastAPI's shape, ``{"detail": ...}``."""
    codes = json.loads(body)["detail"]["reasons"]
    assert isinstance(codes, list)
    return [str(code) for code in codes]
