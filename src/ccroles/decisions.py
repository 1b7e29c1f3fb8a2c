"""Decisions: the engine's answers, with every failing reason as data.

A :class:`Decision` says what was asked (a :class:`FeatureQuestion`,
:class:`RecordQuestion` or :class:`SignInQuestion`) and every failing check
as a :class:`Reason`: a :class:`ReasonCode` and the facts as fields
(permission, level required and held, capability, area, website, login,
owner, ...), no text. :mod:`ccroles.wording` says them: a reason's
:attr:`~Reason.fact` and :attr:`~Reason.remedy`, and
:func:`~ccroles.wording.explain`, which turns a decision into one paragraph.
Decisions are built by :class:`ccroles.policy.Engine`.

>>> from ccroles.permissions import Level
>>> question = RecordQuestion("TRAN_CUSTINVC", Level.VIEW, owner="101")
>>> Decision(question).allowed
True
>>> print(question)
view the Invoice record of the customer with internal id '101'
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, ClassVar

import attrs

from ccroles import wording
from ccroles._deprecation import moved_names
from ccroles.exceptions import DecisionTruthinessError

if TYPE_CHECKING:
    from datetime import datetime

    from ccroles.form_views import FormView
    from ccroles.forms import RecordType
    from ccroles.permissions import Level
    from ccroles.roles import Capability

__all__ = [
    "Decision",
    "FeatureQuestion",
    "FormAnswer",
    "FormQuestion",
    "Question",
    "Reason",
    "ReasonCode",
    "RecordQuestion",
    "SignInQuestion",
]


class ReasonCode(enum.Enum):
    """Why a question was denied; one code per kind of failing check."""

    CUSTOMER_ACCESS_OFF = "customer_access_off"
    """The account's Customer Access feature is switched off."""
    UNKNOWN_LOGIN = "unknown_login"
    """No customer or contact has the email."""
    NO_ACCESS = "no_access"
    """Give Access is not ticked on the customer or contact."""
    INACTIVE = "inactive"
    """The customer, or the contact, is inactive."""
    NO_ROLE = "no_role"
    """The login has no role."""
    NOT_CUSTOMER_CENTER_ROLE = "not_customer_center_role"
    """The login's role is an internal (staff) center role."""
    WEBSITE_NOT_ASSIGNED = "website_not_assigned"
    """The login is restricted to another website."""
    NOT_OWN_RECORD = "not_own_record"
    """The record belongs to another customer."""
    LEVEL_TOO_LOW = "level_too_low"
    """The role holds a permission below the level needed, or lacks it."""
    MISSING_CAPABILITY = "missing_capability"
    """The role lacks a capability the feature needs."""
    PARENT_DENIED = "parent_denied"
    """The feature's area is denied too."""
    EXCLUDED = "excluded"
    """The role meets something the feature's requirement excludes."""
    NO_FORM = "no_form"
    """No form is preferred for the record type, for the role nor account-wide."""
    LOCKED = "locked"
    """The login is locked after too many wrong passwords in a row."""
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (a reason code, not a password)
    """The password given is not the login's (or the login has none)."""
    LINK_UNKNOWN = "link_unknown"
    """No link has the token given."""
    LINK_EXPIRED = "link_expired"
    """The link's validity has ended."""
    LINK_USED = "link_used"
    """The link was used already; a link works once."""
    LINK_REPLACED = "link_replaced"
    """A newer link was issued for the same login."""
    LINK_CLOSED = "link_closed"
    """The login's password or access changed after the link was issued."""
    SESSION_ENDED = "session_ended"
    """The session started before the login's password or access last changed."""


