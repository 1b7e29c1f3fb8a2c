"""The bulk access import: a CSV file of grants and revocations, and its report.

:func:`import_access` reads the rows a company exports, checks
each by the rules of :func:`~ccroles.access.grant_access` and
:func:`~ccroles.access.revoke_access`, and answers an :class:`~ccroles.access_report.ImportReport`;
:func:`~ccroles.access_report.render_report` words it. A dry run changes nothing.

>>> from ccroles.access_report import render_report
>>> from ccroles.accounts import Account, Customer
>>> report = import_access(
...     Account(customers=[Customer("101", "ACME", email="ap@acme.example")]),
...     ["Internal ID,Give Access", "101,maybe"],
... )
>>> print(render_report(report))
dry run: 1 row, 0 grants, 0 revocations, 0 notifications; 1 problem, nothing changed
line 2, column 'Give Access': 'maybe' is not a true/false value; accepted: TRUE, YES, T, Y, FALSE, NO, F, N (any case)
"""  # noqa: E501 (the doctest shows a report line as printed)

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ccroles._access_import import AccessImport
from ccroles._deprecation import moved_names
from ccroles.access_report import report_summary
from ccroles.passwords import DEFAULT_SCRYPT

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from ccroles.access_report import ImportReport
    from ccroles.accounts import Account
    from ccroles.passwords import ScryptParams

__all__ = ["import_access"]

# The columns and the report moved to ccroles.access_report.
__getattr__ = moved_names(
    __name__,
    {
        "CSV_COLUMNS": "ccroles.access_report",
        "ImportProblem": "ccroles.access_report",
        "ImportReport": "ccroles.access_report",
        "render_report": "ccroles.access_report",
    },
)

_log = logging.getLogger(__name__)


def import_access(
    account: Account,
    lines: Iterable[str],
    *,
    apply: bool = False,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    now: datetime | None = None,
) -> ImportReport:
    """Give or revoke access for many customers from a CSV file.

    The file is read once, row by row: pass an open file (``newline=""``;
    ``encoding="utf-8-sig"`` or ``"utf-8"``, a byte order mark is dropped
    either way) or any iterable of lines. Rows update existing customers,
    found by Internal ID or Customer ID. A row gives access (Give Access
    yes) with one procedure, or revokes it (Give Access no); each row is
    checked as :func:`~ccroles.access.grant_access` or
    :func:`~ccroles.access.revoke_access` would check it,
    after the rows above it.

    Every problem is reported with its line and column, and passwords never
    are. Without *apply* nothing changes (a dry run). With *apply* the import
    is all or nothing: any problem and nothing is applied.

    Args:
        account: The account to update.
        lines: The CSV text, line by line.
        apply: Make the changes when there is no problem.
        scrypt: The cost of hashing assigned passwords.
        now: The time set-password links' validity starts (default: now).

    Returns:
        The report: problems, counts, notices and, when applied, the new
        account and the notifications to send.
    """
    state = AccessImport(account, apply=apply, scrypt=scrypt, now=now)
    state.read(lines)
    report = state.report()
    for problem in report.problems:
        _log.debug("access import problem: %s", problem)
    _log.info("access import: %s", report_summary(report))
    return report
