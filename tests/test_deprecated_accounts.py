"""Old names of the account modules keep working for one release, with a warning.

Each name moved out of ``ccroles.accounts`` is still found there, with a
``DeprecationWarning`` naming its new home, and is the very object of that
home.
"""

from __future__ import annotations

import importlib
import re

import pytest

import ccroles.accounts
from ccroles.accounts import Account
from ccroles.roles import CUSTOMER_CENTER

MOVED = [
    ("AccountProblem", "ccroles.account_rules"),
    ("account_problems", "ccroles.account_rules"),
    ("Contact", "ccroles.customers"),
    ("LoginFacts", "ccroles.logins"),
    ("DEFAULT_NOTIFICATION_SUBJECT", "ccroles.notifications"),
    ("DEFAULT_NOTIFICATION_TEMPLATE", "ccroles.notifications"),
    ("MAX_LINK_VALIDITY", "ccroles.notifications"),
    ("NOTIFICATION_PLACEHOLDERS", "ccroles.notifications"),
    ("format_path", "ccroles.paths"),
    ("PasswordHash", "ccroles.passwords"),
]


@pytest.mark.parametrize(("name", "home"), MOVED)
def test_a_moved_name_warns_and_is_its_new_homes_object(name: str, home: str) -> None:
    """``ccroles.accounts.<name>`` warns, naming the new home, and is that object."""
    new = getattr(importlib.import_module(home), name)
    message = re.escape(f"ccroles.accounts.{name} is deprecated, use {home}.{name}")
    with pytest.warns(DeprecationWarning, match=message):
        old = getattr(ccroles.accounts, name)
    assert old is new


def test_a_moved_name_imports_from_the_old_module_with_a_warning() -> None:
    """``from ccroles.accounts import LoginFacts`` works and warns."""
    from ccroles.logins import LoginFacts  # noqa: PLC0415

    with pytest.warns(DeprecationWarning, match=r"ccroles\.logins\.LoginFacts"):
        from ccroles.accounts import LoginFacts as Old  # noqa: PLC0415

    assert Old is LoginFacts


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("Customer", "ccroles.customers"),
        ("Login", "ccroles.logins"),
        ("NotificationSettings", "ccroles.notifications"),
        ("AccountRules", "ccroles.account_rules"),
    ],
)
def test_a_name_the_accounts_module_uses_is_there_without_a_warning(
    name: str, home: str
) -> None:
    """Names ``ccroles.accounts`` imports for its own use are plainly there."""
    assert getattr(ccroles.accounts, name) is getattr(
        importlib.import_module(home), name
    )


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    """A name that never was in the module is refused as usual."""
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = ccroles.accounts.Nope


def test_the_old_roles_attribute_warns_and_gives_the_custom_roles() -> None:
    """``Account.roles`` warns and is ``Account.custom_roles``."""
    account = Account(roles=[CUSTOMER_CENTER.customize("Payers")])
    with pytest.warns(
        DeprecationWarning,
        match=r"Account\.roles is deprecated, use Account\.custom_roles",
    ):
        old = account.roles
    assert old == account.custom_roles
    assert [role.name for role in old] == ["Payers"]
