"""The Cedar export: its files, Cedar's validator, deny by default, the command."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal, cast

import cedarpy
import pytest

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
from ccroles.cedar import (
    ENTITIES_FILE,
    POLICIES_FILE,
    SCHEMA_FILE,
    SCHEMA_FORMATS,
    CedarExport,
    CedarQuestion,
    export_cedar,
    feature_question,
    policy_file_id,
    record_action,
    record_question,
    sign_in_question,
    to_cedar,
)
from ccroles.exceptions import (
    DuplicateNameError,
    InvalidFieldError,
    UnknownFeatureError,
    UnknownWebsiteError,
    UntranslatableRequirementError,
)
from ccroles.features import Grants, Has, Requirement, Unmet
from ccroles.roles import CenterType
from ccroles.testing import Record
from tests.cedar_oracle import Cedar, fired
from tests.cli_run import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACCOUNT_FILE = EXAMPLES / "account.toml"
ACCOUNT = load_account(ACCOUNT_FILE)
EXPORT = to_cedar(ACCOUNT)
CEDAR = Cedar(EXPORT)
ENGINE = Engine(ACCOUNT)


def policy_ids(policies: str) -> list[str]:
    """The ``@id`` of each policy, in order."""
    return re.findall(r'^@id\("([^"]*)"\)$', policies, flags=re.MULTILINE)


# --- the files ---------------------------------------------------------------


def test_exporting_twice_gives_identical_text() -> None:
    """The export depends only on the account: the same text each time."""
    again = to_cedar(load_account(ACCOUNT_FILE))
    assert again == EXPORT


def test_export_cedar_writes_the_files(tmp_path: Path) -> None:
    """The directory is created and holds exactly the export's texts."""
    target = tmp_path / "out" / "cedar"
    export = export_cedar(ACCOUNT, target)
    written = sorted(
        str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()
    )
    assert written == sorted([SCHEMA_FILE, POLICIES_FILE, ENTITIES_FILE, *POLICY_FILES])
    for name, text in export.files().items():
        assert (target / name).read_text(encoding="utf-8") == text


def test_writing_twice_gives_identical_files(tmp_path: Path) -> None:
    """A second export over the first leaves the same bytes and no stray file."""
    export_cedar(ACCOUNT, tmp_path)
    first = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    export_cedar(ACCOUNT, tmp_path)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == first


def test_files_the_export_does_not_write_are_left_alone(tmp_path: Path) -> None:
    """Nothing is deleted: a policy file of an older export stays (see the docs)."""
    (tmp_path / "policies").mkdir()
    old = tmp_path / "policies" / "feature-gone.cedar"
    old.write_text("// an older export's\n", encoding="utf-8")
    export_cedar(ACCOUNT, tmp_path)
    assert old.read_text(encoding="utf-8") == "// an older export's\n"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text goes to a temporary file renamed over the target: all or nothing."""
    (tmp_path / SCHEMA_FILE).write_text("old", encoding="utf-8")

    def refuse(*_: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        EXPORT.write(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [SCHEMA_FILE, "policies"]
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == "old"


ONE_FEATURE = FeatureCatalogue([Feature("Wish Lists", Has("website"))])


def test_the_files_have_the_names_services_look_for(tmp_path: Path) -> None:
    """The names a service reads: they are part of the export's interface."""
    EXPORT.write(tmp_path / "text")
    EXPORT.write(tmp_path / "json", schema_format="json")
    assert sorted(p.name for p in (tmp_path / "text").iterdir()) == [
        "ccroles.cedar",
        "ccroles.cedarschema",
        "entities.json",
        "policies",
    ]
    assert sorted(p.name for p in (tmp_path / "json").iterdir()) == [
        "ccroles.cedar",
        "ccroles.cedarschema.json",
        "entities.json",
        "policies",
    ]
    assert (tmp_path / "text" / "policies" / "sign-in.cedar").is_file()


def test_the_schema_in_json_replaces_the_schema_text() -> None:
    """Asked for JSON, the files hold the JSON schema and not the schema text."""
    files = EXPORT.files("json")
    assert files["ccroles.cedarschema.json"] == EXPORT.schema_json
    assert "ccroles.cedarschema" not in files
    assert list(files)[:2] == ["ccroles.cedarschema.json", "ccroles.cedar"]


