"""The bulk access import's columns and its report.

:data:`CSV_COLUMNS` are the columns a bulk access file may have;
:func:`~ccroles.access_csv.import_access` answers an :class:`ImportReport`
(the problems it found, each an :class:`ImportProblem`, and what it did or
would do), and :func:`render_report` words it.

>>> print(str(ImportProblem(3, "Role", "no such role")))
line 3, column 'Role': no such role
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import warn_renamed
from ccroles.formats import quoted

if TYPE_CHECKING:
    from ccroles.access_emails import Notification, SetUpNotification
    from ccroles.access_values import SeparateLogins
    from ccroles.accounts import Account

__all__ = [
    "CSV_COLUMNS",
    "ImportProblem",
    "ImportReport",
    "render_report",
    "report_summary",
]

CSV_COLUMNS: Final = (
    "Internal ID",
    "Customer ID",
    "Email",
    "Give Access",
    "Role",
    "Send New Access Notification Email",
    "Manually Assign or Change Password",
    "Password",
    "Confirm Password",
)
"""The columns a bulk access CSV may have; others are ignored.

Headers match ignoring case and surrounding spaces. Required: Give Access, and
Internal ID (preferred) or Customer ID.
"""


@attrs.frozen
class ImportProblem:
    """One problem of a CSV import, where it is; never quoting a password.

    Attributes:
        line: The line of the file where the row (or the header) starts.
        column: The column concerned (as the header has it, when it is
            misspelt), or ``None`` for the whole file or row.
        message: What is wrong.
    """

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        """``line 3, column 'Role': ...``."""
        where = f"line {self.line}"
        if self.column is not None:
            known = self.column in CSV_COLUMNS
            where += f", column {repr(self.column) if known else quoted(self.column)}"
        return f"{where}: {self.message}"


@attrs.frozen
class ImportReport:
    """What a CSV import found and did: every problem, or the new account.

    Attributes:
        apply: Whether applying was asked for.
        rows: The data rows read (blank lines are not rows).
        grants: Rows without problems that give access.
        revocations: Rows without problems that revoke access.
        notified: Rows without problems that ask for a notification.
        problems: Every problem, in file order.
        notifications: The emails to send, one per row asking for one; empty
            unless applied.
        notices: Revoked customers that also have vendor, partner or
            employee logins to revoke by hand.
        account: The new account when applied; ``None`` otherwise.
        set_up_notifications: The set-up emails to send, one per row that
            assigns a password with Notify; empty unless applied.
        ignored_columns: The header's columns that are none of
            :data:`CSV_COLUMNS` (a file may have other columns), in order.
            A column close to a known one is a problem instead, not ignored.
    """

    apply: bool
    rows: int
    grants: int
    revocations: int
    notified: int
    problems: tuple[ImportProblem, ...]
    notifications: tuple[Notification, ...]
    notices: tuple[SeparateLogins, ...]
    account: Account | None = attrs.field(repr=False)
    set_up_notifications: tuple[SetUpNotification, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def found_no_problem(self) -> bool:
        """Whether the import found no problem (``problems`` is empty)."""
        return not self.problems

    @property
    def ok(self) -> bool:
        """Deprecated: :attr:`found_no_problem`, which it answers."""
        warn_renamed("ImportReport.ok", "ImportReport.found_no_problem")
        return self.found_no_problem

    @property
    def applied(self) -> bool:
        """Whether the changes were made (asked for, and no problem)."""
        return self.account is not None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report_summary(report: ImportReport) -> str:
    """The report's first line: the counts, and whether anything changed.

    >>> report = ImportReport(
    ...     apply=False, rows=0, grants=0, revocations=0, notified=0,
    ...     problems=(), notifications=(), notices=(), account=None,
    ... )
    >>> report_summary(report)
    'dry run: 0 rows, 0 grants, 0 revocations, 0 notifications; no problems, nothing changed (apply to make them)'
    """  # noqa: E501 (the doctest shows the line as printed)
    counts = ", ".join(
        [
            _plural(report.rows, "row"),
            _plural(report.grants, "grant"),
            _plural(report.revocations, "revocation"),
            _plural(report.notified, "notification"),
        ]
    )
    if report.applied:
        return f"applied: {counts} to send"
    mode = "not applied" if report.apply else "dry run"
    if report.problems:
        problems = _plural(len(report.problems), "problem")
        return f"{mode}: {counts}; {problems}, nothing changed"
    return f"{mode}: {counts}; no problems, nothing changed (apply to make them)"


def render_report(report: ImportReport) -> str:
    """The report as ``ccroles import-access`` prints it.

    A summary line, then every problem (``line N, column 'C': ...``), then a
    note for each customer whose other logins must be revoked by hand.
    """
    lines = [report_summary(report)]
    if report.ignored_columns:
        ignored = ", ".join(map(quoted, report.ignored_columns))
        lines.append(f"ignored columns: {ignored}")
    lines.extend(str(problem) for problem in report.problems)
    lines.extend(f"note: {notice}" for notice in report.notices)
    return "\n".join(lines)
