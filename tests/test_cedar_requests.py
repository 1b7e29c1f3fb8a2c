"""Cedar for a central service: namespaces, JSON schema, policy files, slices.

What a service that asks Cedar per request relies on: the export in a
namespace and with the schema in JSON validates; each policy has its own
file under a stable id; the entities one login needs give the whole
account's answers; the entities that change after a grant, a revocation, a
role change and a new email are few; and no entity or attribute missing
from a request ever turns a denial into an allowance (fail closed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import cedarpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccroles import (
    CUSTOMER_CENTER,
    FEATURES,
    Account,
    Contact,
    Customer,
    Engine,
    Feature,
    FeatureCatalogue,
    Level,
    LoginFacts,
    Role,
    load_account,
)
from ccroles.access import grant_access, revoke_access
from ccroles.access_values import Grant, LoginId, SendNotification
from ccroles.cedar import (
    ENTITIES_FILE,
    POLICIES_DIRECTORY,
    POLICIES_FILE,
    SCHEMA_JSON_FILE,
    CedarQuestion,
    feature_question,
    login_entities,
    login_id,
    policy_file_id,
    record_question,
    sign_in_question,
    to_cedar,
)
from ccroles.exceptions import (
    DuplicateNameError,
    InvalidFieldError,
    UnknownRoleError,
    UnknownWebsiteError,
)
from ccroles.features import Has
from ccroles.roles import CenterType
from ccroles.testing import Record, accounts_as_typed, login_facts
from tests.access_fixtures import account as access_account
from tests.cli_run import run

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACCOUNT_FILE = EXAMPLES / "account.toml"
ACCOUNT = load_account(ACCOUNT_FILE)

Entity = dict[str, Any]
Login = str | LoginFacts | None


def by_uid(entities: Sequence[Entity] | str) -> dict[tuple[str, str], Entity]:
    """Entities by (type, id)."""
    listed = json.loads(entities) if isinstance(entities, str) else entities
    return {(e["uid"]["type"], e["uid"]["id"]): e for e in listed}


# --- namespace, JSON schema, one file per policy --------------------------------


@pytest.mark.parametrize("namespace", [None, "Shop", "Acme::Shop_2"])
def test_the_schema_in_both_forms_validates_the_policies(namespace: str | None) -> None:
    """Cedar's validator passes the policies against the text and the JSON schema."""
    export = to_cedar(ACCOUNT, namespace=namespace)
    for schema in (export.schema, json.loads(export.schema_json)):
        result = cedarpy.validate_policies(export.policies, schema)
        assert [str(error) for error in result.errors] == []
    json_schema = cedarpy.Schema.from_json_str(export.schema_json)
    entities = cedarpy.Entities.from_json_str(export.entities, json_schema)
    question = feature_question(
        ACCOUNT, "AP@acme.example", "Make a Payment", namespace=namespace
    )
    answer = cedarpy.is_authorized(
        dict(question.request), export.policies, entities, json_schema
    )
    assert answer.allowed


def test_a_namespace_names_every_type_and_action() -> None:
    """In a namespace, entities, requests and policies all carry it."""
    export = to_cedar(ACCOUNT, namespace="Shop")
    types = {kind for kind, _ in by_uid(export.entities)}
    assert types == {
        "Shop::Account",
        "Shop::Website",
        "Shop::Role",
        "Shop::Customer",
        "Shop::Contact",
        "Shop::Login",
    }
    question = record_question(
        ACCOUNT, "ap@acme.example", "Invoice", Record("101"), namespace="Shop"
    )
    assert question.request["principal"] == {
        "type": "Shop::Login",
        "id": "ap@acme.example",
    }
    assert question.request["action"] == {
        "type": "Shop::Action",
        "id": "record at View",
    }
    assert "principal is Shop::Login" in export.policy("sign in")
    assert list(json.loads(export.schema_json)) == ["Shop"]
    assert list(json.loads(to_cedar(ACCOUNT).schema_json)) == [""]


