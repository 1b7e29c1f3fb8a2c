import runpy
import types
from pathlib import Path

import pytest

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    CenterType,
    Channel,
    DuplicateNameError,
    FormField,
    FormNotAllowedError,
    FormPreferences,
    Origin,
    OwnedRecord,
    PrintingType,
    RecordType,
    Role,
    SavedOrder,
    TransactionForm,
)
from ccroles.exceptions import (
    AdvancedPrintingForCustomerCenterError,
    ExternalFormForInternalRoleError,
    InvalidIdError,
    InvalidNameError,
    InvalidOriginError,
    NoFormInEffectError,
    NonExternalFormForCustomerCenterError,
    OnlineFormNotStorableError,
    OriginRoleMismatchError,
    UnknownRecordTypeError,
    WrongRecordTypeError,
)
from ccroles.form_views import FormView, role_form_view
from ccroles.forms import allows_preferred_form, choosable_forms

ROOT = Path(__file__).parent.parent
SO = RecordType.SALES_ORDER

BUYER = CUSTOMER_CENTER.customize("Buyer", levels={"TRAN_CUSTPYMT": "None"})
SALES_REP = Role("Sales Rep", CenterType.SALES)
ACCOUNTANT = Role("Staff Accountant", CenterType.ACCOUNTING)
INTERNAL_ROLES = [
    Role(f"{center} staff", center)
    for center in CenterType
    if not center.is_customer_center
]

ORDER_NO = FormField("Order #", screen=True, print_email=True)
SALES_REP_FIELD = FormField("Sales Rep", screen=True, print_email=False)
TERMS = FormField("Terms", screen=False, print_email=True)
HIDDEN = FormField("Hidden", screen=False, print_email=False)

EXTERNAL = TransactionForm(
    "Sales Order (External)", SO, fields=[ORDER_NO, SALES_REP_FIELD, TERMS, HIDDEN]
)
EXTERNAL_ADVANCED = TransactionForm(
    "Printed Sales Order (External)", SO, printing=PrintingType.ADVANCED
)
EXTERNAL_ONLINE = TransactionForm("Web Sales Order (External)", SO, online=True)
STANDARD = TransactionForm("Standard Sales Order", SO, fields=[ORDER_NO])
STANDARD_ADVANCED = TransactionForm(
    "Printed Sales Order", SO, printing=PrintingType.ADVANCED
)
STANDARD_ONLINE = TransactionForm("Web Sales Order", SO, online=True)
EXTERNAL_INVOICE = TransactionForm("Invoice (External)", RecordType.INVOICE)


def test_record_types_are_named_after_their_permissions() -> None:
    """Each record type's display name is the label of the permission governing it."""
    assert {str(t): t.permission.key for t in RecordType} == {
        "Sales Order": "TRAN_SALESORD",
        "Invoice": "TRAN_CUSTINVC",
        "Estimate": "TRAN_ESTIMATE",
        "Cash Sale": "TRAN_CASHSALE",
        "Return Authorization": "TRAN_RTNAUTH",
        "Credit Memo": "TRAN_CUSTCRED",
        "Customer Payment": "TRAN_CUSTPYMT",
        "Customer Deposit": "TRAN_CUSTDEP",
        "Deposit Application": "TRAN_DEPAPPL",
        "Item Fulfillment": "TRAN_ITEMSHIP",
    }
    assert RecordType.CASH_SALE.display_name == "Cash Sale"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sales Order", SO),
        ("sales order", SO),
        ("  SALES ORDER ", SO),
        ("TRAN_SALESORD", SO),
        ("tran_custinvc", RecordType.INVOICE),
        ("Return Authorization", RecordType.RETURN_AUTHORIZATION),
    ],
)
def test_a_record_type_is_read_by_its_name_or_permission_key(
    text: str, expected: RecordType
) -> None:
    """RecordType.parse takes the display name or the key, in any case."""
    assert RecordType.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Sales Ordr", "unknown record type 'Sales Ordr'; did you mean 'Sales Order'?"),
        ("SALES_ORDER", "unknown record type 'SALES_ORDER'"),
        (3, "unknown record type 3"),
        (None, "unknown record type None"),
    ],
)
def test_an_unknown_record_type_is_refused(text: object, message: str) -> None:
    """Anything else raises UnknownRecordTypeError (a KeyError) naming it."""
    with pytest.raises(UnknownRecordTypeError) as caught:
        RecordType.parse(text)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, KeyError)


