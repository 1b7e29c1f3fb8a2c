"""Words: every sentence the library says about a decision, in one place.

Decisions are data (:mod:`ccroles.decisions`): a reason holds its facts as
fields and no text. This module turns them into words, twice over:

- :func:`fact`, :func:`remedy`, :func:`question` and :func:`explain` say a
  decision to the account's administrator, naming roles, permissions and
  customers (``Reason.fact`` and ``Reason.remedy`` render through them);
- :func:`customer_message` says it to the customer: what is refused and who
  can help, never another customer's id nor a role's make-up.

A portal can write a third rendering of its own from the same fields. Every
message goes through :mod:`gettext` (domain :data:`DOMAIN`): pass a
translations object (:func:`translation` finds an installed catalogue) and
the words change; the default, :data:`ENGLISH`, says them as written here.

>>> from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
>>> reason = Reason(ReasonCode.NO_ACCESS, customer="ACME")
>>> fact(reason)
"customer 'ACME' does not have Give Access ticked"
>>> customer_message(Decision(SignInQuestion(), (reason,)))
"You can't sign in. Your login has no access; ask your administrator."
"""

from __future__ import annotations

import gettext
import types
from collections.abc import Callable, Iterable
from datetime import UTC
from typing import TYPE_CHECKING, Final, Protocol, cast

from ccroles.permissions import PERMISSIONS, Level

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "DOMAIN",
    "ENGLISH",
    "N_",
    "customer_message",
    "explain",
    "fact",
    "login_label",
    "question",
    "remedy",
    "time_text",
    "translation",
]

DOMAIN: Final = "ccroles"
"""The :mod:`gettext` domain of the library's messages."""

ENGLISH: Final = gettext.NullTranslations()
"""The default translations: every message as written in this module."""


def translation(
    languages: Iterable[str] | None = None, localedir: str | None = None
) -> gettext.NullTranslations:
    """Return the installed :data:`DOMAIN` catalogue for *languages*, if any.

    Falls back to :data:`ENGLISH`-like null translations when no catalogue
    is installed (the library ships none).

    >>> translation(["xx"]).gettext("sign in")
    'sign in'
    """
    langs = None if languages is None else list(languages)
    return gettext.translation(DOMAIN, localedir, langs, fallback=True)


class _Code(Protocol):
    @property
    def value(self) -> str: ...


class _Reason(Protocol):
    """The fields of :class:`ccroles.decisions.Reason` the words read."""

    @property
    def code(self) -> _Code: ...
    @property
    def permission(self) -> str | None: ...
    @property
    def required(self) -> Level | None: ...
    @property
    def held(self) -> Level | None: ...
    @property
    def capability(self) -> object: ...
    @property
    def feature(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...
    @property
    def until(self) -> datetime | None: ...
    @property
    def customer(self) -> str | None: ...
    @property
    def contact(self) -> str | None: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def assigned(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...
    @property
    def center(self) -> str | None: ...
    @property
    def root(self) -> str | None: ...
    @property
    def alternatives(self) -> tuple[str, ...]: ...
    @property
    def requirement(self) -> str | None: ...
    @property
    def record_type(self) -> object: ...
    @property
    def covered(self) -> bool: ...
    @property
    def signed_in(self) -> bool: ...


class _Question(Protocol):
    """The fields of the questions of :mod:`ccroles.decisions`."""

    @property
    def kind(self) -> str: ...
    @property
    def website(self) -> str | None: ...


class _FeatureQuestion(_Question, Protocol):
    @property
    def feature(self) -> str: ...


class _RecordQuestion(_Question, Protocol):
    @property
    def permission(self) -> str: ...
    @property
    def level(self) -> Level: ...
    @property
    def owner(self) -> str: ...


class _FormQuestion(_Question, Protocol):
    @property
    def record_type(self) -> object: ...
    @property
    def owner(self) -> str: ...


class _Decision(Protocol):
    @property
    def question(self) -> _Question: ...
    @property
    def reasons(self) -> tuple[_Reason, ...]: ...
    @property
    def allowed(self) -> bool: ...


_T = gettext.NullTranslations


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark *message* for translation where it is written, without translating.

    The tables below hold messages that are translated when said (by
    ``t.gettext(entry)``); the marker lets ``pybabel extract`` (which looks
    for ``N_``, ``_`` and ``gettext`` calls) find them where they are written.

    >>> N_("sign in")
    'sign in'
    """
    return message


def login_label(customer: str | None, contact: str | None = None) -> str:
    """How every message names a login: its customer id, and its contact's id.

    A contact not yet known to be any customer's is named alone.

    >>> login_label("ACME"), login_label("ACME", "c1"), login_label(None, "c1")
    ("customer 'ACME'", "contact 'c1' of customer 'ACME'", "contact 'c1'")
    """
    owner = f"customer {customer!r}"
    if contact is None:
        return owner
    return (
        f"contact {contact!r}"
        if customer is None
        else f"contact {contact!r} of {owner}"
    )


def time_text(when: datetime) -> str:
    """How every message writes a moment: to the minute, in UTC.

    A moment without a time zone is taken as UTC (ccroles keeps its times
    in UTC).

    >>> from datetime import datetime, timedelta, timezone
    >>> time_text(datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1))))
    '2026-03-01 09:30 UTC'
    >>> time_text(datetime(2026, 3, 1, 9, 30))
    '2026-03-01 09:30 UTC'
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _label(reason: _Reason) -> str:
    return PERMISSIONS[str(reason.permission)].label