def test_write_and_export_cedar_write_the_json_schema_when_asked(
    tmp_path: Path,
) -> None:
    """Both ways of writing honour schema_format: the JSON file, no text one."""
    written = EXPORT.write(tmp_path / "write", schema_format="json")
    assert written[0] == tmp_path / "write" / "ccroles.cedarschema.json"
    export_cedar(ACCOUNT, tmp_path / "export", schema_format="json")
    for folder in ("write", "export"):
        schema = tmp_path / folder / "ccroles.cedarschema.json"
        assert json.loads(schema.read_text(encoding="utf-8")) == json.loads(
            EXPORT.schema_json
        )
        assert not (tmp_path / folder / "ccroles.cedarschema").exists()


def test_the_schema_formats_are_the_text_first_then_json() -> None:
    """The two forms, the default first: what the command's help names."""
    assert SCHEMA_FORMATS == ("cedar", "json")


class _Json(str):
    """A subclass of str: its value, not its type, decides."""

    __slots__ = ()


def test_a_str_subclass_spelling_json_is_the_json_form() -> None:
    """Only the value counts: a subclass of str spelling json is json."""
    assert SCHEMA_FILE not in EXPORT.files(cast("Literal['json']", _Json("json")))


_NOT_A_FORMAT: list[object] = ["", "JSON", "Cedar", " json", "yaml", "text", None, 1]


@pytest.mark.parametrize("schema_format", _NOT_A_FORMAT)
def test_a_schema_format_that_is_neither_form_is_refused_with_nothing_written(
    tmp_path: Path, schema_format: object
) -> None:
    """Deny by default: files, write and export_cedar refuse it, writing nothing."""
    message = (
        f"Cedar export schema_format {schema_format!r} is refused; "
        "expected 'cedar' or 'json'"
    )
    bad = cast("Literal['cedar']", schema_format)
    with pytest.raises(InvalidFieldError) as files_error:
        EXPORT.files(bad)
    assert str(files_error.value) == message
    with pytest.raises(InvalidFieldError, match="schema_format"):
        EXPORT.write(tmp_path / "write", schema_format=bad)
    with pytest.raises(InvalidFieldError, match="schema_format"):
        export_cedar(ACCOUNT, tmp_path / "export", schema_format=bad)
    assert list(tmp_path.iterdir()) == []


def test_export_cedar_writes_in_the_namespace_and_catalogue_given(
    tmp_path: Path,
) -> None:
    """export_cedar passes the namespace and the catalogue on to what it writes."""
    export = export_cedar(Account(), tmp_path, ONE_FEATURE, namespace="Shop")
    assert [rule for rule, _ in export.policy_texts if rule.startswith("feature")] == [
        "feature: Wish Lists"
    ]
    policies = (tmp_path / "ccroles.cedar").read_text(encoding="utf-8")
    assert 'action == Shop::Action::"feature: Wish Lists"' in policies
    assert "feature: Make a Payment" not in policies
    assert (tmp_path / "ccroles.cedarschema").read_text(encoding="utf-8").splitlines()[
        3
    ] == "namespace Shop {"


def test_the_policies_file_is_the_header_then_each_policy_after_a_blank_line() -> None:
    """The header, then every policy in order, each after an empty line."""
    export = to_cedar(Account(), ONE_FEATURE, namespace="Shop")
    assert export.policies.startswith(
        "// Generated by ccroles from the account, its roles and the feature\n"
        "// requirements: do not edit; regenerate with `ccroles export cedar`.\n"
        "\n"
        '@id("deny: Customer Access off")\n'
    )
    assert export.policies.count("\n\n@id(") == 8 + 1 + 1 + 5
    assert export.policies.endswith(
        '\nwhen { principal.role.at_least["Full"].contains(resource.permission) };\n'
    )
    assert list(json.loads(export.schema_json)) == ["Shop"]
    assert list(json.loads(export.schema_json)["Shop"]["actions"])[:2] == [
        "sign in",
        "feature: Wish Lists",
    ]


def test_a_policy_file_is_the_header_a_blank_line_and_the_policy() -> None:
    """Each policy file: the two header lines, an empty line, the policy, a newline."""
    files = to_cedar(Account(), ONE_FEATURE).policy_files()
    assert files["deny-give-access-not-ticked"] == (
        "// Generated by ccroles from the account, its roles and the feature\n"
        "// requirements: do not edit; regenerate with `ccroles export cedar`.\n"
        "\n"
        '@id("deny: Give Access not ticked")\n'
        '@rule("the login must have Give Access ticked")\n'
        "forbid (principal, action, resource)\n"
        "unless { principal.give_access };\n"
    )


