"""Every public attrs value survives pickle and copy.deepcopy, and still works.

The examples below are found by walking the public API: a new public attrs
class without an example (or a reason it is not a value) fails the first test.
"""

import copy
import importlib
import inspect
import pickle
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest

import ccroles
from ccroles import _shared
from ccroles.access import check_grant
from ccroles.access_emails import Notification, SetUpNotification
from ccroles.access_report import ImportProblem, ImportReport
from ccroles.access_values import (
    Grant,
    GrantChange,
    GrantCheck,
    Granted,
    GrantFault,
    LoginId,
    Revoked,
    SendNotification,
    SeparateLogins,
)
from ccroles.account_rules import AccountProblem
from ccroles.accounts import Account
from ccroles.administration import Actor, AdminPermission
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from ccroles.cedar import CedarExport, sign_in_question
from ccroles.customers import Contact, Customer
from ccroles.decisions import (
    Decision,
    FeatureQuestion,
    FormAnswer,
    FormQuestion,
    Reason,
    RecordQuestion,
    SignInQuestion,
)
from ccroles.documents import Document, PreferencesEntry, RoleEntry
from ccroles.exceptions import InvalidNameError, Problem
from ccroles.features import (
    FEATURES,
    AllOf,
    AnyOf,
    AtLeast,
    Excluded,
    Feature,
    Has,
    MissingCapability,
    Not,
    Shortfall,
    feature_matrix,
)
from ccroles.form_views import FormView
from ccroles.forms import (
    FormField,
    FormPreferences,
    Origin,
    RecordType,
    SavedOrder,
    TransactionForm,
)
from ccroles.guards import Denial
from ccroles.logins import Login, LoginFacts
from ccroles.notifications import NotificationSettings
from ccroles.passwords import PasswordHash, ScryptParams
from ccroles.permissions import PERMISSIONS, Level
from ccroles.plans import RolePlan, RolePlans
from ccroles.policy import Engine, Preview
from ccroles.render import LevelChange, diff_roles
from ccroles.roles import (
    ADVANCED_CUSTOMER_CENTER,
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Capability,
    CenterType,
    Role,
)
from ccroles.signin import Attempt, Session, SignInSettings
from ccroles.signin_links import Link, Redeemed
from ccroles.signin_rules import (
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginRecord,
    LoginState,
    Reservation,
)
from ccroles.testing import CellDifference, Record

BUYER = CUSTOMER_CENTER.customize("Buyer", levels={"TRAN_CUSTPYMT": "None"})
CLERK = BUYER.customize("Clerk")
SALES = Role("Sales", CenterType.SALES, second_factor=True)
EXTERNAL = TransactionForm(
    "Sales Order (External)",
    RecordType.SALES_ORDER,
    fields=[FormField("Total", print_email=True), FormField("Margin")],
)
PREFERENCES = (
    FormPreferences()
    .with_account_form(EXTERNAL)
    .with_role_form(BUYER, EXTERNAL)
    .with_website_order_form("Main Store", EXTERNAL)
)
SETTINGS = NotificationSettings(
    "admin@seller.example",
    "https://seller.example/customer-center",
    "https://seller.example/set-password",
)
AP = Customer(
    "101",
    "ACME",
    email="ap@acme.example",
    give_access=True,
    role="Buyer",
    contacts=[Contact("c1", email="jo@acme.example", give_access=True, role="Clerk")],
)
ACCOUNT = Account(
    roles=[BUYER, CLERK, SALES],
    websites=["Main Store"],
    customers=[AP, Customer("102", "Globex")],
    notification=SETTINGS,
    forms=[EXTERNAL],
    form_preferences=PREFERENCES,
)
ENGINE = Engine(ACCOUNT)
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
DECISION = ENGINE.decide("ap@acme.example", "Make a Payment")
NOTIFICATION = Notification("ap@acme.example", "ACME", "t0k3n", WHEN, SETTINGS)
SEPARATE = SeparateLogins("ACME", ("vendor",))

