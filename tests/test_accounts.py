import attrs
import pytest

from ccroles import (
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Account,
    Contact,
    Customer,
    FormPreferences,
    Login,
    LoginFacts,
    RecordType,
    TransactionForm,
    UnknownLoginError,
)
from ccroles.exceptions import (
    DuplicateReferenceError,
    InvalidIdError,
    UnknownReferenceError,
    UnknownRoleError,
)

ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_SALESORD": "None"})


def acme(**changes: object) -> Customer:
    """A customer with one contact; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "internal_id": "101",
        "customer_id": "ACME",
        "email": "ap@acme.example",
        "give_access": True,
        "role": "Customer Center",
        "contacts": (
            Contact("c1", "Books@Acme.example", give_access=True, role="Accountant"),
        ),
    }
    fields.update(changes)
    return Customer(**fields)  # type: ignore[arg-type]


def test_logins_are_found_by_email_ignoring_case() -> None:
    """Customer and contact logins are looked up case-insensitively."""
    account = Account(roles=[ACCOUNTANT], customers=[acme()])
    assert account.login("AP@acme.EXAMPLE") == Login(account.customers[0])
    contact_login = account.login("books@acme.example")
    assert contact_login.contact is not None
    assert contact_login.role == "Accountant"
    assert contact_login.label == "contact 'c1' of customer 'ACME'"
    assert [login.email for login in account.logins()] == [
        "ap@acme.example",
        "Books@Acme.example",
    ]


def test_unknown_login_is_an_error_without_a_suggestion() -> None:
    """An unknown email raises and never suggests another customer's email."""
    account = Account(roles=[ACCOUNTANT], customers=[acme()])
    with pytest.raises(UnknownLoginError) as caught:
        account.login("ap@acme.exampl")
    assert caught.value.suggestion is None
    assert caught.value.name == "ap@acme.exampl"
    assert account.find_login("nobody@example.com") is None


def test_custom_roles_hold_the_accounts_own_and_all_roles_the_builtins_too() -> None:
    """custom_roles holds the account's own; all_roles and role() know the built-ins."""
    account = Account(roles=[ACCOUNTANT])
    assert account.custom_roles == (ACCOUNTANT,)
    assert account.all_roles == (*BUILTIN_ROLES, ACCOUNTANT)
    assert account.role("Accountant") is ACCOUNTANT
    assert account.role("Customer Center") is CUSTOMER_CENTER
    with pytest.raises(UnknownRoleError):
        account.role("Acountant")


def test_customer_by_internal_id() -> None:
    """customer() finds a customer by internal id, or raises."""
    account = Account(roles=[ACCOUNTANT], customers=[acme()])
    assert account.customer("101").customer_id == "ACME"
    with pytest.raises(UnknownReferenceError) as caught:
        account.customer("999")
    assert (caught.value.kind, caught.value.value, caught.value.owner) == (
        "customer",
        "999",
        "the account",
    )


@pytest.mark.parametrize(
    ("account_fields", "message"),
    [
        (
            {"customers": [acme(role="Acountant")]},
            (
                "customer 'ACME' names role 'Acountant', which the account lacks; "
                "did you mean 'Accountant'?"
            ),
        ),
        (
            {"customers": [acme(assigned_website="Shop")], "websites": ["Main"]},
            "customer 'ACME' names website 'Shop', which the account lacks",
        ),
        (
            {"customers": [acme(contacts=[Contact("c9", role="Buyer")])]},
            (
                "contact 'c9' of customer 'ACME' names role 'Buyer', which the account "
                "lacks"
            ),
        ),
    ],
)
def test_unknown_references_name_the_record(
    account_fields: dict[str, object], message: str
) -> None:
    """A role or website the account lacks names the customer or contact."""
    with pytest.raises(UnknownReferenceError) as caught:
        Account(roles=[ACCOUNTANT], **account_fields)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("customers", "kind", "value"),
    [
        (
            [acme(), acme(customer_id="B", email=None, contacts=())],
            "internal id",
            "101",
        ),
        (
            [acme(), acme(internal_id="2", email=None, contacts=())],
            "customer id",
            "ACME",
        ),
        (
            [
                acme(),
                acme(
                    internal_id="2",
                    customer_id="B",
                    email="AP@ACME.EXAMPLE",
                    contacts=(),
                ),
            ],
            "email",
            "AP@ACME.EXAMPLE",
        ),
        (
            [acme(), acme(internal_id="2", customer_id="B", email=None)],
            "contact id",
            "c1",
        ),
        (
            [acme(contacts=[Contact("c1", "ap@acme.example")])],
            "email",
            "ap@acme.example",
        ),
    ],
)
def test_duplicates_are_refused(
    customers: list[Customer], kind: str, value: str
) -> None:
    """Ids, customer ids, contact ids and emails (any case) are unique."""
    with pytest.raises(DuplicateReferenceError) as caught:
        Account(roles=[ACCOUNTANT], customers=customers)
    assert (caught.value.kind, caught.value.value) == (kind, value)


def test_duplicate_websites_and_role_names_are_refused() -> None:
    """Website names and role names (built-ins included) are unique."""
    with pytest.raises(DuplicateReferenceError, match="website 'Main'"):
        Account(websites=["Main", "Main"])
    with pytest.raises(DuplicateReferenceError, match="role name 'Customer Center'"):
        Account(roles=[CUSTOMER_CENTER.customize("Customer Center")])


@pytest.mark.parametrize(
    ("field", "name"),
    [("internal_id", "customer internal id"), ("customer_id", "customer id")],
)
def test_blank_ids_are_refused(field: str, name: str) -> None:
    """A customer needs an internal id and a customer id."""
    with pytest.raises(InvalidIdError, match=f"{name} ' ' is refused"):
        acme(**{field: " "})


