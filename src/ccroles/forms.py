"""Transaction forms, saved orders and the preferred-form rules.

A form is *external* when its name ends with ``(External)``. Only external
forms may be preferred for a customer center role, and only with Basic
printing; no other role may be given an external form. A role's
preferred form overrides the account-wide one. A saved sales order keeps the
form that was in effect when it was saved, whatever changes later.

Every form ccroles models is a *custom* transaction form: a standard form
cannot be renamed, so it is never external and never preferred for a customer
center role. The Basic printing rule therefore holds for every form preferred
for a customer center role.

>>> from ccroles.roles import CUSTOMER_CENTER, CenterType, Role
>>> external = TransactionForm("Sales Order (External)", RecordType.SALES_ORDER)
>>> preferences = FormPreferences().with_role_form(CUSTOMER_CENTER, external)
>>> preferences.form_in_effect(CUSTOMER_CENTER, RecordType.SALES_ORDER).name
'Sales Order (External)'
>>> preferences.with_role_form(Role("Sales Rep", CenterType.SALES), external)
Traceback (most recent call last):
...
ccroles.exceptions.ExternalFormForInternalRoleError: form 'Sales Order (External)' cannot be preferred for Sales Center role 'Sales Rep': external forms are for customer center roles only; allowed instead: a form whose name does not end with '(External)'
"""  # noqa: E501

from __future__ import annotations

import enum
import types
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import moved_names, warn_renamed
from ccroles.exceptions import (
    AdvancedPrintingForCustomerCenterError,
    DuplicateNameError,
    ExternalFormForInternalRoleError,
    FormNotAllowedError,
    InvalidOriginError,
    NoFormInEffectError,
    NonExternalFormForCustomerCenterError,
    OnlineFormNotStorableError,
    OriginRoleMismatchError,
    UnknownRecordTypeError,
    UnknownReferenceError,
    WrongRecordTypeError,
)
from ccroles.names import as_id, check_name, fold
from ccroles.permissions import PERMISSIONS, Permission

if TYPE_CHECKING:
    from ccroles.roles import Role

__all__ = [
    "Channel",
    "FormField",
    "FormPreferences",
    "Origin",
    "PrintingType",
    "RecordType",
    "SavedOrder",
    "TransactionForm",
    "allows_preferred_form",
    "choosable_forms",
    "unknown_preference_target",
]

_EXTERNAL_SUFFIX: Final = "(external)"


class RecordType(enum.Enum):
    """A kind of transaction record; each has its own forms.

    The value is the permission key that governs the record type; the display
    name is that permission's label.

    >>> str(RecordType.RETURN_AUTHORIZATION)
    'Return Authorization'
    >>> RecordType.SALES_ORDER.permission.key
    'TRAN_SALESORD'
    """

    SALES_ORDER = "TRAN_SALESORD"
    INVOICE = "TRAN_CUSTINVC"
    ESTIMATE = "TRAN_ESTIMATE"
    CASH_SALE = "TRAN_CASHSALE"
    RETURN_AUTHORIZATION = "TRAN_RTNAUTH"
    CREDIT_MEMO = "TRAN_CUSTCRED"
    CUSTOMER_PAYMENT = "TRAN_CUSTPYMT"
    CUSTOMER_DEPOSIT = "TRAN_CUSTDEP"
    DEPOSIT_APPLICATION = "TRAN_DEPAPPL"
    ITEM_FULFILLMENT = "TRAN_ITEMSHIP"

    @property
    def permission(self) -> Permission:
        """The permission that governs records of this type."""
        return PERMISSIONS[self.value]

    @property
    def display_name(self) -> str:
        """The name people read: ``Sales Order``, ``Invoice``, ..."""
        return self.permission.label

    def __str__(self) -> str:
        """Return the display name."""
        return self.display_name

    @classmethod
    def parse(cls, text: object) -> RecordType:
        """Return the record type *text* names: its display name or permission key.

        Letter case and surrounding white space are ignored.

        Raises:
            UnknownRecordTypeError: *text* names no record type.

        >>> RecordType.parse("sales order"), RecordType.parse("TRAN_CUSTINVC")
        (<RecordType.SALES_ORDER: 'TRAN_SALESORD'>, <RecordType.INVOICE: 'TRAN_CUSTINVC'>)
        >>> RecordType.parse("Sales Ordr")
        Traceback (most recent call last):
        ...
        ccroles.exceptions.UnknownRecordTypeError: unknown record type 'Sales Ordr'; did you mean 'Sales Order'?
        """  # noqa: E501
        if isinstance(text, str):
            wanted = fold(text)
            for record_type in cls:
                names = {record_type.value, record_type.display_name}
                if wanted in {fold(name) for name in names}:
                    return record_type
        raise UnknownRecordTypeError(text, [str(record_type) for record_type in cls])