def test_a_saved_order_is_an_owned_record() -> None:
    """A saved order's customer_internal_id is its customer: the engine reads it."""
    order: OwnedRecord = SavedOrder("101", Origin.staff(), STANDARD)
    assert order.customer_internal_id == "101"


def test_printing_types_print_as_their_names() -> None:
    """Printing types are Basic and Advanced."""
    assert [str(p) for p in PrintingType] == ["Basic", "Advanced"]


@pytest.mark.parametrize(
    ("name", "external"),
    [
        ("Sales Order (External)", True),
        ("Sales Order (external)", True),
        ("SALES ORDER (EXTERNAL)", True),
        ("Sales Order (External)   ", True),
        ("Sales Order (External)\t\n", True),
        ("Sales Order(External)", True),
        ("(External)", True),
        ("Standard Sales Order", False),
        ("Sales Order External", False),
        ("Sales Order (External) copy", False),
        ("(External) Sales Order", False),
        ("Sales Order (Extern)", False),
        ("Sales Order ( External )", False),
    ],
)
def test_external_is_derived_from_the_name(name: str, *, external: bool) -> None:
    """A form is external when its name ends with (External), any case."""
    assert TransactionForm(name, SO).is_external is external


@pytest.mark.parametrize("name", ["", "   "])
def test_a_form_needs_a_name(name: str) -> None:
    """A blank form name is refused."""
    with pytest.raises(InvalidNameError) as caught:
        TransactionForm(name, SO)
    assert (caught.value.kind, caught.value.name) == ("form", name)


def test_a_field_needs_a_name() -> None:
    """A blank field name is refused."""
    with pytest.raises(InvalidNameError) as caught:
        FormField(" ")
    assert (caught.value.kind, caught.value.name) == ("form field", " ")


def test_field_names_are_unique_on_a_form() -> None:
    """Two fields with one name on a form are refused."""
    with pytest.raises(DuplicateNameError) as caught:
        TransactionForm("Invoice", RecordType.INVOICE, fields=[TERMS, TERMS])
    assert (caught.value.kind, caught.value.name) == ("form field", "Terms")


def test_a_form_defaults_to_basic_printing_offline_without_fields() -> None:
    """Defaults: Basic printing, not an online form, no fields."""
    form = TransactionForm("Invoice", RecordType.INVOICE, fields=iter([TERMS]))
    assert (form.printing, form.online, form.fields) == (
        PrintingType.BASIC,
        False,
        (TERMS,),
    )


@pytest.mark.parametrize(
    "role", [CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER, ADVANCED_CUSTOMER_CENTER, BUYER]
)
def test_customer_center_roles_see_the_print_email_fields(role: Role) -> None:
    """A customer center role (built-in or custom) sees the Printing Fields."""
    assert EXTERNAL.fields_seen_by(role) == (ORDER_NO, TERMS)


@pytest.mark.parametrize("role", INTERNAL_ROLES)
def test_internal_roles_see_the_screen_fields(role: Role) -> None:
    """Every other center's role sees the Screen Fields."""
    assert EXTERNAL.fields_seen_by(role) == (ORDER_NO, SALES_REP_FIELD)


