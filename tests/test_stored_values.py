"""The words a sign-in store writes, pinned: a file outlives the code that wrote it.

A store file written by one release is read by the next, so the kinds and
states of links stored in it, and the names of the answers a store gives, are
part of its format. Each is written here as the text itself.
"""

import hashlib
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from ccroles.accounts import Account
from ccroles.customers import Contact, Customer
from ccroles.passwords import Password, PasswordHash
from ccroles.policy import Engine
from ccroles.signin import SignIn
from ccroles.signin_links import credentials_digest
from ccroles.signin_rules import LinkKind, LinkStatus, LoginState
from ccroles.signin_store_sqlite import SQLiteSignInStore

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _rows(path: Path) -> list[tuple[bytes, str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT digest, kind, state FROM links ORDER BY digest"
        )
        return list(rows)


def test_a_store_file_holds_each_link_kind_and_state_as_its_word(
    tmp_path: Path,
) -> None:
    """Each kind and state of a stored link is written as its own word."""
    path = tmp_path / "signin.db"
    store = SQLiteSignInStore(path)
    try:
        store.add_link(
            "a@x.example", LinkKind.ACCESS, b"1", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "a@x.example", LinkKind.RESET, b"2", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "b@x.example", LinkKind.RESET, b"3", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "c@x.example", LinkKind.RESET, b"4", NOW + HOUR, now=NOW, credentials=b"c"
        )
        assert store.use_link(b"3", NOW, b"c", b"d").status is LinkStatus.ACCEPTED
        store.observe("c@x.example", NOW, b"changed")
    finally:
        store.close()
    assert _rows(path) == [
        (b"1", "access", "replaced"),
        (b"2", "reset", "open"),
        (b"3", "reset", "used"),
        (b"4", "reset", "closed"),
    ]


def test_link_kinds_and_answers_keep_their_names() -> None:
    """What users compare, store and log: the value of each kind and answer."""
    assert [kind.value for kind in LinkKind] == ["access", "reset"]
    assert [status.value for status in LinkStatus] == [
        "accepted",
        "unknown",
        "expired",
        "used",
        "replaced",
        "closed",
    ]


def test_a_logins_credentials_digest_is_written_as_documented() -> None:
    """A store keeps SHA-256 of a fixed label, the access, and the whole hash.

    A store file keeps this digest between releases: a change of its layout
    would end every session and close every link at the upgrade.
    """
    salt, key = b"s" * 16, b"k" * 32
    stored = PasswordHash("scrypt", 16384, 8, 1, salt, key)
    customer = Customer("101", "ACME", email="ap@acme.example", role="Customer Center")
    without = Account(customers=[customer])
    granted = Account(
        customers=[attrs.evolve(customer, give_access=True, password_hash=stored)]
    )
    label = b"ccroles credentials 1\x00"
    assert credentials_digest(without, "ap@acme.example") == (
        hashlib.sha256(label + b"no access\x00").digest()
    )
    assert credentials_digest(granted, "AP@acme.example") == (
        hashlib.sha256(
            label
            + b"access\x00"
            + b"scrypt:16384:8:1\x00"
            + b"\x00\x00\x00\x10"
            + salt
            + key
        ).digest()
    )


def test_a_contacts_credentials_digest_covers_its_own_password() -> None:
    """A contact's digest is of the contact's hash, not its customer's."""
    mine = PasswordHash("scrypt", 16384, 8, 1, b"c" * 16, b"k" * 32)
    theirs = PasswordHash("scrypt", 16384, 8, 1, b"s" * 16, b"k" * 32)
    contact = Contact(
        "c1",
        "books@acme.example",
        give_access=True,
        role="Customer Center",
        password_hash=mine,
    )
    customer = Customer(
        "101",
        "ACME",
        email="ap@acme.example",
        give_access=True,
        role="Customer Center",
        password_hash=theirs,
        contacts=[contact],
    )
    account = Account(customers=[customer])
    assert credentials_digest(account, "books@acme.example") == (
        hashlib.sha256(
            b"ccroles credentials 1\x00access\x00scrypt:16384:8:1\x00\x00\x00\x00\x10"
            + b"c" * 16
            + b"k" * 32
        ).digest()
    )


def test_a_store_file_forgets_an_unknown_email_when_its_record_expires(
    tmp_path: Path,
) -> None:
    """A wrong password for an email no login has is kept until its lock would end."""
    store = SQLiteSignInStore(tmp_path / "signin.db")
    later = NOW + timedelta(minutes=30)
    try:
        sign_in = SignIn(Engine(Account()), store, clock=lambda: NOW)
        sign_in.attempt("who@x.example", Password("wrong-password-1"))
        before = store.state("who@x.example", later - timedelta(microseconds=1))
        after = store.state("who@x.example", later)
    finally:
        store.close()
    assert (before, after) == (LoginState(1), LoginState())


def test_a_store_file_is_marked_and_indexed_as_documented(tmp_path: Path) -> None:
    """Application id ``ccrs``, schema version 3, and an index for each lookup."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    with sqlite3.connect(path) as connection:
        marks = [
            connection.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("application_id", "user_version")
        ]
        indexes = connection.execute(
            "SELECT name, tbl_name FROM sqlite_master"
            " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
    assert marks == [int.from_bytes(b"ccrs", "big"), 3]
    assert indexes == [
        ("events_by_login", "events"),
        ("events_by_time", "events"),
        ("links_by_email", "links"),
        ("logins_by_expiry", "logins"),
    ]


def test_a_version_2_store_file_is_taken_up_and_migrated(tmp_path: Path) -> None:
    """A file an earlier release wrote (logins and links, version 2) opens."""
    path = tmp_path / "signin.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE logins (
                email TEXT PRIMARY KEY, failures INTEGER NOT NULL,
                locked_until TEXT, credentials BLOB, changed TEXT, expires TEXT
            );
            CREATE TABLE links (
                digest BLOB PRIMARY KEY, email TEXT NOT NULL, kind TEXT NOT NULL,
                expires TEXT NOT NULL, state TEXT NOT NULL
            );
            INSERT INTO logins VALUES ('a@x.example', 2, NULL, NULL, NULL, NULL);
            PRAGMA application_id = 1667461747;
            PRAGMA user_version = 2;
            """
        )
    connection.close()
    store = SQLiteSignInStore(path)
    try:
        assert store.state("a@x.example", NOW) == LoginState(2)
        assert store.events() == ()
    finally:
        store.close()


def test_a_store_file_writes_times_in_utc_whatever_the_local_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Times are kept as UTC text, so that text order is time order."""
    path = tmp_path / "signin.db"
    monkeypatch.setenv("TZ", "JST-9")  # nine hours east of UTC, no database needed
    time.tzset()
    try:
        store = SQLiteSignInStore(path)
        store.add_link(
            "a@x.example", LinkKind.RESET, b"1", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.close()
    finally:
        monkeypatch.undo()
        time.tzset()
    with sqlite3.connect(path) as connection:
        written = connection.execute("SELECT expires FROM links").fetchone()[0]
    assert written == "2026-03-01T11:00:00.000000+00:00"
