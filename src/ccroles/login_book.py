"""What an engine knows of each login it was asked about, and how it learns it.

A :class:`LoginBook` keeps, for each login the :class:`~ccroles.policy.Engine`
is asked about, what does not depend on the question: its facts, whether it
may sign in, its failing checks, its role's plan and what it may use. It is
filled the first time a login is asked about, so building an engine costs
nothing per login, and it answers the questions the engine's hot paths do
not find kept (an email in another case, a website, a login that may not
sign in, :class:`~ccroles.accounts.LoginFacts`).

What is kept is only ever added, never changed, so one book may be read by
any number of threads.

>>> from ccroles.accounts import Account, Customer
>>> from ccroles.plans import RolePlans
>>> account = Account(customers=[Customer("1", "A", email="a@x.example")])
>>> book = LoginBook(account, RolePlans.of(account))
>>> facts, reasons, plan = book.standing("A@x.example", None)
>>> [reason.code.value for reason in reasons], plan
(['no_access', 'no_role'], None)
>>> book.standing("nobody@x.example", None) is None
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias, cast

from ccroles.decisions import Decision, FeatureQuestion, Reason
from ccroles.features import FEATURES
from ccroles.logins import Login, LoginFacts
from ccroles.names import email_key, fold
from ccroles.permissions import PERMISSIONS, Level, Permission
from ccroles.plans import RolePlan, RolePlans
from ccroles.reasons import (
    allows_level,
    allows_sign_in,
    login_reasons,
    unknown_login,
    website_reason,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccroles.accounts import Account
    from ccroles.features import Feature, FeatureCatalogue

__all__ = ["LoginBook", "Standing", "log_decision", "login_facts"]

Standing: TypeAlias = tuple[LoginFacts, tuple[Reason, ...], RolePlan | None]
"""A login's facts, its failing checks (the website's included), its role's plan."""

_ACCEPTED: Final = "an email (str), a Login, a LoginFacts or None (nobody)"
"""What the engine's questions take as the login."""

_NOTHING: Final[frozenset[str]] = frozenset()

_FACTS_KEPT: Final = 4096
"""How many login facts' failing checks a book keeps (then it starts afresh)."""


def login_facts(login: object) -> LoginFacts:
    """The facts of a login that is not an email: the one reading of the others.

    Raises:
        TypeError: *login* is neither a :class:`~ccroles.accounts.Login` nor a
            :class:`~ccroles.accounts.LoginFacts` (subclasses are refused: the
            engine trusts their fields, not overrides).
    """
    if type(login) is LoginFacts:
        return login
    if type(login) is Login:
        return LoginFacts.of(login)
    message = f"a login is {_ACCEPTED}, got {type(login).__name__}"
    raise TypeError(message)


def log_decision(login: object, decision: Decision) -> None:
    """Log *decision* about *login* at ``DEBUG`` on the ``ccroles.policy`` logger."""
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