ALLOWED = [
    (CUSTOMER_CENTER, EXTERNAL),
    (PREMIUM_CUSTOMER_CENTER, EXTERNAL),
    (ADVANCED_CUSTOMER_CENTER, EXTERNAL),
    (BUYER, EXTERNAL),
    (CUSTOMER_CENTER, EXTERNAL_ONLINE),
    (CUSTOMER_CENTER, EXTERNAL_INVOICE),
    *((role, STANDARD) for role in INTERNAL_ROLES),
    (SALES_REP, STANDARD_ADVANCED),
    (SALES_REP, STANDARD_ONLINE),
]

REFUSED = [
    (CUSTOMER_CENTER, STANDARD, NonExternalFormForCustomerCenterError),
    (PREMIUM_CUSTOMER_CENTER, STANDARD_ONLINE, NonExternalFormForCustomerCenterError),
    (BUYER, STANDARD, NonExternalFormForCustomerCenterError),
    (BUYER, STANDARD_ADVANCED, NonExternalFormForCustomerCenterError),
    (CUSTOMER_CENTER, EXTERNAL_ADVANCED, AdvancedPrintingForCustomerCenterError),
    (BUYER, EXTERNAL_ADVANCED, AdvancedPrintingForCustomerCenterError),
    *((role, EXTERNAL, ExternalFormForInternalRoleError) for role in INTERNAL_ROLES),
    (SALES_REP, EXTERNAL_ADVANCED, ExternalFormForInternalRoleError),
]


@pytest.mark.parametrize(("role", "form"), ALLOWED)
def test_allowed_markings(role: Role, form: TransactionForm) -> None:
    """These forms may be preferred for these roles."""
    preferences = FormPreferences().with_role_form(role, form)
    assert preferences.form_in_effect(role, form.record_type) == form
    assert allows_preferred_form(role, form)


@pytest.mark.parametrize(("role", "form", "error"), REFUSED)
def test_refused_markings(
    role: Role, form: TransactionForm, error: type[FormNotAllowedError]
) -> None:
    """Each refused marking raises its own error, with the facts."""
    with pytest.raises(error) as caught:
        FormPreferences().with_role_form(role, form)
    assert (caught.value.form, caught.value.role, caught.value.center_type) == (
        form.name,
        role.name,
        role.center_type,
    )
    assert isinstance(caught.value, ValueError)
    assert not allows_preferred_form(role, form)


def test_a_non_external_form_for_a_customer_role_says_what_is_allowed() -> None:
    """The message names the form, the role and the external alternative."""
    with pytest.raises(NonExternalFormForCustomerCenterError) as caught:
        FormPreferences().with_role_form(CUSTOMER_CENTER, STANDARD)
    assert str(caught.value) == (
        "form 'Standard Sales Order' cannot be preferred for Customer Center role "
        "'Customer Center': it is not external; allowed instead: a form with "
        "Basic printing whose name ends with '(External)'"
    )
    assert caught.value.allowed == (
        "a form with Basic printing whose name ends with '(External)'"
    )


def test_advanced_printing_for_a_customer_role_says_what_is_allowed() -> None:
    """The message names the form, the role and the Basic printing alternative."""
    with pytest.raises(AdvancedPrintingForCustomerCenterError) as caught:
        FormPreferences().with_role_form(BUYER, EXTERNAL_ADVANCED)
    assert str(caught.value) == (
        "form 'Printed Sales Order (External)' cannot be preferred for Customer "
        "Center role 'Buyer': a custom form for a customer center role must use "
        "Basic printing; allowed instead: an external form with Basic printing"
    )


def test_an_external_form_for_a_staff_role_says_what_is_allowed() -> None:
    """The message names the form, the role and the non-external alternative."""
    with pytest.raises(ExternalFormForInternalRoleError) as caught:
        FormPreferences().with_role_form(SALES_REP, EXTERNAL)
    assert str(caught.value) == (
        "form 'Sales Order (External)' cannot be preferred for Sales Center role "
        "'Sales Rep': external forms are for customer center roles only; allowed "
        "instead: a form whose name does not end with '(External)'"
    )