def _names(roles: Iterable[str]) -> str:
    return " or ".join(repr(name) for name in roles)


def _say(entry: str | _Say | None, reason: _Reason, t: _T) -> str | None:
    """One table entry said: a fixed message, a rendering, or nothing."""
    if entry is None:
        return None
    if isinstance(entry, str):
        return t.gettext(entry)
    return entry(reason, t)


# --- Facts ------------------------------------------------------------------


def _level_fact(r: _Reason, t: _T) -> str:
    values = {
        "role": repr(r.role),
        "label": _label(r),
        "held": r.held,
        "required": r.required,
        "root": repr(r.root),
    }
    if r.held is None:
        text = (
            t.gettext("role {role} lacks {label}, needed at {required}")
            if r.root is None
            else t.gettext(
                "role {role} lacks {label}, needed at {required}, and no role "
                "based on {root} can hold it at {required}"
            )
        )
    elif r.root is None:
        text = t.gettext("role {role} holds {label} at {held}, below {required}")
    else:
        text = t.gettext(
            "role {role} holds {label} at {held}, below {required}, and no role "
            "based on {root} can hold it at {required}"
        )
    return text.format(**values)


def _capability_fact(r: _Reason, t: _T) -> str:
    text = (
        t.gettext("role {role} lacks the capability {capability}")
        if r.root is None
        else t.gettext(
            "role {role} lacks the capability {capability}, and no role based "
            "on {root} has it"
        )
    )
    return text.format(
        role=repr(r.role), capability=repr(str(r.capability)), root=repr(r.root)
    )


def _inactive_fact(r: _Reason, t: _T) -> str:
    return t.gettext("{login} is inactive").format(
        login=login_label(r.customer, r.contact)
    )


_Say = Callable[[_Reason, _T], str | None]

