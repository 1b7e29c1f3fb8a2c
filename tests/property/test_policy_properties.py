import attrs
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    BUILTIN_ROLES,
    FEATURES,
    PERMISSIONS,
    Account,
    CenterType,
    Contact,
    Customer,
    Engine,
    FormField,
    FormPreferences,
    Level,
    Login,
    Origin,
    ReasonCode,
    RecordType,
    Role,
    SavedOrder,
    TransactionForm,
)
from ccroles.testing import custom_roles, levels, permission_keys

BUILTIN_NAMES = frozenset(role.name for role in BUILTIN_ROLES)
STAFF = Role("Staff", center_type=CenterType.SALES, levels={"TRAN_SALESORD": "Full"})
SITES = ("Main", "Shop", "Outlet")


@attrs.frozen
class Record:
    """A record as a portal might model it."""

    customer_internal_id: str


@st.composite
def accounts(draw: st.DrawFn) -> Account:
    """Small accounts: custom roles, websites, customers and contacts of any kind."""
    customs = draw(
        st.lists(
            custom_roles(max_depth=1).filter(lambda r: r.name not in BUILTIN_NAMES),
            max_size=2,
            unique_by=lambda r: r.name,
        )
    )
    roles = st.sampled_from(
        [None, STAFF.name, *BUILTIN_NAMES, *(r.name for r in customs)]
    )
    websites = draw(st.lists(st.sampled_from(SITES), unique=True))
    customers = []
    for i in range(draw(st.integers(1, 4))):
        contacts = [
            Contact(
                f"c{i}.{j}",
                draw(st.sampled_from([None, f"C{i}.{j}@Example.com"])),
                give_access=draw(st.booleans()),
                role=draw(roles),
                active=draw(st.booleans()),
            )
            for j in range(draw(st.integers(0, 2)))
        ]
        customers.append(
            Customer(
                str(100 + i),
                f"CUST{i}",
                email=draw(st.sampled_from([None, f"ap{i}@example.com"])),
                give_access=draw(st.booleans()),
                role=draw(roles),
                assigned_website=draw(st.sampled_from([None, *websites])),
                active=draw(st.booleans()),
                contacts=contacts,
            )
        )
    return Account(
        customer_access=draw(st.booleans()),
        roles=[*customs, STAFF],
        websites=websites,
        customers=customers,
    )


def emails(account: Account) -> list[str]:
    """Every login email of the account, and one no login has."""
    known = [login.email for login in account.logins() if login.email is not None]
    return [*known, "nobody@example.com"]


def asked(email: str) -> list[str]:
    """The email as written and in other cases: all name the same login."""
    return [email, email.upper(), email.lower()]


@given(accounts(), permission_keys(), levels())
def test_a_login_never_reaches_another_customers_record(
    account: Account, key: str, level: Level
) -> None:
    """DOMAIN §6: a customer center login sees only its own customer's records."""
    engine = Engine(account)
    owners = [c.internal_id for c in account.customers] + ["999"]
    records = [Record(owner) for owner in owners]
    for login in account.logins():
        assert login.email is not None
        own = login.customer.internal_id
        for record in records:
            if record.customer_internal_id == own:
                continue
            assert not engine.allows_record(login.email, key, record, level)
            decision = engine.decide_record(login.email, key, record, level)
            assert ReasonCode.NOT_OWN_RECORD in [r.code for r in decision.reasons]
        reached = engine.filter_records(login.email, key, records, level)
        assert all(r.customer_internal_id == own for r in reached)


def _revoked(account: Account, login: Login) -> Account:
    """The account with Give Access cleared on *login*."""
    customer = login.customer
    if login.contact is None:
        changed = attrs.evolve(customer, give_access=False)
    else:
        contacts = [
            attrs.evolve(c, give_access=False) if c == login.contact else c
            for c in customer.contacts
        ]
        changed = attrs.evolve(customer, contacts=contacts)
    customers = [changed if c == customer else c for c in account.customers]
    return attrs.evolve(account, customers=customers)


def _denies_everything(engine: Engine, email: str) -> bool:
    own = Record(engine.account.login(email).customer.internal_id)
    return not any(
        [
            *(
                engine.allows(email, f, site)
                for f in FEATURES
                for site in (None, *SITES)
            ),
            *(engine.decide(email, f).allowed for f in FEATURES),
            *(engine.allows_record(email, key, own) for key in PERMISSIONS),
            *(engine.decide_record(email, key, own).allowed for key in PERMISSIONS),
            engine.allows_sign_in(email),
            engine.decide_sign_in(email).allowed,
            *engine.filter_records(email, "TRAN_CUSTINVC", [own]),
        ]
    )


@given(accounts(), st.data())
def test_revoking_access_or_switching_the_feature_off_denies_everything(
    account: Account, data: st.DataObject
) -> None:
    """DOMAIN §6: no Give Access, or Customer Access off: nothing is allowed."""
    switched_off = Engine(attrs.evolve(account, customer_access=False))
    logins = list(account.logins())
    for login in logins:
        assert login.email is not None
        assert _denies_everything(switched_off, login.email)
    if logins:
        login = data.draw(st.sampled_from(logins))
        assert login.email is not None
        assert _denies_everything(Engine(_revoked(account, login)), login.email)


@given(accounts())
def test_a_custom_roles_login_never_gets_a_feature_its_root_lacks(
    account: Account,
) -> None:
    """DOMAIN §5: a custom role never grants more than its root built-in role."""
    engine = Engine(account)
    for login in account.logins():
        assert login.email is not None
        if login.role is None:
            continue
        root = account.role(login.role).root
        for feature in FEATURES:
            if engine.allows(login.email, feature):
                assert root.has_feature(feature)


