"""The machinery that keeps old names working for one release."""

from __future__ import annotations

import pytest

from ccroles._deprecation import moved_names, warn_renamed


def test_a_renamed_name_warns_at_the_users_line() -> None:
    """The warning names both spellings and points at the caller's caller."""

    def old() -> None:
        warn_renamed("old", "new")

    with pytest.warns(DeprecationWarning, match="^old is deprecated") as caught:
        old()
    (warning,) = caught
    assert str(warning.message) == (
        "old is deprecated, use new; the old name goes in the next release"
    )
    assert warning.filename == __file__


def test_a_moved_name_is_found_in_its_new_module_with_a_warning() -> None:
    """The module's __getattr__ warns and returns the object from its new home."""
    getattr_ = moved_names("ccroles.old", {"Level": "ccroles.permissions"})
    from ccroles.permissions import Level  # noqa: PLC0415

    with pytest.warns(DeprecationWarning, match=r"ccroles\.old\.Level is deprecated"):
        assert getattr_("Level") is Level
    with pytest.raises(
        AttributeError, match=r"module 'ccroles\.old' has no attribute 'Nope'"
    ):
        getattr_("Nope")


def test_a_renamed_name_is_found_under_its_new_name() -> None:
    """A (module, new name) entry gives the object renamed there."""
    getattr_ = moved_names("ccroles.old", {"Degree": ("ccroles.permissions", "Level")})
    from ccroles.permissions import Level  # noqa: PLC0415

    with pytest.warns(
        DeprecationWarning,
        match=r"ccroles\.old\.Degree is deprecated, use "
        r"ccroles\.permissions\.Level;",
    ):
        assert getattr_("Degree") is Level