def test_two_policies_sharing_a_file_id_are_refused_naming_it() -> None:
    """Names differing only in punctuation would share a file: refused, named."""
    catalogue = FeatureCatalogue(
        [Feature("A b", Has("website")), Feature("A-b", Has("website"))]
    )
    export = to_cedar(Account(), catalogue)
    with pytest.raises(DuplicateNameError) as refused:
        export.policy_files()
    assert str(refused.value) == "Cedar policy id 'feature-a-b' is given more than once"
    assert (refused.value.kind, refused.value.name) == (
        "Cedar policy id",
        "feature-a-b",
    )


def test_policies_pass_cedars_validator() -> None:
    """Cedar's own validator checks the policies against the schema: no error."""
    result = cedarpy.validate_policies(EXPORT.policies, EXPORT.schema)
    assert [str(error) for error in result.errors] == []
    assert result.validation_passed


def test_a_broken_policy_fails_cedars_validator() -> None:
    """The validator does check: a policy reading a missing attribute fails."""
    broken = EXPORT.policies.replace("principal.give_access", "principal.gives")
    assert not cedarpy.validate_policies(broken, EXPORT.schema).validation_passed


def test_entities_conform_to_the_schema() -> None:
    """Cedar loads the entities against the schema (a mismatch raises)."""
    entities = json.loads(EXPORT.entities)
    assert len(cedarpy.Entities.from_json_str(EXPORT.entities)) == len(entities)
    entities[0]["attrs"]["customer_access"] = "yes"
    with pytest.raises(ValueError, match="does not conform to the schema"):
        cedarpy.Entities.from_json_str(json.dumps(entities), CEDAR.schema)


EXPORT_IDS = [
    "deny: Customer Access off",
    "deny: Give Access not ticked",
    "deny: customer inactive",
    "deny: contact inactive",
    "deny: no customer center role",
    "deny: unknown website",
    "deny: website not assigned",
    "deny: not own record",
    "sign in",
    *(f"feature: {name}" for name in FEATURES),
    *(record_action(level) for level in Level),
]
POLICY_FILES = [f"policies/{policy_file_id(rule)}.cedar" for rule in EXPORT_IDS]


def test_one_policy_per_rule_each_named() -> None:
    """Each deny rule, sign in, each feature and each record level has one policy."""
    assert policy_ids(EXPORT.policies) == EXPORT_IDS
    assert EXPORT.policies.count("@rule(") == len(EXPORT_IDS)
    assert [rule for rule, _ in EXPORT.policy_texts] == EXPORT_IDS


def test_a_feature_policy_quotes_its_requirement() -> None:
    """The policy of a feature names its requirement in words and in Cedar."""
    policy = EXPORT.policy("feature: Make a Payment")
    assert policy.startswith(
        '@id("feature: Make a Payment")\n'
        '@rule("Make a Payment: Customer Payment >= Create and Invoice >= View;'
        ' its area Billing holds whenever this does")\n'
        'permit (principal is Login, action == Action::"feature: Make a Payment",'
        " resource is Account)\n"
    )
    assert policy.endswith(
        '\nwhen { (principal.role.at_least["Create"].contains("TRAN_CUSTPYMT") &&'
        ' principal.role.at_least["View"].contains("TRAN_CUSTINVC")) };'
    )


def test_every_permit_carries_every_check_a_login_must_pass() -> None:
    """Each permit holds the sign-in checks, so an error in one denies."""
    checks = EXPORT.policy("sign in").split("\n", 3)[3]
    permits = [text for _, text in EXPORT.policy_texts if "\npermit (" in text]
    assert len(permits) == 1 + len(FEATURES) + len(Level)
    for permit in permits:
        assert checks.rstrip(";") in permit
    for check in (
        "customer_access",
        "give_access",
        "customer.active",
        "contact.active",
        "customer_center",
        "all_websites",
    ):
        assert check in checks


def test_a_child_keeps_its_areas_requirement_when_it_does_not_imply_it() -> None:
    """Scriptable Cart also needs its area Website, written in its policy."""
    policy = EXPORT.policy("feature: Scriptable Cart")
    assert "its area Website: website" in policy
    assert policy.endswith(
        'when { principal.role.capabilities.contains("scriptable_cart") }\n'
        'when { principal.role.capabilities.contains("website") };'
    )