# One working example of each public attrs value.
EXAMPLES: dict[type, Callable[[], object]] = {
    Grant: lambda: Grant(LoginId("101"), SendNotification(), email="ap@acme.example"),
    Granted: lambda: Granted(ACCOUNT, NOTIFICATION),
    LoginId: lambda: LoginId("101", contact="c1"),
    GrantChange: lambda: GrantChange(AP, NOTIFICATION, None),
    GrantFault: lambda: GrantFault("email", InvalidNameError("x", "")),
    GrantCheck: lambda: check_grant(
        ACCOUNT, Grant(LoginId(AP.internal_id), SendNotification())
    ),
    Notification: lambda: NOTIFICATION,
    Revoked: lambda: Revoked(ACCOUNT, SEPARATE),
    SendNotification: SendNotification,
    SeparateLogins: lambda: SEPARATE,
    SetUpNotification: lambda: SetUpNotification("ap@acme.example", "ACME", SETTINGS),
    ImportProblem: lambda: ImportProblem(2, "email", "not an email"),
    ImportReport: lambda: ImportReport(
        apply=True,
        rows=1,
        grants=1,
        revocations=0,
        notified=1,
        problems=(ImportProblem(2, None, "x"),),
        notifications=(NOTIFICATION,),
        notices=(SEPARATE,),
        account=ACCOUNT,
    ),
    Account: lambda: ACCOUNT,
    AccountProblem: lambda: AccountProblem(("websites", 1), InvalidNameError("x", "")),
    Contact: lambda: AP.contacts[0],
    Customer: lambda: AP,
    Login: lambda: ACCOUNT.login("jo@acme.example"),
    LoginFacts: lambda: LoginFacts.of(ACCOUNT.login("jo@acme.example")),
    NotificationSettings: lambda: SETTINGS,
    CedarExport: lambda: CedarExport(
        "schema", "{}", "policies", "[]", (("rule", "permit(...);"),)
    ),
    type(sign_in_question(ACCOUNT, "ap@acme.example")): lambda: sign_in_question(
        ACCOUNT, "ap@acme.example"
    ),
    Decision: lambda: DECISION,
    FeatureQuestion: lambda: FeatureQuestion("Make a Payment", "Main Store"),
    FormAnswer: lambda: ENGINE.form_answer(
        "ap@acme.example", SavedOrder("101", Origin.staff(), EXTERNAL)
    ),
    FormQuestion: lambda: FormQuestion(RecordType.INVOICE, "101", None),
    Reason: lambda: DECISION.reasons[0],
    RecordQuestion: lambda: RecordQuestion("TRAN_CUSTINVC", Level.VIEW, "101", None),
    SignInQuestion: lambda: SignInQuestion("Main Store"),
    Problem: lambda: Problem("roles.toml", "bad", path="$.roles[0]", line=3),
    AllOf: lambda: AtLeast("TRAN_CUSTINVC", Level.VIEW) & Has(Capability.WEBSITE),
    AnyOf: lambda: AtLeast("TRAN_CUSTINVC", Level.VIEW) | Has(Capability.WEBSITE),
    AtLeast: lambda: AtLeast("TRAN_CUSTINVC", Level.VIEW),
    Excluded: lambda: next(
        each for each in Not(Has(Capability.WEBSITE)).unmet(CUSTOMER_CENTER)
    ),
    Feature: lambda: FEATURES["Make a Payment"],
    type(feature_matrix()): feature_matrix,
    Has: lambda: Has(Capability.WEBSITE),
    MissingCapability: lambda: MissingCapability(Capability.WISH_LISTS),
    Not: lambda: Not(Has(Capability.WEBSITE)),
    Shortfall: lambda: Shortfall("TRAN_CUSTPYMT", Level.CREATE, None),
    FormField: lambda: EXTERNAL.fields[0],
    FormPreferences: lambda: PREFERENCES,
    FormView: lambda: FormView(EXTERNAL, EXTERNAL.fields[:1]),
    Origin: lambda: Origin.web_store("Main Store"),
    SavedOrder: lambda: SavedOrder("101", Origin.staff(), EXTERNAL),
    TransactionForm: lambda: EXTERNAL,
    Denial: lambda: Denial(403, DECISION),
    PasswordHash: lambda: PasswordHash("scrypt", 2, 8, 1, b"s" * 16, b"h" * 32),
    ScryptParams: ScryptParams,
    type(PERMISSIONS["TRAN_CUSTINVC"]): lambda: PERMISSIONS["TRAN_CUSTINVC"],
    Engine: lambda: ENGINE,
    Preview: lambda: ENGINE.preview("101"),
    RolePlans: lambda: RolePlans.of(ACCOUNT),
    RolePlan: lambda: RolePlans.of(ACCOUNT).by_name["Customer Center"],
    LevelChange: lambda: LevelChange("TRAN_CUSTPYMT", Level.EDIT, Level.NONE),
    type(diff_roles(CUSTOMER_CENTER, BUYER)): lambda: diff_roles(
        CUSTOMER_CENTER, BUYER
    ),
    Role: lambda: CLERK,
    Attempt: lambda: Attempt(DECISION, LoginState(2, WHEN)),
    Link: lambda: Link("ap@acme.example", LinkKind.RESET, "t0k3n", WHEN),
    Redeemed: lambda: Redeemed(DECISION, ACCOUNT, "ap@acme.example"),
    SignInSettings: lambda: SignInSettings(lock_duration=timedelta(minutes=5)),
    LinkUse: lambda: LinkUse(LinkStatus.ACCEPTED, "ap@acme.example", LinkKind.RESET),
    LoginState: lambda: LoginState(1),
    LoginRecord: lambda: LoginRecord(1, WHEN, b"c", WHEN),
    Session: lambda: Session("ap@acme.example", WHEN),
    Reservation: lambda: Reservation(True, LoginState(1)),  # noqa: FBT003
    CellDifference: lambda: CellDifference("Buyer", "Make a Payment", True, False),  # noqa: FBT003
    Record: lambda: Record("101", 7),
    AuditEvent: lambda: AuditEvent(
        WHEN,
        AuditKind.UNLOCK,
        "ap@acme.example",
        AuditOutcome.DENIED,
        ("not_permitted",),
        actor="clerk@acme.example",
        client="192.0.2.9",
    ),
    AuditQuery: lambda: AuditQuery(
        email="ap@acme.example", since=WHEN, kinds=(AuditKind.SIGN_IN,)
    ),
    Actor: lambda: Actor(
        "admin@acme.example", "Support", {AdminPermission.IMPORT_CSV_FILE}
    ),
    Document: lambda: Document(1, websites=["Main Store"], roles=[{"name": "A"}]),
    PreferencesEntry: lambda: PreferencesEntry({"Invoice": "Standard Invoice"}),
    RoleEntry: lambda: RoleEntry("A", "Customer Center", capabilities=[]),
}