@pytest.mark.parametrize(
    "namespace", ["", "1Shop", "Shop::", "::Shop", "a b", "in", "Shop::if", "Shöp"]
)
def test_a_namespace_that_is_no_cedar_name_is_refused(namespace: str) -> None:
    """Only identifiers joined by ``::``, none of Cedar's reserved words."""
    with pytest.raises(InvalidFieldError, match="namespace"):
        to_cedar(ACCOUNT, namespace=namespace)
    with pytest.raises(InvalidFieldError, match="namespace"):
        sign_in_question(ACCOUNT, "ap@acme.example", namespace=namespace)
    with pytest.raises(InvalidFieldError, match="namespace"):
        login_entities(ACCOUNT, "ap@acme.example", namespace=namespace)


def test_each_policy_has_a_file_under_a_stable_id() -> None:
    """One file per policy, named by its rule; the same in any namespace."""
    export = to_cedar(ACCOUNT)
    files = export.policy_files()
    assert len(files) == len(export.policy_texts) == 8 + 1 + 22 + 5
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in files)
    assert list(files)[:2] == [
        "deny-customer-access-off",
        "deny-give-access-not-ticked",
    ]
    assert "feature-see-a-r-register" in files
    assert list(to_cedar(Account(), namespace="Shop").policy_files()) == list(files)
    for (rule, text), (name, file_text) in zip(
        export.policy_texts, files.items(), strict=True
    ):
        assert name == policy_file_id(rule)
        assert file_text.endswith("\n" + text + "\n")
        assert cedarpy.validate_policies(file_text, export.schema).validation_passed


def test_two_policies_with_one_id_are_refused() -> None:
    """Features whose names differ only in punctuation would share a file: refused."""
    catalogue = FeatureCatalogue(
        [Feature("A b", Has("website")), Feature("A-b", Has("website"))]
    )
    export = to_cedar(Account(), catalogue)
    with pytest.raises(DuplicateNameError, match="'feature-a-b'"):
        export.policy_files()


def test_export_cedar_command_writes_a_namespaced_json_export_cedar_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--namespace Shop --schema-format json``: files that cedarpy validates."""
    status, out, err = run(
        capsys,
        "export",
        "cedar",
        str(ACCOUNT_FILE),
        "--namespace",
        "Shop",
        "--schema-format",
        "json",
        "--out",
        str(tmp_path),
    )
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == f"wrote {tmp_path / SCHEMA_JSON_FILE}"
    schema_text = (tmp_path / SCHEMA_JSON_FILE).read_text(encoding="utf-8")
    schema = json.loads(schema_text)
    assert list(schema) == ["Shop"]
    policies = (tmp_path / POLICIES_FILE).read_text(encoding="utf-8")
    assert cedarpy.validate_policies(policies, schema).validation_passed
    files = sorted((tmp_path / POLICIES_DIRECTORY).iterdir())
    assert len(files) == 36
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert cedarpy.validate_policies(text, schema).validation_passed, path
    parsed = cedarpy.Schema.from_json_str(schema_text)
    entities = (tmp_path / ENTITIES_FILE).read_text(encoding="utf-8")
    loaded = cedarpy.Entities.from_json_str(entities, parsed)
    question = sign_in_question(ACCOUNT, "AP@ACME.example", namespace="Shop")
    assert cedarpy.is_authorized(dict(question.request), policies, loaded).allowed


def test_export_cedar_command_refuses_a_bad_namespace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A namespace that is no Cedar name: one line on stderr, status 2."""
    status, out, err = run(
        capsys,
        "export",
        "cedar",
        str(ACCOUNT_FILE),
        "--namespace",
        "my shop",
        "--out",
        str(tmp_path),
    )
    assert (status, out) == (2, "")
    assert err.startswith("ccroles: error: Cedar export namespace 'my shop'")
    assert list(tmp_path.iterdir()) == []


# --- the entities of one login ------------------------------------------------


def answers(
    export_policies: str,
    entities: Sequence[Entity],
    questions: Sequence[CedarQuestion],
) -> list[bool]:
    """Cedar's answers over *entities* plus what the questions bring (no schema)."""
    brought = {json.dumps(e) for question in questions for e in question.entities}
    loaded = cedarpy.Entities.from_json_str(
        json.dumps([*entities, *map(json.loads, sorted(brought))])
    )
    results = cedarpy.is_authorized_batch(
        [dict(question.request) for question in questions], export_policies, loaded
    )
    return [result.allowed for result in results]


SOME_FEATURES = ("Billing", "Make a Payment", "Wish Lists", "Mapping Store Locations")


