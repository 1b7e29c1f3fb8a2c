from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    CUSTOMER_CENTER,
    CenterType,
    FormField,
    FormNotAllowedError,
    FormPreferences,
    Origin,
    PrintingType,
    RecordType,
    Role,
    SavedOrder,
    TransactionForm,
    role_form_view,
)
from ccroles.exceptions import NoFormInEffectError
from ccroles.forms import allows_preferred_form, choosable_forms
from ccroles.testing import builtin_roles, custom_roles, role_names

if TYPE_CHECKING:
    from collections.abc import Callable

SO = RecordType.SALES_ORDER
INTERNAL_CENTERS = [c for c in CenterType if not c.is_customer_center]
EXTERNAL_SUFFIXES = ["(External)", " (External)", " (external)", " (EXTERNAL)"]
OTHER_SUFFIXES = ["", " External", " (External) copy", " (Extern)", " [External]"]
WEBSITES = ["Main Store", "Outlet"]
EVERY_KIND = [
    TransactionForm("Sales Order (External)", SO),
    TransactionForm("Web Sales Order (External)", SO, online=True),
    TransactionForm("Standard Sales Order", SO),
    TransactionForm("Web Sales Order", SO, online=True),
]
"""One sales order form of each kind, so every rule is met early."""


def internal_roles() -> st.SearchStrategy[Role]:
    """Staff roles of every center but the customer center."""
    return st.builds(Role, role_names(), st.sampled_from(INTERNAL_CENTERS))


def any_roles() -> st.SearchStrategy[Role]:
    """Built-in, custom and staff roles."""
    return st.one_of(builtin_roles(), custom_roles(max_depth=2), internal_roles())


def _stems() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,15}", fullmatch=True)


def _trailing() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " ", "  ", "\t"])


def form_names() -> st.SearchStrategy[str]:
    """Form names, external or not, in any case, with trailing white space."""
    return st.builds(
        lambda stem, suffix, trailing: stem + suffix + trailing,
        _stems(),
        st.sampled_from(EXTERNAL_SUFFIXES + OTHER_SUFFIXES),
        _trailing(),
    )


def fields() -> st.SearchStrategy[list[FormField]]:
    """Fields with unique names and any Screen and Print/Email boxes."""
    return st.lists(
        st.builds(
            FormField,
            st.sampled_from(["A", "B", "C", "D"]),
            st.booleans(),
            st.booleans(),
        ),
        unique_by=lambda field: field.name,
        max_size=4,
    )


def forms(
    record_types: st.SearchStrategy[RecordType] | None = None,
) -> st.SearchStrategy[TransactionForm]:
    """Transaction forms of any record type, printing and online flag."""
    return st.builds(
        TransactionForm,
        form_names(),
        record_types if record_types is not None else st.sampled_from(RecordType),
        st.sampled_from(PrintingType),
        st.booleans(),
        fields(),
    )


@given(_stems(), st.sampled_from(EXTERNAL_SUFFIXES + OTHER_SUFFIXES), _trailing())
def test_a_form_is_external_exactly_when_its_name_ends_with_the_suffix(
    stem: str, suffix: str, trailing: str
) -> None:
    """A form is external when its name ends with (External), any case or padding."""
    form = TransactionForm(stem + suffix + trailing, SO)
    assert form.is_external is (suffix in EXTERNAL_SUFFIXES)


@given(any_roles(), st.lists(forms(), max_size=8))
def test_a_role_chooses_from_exactly_the_forms_it_may_be_given(
    role: Role, candidates: list[TransactionForm]
) -> None:
    """Listing a role's choice gives exactly the forms marking would accept."""
    accepted = []
    for form in candidates:
        try:
            FormPreferences().with_role_form(role, form)
        except FormNotAllowedError:
            continue
        accepted.append(form)
    listed = choosable_forms(role, candidates)
    assert listed == tuple(accepted)
    if role.center_type.is_customer_center:
        assert all(f.is_external and f.printing is PrintingType.BASIC for f in listed)
    else:
        assert not any(f.is_external for f in listed)


@given(any_roles(), forms())
def test_a_role_sees_the_fields_of_its_center(
    role: Role, form: TransactionForm
) -> None:
    """Customer center roles see the Print/Email fields; others the Screen fields."""
    seen = form.fields_seen_by(role)
    if role.center_type.is_customer_center:
        assert seen == tuple(f for f in form.fields if f.print_email)
    else:
        assert seen == tuple(f for f in form.fields if f.screen)


def _mark(
    preferences: FormPreferences, role: Role, form: TransactionForm
) -> FormPreferences:
    """Mark *form* preferred for *role*; a refused marking changes nothing."""
    if allows_preferred_form(role, form):
        return preferences.with_role_form(role, form)
    with pytest.raises(FormNotAllowedError):
        preferences.with_role_form(role, form)
    return preferences


def _change(
    data: st.DataObject,
    preferences: FormPreferences,
    roles: list[Role],
    pool: list[TransactionForm],
) -> FormPreferences:
    """Make one random change to *preferences*."""
    role = data.draw(st.sampled_from(roles))
    form = data.draw(st.sampled_from(pool))
    website = data.draw(st.sampled_from(WEBSITES))
    changes: dict[str, Callable[[], FormPreferences]] = {
        "set account form": lambda: preferences.with_account_form(form),
        "unset account form": lambda: preferences.without_account_form(SO),
        "set role form": lambda: _mark(preferences, role, form),
        "unset role form": lambda: preferences.without_role_form(role, SO),
        "set website form": lambda: preferences.with_website_order_form(website, form),
        "unset website form": lambda: preferences.without_website_order_form(website),
    }
    return changes[data.draw(st.sampled_from(list(changes)))]()


def _check_saved_form(
    preferences: FormPreferences, order: SavedOrder, role: Role
) -> None:
    """The stored form is the one in effect, and never an online form."""
    assert not order.form.online
    website = order.origin.website
    site_form = (
        None if website is None else preferences.website_order_forms.get(website)
    )
    if site_form is not None and not site_form.online:
        assert order.form == site_form
    elif site_form is None:
        in_effect = preferences.form_in_effect(role, SO)
        if in_effect is not None and not in_effect.online:
            assert order.form == in_effect


@given(custom_roles(base=CUSTOMER_CENTER, max_depth=1), internal_roles(), st.data())
def test_saved_orders_keep_their_form_whatever_changes_later(
    custom: Role, staff: Role, data: st.DataObject
) -> None:
    """Changing a preference later does not change orders already saved."""
    roles = [CUSTOMER_CENTER, custom, staff]
    pool = [*EVERY_KIND, *data.draw(st.lists(forms(st.just(SO)), max_size=4))]
    preferences = FormPreferences()
    saved: list[tuple[SavedOrder, TransactionForm]] = []
    for _ in range(data.draw(st.integers(1, 25))):
        if data.draw(st.booleans()):
            preferences = _change(data, preferences, roles, pool)
        else:
            role = data.draw(st.sampled_from(roles))
            origin = data.draw(
                st.sampled_from(
                    [
                        Origin.customer_center()
                        if role.center_type.is_customer_center
                        else Origin.staff(),
                        *map(Origin.web_store, WEBSITES),
                    ]
                )
            )
            try:
                order = preferences.save_sales_order("101", origin, role=role)
            except NoFormInEffectError:
                continue
            _check_saved_form(preferences, order, role)
            saved.append((order, order.form))
        for order, form in saved:
            for viewer in roles:
                view = role_form_view(viewer, preferences, order)
                assert view.form == form
                assert view.fields == form.fields_seen_by(viewer)