# Public attrs classes that are not values, and why.
NOT_VALUES = {
    "ccroles.access_values.AssignPassword": "holds a Password, which never pickles",
    "ccroles.signin.SignIn": "a service holding a store and a clock",
    "ccroles.signin_links.SignInLinks": "a service holding a store and a clock",
    "ccroles.administration.Administration": "a service holding a SignIn",
    "ccroles.guards.Gate": "a service holding an engine and a sign-in service",
    "ccroles.guards.django.DjangoGuard": "a web framework's service",
    "ccroles.guards.fastapi.FastAPIGuard": "a web framework's service",
    "ccroles.guards.flask.FlaskGuard": "a web framework's service",
}


def _public_attrs_classes() -> list[str]:
    """Every public attrs class of every public module, errors aside."""
    found: list[str] = []
    for _, name, _ in pkgutil.walk_packages(ccroles.__path__, "ccroles."):
        if name.rsplit(".", 1)[1].startswith("_"):
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover (an optional framework missing)
            continue
        for attr in module.__all__:
            value = getattr(module, attr)
            if (
                inspect.isclass(value)
                and attrs.has(value)
                and value.__module__ == name
                and not issubclass(value, BaseException)
            ):
                found.append(f"{name}.{attr}")
    return sorted(found)


CLASSES = _public_attrs_classes()


def _class(path: str) -> type:
    module, _, name = path.rpartition(".")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


def test_every_public_attrs_class_has_an_example_or_a_reason() -> None:
    """A new public attrs class cannot forget to pickle: it needs an example here."""
    examples = {f"{cls.__module__}.{cls.__name__}" for cls in EXAMPLES}
    assert [path for path in CLASSES if path not in examples | set(NOT_VALUES)] == []
    assert len(CLASSES) >= 60


