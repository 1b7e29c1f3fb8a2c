"""The policy engine: may this login do this, and if not, exactly why.

An :class:`Engine` is built once from an :class:`~ccroles.accounts.Account`
and then only answers questions. Three kinds of question are asked of a login
(an email of the account's, the account's :class:`~ccroles.logins.Login`, or
the :class:`~ccroles.logins.LoginFacts` a portal holds in its own database;
``None`` for nobody, denied as an unknown login; anything else raises
:class:`TypeError`): may it use a *feature* of the matrix, may
it reach a *record* at a level, may it *sign in*. Each has a plain-bool form
for hot code (:meth:`Engine.allows`) and a form that returns a
:class:`~ccroles.decisions.Decision` carrying every failing reason with the
smallest change that would allow it (see :mod:`ccroles.decisions`).

What does not depend on the question is worked out once: for each role when
the engine is built (which features it has and why it lacks the others), for
each login the first time it is asked about (whether it may sign in at all).

>>> from ccroles.accounts import Account, Customer
>>> from ccroles.roles import CUSTOMER_CENTER
>>> accountant = CUSTOMER_CENTER.customize(
...     "Accountant", levels={"TRAN_CUSTPYMT": "None"}
... )
>>> engine = Engine(
...     Account(
...         roles=[accountant],
...         customers=[
...             Customer(
...                 "101", "ACME", email="ap@acme.example", give_access=True,
...                 role="Accountant",
...             )
...         ],
...     )
... )
>>> engine.allows("ap@acme.example", "Print a Statement")
True
>>> decision = engine.decide("AP@acme.example", "Make a Payment")
>>> decision.allowed, [reason.code for reason in decision.reasons]
(False, [<ReasonCode.LEVEL_TOO_LOW: 'level_too_low'>])
>>> print(decision.reasons[0].remedy)
raise Customer Payment from None to Create on role 'Accountant'
"""

from __future__ import annotations

import functools
from typing import (
    TYPE_CHECKING,
    Concatenate,
    Final,
    Generic,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
)

import attrs

from ccroles import form_views, forms
from ccroles.decisions import (
    Decision,
    FeatureQuestion,
    FormAnswer,
    FormQuestion,
    Reason,
    ReasonCode,
    RecordQuestion,
    SignInQuestion,
)
from ccroles.exceptions import (
    MissingRecordTypeError,
    NoLoginEmailError,
    WrongRecordTypeError,
)
from ccroles.features import (
    FEATURES,
    Feature,
    FeatureCatalogue,
    MissingCapability,
    Shortfall,
    Unmet,
)
from ccroles.logins import Login, LoginFacts
from ccroles.names import email_key, fold, owner_id
from ccroles.permissions import PERMISSIONS, Level, Permission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from datetime import datetime

    from ccroles.accounts import Account
    from ccroles.form_views import FormView
    from ccroles.forms import FormPreferences, RecordType
    from ccroles.roles import Capability, Role

__all__ = ["Engine", "OwnedRecord", "Preview"]


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
_P = ParamSpec("_P")
_T = TypeVar("_T")


# --- Reasons that depend on the login ------------------------------------

_ACCESS_OFF: Final = Reason(ReasonCode.CUSTOMER_ACCESS_OFF)
_UNKNOWN_LOGIN: Final = Reason(ReasonCode.UNKNOWN_LOGIN)


_ACCEPTED: Final = "an email (str), a Login, a LoginFacts or None (nobody)"
"""What the engine's questions take as the login."""


def _facts(login: object) -> LoginFacts:
    """The facts of a login that is not an email: the one reading of the others.

    Raises:
        TypeError: *login* is neither a :class:`~ccroles.logins.Login` nor a
            :class:`~ccroles.logins.LoginFacts` (subclasses are refused: the
            engine trusts their fields, not overrides).
    """
    if type(login) is LoginFacts:
        return login
    if type(login) is Login:
        return LoginFacts.of(login)
    message = f"a login is {_ACCEPTED}, got {type(login).__name__}"
    raise TypeError(message)


def _may_sign_in(login: LoginFacts, *, customer_access: bool) -> bool:
    """Whether *login* may sign in, its role aside: the one rule, as a boolean.

    Customer Access is on, Give Access is ticked, and the customer and the
    contact (when a contact logs in) are active. The role must then be one
    of the account's customer center roles. :func:`_login_reasons` gives
    the same rule as reasons: it finds none exactly when this holds and the
    role is one.
    """
    return (
        customer_access
        and login.give_access
        and login.active
        and (login.contact_id is None or login.contact_active)
    )