def test_login_properties_follow_the_contact_or_the_customer() -> None:
    """A contact login uses the contact's email, role and flag; active: the customer."""
    inactive_contact = Contact("c2", "x@acme.example", give_access=False, active=False)
    customer = acme(contacts=[inactive_contact], also_vendor=True, also_employee=True)
    assert Login(customer).give_access
    assert (Login(customer).active, Login(customer).contact_active) == (True, True)
    assert not Login(customer, inactive_contact).give_access
    contact_login = Login(customer, inactive_contact)
    assert (contact_login.active, contact_login.contact_active) == (True, False)
    assert customer.other_logins == ("vendor", "employee")
    inactive_customer = Login(acme(active=False), Contact("c3"))
    assert (inactive_customer.active, inactive_customer.contact_active) == (False, True)


@pytest.mark.parametrize("customer_active", [True, False])
@pytest.mark.parametrize("contact_active", [True, False, None])
def test_active_means_the_same_on_a_login_and_its_facts(
    *, customer_active: bool, contact_active: bool | None
) -> None:
    """Login.active is LoginFacts.active (the customer), and so is contact_active."""
    contact = None if contact_active is None else Contact("c1", active=contact_active)
    login = Login(acme(active=customer_active, assigned_website="Main"), contact)
    facts = LoginFacts.of(login)
    assert (login.active, login.contact_active) == (facts.active, facts.contact_active)
    assert (login.internal_id, login.role, login.give_access) == (
        facts.internal_id,
        facts.role,
        facts.give_access,
    )
    assert (login.assigned_website, login.label) == (
        facts.assigned_website,
        facts.label,
    )
    assert login.active is customer_active
    assert login.contact_active is (contact_active is not False)


def test_a_record_without_an_email_has_no_login() -> None:
    """Customers and contacts without an email are kept but cannot be found."""
    account = Account(customers=[acme(email=None, contacts=[Contact("c1")])])
    assert list(account.logins()) == []
    assert account.customer("101").email is None


# Forms and form preferences (issue 4)

SO = RecordType.SALES_ORDER
EXTERNAL = TransactionForm("Sales Order (External)", SO)
STAFF = TransactionForm("Standard Sales Order", SO)
PREFERENCES = (
    FormPreferences()
    .with_account_form(STAFF)
    .with_role_form(ACCOUNTANT, EXTERNAL)
    .with_website_order_form("Main Store", STAFF)
)


def test_an_account_holds_its_forms_and_preferences() -> None:
    """The forms and preferences given are kept; by default there are none."""
    account = Account(
        roles=[ACCOUNTANT],
        websites=["Main Store"],
        forms=[EXTERNAL, STAFF],
        form_preferences=PREFERENCES,
    )
    assert account.forms == (EXTERNAL, STAFF)
    assert account.form_preferences == PREFERENCES
    assert account.form_preferences.form_in_effect(ACCOUNTANT, SO) == EXTERNAL
    assert (Account().forms, Account().form_preferences) == ((), FormPreferences())


def test_preferences_may_name_any_builtin_role() -> None:
    """The built-in roles are every account's, listed or not."""
    preferences = FormPreferences().with_role_form(PREMIUM_CUSTOMER_CENTER, EXTERNAL)
    account = Account(forms=[EXTERNAL], form_preferences=preferences)
    assert account.form_preferences.form_in_effect(PREMIUM_CUSTOMER_CENTER, SO) == (
        EXTERNAL
    )


OTHER_ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", {"LIST_CASE": "None"})


@pytest.mark.parametrize(
    ("preferences", "kind", "value"),
    [
        (
            FormPreferences().with_role_form(OTHER_ACCOUNTANT, EXTERNAL),
            "role",
            "Accountant",
        ),
        (
            FormPreferences().with_role_form(
                CUSTOMER_CENTER.customize("Buyer"), EXTERNAL
            ),
            "role",
            "Buyer",
        ),
        (
            FormPreferences().with_website_order_form("Outlet", STAFF),
            "website",
            "Outlet",
        ),
        (
            FormPreferences().with_account_form(
                TransactionForm("Invoice", RecordType.INVOICE)
            ),
            "form",
            "Invoice",
        ),
        (
            FormPreferences().with_account_form(attrs.evolve(STAFF, online=True)),
            "form",
            "Standard Sales Order",
        ),
        (
            FormPreferences().with_role_form(
                CUSTOMER_CENTER, TransactionForm("Web Order (External)", SO)
            ),
            "form",
            "Web Order (External)",
        ),
        (
            FormPreferences().with_website_order_form(
                "Main Store", TransactionForm("Web Order", SO)
            ),
            "form",
            "Web Order",
        ),
    ],
)
def test_preferences_name_only_the_accounts_roles_websites_and_forms(
    preferences: FormPreferences, kind: str, value: str
) -> None:
    """A preference naming a role, website or form the account lacks is refused."""
    fields: dict[str, object] = {
        "roles": [ACCOUNTANT],
        "websites": ["Main Store"],
        "forms": [EXTERNAL, STAFF],
        "form_preferences": preferences,
    }
    with pytest.raises(UnknownReferenceError) as caught:
        Account(**fields)  # type: ignore[arg-type]
    assert (caught.value.kind, caught.value.value) == (kind, value)
    assert caught.value.owner == "a form preference"
    assert repr(value) in str(caught.value)


def test_form_names_are_unique_in_an_account() -> None:
    """Two forms with one name are refused, whatever their record types."""
    invoice = TransactionForm("Standard Sales Order", RecordType.INVOICE)
    with pytest.raises(DuplicateReferenceError, match="form name 'Standard Sales"):
        Account(forms=[STAFF, invoice])
