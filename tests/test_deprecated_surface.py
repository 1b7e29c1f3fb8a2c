"""Old names of the surface: each warns, names the new one, and answers alike."""

from __future__ import annotations

import importlib

import pytest

import ccroles
from ccroles import (
    CUSTOMER_CENTER,
    FEATURES,
    PREMIUM_CUSTOMER_CENTER,
    FormField,
    feature_matrix,
)
from ccroles.form_views import role_form_view
from ccroles.forms import allows_preferred_form
from ccroles.render import OutputFormat
from ccroles.wording import customer_message, explain


def test_matrix_allowed_takes_feature_then_role_and_warns() -> None:
    """FeatureMatrix.allowed(feature, role) is allows(role, feature)."""
    matrix = feature_matrix()
    with pytest.warns(DeprecationWarning, match=r"FeatureMatrix\.allows\(role"):
        old = matrix.allowed("Wish Lists", "Premium Customer Center")
    assert old is matrix.allows("Premium Customer Center", "Wish Lists") is True


def test_catalogue_allowed_for_is_feature_names_of() -> None:
    """FeatureCatalogue.allowed_for warns and lists the same names."""
    with pytest.warns(DeprecationWarning, match=r"use FeatureCatalogue\.feature_n"):
        old = FEATURES.allowed_for(PREMIUM_CUSTOMER_CENTER)
    assert old == FEATURES.feature_names_of(PREMIUM_CUSTOMER_CENTER)


def test_form_field_seen_by_is_is_seen_by() -> None:
    """FormField.seen_by warns and answers as is_seen_by."""
    memo = FormField("Memo")
    with pytest.warns(DeprecationWarning, match=r"use FormField\.is_seen_by"):
        old = memo.seen_by(CUSTOMER_CENTER)
    assert old is memo.is_seen_by(CUSTOMER_CENTER) is False


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("ccroles.forms", "may_prefer", allows_preferred_form),
        ("ccroles.forms", "form_view", role_form_view),
        ("ccroles.decisions", "explain", explain),
        ("ccroles.guards", "customer_message", customer_message),
        ("ccroles.render", "Format", OutputFormat),
        ("ccroles", "Format", OutputFormat),
        ("ccroles", "form_view", role_form_view),
    ],
)
def test_an_old_module_name_warns_and_is_the_new_object(
    module: str, old: str, new: object
) -> None:
    """`from module import old` warns, naming the new name, and gives it.

    The old name is the new object itself, so it answers as the new one does.
    """
    imported = importlib.import_module(module)
    match = rf"{module}\.{old} is deprecated, use ccroles\.(\w+\.)?{new.__name__}"  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=match):
        found = getattr(imported, old)
    assert found is new


def test_unknown_names_still_raise_attribute_error() -> None:
    """A module's old-name lookup refuses every name it does not keep."""
    for module in ("ccroles.forms", "ccroles.render", "ccroles.decisions"):
        with pytest.raises(AttributeError, match="has no attribute 'nope'"):
            importlib.import_module(module).nope  # noqa: B018
    with pytest.raises(AttributeError):
        ccroles.nope  # noqa: B018