def test_entities_hold_the_roles_levels_per_level() -> None:
    """A role's entity lists, for each level, the keys held at it or higher."""
    entities = {
        (e["uid"]["type"], e["uid"]["id"]): e for e in json.loads(EXPORT.entities)
    }
    accountant = entities["Role", "Accountant"]["attrs"]
    assert "TRAN_SALESORD" in accountant["at_least"]["None"]
    assert "TRAN_SALESORD" not in accountant["at_least"]["View"]
    assert accountant["at_least"]["Full"] == ["LIST_FIND", "TRAN_FIND"]
    assert accountant["capabilities"] == ["website"]
    assert entities["Login", "books@acme.example"]["attrs"] == {
        "customer": {"__entity": {"type": "Customer", "id": "101"}},
        "of_contact": True,
        "contact": {"__entity": {"type": "Contact", "id": "c-101-1"}},
        "give_access": True,
        "role": {"__entity": {"type": "Role", "id": "Accountant"}},
    }


def test_names_with_quotes_and_controls_are_escaped() -> None:
    """A feature name with quotes, a backslash and a newline is a valid literal."""
    catalogue = FeatureCatalogue([Feature('Say "hi"\\\n\u00e9', Has("website"))])
    export = to_cedar(Account(), catalogue)
    assert 'Action::"feature: Say \\"hi\\"\\\\\\u{a}\u00e9"' in export.policies
    assert cedarpy.validate_policies(export.policies, export.schema).validation_passed


class Odd(Requirement):
    """A requirement of a kind the export does not know."""

    @property
    def name(self) -> str:
        """Its name."""
        return "odd"

    def unmet(self, grants: Grants) -> tuple[Unmet, ...]:
        """Met by everyone."""
        del grants
        return ()


def test_an_unknown_kind_of_requirement_is_refused() -> None:
    """The export writes only the predicates it knows; another kind raises."""
    catalogue = FeatureCatalogue([Feature("Odd", Odd())])
    with pytest.raises(UntranslatableRequirementError, match="'odd' of kind 'Odd'"):
        to_cedar(Account(), catalogue)


def test_a_feature_named_like_another_action_is_still_a_feature() -> None:
    """Feature actions carry a prefix: a feature called 'sign in' is no sign in."""
    catalogue = FeatureCatalogue([Feature("sign in", Has("website"))])
    export = to_cedar(Account(), catalogue)
    assert 'action == Action::"feature: sign in"' in export.policies
    assert cedarpy.validate_policies(export.policies, export.schema).validation_passed


# --- answers, and deny by default ---------------------------------------------


def ask(question: CedarQuestion, cedar: Cedar = CEDAR) -> bool:
    """Cedar's answer to one question about the example account."""
    return cedar.allows_one(question)


@pytest.mark.parametrize(
    ("login", "feature", "website", "answer"),
    [
        (None, None, None, "allowed"),
        ("AP@ACME.example", None, None, "allowed"),
        ("ap@acme.example", " make A PAYMENT ", None, "allowed"),
        ("books@acme.example", "Enter an Order", None, "denied"),
        ("billing@initech.example", "See Orders", None, "denied"),
        ("office@globex.example", "Billing", None, "denied"),
        ("orders@umbrella.example", "Wish Lists", None, "allowed"),
        ("orders@umbrella.example", "Wish Lists", "Wholesale Portal", "allowed"),
        ("orders@umbrella.example", "Wish Lists", " wHOLESALE pORTAL", "allowed"),
        ("orders@umbrella.example", "Wish Lists", "Main Store", "denied"),
        ("orders@umbrella.example", "Wish Lists", "main store", "denied"),
    ],
)
def test_cedar_answers_the_example_account(
    login: str | None, feature: str | None, website: str | None, answer: str
) -> None:
    """Known answers about examples/account.toml, as the engine gives them."""
    email = "ap@acme.example" if login is None else login
    if feature is None:
        question = sign_in_question(ACCOUNT, email, website)
        expected = ENGINE.allows_sign_in(email, website)
    else:
        question = feature_question(ACCOUNT, email, feature, website)
        expected = ENGINE.allows(email, feature, website)
    assert ("allowed" if ask(question) else "denied") == answer
    assert ("allowed" if expected else "denied") == answer


