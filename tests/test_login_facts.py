"""Questions about the login a portal holds: :class:`LoginFacts`.

The engine needs only the roles and the account-wide settings; the portal
passes what its own database says about the signed-in login. The property
tests (tests/property/test_login_facts_properties.py) show the answers equal
the email path's; these pin each field's rule and each hostile value.
"""

import logging

import attrs
import pytest

from ccroles import (
    CUSTOMER_CENTER,
    Account,
    CenterType,
    Contact,
    Customer,
    Engine,
    Login,
    LoginFacts,
    ReasonCode,
    Role,
)
from ccroles.exceptions import (
    InvalidFieldError,
    InvalidIdError,
    UnknownFeatureError,
    UnknownRoleError,
    UnknownWebsiteError,
)
from ccroles.login_book import LoginBook
from ccroles.plans import RolePlans
from ccroles.testing import Record

ACCOUNTANT = CUSTOMER_CENTER.customize("Accountant", levels={"TRAN_CUSTPYMT": "None"})
STAFF = Role("Staff", center_type=CenterType.SALES, levels={"TRAN_SALESORD": "Full"})
ENGINE = Engine(Account(roles=[ACCOUNTANT, STAFF], websites=["Main", "Wholesale"]))
PAY = "Make a Payment"


def facts(**changes: object) -> LoginFacts:
    """A login that may sign in, with *changes*."""
    fields: dict[str, object] = {
        "internal_id": "101",
        "role": "Customer Center",
        "give_access": True,
    }
    fields.update(changes)
    return LoginFacts(**fields)


def codes(login: object, feature: str = PAY) -> list[ReasonCode]:
    """The reason codes of the decision on *login* and *feature*."""
    decision = ENGINE.decide(login, feature)  # type: ignore[arg-type]
    return [reason.code for reason in decision.reasons]


def test_a_login_that_may_sign_in_has_its_roles_features() -> None:
    """A login that may sign in gets its role's features, and its role's reasons."""
    assert ENGINE.allows(facts(), PAY)
    assert ENGINE.decide(facts(), PAY).allowed
    assert not ENGINE.allows(facts(role="Accountant"), PAY)
    assert codes(facts(role="Accountant")) == [ReasonCode.LEVEL_TOO_LOW]


def test_the_role_name_matches_in_any_case() -> None:
    """A role name matches ignoring case and white space, as in an account."""
    assert ENGINE.allows(facts(role="  customer CENTER "), PAY)
    assert codes(facts(role="ACCOUNTANT")) == [ReasonCode.LEVEL_TOO_LOW]


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"give_access": False}, [ReasonCode.NO_ACCESS]),
        ({"give_access": 0}, [ReasonCode.NO_ACCESS]),
        ({"active": False}, [ReasonCode.INACTIVE]),
        ({"contact_id": "c1", "contact_active": False}, [ReasonCode.INACTIVE]),
        (
            {"contact_id": "c1", "contact_active": False, "active": False},
            [ReasonCode.INACTIVE, ReasonCode.INACTIVE],
        ),
        ({"role": None}, [ReasonCode.NO_ROLE]),
        ({"role": "staff"}, [ReasonCode.NOT_CUSTOMER_CENTER_ROLE]),
    ],
)
def test_each_failing_fact_denies_everything_with_its_reason(
    changes: dict[str, object], reasons: list[ReasonCode]
) -> None:
    """Each failing fact denies every kind of question, with its reason."""
    login = facts(**changes)
    assert codes(login) == reasons
    assert not ENGINE.allows(login, PAY)
    assert not ENGINE.allows_sign_in(login)
    assert not ENGINE.allows_record(login, "TRAN_CUSTINVC", Record("101"))
    assert list(ENGINE.filter_records(login, "TRAN_CUSTINVC", [Record("101")])) == []


def test_an_inactive_contact_of_a_customer_level_login_does_not_count() -> None:
    """``contact_active`` speaks of the contact: without one it is not read."""
    assert ENGINE.allows(facts(contact_active=False), PAY)


