"""Guards for customer portals: the part every web framework shares.

A :class:`Gate` asks an account's :class:`~ccroles.policy.Engine` about the
login a request comes from, and turns a denial into a :class:`Denial`: the
HTTP status (401 when nobody is signed in, 403 otherwise), the decision, and
a body for the customer (HTML or JSON, by the request's ``Accept`` header)
that says in short sentences what is refused and who can change it. The full
decision, with every fact and remedy, goes to the ``ccroles.guards`` logger
(a child of ``ccroles``), never to the customer: a fact may name another
customer.

The login is whatever the application's own sign-in keeps for a request (an
email today); the gate passes it to the engine as it is. One rule says who
is signed in (:func:`nobody_signed_in`): ``None``, and an email that is
empty or only white space, mean "nobody is signed in", answered 401 with a
``WWW-Authenticate`` challenge (:attr:`Gate.challenge`) everywhere, never a
403. A guard checks the login before it loads a record, so a visitor who is
not signed in gets the same 401 whether or not the record exists. With a
:class:`~ccroles.signin.SignIn`, a login locked after too many wrong
passwords is refused everywhere, with the
:attr:`~ccroles.decisions.ReasonCode.LOCKED` reason, until the lock ends.

Names are checked when a guard is declared (:meth:`Gate.feature`,
:meth:`Gate.permission`), so a misspelt feature fails at start-up, not at
the first request. The framework modules, :mod:`ccroles.guards.django`,
:mod:`ccroles.guards.flask` and :mod:`ccroles.guards.fastapi`, wrap this in
each framework's idiom; this module imports none of them.

>>> from ccroles.accounts import Account, Customer
>>> from ccroles.policy import Engine
>>> engine = Engine(Account(roles=[], customers=[Customer(
...     "101", "ACME", email="ap@acme.example", give_access=True,
...     role="Advanced Customer Center")]))
>>> gate = Gate(engine)
>>> denial = gate.check_feature("ap@acme.example", gate.feature("Make a Payment"))
>>> denial.status, denial.message
(403, 'Make a Payment is not available to you. Your role does not include it; ask your administrator.')
>>> gate.check_feature(None, "Make a Payment").status
401
>>> gate.check_feature("", "Make a Payment").headers
{'WWW-Authenticate': 'Session realm="customer center"'}
>>> gate.check_feature("ap@acme.example", "Mapping Store Locations") is None
True
"""  # noqa: E501

from __future__ import annotations

import html
import json
import logging
import math
import types
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from ccroles import wording
from ccroles._deprecation import moved_names
from ccroles.decisions import (
    Decision,
    FeatureQuestion,
    Reason,
    ReasonCode,
    RecordQuestion,
)
from ccroles.exceptions import SessionWithoutSignInError
from ccroles.logins import LoginFacts
from ccroles.names import owner_id
from ccroles.permissions import PERMISSIONS, Level, Permission
from ccroles.signin import Session

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ccroles.features import Feature
    from ccroles.policy import Engine
    from ccroles.records import OwnedRecord
    from ccroles.signin import SignIn

__all__ = [
    "CHALLENGE",
    "HTML",
    "JSON",
    "Denial",
    "Gate",
    "SignedIn",
    "nobody_signed_in",
    "prefers_html",
    "prefers_json",
]

_LOG: Final = logging.getLogger("ccroles.guards")

HTML: Final = "text/html; charset=utf-8"
"""The content type of a denial's HTML body."""
JSON: Final = "application/json"
"""The content type of a denial's JSON body."""

CHALLENGE: Final = 'Session realm="customer center"'
"""The ``WWW-Authenticate`` challenge of a 401 by default: sign in to the
portal's session (a portal on bearer tokens passes its own to :class:`Gate`)."""

_R = TypeVar("_R", bound="OwnedRecord")

SignedIn = str | LoginFacts | Session | None
"""Who a request comes from, as the application's ``login_of`` says: the
login's email, the :class:`~ccroles.logins.LoginFacts` the portal holds, the
:class:`~ccroles.signin.Session` its sign-in started (checked on every
request by the gate's ``SignIn``), or ``None`` when nobody is signed in."""

_NOBODY: Final = (Reason(ReasonCode.UNKNOWN_LOGIN, signed_in=False),)


def nobody_signed_in(login: SignedIn) -> bool:
    """Whether *login* means that nobody is signed in: the one rule every guard asks.

    ``None``, and an email that is empty or only white space (what a
    session without its key often gives), mean nobody: a 401, never a 403.
    A :class:`~ccroles.signin.Session` is read by its login.

    >>> [nobody_signed_in(login) for login in (None, "", "  ", "ap@acme.example")]
    [True, True, True, False]
    """
    if isinstance(login, Session):
        login = login.login
    if login is None:
        return True
    return isinstance(login, str) and not login.strip()


def _quality(accept: str, media: str) -> float:
    """The quality *accept* gives *media*, by its most specific matching range."""
    kind = media.partition("/")[0]
    best = (-1, 0.0)
    for item in accept.split(","):
        media_range, *parameters = (part.strip().lower() for part in item.split(";"))
        if media_range == media:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if not math.isfinite(quality):
            quality = 0.0
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