@pytest.mark.parametrize(
    ("owner", "level", "answer"),
    [
        ("101", "Edit", "allowed"),
        (101, "_EDIT", "allowed"),
        ("101", "Full", "denied"),
        ("102", "View", "denied"),
        ("101 ", "View", "denied"),
        ("0101", "View", "denied"),
    ],
)
def test_cedar_answers_record_questions_as_the_engine(
    owner: str | int, level: str, answer: str
) -> None:
    """A record of the login's own customer (its id as text or integer) only."""
    record = Record(owner)
    question = record_question(ACCOUNT, "ap@acme.example", "sales order", record, level)
    engine = ENGINE.allows_record("ap@acme.example", "sales order", record, level)
    assert ("allowed" if ask(question) else "denied") == answer
    assert ("allowed" if engine else "denied") == answer


@pytest.mark.parametrize("email", ["nobody@acme.example", "", " ", "AP@ACME", None])
def test_an_unknown_login_is_denied(email: str | None) -> None:
    """No login has the email (or none is given): everything is denied."""
    assert not ask(sign_in_question(ACCOUNT, email))
    assert not any(ask(feature_question(ACCOUNT, email, name)) for name in FEATURES)
    assert not ask(record_question(ACCOUNT, email, "TRAN_CUSTINVC", Record("101")))


def test_an_unknown_login_is_denied_by_the_forbid_needing_a_role() -> None:
    """Cedar reports the missing entity; the forbid needing a role applies."""
    (result,) = CEDAR.results([sign_in_question(ACCOUNT, "nobody@acme.example")])
    assert not result.allowed
    assert fired(result) == ["deny: no customer center role"]


@pytest.mark.parametrize("feature", ["Fly", "", "feature: Billing", "sign in", None])
def test_an_unknown_feature_is_refused_as_the_engine_refuses_it(
    feature: str | None,
) -> None:
    """A name outside the catalogue raises the engine's error: nothing is asked."""
    with pytest.raises(UnknownFeatureError):
        ENGINE.allows("ap@acme.example", cast("str", feature))
    with pytest.raises(UnknownFeatureError):
        feature_question(ACCOUNT, "ap@acme.example", cast("str", feature))


@pytest.mark.parametrize("checked", ["with the schema", "without"])
def test_a_request_for_an_action_cedar_lacks_is_denied(checked: str) -> None:
    """A request built by hand for an unknown feature is denied by Cedar too."""
    cedar = Cedar(EXPORT, validate_requests=checked == "with the schema")
    question = feature_question(ACCOUNT, "ap@acme.example", "Billing")
    request = {**question.request, "action": {"type": "Action", "id": "feature: Fly"}}
    assert ask(question, cedar)
    assert not ask(CedarQuestion(request), cedar)


@pytest.mark.parametrize("website", ["Nowhere", "Main  Store", ""])
def test_an_unknown_website_is_refused_as_the_engine_refuses_it(website: str) -> None:
    """A website the account lacks raises the engine's error: nothing is asked."""
    with pytest.raises(UnknownWebsiteError):
        ENGINE.allows_sign_in("ap@acme.example", website)
    with pytest.raises(UnknownWebsiteError):
        sign_in_question(ACCOUNT, "ap@acme.example", website)
    with pytest.raises(UnknownWebsiteError):
        feature_question(ACCOUNT, "ap@acme.example", "Billing", website)
    with pytest.raises(UnknownWebsiteError):
        record_question(
            ACCOUNT, "ap@acme.example", "TRAN_CUSTINVC", Record("101"), "View", website
        )


def test_a_request_through_a_website_cedar_lacks_is_denied() -> None:
    """A request built by hand naming another website is denied by Cedar."""
    question = sign_in_question(ACCOUNT, "ap@acme.example", "Main Store")
    website = {"__entity": {"type": "Website", "id": "Nowhere"}}
    request = {**question.request, "context": {"website": website}}
    assert ask(question)
    assert not ask(CedarQuestion(request))


def test_a_record_entity_missing_from_the_batch_is_denied() -> None:
    """A request about a record Cedar was not given is denied."""
    question = record_question(
        ACCOUNT, "ap@acme.example", "TRAN_CUSTINVC", Record("101")
    )
    assert ask(question)
    assert not ask(CedarQuestion(question.request))


STAFF = Role(
    "Sales Rep", levels={"TRAN_CUSTINVC": "Full"}, center_type=CenterType.SALES
)