def test_customer_access_off_denies_login_facts_too() -> None:
    """The account-wide Customer Access switch holds for login facts."""
    engine = Engine(Account(customer_access=False))
    assert not engine.allows(facts(), PAY)
    assert [r.code for r in engine.decide(facts(), PAY).reasons] == [
        ReasonCode.CUSTOMER_ACCESS_OFF
    ]


def test_the_reasons_name_the_login_as_the_portal_does() -> None:
    """Messages name the login by the ids the portal gave."""
    login = facts(give_access=False, customer_id="ACME", contact_id="c1")
    assert login.label == "contact 'c1' of customer 'ACME'"
    assert login.customer_label == "customer 'ACME'"
    reason = ENGINE.decide(login, PAY).reasons[0]
    assert (
        reason.fact
        == "contact 'c1' of customer 'ACME' does not have Give Access ticked"
    )
    assert facts().label == "customer '101'"


def test_an_assigned_website_holds_on_other_websites_only() -> None:
    """An Assigned Website restricts the login to it, matched in any case."""
    login = facts(assigned_website="main")
    assert ENGINE.allows(login, PAY)
    assert ENGINE.allows(login, PAY, "MAIN")
    assert not ENGINE.allows(login, PAY, "Wholesale")
    decision = ENGINE.decide(login, PAY, "Wholesale")
    assert [r.code for r in decision.reasons] == [ReasonCode.WEBSITE_NOT_ASSIGNED]
    assert decision.reasons[0].fact == (
        "customer '101' is assigned website 'Main', not 'Wholesale'"
    )


def test_a_record_is_reached_only_when_it_is_the_logins_customers() -> None:
    """Records: only the login's own customer's."""
    own, other = Record("101"), Record("102")
    assert ENGINE.allows_record(facts(), "TRAN_CUSTINVC", own)
    assert not ENGINE.allows_record(facts(), "TRAN_CUSTINVC", other)
    assert list(ENGINE.filter_records(facts(), "TRAN_CUSTINVC", [own, other])) == [own]
    decision = ENGINE.decide_record(facts(), "TRAN_CUSTINVC", other)
    assert [r.code for r in decision.reasons] == [ReasonCode.NOT_OWN_RECORD]


def test_an_integer_internal_id_is_its_decimal_text() -> None:
    """An integer id is read by the id rule, as in an account."""
    login = facts(internal_id=101)
    assert login.internal_id == "101"
    assert ENGINE.allows_record(login, "TRAN_CUSTINVC", Record("101"))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"role": "Customer Centre"}, UnknownRoleError),
        ({"assigned_website": "Wholesal"}, UnknownWebsiteError),
    ],
)
def test_a_name_the_account_lacks_is_an_error_not_an_answer(
    changes: dict[str, object], error: type[Exception]
) -> None:
    """A portal's row naming what the engine lacks is a set-up error: it raises."""
    login = facts(**changes)
    with pytest.raises(error, match="did you mean"):
        ENGINE.allows(login, PAY)
    with pytest.raises(error):
        ENGINE.decide(login, PAY)


def test_an_unknown_feature_raises_even_for_a_login_that_is_denied() -> None:
    """A misspelt feature is a programming error whoever asks."""
    with pytest.raises(UnknownFeatureError):
        ENGINE.allows(facts(give_access=False), "Make a Paymnet")
    with pytest.raises(UnknownFeatureError):
        ENGINE.decide(facts(give_access=False), "Make a Paymnet")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("give_access", "yes"),
        ("give_access", 2),
        ("give_access", None),
        ("give_access", 1.0),
        ("active", "False"),
        ("contact_active", -1),
        ("role", 5),
        ("assigned_website", b"Main"),
    ],
)
def test_a_field_of_the_wrong_kind_is_refused(field: str, value: object) -> None:
    """A truthy string never ticks Give Access: flags are bools, or 1/0."""
    with pytest.raises(InvalidFieldError, match=field):
        facts(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("internal_id", ""),
        ("internal_id", True),
        ("customer_id", " "),
        ("contact_id", 1.5),
    ],
)
def test_an_id_of_the_wrong_kind_is_refused(field: str, value: object) -> None:
    """Ids follow the id rule: no blank text, bools or floats."""
    with pytest.raises(InvalidIdError):
        facts(**{field: value})


