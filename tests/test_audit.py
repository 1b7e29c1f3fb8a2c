"""The login audit trail as a portal fills it: one test per kind of event."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from ccroles import Password, Session
from ccroles.administration import Actor, Administration
from ccroles.audit import (
    AuditEvent,
    AuditKind,
    AuditOutcome,
    AuditQuery,
    render_events,
)
from ccroles.exceptions import InvalidEmailError, InvalidFieldError
from ccroles.signin import SignInSettings
from ccroles.signin_store_pg import PostgresSignInStore
from ccroles.signin_store_sqlite import SQLiteSignInStore
from tests.access_fixtures import NOW
from tests.cli_run import run
from tests.test_signin_sessions import EMAIL, NEW, RIGHT, Portal

ADMIN = "admin@acme.example"


def trail(portal: Portal) -> list[tuple[str, str | None, str, tuple[str, ...]]]:
    """The portal's trail as (kind, login, outcome, reasons)."""
    return [
        (event.kind.value, event.login, event.outcome.value, event.reasons)
        for event in portal.store.events()
    ]


def test_an_allowed_sign_in_is_recorded_with_the_client() -> None:
    """Allowed, the login casefolded, the client's address kept."""
    portal = Portal()
    portal.sign_in().attempt("AP@acme.example", Password(RIGHT), client="192.0.2.4")
    (event,) = portal.store.events()
    assert event == AuditEvent(
        NOW, AuditKind.SIGN_IN, EMAIL, AuditOutcome.ALLOWED, client="192.0.2.4"
    )


def test_a_wrong_password_is_recorded_with_its_reason() -> None:
    """Denied, with the reason code the guesser saw."""
    portal = Portal()
    portal.sign_in().attempt(EMAIL, Password("wrong-guess-1"))
    assert trail(portal) == [("sign_in", EMAIL, "denied", ("wrong_password",))]


def test_something_that_is_not_an_email_is_recorded_without_a_login() -> None:
    """No login to name: the attempt is still in the trail."""
    portal = Portal()
    portal.sign_in().attempt("not an email", Password("x"))
    assert trail(portal) == [("sign_in", None, "denied", ("wrong_password",))]


def test_the_attempt_that_locks_is_followed_by_a_lock() -> None:
    """The 5th wrong password records the lock; the 6th is refused as locked."""
    portal = Portal()
    for _ in range(6):
        portal.sign_in().attempt(EMAIL, Password("wrong-guess-1"))
    kinds = [(kind, reasons) for kind, _, _, reasons in trail(portal)]
    assert kinds == [
        *[("sign_in", ("wrong_password",))] * 4,
        ("lock", ()),
        ("sign_in", ("locked",)),
        ("sign_in", ("locked",)),
    ]


def test_an_unlock_is_recorded_with_the_administrator() -> None:
    """The acting administrator and their address; a login never seen is denied."""
    portal = Portal()
    portal.sign_in().attempt(EMAIL, Password("wrong-guess-1"))
    portal.sign_in().unlock(EMAIL, actor="Admin@ACME.example", client="192.0.2.9")
    portal.sign_in().unlock("who@acme.example")
    unlocks = portal.store.events(AuditQuery(kinds=(AuditKind.UNLOCK,)))
    assert unlocks == (
        AuditEvent(NOW, AuditKind.UNLOCK, EMAIL, actor=ADMIN, client="192.0.2.9"),
        AuditEvent(
            NOW,
            AuditKind.UNLOCK,
            "who@acme.example",
            AuditOutcome.DENIED,
            ("no_record",),
        ),
    )


def test_issuing_and_redeeming_a_link_are_recorded() -> None:
    """Issued, then redeemed: two events for the login."""
    portal = Portal()
    portal.redeem(portal.reset_link().token)
    assert trail(portal) == [
        ("link_issued", EMAIL, "done", ()),
        ("link_redeemed", EMAIL, "done", ()),
    ]


def test_a_refused_link_is_recorded_with_its_reason() -> None:
    """Used twice: the second use is refused as used; an unknown token too."""
    portal = Portal()
    token = portal.reset_link().token
    portal.redeem(token)
    portal.redeem(token)
    portal.redeem("no-such-token")
    refused = portal.store.events(AuditQuery(kinds=(AuditKind.LINK_REFUSED,)))
    assert [(e.login, e.reasons) for e in refused] == [
        (EMAIL, ("link_used",)),
        (None, ("link_unknown",)),
    ]


def test_an_expired_link_is_recorded_as_expired() -> None:
    """Past its validity: its own kind, with the reason."""
    portal = Portal()
    token = portal.reset_link().token
    portal.now += timedelta(minutes=60)
    portal.redeem(token)
    assert trail(portal)[-1] == ("link_expired", EMAIL, "denied", ("link_expired",))