@given(accounts())
def test_the_answers_follow_the_role_once_the_login_may_sign_in(
    account: Account,
) -> None:
    """A login that may sign in has exactly its role's features."""
    engine = Engine(account)
    for login in account.logins():
        assert login.email is not None
        if not engine.allows_sign_in(login.email):
            continue
        assert login.role is not None
        role = account.role(login.role)
        for feature in FEATURES:
            assert role.has_feature(feature) == engine.allows(login.email, feature)


@given(accounts(), permission_keys(), levels())
def test_the_plain_answers_agree_with_the_decisions(
    account: Account, key: str, level: Level
) -> None:
    """allows* is decide*.allowed, and a decision is denied exactly with reasons."""
    engine = Engine(account)
    owner = account.customers[0].internal_id
    for email in emails(account):
        for spelling in asked(email):
            for site in (None, *SITES):
                for feature in FEATURES:
                    decision = engine.decide(spelling, feature, site)
                    assert engine.allows(spelling, feature, site) == decision.allowed
                    assert decision.allowed == (decision.reasons == ())
                record = Record(owner)
                decision = engine.decide_record(spelling, key, record, level, site)
                assert decision.allowed == engine.allows_record(
                    spelling, key, record, level, site
                )
                assert decision.allowed == (
                    list(engine.filter_records(spelling, key, [record], level, site))
                    == [record]
                )
                sign_in = engine.decide_sign_in(spelling, site)
                assert sign_in.allowed == engine.allows_sign_in(spelling, site)


@given(accounts())
def test_a_preview_answers_exactly_as_the_customers_login(account: Account) -> None:
    """DOMAIN §6: "log in as customer" gives the same answers as the login."""
    engine = Engine(account)
    for customer in account.customers:
        if customer.email is None:
            continue
        preview = engine.preview(customer.internal_id)
        for feature in FEATURES:
            for site in (None, *SITES):
                assert engine.decide(customer.email, feature, site) == (
                    preview.decide(feature, site)
                )


@given(accounts())
def test_applying_the_remedies_allows_the_feature(account: Account) -> None:
    """The changes proposed on a role are enough; a proposed root allows it."""
    engine = Engine(account)
    for login in account.logins():
        assert login.email is not None
        if login.role is None or not engine.allows_sign_in(login.email):
            continue
        role = account.role(login.role)
        for feature in FEATURES:
            decision = engine.decide(login.email, feature)
            proposals = [r.remedy for r in decision.reasons if r.remedy is not None]
            switches = [p for p in proposals if p.startswith("give the login")]
            if switches:
                assert any(
                    repr(root.name) in switches[0] and root.has_feature(feature)
                    for root in BUILTIN_ROLES
                )
                continue
            if not proposals:
                assert decision.allowed
                continue
            raised = {
                r.permission: r.required
                for r in decision.reasons
                if r.permission is not None and r.required is not None
            }
            added = {r.capability for r in decision.reasons if r.capability}
            fixed = role.customize(
                "Fixed",
                levels={**role.levels, **raised},
                capabilities=role.capabilities | added,
            )
            assert fixed.has_feature(feature)


FIELDS = [
    FormField("Total", print_email=True),
    FormField("Margin"),
    FormField("Terms", screen=False, print_email=True),
]
FORMS = [
    TransactionForm("Sales Order (External)", RecordType.SALES_ORDER, fields=FIELDS),
    TransactionForm("Standard Sales Order", RecordType.SALES_ORDER, fields=FIELDS),
]


@st.composite
def accounts_with_forms(draw: st.DrawFn) -> Account:
    """The accounts above, with sales order forms and maybe preferred ones."""
    account = draw(accounts())
    preferences = FormPreferences()
    if draw(st.booleans()):
        preferences = preferences.with_account_form(draw(st.sampled_from(FORMS)))
    if draw(st.booleans()):
        role = draw(st.sampled_from(BUILTIN_ROLES))
        preferences = preferences.with_role_form(role, FORMS[0])
    return attrs.evolve(account, forms=FORMS, form_preferences=preferences)


@given(accounts_with_forms(), st.sampled_from([None, *SITES]))
def test_a_login_never_sees_a_form_view_of_another_customers_order(
    account: Account, site: str | None
) -> None:
    """DOMAIN §6 and §8: a login sees only its own customer's orders, on a form."""
    engine = Engine(account)
    owners = [c.internal_id for c in account.customers] + ["999"]
    orders = [
        SavedOrder(owner, origin, form)
        for owner in owners
        for origin, form in [
            (Origin.customer_center(), FORMS[0]),
            (Origin.staff(), FORMS[1]),
        ]
    ]
    for email in emails(account):
        login = account.find_login(email)
        own = None if login is None else login.customer.internal_id
        for order in orders:
            answer = engine.decide_form(email, order, website=site)
            view = engine.form_view(email, order, website=site)
            assert view == answer.view
            assert (answer.view is not None) == answer.allowed
            if order.customer_internal_id != own:
                assert view is None
                if login is not None:
                    reasons = [r.code for r in answer.decision.reasons]
                    assert ReasonCode.NOT_OWN_RECORD in reasons
            elif view is not None:
                assert view.form == order.form
                assert view.field_names == ("Total", "Terms")
        invoice = Record(own or "999")
        answer = engine.decide_form(email, invoice, RecordType.SALES_ORDER, site)
        assert answer.view == engine.form_view(
            email, invoice, RecordType.SALES_ORDER, site
        )
