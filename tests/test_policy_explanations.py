"""Explanations of denials that depend on the login or on a feature's area."""

import pytest

from ccroles import (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    Customer,
    Engine,
    explain,
)

NO_BILLING = CUSTOMER_CENTER.customize(
    "No Billing",
    levels=dict.fromkeys(
        (
            "TRAN_CUSTPYMT",
            "TRAN_CUSTINVC",
            "TRAN_STATEMENT",
            "REGT_ACCTREC",
            "TRAN_FIND",
        ),
        "None",
    ),
)
NO_CART = PREMIUM_CUSTOMER_CENTER.customize(
    "No Cart", capabilities=["quote_requests", "wish_lists"]
)
ENGINE = Engine(
    Account(
        roles=[NO_BILLING, NO_CART],
        customers=[
            Customer("1", "ACME", email="ap@acme.example", role="Customer Center"),
            Customer(
                "2",
                "BETA",
                email="ap@beta.example",
                give_access=True,
                role="Customer Center",
                active=False,
            ),
            Customer(
                "3",
                "GAMMA",
                email="ap@gamma.example",
                give_access=True,
                role="No Billing",
            ),
            Customer(
                "4", "DELTA", email="ap@delta.example", give_access=True, role="No Cart"
            ),
        ],
    )
)


@pytest.mark.parametrize(
    ("email", "feature", "expected"),
    [
        (
            "ap@acme.example",
            "Billing",
            (
                "ap@acme.example may not use Billing: customer 'ACME' does not have "
                "Give Access ticked. To allow it: tick Give Access on customer 'ACME'."
            ),
        ),
        (
            "ap@beta.example",
            "Billing",
            (
                "ap@beta.example may not use Billing: customer 'BETA' is inactive. To "
                "allow it: make customer 'BETA' active."
            ),
        ),
        (
            "ap@gamma.example",
            "Make a Payment",
            (
                "ap@gamma.example may not use Make a Payment: role 'No Billing' holds "
                "Customer Payment at None, below Create; role 'No Billing' holds "
                "Invoice at None, below View; its area 'Billing' is denied too, which "
                "the changes above also fix. To allow it: raise Customer Payment from "
                "None to Create on role 'No Billing'; raise Invoice from None to View "
                "on role 'No Billing'."
            ),
        ),
        (
            "ap@delta.example",
            "Scriptable Cart",
            (
                "ap@delta.example may not use Scriptable Cart: role 'No Cart' lacks "
                "the capability 'scriptable_cart'; its area 'Website' is denied too; "
                "role 'No Cart' lacks the capability 'website'. To allow it: add the "
                "capability 'scriptable_cart' to role 'No Cart'; add the capability "
                "'website' to role 'No Cart'."
            ),
        ),
    ],
    ids=["no-access", "inactive", "area-fixed-too", "area-still-denied"],
)
def test_a_denial_is_explained_with_every_fact_and_remedy(
    email: str, feature: str, expected: str
) -> None:
    """Login checks and an area's denial read as facts, each with its remedy."""
    assert explain(ENGINE.decide(email, feature), email) == expected