class LoginBook:
    """What an engine knows of the logins of *account* it was asked about.

    Args:
        account: The account whose logins are asked about.
        plans: The plans of the account's customer center roles.
        features: The feature catalogue the plans were worked out with.

    Attributes:
        account: The account.
        plans: The role plans.
        features: The feature catalogue.
        websites: The account's websites, as it writes them.
        open: The plans by role name when Customer Access is on, else empty:
            what :class:`~ccroles.accounts.LoginFacts` are read against first.
        grants: Each login asked about by email, under its email as written
            and casefolded: the names of the features it may use.
        decisions: The same, its decisions; a login that may not sign in
            gets its decisions here when they are first asked for.
        assigned: The same, its Assigned Website (only when it has one).
        logins: The same, its facts.
        failing: The same, for logins that may not sign in: their failing
            checks and their role's plan.
        facts: Login facts asked about in full, by value: their failing checks
            that do not depend on the question (at most 4096, then emptied).
    """

    def __init__(
        self, account: Account, plans: RolePlans, features: FeatureCatalogue = FEATURES
    ) -> None:
        """Start a book that knows no login yet."""
        self.account = account
        self.plans = plans
        self.features = features
        self.websites = frozenset(account.websites)
        self.open = plans.by_name if account.customer_access else {}
        self.grants: dict[str, frozenset[str]] = {}
        self.decisions: dict[str, Mapping[str | Feature, Decision]] = {}
        self.assigned: dict[str, str] = {}
        self.logins: dict[str, LoginFacts] = {}
        self.failing: dict[str, tuple[tuple[Reason, ...], RolePlan | None]] = {}
        self.facts: dict[LoginFacts, tuple[Reason, ...]] = {}

    def for_account(self, account: Account) -> LoginBook | None:
        """A new book for *account* sharing these plans; ``None`` if it cannot.

        The plans are shared when *account* has this book's roles, Customer
        Access switch and websites: what they are worked out from. Forms and
        form preferences are read from the account when asked about.
        """
        old = self.account
        if (
            account.customer_access != old.customer_access
            or account.custom_roles != old.custom_roles
            or account.websites != old.websites
        ):
            return None
        return LoginBook(account, self.plans, self.features)

    # --- learning a login ---------------------------------------------------

    def learn(self, email: str) -> bool:
        """Work out what the login *email* may use and keep it; ``False``: no login.

        Done the first time a login is asked about. It is kept under the email
        on record and casefolded (never under other spellings, which an
        attacker could vary without end); the lookup the engine's hot path
        reads (:attr:`grants`) is stored last.
        """
        key = email_key(email)
        login = self.account.find_login(key)
        if login is None:
            return False
        facts = LoginFacts.of(login)
        plans = self.plans.by_name
        found = plans.get(facts.role) or plans.get(fold(facts.role))
        keys = {cast("str", login.email), key}
        granted = _NOTHING
        if found is not None and allows_sign_in(
            facts, customer_access=self.account.customer_access
        ):
            granted = found.features
            website = facts.assigned_website
            for each in keys:
                if website is not None:
                    self.assigned[each] = self.account.website(website)
                self.decisions[each] = found.decisions
        else:
            reasons = login_reasons(self.account, facts, plans)
            for each in keys:
                self.failing[each] = (reasons, found)
        for each in keys:
            self.logins[each] = facts
            self.grants[each] = granted
        return True

    def decisions_of(self, email: str) -> Mapping[str | Feature, Decision] | None:
        """The login's decisions (kept once made), or ``None`` to decide in full.

        ``None`` for an email no login has, or spelt otherwise than on record.
        """
        if email not in self.grants and not self.learn(email):
            return None
        decisions = self.decisions.get(email)
        failing = self.failing.get(email)
        if decisions is None and failing is not None:
            reasons, plan = failing
            decisions = {
                name: Decision(
                    question,
                    reasons
                    if plan is None
                    else reasons + plan.feature_reasons[question.feature],
                )
                for name, question in self.plans.questions.items()
            }
            self.decisions[email] = decisions
        return decisions

    def facts_reasons(self, login: LoginFacts) -> tuple[Reason, ...]:
        """The failing checks of *login* that do not depend on the question.

        Kept by the facts' value: a portal makes new facts on each request,
        and equal facts fail the same checks. At most 4096 are kept; then the
        book starts afresh.

        Raises:
            UnknownRoleError: The facts name a role the account lacks.
        """
        reasons = self.facts.get(login)
        if reasons is None:
            reasons = login_reasons(self.account, login, self.plans.by_name)
            if len(self.facts) >= _FACTS_KEPT:
                self.facts.clear()
            self.facts[login] = reasons
        return reasons

    def open_plan(self, login: object) -> RolePlan | None:
        """The plan of login facts that plainly may sign in anywhere; else ``None``.

        The fast path for :class:`~ccroles.accounts.LoginFacts`: a role named
        as the account writes it, every flag set, no Assigned Website.
        Anything else is left to the full rules (``None``), never denied here.
        """
        if login.__class__ is not LoginFacts:
            return None
        plan = self.open.get(login.role)
        if (
            plan is None
            or login.assigned_website is not None
            or not allows_sign_in(login, customer_access=True)  # open: it is on
        ):
            return None
        return plan

    def signs_in(self, login: LoginFacts) -> RolePlan | None:
        """The role plan of login facts that may sign in (any website), else ``None``.

        Raises:
            UnknownRoleError: The facts name a role the account lacks.
            UnknownWebsiteError: The facts name an assigned website the
                account lacks.
        """
        role = login.role
        plans = self.plans.by_name
        plan = plans.get(role)
        if plan is None and role is not None:
            plan = plans.get(fold(self.account.role(role).name))
        assigned = login.assigned_website
        if assigned is not None and assigned not in self.websites:
            self.account.website(assigned)
        may = allows_sign_in(login, customer_access=self.account.customer_access)
        return plan if may else None

    def website(self, website: str | None) -> str | None:
        """The account's website *website* names (as the account writes it).

        Raises:
            UnknownWebsiteError: *website* is not one of the account's.
        """
        if website is None or website in self.websites:
            return website
        return self.account.website(website)

    def standing(self, login: object, website: str | None) -> Standing | None:
        """The login's facts, failing checks (*website* included), role's plan.

        ``None`` for an email no login has.

        Raises:
            TypeError: *login* is not a login.
            UnknownWebsiteError: *website* is not one of the account's, or the
                login facts name an assigned website the account lacks.
            UnknownRoleError: The login facts name a role the account lacks.
        """
        website = self.website(website)
        found: LoginFacts | None
        if login is None or isinstance(login, str):  # None: nobody signed in
            key = email_key(login)
            if key not in self.grants:
                self.learn(key)
            found = self.logins.get(key)
            reasons = self.failing.get(key, ((), None))[0]
        else:
            found = login_facts(login)
            reasons = self.facts_reasons(found)
        if found is None:
            return None
        assigned = found.assigned_website
        if assigned is not None:
            assigned = self.account.website(assigned)
            if website is not None and assigned != website:
                reasons = (*reasons, website_reason(found, assigned, website))
        return found, reasons, self.plans.by_name.get(fold(found.role))

    def unknown_login(self) -> tuple[Reason, ...]:
        """Why a login no one has is denied."""
        return unknown_login(customer_access=self.account.customer_access)

    # --- what the engine's hot paths do not find kept -------------------------

    def allows(
        self, login: object, feature: str | Feature, website: str | None
    ) -> bool:
        """Whether *login* may use *feature*: any login, names in any spelling."""
        name = self.features.resolve(feature).name
        site = self.website(website)
        granted: frozenset[str] = _NOTHING
        assigned = None
        if login is None or isinstance(login, str):  # None: nobody signed in
            key = email_key(login)
            if key in self.grants or self.learn(key):
                granted = self.grants[key]
                assigned = self.assigned.get(key)
        else:
            facts = login_facts(login)
            plan = self.signs_in(facts)
            if plan is not None:
                granted = plan.features
                assigned = (
                    None
                    if facts.assigned_website is None
                    else self.account.website(facts.assigned_website)
                )
        return name in granted and (site is None or assigned in {None, site})

    def decide(
        self, login: object, feature: str | Feature, website: str | None
    ) -> Decision:
        """Decide whether *login* may use *feature*, from what is kept if it can."""
        decision = None
        if website is None:
            if login.__class__ is str:
                decisions = self.decisions_of(login)
            else:
                plan = self.open_plan(login)
                decisions = None if plan is None else plan.decisions
            if decisions is not None:
                decision = decisions.get(feature)
        if decision is None:
            decision = self.decide_in_full(login, feature, website)
        return decision

    def decide_in_full(
        self, login: object, feature: str | Feature, website: str | None
    ) -> Decision:
        """Decide in full: a website, an email in another case, or a failing login."""
        questions = self.plans.questions
        question = questions.get(feature)
        if question is None:
            question = questions[self.features.resolve(feature).name]
        name = question.feature
        state = self.standing(login, website)
        if website is not None:
            question = FeatureQuestion(name, self.account.website(website))
        if state is None:
            return Decision(question, self.unknown_login())
        _, reasons, plan = state
        if plan is not None:
            reasons += plan.feature_reasons[name]
        return Decision(question, reasons)

    def record_login(
        self,
        login: object,
        permission: str | Permission,
        level: Level | str,
        website: str | None,
    ) -> LoginFacts | None:
        """The login, when it may reach its own records of *permission* at *level*."""
        key = PERMISSIONS.key_of(permission)
        needed = Level.parse(level)
        state = self.standing(login, website)
        if state is None:
            return None
        found, reasons, plan = state
        if reasons or plan is None or not allows_level(plan.role, key, needed):
            return None
        return found