def test_a_refused_session_is_recorded_and_a_holding_one_is_not() -> None:
    """Only refusals: a session checked on each request would flood the trail."""
    portal = Portal()
    session = portal.start()
    portal.sign_in().decide_session(session)
    portal.later()
    portal.redeem(portal.reset_link().token)
    portal.sign_in().allows_session(session, client="192.0.2.4")
    assert trail(portal)[-1] == (
        "session_refused",
        EMAIL,
        "denied",
        ("session_ended",),
    )
    assert portal.store.events()[-1].client == "192.0.2.4"


@pytest.mark.parametrize(
    "kind",
    [
        AuditKind.PASSWORD_CHANGE,
        AuditKind.GRANT,
        AuditKind.REVOCATION,
        AuditKind.BULK_IMPORT,
    ],
)
def test_a_change_of_access_is_recorded_by_the_portal(kind: AuditKind) -> None:
    """Password set, grant, revocation, bulk import: with the acting administrator."""
    portal = Portal()
    portal.sign_in().record(kind, "AP@acme.example", actor=ADMIN, client="192.0.2.9")
    assert portal.store.events() == (
        AuditEvent(NOW, kind, EMAIL, actor=ADMIN, client="192.0.2.9"),
    )


@pytest.mark.parametrize(
    ("email", "actor"), [("not an email", None), (EMAIL, "not an email")]
)
def test_a_change_for_something_that_is_no_email_is_refused(
    email: str, actor: str | None
) -> None:
    """The trail names logins and administrators by their email, or not at all."""
    with pytest.raises(InvalidEmailError):
        Portal().sign_in().record(AuditKind.GRANT, email, actor=actor)


@pytest.mark.parametrize(
    ("retention", "pruned"),
    [(timedelta(days=1), 1), (timedelta(days=2), 0)],
)
def test_pruning_keeps_the_retention(retention: timedelta, pruned: int) -> None:
    """Events older than the retention go; those at its edge stay."""
    portal = Portal()
    portal.sign_in().attempt(EMAIL, Password(RIGHT))
    portal.now += timedelta(days=2)
    sign_in = portal.sign_in()
    sign_in = type(sign_in)(
        sign_in.engine,
        sign_in.store,
        SignInSettings(audit_retention=retention),
        clock=sign_in.clock,
    )
    assert sign_in.prune_audit() == pruned


@pytest.mark.parametrize(
    ("days", "accepted"), [(3653, True), (3654, False), (0, False)]
)
def test_the_retention_is_at_most_ten_years(days: int, *, accepted: bool) -> None:
    """3653 days is the longest retention; longer or none is refused."""
    if accepted:
        settings = SignInSettings(audit_retention=timedelta(days=days))
        assert settings.audit_retention == timedelta(days=days)
    else:
        with pytest.raises(InvalidFieldError, match="audit_retention"):
            SignInSettings(audit_retention=timedelta(days=days))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", datetime(2026, 1, 1)),  # noqa: DTZ001 (naive on purpose)
        ("client", "example.com"),
        ("client", "192.0.2.4; DROP TABLE"),
        ("reasons", ("wrong password",)),
        ("reasons", ("",)),
        ("reasons", "wrong_password"),
    ],
)
def test_an_event_holds_no_free_text(field: str, value: object) -> None:
    """A naive time, a client that is no address, reasons that are no codes."""
    fields: dict[str, object] = {
        "at": NOW,
        "kind": AuditKind.SIGN_IN,
        "login": EMAIL,
        field: value,
    }
    with pytest.raises(InvalidFieldError, match=field):
        AuditEvent(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("since", datetime(2026, 1, 1)),  # noqa: DTZ001 (naive on purpose)
        ("until", datetime(2026, 1, 1)),  # noqa: DTZ001 (naive on purpose)
        ("kinds", ("sign_in",)),
        ("kinds", "sign_in"),
    ],
)
def test_a_query_takes_aware_times_and_kinds(field: str, value: object) -> None:
    """Naive times and kinds given as text are refused."""
    with pytest.raises(InvalidFieldError, match=field):
        AuditQuery(**{field: value})  # type: ignore[arg-type]


def test_events_render_as_json() -> None:
    """Every field, the time in UTC."""
    event = AuditEvent(
        datetime(2026, 1, 5, 10, 0, tzinfo=UTC) + timedelta(hours=0),
        AuditKind.SIGN_IN,
        EMAIL,
        AuditOutcome.DENIED,
        ("wrong_password",),
        client="192.0.2.4",
    )
    assert render_events([event], "json") == (
        "[\n  {\n"
        '    "at": "2026-01-05T10:00:00+00:00",\n'
        '    "kind": "sign_in",\n'
        '    "login": "ap@acme.example",\n'
        '    "outcome": "denied",\n'
        '    "reasons": [\n      "wrong_password"\n    ],\n'
        '    "actor": null,\n'
        '    "client": "192.0.2.4"\n'
        "  }\n]"
    )


