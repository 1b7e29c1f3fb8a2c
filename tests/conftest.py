"""Hypothesis profiles: thorough by default (CI), ``FAST=1`` quick, ``LONG=1`` long."""

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, settings

from tests import postgres_server

pytest_plugins = ["pytester"]

settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile(  # LONG=1: ten times the thorough one, for a long run
    "long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("FAST") == "1":
    settings.load_profile("fast")
elif os.environ.get("LONG") == "1":
    settings.load_profile("long")
else:
    settings.load_profile("thorough")


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The connection string of a throw-away PostgreSQL server (one per process)."""
    server = postgres_server.start()
    yield server.conninfo
    server.stop()


@pytest.fixture
def pg_schema(postgres: str) -> Iterator[str]:
    """A fresh schema name on the throw-away server, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield schema
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