def test_rules_are_checked_when_preferences_are_built_directly() -> None:
    """Building preferences with a refused role form raises too."""
    with pytest.raises(NonExternalFormForCustomerCenterError):
        FormPreferences(role_forms={CUSTOMER_CENTER: {SO: STANDARD}})


ALL_FORMS = [
    EXTERNAL,
    EXTERNAL_ADVANCED,
    EXTERNAL_ONLINE,
    STANDARD,
    STANDARD_ADVANCED,
    STANDARD_ONLINE,
    EXTERNAL_INVOICE,
]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (CUSTOMER_CENTER, [EXTERNAL, EXTERNAL_ONLINE, EXTERNAL_INVOICE]),
        (BUYER, [EXTERNAL, EXTERNAL_ONLINE, EXTERNAL_INVOICE]),
        (SALES_REP, [STANDARD, STANDARD_ADVANCED, STANDARD_ONLINE]),
    ],
)
def test_a_role_chooses_from_exactly_the_forms_it_may_be_given(
    role: Role, expected: list[TransactionForm]
) -> None:
    """The list a role picks its preferred form from holds exactly the allowed."""
    assert choosable_forms(role, ALL_FORMS) == tuple(expected)


def test_the_choice_can_be_narrowed_to_a_record_type() -> None:
    """With a record type, only that type's allowed forms are listed."""
    assert choosable_forms(CUSTOMER_CENTER, ALL_FORMS, RecordType.INVOICE) == (
        EXTERNAL_INVOICE,
    )


def test_the_role_form_overrides_the_account_form() -> None:
    """A role's preferred form wins over the account-wide one, for that role only."""
    preferences = (
        FormPreferences()
        .with_account_form(STANDARD)
        .with_role_form(CUSTOMER_CENTER, EXTERNAL)
    )
    assert preferences.form_in_effect(CUSTOMER_CENTER, SO) == EXTERNAL
    assert preferences.form_in_effect(BUYER, SO) == STANDARD
    assert preferences.form_in_effect(SALES_REP, SO) == STANDARD


def test_without_a_role_form_the_account_form_is_in_effect_again() -> None:
    """Removing the role's form falls back to the account-wide one."""
    preferences = (
        FormPreferences()
        .with_account_form(STANDARD)
        .with_role_form(CUSTOMER_CENTER, EXTERNAL)
        .with_role_form(CUSTOMER_CENTER, EXTERNAL_INVOICE)
        .without_role_form(CUSTOMER_CENTER, SO)
    )
    assert preferences.form_in_effect(CUSTOMER_CENTER, SO) == STANDARD
    assert preferences.role_forms == {
        CUSTOMER_CENTER: {RecordType.INVOICE: EXTERNAL_INVOICE}
    }


def test_no_form_is_in_effect_when_none_is_preferred() -> None:
    """Without a role or account-wide form, no form is in effect."""
    preferences = FormPreferences().with_account_form(STANDARD).without_account_form(SO)
    assert preferences.form_in_effect(SALES_REP, SO) is None
    assert preferences == FormPreferences()


def test_removing_a_roles_last_form_leaves_equal_preferences() -> None:
    """A role with no forms left is not kept as an empty entry."""
    preferences = (
        FormPreferences()
        .with_role_form(CUSTOMER_CENTER, EXTERNAL)
        .without_role_form(CUSTOMER_CENTER, SO)
    )
    assert preferences == FormPreferences()


def test_preferences_are_immutable_values() -> None:
    """Changing preferences returns new ones; the old ones and mappings are fixed."""
    empty = FormPreferences()
    changed = empty.with_account_form(STANDARD).with_role_form(
        CUSTOMER_CENTER, EXTERNAL
    )
    assert empty.account_forms == {}
    assert isinstance(changed.account_forms, types.MappingProxyType)
    assert isinstance(changed.role_forms[CUSTOMER_CENTER], types.MappingProxyType)
    with pytest.raises(TypeError):
        changed.account_forms[SO] = EXTERNAL  # type: ignore[index]
    assert hash(changed) == hash(changed.with_account_form(STANDARD))


