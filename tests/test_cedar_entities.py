"""The Cedar entities of one login: exactly its own, as the whole export has them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccroles import Account, LoginFacts, load_account
from ccroles.cedar import login_entities, login_id, to_cedar
from ccroles.exceptions import InvalidFieldError

ACCOUNT = load_account(Path(__file__).resolve().parents[1] / "examples/account.toml")
WHOLE = {
    (entity["uid"]["type"], entity["uid"]["id"]): entity
    for entity in json.loads(to_cedar(ACCOUNT).entities)
}
WEBSITES = [
    ("Account", "account"),
    ("Website", "Main Store"),
    ("Website", "Wholesale Portal"),
]


def ref(kind: str, entity_id: str) -> dict[str, object]:
    """A reference to an entity, as Cedar's entities JSON writes it."""
    return {"__entity": {"type": kind, "id": entity_id}}


def uids(entities: list[dict[str, object]]) -> list[tuple[str, str]]:
    """Each entity's type and id, in order."""
    return [
        (uid["type"], uid["id"])
        for uid in (entity["uid"] for entity in entities)
        if isinstance(uid, dict)
    ]


@pytest.mark.parametrize(
    ("email", "own"),
    [
        (
            "BOOKS@acme.example",
            [
                ("Customer", "101"),
                ("Contact", "c-101-1"),
                ("Login", "books@acme.example"),
                ("Role", "Accountant"),
            ],
        ),
        (
            "ap@ACME.example",
            [
                ("Customer", "101"),
                ("Login", "ap@acme.example"),
                ("Role", "Customer Center"),
            ],
        ),
        (
            "orders@umbrella.example",
            [
                ("Customer", "104"),
                ("Login", "orders@umbrella.example"),
                ("Role", "Premium Customer Center"),
            ],
        ),
        (
            "billing@initech.example",
            [
                ("Customer", "103"),
                ("Login", "billing@initech.example"),
                ("Role", "Customer Center"),
            ],
        ),
    ],
)
def test_an_emails_entities_are_its_own_as_the_whole_export_has_them(
    email: str, own: list[tuple[str, str]]
) -> None:
    """The account, its websites, the login's customer, contact, login and role."""
    entities = login_entities(ACCOUNT, email)
    assert uids(entities) == [*WEBSITES, *own]
    assert entities == [WHOLE[key] for key in [*WEBSITES, *own]]


@pytest.mark.parametrize("email", ["nobody@acme.example", "", None])
def test_an_email_no_login_has_gets_the_account_and_its_websites(
    email: str | None,
) -> None:
    """No login, no customer: only the account and its websites."""
    assert login_entities(ACCOUNT, email) == [WHOLE[key] for key in WEBSITES]


def test_a_contacts_facts_give_its_customer_contact_login_and_role() -> None:
    """Every fact is written; names are the account's own spelling."""
    facts = LoginFacts(
        7,
        " buyer ",
        give_access=True,
        active=False,
        assigned_website="wholesale PORTAL",
        customer_id="SEVEN",
        contact_id="c-7",
        contact_active=False,
    )
    entities = login_entities(ACCOUNT, facts)
    assert entities[:3] == [WHOLE[key] for key in WEBSITES]
    assert entities[3:6] == [
        {
            "uid": {"type": "Customer", "id": "7"},
            "attrs": {
                "account": ref("Account", "account"),
                "customer_id": "SEVEN",
                "active": False,
                "all_websites": False,
                "assigned_website": ref("Website", "Wholesale Portal"),
            },
            "parents": [],
        },
        {
            "uid": {"type": "Contact", "id": "c-7"},
            "attrs": {"customer": ref("Customer", "7"), "active": False},
            "parents": [],
        },
        {
            "uid": {"type": "Login", "id": "contact c-7"},
            "attrs": {
                "customer": ref("Customer", "7"),
                "of_contact": True,
                "give_access": True,
                "contact": ref("Contact", "c-7"),
                "role": ref("Role", "Buyer"),
            },
            "parents": [],
        },
    ]
    assert entities[6:] == [WHOLE["Role", "Buyer"]]


def test_a_customers_facts_without_a_role_give_its_customer_and_login() -> None:
    """No contact, no role: the customer (its id by default) and the login."""
    entities = login_entities(ACCOUNT, LoginFacts("7", None))
    assert entities[3:] == [
        {
            "uid": {"type": "Customer", "id": "7"},
            "attrs": {
                "account": ref("Account", "account"),
                "customer_id": "7",
                "active": True,
                "all_websites": True,
            },
            "parents": [],
        },
        {
            "uid": {"type": "Login", "id": "customer 7"},
            "attrs": {
                "customer": ref("Customer", "7"),
                "of_contact": False,
                "give_access": False,
            },
            "parents": [],
        },
    ]


def test_a_logins_entities_in_a_namespace_are_named_in_it() -> None:
    """Every entity type and reference carries the namespace."""
    facts = LoginFacts("7", "buyer", contact_id="c-7")
    entities = login_entities(ACCOUNT, facts, namespace="Shop")
    assert [kind for kind, _ in uids(entities)] == [
        "Shop::Account",
        "Shop::Website",
        "Shop::Website",
        "Shop::Customer",
        "Shop::Contact",
        "Shop::Login",
        "Shop::Role",
    ]
    assert entities[5]["attrs"] == {
        "customer": ref("Shop::Customer", "7"),
        "of_contact": True,
        "give_access": False,
        "contact": ref("Shop::Contact", "c-7"),
        "role": ref("Shop::Role", "Buyer"),
    }
    with pytest.raises(InvalidFieldError, match="namespace"):
        login_entities(ACCOUNT, facts, namespace="no name")


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("AP@Acme.example", "ap@acme.example"),
        (LoginFacts("101", None), "customer 101"),
        (LoginFacts(101, "Buyer", contact_id="c-101-2"), "contact c-101-2"),
        (None, ""),
    ],
)
def test_a_logins_id_is_its_email_key_or_its_customer_or_contact(
    login: str | LoginFacts | None, expected: str
) -> None:
    """An email's key; facts name their contact, or else their customer."""
    assert login_id(login) == expected


def test_the_entities_file_is_compact_json_one_entity_a_line() -> None:
    """No spaces after separators, and text outside ASCII written as itself."""
    lines = to_cedar(Account(websites=["Café Zürich"])).entities.split("\n")
    assert lines[:3] == [
        "[",
        (
            '{"uid":{"type":"Account","id":"account"},"attrs":{"customer_access":true},'
            '"parents":[]},'
        ),
        (
            '{"uid":{"type":"Website","id":"Café Zürich"},"attrs":{},'
            '"parents":[{"type":"Account","id":"account"}]},'
        ),
    ]
    assert lines[-2:] == ["]", ""]