def _customer(login: LoginFacts) -> str:
    """How reasons name the login's customer: its customer id, else internal id."""
    return login.internal_id if login.customer_id is None else login.customer_id


def _login_reasons(
    account: Account, login: LoginFacts, plans: Mapping[str | None, _RolePlan]
) -> tuple[Reason, ...]:
    """The failing checks of *login* that do not depend on the question.

    Raises:
        UnknownRoleError: The login's role is not the account's.
    """
    customer, contact = _customer(login), login.contact_id
    reasons: list[Reason] = []
    if not account.customer_access:
        reasons.append(_ACCESS_OFF)
    if not login.give_access:
        reasons.append(Reason(ReasonCode.NO_ACCESS, customer=customer, contact=contact))
    reasons.extend(
        # login.inactive names the customer, then the contact, when inactive
        Reason(
            ReasonCode.INACTIVE,
            customer=customer,
            contact=None if name == login.customer_label else contact,
        )
        for name in login.inactive
    )
    if login.role is None:
        reasons.append(Reason(ReasonCode.NO_ROLE, customer=customer, contact=contact))
    elif fold(login.role) not in plans:
        center = account.role(login.role).center_type
        reasons.append(
            Reason(
                ReasonCode.NOT_CUSTOMER_CENTER_ROLE,
                role=login.role,
                center=str(center),
                customer=customer,
                contact=contact,
            )
        )
    return tuple(reasons)


def _locked(until: datetime) -> Reason:
    return Reason(ReasonCode.LOCKED, until=until)


def _website_reason(login: LoginFacts, assigned: str, website: str) -> Reason:
    return Reason(
        ReasonCode.WEBSITE_NOT_ASSIGNED,
        customer=_customer(login),
        assigned=assigned,
        website=website,
    )


def _not_own_record(login: LoginFacts, owner: str) -> Reason:
    return Reason(ReasonCode.NOT_OWN_RECORD, owner=owner, customer=_customer(login))


def _no_form(role: Role, record_type: RecordType) -> Reason:
    return Reason(ReasonCode.NO_FORM, role=role.name, record_type=record_type)


# --- Forms ----------------------------------------------------------------


def _record_type(record: OwnedRecord, record_type: RecordType | None) -> RecordType:
    """The type of *record*: *record_type*, else the record's own ``record_type``.

    A saved order is a sales order: asking about it as another type raises.
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
    role: Role,
    preferences: FormPreferences,
    record: OwnedRecord,
    record_type: RecordType,
) -> FormView | None:
    """The form *role* sees *record* on: a saved order's own, else the preferred."""
    if isinstance(record, forms.SavedOrder):
        return form_views.role_form_view(role, preferences, record)
    return form_views.role_form_view(role, preferences, record_type)


# --- Reasons that depend on the role --------------------------------------


def _shortfall_reason(
    role: Role, shortfall: Shortfall, alternatives: tuple[str, ...]
) -> Reason:
    key, required = shortfall.permission, shortfall.required
    ceiling = role.root.levels.get(key)
    fixable = role.is_custom and ceiling is not None and ceiling >= required
    return Reason(
        ReasonCode.LEVEL_TOO_LOW,
        permission=key,
        required=required,
        held=shortfall.held,
        role=role.name,
        root=None if fixable else role.root.name,
        alternatives=() if fixable else alternatives,
    )


def _capability_reason(
    role: Role, capability: Capability, alternatives: tuple[str, ...]
) -> Reason:
    fixable = role.is_custom and capability in role.root.capabilities
    return Reason(
        ReasonCode.MISSING_CAPABILITY,
        capability=capability,
        role=role.name,
        root=None if fixable else role.root.name,
        alternatives=() if fixable else alternatives,
    )


def _unmet_reason(role: Role, unmet: Unmet, alternatives: tuple[str, ...]) -> Reason:
    if isinstance(unmet, Shortfall):
        return _shortfall_reason(role, unmet, alternatives)
    if isinstance(unmet, MissingCapability):
        return _capability_reason(role, unmet.capability, alternatives)
    return Reason(
        ReasonCode.EXCLUDED, role=role.name, requirement=str(unmet.requirement)
    )


@attrs.frozen
class _Fixed:
    """A role's grants with some unmet requirements supposed fixed."""

    levels: Mapping[str, Level]
    capabilities: frozenset[Capability]

    def fix(self, unmet: Iterable[Unmet]) -> _Fixed:
        levels = dict(self.levels)
        capabilities = set(self.capabilities)
        for item in unmet:
            if isinstance(item, Shortfall):
                levels[item.permission] = item.required
            elif isinstance(item, MissingCapability):
                capabilities.add(item.capability)
        return _Fixed(levels, frozenset(capabilities))


