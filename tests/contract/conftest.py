"""The stores every contract test runs against: memory, SQLite, PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccroles import MemorySignInStore, SQLiteSignInStore
from ccroles.signin_store_pg import PostgresSignInStore

Store = MemorySignInStore | SQLiteSignInStore | PostgresSignInStore
KINDS = ("memory", "sqlite", "postgres")


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store, fresh."""
    made: Store
    if request.param == "memory":
        made = MemorySignInStore()
    elif request.param == "sqlite":
        made = SQLiteSignInStore(tmp_path / "signin.sqlite3")
    else:
        conninfo = request.getfixturevalue("postgres")
        schema = request.getfixturevalue("pg_schema")
        PostgresSignInStore.init(conninfo, schema=schema)
        made = PostgresSignInStore(conninfo, schema=schema)
    yield made
    made.close()
