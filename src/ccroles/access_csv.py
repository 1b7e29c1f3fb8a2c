"""The bulk access import: a CSV file of grants and revocations, and its report.

:func:`import_access` reads the rows a company exports, checks
each by the rules of :func:`~ccroles.access.grant_access` and
:func:`~ccroles.access.revoke_access`, and answers an :class:`ImportReport`;
:func:`render_report` words it. A dry run changes nothing.

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

import array
import csv
import difflib
import itertools
import logging
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.access import (
    AssignPassword,
    Grant,
    Notification,
    Procedure,
    SendNotification,
    SeparateLogins,
    SetUpNotification,
    _check_grant,
    _notification,
    _same_keys,
    _separate_logins,
    _set_up,
    _stored,
    _with_access,
    _without_access,
)
from ccroles.exceptions import CCRolesError, CustomerAccessOffError, InvalidEmailError
from ccroles.formats import quoted
from ccroles.logins import Login
from ccroles.names import check_email, fold
from ccroles.passwords import (
    DEFAULT_SCRYPT,
    MIN_PASSWORD_LENGTH,
    Password,
    ScryptParams,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from datetime import datetime

    from ccroles.accounts import Account

__all__ = [
    "CSV_COLUMNS",
    "ImportProblem",
    "ImportReport",
    "import_access",
    "render_report",
]

_log = logging.getLogger(__name__)

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

(
    _INTERNAL_ID,
    _CUSTOMER_ID,
    _EMAIL,
    _GIVE_ACCESS,
    _ROLE,
    _NOTIFY,
    _MANUAL,
    _PASSWORD,
    _CONFIRM,
) = CSV_COLUMNS

# The CSV column of each field a grant's checks can fault (no website column).
_FIELD_COLUMNS: Final = {
    "give_access": _GIVE_ACCESS,
    "email": _EMAIL,
    "role": _ROLE,
    "procedure": _NOTIFY,
    "password": _PASSWORD,
    "confirm": _CONFIRM,
}

_TRUE: Final = ("TRUE", "YES", "T", "Y")
_FALSE: Final = ("FALSE", "NO", "F", "N")


_CLOSE: Final = 0.8
"""How alike a header cell and a column name are to call the cell a typo."""

_SAVE_AS: Final = "save it as 'CSV UTF-8 (comma delimited)'"

_UTF16: Final = f"the file is UTF-16 text, not UTF-8: {_SAVE_AS}"


def _not_utf8(error: UnicodeDecodeError) -> str:
    """What a file that is not UTF-8 most likely is, and how to fix it."""
    if error.object[:2] in {b"\xff\xfe", b"\xfe\xff"}:  # a UTF-16 byte order mark
        return _UTF16
    byte = error.object[error.start]
    return (
        f"the file is not UTF-8 text (byte {byte:#04x} at or after this line): it "
        "looks like Latin-1 or Windows-1252, which a spreadsheet's plain 'CSV' "
        f"export writes; {_SAVE_AS}"
    )


def _hide(message: str, secrets: Iterable[str]) -> str:
    """*message* with each of *secrets*, a whole cell, hidden.

    A cell is hidden where a problem quotes it (whole or cut), and a
    password-long one (8 characters or more) wherever its text appears; a
    short cell is never looked for inside words.
    """
    for secret in secrets:
        for form in (quoted(secret), repr(secret)):
            message = message.replace(form, "(hidden)")
        if len(secret) >= MIN_PASSWORD_LENGTH:
            message = message.replace(secret, "(hidden)")
    return message


def _shifted(cells: int, width: int) -> str:
    """Why a row whose cells do not line up with the header's shows no value."""
    kind = "extra" if cells > width else "missing"
    return (
        f"the row has {cells} cells where the header has {width}: a cell is "
        f"{kind}, so values may have moved into other columns (none of them is "
        "shown; fix the row's commas)"
    )


def _other_separator(cells: Sequence[str], known: Mapping[str, str]) -> str | None:
    """The separator a one-cell header of known column names really uses."""
    if len(cells) != 1:
        return None
    for separator in (";", "\t", "|"):
        parts = cells[0].split(separator)
        if len(parts) > 1 and any(fold(part) in known for part in parts):
            return separator
    return None


