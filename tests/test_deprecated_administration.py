"""The administrator's old name keeps working for one release, with a warning."""

from __future__ import annotations

import pytest

from ccroles.administration import Act, Actor, AdminPermission


@pytest.mark.parametrize("act", list(Act))
def test_actor_may_warns_and_answers_as_allows(act: Act) -> None:
    """``Actor.may`` is ``Actor.allows`` under its old name."""
    importer = Actor("a@x.example", "Importer", {AdminPermission.IMPORT_CSV_FILE})
    with pytest.warns(DeprecationWarning, match=r"Actor\.may is deprecated"):
        assert importer.may(act) is importer.allows(act)