def test_a_form_is_filed_under_its_own_record_type() -> None:
    """A form given under another record type is refused, naming both."""
    with pytest.raises(WrongRecordTypeError) as caught:
        FormPreferences(account_forms={RecordType.INVOICE: STANDARD})
    assert str(caught.value) == (
        "form 'Standard Sales Order' is for Sales Order records, but the "
        "account-wide preference needs a form for Invoice records"
    )
    with pytest.raises(WrongRecordTypeError):
        FormPreferences(role_forms={SALES_REP: {RecordType.INVOICE: STANDARD}})


def test_a_websites_sales_order_type_is_a_sales_order_form() -> None:
    """A website's Sales Order Type must be a sales order form."""
    with pytest.raises(WrongRecordTypeError) as caught:
        FormPreferences().with_website_order_form("Main Store", EXTERNAL_INVOICE)
    assert caught.value.setting == "the Sales Order Type of website 'Main Store'"
    with pytest.raises(InvalidNameError):
        FormPreferences().with_website_order_form(" ", STANDARD)


def test_a_roles_second_preferred_form_keeps_the_first() -> None:
    """Preferring a form for another record type keeps the role's earlier ones."""
    both = (
        FormPreferences()
        .with_role_form(CUSTOMER_CENTER, EXTERNAL)
        .with_role_form(CUSTOMER_CENTER, EXTERNAL_INVOICE)
    )
    assert dict(both.role_forms[CUSTOMER_CENTER]) == {
        SO: EXTERNAL,
        RecordType.INVOICE: EXTERNAL_INVOICE,
    }


def test_removing_one_websites_sales_order_type_keeps_the_others() -> None:
    """without_website_order_form drops that website's form and only that one."""
    both = (
        FormPreferences()
        .with_website_order_form("Main Store", STANDARD)
        .with_website_order_form("Shop", STANDARD)
    )
    assert dict(both.without_website_order_form("Shop").website_order_forms) == {
        "Main Store": STANDARD
    }


def test_origins_describe_themselves() -> None:
    """Each origin says how the order was entered, and a web store's website."""
    assert [
        str(o)
        for o in (Origin.customer_center(), Origin.staff(), Origin.web_store("Shop"))
    ] == [
        "entered in the customer center",
        "entered directly by staff",
        "placed through website 'Shop'",
    ]
    assert Origin.web_store("Shop").channel is Channel.WEB_STORE
    assert [str(channel) for channel in Channel] == [
        "entered in the customer center",
        "entered directly by staff",
        "placed through a web store",
    ]


def test_a_field_is_a_screen_field_only_unless_told() -> None:
    """By default a field is on screen (staff see it), not printed (customers don't)."""
    memo = FormField("Memo")
    form = TransactionForm("Sales Order (External)", SO, fields=[memo])
    assert (memo.screen, memo.print_email) == (True, False)
    assert form.fields_seen_by(SALES_REP) == (memo,)
    assert form.fields_seen_by(CUSTOMER_CENTER) == ()


@pytest.mark.parametrize(
    ("channel", "website"),
    [
        (Channel.WEB_STORE, None),
        (Channel.STAFF, "Shop"),
        (Channel.CUSTOMER_CENTER, "Shop"),
    ],
)
def test_only_web_store_orders_name_a_website(
    channel: Channel, website: str | None
) -> None:
    """A web store order names its website; other orders name none."""
    with pytest.raises(InvalidOriginError) as caught:
        Origin(channel, website)
    assert (caught.value.channel, caught.value.website) == (channel, website)


def test_a_web_store_needs_a_non_blank_name() -> None:
    """A blank website name is refused."""
    with pytest.raises(InvalidNameError) as caught:
        Origin.web_store("  ")
    assert (caught.value.kind, caught.value.name) == ("website", "  ")