@attrs.frozen
class Reason:
    """One failing check, as data: its code and the facts it names.

    A reason holds no text: :attr:`fact` and :attr:`remedy` are rendered
    from its fields by :mod:`ccroles.wording`, which a portal may replace
    with its own rendering (another language, words for customers). Only the
    fields the code names are set; the rest keep their defaults.

    Attributes:
        code: What kind of check failed.
        permission: The permission key, for :attr:`ReasonCode.LEVEL_TOO_LOW`.
        required: The level needed, for :attr:`ReasonCode.LEVEL_TOO_LOW`.
        held: The level held (``None``: the role lacks the permission).
        capability: The capability, for :attr:`ReasonCode.MISSING_CAPABILITY`.
        feature: The area, for :attr:`ReasonCode.PARENT_DENIED`.
        website: The website asked about, for
            :attr:`ReasonCode.WEBSITE_NOT_ASSIGNED`.
        until: When the lock ends, for :attr:`ReasonCode.LOCKED`; when the
            link expired, for :attr:`ReasonCode.LINK_EXPIRED`.
        customer: The login's customer as messages name it (its customer id,
            else its internal id), for the login's reasons
            (:attr:`~ReasonCode.NO_ACCESS`, :attr:`~ReasonCode.INACTIVE`,
            :attr:`~ReasonCode.NO_ROLE`,
            :attr:`~ReasonCode.NOT_CUSTOMER_CENTER_ROLE`,
            :attr:`~ReasonCode.WEBSITE_NOT_ASSIGNED`,
            :attr:`~ReasonCode.NOT_OWN_RECORD`).
        contact: The contact's id when the login is a contact (for
            :attr:`~ReasonCode.INACTIVE`: set when the contact is the
            inactive one).
        owner: The internal id of the record's customer, for
            :attr:`ReasonCode.NOT_OWN_RECORD`.
        assigned: The login's assigned website, for
            :attr:`ReasonCode.WEBSITE_NOT_ASSIGNED`.
        role: The role's name, for the role's reasons,
            :attr:`~ReasonCode.NOT_CUSTOMER_CENTER_ROLE` and
            :attr:`~ReasonCode.NO_FORM`.
        center: The role's center type, for
            :attr:`ReasonCode.NOT_CUSTOMER_CENTER_ROLE`.
        root: The role's root when no role based on it can pass the check
            (so changing this role cannot help), else ``None``.
        alternatives: The root roles that pass the check, when *root* is set.
        requirement: The requirement met, for :attr:`ReasonCode.EXCLUDED`.
        record_type: The record type, for :attr:`ReasonCode.NO_FORM`.
        covered: For :attr:`ReasonCode.PARENT_DENIED`: whether the changes of
            the reasons before it also pass the area.
        signed_in: For :attr:`ReasonCode.UNKNOWN_LOGIN`: ``False`` when
            nobody is signed in at all (no email to look up).

    >>> reason = Reason(ReasonCode.NO_ACCESS, customer="ACME")
    >>> reason.fact
    "customer 'ACME' does not have Give Access ticked"
    >>> reason.remedy
    "tick Give Access on customer 'ACME'"
    """

    code: ReasonCode
    permission: str | None = attrs.field(default=None, kw_only=True)
    required: Level | None = attrs.field(default=None, kw_only=True)
    held: Level | None = attrs.field(default=None, kw_only=True)
    capability: Capability | None = attrs.field(default=None, kw_only=True)
    feature: str | None = attrs.field(default=None, kw_only=True)
    website: str | None = attrs.field(default=None, kw_only=True)
    until: datetime | None = attrs.field(default=None, kw_only=True)
    customer: str | None = attrs.field(default=None, kw_only=True)
    contact: str | None = attrs.field(default=None, kw_only=True)
    owner: str | None = attrs.field(default=None, kw_only=True)
    assigned: str | None = attrs.field(default=None, kw_only=True)
    role: str | None = attrs.field(default=None, kw_only=True)
    center: str | None = attrs.field(default=None, kw_only=True)
    root: str | None = attrs.field(default=None, kw_only=True)
    alternatives: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    requirement: str | None = attrs.field(default=None, kw_only=True)
    record_type: RecordType | None = attrs.field(default=None, kw_only=True)
    covered: bool = attrs.field(default=False, kw_only=True)
    signed_in: bool = attrs.field(default=True, kw_only=True)

    @property
    def fact(self) -> str:
        """The failing fact, as an English sentence fragment."""
        return wording.fact(self)

    @property
    def remedy(self) -> str | None:
        """The smallest change that passes this check, in English, or ``None``.

        ``None`` when no change of its own is needed or possible (the fact
        says which).
        """
        return wording.remedy(self)

    def __str__(self) -> str:
        """Return the fact."""
        return self.fact