def _feature_reasons(
    role: Role,
    catalogue: FeatureCatalogue,
    feature: Feature,
    alternatives: tuple[str, ...],
) -> tuple[Reason, ...]:
    """Why *role* lacks *feature* (empty when it has it).

    A denied area adds :attr:`ReasonCode.PARENT_DENIED` and then only what the
    area still lacks once the feature's own reasons are fixed, so that the
    remedies together are the smallest change.
    """
    unmet = feature.requires.unmet(role)
    reasons = [_unmet_reason(role, u, alternatives) for u in unmet]
    fixed = _Fixed(role.levels, role.capabilities).fix(unmet)
    parent = feature.parent
    while parent is not None:
        area = catalogue[parent]
        if not area.requires(role):
            still = area.requires.unmet(fixed)
            reasons.append(
                Reason(ReasonCode.PARENT_DENIED, feature=area.name, covered=not still)
            )
            reasons.extend(_unmet_reason(role, u, alternatives) for u in still)
            fixed = fixed.fix(still)
        parent = area.parent
    return tuple(reasons)


def _level_reasons(
    role: Role, key: str, level: Level, roots: tuple[Role, ...]
) -> tuple[Reason, ...]:
    """Why *role* does not hold *key* at *level* (empty when it does)."""
    if _holds(role, key, level):
        return ()
    alternatives = tuple(r.name for r in roots if _holds(r, key, level))
    return (
        _shortfall_reason(
            role, Shortfall(key, level, role.levels.get(key)), alternatives
        ),
    )


def _holds(role: Role, key: str, level: Level) -> bool:
    held = role.levels.get(key)
    return held is not None and held >= level


@attrs.frozen
class _RolePlan:
    """What a customer center role may do, worked out once per engine.

    Attributes:
        role: The role.
        features: The names of the features it has.
        feature_reasons: Feature name to why the role lacks it (empty: has it).
        decisions: Feature name (or a Feature, which misses) to the decision
            for a login of this role that may sign in, asked without a website.
    """

    role: Role
    features: frozenset[str]
    feature_reasons: Mapping[str, tuple[Reason, ...]]
    decisions: Mapping[str | Feature, Decision]


def _plan(
    role: Role,
    catalogue: FeatureCatalogue,
    alternatives: Mapping[str, tuple[str, ...]],
    questions: Mapping[str | Feature, FeatureQuestion],
) -> _RolePlan:
    reasons = {
        name: _feature_reasons(role, catalogue, feature, alternatives[name])
        for name, feature in catalogue.items()
    }
    return _RolePlan(
        role=role,
        features=frozenset(name for name, why in reasons.items() if not why),
        feature_reasons=reasons,
        decisions={
            name: Decision(questions[name], why) for name, why in reasons.items()
        },
    )


_NOTHING: Final[frozenset[str]] = frozenset()

_FACTS_KEPT: Final = 4096
"""How many login facts' failing checks an engine keeps (then it starts afresh)."""


def _log(login: object, decision: Decision) -> None:
    import logging  # noqa: PLC0415 (loaded only when decisions are logged)

    who = login.label if isinstance(login, Login | LoginFacts) else str(login)
    logging.getLogger("ccroles.policy").debug(
        "%s may%s %s",
        who,
        "" if decision.allowed else " not",
        decision.question,
        extra={
            "decision": decision,
            "allowed": decision.allowed,
            "email": who,
            "question": str(decision.question),
            "reasons": tuple(reason.code.value for reason in decision.reasons),
        },
    )