PREFERENCES = (
    FormPreferences()
    .with_account_form(STANDARD)
    .with_role_form(CUSTOMER_CENTER, EXTERNAL)
    .with_role_form(SALES_REP, STANDARD_ADVANCED)
    .with_website_order_form("Shop", EXTERNAL_ADVANCED)
)


@pytest.mark.parametrize(
    ("origin", "role", "expected"),
    [
        (Origin.customer_center(), CUSTOMER_CENTER, EXTERNAL),
        (Origin.customer_center(), BUYER, STANDARD),
        (Origin.staff(), SALES_REP, STANDARD_ADVANCED),
        (Origin.staff(), ACCOUNTANT, STANDARD),
        (Origin.web_store("Shop"), CUSTOMER_CENTER, EXTERNAL_ADVANCED),
        (Origin.web_store("Other Shop"), CUSTOMER_CENTER, EXTERNAL),
        (Origin.web_store("Shop"), SALES_REP, EXTERNAL_ADVANCED),
    ],
)
def test_a_saved_order_stores_the_form_in_effect(
    origin: Origin, role: Role, expected: TransactionForm
) -> None:
    """The preferred form, or the website's Sales Order Type."""
    order = PREFERENCES.save_sales_order("101", origin, role=role)
    assert order == SavedOrder("101", origin, expected)
    assert order.record_type is SO


@pytest.mark.parametrize(
    ("preferences", "origin", "role", "expected"),
    [
        (
            FormPreferences()
            .with_account_form(STANDARD)
            .with_role_form(CUSTOMER_CENTER, EXTERNAL_ONLINE),
            Origin.customer_center(),
            CUSTOMER_CENTER,
            STANDARD,
        ),
        (
            FormPreferences()
            .with_account_form(STANDARD_ONLINE)
            .with_role_form(SALES_REP, STANDARD),
            Origin.staff(),
            SALES_REP,
            STANDARD,
        ),
        (
            PREFERENCES.with_website_order_form("Shop", STANDARD_ONLINE),
            Origin.web_store("Shop"),
            CUSTOMER_CENTER,
            EXTERNAL,
        ),
    ],
)
def test_an_online_form_is_never_stored(
    preferences: FormPreferences, origin: Origin, role: Role, expected: TransactionForm
) -> None:
    """An online preferred form gives way to the next non-online one."""
    assert preferences.save_sales_order("101", origin, role=role).form == expected


def test_saving_without_a_storable_form_is_an_error() -> None:
    """With only online forms (or none) in effect, saving names what to set."""
    preferences = FormPreferences().with_account_form(STANDARD_ONLINE)
    with pytest.raises(NoFormInEffectError) as caught:
        preferences.save_sales_order("101", Origin.staff(), role=SALES_REP)
    assert str(caught.value) == (
        "no Sales Order form that is not an online form is in effect for role "
        "'Sales Rep' (entered directly by staff); set a preferred Sales Order form"
    )
    assert isinstance(caught.value, LookupError)


@pytest.mark.parametrize(
    ("origin", "role"),
    [(Origin.customer_center(), SALES_REP), (Origin.staff(), CUSTOMER_CENTER)],
)
def test_the_origin_must_fit_the_role(origin: Origin, role: Role) -> None:
    """Customer center orders come from customer roles; staff orders from others."""
    with pytest.raises(OriginRoleMismatchError) as caught:
        PREFERENCES.save_sales_order("101", origin, role=role)
    assert (caught.value.origin, caught.value.role, caught.value.center_type) == (
        origin,
        role.name,
        role.center_type,
    )


def test_a_saved_order_never_holds_an_online_form() -> None:
    """Building a saved order with an online form directly is refused."""
    with pytest.raises(OnlineFormNotStorableError) as caught:
        SavedOrder("101", Origin.staff(), STANDARD_ONLINE)
    assert caught.value.form == "Web Sales Order"