@pytest.mark.parametrize(
    ("customer", "reason"),
    [
        (Customer("1", "A", email="a@x.example", role="Customer Center"), "no access"),
        (
            Customer(
                "1",
                "A",
                email="a@x.example",
                give_access=True,
                role="Customer Center",
                active=False,
            ),
            "inactive",
        ),
        (Customer("1", "A", email="a@x.example", give_access=True), "no role"),
        (
            Customer("1", "A", email="a@x.example", give_access=True, role="Sales Rep"),
            "staff role",
        ),
        (
            Customer("1", "A", email="a@x.example", give_access=True, role="SALES REP"),
            "staff role in capitals",
        ),
    ],
)
def test_a_login_failing_a_check_is_denied_everything(
    customer: Customer, reason: str
) -> None:
    """Each deny rule alone denies sign in, every feature and every record."""
    account = Account(roles=[STAFF], customers=[customer])
    cedar = Cedar(to_cedar(account))
    email = "a@x.example"
    assert not ask(sign_in_question(account, email), cedar), reason
    assert not any(ask(feature_question(account, email, f), cedar) for f in FEATURES), (
        reason
    )
    assert not ask(
        record_question(account, email, "TRAN_CUSTINVC", Record("1")), cedar
    ), reason


@pytest.mark.parametrize("role", ["customer center", " CUSTOMER CENTER\t"])
@pytest.mark.parametrize("website", ["wHOLESALE pORTAL", "Wholesale Portal "])
def test_names_spelt_otherwise_are_the_accounts_own(role: str, website: str) -> None:
    """A role and an Assigned Website in another spelling: the account's entities."""
    account = Account(
        websites=["Main Store", "Wholesale Portal"],
        customers=[
            Customer(
                "1",
                "A",
                email="a@x.example",
                give_access=True,
                role=role,
                assigned_website=website,
            )
        ],
    )
    export = to_cedar(account)
    entities = {
        (e["uid"]["type"], e["uid"]["id"]): e["attrs"]
        for e in json.loads(export.entities)
    }
    assert entities["Login", "a@x.example"]["role"] == {
        "__entity": {"type": "Role", "id": "Customer Center"}
    }
    assert entities["Customer", "1"]["assigned_website"] == {
        "__entity": {"type": "Website", "id": "Wholesale Portal"}
    }
    cedar = Cedar(export)
    assert ask(sign_in_question(account, "a@x.example", "wholesale portal"), cedar)
    assert ask(feature_question(account, "A@X.example", "Make a Payment"), cedar)
    assert not ask(sign_in_question(account, "a@x.example", "MAIN STORE"), cedar)


def test_an_inactive_contact_is_denied_while_its_customer_is_not() -> None:
    """The contact's own Active box counts for its login only."""
    customer = Customer(
        "1",
        "A",
        email="a@x.example",
        give_access=True,
        role="Customer Center",
        contacts=[
            Contact(
                "c1",
                email="c@x.example",
                give_access=True,
                role="Customer Center",
                active=False,
            )
        ],
    )
    account = Account(customers=[customer])
    cedar = Cedar(to_cedar(account))
    assert ask(sign_in_question(account, "a@x.example"), cedar)
    assert not ask(sign_in_question(account, "c@x.example"), cedar)


def test_customer_access_off_denies_every_login() -> None:
    """With the Customer Access feature off, no login signs in."""
    customer = Customer(
        "1", "A", email="a@x.example", give_access=True, role="Customer Center"
    )
    on = Account(customers=[customer])
    off = Account(customer_access=False, customers=[customer])
    assert ask(sign_in_question(on, "a@x.example"), Cedar(to_cedar(on)))
    assert not ask(sign_in_question(off, "a@x.example"), Cedar(to_cedar(off)))


def test_a_record_owned_by_an_integer_id_is_its_customers() -> None:
    """The id rule holds in Cedar too: a record of owner 101 is customer "101"'s."""
    question = record_question(ACCOUNT, "a@x.example", "Invoice", Record(101))
    [record] = json.loads(json.dumps(question.entities))
    assert record["attrs"]["owner"] == {"__entity": {"type": "Customer", "id": "101"}}