_FACTS: Final[types.MappingProxyType[str, str | _Say]] = types.MappingProxyType(
    {
        "customer_access_off": N_("the account's Customer Access feature is off"),
        "unknown_login": lambda r, t: (
            t.gettext("no customer or contact has this email")
            if r.signed_in
            else t.gettext("nobody is signed in")
        ),
        "no_access": lambda r, t: t.gettext(
            "{login} does not have Give Access ticked"
        ).format(login=login_label(r.customer, r.contact)),
        "inactive": _inactive_fact,
        "no_role": lambda r, t: t.gettext("{login} has no role").format(
            login=login_label(r.customer, r.contact)
        ),
        "not_customer_center_role": lambda r, t: t.gettext(
            "role {role} is a {center} role, not a customer center role"
        ).format(role=repr(r.role), center=r.center),
        "website_not_assigned": lambda r, t: t.gettext(
            "{customer} is assigned website {assigned}, not {website}"
        ).format(
            customer=login_label(r.customer),
            assigned=repr(r.assigned),
            website=repr(r.website),
        ),
        "not_own_record": lambda r, t: t.gettext(
            "the record belongs to the customer with internal id {owner}, not "
            "to {customer}, and a customer center login only reaches its own "
            "customer's records"
        ).format(owner=repr(r.owner), customer=login_label(r.customer)),
        "level_too_low": _level_fact,
        "missing_capability": _capability_fact,
        "parent_denied": lambda r, t: (
            t.gettext("its area {area} is denied too, which the changes above also fix")
            if r.covered
            else t.gettext("its area {area} is denied too")
        ).format(area=repr(r.feature)),
        "excluded": lambda r, t: t.gettext(
            "role {role} meets {requirement}, which is excluded"
        ).format(role=repr(r.role), requirement=r.requirement),
        "no_form": lambda r, t: t.gettext(
            "no {record_type} form is preferred for role {role}, nor account-wide"
        ).format(record_type=r.record_type, role=repr(r.role)),
        "locked": lambda r, t: (
            t.gettext("the login is locked after too many wrong passwords in a row")
            if r.until is None
            else t.gettext(
                "the login is locked after too many wrong passwords in a row, "
                "until {until}"
            ).format(until=time_text(r.until))
        ),
        "wrong_password": N_("the email or the password is wrong"),
        "link_unknown": N_("no link has this token"),
        "link_expired": lambda r, t: (
            t.gettext("the link expired")
            if r.until is None
            else t.gettext("the link expired at {until}").format(
                until=time_text(r.until)
            )
        ),
        "link_used": N_("the link was used already"),
        "link_replaced": N_("a newer link was sent for this login"),
        "link_closed": N_(
            "the login's password or access changed after the link was sent"
        ),
        "session_ended": N_(
            "the session started before the login's password or access last changed"
        ),
    }
)


def fact(reason: _Reason, translations: _T = ENGLISH) -> str:
    """Return the failing fact of *reason*, as a sentence fragment.

    >>> from ccroles.decisions import Reason, ReasonCode
    >>> fact(Reason(ReasonCode.INACTIVE, customer="ACME", contact="c1"))
    "contact 'c1' of customer 'ACME' is inactive"
    """
    said = _say(_FACTS[reason.code.value], reason, translations)
    assert said is not None  # noqa: S101 (every code has a fact)
    return said


# --- Remedies ---------------------------------------------------------------


def _other_root(r: _Reason, t: _T) -> str | None:
    """Switching to another root role, the only way past this role's root."""
    if not r.alternatives:
        return None
    return t.gettext("give the login a role based on {roles}").format(
        roles=_names(r.alternatives)
    )


def _level_remedy(r: _Reason, t: _T) -> str | None:
    if r.root is not None:
        return _other_root(r, t)
    text = (
        t.gettext("add {label} at {required} to role {role}")
        if r.held is None
        else t.gettext("raise {label} from {held} to {required} on role {role}")
    )
    return text.format(
        label=_label(r), held=r.held, required=r.required, role=repr(r.role)
    )


def _capability_remedy(r: _Reason, t: _T) -> str | None:
    if r.root is not None:
        return _other_root(r, t)
    return t.gettext("add the capability {capability} to role {role}").format(
        capability=repr(str(r.capability)), role=repr(r.role)
    )


_NEW_LINK: Final = N_("ask for a new link")