def test_a_saved_order_holds_a_sales_order_form() -> None:
    """Building a saved order with another record type's form is refused."""
    with pytest.raises(WrongRecordTypeError) as caught:
        SavedOrder("101", Origin.staff(), EXTERNAL_INVOICE)
    assert (caught.value.form, caught.value.setting) == (
        "Invoice (External)",
        "a saved sales order",
    )
    with pytest.raises(InvalidIdError):
        SavedOrder(" ", Origin.staff(), STANDARD)


def test_a_saved_order_keeps_its_form_when_preferences_change() -> None:
    """Later preference changes do not change saved orders."""
    order = PREFERENCES.save_sales_order(
        "101", Origin.customer_center(), role=CUSTOMER_CENTER
    )
    changed = PREFERENCES.with_role_form(
        CUSTOMER_CENTER, EXTERNAL_ONLINE
    ).with_account_form(STANDARD_ADVANCED)
    assert role_form_view(CUSTOMER_CENTER, changed, order) == FormView(
        EXTERNAL, (ORDER_NO, TERMS)
    )
    assert role_form_view(SALES_REP, changed, order).field_names == (
        "Order #",
        "Sales Rep",
    )


def test_a_record_type_shows_the_form_in_effect_now() -> None:
    """For a record type, the view is the role's form in effect, by center type."""
    assert role_form_view(CUSTOMER_CENTER, PREFERENCES, SO) == FormView(
        EXTERNAL, (ORDER_NO, TERMS)
    )
    assert role_form_view(SALES_REP, PREFERENCES, SO) == FormView(STANDARD_ADVANCED, ())
    assert role_form_view(SALES_REP, PREFERENCES, RecordType.INVOICE) is None


def _example(path: Path) -> tuple[str, str]:
    """The forms worked example in *path*: its code and its printed output."""
    text = path.read_text(encoding="utf-8")
    start = text.index("```python\nfrom ccroles import (\n    CUSTOMER_CENTER,")
    code_start = text.index("\n", start) + 1
    code_end = text.index("```", code_start)
    out_start = text.index("```text\n", code_end) + len("```text\n")
    out_end = text.index("```", out_start)
    return text[code_start:code_end], text[out_start:out_end]


@pytest.mark.parametrize("page", ["README.md", "docs/forms.md"])
def test_the_worked_example_prints_what_the_page_shows(
    page: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The forms example in the README and docs runs and prints its output."""
    code, output = _example(ROOT / page)
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    runpy.run_path(str(script))
    assert capsys.readouterr().out == output


def test_the_readme_and_docs_show_the_same_example() -> None:
    """The README's forms example is the docs page's."""
    assert _example(ROOT / "README.md") == _example(ROOT / "docs" / "forms.md")


def test_a_preference_for_a_blank_website_is_refused_with_its_words() -> None:
    """The Sales Order Type of a website needs a website name."""
    external = TransactionForm("Sales Order (External)", RecordType.SALES_ORDER)
    with pytest.raises(InvalidNameError) as refused:
        FormPreferences(website_order_forms={" ": external})
    assert str(refused.value) == "a website name must not be blank, got ' '"


@pytest.mark.parametrize(
    ("preferences", "setting"),
    [
        ("website", "the Sales Order Type of website 'Shop'"),
        ("role", "the preference of role 'Customer Center'"),
    ],
)
def test_a_preferred_form_of_another_type_names_the_setting(
    preferences: str, setting: str
) -> None:
    """The refusal says which preference asked for the wrong type."""
    invoice = TransactionForm("Invoice (External)", RecordType.INVOICE)
    fields = (
        {"website_order_forms": {"Shop": invoice}}
        if preferences == "website"
        else {"role_forms": {CUSTOMER_CENTER: {RecordType.SALES_ORDER: invoice}}}
    )
    with pytest.raises(WrongRecordTypeError) as refused:
        FormPreferences(**fields)
    assert str(refused.value) == (
        f"form 'Invoice (External)' is for Invoice records, but {setting} needs a "
        "form for Sales Order records"
    )