@attrs.frozen
class FeatureQuestion:
    """May the login use *feature* (through *website*, if given)?"""

    feature: str
    website: str | None = None

    kind: ClassVar[str] = "feature"
    """What kind of question: ``"feature"``."""

    def __str__(self) -> str:
        """``use <feature>``, and the website if any."""
        return wording.question(self)


@attrs.frozen
class RecordQuestion:
    """May the login reach a record of *permission* at *level*?

    Attributes:
        permission: The permission key the record falls under.
        level: The level asked for (View to see, ..., Full to delete).
        owner: The internal id of the customer owning the record.
        website: The website asked through, or ``None``.
    """

    permission: str
    level: Level
    owner: str
    website: str | None = None

    kind: ClassVar[str] = "record"
    """What kind of question: ``"record"``."""

    def __str__(self) -> str:
        """``view a Invoice record of ...``, in words."""
        return wording.question(self)


@attrs.frozen
class SignInQuestion:
    """May the login sign in (to *website*, if given)?"""

    website: str | None = None

    kind: ClassVar[str] = "sign_in"
    """What kind of question: ``"sign_in"``."""

    def __str__(self) -> str:
        """``sign in``, and the website if any."""
        return wording.question(self)


@attrs.frozen
class FormQuestion:
    """Which form, and which of its fields, does the login see for a record?

    Attributes:
        record_type: The record's type.
        owner: The internal id of the customer owning the record.
        website: The website asked through, or ``None``.
    """

    record_type: RecordType
    owner: str
    website: str | None = None

    kind: ClassVar[str] = "form"
    """What kind of question: ``"form"``."""

    def __str__(self) -> str:
        """``see the form of the Sales Order record of ...``, in words."""
        return wording.question(self)


Question = FeatureQuestion | RecordQuestion | SignInQuestion | FormQuestion
"""What was asked of a login."""


@attrs.frozen
class Decision:
    """The engine's answer to one question, with every failing check.

    A decision is allowed exactly when no check fails: ``reasons`` lists
    every failing check, so a denial always says why. A decision has no truth
    value (``if decision:`` raises :class:`DecisionTruthinessError`): read
    :attr:`allowed`.

    A decision does not repeat who asked (the caller knows the email); reasons
    about the login name it. So the engine can hand out one shared decision
    for every login of a role that asks the same question.

    Attributes:
        question: What was asked.
        reasons: Every failing check, in the order the checks run.
    """

    question: Question
    reasons: tuple[Reason, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the login may do what was asked."""
        return not self.reasons

    def __bool__(self) -> bool:
        """Refuse: a decision is not a truth value."""
        raise DecisionTruthinessError


@attrs.frozen
class FormAnswer:
    """Which form and which fields a login sees for a record, and why (not).

    Built by :meth:`ccroles.policy.Engine.decide_form`. Like a decision, an
    answer has no truth value: read :attr:`allowed` or :attr:`view`.

    Attributes:
        decision: The decision, with every failing check.
        view: The form and the fields the login sees when the decision
            allows it, else ``None``.
    """

    decision: Decision
    view: FormView | None = None

    @property
    def allowed(self) -> bool:
        """Whether the login sees the record on a form."""
        return self.decision.allowed

    def __bool__(self) -> bool:
        """Refuse: an answer is not a truth value."""
        raise DecisionTruthinessError


# The words moved to ccroles.wording (one explain, with its translations).
__getattr__ = moved_names(__name__, {"explain": "ccroles.wording"})
