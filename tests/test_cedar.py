"""The Cedar export: its files, Cedar's validator, deny by default, the command."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, cast

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
    Role,
    load_account,
)
from ccroles.cedar import (
    ENTITIES_FILE,
    POLICIES_FILE,
    SCHEMA_FILE,
    CedarExport,
    export_cedar,
    feature_question,
    record_action,
    record_question,
    sign_in_question,
    to_cedar,
)
from ccroles.exceptions import UntranslatableRequirementError
from ccroles.features import Grants, Has, Requirement, Unmet
from ccroles.roles import CenterType
from ccroles.testing import Record
from tests.cedar_oracle import Cedar, fired
from tests.cli_run import run

if TYPE_CHECKING:
    from ccroles.cedar import CedarQuestion

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACCOUNT_FILE = EXAMPLES / "account.toml"
ACCOUNT = load_account(ACCOUNT_FILE)
EXPORT = to_cedar(ACCOUNT)
CEDAR = Cedar(EXPORT)


def policy_ids(policies: str) -> list[str]:
    """The ``@id`` of each policy, in order."""
    return re.findall(r'^@id\("([^"]*)"\)$', policies, flags=re.MULTILINE)


# --- the files ---------------------------------------------------------------


def test_exporting_twice_gives_identical_text() -> None:
    """The export depends only on the account: the same text each time."""
    again = to_cedar(load_account(ACCOUNT_FILE))
    assert again == EXPORT


def test_export_cedar_writes_the_three_files(tmp_path: Path) -> None:
    """The directory is created and holds exactly the three texts, readable."""
    target = tmp_path / "out" / "cedar"
    export = export_cedar(ACCOUNT, target)
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [SCHEMA_FILE, POLICIES_FILE, ENTITIES_FILE]
    )
    for name, text in export.files().items():
        path = target / name
        assert path.read_text(encoding="utf-8") == text
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_writing_twice_gives_identical_files(tmp_path: Path) -> None:
    """A second export over the first leaves the same bytes and no stray file."""
    export_cedar(ACCOUNT, tmp_path)
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    export_cedar(ACCOUNT, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first


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
    assert [p.name for p in tmp_path.iterdir()] == [SCHEMA_FILE]
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == "old"


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


def test_one_policy_per_rule_each_named() -> None:
    """Each deny rule, sign in, each feature and each record level has one policy."""
    expected = [
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
    assert policy_ids(EXPORT.policies) == expected
    assert EXPORT.policies.count("@rule(") == len(expected)


def test_a_feature_policy_quotes_its_requirement() -> None:
    """The policy of a feature names its requirement in words and in Cedar."""
    start = EXPORT.policies.index('@id("feature: Make a Payment")')
    policy = EXPORT.policies[start : EXPORT.policies.index(";\n\n", start) + 1]
    assert policy == (
        '@id("feature: Make a Payment")\n'
        '@rule("Make a Payment: Customer Payment >= Create and Invoice >= View;'
        ' its area Billing holds whenever this does")\n'
        'permit (principal is Login, action == Action::"feature: Make a Payment",'
        " resource is Account)\n"
        "when { principal has role }\n"
        'when { (principal.role.at_least["Create"].contains("TRAN_CUSTPYMT") &&'
        ' principal.role.at_least["View"].contains("TRAN_CUSTINVC")) };'
    )


def test_a_child_keeps_its_areas_requirement_when_it_does_not_imply_it() -> None:
    """Scriptable Cart also needs its area Website, written in its policy."""
    start = EXPORT.policies.index('@id("feature: Scriptable Cart")')
    policy = EXPORT.policies[start : EXPORT.policies.index(";\n\n", start) + 1]
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
    ("question", "answer"),
    [
        (sign_in_question("ap@acme.example"), "allowed"),
        (sign_in_question("AP@ACME.example"), "allowed"),
        (feature_question("ap@acme.example", "make a payment"), "allowed"),
        (feature_question("books@acme.example", "Enter an Order"), "denied"),
        (feature_question("billing@initech.example", "See Orders"), "denied"),
        (feature_question("office@globex.example", "Billing"), "denied"),
        (feature_question("orders@umbrella.example", "Wish Lists"), "allowed"),
        (
            feature_question(
                "orders@umbrella.example", "Wish Lists", "Wholesale Portal"
            ),
            "allowed",
        ),
        (
            feature_question("orders@umbrella.example", "Wish Lists", "Main Store"),
            "denied",
        ),
        (
            record_question("ap@acme.example", "TRAN_SALESORD", Record("101"), "Edit"),
            "allowed",
        ),
        (
            record_question("ap@acme.example", "TRAN_SALESORD", Record("101"), "Full"),
            "denied",
        ),
        (
            record_question("ap@acme.example", "TRAN_SALESORD", Record("102"), "View"),
            "denied",
        ),
    ],
)
def test_cedar_answers_the_example_account(
    question: CedarQuestion, answer: str
) -> None:
    """Known answers about examples/account.toml, as the engine gives them."""
    assert ("allowed" if ask(question) else "denied") == answer


@pytest.mark.parametrize("email", ["nobody@acme.example", "", " ", "AP@ACME"])
def test_an_unknown_login_is_denied(email: str) -> None:
    """No login has the email: sign in, features and records are all denied."""
    assert not ask(sign_in_question(email))
    assert not any(ask(feature_question(email, name)) for name in FEATURES)
    assert not ask(record_question(email, "TRAN_CUSTINVC", Record("101")))


def test_an_unknown_login_is_denied_by_no_permit_rather_than_an_error() -> None:
    """Cedar reports the missing entity; the forbid needing a role applies."""
    (result,) = CEDAR.results([sign_in_question("nobody@acme.example")])
    assert not result.allowed
    assert fired(result) == ["deny: no customer center role"]


@pytest.mark.parametrize("checked", ["with the schema", "without"])
@pytest.mark.parametrize("feature", ["Fly", "", "feature: Billing", "sign in"])
def test_an_unknown_feature_is_denied(feature: str, checked: str) -> None:
    """A feature Cedar does not know is denied, with or without the schema."""
    cedar = Cedar(EXPORT, validate_requests=checked == "with the schema")
    assert not ask(feature_question("ap@acme.example", feature), cedar)


def test_an_unknown_feature_is_asked_as_given() -> None:
    """A name outside the catalogue is not corrected: Cedar sees it as written."""
    question = feature_question("ap@acme.example", "Fly")
    assert question.request["action"] == {"type": "Action", "id": "feature: Fly"}


@pytest.mark.parametrize("website", ["Nowhere", "main store", ""])
def test_an_unknown_website_is_denied(website: str) -> None:
    """Through a website the account lacks, nothing is allowed (even signing in)."""
    assert ask(sign_in_question("ap@acme.example"))
    assert not ask(sign_in_question("ap@acme.example", website))
    assert not ask(feature_question("ap@acme.example", "Billing", website))
    assert not ask(
        record_question(
            "ap@acme.example", "TRAN_CUSTINVC", Record("101"), "View", website
        )
    )


@pytest.mark.parametrize("owner", ["102", "999", "", "101 "])
def test_a_record_of_another_or_unknown_owner_is_denied(owner: str) -> None:
    """Only the login's own customer's records: any other owner is denied."""
    assert ask(record_question("ap@acme.example", "TRAN_CUSTINVC", Record("101")))
    assert not ask(record_question("ap@acme.example", "TRAN_CUSTINVC", Record(owner)))


def test_a_record_entity_missing_from_the_batch_is_denied() -> None:
    """A request about a record Cedar was not given is denied."""
    question = record_question("ap@acme.example", "TRAN_CUSTINVC", Record("101"))
    assert not ask(attrs_without_entities(question))


def attrs_without_entities(question: CedarQuestion) -> CedarQuestion:
    """The question without the record entity it brings."""
    return type(question)(question.request)


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
            Customer("1", "A", email="a@x.example", give_access=True, role="Staff"),
            "internal role",
        ),
    ],
)
def test_a_login_failing_a_check_is_denied_everything(
    customer: Customer, reason: str
) -> None:
    """Each deny rule alone denies sign in, every feature and every record."""
    staff = Role(
        "Staff", levels={"TRAN_CUSTINVC": "Full"}, center_type=CenterType.SALES
    )
    cedar = Cedar(to_cedar(Account(roles=[staff], customers=[customer])))
    email = "a@x.example"
    assert not ask(sign_in_question(email), cedar), reason
    assert not any(ask(feature_question(email, f), cedar) for f in FEATURES), reason
    assert not ask(record_question(email, "TRAN_CUSTINVC", Record("1")), cedar), reason


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
    cedar = Cedar(to_cedar(Account(customers=[customer])))
    assert ask(sign_in_question("a@x.example"), cedar)
    assert not ask(sign_in_question("c@x.example"), cedar)


def test_customer_access_off_denies_every_login() -> None:
    """With the Customer Access feature off, no login signs in."""
    account = Account(
        customer_access=False,
        customers=[
            Customer(
                "1", "A", email="a@x.example", give_access=True, role="Customer Center"
            )
        ],
    )
    assert not ask(sign_in_question("a@x.example"), Cedar(to_cedar(account)))


def test_a_record_owned_by_an_integer_id_is_its_customers() -> None:
    """The id rule holds in Cedar too: a record of owner 101 is customer "101"'s."""
    question = record_question("a@x.example", "Invoice", Record(cast("str", 101)))
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
        question = feature_question(email, "No Store", features=no_store)
        assert ask(question, cedar) is engine.allows(email, "No Store")
    assert engine.allows("a@x.example", "No Store")


def test_record_questions_name_the_level_and_bring_the_record() -> None:
    """The request names the level's action; the record comes as an entity."""
    question = record_question(
        "AP@acme.example",
        "TRAN_SALESORD",
        Record("101"),
        "_edit",
        "Main Store",
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


def test_export_is_plain_data() -> None:
    """The export is a frozen value of three strings."""
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
        f"wrote {tmp_path / name}"
        for name in (SCHEMA_FILE, POLICIES_FILE, ENTITIES_FILE)
    ]
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