class PrintingType(enum.Enum):
    """How a form is printed: Basic or Advanced (template-based) printing."""

    BASIC = "Basic"
    ADVANCED = "Advanced"

    def __str__(self) -> str:
        """Return the name: ``Basic`` or ``Advanced``."""
        return self.value


def _field_name(name: object) -> str:
    return check_name(name, "form field")


def _form_name(name: object) -> str:
    return check_name(name, "form")


def _customer_id(value: object) -> str:
    return as_id(value, "customer internal id", field="customer")


@attrs.frozen
class FormField:
    """A field of a transaction form and who sees it.

    Attributes:
        name: The field's label.
        screen: Shown on screen to internal roles (Screen Fields); default
            ``True``.
        print_email: Print/Email ticked: customer center roles see it
            (Printing Fields); default ``False``.
    """

    name: str = attrs.field(converter=_field_name)
    screen: bool = True
    print_email: bool = False

    def is_seen_by(self, role: Role) -> bool:
        """Whether *role* sees this field: Print/Email for customers, else Screen.

        >>> from ccroles.roles import CUSTOMER_CENTER
        >>> memo = FormField("Memo", screen=True, print_email=False)
        >>> memo.is_seen_by(CUSTOMER_CENTER)
        False
        """
        if role.center_type.is_customer_center:
            return self.print_email
        return self.screen

    def seen_by(self, role: Role) -> bool:
        """Deprecated: use :meth:`is_seen_by` (gone in the next release)."""
        warn_renamed("FormField.seen_by", "FormField.is_seen_by")
        return self.is_seen_by(role)


def _fields(fields: Iterable[FormField]) -> tuple[FormField, ...]:
    fields = tuple(fields)
    seen: set[str] = set()
    for field in fields:
        key = fold(field.name)
        if key in seen:
            raise DuplicateNameError("form field", field.name)
        seen.add(key)
    return fields


@attrs.frozen
class TransactionForm:
    """A custom transaction form.

    Attributes:
        name: The form's name; it decides whether the form is external.
        record_type: The record type the form is for.
        printing: Basic (the default) or Advanced printing.
        online: Whether it is an online (web) form; default ``False``.
        fields: The form's fields, each unique by name (ignoring case and
            surrounding white space).

    Raises:
        InvalidNameError: The name (or a field's name) is blank, not text, or
            not writable as UTF-8.
        DuplicateNameError: Two fields share a name (ignoring case and
            surrounding white space).
    """

    name: str = attrs.field(converter=_form_name)
    record_type: RecordType
    printing: PrintingType = PrintingType.BASIC
    online: bool = False
    fields: tuple[FormField, ...] = attrs.field(default=(), converter=_fields)

    @property
    def is_external(self) -> bool:
        """Whether the name ends with ``(External)``.

        Trailing white space is ignored, and so is letter case:
        ``"Invoice (external) "`` is external. The brackets are required:
        ``"Invoice External"`` is not.

        >>> TransactionForm("Invoice (EXTERNAL)  ", RecordType.INVOICE).is_external
        True
        >>> TransactionForm("External Invoice", RecordType.INVOICE).is_external
        False
        """
        return self.name.rstrip().casefold().endswith(_EXTERNAL_SUFFIX)

    def fields_seen_by(self, role: Role) -> tuple[FormField, ...]:
        """Return the fields *role* sees, in form order.

        A customer center role sees the Print/Email fields; any other role
        sees the Screen fields.
        """
        return tuple(field for field in self.fields if field.is_seen_by(role))


def _refusal(role: Role, form: TransactionForm) -> FormNotAllowedError | None:
    """Return why *form* may not be preferred for *role*, or ``None``."""
    error: type[FormNotAllowedError]
    if role.center_type.is_customer_center:
        if not form.is_external:
            error = NonExternalFormForCustomerCenterError
        elif form.printing is not PrintingType.BASIC:
            error = AdvancedPrintingForCustomerCenterError
        else:
            return None
    elif form.is_external:
        error = ExternalFormForInternalRoleError
    else:
        return None
    return error(form=form.name, role=role.name, center_type=role.center_type)


