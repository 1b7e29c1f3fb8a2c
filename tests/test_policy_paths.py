"""The engine's fast paths answer as its full rules do, and share what they say.

The engine keeps per-role decisions and looks logins up by the email as
written; emails in another case, login facts with an assigned website, and
questions about a website take the full rules. Mutation testing showed that
nothing held the paths to each other: these tests do, for every kind of
login, and pin what the engine documents it shares.
"""

import inspect

import attrs
import pytest

from ccroles import (
    BUILTIN_ROLES,
    FEATURES,
    Account,
    Contact,
    Customer,
    Engine,
    LoginFacts,
)
from ccroles.decisions import FeatureQuestion, ReasonCode
from ccroles.exceptions import UnknownWebsiteError
from ccroles.features import Feature, FeatureCatalogue, Has
from ccroles.forms import FormPreferences, RecordType, TransactionForm
from ccroles.policy import Preview
from ccroles.roles import (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Capability,
    CenterType,
    Role,
)
from ccroles.testing import Record

BUYER = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "None"})
SALES = Role("Sales", center_type=CenterType.SALES, second_factor=True)
CUSTOMERS = [
    Customer("1", "OPEN", email="open@x.example", give_access=True, role="Buyer"),
    Customer("2", "SAME", email="same@x.example", give_access=True, role="Buyer"),
    Customer("3", "SHUT", email="shut@x.example", role="Customer Center"),
    Customer(
        "4",
        "GONE",
        email="gone@x.example",
        give_access=True,
        role="Buyer",
        active=False,
    ),
    Customer("5", "NONE", email="none@x.example", give_access=True),
    Customer("6", "STAFF", email="staff@x.example", give_access=True, role="Sales"),
    Customer(
        "7",
        "SITE",
        email="site@x.example",
        give_access=True,
        role="Premium Customer Center",
        assigned_website="Main",
    ),
    Customer("9", "MIXED", email="Mixed@X.example", give_access=True, role="BUYER"),
    Customer(
        "8",
        "EIGHT",
        contacts=[
            Contact("c8", email="c8@x.example", give_access=True),
            Contact("c9", email="c9@x.example", give_access=True, role="Sales"),
        ],
    ),
]
ACCOUNT = Account(
    roles=[BUYER, SALES], websites=["Main", "Outlet"], customers=CUSTOMERS
)
EMAILS = [login.email for login in ACCOUNT.logins() if login.email is not None]


@pytest.mark.parametrize("email", EMAILS)
def test_every_path_answers_alike_for_every_login(email: str) -> None:
    """As written, in another case, and as login facts: the same decisions."""
    engine = Engine(ACCOUNT)
    facts = LoginFacts.of(ACCOUNT.login(email))
    for feature in FEATURES:
        written = engine.decide(email, feature)
        assert engine.decide(email.upper(), feature) == written
        assert engine.decide(facts, feature) == written
        assert engine.allows(email, feature) is written.allowed
        assert engine.allows(email.upper(), feature) is written.allowed
        assert engine.allows(facts, feature) is written.allowed
        assert written.allowed or written.reasons


def test_a_login_that_may_not_sign_in_keeps_its_roles_reasons_too() -> None:
    """Without access, a role lacking a feature: both reasons, on every path."""
    engine = Engine(ACCOUNT)
    for email in ("shut@x.example", "shut@x.example", "SHUT@x.example"):
        codes = [
            r.code for r in engine.decide(email, "Quote Request and Approval").reasons
        ]
        assert codes[0] is ReasonCode.NO_ACCESS
        assert len(codes) > 1


def test_logins_of_one_role_share_its_decisions() -> None:
    """Decisions are made once per role, and once per login that may not sign in."""
    engine = Engine(ACCOUNT)
    shared = engine.decide("open@x.example", "Make a Payment")
    assert engine.decide("same@x.example", "Make a Payment") is shared
    # An email and a role written otherwise than folded: the same decisions.
    assert engine.decide("Mixed@X.example", "Make a Payment") is shared
    kept = engine.decide("shut@x.example", "Make a Payment")
    assert engine.decide("shut@x.example", "Make a Payment") is kept