def test_text_subclasses_are_read_as_plain_text() -> None:
    """A str subclass cannot match a role or a login by overriding methods."""

    class Sly(str):
        __slots__ = ()

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 0

        def casefold(self) -> str:
            return "customer center"

    login = facts(role=Sly("Staff"))
    assert type(login.role) is str
    assert codes(login) == [ReasonCode.NOT_CUSTOMER_CENTER_ROLE]
    assert not ENGINE.allows(Sly("nobody@example.com"), PAY)


def test_login_facts_cannot_be_subclassed() -> None:
    """Subclasses could override a field with a property: refused."""
    with pytest.raises(TypeError, match="cannot be subclassed"):
        type("Sly", (LoginFacts,), {})


@pytest.mark.parametrize("login", [101, object(), b"ap@acme.example"])
def test_anything_else_is_refused_naming_what_is_accepted(login: object) -> None:
    """Neither an email, a Login nor login facts: a TypeError, never an answer."""
    accepted = (
        r"^a login is an email \(str\), a Login, a LoginFacts or None \(nobody\), got "
    )
    with pytest.raises(TypeError, match=accepted):
        ENGINE.allows(login, PAY)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=accepted):
        codes(login)
    with pytest.raises(TypeError, match=accepted):
        ENGINE.allows_sign_in(login)  # type: ignore[arg-type]


def test_the_facts_of_an_accounts_login() -> None:
    """LoginFacts.of copies every fact of an account's login."""
    contact = Contact("c1", "c1@acme.example", give_access=True, active=False)
    customer = Customer(
        "101", "ACME", role="Accountant", assigned_website="Main", contacts=[contact]
    )
    assert LoginFacts.of(Login(customer, contact)) == LoginFacts(
        "101",
        None,
        give_access=True,
        active=True,
        assigned_website="Main",
        customer_id="ACME",
        contact_id="c1",
        contact_active=False,
    )
    assert LoginFacts.of(Login(customer)).role == "Accountant"