def allows_preferred_form(role: Role, form: TransactionForm) -> bool:
    """Whether *role* may be given *form* as its preferred form.

    A customer center role may be given only external forms with Basic
    printing; every other role only forms that are not external.

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> invoice = TransactionForm("Invoice", RecordType.INVOICE)
    >>> allows_preferred_form(CUSTOMER_CENTER, invoice)
    False
    """
    return _refusal(role, form) is None


def choosable_forms(
    role: Role,
    forms: Iterable[TransactionForm],
    record_type: RecordType | None = None,
) -> tuple[TransactionForm, ...]:
    """Return the *forms* *role* may be given as preferred, in the order given.

    With *record_type*, only forms for that record type are listed. A
    customer center role never sees a form that is not external here.

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> forms = [
    ...     TransactionForm("Standard Invoice", RecordType.INVOICE),
    ...     TransactionForm("Invoice (External)", RecordType.INVOICE),
    ... ]
    >>> [form.name for form in choosable_forms(CUSTOMER_CENTER, forms)]
    ['Invoice (External)']
    """
    return tuple(
        form
        for form in forms
        if (record_type is None or form.record_type is record_type)
        and allows_preferred_form(role, form)
    )


def _check_record_type(
    form: TransactionForm, record_type: RecordType, setting: str
) -> None:
    if form.record_type is not record_type:
        raise WrongRecordTypeError(
            form=form.name,
            record_type=form.record_type,
            expected=record_type,
            setting=setting,
        )


_FormsByType = Mapping[RecordType, TransactionForm]


def _account_forms(forms: _FormsByType) -> _FormsByType:
    for record_type, form in forms.items():
        _check_record_type(form, record_type, "the account-wide preference")
    return types.MappingProxyType(dict(forms))


def _role_forms(forms: Mapping[Role, _FormsByType]) -> Mapping[Role, _FormsByType]:
    frozen: dict[Role, _FormsByType] = {}
    for role, by_type in forms.items():
        for record_type, form in by_type.items():
            _check_record_type(
                form, record_type, f"the preference of role {role.name!r}"
            )
            refusal = _refusal(role, form)
            if refusal is not None:
                raise refusal
        if by_type:
            frozen[role] = types.MappingProxyType(dict(by_type))
    return types.MappingProxyType(frozen)


def _website_order_forms(
    forms: Mapping[str, TransactionForm],
) -> Mapping[str, TransactionForm]:
    for website, form in forms.items():
        check_name(website, "website")
        _check_record_type(
            form, RecordType.SALES_ORDER, f"the Sales Order Type of website {website!r}"
        )
    return types.MappingProxyType(dict(forms))


class Channel(enum.Enum):
    """How a sales order was entered."""

    CUSTOMER_CENTER = "entered in the customer center"
    STAFF = "entered directly by staff"
    WEB_STORE = "placed through a web store"

    def __str__(self) -> str:
        """Return the description: ``entered directly by staff``, ..."""
        return self.value


@attrs.frozen
class Origin:
    """Where a sales order comes from: a channel, and for a web store the website.

    Prefer the constructors :meth:`customer_center`, :meth:`staff` and
    :meth:`web_store`.

    Attributes:
        channel: How the order was entered.
        website: The website's name for a web store order, else ``None``.

    Raises:
        InvalidOriginError: A web store order without a website, or another
            order with one.
        InvalidNameError: The website's name is blank, not text, or not
            writable as UTF-8.
    """

    channel: Channel
    website: str | None = None

    def __attrs_post_init__(self) -> None:
        """Refuse a website on the wrong channel, or a blank one."""
        if (self.channel is Channel.WEB_STORE) != (self.website is not None):
            raise InvalidOriginError(channel=self.channel, website=self.website)
        if self.website is not None:
            check_name(self.website, "website")

    @classmethod
    def customer_center(cls) -> Origin:
        """An order entered in the customer center."""
        return cls(Channel.CUSTOMER_CENTER)

    @classmethod
    def staff(cls) -> Origin:
        """An order entered directly by staff."""
        return cls(Channel.STAFF)

    @classmethod
    def web_store(cls, website: str) -> Origin:
        """An order placed through the web store of *website*.

        >>> str(Origin.web_store("Main Store"))
        "placed through website 'Main Store'"
        """
        return cls(Channel.WEB_STORE, website)

    def __str__(self) -> str:
        """Describe the origin, naming the website of a web store order."""
        if self.website is not None:
            return f"placed through website {self.website!r}"
        return str(self.channel)