def test_an_unknown_login_is_told_what_it_asked() -> None:
    """The decision for no login still carries the question."""
    decision = Engine(ACCOUNT).decide("nobody@x.example", "Make a Payment")
    assert decision.question == FeatureQuestion("Make a Payment")
    assert [r.code for r in decision.reasons] == [ReasonCode.UNKNOWN_LOGIN]


def test_a_role_needing_a_second_factor_is_refused_as_another_centers() -> None:
    """Only other centers' roles need a second factor: the role is the reason."""
    reasons = Engine(ACCOUNT).decide_sign_in("staff@x.example").reasons
    assert [(r.code, r.role) for r in reasons] == [
        (ReasonCode.NOT_CUSTOMER_CENTER_ROLE, "Sales")
    ]


@pytest.mark.parametrize("access", [True, False])
def test_login_facts_naming_a_website_the_account_lacks_are_refused(
    *, access: bool
) -> None:
    """With access or without, an unknown assigned website raises."""
    facts = LoginFacts("1", "Buyer", access, assigned_website="Nowhere")
    with pytest.raises(UnknownWebsiteError):
        Engine(ACCOUNT).allows(facts, "Make a Payment")


FORM = TransactionForm("Order (External)", RecordType.SALES_ORDER)
SETTINGS: dict[str, object] = {
    "customer_access": False,
    "roles": (
        CUSTOMER_CENTER.customize(
            "Buyer", {"TRAN_CUSTPYMT": "None", "LIST_CASE": "None"}
        ),
        SALES,
    ),
    "websites": ("Main",),
    "forms": (FORM,),
}


@pytest.mark.parametrize("setting", [*SETTINGS, "form_preferences"])
def test_an_engine_for_any_other_setting_is_built_afresh(setting: str) -> None:
    """Each account-wide setting alone changed: the answers of a new engine."""
    catalogue = FeatureCatalogue(FEATURES.values())
    engine = Engine(ACCOUNT, catalogue)
    if setting == "form_preferences":
        base = attrs.evolve(ACCOUNT, forms=(FORM,))
        engine = Engine(base, catalogue)
        changed = attrs.evolve(
            base, form_preferences=FormPreferences().with_account_form(FORM)
        )
    else:
        value = SETTINGS[setting]
        changed = attrs.evolve(ACCOUNT, **{setting: value})  # type: ignore[arg-type]  # one setting
    shared = engine.with_account(changed)
    fresh = Engine(changed, catalogue)
    assert shared.features is catalogue
    for email in EMAILS:
        facts = LoginFacts.of(changed.login(email))
        for feature in FEATURES:
            assert shared.decide(email, feature) == fresh.decide(email, feature)
            assert shared.decide(facts, feature) == fresh.decide(facts, feature)
            assert shared.allows(facts, feature) is fresh.allows(facts, feature)
    if setting == "websites":  # the website the account no longer has
        with pytest.raises(UnknownWebsiteError):
            shared.allows("open@x.example", "Billing", "Outlet")
    if setting == "form_preferences":
        order = Record("1")
        view = shared.form_view("open@x.example", order, RecordType.SALES_ORDER)
        assert view == fresh.form_view("open@x.example", order, RecordType.SALES_ORDER)


def test_the_preview_questions_name_the_engines() -> None:
    """Each preview question is documented as the engine's, asked as the login."""
    for name in ("allows", "decide", "filter_records", "decide_sign_in"):
        doc = inspect.getdoc(Preview.__dict__[name])
        assert doc == f"See :meth:`Engine.{name}`, as the login."
    preview = Engine(ACCOUNT).preview("1")
    assert preview.allows("Make a Payment") is False
    assert preview.allows("Billing") is True
    assert len(BUILTIN_ROLES) == 3


@pytest.mark.parametrize(
    ("email", "code", "facts"),
    [
        ("none@x.example", ReasonCode.NO_ROLE, ("NONE", None, None, None)),
        ("c8@x.example", ReasonCode.NO_ROLE, ("EIGHT", "c8", None, None)),
        (
            "staff@x.example",
            ReasonCode.NOT_CUSTOMER_CENTER_ROLE,
            ("STAFF", None, "Sales", "Sales Center"),
        ),
        (
            "c9@x.example",
            ReasonCode.NOT_CUSTOMER_CENTER_ROLE,
            ("EIGHT", "c9", "Sales", "Sales Center"),
        ),
    ],
)
def test_a_login_without_a_customer_center_role_is_told_whose_it_is(
    email: str, code: ReasonCode, facts: tuple[str | None, ...]
) -> None:
    """The reason names the customer, the contact, the role and its center."""
    engine = Engine(ACCOUNT)
    facts_path = LoginFacts.of(ACCOUNT.login(email))
    for login in (email, email.upper(), facts_path):
        (reason,) = engine.decide(login, "Billing").reasons[:1]
        assert reason.code is code
        assert (reason.customer, reason.contact, reason.role, reason.center) == facts