def test_a_negated_requirement_is_translated() -> None:
    """``~`` becomes Cedar's ``!``: answers match the engine for both roles."""
    no_store = FeatureCatalogue([Feature("No Store", ~Has("store_locator"))])
    account = Account(
        customers=[
            Customer(
                "1", "A", email="a@x.example", give_access=True, role="Customer Center"
            ),
            Customer(
                "2",
                "B",
                email="b@x.example",
                give_access=True,
                role="Advanced Customer Center",
            ),
        ]
    )
    export = to_cedar(account, no_store)
    assert '!(principal.role.capabilities.contains("store_locator"))' in export.policies
    cedar = Cedar(export)
    engine = Engine(account, no_store)
    for email in ("a@x.example", "b@x.example"):
        question = feature_question(account, email, "No Store", features=no_store)
        assert ask(question, cedar) is engine.allows(email, "No Store")
    assert engine.allows("a@x.example", "No Store")


def test_record_questions_name_the_level_and_bring_the_record() -> None:
    """The request names the level's action; the record comes as an entity."""
    question = record_question(
        ACCOUNT,
        "AP@acme.example",
        "TRAN_SALESORD",
        Record("101"),
        "_edit",
        " main STORE",
        record_id="so-1",
    )
    assert question.request == {
        "principal": {"type": "Login", "id": "ap@acme.example"},
        "action": {"type": "Action", "id": "record at Edit"},
        "resource": {"type": "Record", "id": "so-1"},
        "context": {"website": {"__entity": {"type": "Website", "id": "Main Store"}}},
    }
    assert question.entities == (
        {
            "uid": {"type": "Record", "id": "so-1"},
            "attrs": {
                "owner": {"__entity": {"type": "Customer", "id": "101"}},
                "permission": "TRAN_SALESORD",
            },
            "parents": [],
        },
    )


def test_questions_in_a_namespace_name_every_type_in_it() -> None:
    """Principal, action, resource, website and record all carry the namespace."""
    contact = LoginFacts("7", "buyer", contact_id="c-7")
    sign_in = sign_in_question(ACCOUNT, contact, "wholesale portal", namespace="Shop")
    assert sign_in == CedarQuestion(
        {
            "principal": {"type": "Shop::Login", "id": "contact c-7"},
            "action": {"type": "Shop::Action", "id": "sign in"},
            "resource": {"type": "Shop::Account", "id": "account"},
            "context": {
                "website": {
                    "__entity": {"type": "Shop::Website", "id": "Wholesale Portal"}
                }
            },
        }
    )
    feature = feature_question(
        ACCOUNT,
        LoginFacts("7", None),
        " gift CARDS",
        features=FeatureCatalogue([Feature("Gift Cards", Has("website"))]),
        namespace="Shop",
    )
    assert feature.request == {
        "principal": {"type": "Shop::Login", "id": "customer 7"},
        "action": {"type": "Shop::Action", "id": "feature: Gift Cards"},
        "resource": {"type": "Shop::Account", "id": "account"},
        "context": {},
    }
    record = record_question(
        ACCOUNT, None, "TRAN_SALESORD", Record(101), namespace="Shop"
    )
    assert record == CedarQuestion(
        {
            "principal": {"type": "Shop::Login", "id": ""},
            "action": {"type": "Shop::Action", "id": "record at View"},
            "resource": {"type": "Shop::Record", "id": "record"},
            "context": {},
        },
        (
            {
                "uid": {"type": "Shop::Record", "id": "record"},
                "attrs": {
                    "owner": {"__entity": {"type": "Shop::Customer", "id": "101"}},
                    "permission": "TRAN_SALESORD",
                },
                "parents": [],
            },
        ),
    )


@pytest.mark.parametrize("namespace", ["no name", "Shop::", "1Shop"])
def test_questions_refuse_a_namespace_that_is_no_cedar_name(namespace: str) -> None:
    """Each question checks its namespace, as the export does."""
    with pytest.raises(InvalidFieldError, match="namespace"):
        sign_in_question(ACCOUNT, "ap@acme.example", namespace=namespace)
    with pytest.raises(InvalidFieldError, match="namespace"):
        feature_question(ACCOUNT, "ap@acme.example", "Billing", namespace=namespace)
    with pytest.raises(InvalidFieldError, match="namespace"):
        record_question(
            ACCOUNT,
            "ap@acme.example",
            "TRAN_SALESORD",
            Record(101),
            namespace=namespace,
        )


