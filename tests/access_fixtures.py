"""The account the access tests and the CSV tables of tests/data/csv/ run against."""

from datetime import UTC, datetime

from ccroles import CUSTOMER_CENTER, Account, Contact, Customer, NotificationSettings
from ccroles.passwords import ScryptParams

CHEAP_SCRYPT = ScryptParams(n=2, r=1, p=1)
"""Cheapest scrypt parameters: tests hash many passwords."""

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

SETTINGS = NotificationSettings(
    administrator_email="admin@shop.example",
    login_url="https://shop.example/customer-center/login",
    set_password_url="https://shop.example/customer-center/set-password",  # noqa: S106 (a URL)
    staff_login_url="https://shop.example/staff/login",
)

ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_SALESORD": "None"})


def account(**changes: object) -> Account:
    """Four customers; ACME has a contact, CORE has access and other logins."""
    fields: dict[str, object] = {
        "roles": [ACCOUNTANT],
        "websites": ["Main Store"],
        "notification": SETTINGS,
        "customers": [
            Customer(
                "101",
                "ACME",
                email="ap@acme.example",
                contacts=[Contact("c1", "books@acme.example")],
            ),
            Customer("102", "BOLT"),
            Customer(
                "103",
                "CORE",
                email="it@core.example",
                give_access=True,
                role="Customer Center",
                also_vendor=True,
                also_employee=True,
            ),
            Customer("104", "DUNE", email="d@dune.example", role="Accountant"),
        ],
    }
    fields.update(changes)
    return Account(**fields)  # type: ignore[arg-type]