def test_login_facts_of_one_role_share_its_decisions() -> None:
    """Login facts that may sign in get their role's decisions, as emails do."""
    engine = Engine(ACCOUNT)
    first = LoginFacts("1", "Buyer", give_access=True)
    second = LoginFacts("2", "Buyer", give_access=True)
    decision = engine.decide(first, "Make a Payment")
    assert engine.decide(second, "Make a Payment") is decision
    assert decision is engine.decide("open@x.example", "Make a Payment")


def codes_and_alternatives(
    engine: Engine, login: str, feature: str
) -> list[tuple[ReasonCode, str | None, tuple[str, ...]]]:
    """Each reason's code, its capability or area, and its alternatives."""
    return [
        (
            reason.code,
            reason.feature if reason.capability is None else str(reason.capability),
            reason.alternatives,
        )
        for reason in engine.decide(login, feature).reasons
    ]


def test_a_capability_a_copy_dropped_is_fixable_and_names_no_other_role() -> None:
    """The root has it: giving it back is the remedy, no other role is named."""
    copy = PREMIUM_CUSTOMER_CENTER.customize(
        "No Quotes",
        capabilities=PREMIUM_CUSTOMER_CENTER.capabilities - {Capability.QUOTE_REQUESTS},
    )
    account = Account(
        roles=[copy],
        customers=[
            Customer("1", "Q", email="q@x.example", give_access=True, role=copy.name)
        ],
    )
    (reason,) = (
        Engine(account).decide("q@x.example", "Quote Request and Approval").reasons
    )
    assert (reason.code, reason.alternatives, reason.root) == (
        ReasonCode.MISSING_CAPABILITY,
        (),
        None,
    )


def test_what_an_area_still_lacks_names_the_roles_that_have_the_feature() -> None:
    """A built-in role without the area's capability: both reasons name Premium."""
    account = Account(
        customers=[
            Customer(
                "1",
                "A",
                email="a@x.example",
                give_access=True,
                role="Advanced Customer Center",
            )
        ]
    )
    premium = ("Premium Customer Center",)
    assert codes_and_alternatives(
        Engine(account), "a@x.example", "Scriptable Cart"
    ) == [
        (ReasonCode.MISSING_CAPABILITY, "scriptable_cart", premium),
        (ReasonCode.PARENT_DENIED, "Website", ()),
        (ReasonCode.MISSING_CAPABILITY, "website", premium),
    ]


def test_areas_within_areas_are_each_reported_once_what_they_lack_is_fixed() -> None:
    """Three levels: each denied area named, with only what is still lacking."""
    catalogue = FeatureCatalogue(
        [
            Feature("Top", Has("website")),
            Feature("Middle", Has("website") & Has("wish_lists"), parent="Top"),
            Feature("Leaf", Has("wish_lists"), parent="Middle"),
        ]
    )
    copy = PREMIUM_CUSTOMER_CENTER.customize("Bare", capabilities=())
    account = Account(
        roles=[copy],
        customers=[
            Customer("1", "B", email="b@x.example", give_access=True, role="Bare")
        ],
    )
    assert codes_and_alternatives(
        Engine(account, catalogue), "b@x.example", "Leaf"
    ) == [
        (ReasonCode.MISSING_CAPABILITY, "wish_lists", ()),
        (ReasonCode.PARENT_DENIED, "Middle", ()),
        (ReasonCode.MISSING_CAPABILITY, "website", ()),
        (ReasonCode.PARENT_DENIED, "Top", ()),
    ]
    reasons = Engine(account, catalogue).decide("b@x.example", "Leaf").reasons
    assert [reason.covered for reason in reasons] == [False, False, False, True]
