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
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar

import attrs

from ccroles._deprecation import moved_names, warn_renamed
from ccroles.decisions import Decision, SignInQuestion
from ccroles.exceptions import NoLoginEmailError
from ccroles.features import FEATURES, FeatureCatalogue
from ccroles.login_book import LoginBook, log_decision
from ccroles.plans import RolePlans
from ccroles.reasons import locked
from ccroles.records import RecordQuestions

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from ccroles.accounts import Account
    from ccroles.decisions import FormAnswer
    from ccroles.features import Feature
    from ccroles.forms import RecordType
    from ccroles.logins import Login, LoginFacts
    from ccroles.records import OwnedRecord

__all__ = ["Engine", "Preview"]

__getattr__ = moved_names(__name__, {"OwnedRecord": "ccroles.records"})


_P = ParamSpec("_P")
_T = TypeVar("_T")


@attrs.frozen
class Engine(RecordQuestions):
    """Answers what each login of an account may do; its answers never change.

    Building the engine works out, per role, which features it has, why it
    lacks the others, and the decision for each (:mod:`ccroles.plans`); its
    cost depends on the roles, not on the number of customers. What does not
    depend on the question for a login (the Customer Access switch, Give
    Access, active, the role known and a customer center role) is worked out
    the first time the login is asked about, and kept
    (:mod:`ccroles.login_book`): every login of a role that may sign in
    shares its role's decisions. Answers then cost a dictionary lookup or
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
    # What the engine knows of each login asked about; the fields below are
    # the book's own, read directly by the hot paths (no call between).
    _book: LoginBook = attrs.field(init=False, repr=False, eq=False, hash=False)
    _grants: dict[str, frozenset[str]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _decisions: dict[str, Mapping[str | Feature, Decision]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _assigned: dict[str, str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _websites: frozenset[str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Keyed by feature name; typed wider so a Feature can be looked up (a miss).
    _questions: Mapping[str | Feature, object] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Work out every per-role answer up front; logins when first asked."""
        self._read(
            LoginBook(
                self.account, RolePlans.of(self.account, self.features), self.features
            )
        )

    def _read(self, book: LoginBook) -> None:
        """Keep *book*, and what the hot paths read of it."""
        object.__setattr__(self, "_book", book)
        object.__setattr__(self, "_grants", book.grants)
        object.__setattr__(self, "_decisions", book.decisions)
        object.__setattr__(self, "_assigned", book.assigned)
        object.__setattr__(self, "_websites", book.websites)
        object.__setattr__(self, "_questions", book.plans.questions)

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
        book = self._book.for_account(account)
        if book is None:
            return Engine(account, self.features, log_decisions=self.log_decisions)
        changed: Engine = object.__new__(Engine)
        object.__setattr__(changed, "account", account)
        object.__setattr__(changed, "features", self.features)
        object.__setattr__(changed, "log_decisions", self.log_decisions)
        changed._read(book)
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
            return self._book.allows(login, feature, website)
        if login.__class__ is not str:
            plan = self._book.open_plan(login)
            if plan is not None:
                if feature in plan.features:
                    return True
                if feature in self._questions:
                    return False
            return self._book.allows(login, feature, website)
        try:
            granted = self._grants[login]
        except KeyError:  # another case, or no such login
            return self._book.allows(login, feature, website)
        if feature in granted:
            if website is None:
                return True
            assigned = self._assigned.get(login)
            return assigned is None or assigned == website
        if feature in self._questions:
            return False  # a known login and feature, as written: denied
        return self._book.allows(login, feature, website)

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
                decision = self._book.decide(login, feature, website)
        else:
            decision = self._book.decide(login, feature, website)
        if self.log_decisions:
            log_decision(login, decision)
        return decision

    # --- signing in -------------------------------------------------------

    def allows_sign_in(
        self, login: str | Login | LoginFacts | None, website: str | None = None
    ) -> bool:
        """Whether *login* may sign in (to *website*, if given)."""
        state = self._book.standing(login, website)
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
        state = self._book.standing(login, website)
        reasons = self._book.unknown_login() if state is None else state[1]
        if locked_until is not None:
            reasons = (locked(locked_until), *reasons)
        decision = Decision(SignInQuestion(self._book.website(website)), reasons)
        if self.log_decisions:
            log_decision(login, decision)
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
    :meth:`~Engine.form_view`, :meth:`~Engine.form_answer`,
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
    form_answer = _AsLogin(Engine.form_answer)
    allows_sign_in = _AsLogin(Engine.allows_sign_in)
    decide_sign_in = _AsLogin(Engine.decide_sign_in)

    def decide_form(
        self,
        record: OwnedRecord,
        record_type: RecordType | None = None,
        website: str | None = None,
    ) -> FormAnswer:
        """Deprecated: use :meth:`form_answer` (it returns a ``FormAnswer``)."""
        warn_renamed("Preview.decide_form", "Preview.form_answer")
        return self.engine.form_answer(self.email, record, record_type, website)