def test_export_is_plain_data() -> None:
    """The export is a frozen value of strings."""
    assert isinstance(EXPORT, CedarExport)
    assert {type(text) for text in EXPORT.files().values()} == {str}
    assert CUSTOMER_CENTER.name in EXPORT.entities


# --- the command ---------------------------------------------------------------


def test_export_cedar_command_writes_the_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ccroles export cedar` writes the three files and lists them; status 0."""
    status, out, err = run(
        capsys, "export", "cedar", str(ACCOUNT_FILE), "--out", str(tmp_path)
    )
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"wrote {tmp_path / SCHEMA_FILE}",
        f"wrote {tmp_path / POLICIES_FILE}",
        f"wrote 36 policies, one a file, into {tmp_path / 'policies'}",
        f"wrote {tmp_path / ENTITIES_FILE}",
    ]
    for name in POLICY_FILES:
        assert (tmp_path / name).read_text(encoding="utf-8").endswith(";\n")
    assert (tmp_path / POLICIES_FILE).read_text(encoding="utf-8") == EXPORT.policies


def test_export_cedar_command_adds_the_roles_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--roles adds the file's custom roles (those equal to the account's: once)."""
    roles = tmp_path / "roles.toml"
    roles.write_text(
        'format = 1\n[[roles]]\nname = "Accountant"\nbase = "Customer Center"\n'
        'levels = { TRAN_SALESORD = "None", TRAN_RTNAUTH = "None",'
        ' TRAN_ESTIMATE = "None", LIST_CASE = "View" }\n'
        '[[roles]]\nname = "Viewer"\nbase = "Customer Center"\n'
        'levels = { TRAN_CUSTPYMT = "View" }\n',
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    status, _, err = run(
        capsys,
        "export",
        "cedar",
        str(ACCOUNT_FILE),
        "--roles",
        str(roles),
        "--out",
        str(out_dir),
    )
    assert (status, err) == (0, "")
    entities = json.loads((out_dir / ENTITIES_FILE).read_text(encoding="utf-8"))
    role_ids = [e["uid"]["id"] for e in entities if e["uid"]["type"] == "Role"]
    assert role_ids.count("Accountant") == 1
    assert "Viewer" in role_ids


def test_export_cedar_command_refuses_a_clashing_role(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A roles file redefining one of the account's roles: status 1, nothing written."""
    roles = tmp_path / "roles.toml"
    roles.write_text(
        'format = 1\n[[roles]]\nname = "Accountant"\nbase = "Customer Center"\n',
        encoding="utf-8",
    )
    status, out, err = run(
        capsys,
        "export",
        "cedar",
        str(ACCOUNT_FILE),
        "--roles",
        str(roles),
        "--out",
        str(tmp_path / "out"),
    )
    assert (status, err) == (1, "")
    assert "'Accountant'" in out
    assert not (tmp_path / "out").exists()


def test_export_cedar_command_lists_the_problems_of_a_broken_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An account file that does not load: every problem, status 1."""
    status, out, _ = run(
        capsys,
        "export",
        "cedar",
        str(EXAMPLES / "broken-account.toml"),
        "--out",
        str(tmp_path),
    )
    assert status == 1
    assert len(out.splitlines()) == 8
    assert list(tmp_path.iterdir()) == []


def test_export_cedar_command_refuses_an_unknown_schema_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--schema-format yaml: the export's own refusal on stderr, status 2, no files."""
    status, out, err = run(
        capsys,
        "export",
        "cedar",
        str(ACCOUNT_FILE),
        "--schema-format",
        "yaml",
        "--out",
        str(tmp_path / "out"),
    )
    assert (status, out) == (2, "")
    assert err == (
        "ccroles: error: Cedar export schema_format 'yaml' is refused; "
        "expected 'cedar' or 'json'\n"
    )
    assert not (tmp_path / "out").exists()


def test_export_cedar_command_reports_an_unwritable_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A directory that cannot be made: one line on stderr, status 2."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    status, out, err = run(
        capsys, "export", "cedar", str(ACCOUNT_FILE), "--out", str(blocker / "sub")
    )
    assert (status, out) == (2, "")
    assert err.startswith(f"ccroles: error: cannot write {str(blocker / 'sub')!r}: ")


def test_export_cedar_command_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --out: a usage error, status 2."""
    status, out, err = run(capsys, "export", "cedar", str(ACCOUNT_FILE))
    assert (status, out) == (2, "")
    assert "--out" in err
