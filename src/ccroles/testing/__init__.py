"""Hypothesis strategies and assertion helpers for suites that use ccroles.

Hypothesis is needed only when this module is imported (install the
``testing`` extra: ``pip install 'ccroles[testing]'``). Every name is
imported from here (``from ccroles.testing import ...``); the modules
behind it are private.

>>> from hypothesis import given
>>> from ccroles import CUSTOMER_CENTER, FEATURES
>>> @given(custom_roles(base=CUSTOMER_CENTER, max_depth=2))
... def test_never_gains(role):
...     assert set(FEATURES.feature_names_of(role)) <= set(
...         FEATURES.feature_names_of(CUSTOMER_CENTER)
...     )
>>> test_never_gains()
"""

from __future__ import annotations

from ccroles._deprecation import warn_renamed
from ccroles.testing._accounts import (
    accounts,
    contacts,
    customers,
    form_preferences,
    logins,
    transaction_forms,
)
from ccroles.testing._as_typed import accounts_as_typed, login_facts
from ccroles.testing._assertions import (
    UnexpectedDecisionError,
    assert_allows,
    assert_allows_record,
    assert_allows_sign_in,
    assert_denies,
    assert_denies_record,
    assert_denies_sign_in,
)
from ccroles.testing._deprecated import Action as _Action
from ccroles.testing._deprecated import assert_allowed, assert_denied
from ccroles.testing._matrix import (
    CellDifference,
    CellLog,
    MatrixMismatchError,
    assert_matrix,
    recording_cells,
)
from ccroles.testing._records import Record, owned_records, records_owned_by_others
from ccroles.testing._roles import (
    builtin_roles,
    capability_sets,
    custom_roles,
    feature_names,
    levels,
    permission_keys,
    role_names,
    staff_roles,
)
from ccroles.testing._spellings import (
    email_spellings,
    id_spellings,
    lookalike_ids,
    respell,
    spellings,
    spelt,
)

__all__ = [
    "CellDifference",
    "CellLog",
    "MatrixMismatchError",
    "Record",
    "UnexpectedDecisionError",
    "accounts",
    "accounts_as_typed",
    "assert_allowed",
    "assert_allows",
    "assert_allows_record",
    "assert_allows_sign_in",
    "assert_denied",
    "assert_denies",
    "assert_denies_record",
    "assert_denies_sign_in",
    "assert_matrix",
    "builtin_roles",
    "capability_sets",
    "contacts",
    "custom_roles",
    "customers",
    "email_spellings",
    "feature_names",
    "form_preferences",
    "id_spellings",
    "levels",
    "login_facts",
    "logins",
    "lookalike_ids",
    "owned_records",
    "permission_keys",
    "recording_cells",
    "records_owned_by_others",
    "respell",
    "role_names",
    "spellings",
    "spelt",
    "staff_roles",
    "transaction_forms",
]

# The names are this module's: tracebacks, pickles and the API pages show
# ``ccroles.testing.Record``, never the private module behind it.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name


def __getattr__(name: str) -> object:
    """``Action`` keeps working for one release, with a warning.

    Raises:
        AttributeError: *name* is no name of this module.
    """
    if name == "Action":
        warn_renamed(
            "ccroles.testing.Action", "assert_allows_sign_in or assert_denies_sign_in"
        )
        return _Action
    message = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(message, name=name)