# No password or token ever reaches the trail


SECRET_PASSWORD = "Secret-Guess-9271"  # noqa: S105 (a test value to hunt for)


def every_kind(portal: Portal) -> list[bytes]:
    """Record every kind of event; the passwords and tokens sent, to look for."""
    sign_in = portal.sign_in()
    sign_in.attempt(EMAIL, Password(RIGHT), client="192.0.2.4")
    for _ in range(5):
        sign_in.attempt(EMAIL, Password(SECRET_PASSWORD))
    sign_in.unlock(EMAIL, actor=ADMIN)
    session = Session(EMAIL, NOW - timedelta(minutes=1))
    link = portal.reset_link()
    portal.redeem(link.token, SECRET_PASSWORD)
    portal.redeem(link.token, SECRET_PASSWORD)
    expired = portal.reset_link()
    portal.now += timedelta(hours=2)
    portal.redeem(expired.token, SECRET_PASSWORD)
    portal.sign_in().decide_session(session)
    for kind in (
        AuditKind.PASSWORD_CHANGE,
        AuditKind.GRANT,
        AuditKind.REVOCATION,
        AuditKind.BULK_IMPORT,
    ):
        portal.sign_in().record(kind, EMAIL, actor=ADMIN)
    acting = Administration(portal.sign_in(), Actor(ADMIN, "Administrator"))
    acting.set_customer_access(portal.account, on=True)
    acting.preview("101")
    kinds = {event.kind for event in portal.store.events()}
    assert kinds == set(AuditKind)
    sent = [SECRET_PASSWORD, NEW, RIGHT, link.token, expired.token]
    return [text.encode() for text in sent]


def test_no_password_or_token_reaches_the_sqlite_trail(tmp_path: Path) -> None:
    """Every kind recorded; the file's bytes hold no password and no token."""
    path = tmp_path / "signin.sqlite3"
    portal = Portal(store=SQLiteSignInStore(path))
    secrets = every_kind(portal)
    portal.store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = "\n".join(connection.iterdump()).encode()
    connection.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in secrets:
        assert secret not in dump
        assert secret not in raw


def test_no_password_or_token_reaches_the_postgres_trail(
    postgres: str, pg_schema: str
) -> None:
    """Every kind recorded; no row of any table holds a password or a token."""
    PostgresSignInStore.init(postgres, schema=pg_schema)
    portal = Portal(store=PostgresSignInStore(postgres, schema=pg_schema))
    secrets = every_kind(portal)
    portal.store.close()
    with psycopg.connect(postgres) as connection:
        rows = [
            repr(connection.execute(f"SELECT * FROM {pg_schema}.{table}").fetchall())  # noqa: S608
            for table in ("logins", "links", "events", "version")
        ]
    text = "\n".join(rows).encode()
    assert b"sign_in" in text
    for secret in secrets:
        assert secret not in text


# From the shell


def test_the_audit_command_prints_the_trail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Filtered by login, time, kind and outcome; as a table or JSON."""
    path = tmp_path / "signin.sqlite3"
    portal = Portal(store=SQLiteSignInStore(path))
    portal.sign_in().attempt(EMAIL, Password("wrong-guess-1"), client="192.0.2.4")
    portal.later()
    portal.sign_in().attempt(EMAIL, Password(RIGHT))
    portal.sign_in().unlock(EMAIL, actor=ADMIN)
    portal.store.close()
    status, out, err = run(
        capsys, "audit", str(path), "--email", EMAIL.upper(), "--kind", "sign_in"
    )
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        (
            "time                       kind     login            outcome  reasons"
            "         actor  client"
        ),
        (
            "2026-03-01 09:30:00+00:00  sign_in  ap@acme.example  denied   "
            "wrong_password  -      192.0.2.4"
        ),
        (
            "2026-03-01 09:31:00+00:00  sign_in  ap@acme.example  allowed  -"
            "               -      -"
        ),
    ]
    since = "2026-03-01T10:31:00+01:00"  # 09:31 UTC
    status, out, _ = run(
        capsys, "audit", str(path), "--since", since, "--format", "json"
    )
    assert [e["kind"] for e in __import__("json").loads(out)] == ["sign_in", "unlock"]
    status, out, _ = run(capsys, "audit", str(path), "--outcome", "denied")
    assert len(out.splitlines()) == 2
    status, out, _ = run(capsys, "audit", str(path), "--since", "2026-03-01T09:31")
    assert len(out.splitlines()) == 3  # no zone: UTC


def test_the_audit_command_refuses_a_time_it_cannot_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Not ISO 8601: one line on stderr, status 2."""
    path = tmp_path / "signin.sqlite3"
    SQLiteSignInStore(path).close()
    assert run(capsys, "audit", str(path), "--since", "yesterday") == (
        2,
        "",
        "ccroles: error: --since 'yesterday' is not an ISO 8601 time\n",
    )