def prefers_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header prefers HTML to JSON (JSON on a tie).

    What an API asks: a browser gets its page, every other client JSON.

    >>> prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
    True
    >>> prefers_html("*/*"), prefers_html(None), prefers_html("application/json")
    (False, False, False)
    """
    if not accept:
        return False
    return _quality(accept, "text/html") > _quality(accept, "application/json")


def prefers_json(accept: str | None) -> bool:
    """Whether an ``Accept`` header prefers JSON to HTML (HTML on a tie).

    >>> prefers_json("application/json"), prefers_json(None)
    (True, False)
    >>> prefers_json("text/html,application/xhtml+xml,*/*;q=0.8")
    False
    >>> prefers_json("text/html;q=0.5, application/*")
    True
    """
    if not accept:
        return False
    return _quality(accept, "application/json") > _quality(accept, "text/html")


_TITLES: Final = types.MappingProxyType({401: "Please sign in", 403: "Not allowed"})


@attrs.frozen
class Denial:
    """A refused request: the status to answer with and the engine's decision.

    Attributes:
        status: 401 when nobody is signed in, else 403 (another status is
            titled as a 403).
        decision: The decision, with every failing reason (for the log).
        challenge: The ``WWW-Authenticate`` challenge a 401 carries.
    """

    status: int
    decision: Decision
    challenge: str = CHALLENGE

    @property
    def message(self) -> str:
        """What the customer reads (:func:`ccroles.wording.customer_message`)."""
        return wording.customer_message(self.decision)

    @property
    def reasons(self) -> list[str]:
        """The reasons' codes, as the customer's bodies show them."""
        return [reason.code.value for reason in self.decision.reasons]

    @property
    def headers(self) -> dict[str, str]:
        """The headers of the answer: a 401's ``WWW-Authenticate`` challenge.

        >>> from ccroles.decisions import SignInQuestion
        >>> Denial(403, Decision(SignInQuestion(), _NOBODY)).headers
        {}
        """
        if self.status == 401:  # noqa: PLR2004 (HTTP's own number)
            return {"WWW-Authenticate": self.challenge}
        return {}

    def render(self, accept: str | None) -> tuple[str, str]:
        """The body for the customer, as ``(content type, text)``.

        JSON when *accept* prefers it (:func:`prefers_json`), else HTML. The
        body holds the status, the message and the reasons' codes; never the
        facts or remedies, which may name another customer or a role.

        >>> from ccroles.decisions import SignInQuestion
        >>> reason = Reason(ReasonCode.NO_ACCESS, customer="ACME")
        >>> denial = Denial(403, Decision(SignInQuestion(), (reason,)))
        >>> print(denial.render("application/json")[1])
        {"status": 403, "message": "You can't sign in. Your login has no access; ask your administrator.", "reasons": ["no_access"]}
        >>> print(denial.render(None)[1])
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Not allowed</title></head>
        <body><main class="ccroles-denial"><h1>Not allowed</h1><p>You can&#x27;t sign in. Your login has no access; ask your administrator.</p></main></body></html>
        """  # noqa: E501
        if prefers_json(accept):
            body = {
                "status": self.status,
                "message": self.message,
                "reasons": self.reasons,
            }
            return JSON, json.dumps(body)
        title = _TITLES.get(self.status, _TITLES[403])
        return HTML, (
            "<!doctype html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            "</head>\n"
            f'<body><main class="ccroles-denial"><h1>{title}</h1>'
            f"<p>{html.escape(self.message)}</p></main></body></html>"
        )


@attrs.frozen
class Gate:
    """Asks the engine about a request's login; the framework guards share it.

    Attributes:
        engine: The account's engine.
        sign_in: The portal's sign-in rules, to refuse a locked login
            everywhere; ``None`` checks no lock.
        website: The website the portal serves, or ``None`` for the
            customer center itself.
        challenge: The ``WWW-Authenticate`` challenge of a 401
            (:data:`CHALLENGE` by default).
    """

    engine: Engine
    sign_in: SignIn | None = None
    website: str | None = None
    challenge: str = CHALLENGE

    def feature(self, feature: str | Feature) -> str:
        """The catalogue's name of *feature*: call it when a guard is declared.

        Raises:
            UnknownFeatureError: No feature has that name.
        """
        return self.engine.features.resolve(feature).name

    @staticmethod
    def permission(
        permission: str | Permission, level: Level | str
    ) -> tuple[str, Level]:
        """The permission key and the level: call it when a guard is declared.

        Raises:
            UnknownPermissionError: No permission has that key.
            InvalidLevelError: *level* spells no level.
        """
        return PERMISSIONS.key_of(permission), Level.parse(level)

    def signed_in(self, login: SignedIn) -> str | LoginFacts | tuple[Reason, ...]:
        """The login to ask about, or the reasons for a 401.

        ``None`` or a blank email (:func:`nobody_signed_in`): nobody is
        signed in. A :class:`~ccroles.signin.Session` is asked to the gate's
        ``SignIn`` (:meth:`~ccroles.signin.SignIn.decide_session`): a
        session that has ended (the password changed since it started, the
        login may no longer sign in) gives its reasons, else its login.

        Raises:
            SessionWithoutSignInError: A session, and the gate has no
                ``SignIn`` to check it with.
        """
        if isinstance(login, Session):
            if self.sign_in is None:
                raise SessionWithoutSignInError(login.login)
            if nobody_signed_in(login):
                return _NOBODY
            held = self.sign_in.decide_session(login)
            return login.login if held.allowed else held.reasons
        if login is None or nobody_signed_in(login):
            return _NOBODY
        return login

    def check_feature(self, login: SignedIn, feature: str) -> Denial | None:
        """``None`` when *login* may use *feature*, else the :class:`Denial`.

        Raises:
            SessionWithoutSignInError: A session, and no ``SignIn``.
        """
        who = self.signed_in(login)
        if isinstance(who, tuple):
            question = FeatureQuestion(feature, self.website)
            return self._deny(401, Decision(question, who), login)
        decision = self.engine.decide(who, feature, self.website)
        return self._checked(who, decision)

    def check_record(
        self,
        login: SignedIn,
        permission: str,
        record: OwnedRecord,
        level: Level = Level.VIEW,
    ) -> Denial | None:
        """``None`` when *login* may reach *record* at *level*, else the denial.

        Raises:
            InvalidIdError: The record's owner id is neither text nor an integer.
            SessionWithoutSignInError: A session, and no ``SignIn``.
        """
        who = self.signed_in(login)
        if isinstance(who, tuple):
            owner = owner_id(record.customer_internal_id)
            return self._unsigned(permission, level, owner, who, login)
        decision = self.engine.decide_record(
            who, permission, record, level, self.website
        )
        return self._checked(who, decision)

    def check_signed_in(
        self, login: SignedIn, permission: str, level: Level = Level.VIEW
    ) -> Denial | None:
        """The 401 when nobody is signed in: ask it before loading a record.

        Answered the same whether or not the record exists (its question
        names no owner), so the status never tells a visitor which records
        there are. A session that has ended is a 401 too. ``None`` when
        someone is signed in: then load the record and ask
        :meth:`check_record`.

        Raises:
            SessionWithoutSignInError: A session, and no ``SignIn``.
        """
        who = self.signed_in(login)
        if isinstance(who, tuple):
            return self._unsigned(permission, level, "", who, login)
        return None

    def _unsigned(
        self,
        permission: str,
        level: Level,
        owner: str,
        reasons: tuple[Reason, ...],
        login: SignedIn,
    ) -> Denial:
        question = RecordQuestion(permission, level, owner, self.website)
        return self._deny(401, Decision(question, reasons), login)

    def own(
        self,
        login: SignedIn,
        permission: str,
        records: Iterable[_R],
        level: Level = Level.VIEW,
    ) -> list[_R]:
        """The records of *records* the login may reach: its own customer's.

        Empty when nobody is signed in, the session has ended, the login is
        locked or its role lacks the level.
        """
        who = self.signed_in(login)
        if isinstance(who, tuple) or self._lock(who):
            return []
        return list(
            self.engine.filter_records(who, permission, records, level, self.website)
        )

    def features_of(self, login: SignedIn) -> frozenset[str]:
        """The features *login* may use now: what a menu shows.

        Empty when nobody is signed in, the session has ended or the login
        is locked.
        """
        who = self.signed_in(login)
        if isinstance(who, tuple) or self._lock(who):
            return frozenset()
        return frozenset(
            name
            for name in self.engine.features
            if self.engine.allows(who, name, self.website)
        )

    def _lock(self, login: str | LoginFacts) -> tuple[Reason, ...]:
        """The :attr:`~ReasonCode.LOCKED` reason while *login* is locked.

        Locks are kept by email: :class:`~ccroles.logins.LoginFacts` have
        none, so a portal that passes them checks the lock when it signs the
        login in (:class:`~ccroles.signin.SignIn` does).
        """
        if self.sign_in is None or not isinstance(login, str):
            return ()
        decision = self.sign_in.decide_sign_in(login, self.website)
        return tuple(r for r in decision.reasons if r.code is ReasonCode.LOCKED)

    def _checked(self, login: str | LoginFacts, decision: Decision) -> Denial | None:
        locked = self._lock(login)
        if locked:
            decision = attrs.evolve(decision, reasons=(*locked, *decision.reasons))
        if decision.allowed:
            return None
        return self._deny(403, decision, login)

    def _deny(self, status: int, decision: Decision, login: SignedIn) -> Denial:
        if isinstance(login, Session):
            login = login.login
        if login is None or nobody_signed_in(login):
            who = "nobody signed in"
        else:
            who = login.label if isinstance(login, LoginFacts) else login
        _LOG.info(
            "%d: %s",
            status,
            wording.explain(decision, who),
            extra={"decision": decision, "status": status, "login": login},
        )
        return Denial(status, decision, self.challenge)


# One customer_message, in ccroles.wording with every other sentence.
__getattr__ = moved_names(__name__, {"customer_message": "ccroles.wording"})
