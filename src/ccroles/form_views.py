"""Which form a role sees for a record, and which of its fields.

A saved sales order shows the form stored with it, whatever the preferences
say now; a record type shows the form in effect for the role now. A customer
center role sees a form's Print/Email fields; any other role its Screen
fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import attrs

from ccroles.forms import (
    FormField,
    FormPreferences,
    RecordType,
    SavedOrder,
    TransactionForm,
)

if TYPE_CHECKING:
    from ccroles.roles import Role

__all__ = ["FormView", "role_form_view"]


@attrs.frozen
class FormView:
    """Which form a role sees for a record, and which of its fields.

    Attributes:
        form: The form shown.
        fields: The fields of *form* the role sees, in form order.
    """

    form: TransactionForm
    fields: tuple[FormField, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        """The names of the fields seen."""
        return tuple(field.name for field in self.fields)


@overload
def role_form_view(
    role: Role, preferences: FormPreferences, record: SavedOrder
) -> FormView: ...
@overload
def role_form_view(
    role: Role, preferences: FormPreferences, record: RecordType
) -> FormView | None: ...
def role_form_view(
    role: Role, preferences: FormPreferences, record: SavedOrder | RecordType
) -> FormView | None:
    """Return which form and which fields *role* sees for *record*.

    For a saved order, its stored form, whatever the preferences say now.
    For a record type, the form in effect for *role* now (``None`` when no
    form is preferred). A customer center role sees the Print/Email fields;
    any other role the Screen fields. This is the form part of the policy
    engine's answer; the engine checks the record rules (own records, level).

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> from ccroles.forms import FormField, FormPreferences, TransactionForm
    >>> form = TransactionForm(
    ...     "Invoice (External)",
    ...     RecordType.INVOICE,
    ...     fields=[FormField("Total", print_email=True), FormField("Memo")],
    ... )
    >>> preferences = FormPreferences(account_forms={RecordType.INVOICE: form})
    >>> role_form_view(CUSTOMER_CENTER, preferences, RecordType.INVOICE).field_names
    ('Total',)
    """
    if isinstance(record, SavedOrder):
        form: TransactionForm | None = record.form
    else:
        form = preferences.form_in_effect(role, record)
    if form is None:
        return None
    return FormView(form, form.fields_seen_by(role))
