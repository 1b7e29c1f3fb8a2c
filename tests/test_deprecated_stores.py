"""The names moved out of ccroles.signin_store keep working, with a warning."""

from __future__ import annotations

import importlib

import pytest

from ccroles import signin_store_sqlite

MOVED = ("SQLiteSignInStore", "SCHEMA_VERSION", "APPLICATION_ID")


@pytest.mark.parametrize("name", MOVED)
def test_a_moved_sqlite_name_warns_and_is_the_new_one(name: str) -> None:
    """ccroles.signin_store.<name> is ccroles.signin_store_sqlite.<name>."""
    old = importlib.import_module("ccroles.signin_store")
    with pytest.warns(
        DeprecationWarning,
        match=rf"ccroles\.signin_store\.{name} is deprecated, "
        rf"use ccroles\.signin_store_sqlite\.{name}",
    ):
        found = getattr(old, name)
    assert found is getattr(signin_store_sqlite, name)


def test_the_old_import_of_the_sqlite_store_still_works() -> None:
    """`from ccroles.signin_store import SQLiteSignInStore` gives the same class."""
    with pytest.warns(DeprecationWarning, match="SQLiteSignInStore"):
        from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415

    assert SQLiteSignInStore is signin_store_sqlite.SQLiteSignInStore


def test_the_store_values_are_still_importable_from_the_store_module() -> None:
    """The values a store answers with moved to signin_rules; the old path works."""
    from ccroles import signin_rules, signin_store  # noqa: PLC0415

    for name in ("LinkKind", "LinkStatus", "LinkUse", "LoginState", "Reservation"):
        assert getattr(signin_store, name) is getattr(signin_rules, name)