def test_the_decision_log_names_login_facts_by_their_label(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The decision log names login facts by their label."""
    engine = Engine(Account(), log_decisions=True)
    with caplog.at_level(logging.DEBUG, logger="ccroles.policy"):
        engine.decide(facts(customer_id="ACME"), PAY)
    assert caplog.messages == ["customer 'ACME' may use Make a Payment"]


def test_a_feature_named_in_another_case_is_found_for_login_facts() -> None:
    """Past the fast path: the feature's name is matched ignoring case."""
    assert ENGINE.allows(facts(), "make a payment")
    assert not ENGINE.allows(facts(role="Accountant"), "MAKE A PAYMENT")
    with pytest.raises(UnknownFeatureError):
        ENGINE.allows(facts(), "Make a Paymnet")


FAILING = [
    facts(give_access=False),
    facts(active=False),
    facts(contact_id="c1", contact_active=False),
    facts(role=None),
    facts(role="Staff"),
    facts(assigned_website="Main"),
]


@pytest.mark.parametrize("login", FAILING)
def test_facts_asked_again_get_the_first_answers(login: LoginFacts) -> None:
    """Kept checks answer as a new engine does, for the same or equal facts."""
    engine = Engine(ENGINE.account)
    asked = [(PAY, None), ("Wish Lists", None), (PAY, "Wholesale"), (PAY, "Main")]
    first = [engine.decide(login, f, website=w) for f, w in asked]
    again = [engine.decide(login, f, website=w) for f, w in asked]
    equal = [engine.decide(attrs.evolve(login), f, website=w) for f, w in asked]
    fresh = [Engine(ENGINE.account).decide(login, f, website=w) for f, w in asked]
    assert first == again == equal == fresh
    # the failing checks are worked out once for equal facts, then kept
    kept = engine.decide(attrs.evolve(login), PAY).reasons
    assert all(a is b for a, b in zip(first[0].reasons, kept, strict=True))
    assert engine.allows_record(login, "TRAN_CUSTINVC", Record("1")) == (
        Engine(ENGINE.account).allows_record(login, "TRAN_CUSTINVC", Record("1"))
    )


def test_facts_are_kept_by_their_value_so_each_names_its_own_customer() -> None:
    """Facts equal but for the customer get reasons naming each one."""
    engine = Engine(ENGINE.account)
    for customer in ("ACME", "GLOBEX", "ACME"):
        login = facts(give_access=False, customer_id=customer)
        (reason,) = engine.decide(login, PAY).reasons
        assert reason.customer == customer


def test_an_engine_keeps_the_checks_of_at_most_so_many_facts() -> None:
    """At the limit every one is kept; one more, and the engine starts afresh."""
    book = LoginBook(ENGINE.account, RolePlans.of(ENGINE.account))
    for number in range(4096):  # the limit, written as a number
        book.facts_reasons(facts(internal_id=str(number), give_access=False))
    kept = book.facts
    assert len(kept) == 4096
    book.facts_reasons(facts(internal_id="one more", give_access=False))
    assert list(kept) == [facts(internal_id="one more", give_access=False)]
    new_book = book.for_account(ENGINE.account)
    assert new_book is not None
    assert len(new_book.facts) == 0


def test_facts_naming_a_role_the_account_lacks_raise_each_time() -> None:
    """Nothing is kept for them: the error comes again, with the suggestion."""
    engine = Engine(ENGINE.account)
    book = LoginBook(ENGINE.account, RolePlans.of(ENGINE.account))
    for _ in range(2):
        with pytest.raises(UnknownRoleError):
            engine.decide(facts(role="Acountant", give_access=False), PAY)
        with pytest.raises(UnknownRoleError):
            book.facts_reasons(facts(role="Acountant", give_access=False))
    assert book.facts == {}


def test_an_accounts_own_login_is_asked_about_as_its_email() -> None:
    """Engine.allows(account.login(email), ...) answers as the email does."""
    ap = Customer(
        "101", "ACME", email="ap@acme.example", give_access=True, role="Accountant"
    )
    account = Account(roles=[ACCOUNTANT], customers=[ap])
    engine = Engine(account)
    login = account.login("AP@acme.example")
    assert engine.allows(login, "Print a Statement") is True
    assert engine.allows(login, PAY) is False
    assert engine.decide(login, PAY) == engine.decide("ap@acme.example", PAY)
    assert [r.code for r in engine.decide(login, PAY).reasons] == [
        ReasonCode.LEVEL_TOO_LOW
    ]
    assert engine.allows_sign_in(login) is True
    assert engine.allows_record(login, "TRAN_CUSTINVC", Record("101")) is True
    assert engine.allows_record(login, "TRAN_CUSTINVC", Record("102")) is False


def test_a_login_subclass_is_refused() -> None:
    """A Login subclass could override its facts: the engine refuses it."""

    class Sly(Login):
        @property
        def role(self) -> str | None:
            return "Customer Center"

    with pytest.raises(TypeError, match="got Sly"):
        ENGINE.allows(Sly(Customer("101", "ACME")), PAY)


def test_one_function_decides_whether_a_login_may_sign_in() -> None:
    """A search of the engine's modules finds the sign-in flags read by one rule."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from ccroles import login_book, plans, policy, reasons, records  # noqa: PLC0415

    sources = [
        Path(str(module.__file__)).read_text(encoding="utf-8")
        for module in (login_book, plans, policy, reasons, records)
    ]
    readers = {
        function.name
        for source in sources
        for function in ast.walk(ast.parse(source))
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute)
        and node.attr in {"give_access", "contact_active"}
        and not any(  # a nested function is counted by its own name
            isinstance(inner, ast.FunctionDef) and inner is not function
            for inner in ast.walk(function)
        )
    }
    assert readers == {"allows_sign_in", "login_reasons"}