def every_question(
    account: Account,
    login: Login,
    features: Sequence[str] = tuple(FEATURES),
    levels: Sequence[Level] = tuple(Level),
) -> list[CedarQuestion]:
    """Sign in everywhere, the features, records of every owner at the levels."""
    questions = [
        sign_in_question(account, login, website)
        for website in (None, *account.websites)
    ]
    for website in (None, *account.websites):
        questions.extend(
            feature_question(account, login, name, website) for name in features
        )
    owners = ["999", *(customer.internal_id for customer in account.customers)]
    if isinstance(login, LoginFacts):
        owners.append(login.internal_id)
    questions.extend(
        record_question(
            account,
            login,
            "TRAN_SALESORD",
            Record(owner),
            level,
            website,
            record_id=f"{number}",  # the same record: one entity
        )
        for level in levels
        for number, owner in enumerate(owners)
        for website in (None, *account.websites[:1])
    )
    return questions


def askers(account: Account) -> Iterator[Login]:
    """Every login by email (upper case) and by its facts; a stranger; ``None``."""
    for login in account.logins():
        assert login.email is not None
        yield login.email.upper()
        yield LoginFacts.of(login)
    yield "nobody@nowhere.example"
    yield None


def test_a_logins_entities_give_the_whole_accounts_answers() -> None:
    """For every login of the example account, the slice answers as everything."""
    export = to_cedar(ACCOUNT)
    everything = json.loads(export.entities)
    engine = Engine(ACCOUNT)
    for login in askers(ACCOUNT):
        questions = every_question(ACCOUNT, login)
        sliced = answers(export.policies, login_entities(ACCOUNT, login), questions)
        if not isinstance(login, LoginFacts):
            assert sliced == answers(export.policies, everything, questions), login
        assert any(sliced) is engine.allows_sign_in(login), login


def test_a_logins_entities_are_its_own_and_the_accounts() -> None:
    """Account, websites, customer, contact, login, role: nothing of the others."""
    ids = [e["uid"]["id"] for e in login_entities(ACCOUNT, "BOOKS@acme.example")]  # type: ignore[index]
    assert ids == [
        "account",
        "Main Store",
        "Wholesale Portal",
        "101",
        "c-101-1",
        "books@acme.example",
        "Accountant",
    ]
    unknown = login_entities(ACCOUNT, "nobody@acme.example")
    assert [e["uid"]["type"] for e in unknown] == ["Account", "Website", "Website"]  # type: ignore[index]


def test_login_facts_get_the_entities_of_their_login() -> None:
    """A portal's facts: the login's entities, spelt as the account spells them."""
    facts = LoginFacts(
        101,
        " buyer ",
        give_access=True,
        assigned_website="wholesale PORTAL",
        customer_id="ACME",
        contact_id="c-101-2",
    )
    entities = by_uid(login_entities(ACCOUNT, facts))
    login = entities["Login", "contact c-101-2"]["attrs"]
    assert login["role"] == {"__entity": {"type": "Role", "id": "Buyer"}}
    customer = entities["Customer", "101"]["attrs"]
    assert customer["assigned_website"] == {
        "__entity": {"type": "Website", "id": "Wholesale Portal"}
    }
    assert login_id(facts) == "contact c-101-2"
    assert login_id(LoginFacts("101", None)) == "customer 101"


@pytest.mark.parametrize(
    ("facts", "error"),
    [
        (LoginFacts("1", "Nobody's Role"), UnknownRoleError),
        (LoginFacts("1", None, assigned_website="Nowhere"), UnknownWebsiteError),
    ],
)
def test_login_facts_naming_what_the_account_lacks_are_refused(
    facts: LoginFacts, error: type[Exception]
) -> None:
    """A role or website the account lacks raises the engine's own error."""
    with pytest.raises(error):
        Engine(ACCOUNT).allows_sign_in(facts)
    with pytest.raises(error):
        login_entities(ACCOUNT, facts)


def thousand_customers() -> Account:
    """1,000 customers, each with its own login and a contact's."""
    return Account(
        roles=[
            CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_CUSTPYMT": "None"})
        ],
        websites=["Main Store", "Wholesale Portal"],
        customers=[
            Customer(
                str(1000 + n),
                f"CUST-{n}",
                email=f"ap{n}@customer{n}.example",
                give_access=True,
                role="Customer Center",
                contacts=[
                    Contact(
                        f"c-{n}",
                        email=f"books{n}@customer{n}.example",
                        give_access=True,
                        role="Accountant",
                    )
                ],
            )
            for n in range(1000)
        ],
    )


