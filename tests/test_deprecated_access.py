"""Old access names keep working for one release, with a DeprecationWarning."""

import importlib

import pytest

from ccroles import Account, access_emails, access_report, import_access


@pytest.mark.parametrize(
    ("old_module", "name", "new_module"),
    [
        ("ccroles.access", "link_url", access_emails),
        ("ccroles.access", "SET_UP_SUBJECT", access_emails),
        ("ccroles.access", "SET_UP_TEMPLATE", access_emails),
        ("ccroles.access_csv", "CSV_COLUMNS", access_report),
        ("ccroles.access_csv", "ImportProblem", access_report),
        ("ccroles.access_csv", "ImportReport", access_report),
        ("ccroles.access_csv", "render_report", access_report),
    ],
)
def test_a_moved_name_warns_and_is_the_new_one(
    old_module: str, name: str, new_module: object
) -> None:
    """A name moved out of an access module is found there, with a warning."""
    module = importlib.import_module(old_module)
    with pytest.warns(DeprecationWarning, match=f"{old_module}.{name} is deprecated"):
        old = getattr(module, name)
    assert old is getattr(new_module, name)


def test_an_unknown_name_is_still_refused() -> None:
    """The old modules' lookup of moved names refuses any other name."""
    module = importlib.import_module("ccroles.access_csv")
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        module.nothing  # noqa: B018


@pytest.mark.parametrize("lines", [["Internal ID,Give Access"], ["Give Access"]])
def test_import_report_ok_warns_and_answers_found_no_problem(lines: list[str]) -> None:
    """ImportReport.ok is ImportReport.found_no_problem, with a warning."""
    report = import_access(Account(), lines)
    with pytest.warns(DeprecationWarning, match=r"ImportReport\.ok is deprecated"):
        old = report.ok
    assert old is report.found_no_problem
