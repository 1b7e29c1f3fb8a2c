"""Decisions: the engine's answers, with every failing reason as data.

A :class:`Decision` says what was asked (a :class:`FeatureQuestion`,
:class:`RecordQuestion` or :class:`SignInQuestion`) and every failing check
as a :class:`Reason`: a :class:`ReasonCode`, the facts (permission, level
required and held, capability, area, website) and the smallest change that
would pass it. :func:`explain` turns a decision into one
paragraph. Decisions are built by :class:`ccroles.policy.Engine`.

>>> from ccroles.permissions import Level
>>> question = RecordQuestion("TRAN_CUSTINVC", Level.VIEW, owner="101")
>>> Decision(question).allowed
True
>>> print(question)
view the Invoice record of the customer with internal id '101'
"""

from __future__ import annotations

import enum
import types
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.exceptions import DecisionTruthinessError
from ccroles.permissions import PERMISSIONS, Level

if TYPE_CHECKING:
    from datetime import datetime

    from ccroles.forms import FormView, RecordType
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
    "explain",
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
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    """The login's role requires a second factor, not verified yet."""
    LINK_UNKNOWN = "link_unknown"
    """No link has the token given."""
    LINK_EXPIRED = "link_expired"
    """The link's validity has ended."""
    LINK_USED = "link_used"
    """The link was used already; a link works once."""
    LINK_REPLACED = "link_replaced"
    """A newer link was issued for the same login."""


@attrs.frozen
class Reason:
    """One failing check, as data, with the smallest change that would pass it.

    Attributes:
        code: What kind of check failed.
        fact: The failing fact, as a sentence fragment.
        remedy: The smallest change to the account that passes this check, or
            ``None`` when no change of its own is needed or possible (``fact``
            says which).
        permission: The permission key, for :attr:`ReasonCode.LEVEL_TOO_LOW`.
        required: The level needed, for :attr:`ReasonCode.LEVEL_TOO_LOW`.
        held: The level held (``None``: the role lacks the permission).
        capability: The capability, for :attr:`ReasonCode.MISSING_CAPABILITY`.
        feature: The area, for :attr:`ReasonCode.PARENT_DENIED`.
        website: The website asked about, for
            :attr:`ReasonCode.WEBSITE_NOT_ASSIGNED`.
        until: When the lock ends, for :attr:`ReasonCode.LOCKED`; when the
            link expired, for :attr:`ReasonCode.LINK_EXPIRED`.
    """

    code: ReasonCode
    fact: str
    remedy: str | None = None
    permission: str | None = None
    required: Level | None = None
    held: Level | None = None
    capability: Capability | None = None
    feature: str | None = None
    website: str | None = None
    until: datetime | None = None

    def __str__(self) -> str:
        """Return the fact."""
        return self.fact


@attrs.frozen
class FeatureQuestion:
    """May the login use *feature* (through *website*, if given)?"""

    feature: str
    website: str | None = None

    def __str__(self) -> str:
        """``use <feature>``, and the website if any."""
        return f"use {self.feature}{_through(self.website)}"


_VERBS: Final = types.MappingProxyType(
    {
        Level.NONE: "hold None on",
        Level.VIEW: "view",
        Level.CREATE: "create",
        Level.EDIT: "edit",
        Level.FULL: "delete",
    }
)


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

    def __str__(self) -> str:
        """``view a Invoice record of ...``, in words."""
        label = PERMISSIONS[self.permission].label
        return (
            f"{_VERBS[self.level]} the {label} record of the customer with "
            f"internal id {self.owner!r}{_through(self.website)}"
        )


@attrs.frozen
class SignInQuestion:
    """May the login sign in (to *website*, if given)?"""

    website: str | None = None

    def __str__(self) -> str:
        """``sign in``, and the website if any."""
        return f"sign in{_through(self.website)}"


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

    def __str__(self) -> str:
        """``see the form of the Sales Order record of ...``, in words."""
        return (
            f"see the form of the {self.record_type} record of the customer with "
            f"internal id {self.owner!r}{_through(self.website)}"
        )


Question = FeatureQuestion | RecordQuestion | SignInQuestion | FormQuestion
"""What was asked of a login."""


def _through(website: str | None) -> str:
    return "" if website is None else f" on website {website!r}"


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


def explain(decision: Decision, who: str = "This login") -> str:
    """Return the one-paragraph human explanation of *decision*.

    *who* names the login in the first sentence (an email, say).

    >>> from ccroles.accounts import Account
    >>> from ccroles.policy import Engine
    >>> decision = Engine(Account()).decide("who@example.com", "Wish Lists")
    >>> print(explain(decision, "who@example.com"))
    who@example.com may not use Wish Lists: no customer or contact has this email. To allow it: give a customer or contact this email, with access and a customer center role.
    """  # noqa: E501
    if decision.allowed:
        return f"{who} may {decision.question}."
    facts = "; ".join(reason.fact for reason in decision.reasons)
    remedies = list(
        dict.fromkeys(r.remedy for r in decision.reasons if r.remedy is not None)
    )
    change = (
        f"To allow it: {'; '.join(remedies)}."
        if remedies
        else "No change to the account allows it."
    )
    return f"{who} may not {decision.question}: {facts}. {change}"