def test_a_logins_entities_stay_small_at_a_thousand_customers() -> None:
    """The slice of one login is the same few entities at any number of customers."""
    account = thousand_customers()
    whole = len(to_cedar(account).entities.encode())
    customer = len(json.dumps(login_entities(account, "ap500@customer500.example")))
    contact = len(json.dumps(login_entities(account, "books500@customer500.example")))
    print(f"\nwhole: {whole} B; customer's login: {customer} B; contact's: {contact} B")  # noqa: T201
    assert 800_000 < whole < 880_000  # docs/cedar.md: about 840 KB
    assert 1_800 < customer < 2_300  # docs/cedar.md: about 2 KB
    assert 1_800 < contact < 2_300


# --- what changes after a change to the account ---------------------------------


def changed(before: Account, after: Account) -> list[tuple[str, str]]:
    """The entities added, changed or removed from *before* to *after*."""
    old, new = by_uid(to_cedar(before).entities), by_uid(to_cedar(after).entities)
    return sorted(
        uid for uid in old.keys() | new.keys() if old.get(uid) != new.get(uid)
    )


def test_a_grant_changes_the_login_entity_only() -> None:
    """Access given to a login: its Login entity (new or changed), nothing else."""
    account = access_account()
    granted = grant_access(
        account, Grant(LoginId("101"), SendNotification(), role="customer center")
    ).account
    assert changed(account, granted) == [("Login", "ap@acme.example")]
    new_email = grant_access(
        account,
        Grant(
            LoginId("102"),
            SendNotification(),
            email="Bolt@bolt.example",
            role="Accountant",
        ),
    ).account
    assert changed(account, new_email) == [("Login", "bolt@bolt.example")]


def test_a_grant_with_a_website_changes_the_customer_too() -> None:
    """A grant that sets the Assigned Website changes two entities."""
    account = access_account()
    granted = grant_access(
        account,
        Grant(
            LoginId("101"),
            SendNotification(),
            role="Customer Center",
            website="main store",
        ),
    ).account
    assert changed(account, granted) == [
        ("Customer", "101"),
        ("Login", "ap@acme.example"),
    ]


def test_a_revocation_changes_the_login_entity_only() -> None:
    """Access revoked: the login's entity (Give Access cleared)."""
    account = access_account()
    revoked = revoke_access(account, LoginId("103")).account
    assert changed(account, revoked) == [("Login", "it@core.example")]


def test_a_role_change_changes_one_entity() -> None:
    """A login given another role: its Login; a role's levels changed: its Role."""
    account = access_account()
    customer = account.customer("103")
    moved = account.with_customer(attrs.evolve(customer, role="Accountant"))
    assert changed(account, moved) == [("Login", "it@core.example")]
    lowered = CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_CUSTPYMT": "None"})
    relevelled = attrs.evolve(account, roles=[lowered])
    assert changed(account, relevelled) == [("Role", "Accountant")]


def test_a_new_email_replaces_the_login_entity() -> None:
    """A login's new email: the old Login entity goes, a new one comes."""
    account = access_account()
    customer = account.customer("103")
    renamed = account.with_customer(attrs.evolve(customer, email="IT2@core.example"))
    assert changed(account, renamed) == [
        ("Login", "it2@core.example"),
        ("Login", "it@core.example"),
    ]


# --- fail closed ------------------------------------------------------------------


