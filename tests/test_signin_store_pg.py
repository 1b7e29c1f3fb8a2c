"""The PostgreSQL store's own matters: its schema, its version, its neighbours.

What it answers is the contract's (tests/contract/); here: ``init`` makes
the schema once, a newer one and a schema holding other tables are refused
untouched, other tables are never touched, and no password is shown.
"""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import psycopg_pool
import pytest

from ccroles.exceptions import SignInStoreError
from ccroles.signin_rules import LinkKind, LinkStatus, LoginState
from ccroles.signin_store_pg import PostgresSignInStore
from tests.cli_run import run

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)
EMAIL = "ap@acme.example"


def sql(conninfo: str, statement: str) -> list[tuple[object, ...]]:
    """Run one statement on the server; its rows (none for a command)."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def version(conninfo: str, schema: str) -> list[tuple[object, ...]]:
    """The version table of *schema*."""
    return sql(conninfo, f"SELECT version FROM {schema}.version")  # noqa: S608


@pytest.fixture
def schema(pg_schema: str) -> str:
    """A fresh schema name (dropped afterwards)."""
    return pg_schema


@pytest.fixture
def other_tables(postgres: str) -> Iterator[str]:
    """A table of another program, in a schema of its own."""
    sql(postgres, "CREATE SCHEMA shop")
    sql(postgres, "CREATE TABLE shop.orders (id INTEGER PRIMARY KEY, total TEXT)")
    sql(postgres, "INSERT INTO shop.orders VALUES (1, '9.50')")
    yield "shop"
    sql(postgres, "DROP SCHEMA shop CASCADE")


def test_init_makes_the_schema_once(postgres: str, schema: str) -> None:
    """The first init creates version 2; the second finds it and changes nothing."""
    assert PostgresSignInStore.init(postgres, schema=schema) == 0
    assert version(postgres, schema) == [(2,)]
    assert PostgresSignInStore.init(postgres, schema=schema) == 2
    assert version(postgres, schema) == [(2,)]


def test_a_store_without_its_schema_is_refused_and_nothing_is_made(
    postgres: str, schema: str
) -> None:
    """Opening is no init: the error says which command makes the schema."""
    with pytest.raises(SignInStoreError, match="ccroles sign-in-store init URL"):
        PostgresSignInStore(postgres, schema=schema)
    found = sql(
        postgres,
        "SELECT count(*) FROM information_schema.schemata "  # noqa: S608
        f"WHERE schema_name = '{schema}'",
    )
    assert found == [(0,)]


def test_a_newer_schema_is_refused_untouched(postgres: str, schema: str) -> None:
    """Version 3 (a later ccroles) is neither opened nor migrated."""
    PostgresSignInStore.init(postgres, schema=schema)
    sql(postgres, f"UPDATE {schema}.version SET version = 3")  # noqa: S608
    with pytest.raises(SignInStoreError, match="schema version is 3"):
        PostgresSignInStore(postgres, schema=schema)
    with pytest.raises(SignInStoreError, match="schema version is 3"):
        PostgresSignInStore.init(postgres, schema=schema)
    assert version(postgres, schema) == [(3,)]


def test_other_tables_are_never_touched(
    postgres: str, schema: str, other_tables: str
) -> None:
    """A store beside a shop's tables: its rows are as they were."""
    PostgresSignInStore.init(postgres, schema=schema)
    with PostgresSignInStore(postgres, schema=schema) as store:
        store.reserve(EMAIL, NOW, 5, LOCK, b"c1")
        store.unlock(EMAIL)
    assert sql(postgres, f"SELECT * FROM {other_tables}.orders") == [(1, "9.50")]  # noqa: S608


def test_a_schema_holding_other_tables_is_refused(
    postgres: str, other_tables: str
) -> None:
    """Init into a schema that is not the store's own creates nothing there."""
    with pytest.raises(SignInStoreError, match=r"holds other tables \(orders\)"):
        PostgresSignInStore.init(postgres, schema=other_tables)
    tables = sql(
        postgres,
        "SELECT table_name FROM information_schema.tables "  # noqa: S608
        f"WHERE table_schema = '{other_tables}'",
    )
    assert tables == [("orders",)]


@pytest.mark.parametrize(
    "name", ["", "Upper", "1starts_with_a_digit", "a;drop table x", "a" * 64, 7]
)
def test_a_schema_name_outside_the_rule_is_refused(postgres: str, name: str) -> None:
    """Lower-case letters, digits, underscores, 1 to 63 characters: else refused."""
    with pytest.raises(SignInStoreError, match="schema name"):
        PostgresSignInStore.init(postgres, schema=name)
    with pytest.raises(SignInStoreError, match="schema name"):
        PostgresSignInStore(postgres, schema=name)


def test_a_63_character_schema_name_is_accepted(postgres: str) -> None:
    """The longest name PostgreSQL keeps whole."""
    name = "s" * 63
    try:
        assert PostgresSignInStore.init(postgres, schema=name) == 0
    finally:
        sql(postgres, f"DROP SCHEMA IF EXISTS {name} CASCADE")