def _check_origin_role(origin: Origin, role: Role) -> None:
    customer = role.center_type.is_customer_center
    if (origin.channel is Channel.CUSTOMER_CENTER and not customer) or (
        origin.channel is Channel.STAFF and customer
    ):
        raise OriginRoleMismatchError(
            origin=origin, role=role.name, center_type=role.center_type
        )


def _stored_form(
    _: object, __: attrs.Attribute[TransactionForm], form: TransactionForm
) -> None:
    _check_record_type(form, RecordType.SALES_ORDER, "a saved sales order")
    if form.online:
        raise OnlineFormNotStorableError(form.name)


@attrs.frozen
class SavedOrder:
    """A sales order as saved: whose it is, where it came from, and its form.

    The form is the one in effect when the order was saved; it never changes
    when preferences change later. Make one with
    :meth:`FormPreferences.save_sales_order`.

    Attributes:
        customer: The internal id of the customer the order is for.
        origin: Where the order comes from.
        form: The form the order shows.

    Raises:
        InvalidIdError: The customer id is blank, or neither text nor an
            integer (an integer is taken as its decimal text).
        WrongRecordTypeError: The form is not a sales order form.
        OnlineFormNotStorableError: The form is an online form.
    """

    customer: str = attrs.field(converter=_customer_id)
    origin: Origin
    form: TransactionForm = attrs.field(validator=_stored_form)

    @property
    def customer_internal_id(self) -> str:
        """The customer's internal id: a saved order is a policy ``OwnedRecord``."""
        return self.customer

    @property
    def record_type(self) -> RecordType:
        """Always :attr:`RecordType.SALES_ORDER`."""
        return RecordType.SALES_ORDER