def without(entities: list[Entity]) -> Iterator[tuple[str, list[Entity]]]:
    """*entities* with one thing taken away: each entity kind, entity, attribute.

    Also each level of a role's ``at_least`` and each entity's parents.
    """
    for kind in sorted({e["uid"]["type"] for e in entities}):
        yield f"every {kind}", [e for e in entities if e["uid"]["type"] != kind]
    for index, entity in enumerate(entities):
        uid = entity["uid"]
        rest = entities[:index] + entities[index + 1 :]
        yield f"{uid}", rest
        attributes: dict[str, object] = entity["attrs"]
        changes: list[tuple[str, dict[str, object]]] = [
            (f"{uid}.{name}", {k: v for k, v in attributes.items() if k != name})
            for name in attributes
        ]
        at_least = attributes.get("at_least")
        if isinstance(at_least, dict):
            changes.extend(
                (
                    f"{uid}.at_least[{level}]",
                    {
                        **attributes,
                        "at_least": {k: v for k, v in at_least.items() if k != level},
                    },
                )
                for level in at_least
            )
        for label, changed_attrs in changes:
            yield (
                label,
                [*entities[:index], {**entity, "attrs": changed_attrs}, *rest[index:]],
            )
        if entity["parents"]:
            yield (
                f"{uid} parents",
                [*entities[:index], {**entity, "parents": []}, *rest[index:]],
            )


def check_fails_closed(account: Account, login: Login) -> tuple[int, int]:
    """Take away each thing from the login's request entities; no denial may turn.

    Returns:
        How many (entities taken away, question) pairs were asked, and how
        many of them turned from allowed to denied.
    """
    export = to_cedar(account)
    questions = every_question(account, login, SOME_FEATURES, (Level.VIEW, Level.FULL))
    entities = login_entities(account, login)
    brought = {json.dumps(e) for question in questions for e in question.entities}
    full = [*entities, *map(json.loads, sorted(brought))]
    requests = [dict(question.request) for question in questions]
    policies = cedarpy.PolicySet.from_str(export.policies)

    def ask(listed: list[Entity]) -> list[bool]:
        loaded = cedarpy.Entities.from_json_str(json.dumps(listed))
        results = cedarpy.is_authorized_batch(requests, policies, loaded)
        return [result.allowed for result in results]

    before = ask(full)
    asked = turned = 0
    for label, fewer in without(full):
        after = ask(fewer)
        opened = [
            question.request
            for question, was, now in zip(questions, before, after, strict=True)
            if now and not was
        ]
        assert not opened, f"without {label}: allowed {opened[:2]}"
        asked += len(after)
        turned += sum(was and not now for was, now in zip(before, after, strict=True))
    return asked, turned


STAFF = Role(
    "Sales Rep", levels={"TRAN_SALESORD": "Full"}, center_type=CenterType.SALES
)

HOSTILE = Account(
    customer_access=True,
    roles=[STAFF],
    websites=["Main Store", "Wholesale Portal"],
    customers=[
        Customer(
            "1",
            "A",
            email="a@x.example",
            give_access=True,
            role="SALES REP",
            contacts=[
                Contact(
                    "c1",
                    email="c@x.example",
                    give_access=True,
                    role="customer center",
                    active=False,
                ),
                Contact("c2", email="d@x.example", role="Customer Center"),
            ],
        ),
        Customer(
            "2",
            "B",
            email="b@x.example",
            give_access=True,
            role=" Premium Customer Center",
            assigned_website="wholesale portal ",
        ),
        Customer(
            "3",
            "C",
            email="e@x.example",
            give_access=True,
            role="Customer Center",
            active=False,
        ),
    ],
)


@pytest.mark.parametrize(
    "account",
    [ACCOUNT, HOSTILE, attrs.evolve(HOSTILE, customer_access=False)],
    ids=["example", "hostile", "access off"],
)
def test_no_missing_entity_or_attribute_turns_a_denial_into_an_allowance(
    account: Account,
) -> None:
    """Every entity kind, entity and attribute taken away: denials stay denials."""
    asked = turned = 0
    for login in askers(account):
        more, fewer = check_fails_closed(account, login)
        asked += more
        turned += fewer
    print(f"\n{asked} answers without something; {turned} turned to denied")  # noqa: T201
    if account.customer_access:  # some answers were allowed, and some turned
        assert turned > 0


@settings(max_examples=max(2, settings().max_examples // 60))  # 5; LONG=1: 50
@given(st.data())
def test_drawn_accounts_fail_closed(data: st.DataObject) -> None:
    """The same for accounts as people type them, and their logins' facts."""
    account = data.draw(accounts_as_typed(max_customers=2, customer_access=True))
    logins = [login.email for login in account.logins()]
    if logins:
        check_fails_closed(account, data.draw(st.sampled_from(logins)))
        check_fails_closed(account, data.draw(login_facts(account)))