def _round_trips(value: object) -> list[object]:
    return [
        pickle.loads(pickle.dumps(value)),  # noqa: S301 (our own bytes)
        copy.deepcopy(value),
        copy.copy(value),
    ]


@pytest.mark.parametrize("path", [path for path in CLASSES if path not in NOT_VALUES])
def test_every_public_value_pickles_and_copies_to_an_equal_value(path: str) -> None:
    """Values survive pickle, deepcopy and copy with an equal value."""
    cls = _class(path)
    value = EXAMPLES[cls]()
    assert type(value) is cls
    for copied in _round_trips(value):
        assert type(copied) is cls
        assert _comparable(copied) == _comparable(value)


def _comparable(value: object) -> object:
    """*value*, or for a problem (errors compare by identity) its path and words."""
    if isinstance(value, AccountProblem):
        return value.path, type(value.error), str(value.error), vars(value.error)
    if isinstance(value, GrantFault):
        return value.field, type(value.error), str(value.error), vars(value.error)
    return value


@pytest.mark.parametrize(
    "role", [CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER, ADVANCED_CUSTOMER_CENTER]
)
def test_built_in_roles_load_as_themselves(role: Role) -> None:
    """A pickled or copied built-in role is the built-in role object."""
    assert all(copied is role for copied in _round_trips(role))


def test_a_loaded_custom_role_descends_from_the_built_in_object() -> None:
    """An account accepts a pickled custom role: its root is CUSTOMER_CENTER itself."""
    for copied in _round_trips(CLERK):
        assert isinstance(copied, Role)
        assert copied.root is CUSTOMER_CENTER
        assert copied.base == BUYER
        assert Account(roles=[copied.base, copied]).role("clerk") == CLERK


def test_a_deep_chain_of_copies_pickles_without_recursion() -> None:
    """Chains of copies may be of any depth: pickling one does not recurse."""
    role = CUSTOMER_CENTER
    for number in range(3000):
        role = role.customize(f"Copy {number}")
    loaded = pickle.loads(pickle.dumps(role))  # noqa: S301 (our own bytes)
    assert loaded.name == "Copy 2999"
    assert len(loaded.lineage) == 3001
    assert loaded.root is CUSTOMER_CENTER


def test_a_loaded_engine_answers_as_the_original() -> None:
    """A pickled engine works: the same decisions, for every login."""
    for copied in _round_trips(ENGINE):
        assert isinstance(copied, Engine)
        for login in ACCOUNT.logins():
            email = login.email
            assert email is not None
            assert copied.decide(email, "Print a Statement") == ENGINE.decide(
                email, "Print a Statement"
            )
            assert copied.decide(email, "Make a Payment").allowed is False


def test_a_loaded_account_finds_a_login_whose_email_changed() -> None:
    """A copied account, changed after, still finds logins (markers by identity)."""
    changed = ACCOUNT.with_customer(
        attrs.evolve(AP, email="billing@acme.example")
    ).with_customer(attrs.evolve(AP, email="ap2@acme.example"))
    for copied in _round_trips(changed):
        assert isinstance(copied, Account)
        assert copied.find_login("ap@acme.example") is None
        assert copied.find_login("billing@acme.example") is None
        found = copied.find_login("AP2@acme.example")
        assert found is not None
        assert found.customer.customer_id == "ACME"


def test_the_shared_markers_survive_copying() -> None:
    """A copied or pickled marker is the marker itself (they compare by identity)."""
    for marker in (_shared._DELETED, _shared._ABSENT):
        assert all(copied is marker for copied in _round_trips(marker))


def test_a_shared_map_with_deletions_survives_copying() -> None:
    """A SharedMap with a deleted key still hides it after deepcopy and pickle."""
    shared: _shared.SharedMap[str, int] = _shared.SharedMap({"a": 1, "b": 2})
    del shared["a"]
    shared["c"] = 3
    for copied in _round_trips(shared):
        assert isinstance(copied, _shared.SharedMap)
        assert dict(copied) == {"b": 2, "c": 3}
        assert "a" not in copied
        assert copied.get("a") is None