@attrs.frozen
class Engine:
    """Answers what each login of an account may do; its answers never change.

    Building the engine works out, per role, which features it has, why it
    lacks the others, and the decision for each; its cost depends on the
    roles, not on the number of customers. What does not depend on the
    question for a login (the Customer Access switch, Give Access, active,
    the role known and a customer center role) is worked out the first time
    the login is asked about, and kept: every login of a role that may sign
    in shares its role's decisions. Answers then cost a dictionary lookup or
    two. What is kept is only ever added, never changed, so one engine may be
    shared by any number of threads.

    A login is an email of the account's, the account's
    :class:`~ccroles.logins.Login` (as :meth:`Account.login
    <ccroles.accounts.Account.login>` gives it) or, for a portal that keeps
    its customers in its own database, a :class:`~ccroles.logins.LoginFacts`
    read from the portal's row: then the account needs no customers at all.
    Each is read as the same facts (a ``Login`` by
    :meth:`LoginFacts.of <ccroles.logins.LoginFacts.of>`), so the answers
    and reasons are those the email would get. ``None`` (nobody signed in)
    is a login no one has; anything else (bytes, a subclass) raises
    :class:`TypeError` naming what is accepted.
    One rule decides whether a login may sign in: Customer Access on, Give
    Access ticked, the customer active, the contact active when a contact
    logs in, and a customer center role of the account's.

    Emails match ignoring case; the exact spelling on record is fastest. An
    email no login has (``""`` included, what a portal may pass for a
    visitor who is not signed in) is always denied, with the reason
    :attr:`~ccroles.decisions.ReasonCode.UNKNOWN_LOGIN`. *website* is the
    website a request comes through, one of the account's (any case): a login
    with an Assigned Website is denied on any other, and a website the
    account lacks raises :class:`~ccroles.exceptions.UnknownWebsiteError`, as
    an unknown feature does. ``None`` means the customer center itself, where
    the Assigned Website does not apply.

    With ``log_decisions=True``, each ``decide`` call logs one record at
    ``DEBUG`` on the ``ccroles.policy`` logger, with the decision in ``extra``
    (keys ``decision``, ``allowed``, ``email``, ``question``, ``reasons``);
    the logger's level and handlers then decide what is kept. The log is off
    by default, and then costs one attribute read per ``decide``.

    Attributes:
        account: The account whose logins are asked about.
        features: The feature catalogue (by default the 22 features).
        log_decisions: Whether ``decide`` calls are logged (default: no).
    """

    account: Account
    features: FeatureCatalogue = attrs.field(default=FEATURES, eq=False)
    log_decisions: bool = attrs.field(default=False, kw_only=True)
    # Every login, under its email as written and casefolded: what it may use.
    _grants: dict[str, frozenset[str]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # The same, for the decisions; a login that may not sign in gets its
    # decisions here when they are first asked for.
    _decisions: dict[str, Mapping[str | Feature, Decision]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _assigned: dict[str, str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Every login asked about by email, under its email as written and
    # casefolded: its facts.
    _logins: dict[str, LoginFacts] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Logins that may not sign in: their failing checks, and their role's plan.
    _failing: dict[str, tuple[tuple[Reason, ...], _RolePlan | None]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Login facts asked about in full, by value: their failing checks that do
    # not depend on the question; at most _FACTS_KEPT, then emptied.
    _facts: dict[LoginFacts, tuple[Reason, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Customer center roles' plans, by name as written and folded.
    _plans: Mapping[str | None, _RolePlan] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # The same, when Customer Access is on (else empty): the LoginFacts fast path.
    _open: Mapping[str | None, _RolePlan] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _roots: tuple[Role, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _websites: frozenset[str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Keyed by feature name; typed wider so a Feature can be looked up (a miss).
    _questions: Mapping[str | Feature, FeatureQuestion] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Work out every per-role and per-login answer up front."""
        roles = [r for r in self.account.all_roles if r.center_type.is_customer_center]
        roots = tuple(r for r in roles if not r.is_custom)
        alternatives = {
            name: tuple(r.name for r in roots if self.features.allows(r, feature))
            for name, feature in self.features.items()
        }
        questions: dict[str | Feature, FeatureQuestion] = {
            name: FeatureQuestion(name) for name in self.features
        }
        plans: dict[str | None, _RolePlan] = {}
        for role in roles:
            plan = _plan(role, self.features, alternatives, questions)
            plans[role.name] = plans[fold(role.name)] = plan
        access = self.account.customer_access
        object.__setattr__(self, "_roots", roots)
        object.__setattr__(self, "_websites", frozenset(self.account.websites))
        object.__setattr__(self, "_grants", {})
        object.__setattr__(self, "_logins", {})
        object.__setattr__(self, "_decisions", {})
        object.__setattr__(self, "_assigned", {})
        object.__setattr__(self, "_failing", {})
        object.__setattr__(self, "_facts", {})
        object.__setattr__(self, "_plans", plans)
        object.__setattr__(self, "_open", plans if access else {})
        object.__setattr__(self, "_questions", questions)

    def __reduce__(self) -> tuple[Callable[..., Engine], tuple[object, ...]]:
        """Pickle and copy by the fields; what it learnt is worked out again."""
        return (_engine, (self.account, self.features, self.log_decisions))

    def with_account(self, account: Account) -> Engine:
        """An engine for *account*, sharing this one's per-role work when it can.

        When *account* has this engine's roles, Customer Access switch and
        websites (an account changed by
        :meth:`~ccroles.accounts.Account.with_customer` has), the new engine
        costs the same at any number of customers: what it knows of each
        login is worked out again when first asked, and forms and form
        preferences are read from *account* when asked about. Any other
        account gets an engine built afresh. This engine is unchanged.

        >>> from ccroles.accounts import Account, Customer
        >>> account = Account(customers=[Customer("1", "A", email="a@x.example")])
        >>> engine = Engine(account)
        >>> granted = account.with_customer(
        ...     Customer("1", "A", email="a@x.example", give_access=True,
        ...              role="Customer Center")
        ... )
        >>> engine.allows("a@x.example", "Make a Payment")
        False
        >>> engine.with_account(granted).allows("a@x.example", "Make a Payment")
        True
        """
        old = self.account
        if (  # what the per-role work reads; forms are read when asked
            account.customer_access != old.customer_access
            or account.custom_roles != old.custom_roles
            or account.websites != old.websites
        ):
            return Engine(account, self.features, log_decisions=self.log_decisions)
        changed: Engine = object.__new__(Engine)
        for field in attrs.fields(Engine):
            object.__setattr__(changed, field.name, getattr(self, field.name))
        object.__setattr__(changed, "account", account)
        for name in (
            "_grants",
            "_logins",
            "_decisions",
            "_assigned",
            "_failing",
            "_facts",
        ):
            object.__setattr__(changed, name, {})
        return changed

    # --- features ---------------------------------------------------------

    def allows(  # noqa: PLR0911 (the hot path returns as soon as it knows)
        self,
        login: str | Login | LoginFacts | None,
        feature: str | Feature,
        website: str | None = None,
    ) -> bool:
        """Whether *login* may use *feature* (the hot path).

        *login* is an email of the account's, the account's
        :class:`~ccroles.logins.Login`, or the facts of a login the portal
        holds (:class:`~ccroles.logins.LoginFacts`).

        Raises:
            TypeError: *login* is none of those.
            UnknownFeatureError: *feature* is not a feature of the catalogue
                (a programming error: it never silently denies).
            UnknownWebsiteError: *website* is not one of the account's.
            UnknownRoleError: The login facts name a role the account lacks.
        """
        if website is not None and website not in self._websites:
            return self._allows_otherwise(login, feature, website)
        if login.__class__ is not str:
            plan = self._open_plan(login)
            if plan is not None:
                if feature in plan.features:
                    return True
                if feature in self._questions:
                    return False
            return self._allows_otherwise(login, feature, website)
        try:
            granted = self._grants[login]
        except KeyError:  # another case, or no such login
            return self._allows_otherwise(login, feature, website)
        if feature in granted:
            if website is None:
                return True
            assigned = self._assigned.get(login)
            return assigned is None or assigned == website
        if feature in self._questions:
            return False  # a known login and feature, as written: denied
        return self._allows_otherwise(login, feature, website)

    def _allows_otherwise(
        self, login: object, feature: str | Feature, website: str | None
    ) -> bool:
        """The general path: any login, and names in any spelling."""
        name = self.features.resolve(feature).name
        site = self._website(website)
        granted: frozenset[str] = _NOTHING
        assigned = None
        if login is None or isinstance(login, str):  # None: nobody signed in
            key = email_key(login)
            if key in self._grants or self._learn(key):
                granted = self._grants[key]
                assigned = self._assigned.get(key)
        else:
            facts = _facts(login)
            plan = self._signs_in(facts)
            if plan is not None:
                granted = plan.features
                assigned = self._assigned_of(facts)
        return name in granted and (site is None or assigned in {None, site})

    def decide(
        self,
        login: str | Login | LoginFacts | None,
        feature: str | Feature,
        website: str | None = None,
    ) -> Decision:
        """Decide whether *login* may use *feature*, with every reason.

        Raises:
            UnknownFeatureError: *feature* is not a feature of the catalogue.
            UnknownWebsiteError: *website* is not one of the account's.
        """
        if website is None and login.__class__ is str:
            try:  # the hot path: a login as written, asked about before
                decision = self._decisions[login][feature]
            except KeyError:
                decision = self._decide_otherwise(login, feature, website)
        else:
            decision = self._decide_otherwise(login, feature, website)
        if self.log_decisions:
            _log(login, decision)
        return decision

    def _decide_otherwise(
        self,
        login: str | Login | LoginFacts | None,
        feature: str | Feature,
        website: str | None,
    ) -> Decision:
        """Decide what the hot path of :meth:`decide` did not find kept."""
        decision = None
        if website is None:
            if login.__class__ is str:
                decisions = self._decisions_of(login)
            else:
                plan = self._open_plan(login)
                decisions = None if plan is None else plan.decisions
            if decisions is not None:
                decision = decisions.get(feature)
        if decision is None:
            decision = self._decide_feature(login, feature, website)
        return decision

    def _learn(self, email: str) -> bool:
        """Work out what the login *email* may use and keep it; ``False``: no login.

        Done the first time a login is asked about, so building the engine
        costs nothing per login. It is kept under the email on record and
        casefolded (never under other spellings, which an attacker could
        vary without end); the lookup the hot path reads is stored last.
        """
        key = email_key(email)
        login = self.account.find_login(key)
        if login is None:
            return False
        facts = LoginFacts.of(login)
        plans = self._plans
        found = plans.get(facts.role) or plans.get(fold(facts.role))
        keys = {cast("str", login.email), key}
        granted = _NOTHING
        if found is not None and _may_sign_in(
            facts, customer_access=self.account.customer_access
        ):
            granted = found.features
            website = facts.assigned_website
            for each in keys:
                if website is not None:
                    self._assigned[each] = self.account.website(website)
                self._decisions[each] = found.decisions
        else:
            reasons = _login_reasons(self.account, facts, plans)
            for each in keys:
                self._failing[each] = (reasons, found)
        for each in keys:
            self._logins[each] = facts
            self._grants[each] = granted
        return True

    def _decisions_of(self, email: str) -> Mapping[str | Feature, Decision] | None:
        """The login's decisions (kept once made), or ``None`` to decide in full.

        ``None`` for an email no login has, or spelt otherwise than on record.
        """
        if email not in self._grants and not self._learn(email):
            return None
        decisions = self._decisions.get(email)
        failing = self._failing.get(email)
        if decisions is None and failing is not None:
            reasons, plan = failing
            decisions = {
                name: Decision(
                    question,
                    reasons
                    if plan is None
                    else reasons + plan.feature_reasons[question.feature],
                )
                for name, question in self._questions.items()
            }
            self._decisions[email] = decisions
        return decisions

    def _decide_feature(
        self,
        login: str | Login | LoginFacts | None,
        feature: str | Feature,
        website: str | None,
    ) -> Decision:
        """Decide in full: a website, an email in another case, or a failing login."""
        question = self._questions.get(feature)
        if question is None:
            question = self._questions[self.features.resolve(feature).name]
        name = question.feature
        state = self._state(login, website)
        if website is not None:
            question = FeatureQuestion(name, self.account.website(website))
        if state is None:
            return Decision(question, self._unknown_login())
        _, reasons, plan = state
        if plan is not None:
            reasons += plan.feature_reasons[name]
        return Decision(question, reasons)

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
        found = self._record_login(login, permission, level, website)
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
        state = self._state(login, website)
        question = RecordQuestion(key, needed, owner, self._website(website))
        if state is None:
            reasons = self._unknown_login()
        else:
            found, reasons, plan = state
            if owner != found.internal_id:
                reasons += (_not_own_record(found, owner),)
            if plan is not None:
                reasons += _level_reasons(plan.role, key, needed, self._roots)
        decision = Decision(question, reasons)
        if self.log_decisions:
            _log(login, decision)
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
        found = self._record_login(login, permission, level, website)
        if found is None:
            return iter(())
        owner = found.internal_id
        return (record for record in records if _owner(record) == owner)

    def _record_login(
        self,
        login: str | Login | LoginFacts | None,
        permission: str | Permission,
        level: Level | str,
        website: str | None,
    ) -> LoginFacts | None:
        """The login, when it may reach its own records of *permission* at *level*."""
        key = PERMISSIONS.key_of(permission)
        needed = Level.parse(level)
        state = self._state(login, website)
        if state is None:
            return None
        found, reasons, plan = state
        if reasons or plan is None or not _holds(plan.role, key, needed):
            return None
        return found

    # --- forms ------------------------------------------------------------

    def form_view(
        self,
        login: str | Login | LoginFacts | None,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormView | None:
        """The form and fields the login sees *record* on, or ``None`` if denied.

        The plain form of :meth:`decide_form`: ``None`` exactly when that
        decision is denied.

        Raises:
            MissingRecordTypeError: *record_type* is not given and the record
                has no ``record_type`` of its own.
            WrongRecordTypeError: A saved order asked about as another type.
        """
        kind = _record_type(record, record_type)
        state = self._state(login, website)
        if state is None:
            return None
        found, reasons, plan = state
        if (
            reasons
            or plan is None
            or _owner(record) != found.internal_id
            or not _holds(plan.role, kind.value, Level.VIEW)
        ):
            return None
        return _view(plan.role, self.account.form_preferences, record, kind)

    def decide_form(
        self,
        login: str | Login | LoginFacts | None,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormAnswer:
        """Decide which form and which fields the login sees *record* on.

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
        >>> answer = engine.decide_form(
        ...     "ap@acme.example", SavedOrder("101", Origin.staff(), form)
        ... )
        >>> answer.allowed, answer.view.field_names
        (True, ('Total',))
        >>> answer = engine.decide_form(
        ...     "ap@acme.example", SavedOrder("102", Origin.staff(), form)
        ... )
        >>> answer.view is None, [reason.code.value for reason in answer.decision.reasons]
        (True, ['not_own_record'])
        """  # noqa: E501
        kind = _record_type(record, record_type)
        owner = _owner(record)
        state = self._state(login, website)
        question = FormQuestion(kind, owner, self._website(website))
        view: FormView | None = None
        if state is None:
            reasons = self._unknown_login()
        else:
            found, reasons, plan = state
            if owner != found.internal_id:
                reasons += (_not_own_record(found, owner),)
            if plan is not None:
                role = plan.role
                reasons += _level_reasons(role, kind.value, Level.VIEW, self._roots)
                view = _view(role, self.account.form_preferences, record, kind)
                if view is None:
                    reasons += (_no_form(role, kind),)
        decision = Decision(question, reasons)
        if self.log_decisions:
            _log(login, decision)
        return FormAnswer(decision, view if decision.allowed else None)

    # --- signing in -------------------------------------------------------

    def allows_sign_in(
        self, login: str | Login | LoginFacts | None, website: str | None = None
    ) -> bool:
        """Whether *login* may sign in (to *website*, if given)."""
        state = self._state(login, website)
        return state is not None and not state[1]

    def decide_sign_in(
        self,
        login: str | Login | LoginFacts | None,
        website: str | None = None,
        *,
        locked_until: datetime | None = None,
    ) -> Decision:
        """Decide whether *login* may sign in, with every reason.

        The engine keeps no sign-in state: a portal passes what its store
        says (:class:`ccroles.signin.SignIn` does this for it).

        Args:
            login: The login: an email, or the facts the portal holds.
            website: The website signed in to, or ``None``.
            locked_until: When the login's lock ends, while it is locked
                (:attr:`ccroles.signin_store.LoginState.locked_until`): a
                :attr:`~ccroles.decisions.ReasonCode.LOCKED` reason.
        """
        state = self._state(login, website)
        reasons = self._unknown_login() if state is None else state[1]
        if locked_until is not None:
            reasons = (_locked(locked_until), *reasons)
        decision = Decision(SignInQuestion(self._website(website)), reasons)
        if self.log_decisions:
            _log(login, decision)
        return decision

    # --- log in as customer -----------------------------------------------

    def preview(self, internal_id: str | int) -> Preview:
        """Preview the customer center as the customer *internal_id* sees it.

        The administrator's "log in as customer": the preview answers exactly
        as that customer's own login does.

        Raises:
            InvalidIdError: *internal_id* is neither text nor an integer.
            UnknownReferenceError: No customer has that internal id.
            NoLoginEmailError: The customer has no email, hence no login.
        """
        customer = self.account.customer(internal_id)
        if customer.email is None:
            raise NoLoginEmailError(customer.customer_id)
        return Preview(self, customer.email)

    # --- shared steps -----------------------------------------------------

    def _state(
        self, login: object, website: str | None
    ) -> tuple[LoginFacts, tuple[Reason, ...], _RolePlan | None] | None:
        """The login's facts, its failing checks (website included), its role's plan.

        ``None`` for an email no login has.

        Raises:
            UnknownWebsiteError: *website* is not one of the account's, or the
                login facts name an assigned website the account lacks.
            UnknownRoleError: The login facts name a role the account lacks.
        """
        website = self._website(website)
        found: LoginFacts | None
        if login is None or isinstance(login, str):  # None: nobody signed in
            key = email_key(login)
            if key not in self._grants:
                self._learn(key)
            found = self._logins.get(key)
            reasons = self._failing.get(key, ((), None))[0]
        else:
            found = _facts(login)
            reasons = self._facts_reasons(found)
        if found is None:
            return None
        assigned = found.assigned_website
        if assigned is not None:
            assigned = self.account.website(assigned)
            if website is not None and assigned != website:
                reasons = (*reasons, _website_reason(found, assigned, website))
        return found, reasons, self._plans.get(fold(found.role))

    def _facts_reasons(self, login: LoginFacts) -> tuple[Reason, ...]:
        """The failing checks of *login* that do not depend on the question.

        Kept by the facts' value: a portal makes new facts on each request,
        and equal facts fail the same checks. At most :data:`_FACTS_KEPT` are
        kept; then the engine starts afresh.

        Raises:
            UnknownRoleError: The facts name a role the account lacks.
        """
        reasons = self._facts.get(login)
        if reasons is None:
            reasons = _login_reasons(self.account, login, self._plans)
            if len(self._facts) >= _FACTS_KEPT:
                self._facts.clear()
            self._facts[login] = reasons
        return reasons

    def _open_plan(self, login: object) -> _RolePlan | None:
        """The plan of login facts that plainly may sign in anywhere; else ``None``.

        The fast path for :class:`LoginFacts`: a role named as the account
        writes it, every flag set, no Assigned Website. Anything else is left
        to the full rules (``None``), never denied here.
        """
        if login.__class__ is not LoginFacts:
            return None
        plan = self._open.get(login.role)
        if (
            plan is None
            or login.assigned_website is not None
            or not _may_sign_in(login, customer_access=True)  # _open: it is on
        ):
            return None
        return plan

    def _signs_in(self, login: LoginFacts) -> _RolePlan | None:
        """The role plan of login facts that may sign in (any website), else ``None``.

        Raises:
            UnknownRoleError: The facts name a role the account lacks.
            UnknownWebsiteError: The facts name an assigned website the
                account lacks.
        """
        role = login.role
        plan = self._plans.get(role)
        if plan is None and role is not None:
            plan = self._plans.get(fold(self.account.role(role).name))
        assigned = login.assigned_website
        if assigned is not None and assigned not in self._websites:
            self.account.website(assigned)
        may = _may_sign_in(login, customer_access=self.account.customer_access)
        return plan if may else None

    def _assigned_of(self, login: LoginFacts) -> str | None:
        """The login facts' assigned website, as the account writes it."""
        assigned = login.assigned_website
        return None if assigned is None else self.account.website(assigned)

    def _website(self, website: str | None) -> str | None:
        """The account's website *website* names (as the account writes it)."""
        if website is None or website in self._websites:
            return website
        return self.account.website(website)

    def _unknown_login(self) -> tuple[Reason, ...]:
        if self.account.customer_access:
            return (_UNKNOWN_LOGIN,)
        return (_ACCESS_OFF, _UNKNOWN_LOGIN)


def _engine(
    account: Account,
    features: FeatureCatalogue,
    log_decisions: bool,  # noqa: FBT001 (positional: how pickle calls it)
) -> Engine:
    """An engine rebuilt from its fields (how a pickled one is loaded)."""
    return Engine(account, features, log_decisions=log_decisions)


class _AsLogin(Generic[_P, _T]):
    """An :class:`Engine` method, asked by a :class:`Preview` as its login.

    ``preview.allows(feature)`` is ``engine.allows(preview.email, feature)``:
    the engine's method and signature, written once.
    """

    def __init__(self, method: Callable[Concatenate[Engine, str, _P], _T]) -> None:
        self.method = method
        self.__doc__ = f"See :meth:`Engine.{method.__name__}`, as the login."

    def __get__(self, preview: Preview, owner: object = None) -> Callable[_P, _T]:
        return functools.partial(self.method, preview.engine, preview.email)


@attrs.frozen
class Preview:
    """One login's view of the engine: "log in as customer".

    Each of the engine's questions (:meth:`~Engine.allows`,
    :meth:`~Engine.decide`, :meth:`~Engine.allows_record`,
    :meth:`~Engine.decide_record`, :meth:`~Engine.filter_records`,
    :meth:`~Engine.form_view`, :meth:`~Engine.decide_form`,
    :meth:`~Engine.allows_sign_in`, :meth:`~Engine.decide_sign_in`) is asked
    about :attr:`email`, without it: the answers are the login's own.

    >>> from ccroles.accounts import Account, Customer
    >>> ap = Customer("1", "A", email="a@x.example", give_access=True,
    ...               role="Customer Center")
    >>> preview = Engine(Account(customers=[ap])).preview("1")
    >>> preview.allows("Make a Payment"), preview.allows_sign_in()
    (True, True)

    Attributes:
        engine: The engine asked.
        email: The login's email.
    """

    engine: Engine
    email: str

    allows = _AsLogin(Engine.allows)
    decide = _AsLogin(Engine.decide)
    allows_record = _AsLogin(Engine.allows_record)
    decide_record = _AsLogin(Engine.decide_record)
    filter_records = _AsLogin(Engine.filter_records)
    form_view = _AsLogin(Engine.form_view)
    decide_form = _AsLogin(Engine.decide_form)
    allows_sign_in = _AsLogin(Engine.allows_sign_in)
    decide_sign_in = _AsLogin(Engine.decide_sign_in)
