"""Names moved out of ccroles.converter keep working for one release, with a warning."""

import pytest

from ccroles import converter, documents


@pytest.mark.parametrize("name", ["FORMAT_VERSION", "READABLE_VERSIONS"])
def test_a_format_version_name_moved_to_documents_warns(name: str) -> None:
    """The format versions are the documents' now; the old path warns, same value."""
    match = rf"ccroles\.converter\.{name} is deprecated, use ccroles\.documents\."
    with pytest.warns(DeprecationWarning, match=match):
        old = getattr(converter, name)
    assert old == getattr(documents, name)