@attrs.frozen
class FormPreferences:
    """The preferred forms of an account: account-wide, per role, per website.

    Immutable: each ``with_*``/``without_*`` method returns updated
    preferences. Every role preference is checked against the rules of
    :func:`allows_preferred_form` when the preferences are built.

    Attributes:
        account_forms: Record type to the account-wide preferred form.
        role_forms: Role to its own preferred forms, by record type. Roles
            are keys by value: pass the account's role objects (a role with
            the same name but other levels is another role).
        website_order_forms: Website name to its Sales Order Type form.

    Raises:
        FormNotAllowedError: A role is given a form it may not prefer.
        WrongRecordTypeError: A form is filed under another record type (a
            website's Sales Order Type must be a sales order form).
        InvalidNameError: A website's name is blank, not text, or not
            writable as UTF-8.
    """

    account_forms: _FormsByType = attrs.field(
        factory=dict, converter=_account_forms, hash=False
    )
    role_forms: Mapping[Role, _FormsByType] = attrs.field(
        factory=dict, converter=_role_forms, hash=False
    )
    website_order_forms: Mapping[str, TransactionForm] = attrs.field(
        factory=dict, converter=_website_order_forms, hash=False
    )

    def __reduce__(self) -> tuple[type[FormPreferences], tuple[object, ...]]:
        """Pickle and copy by the fields (plain dicts): loading checks them again."""
        return (
            FormPreferences,
            (
                dict(self.account_forms),
                {role: dict(forms) for role, forms in self.role_forms.items()},
                dict(self.website_order_forms),
            ),
        )

    def with_account_form(self, form: TransactionForm) -> FormPreferences:
        """Return preferences with *form* account-wide preferred for its type."""
        return attrs.evolve(
            self, account_forms={**self.account_forms, form.record_type: form}
        )

    def without_account_form(self, record_type: RecordType) -> FormPreferences:
        """Return preferences with no account-wide form for *record_type*."""
        forms = {t: f for t, f in self.account_forms.items() if t is not record_type}
        return attrs.evolve(self, account_forms=forms)

    def with_role_form(self, role: Role, form: TransactionForm) -> FormPreferences:
        """Return preferences with *form* preferred for *role* for its type.

        Raises:
            NonExternalFormForCustomerCenterError: *role* is a customer center
                role and *form* is not external.
            AdvancedPrintingForCustomerCenterError: *role* is a customer center
                role and *form* uses Advanced printing.
            ExternalFormForInternalRoleError: *role* is not a customer center
                role and *form* is external.
        """
        own = {**self.role_forms.get(role, {}), form.record_type: form}
        return attrs.evolve(self, role_forms={**self.role_forms, role: own})

    def without_role_form(self, role: Role, record_type: RecordType) -> FormPreferences:
        """Return preferences where *role* has no form of its own for *record_type*."""
        own = {
            t: f
            for t, f in self.role_forms.get(role, {}).items()
            if t is not record_type
        }
        return attrs.evolve(self, role_forms={**self.role_forms, role: own})

    def with_website_order_form(
        self, website: str, form: TransactionForm
    ) -> FormPreferences:
        """Return preferences with *form* as *website*'s Sales Order Type.

        Raises:
            WrongRecordTypeError: *form* is not a sales order form.
        """
        return attrs.evolve(
            self, website_order_forms={**self.website_order_forms, website: form}
        )

    def without_website_order_form(self, website: str) -> FormPreferences:
        """Return preferences where *website* has no Sales Order Type form."""
        forms = {w: f for w, f in self.website_order_forms.items() if w != website}
        return attrs.evolve(self, website_order_forms=forms)

    def form_in_effect(
        self, role: Role, record_type: RecordType
    ) -> TransactionForm | None:
        """Return *role*'s preferred form for *record_type*, else the account's.

        ``None`` when neither is set.
        """
        own = self.role_forms.get(role, {}).get(record_type)
        return own if own is not None else self.account_forms.get(record_type)

    def save_sales_order(
        self, customer: str, origin: Origin, *, role: Role
    ) -> SavedOrder:
        """Save a sales order for *customer*, entered by *role*, with its form.

        The form stored is the one in effect now: the website's Sales Order
        Type for a web store order, else *role*'s preferred sales order form,
        else the account-wide one. An online form is never stored: the next
        of those that is not online is stored instead.

        Raises:
            OriginRoleMismatchError: An order entered in the customer center
                by a role of another center, or by staff with a customer center
                role.
            NoFormInEffectError: None of those forms is set and not online.
        """
        _check_origin_role(origin, role)
        record_type = RecordType.SALES_ORDER
        candidates = (
            None
            if origin.website is None
            else self.website_order_forms.get(origin.website),
            self.role_forms.get(role, {}).get(record_type),
            self.account_forms.get(record_type),
        )
        for form in candidates:
            if form is not None and not form.online:
                return SavedOrder(customer, origin, form)
        raise NoFormInEffectError(
            record_type=record_type, role=role.name, origin=origin
        )


def unknown_preference_target(
    kind: str,
    name: str,
    known: Mapping[str, Role | TransactionForm],
    *,
    ignored: Collection[str] = frozenset(),
    expected: object = None,
) -> UnknownReferenceError | None:
    """The problem of a form preference naming the *kind* (role or form) *name*.

    Form preferences name only the account's own roles and forms, *known* by
    folded name (:func:`~ccroles.names.fold`); a preference built in code
    holds the object itself (*expected*), which must be the account's by
    value. A folded name in *ignored* (a role or form that did not load,
    whose problem is reported already) passes quietly. ``None`` when the
    reference is good. The account rules and the file loader both ask this.

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> known = {"customer center": CUSTOMER_CENTER}
    >>> unknown_preference_target("role", "CUSTOMER CENTER", known) is None
    True
    >>> print(unknown_preference_target("role", "Customer Centre", known))
    a form preference names role 'Customer Centre', which the account lacks; did you mean 'Customer Center'?
    >>> unknown_preference_target("role", "Gone", known, ignored={"gone"}) is None
    True
    """  # noqa: E501
    key = fold(name)
    found = known.get(key)
    if found is not None and (expected is None or found == expected):
        return None
    if key in ignored:
        return None
    names = [target.name for target in known.values()]
    return UnknownReferenceError(kind, name, owner="a form preference", known=names)


# Old names, kept for one release with a DeprecationWarning: module, new name.
__getattr__ = moved_names(
    __name__,
    {
        "form_view": ("ccroles.form_views", "role_form_view"),
        "FormView": "ccroles.form_views",
        "may_prefer": (__name__, "allows_preferred_form"),
    },
)