_REMEDIES: Final[types.MappingProxyType[str, str | _Say | None]] = (
    types.MappingProxyType(
        {
            "customer_access_off": N_(
                "switch on the account's Customer Access feature"
            ),
            "unknown_login": lambda r, t: (
                t.gettext(
                    "give a customer or contact this email, with access and a "
                    "customer center role"
                )
                if r.signed_in
                else t.gettext("sign in with a login")
            ),
            "no_access": lambda r, t: t.gettext("tick Give Access on {login}").format(
                login=login_label(r.customer, r.contact)
            ),
            "inactive": lambda r, t: t.gettext("make {login} active").format(
                login=login_label(r.customer, r.contact)
            ),
            "no_role": lambda r, t: t.gettext(
                "pick a customer center role for {login}"
            ).format(login=login_label(r.customer, r.contact)),
            "not_customer_center_role": lambda r, t: t.gettext(
                "give {login} a customer center role"
            ).format(login=login_label(r.customer, r.contact)),
            "website_not_assigned": lambda r, t: t.gettext(
                "set the Assigned Website of {customer} to {website}, or clear it"
            ).format(customer=login_label(r.customer), website=repr(r.website)),
            "not_own_record": None,
            "level_too_low": _level_remedy,
            "missing_capability": _capability_remedy,
            "parent_denied": None,
            "excluded": lambda r, t: t.gettext(
                "change role {role} so that it no longer meets {requirement}"
            ).format(role=repr(r.role), requirement=r.requirement),
            "no_form": lambda r, t: t.gettext(
                "prefer an external {record_type} form with Basic printing for "
                "role {role}, or set an account-wide {record_type} form"
            ).format(record_type=r.record_type, role=repr(r.role)),
            "locked": lambda r, t: (
                t.gettext("have an administrator unlock the login")
                if r.until is None
                else t.gettext(
                    "wait until {until}, or have an administrator unlock the login"
                ).format(until=time_text(r.until))
            ),
            "wrong_password": N_(
                "sign in with the right password, or ask for a reset link"
            ),
            "link_unknown": _NEW_LINK,
            "link_expired": _NEW_LINK,
            "link_used": _NEW_LINK,
            "link_replaced": _NEW_LINK,
            "link_closed": _NEW_LINK,
            "session_ended": N_("sign in again"),
        }
    )
)


def remedy(reason: _Reason, translations: _T = ENGLISH) -> str | None:
    """Return the smallest change that passes *reason*'s check, or ``None``.

    ``None`` when no change of its own is needed or possible (the fact says
    which).

    >>> from ccroles.decisions import Reason, ReasonCode
    >>> remedy(Reason(ReasonCode.NO_ROLE, customer="ACME"))
    "pick a customer center role for customer 'ACME'"
    """
    return _say(_REMEDIES[reason.code.value], reason, translations)


# --- Questions and explanations ---------------------------------------------

_VERBS: Final = types.MappingProxyType(
    {
        Level.NONE: N_("hold None on"),
        Level.VIEW: N_("view"),
        Level.CREATE: N_("create"),
        Level.EDIT: N_("edit"),
        Level.FULL: N_("delete"),
    }
)


def _through(website: str | None, t: _T) -> str:
    if website is None:
        return ""
    return t.gettext(" on website {website}").format(website=repr(website))


def question(asked: _Question, translations: _T = ENGLISH) -> str:
    """Return what was asked, in words (``use Wish Lists``, ``sign in``, ...).

    >>> from ccroles.decisions import FeatureQuestion
    >>> question(FeatureQuestion("Wish Lists", website="Shop"))
    "use Wish Lists on website 'Shop'"
    """
    t = translations
    if asked.kind == "feature":
        feature = cast("_FeatureQuestion", asked)
        text = t.gettext("use {feature}").format(feature=feature.feature)
    elif asked.kind == "record":
        record = cast("_RecordQuestion", asked)
        text = t.gettext(
            "{verb} the {label} record of the customer with internal id {owner}"
        ).format(
            verb=t.gettext(_VERBS[record.level]),
            label=PERMISSIONS[record.permission].label,
            owner=repr(record.owner),
        )
    elif asked.kind == "form":
        form = cast("_FormQuestion", asked)
        text = t.gettext(
            "see the form of the {record_type} record of the customer with "
            "internal id {owner}"
        ).format(
            record_type=form.record_type,
            owner=repr(form.owner),
        )
    else:
        text = t.gettext("sign in")
    return text + _through(asked.website, t)


def explain(
    decision: _Decision, who: str = "This login", translations: _T = ENGLISH
) -> str:
    """Return the one-paragraph explanation of *decision* for an administrator.

    *who* names the login in the first sentence (an email, say).

    >>> from ccroles.accounts import Account
    >>> from ccroles.policy import Engine
    >>> decision = Engine(Account()).decide("who@example.com", "Wish Lists")
    >>> print(explain(decision, "who@example.com"))
    who@example.com may not use Wish Lists: no customer or contact has this email. To allow it: give a customer or contact this email, with access and a customer center role.
    """  # noqa: E501
    t = translations
    asked = question(decision.question, t)
    if decision.allowed:
        return t.gettext("{who} may {question}.").format(who=who, question=asked)
    facts = "; ".join(fact(reason, t) for reason in decision.reasons)
    remedies = [remedy(reason, t) for reason in decision.reasons]
    wanted = list(dict.fromkeys(r for r in remedies if r is not None))
    change = (
        t.gettext("To allow it: {remedies}.").format(remedies="; ".join(wanted))
        if wanted
        else t.gettext("No change to the account allows it.")
    )
    return t.gettext("{who} may not {question}: {facts}. {change}").format(
        who=who, question=asked, facts=facts, change=change
    )


