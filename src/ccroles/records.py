"""Which of its customer's records a login may reach, and the form it sees them on.

:class:`OwnedRecord` is what the engine reads of a record: the customer
owning it. :class:`RecordQuestions` holds the record questions of the
:class:`~ccroles.policy.Engine` (it is one of the engine's bases): whether
a login may reach a record, the decision with every reason, which of many
records it may reach, and which form and which fields it sees a record on.
Each reads the login's standing from the engine's
:class:`~ccroles.login_book.LoginBook` and adds the record rules: the record
is the login's own customer's, and the login's role holds the permission at
the level asked. The form rules are :func:`ccroles.form_views.role_form_view`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from ccroles import form_views, forms
from ccroles._deprecation import warn_renamed
from ccroles.decisions import Decision, FormAnswer, FormQuestion, RecordQuestion
from ccroles.exceptions import MissingRecordTypeError, WrongRecordTypeError
from ccroles.login_book import log_decision
from ccroles.names import owner_id
from ccroles.permissions import PERMISSIONS, Level, Permission
from ccroles.reasons import allows_level, level_reasons, no_form, not_own_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ccroles.form_views import FormView
    from ccroles.forms import FormPreferences, RecordType
    from ccroles.login_book import LoginBook
    from ccroles.logins import Login, LoginFacts
    from ccroles.roles import Role

__all__ = ["OwnedRecord", "RecordQuestions"]


class OwnedRecord(Protocol):
    """What the engine reads of a record: the internal id of the customer owning it.

    Portals pass their own models; anything with this attribute (or property)
    will do. The id follows the id rule of :mod:`ccroles.names`: an integer
    (what most database libraries return) is read as its decimal text, so a
    record owned by ``101`` is customer ``"101"``'s; anything else that is not
    text raises :class:`~ccroles.exceptions.InvalidIdError`.
    """

    @property
    def customer_internal_id(self) -> str | int:
        """The internal id of the customer the record belongs to."""


def _owner(record: OwnedRecord) -> str:
    """The internal id of the customer owning *record*, by the id rule."""
    return owner_id(record.customer_internal_id)


_R = TypeVar("_R", bound=OwnedRecord)


class RecordQuestions:
    """The engine's questions about records: the bodies of its record methods.

    A base of :class:`~ccroles.policy.Engine`, which supplies the two
    attributes read here; ask the engine, not this class.
    """

    __slots__ = ()
    _book: LoginBook
    log_decisions: bool

    # --- records ----------------------------------------------------------

    def allows_record(
        self,
        login: str | Login | LoginFacts | None,
        permission: str | Permission,
        record: OwnedRecord,
        level: Level | str = Level.VIEW,
        website: str | None = None,
    ) -> bool:
        """Whether the login may reach *record* of *permission* at *level*.

        Raises:
            UnknownPermissionError: *permission* is not in the catalogue.
            InvalidLevelError: *level* spells no level.
            UnknownWebsiteError: *website* is not one of the account's.
            InvalidIdError: The record's owner id is neither text nor an integer.
        """
        found = self._book.record_login(login, permission, level, website)
        return found is not None and _owner(record) == found.internal_id

    def decide_record(
        self,
        login: str | Login | LoginFacts | None,
        permission: str | Permission,
        record: OwnedRecord,
        level: Level | str = Level.VIEW,
        website: str | None = None,
    ) -> Decision:
        """Decide whether the login may reach *record* at *level*, with reasons.

        Raises:
            UnknownPermissionError: *permission* is not in the catalogue.
            InvalidLevelError: *level* spells no level.
            UnknownWebsiteError: *website* is not one of the account's.
            InvalidIdError: The record's owner id is neither text nor an integer.
        """
        key = PERMISSIONS.key_of(permission)
        needed = Level.parse(level)
        owner = _owner(record)
        book = self._book
        state = book.standing(login, website)
        question = RecordQuestion(key, needed, owner, book.website(website))
        if state is None:
            reasons = book.unknown_login()
        else:
            found, reasons, plan = state
            if owner != found.internal_id:
                reasons += (not_own_record(found, owner),)
            if plan is not None:
                reasons += level_reasons(plan.role, key, needed, book.plans.roots)
        decision = Decision(question, reasons)
        if self.log_decisions:
            log_decision(login, decision)
        return decision

    def filter_records(
        self,
        login: str | Login | LoginFacts | None,
        permission: str | Permission,
        records: Iterable[_R],
        level: Level | str = Level.VIEW,
        website: str | None = None,
    ) -> Iterator[_R]:
        """Yield the records of *records* the login may reach at *level*, lazily.

        The login is checked once, when this is called; the records are then
        read in one pass as the result is iterated (none at all when the login
        may reach no record).

        Raises:
            UnknownPermissionError: *permission* is not in the catalogue.
            InvalidLevelError: *level* spells no level.
            UnknownWebsiteError: *website* is not one of the account's.
            InvalidIdError: A record's owner id is neither text nor an integer
                (raised as the result is iterated).
        """
        found = self._book.record_login(login, permission, level, website)
        if found is None:
            return iter(())
        owner = found.internal_id
        return (record for record in records if _owner(record) == owner)

    # --- forms ------------------------------------------------------------

    def form_view(
        self,
        login: str | Login | LoginFacts | None,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormView | None:
        """The form and fields the login sees *record* on, or ``None`` if denied.

        The plain form of :meth:`form_answer`: ``None`` exactly when that
        answer is denied.

        Raises:
            MissingRecordTypeError: *record_type* is not given and the record
                has no ``record_type`` of its own.
            WrongRecordTypeError: A saved order asked about as another type.
        """
        kind = _record_type(record, record_type)
        owner = _owner(record)
        state = self._book.standing(login, website)
        if state is None:
            return None
        found, reasons, plan = state
        if (
            reasons
            or plan is None
            or owner != found.internal_id
            or not allows_level(plan.role, kind.value, Level.VIEW)
        ):
            return None
        return _view(plan.role, self._book.account.form_preferences, record, kind)

    def form_answer(
        self,
        login: str | Login | LoginFacts | None,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormAnswer:
        """Which form and which fields the login sees *record* on, with the decision.

        The record rules come first: the login may sign in (through
        *website*, if given), the record is its own customer's, and its role
        holds View on the record type's permission. Then the form rules of
        :func:`ccroles.form_views.role_form_view`: a saved order shows the form stored
        with it; any other record the role's preferred form for its type, else
        the account-wide one, and with neither the answer is denied
        (:attr:`~ccroles.decisions.ReasonCode.NO_FORM`). A customer center
        role sees the fields whose Print/Email box is ticked.

        *record_type* is the record's type; without it the record's own
        ``record_type`` attribute is read (a :class:`~ccroles.forms.SavedOrder`
        has one).

        Raises:
            MissingRecordTypeError: *record_type* is not given and the record
                has no ``record_type`` of its own.
            WrongRecordTypeError: A saved order asked about as another type.

        >>> from ccroles.accounts import Account, Customer
        >>> from ccroles.policy import Engine
        >>> from ccroles.forms import FormField, FormPreferences, Origin, SavedOrder
        >>> from ccroles.forms import RecordType, TransactionForm
        >>> form = TransactionForm(
        ...     "Sales Order (External)", RecordType.SALES_ORDER,
        ...     fields=[FormField("Total", print_email=True), FormField("Margin")],
        ... )
        >>> engine = Engine(
        ...     Account(
        ...         customers=[
        ...             Customer("101", "ACME", email="ap@acme.example",
        ...                      give_access=True, role="Customer Center"),
        ...         ],
        ...         forms=[form],
        ...     )
        ... )
        >>> answer = engine.form_answer(
        ...     "ap@acme.example", SavedOrder("101", Origin.staff(), form)
        ... )
        >>> answer.allowed, answer.view.field_names
        (True, ('Total',))
        >>> answer = engine.form_answer(
        ...     "ap@acme.example", SavedOrder("102", Origin.staff(), form)
        ... )
        >>> answer.view is None, [reason.code.value for reason in answer.decision.reasons]
        (True, ['not_own_record'])
        """  # noqa: E501
        kind = _record_type(record, record_type)
        owner = _owner(record)
        book = self._book
        state = book.standing(login, website)
        question = FormQuestion(kind, owner, book.website(website))
        view: FormView | None = None
        if state is None:
            reasons = book.unknown_login()
        else:
            found, reasons, plan = state
            if owner != found.internal_id:
                reasons += (not_own_record(found, owner),)
            if plan is not None:
                role = plan.role
                reasons += level_reasons(role, kind.value, Level.VIEW, book.plans.roots)
                view = _view(role, book.account.form_preferences, record, kind)
                if view is None:
                    reasons += (no_form(role, kind),)
        decision = Decision(question, reasons)
        if self.log_decisions:
            log_decision(login, decision)
        return FormAnswer(decision, view if decision.allowed else None)

    def decide_form(
        self,
        login: str | Login | LoginFacts | None,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormAnswer:
        """Deprecated: use :meth:`form_answer` (it returns a ``FormAnswer``)."""
        warn_renamed("Engine.decide_form", "Engine.form_answer")
        return self.form_answer(login, record, record_type, website)


def _record_type(record: object, record_type: RecordType | None) -> RecordType:
    """The type of *record*: *record_type*, else the record's own ``record_type``.

    A saved order is a sales order: asking about it as another type raises.

    Raises:
        MissingRecordTypeError: *record_type* is not given and the record has
            no ``record_type`` of its own.
        WrongRecordTypeError: A saved order asked about as another type.
    """
    own = getattr(record, "record_type", None)
    if isinstance(record, forms.SavedOrder) and record_type not in {None, own}:
        raise WrongRecordTypeError(
            form=record.form.name,
            record_type=own,
            expected=record_type,
            setting="the record type asked about",
        )
    kind = record_type if record_type is not None else own
    if not isinstance(kind, forms.RecordType):
        raise MissingRecordTypeError(type(record).__name__)
    return kind


def _view(
    role: Role, preferences: FormPreferences, record: object, record_type: RecordType
) -> FormView | None:
    """The form *role* sees *record* on: a saved order's own, else the preferred."""
    if isinstance(record, forms.SavedOrder):
        return form_views.role_form_view(role, preferences, record)
    return form_views.role_form_view(role, preferences, record_type)