def test_two_stores_share_one_count(postgres: str, schema: str) -> None:
    """Two web servers (two connections): the 5th wrong password in all locks."""
    PostgresSignInStore.init(postgres, schema=schema)
    with (
        PostgresSignInStore(postgres, schema=schema) as first,
        PostgresSignInStore(postgres, schema=schema) as second,
    ):
        for store in (first, second, first, second):
            store.record_failure(EMAIL, NOW, 5, LOCK)
        assert second.record_failure(EMAIL, NOW, 5, LOCK) == LoginState(5, NOW + LOCK)
        assert first.state(EMAIL, NOW) == LoginState(5, NOW + LOCK)


def test_a_pool_lends_the_connections(postgres: str, schema: str) -> None:
    """With a portal's pool, each step borrows a connection; closing leaves the pool."""
    PostgresSignInStore.init(postgres, schema=schema)
    with psycopg_pool.ConnectionPool(postgres, min_size=1, max_size=2) as pool:
        store = PostgresSignInStore(postgres, schema=schema, pool=pool)
        assert store.reserve(EMAIL, NOW, 5, LOCK, b"c1").state == LoginState(1)
        store.close()
        assert store.state(EMAIL, NOW) == LoginState(1)


def test_no_password_is_shown(postgres: str, schema: str) -> None:
    """Repr and errors name the database, never the connection's password."""
    PostgresSignInStore.init(postgres, schema=schema)
    with_password = f"{postgres} password=hunter2-secret"
    with PostgresSignInStore(with_password, schema=schema) as store:
        assert "hunter2" not in repr(store)
        assert repr(store).startswith("PostgresSignInStore('postgresql://")
    unreachable = "host=/nonexistent port=5 user=x password=hunter2-secret"
    with pytest.raises(SignInStoreError) as refused:
        PostgresSignInStore(unreachable, schema=schema)
    assert "hunter2" not in str(refused.value)
    assert "PostgreSQL failed" in str(refused.value)
    with pytest.raises(SignInStoreError) as refused:
        PostgresSignInStore.init(unreachable, schema=schema)
    assert "hunter2" not in str(refused.value)


def test_an_unreadable_connection_string_is_refused(schema: str) -> None:
    """Not a connection string: refused, and the text is not echoed."""
    with pytest.raises(SignInStoreError, match="unreadable connection string"):
        PostgresSignInStore("host='unterminated password=hunter2", schema=schema)


def test_a_failure_inside_a_step_is_a_store_error(postgres: str, schema: str) -> None:
    """Tables dropped under a running store: its next step says PostgreSQL failed."""
    PostgresSignInStore.init(postgres, schema=schema)
    with PostgresSignInStore(postgres, schema=schema) as store:
        sql(postgres, f"DROP TABLE {schema}.logins")
        with pytest.raises(SignInStoreError, match="PostgreSQL failed"):
            store.state(EMAIL, NOW)


def test_the_command_line_inits_once_and_reads_the_store(
    capsys: pytest.CaptureFixture[str], postgres: str, schema: str
) -> None:
    """init, init again, then sign-in-status and unlock on the URL."""
    url = "postgresql:///postgres?host={}&port=5432&user=ccroles".format(
        postgres.split(maxsplit=1)[0].removeprefix("host=")
    )
    created = f"schema {schema!r}: created at version 2\n"
    again = f"schema {schema!r}: already at version 2\n"
    assert run(capsys, "sign-in-store", "init", url, "--schema", schema) == (
        0,
        created,
        "",
    )
    assert run(capsys, "sign-in-store", "init", url, "--schema", schema) == (
        0,
        again,
        "",
    )
    status = run(capsys, "sign-in-status", url, EMAIL, "--schema", schema)
    assert status == (0, f"{EMAIL}: not locked; 0 wrong passwords in a row\n", "")
    unlocked = run(capsys, "unlock", url, EMAIL, "--schema", schema)
    assert unlocked[0] == 1


def test_a_schema_with_another_programs_version_table_is_refused(
    postgres: str, schema: str
) -> None:
    """A table named like the store's, of another shape: refused, not read as ours."""
    sql(postgres, f"CREATE SCHEMA {schema}")
    sql(postgres, f"CREATE TABLE {schema}.version (release TEXT)")
    with pytest.raises(SignInStoreError, match="PostgreSQL failed"):
        PostgresSignInStore(postgres, schema=schema)
    with pytest.raises(SignInStoreError, match="PostgreSQL failed"):
        PostgresSignInStore.init(postgres, schema=schema)


def test_one_link_used_by_8_web_servers_at_once_is_accepted_once(
    postgres: str, schema: str
) -> None:
    """8 connections redeem the same link at once: one accepted, 7 find it used."""
    PostgresSignInStore.init(postgres, schema=schema)
    stores = [PostgresSignInStore(postgres, schema=schema) for _ in range(8)]
    stores[0].add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=b"c1"
    )
    barrier = threading.Barrier(len(stores))
    statuses: list[LinkStatus] = []

    def use(store: PostgresSignInStore) -> None:
        barrier.wait()
        statuses.append(store.use_link(b"d1", NOW, b"c1", b"c2").status)

    threads = [threading.Thread(target=use, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert sorted(status.value for status in statuses) == ["accepted"] + ["used"] * 7