# --- For the customer -------------------------------------------------------

_ROLE: Final = N_("Your role does not include it; ask your administrator.")
_LINK: Final = N_("This link no longer works; ask for a new one.")
_NO_ROLE: Final = N_("Your login has no customer center role; ask your administrator.")
_SENTENCES: Final[types.MappingProxyType[str, str | _Say]] = types.MappingProxyType(
    {
        "customer_access_off": N_(
            "The customer center is closed; ask your administrator."
        ),
        "unknown_login": N_("Please sign in first."),
        "no_access": N_("Your login has no access; ask your administrator."),
        "inactive": N_("Your account is inactive; ask your administrator."),
        "no_role": _NO_ROLE,
        "not_customer_center_role": _NO_ROLE,
        "website_not_assigned": N_("Your login is for another website."),
        "not_own_record": N_("It belongs to another customer."),
        "level_too_low": _ROLE,
        "missing_capability": _ROLE,
        "parent_denied": _ROLE,
        "excluded": _ROLE,
        "no_form": N_("No form is set up for it; ask your administrator."),
        "locked": lambda r, t: (
            t.gettext(
                "Your login is locked after too many wrong passwords; "
                "ask your administrator."
            )
            if r.until is None
            else t.gettext(
                "Your login is locked after too many wrong passwords; try again "
                "after {until}, or ask your administrator."
            ).format(until=time_text(r.until))
        ),
        "wrong_password": N_("The email or the password is wrong."),
        "link_unknown": _LINK,
        "link_expired": _LINK,
        "link_used": _LINK,
        "link_replaced": _LINK,
        "link_closed": _LINK,
        "session_ended": N_("Please sign in again."),
    }
)

_DOING: Final = types.MappingProxyType(
    {
        Level.NONE: N_("open"),
        Level.VIEW: N_("open"),
        Level.CREATE: N_("create"),
        Level.EDIT: N_("change"),
        Level.FULL: N_("delete"),
    }
)


def _headline(asked: _Question, t: _T) -> str:
    if asked.kind == "feature":
        return t.gettext("{feature} is not available to you.").format(
            feature=cast("_FeatureQuestion", asked).feature
        )
    if asked.kind == "record":
        record = cast("_RecordQuestion", asked)
        label = PERMISSIONS[record.permission].label.lower()
        return t.gettext("You can't {verb} this {label}.").format(
            verb=t.gettext(_DOING[record.level]), label=label
        )
    if asked.kind == "form":
        kind = str(cast("_FormQuestion", asked).record_type).lower()
        return t.gettext("You can't open this {record_type}.").format(record_type=kind)
    return t.gettext("You can't sign in.")


def _sentence(reason: _Reason, t: _T) -> str:
    said = _say(_SENTENCES[reason.code.value], reason, t)
    assert said is not None  # noqa: S101 (every code has a sentence)
    return said


def customer_message(decision: _Decision, translations: _T = ENGLISH) -> str:
    """Say a decision to the customer: what is refused, why, and who can help.

    Built from the question and the reasons' codes (never from their facts,
    which may name another customer): a headline, then one short sentence
    per kind of reason, each once. An allowed decision says nothing.

    >>> from ccroles.decisions import Decision, Reason, ReasonCode, RecordQuestion
    >>> question = RecordQuestion("TRAN_CUSTINVC", Level.VIEW, owner="102")
    >>> reason = Reason(ReasonCode.NOT_OWN_RECORD, owner="102", customer="ACME")
    >>> customer_message(Decision(question, (reason,)))
    "You can't open this invoice. It belongs to another customer."
    >>> customer_message(Decision(question))
    ''
    """
    if decision.allowed:
        return ""
    t = translations
    sentences = dict.fromkeys(_sentence(reason, t) for reason in decision.reasons)
    return " ".join([_headline(decision.question, t), *sentences])
