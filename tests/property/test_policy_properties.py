import attrs
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    BUILTIN_ROLES,
    FEATURES,
    PERMISSIONS,
    Account,
    CenterType,
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
from ccroles.names import fold
from ccroles.testing import (
    Record,
    accounts,
    assert_allows,
    assert_denies,
    assert_denies_record,
    assert_denies_sign_in,
    levels,
    logins,
    owned_records,
    permission_keys,
    records_owned_by_others,
)

STAFF = Role("Staff", center_type=CenterType.SALES, levels={"TRAN_SALESORD": "Full"})
# Small accounts: custom roles, an internal staff role, customers and contacts.
ACCOUNTS = accounts(max_roles=2, max_depth=1, max_customers=3, extra_roles=[STAFF])


def sites(account: Account) -> list[str | None]:
    """No website, and each of the account's websites as written and folded.

    A website the account lacks is no question: the engine refuses it
    (tests/test_account_rules.py).
    """
    return [None, *account.websites, *map(fold, account.websites)]


def emails(account: Account) -> list[str]:
    """Every login email of the account, one no login has, and the empty one."""
    known = [login.email for login in account.logins() if login.email is not None]
    return [*known, "nobody@example.com", ""]


def asked(email: str) -> list[str]:
    """The email as written and in other cases: all name the same login."""
    return [email, email.upper(), email.lower()]


@given(ACCOUNTS, permission_keys(), levels(), st.data())
def test_a_login_never_reaches_another_customers_record(
    account: Account, key: str, level: Level, data: st.DataObject
) -> None:
    """A customer center login sees only its own customer's records."""
    engine = Engine(account)
    for login in account.logins():
        assert login.email is not None
        others = data.draw(
            st.lists(
                records_owned_by_others(login.customer, account=account),
                min_size=1,
                max_size=3,
            )
        )
        for record in others:
            assert not engine.allows_record(login.email, key, record, level)
            assert_denies_record(
                engine,
                login,
                key,
                record,
                level=level,
                reason=ReasonCode.NOT_OWN_RECORD,
            )
        own = data.draw(owned_records(login.customer))
        reached = list(engine.filter_records(login.email, key, [*others, own], level))
        assert reached in ([], [own])


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
                for site in sites(engine.account)
            ),
            *(engine.decide(email, f).allowed for f in FEATURES),
            *(engine.allows_record(email, key, own) for key in PERMISSIONS),
            *(engine.decide_record(email, key, own).allowed for key in PERMISSIONS),
            engine.allows_sign_in(email),
            engine.decide_sign_in(email).allowed,
            *engine.filter_records(email, "TRAN_CUSTINVC", [own]),
        ]
    )


@given(ACCOUNTS, st.data())
def test_revoking_access_or_switching_the_feature_off_denies_everything(
    account: Account, data: st.DataObject
) -> None:
    """No Give Access, or Customer Access off: nothing is allowed."""
    switched_off = Engine(attrs.evolve(account, customer_access=False))
    for login in account.logins():
        assert login.email is not None
        assert _denies_everything(switched_off, login.email)
    login = data.draw(logins(account))
    assert login.email is not None
    revoked = Engine(_revoked(account, login))
    assert _denies_everything(revoked, login.email)
    assert_denies_sign_in(revoked, login, reason=ReasonCode.NO_ACCESS)


@given(ACCOUNTS)
def test_a_custom_roles_login_never_gets_a_feature_its_root_lacks(
    account: Account,
) -> None:
    """A custom role never grants more than its root built-in role."""
    engine = Engine(account)
    for login in account.logins():
        assert login.email is not None
        if login.role is None:
            continue
        root = account.role(login.role).root
        for feature in FEATURES:
            if engine.allows(login.email, feature):
                assert FEATURES.allows(root, feature)


@given(ACCOUNTS)
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
            if FEATURES.allows(role, feature):
                assert_allows(engine, login, feature)
            else:
                assert_denies(engine, login, feature)


@given(ACCOUNTS, permission_keys(), levels(), st.data())
def test_the_plain_answers_agree_with_the_decisions(
    account: Account, key: str, level: Level, data: st.DataObject
) -> None:
    """allows* is decide*.allowed, and a decision is denied exactly with reasons."""
    engine = Engine(account)
    for email in emails(account):
        login = account.find_login(email)
        record = (
            data.draw(owned_records(login.customer))
            if login is not None
            else Record("999")
        )
        for spelling in asked(email):
            for site in sites(account):
                for feature in FEATURES:
                    decision = engine.decide(spelling, feature, site)
                    assert engine.allows(spelling, feature, site) == decision.allowed
                    assert decision.allowed == (decision.reasons == ())
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


@given(ACCOUNTS)
def test_a_preview_answers_exactly_as_the_customers_login(account: Account) -> None:
    """Log in as customer gives the same answers as the login."""
    engine = Engine(account)
    for customer in account.customers:
        if customer.email is None:
            continue
        preview = engine.preview(customer.internal_id)
        for feature in FEATURES:
            for site in sites(account):
                assert engine.decide(customer.email, feature, site) == (
                    preview.decide(feature, site)
                )


@given(ACCOUNTS)
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
                    repr(root.name) in switches[0] and FEATURES.allows(root, feature)
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
            assert FEATURES.allows(fixed, feature)


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
    account = draw(ACCOUNTS)
    preferences = FormPreferences()
    if draw(st.booleans()):
        preferences = preferences.with_account_form(draw(st.sampled_from(FORMS)))
    if draw(st.booleans()):
        role = draw(st.sampled_from(BUILTIN_ROLES))
        preferences = preferences.with_role_form(role, FORMS[0])
    return attrs.evolve(account, forms=FORMS, form_preferences=preferences)


@given(accounts_with_forms(), st.data())
def test_a_login_never_sees_a_form_view_of_another_customers_order(
    account: Account, data: st.DataObject
) -> None:
    """A login sees only its own customer's orders, each on a form."""
    site = data.draw(st.sampled_from(sites(account)))
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
            answer = engine.form_answer(email, order, website=site)
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
        answer = engine.form_answer(email, invoice, RecordType.SALES_ORDER, site)
        assert answer.view == engine.form_view(
            email, invoice, RecordType.SALES_ORDER, site
        )