def _parse_flag(text: str) -> bool | None:
    """``True`` for TRUE, YES, T, Y; ``False`` for FALSE, NO, F, N (any case)."""
    upper = text.upper()
    if upper in _TRUE:
        return True
    if upper in _FALSE:
        return False
    return None


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
    def ok(self) -> bool:
        """Whether the import found no problem."""
        return not self.problems

    @property
    def applied(self) -> bool:
        """Whether the changes were made (asked for, and no problem)."""
        return self.account is not None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(report: ImportReport) -> str:
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
    lines = [_summary(report)]
    if report.ignored_columns:
        ignored = ", ".join(map(quoted, report.ignored_columns))
        lines.append(f"ignored columns: {ignored}")
    lines.extend(str(problem) for problem in report.problems)
    lines.extend(f"note: {notice}" for notice in report.notices)
    return "\n".join(lines)


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    """The lines, the first without a UTF-8 byte order mark."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return iter(())
    return itertools.chain((first.removeprefix("\ufeff"),), iterator)


class _Import:
    """The state of one import, read row by row (a private, mutable builder).

    What it keeps grows with the account (an index and a line number per
    customer), with the problems, with the emails rows change (to keep emails
    unique) and, when applying, with the changed records and notifications;
    rows already read are not kept.
    """

    def __init__(
        self,
        account: Account,
        *,
        apply: bool,
        scrypt: ScryptParams,
        now: datetime | None,
    ) -> None:
        self.account = account
        self.apply = apply
        self.scrypt = scrypt
        self.now = now
        self.columns: dict[str, int] = {}
        self.width = 0
        self.ignored: list[str] = []
        self.secrets: tuple[str, ...] = ()
        self.problems: list[ImportProblem] = []
        self.by_customer_id: dict[str, int] | None = None
        self.first_line = array.array("I", [0]) * len(account.customers)
        # The account's indexes, shared until a row changes them (a login's
        # email or website); then copied once into plain dicts, as a change
        # per row costs a dict update there.
        self.rules = account.rules()
        self.owned = False
        self.positions = self.rules.positions  # kept where the customers are
        self.customers = list(account.customers) if apply else None
        self.notifications: list[Notification] = []
        self.set_up_notifications: list[SetUpNotification] = []
        self.notices: list[SeparateLogins] = []
        self.rows = self.grants = self.revocations = self.notified = 0
        self.row_start = 0
        self.access_off_reported = False

    def problem(self, line: int, column: str | None, message: str) -> None:
        """Note a problem; the row's passwords are hidden whatever the message."""
        self.problems.append(ImportProblem(line, column, _hide(message, self.secrets)))

    def read(self, lines: Iterable[str]) -> None:
        end = 0
        header_read = False
        try:
            reader = csv.reader(_without_bom(lines), strict=True)
            for cells in reader:
                start, end = end + 1, reader.line_num
                if not "".join(cells).strip():  # a blank line, or blank cells
                    continue
                if header_read:
                    self.row(start, cells)
                elif self.header(start, cells):
                    header_read = True
                else:
                    return
        except csv.Error as error:
            self.problem(end + 1, None, f"the file is not valid CSV: {error}")
        except UnicodeDecodeError as error:
            self.problem(end + 1, None, _not_utf8(error))
        if not header_read and not self.problems:
            self.problem(
                1,
                None,
                "the file is empty: expected a header row with 'Give Access' and "
                "'Internal ID' or 'Customer ID'",
            )

    def header(self, line: int, cells: Sequence[str]) -> bool:
        self.width = len(cells)
        known = {fold(column): column for column in CSV_COLUMNS}
        if any("\0" in cell for cell in cells):
            self.problem(line, None, _UTF16)
            return False
        separator = _other_separator(cells, known)
        if separator is not None:
            self.problem(
                line,
                None,
                f"the header is separated by {separator!r}, not by commas: save the "
                "file as 'CSV UTF-8 (comma delimited)'",
            )
            return False
        misspelt: dict[str, int] = {}
        typos = 0
        for index, cell in enumerate(cells):
            column = known.get(fold(cell))
            if column is None:
                meant = self.misspelt(line, index, cell, known)
                if meant is None:
                    self.ignored.append(cell)
                else:
                    misspelt.setdefault(meant, index)
                    typos += 1
                continue
            if column in self.columns:
                places = f"{self.columns[column] + 1} and {index + 1}"
                message = f"the header has this column twice (columns {places})"
                self.problem(line, column, message)
            else:
                self.columns[column] = index
        # A misspelt column is read as the column meant, so that its rows are
        # checked too (the problem above keeps the import from applying).
        for column, index in misspelt.items():
            self.columns.setdefault(column, index)
        self.required_columns(line)
        if len(self.problems) > typos:
            self.ignored.clear()  # the header may be a row of values
            return False
        return True

    def required_columns(self, line: int) -> None:
        """Note each required column the header lacks."""
        if _GIVE_ACCESS not in self.columns:
            self.problem(line, _GIVE_ACCESS, "the header lacks this required column")
        if _INTERNAL_ID not in self.columns and _CUSTOMER_ID not in self.columns:
            self.problem(
                line,
                _INTERNAL_ID,
                "the header lacks a column to find customers: 'Internal ID' "
                "(preferred) or 'Customer ID'",
            )

    def misspelt(
        self, line: int, index: int, cell: str, known: Mapping[str, str]
    ) -> str | None:
        """The column a header cell close to a known one means (a problem)."""
        close = difflib.get_close_matches(fold(cell), known, 1, _CLOSE)
        if not close:
            return None
        column = known[close[0]]  # a column with a typo would be dropped silently
        message = (
            f"column {index + 1} of the header is no known column; "
            f"did you mean {column!r}? (fix the header)"
        )
        self.problem(line, cell, message)
        return column

    def cell(self, cells: Sequence[str], column: str, *, strip: bool = True) -> str:
        index = self.columns.get(column)
        if index is None:  # rows have every column of the header (see row)
            return ""
        return cells[index].strip() if strip else cells[index]

    def flag(
        self, line: int, cells: Sequence[str], column: str, *, required: bool = False
    ) -> bool | None:
        text = self.cell(cells, column)
        if not text and not required:
            return False
        value = _parse_flag(text)
        if not text:
            self.problem(line, column, "a true/false value is required")
        elif value is None:
            accepted = ", ".join((*_TRUE, *_FALSE))
            message = (
                f"{quoted(text)} is not a true/false value; accepted: {accepted} "
                "(any case)"
            )
            self.problem(line, column, message)
        return value

    def row(self, line: int, cells: Sequence[str]) -> None:
        self.rows += 1
        self.row_start = len(self.problems)
        width = self.width
        if len(cells) != width and (
            len(cells) < width or "".join(cells[width:]).strip()
        ):
            # Its values may have moved into other columns: none is shown.
            self.problems.append(
                ImportProblem(line, None, _shifted(len(cells), self.width))
            )
            return
        # A row's passwords are never shown, wherever they are quoted.
        secrets = (self.cell(cells, _PASSWORD), self.cell(cells, _CONFIRM))
        self.secrets = tuple(text for text in secrets if text)
        position = self.customer(line, cells)
        give = self.flag(line, cells, _GIVE_ACCESS, required=True)
        procedure = self.procedure(line, cells, give=give)
        if position is None or give is None:
            self.unchecked(line, cells)
            return
        # The customer as the rows above left it (a second row is refused).
        login = Login(
            self.rules.customers[self.account.customers[position].internal_id]
        )
        if give:
            self.grant(line, cells, position, login, procedure)
        elif len(self.problems) == self.row_start:
            self.revoke(position, login)

    def unchecked(self, line: int, cells: Sequence[str]) -> None:
        """Check the Email and Role cells of a row whose login is unknown."""
        email = self.cell(cells, _EMAIL)
        if email:
            try:
                check_email(email, owner=f"the login of line {line}")
            except InvalidEmailError as error:
                self.problem(line, _EMAIL, str(error))
        role = self.cell(cells, _ROLE)
        if role:
            try:
                self.account.role(role)
            except CCRolesError as error:
                self.problem(line, _ROLE, str(error))

    def position(self, line: int, cells: Sequence[str]) -> tuple[str, int | None]:
        """The column that finds the row's customer, and its position."""
        internal_id = self.cell(cells, _INTERNAL_ID)
        customer_id = self.cell(cells, _CUSTOMER_ID)
        customers = self.account.customers
        updates_only = "an import only updates existing customers"
        if internal_id:
            position = self.positions.get(internal_id)
            if position is None:
                message = f"no customer has internal id {internal_id!r}; {updates_only}"
                self.problem(line, _INTERNAL_ID, message)
            elif customer_id and customer_id != customers[position].customer_id:
                self.problem(
                    line,
                    _CUSTOMER_ID,
                    f"customer id {customer_id!r} does not match internal id "
                    f"{internal_id!r}, which is {customers[position].customer_id!r}",
                )
                return _CUSTOMER_ID, None
            return _INTERNAL_ID, position
        if customer_id:
            if self.by_customer_id is None:
                self.by_customer_id = {
                    c.customer_id: i for i, c in enumerate(customers)
                }
            position = self.by_customer_id.get(customer_id)
            if position is None:
                message = f"no customer has customer id {customer_id!r}; {updates_only}"
                self.problem(line, _CUSTOMER_ID, message)
            return _CUSTOMER_ID, position
        column = _INTERNAL_ID if _INTERNAL_ID in self.columns else _CUSTOMER_ID
        message = "the row names no customer: fill in 'Internal ID' or 'Customer ID'"
        self.problem(line, column, message)
        return column, None

    def customer(self, line: int, cells: Sequence[str]) -> int | None:
        """The position of the row's customer; a second row for it is a problem."""
        column, position = self.position(line, cells)
        if position is None:
            return None
        first = self.first_line[position]
        if first:
            name = self.account.customers[position].customer_id
            message = (
                f"customer {name!r} is already on line {first}; "
                "give each customer one row"
            )
            self.problem(line, column, message)
        else:
            self.first_line[position] = line
        return position

    def procedure(
        self, line: int, cells: Sequence[str], *, give: bool | None
    ) -> Procedure | None:
        """The row's procedure when it gives access and the columns agree."""
        notify = self.flag(line, cells, _NOTIFY)
        manual = self.flag(line, cells, _MANUAL)
        password = self.cell(cells, _PASSWORD, strip=False)
        confirm = self.cell(cells, _CONFIRM, strip=False)
        texts = ((_PASSWORD, password), (_CONFIRM, confirm))
        filled = [column for column, text in texts if text]
        if give is None or notify is None or manual is None:
            return None
        if not give:
            self.revocation_columns(line, notify=notify, manual=manual, filled=filled)
            return None
        if manual:
            for column, text in texts:
                if not text:
                    self.problem(line, column, f"is required with {_MANUAL!r}")
            if len(filled) == len(texts):
                return AssignPassword(
                    Password(password), Password(confirm), notify=notify
                )
        elif notify:
            for column in filled:
                message = f"must be blank with {_NOTIFY!r}: a password is never emailed"
                self.problem(line, column, message)
            return None if filled else SendNotification()
        else:
            message = (
                f"giving access needs a procedure: set {_NOTIFY!r} (preferred) "
                f"or {_MANUAL!r} to yes"
            )
            self.problem(line, _NOTIFY, message)
        return None

    def revocation_columns(
        self, line: int, *, notify: bool, manual: bool, filled: list[str]
    ) -> None:
        """A revoking row asks for no notification and holds no password."""
        for column, asked in ((_NOTIFY, notify), (_MANUAL, manual)):
            if asked:
                message = "revoking access sends no notification and sets no password"
                self.problem(line, column, message)
        for column in filled:
            self.problem(line, column, "must be blank when revoking access")

    def grant(
        self,
        line: int,
        cells: Sequence[str],
        position: int,
        login: Login,
        procedure: Procedure | None,
    ) -> None:
        grant = Grant(
            login.customer.internal_id,
            procedure or SendNotification(),
            email=self.cell(cells, _EMAIL) or None,
            role=self.cell(cells, _ROLE) or None,
        )
        # A row with a procedure and no problem so far is applied if its grant
        # has no fault: the rules keep its change (and give it back if not).
        applies = procedure is not None and len(self.problems) == self.row_start
        email = grant.email if grant.email is not None else login.email
        if not self.owned and not _same_keys(login, email or "", grant):
            self.rules = self.rules.copy(shared=False)
            self.owned = True
        faults, resolved = _check_grant(
            self.account,
            self.rules,
            position,
            login,
            grant,
            check_procedure=procedure is not None,
            keep=applies,
        )
        for field, error in faults:
            if isinstance(error, CustomerAccessOffError):
                if self.access_off_reported:
                    continue
                self.access_off_reported = True
            self.problem(line, _FIELD_COLUMNS.get(field), str(error))
        if resolved is None or procedure is None or not applies:
            return
        email, role = resolved  # the rules now hold the changed record
        self.grants += 1
        self.notified += isinstance(procedure, SendNotification) or procedure.notify
        if self.customers is None or self.problems:
            return
        stored = _stored(procedure, self.scrypt)
        self.customers[position] = _with_access(login, email, role, grant, stored)
        notification = _notification(
            self.account, procedure, email, login.customer.customer_id, self.now
        )
        if notification is not None:
            self.notifications.append(notification)
        set_up = _set_up(self.account, procedure, email, login.customer.customer_id)
        if set_up is not None:
            self.set_up_notifications.append(set_up)

    def revoke(self, position: int, login: Login) -> None:
        self.revocations += 1
        notice = _separate_logins(login)
        if notice is not None:
            self.notices.append(notice)
        if self.customers is not None and not self.problems:
            self.customers[position] = _without_access(login)

    def report(self) -> ImportReport:
        account = None
        if self.customers is not None and not self.problems:
            account = attrs.evolve(self.account, customers=self.customers)
        return ImportReport(
            apply=self.apply,
            rows=self.rows,
            grants=self.grants,
            revocations=self.revocations,
            notified=self.notified,
            problems=tuple(self.problems),
            notifications=tuple(self.notifications) if account is not None else (),
            notices=tuple(self.notices),
            account=account,
            set_up_notifications=(
                tuple(self.set_up_notifications) if account is not None else ()
            ),
            ignored_columns=tuple(self.ignored) if self.columns else (),
        )


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
    checked as :func:`grant_access` or :func:`revoke_access` would check it,
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
    state = _Import(account, apply=apply, scrypt=scrypt, now=now)
    state.read(lines)
    report = state.report()
    for problem in report.problems:
        _log.debug("access import problem: %s", problem)
    _log.info("access import: %s", _summary(report))
    return report
