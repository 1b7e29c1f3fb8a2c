"""Reading a bulk access CSV: its header, and each row checked on its own.

:class:`RowReader` reads the file a company exports (the header's columns,
a true/false cell, the customer a row names, the procedure its columns ask
for) and hands each row it could read to the import that applies it
(:func:`ccroles.access_csv.import_access`); every problem goes to the
import's :class:`ImportProblems`, with the row's passwords hidden.
"""

from __future__ import annotations

import array
import csv
import difflib
import itertools
from typing import TYPE_CHECKING, Final, NamedTuple

from ccroles.access_report import CSV_COLUMNS, ImportProblem
from ccroles.access_values import AssignPassword, Procedure, SendNotification
from ccroles.exceptions import CCRolesError, InvalidEmailError
from ccroles.formats import quoted
from ccroles.names import check_email, fold
from ccroles.passwords import MIN_PASSWORD_LENGTH, Password

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from ccroles.accounts import Account

__all__ = ["FIELD_COLUMNS", "Header", "ImportProblems", "ReadRow", "RowReader"]

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

FIELD_COLUMNS: Final = {
    "give_access": _GIVE_ACCESS,
    "email": _EMAIL,
    "role": _ROLE,
    "procedure": _NOTIFY,
    "password": _PASSWORD,
    "confirm": _CONFIRM,
}
"""The CSV column of each field a grant's checks can fault (no website column)."""

_NOTIFICATION: Final = SendNotification()
"""The procedure of every row that asks for a notification (a value: shared)."""

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


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    """The lines, the first without a UTF-8 byte order mark."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return iter(())
    return itertools.chain((first.removeprefix("\ufeff"),), iterator)


class ImportProblems:
    """The problems of one import, in file order (a private, mutable list).

    Attributes:
        found: The problems so far.
        secrets: The cells of the row being read that are never shown.
    """

    def __init__(self) -> None:
        self.found: list[ImportProblem] = []
        self.secrets: tuple[str, ...] = ()

    def add(self, line: int, column: str | None, message: str) -> None:
        """Note a problem; the row's passwords are hidden whatever the message."""
        self.found.append(ImportProblem(line, column, _hide(message, self.secrets)))


class ReadRow(NamedTuple):
    """A row whose customer and Give Access could be read (one per row: a tuple).

    Attributes:
        line: The line where the row starts.
        position: The position of its customer in the account.
        give: Whether it gives access (``False``: it revokes access).
        procedure: The procedure it asks for; ``None`` when it revokes
            access or its procedure columns disagree (a problem).
        email: Its Email cell, or ``None`` when blank.
        role: Its Role cell, or ``None`` when blank.
        clean: Whether reading it found no problem.
    """

    line: int
    position: int
    give: bool
    procedure: Procedure | None
    email: str | None
    role: str | None
    clean: bool


class Header:
    """The header of one file: where each known column is (mutable).

    Attributes:
        columns: The position of each known column the header has; a
            misspelt column (a problem) is read as the column it means.
        width: The number of cells of the header.
        ignored: The header's cells that are no known column, in order.
    """

    def __init__(self, problems: ImportProblems) -> None:
        self.problems = problems
        self.columns: dict[str, int] = {}
        self.width = 0
        self.ignored: list[str] = []

    def read(self, line: int, cells: Sequence[str]) -> bool:
        """Read the header row; whether the rows below can be read by it."""
        self.width = len(cells)
        known = {fold(column): column for column in CSV_COLUMNS}
        if any("\0" in cell for cell in cells):
            self.problems.add(line, None, _UTF16)
            return False
        separator = _other_separator(cells, known)
        if separator is not None:
            self.problems.add(
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
                self.problems.add(line, column, message)
            else:
                self.columns[column] = index
        # A misspelt column is read as the column meant, so that its rows are
        # checked too (the problem above keeps the import from applying).
        for column, index in misspelt.items():
            self.columns.setdefault(column, index)
        self.required_columns(line)
        if len(self.problems.found) > typos:
            self.ignored.clear()  # the header may be a row of values
            return False
        return True

    def required_columns(self, line: int) -> None:
        """Note each required column the header lacks."""
        if _GIVE_ACCESS not in self.columns:
            self.problems.add(
                line, _GIVE_ACCESS, "the header lacks this required column"
            )
        if _INTERNAL_ID not in self.columns and _CUSTOMER_ID not in self.columns:
            self.problems.add(
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
        self.problems.add(line, cell, message)
        return column


class RowReader:
    """The reading of one file: its header, then row by row (mutable).

    What it keeps grows with the account (a line number per customer),
    never with the rows: rows already read are not kept.
    """

    def __init__(
        self, account: Account, positions: Mapping[str, int], problems: ImportProblems
    ) -> None:
        self.account = account
        self.positions = positions
        self.problems = problems
        self.header = Header(problems)
        # The header's columns, which it fills in place: read for every cell.
        self.columns = self.header.columns
        self.by_customer_id: dict[str, int] | None = None
        self.first_line = array.array("I", [0]) * len(account.customers)
        self.rows = 0

    def problem(self, line: int, column: str | None, message: str) -> None:
        """Note a problem (:meth:`ImportProblems.add`)."""
        self.problems.add(line, column, message)

    def read(self, lines: Iterable[str]) -> Iterator[ReadRow]:
        """The file's rows whose customer and Give Access are known, in order.

        The header comes first; a header that cannot be read ends the file
        (its problems say why). Blank lines are skipped.
        """
        end = 0
        header_read = False
        try:
            reader = csv.reader(_without_bom(lines), strict=True)
            for cells in reader:
                start, end = end + 1, reader.line_num
                if not "".join(cells).strip():  # a blank line, or blank cells
                    continue
                if header_read:
                    row = self.row(start, cells)
                    if row is not None:
                        yield row
                elif self.header.read(start, cells):
                    header_read = True
                else:
                    return
        except csv.Error as error:
            self.problem(end + 1, None, f"the file is not valid CSV: {error}")
        except UnicodeDecodeError as error:
            self.problem(end + 1, None, _not_utf8(error))
        if not header_read and not self.problems.found:
            self.problem(
                1,
                None,
                "the file is empty: expected a header row with 'Give Access' and "
                "'Internal ID' or 'Customer ID'",
            )

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

    def row(self, line: int, cells: Sequence[str]) -> ReadRow | None:
        """Read and check one row: ``None`` when its customer or Give Access is not."""
        self.rows += 1
        start = len(self.problems.found)
        width = self.header.width
        if len(cells) != width and (
            len(cells) < width or "".join(cells[width:]).strip()
        ):
            # Its values may have moved into other columns: none is shown.
            self.problems.found.append(
                ImportProblem(line, None, _shifted(len(cells), width))
            )
            return None
        # A row's passwords are never shown, wherever they are quoted.
        password = self.cell(cells, _PASSWORD, strip=False)
        confirm = self.cell(cells, _CONFIRM, strip=False)
        if password or confirm:
            secrets = (password.strip(), confirm.strip())
            self.problems.secrets = tuple(text for text in secrets if text)
        else:  # most rows: a notification, or a revocation
            self.problems.secrets = ()
        position = self.customer(line, cells)
        give = self.flag(line, cells, _GIVE_ACCESS, required=True)
        procedure = self.procedure(line, cells, (password, confirm), give=give)
        if position is None or give is None:
            self.unchecked(line, cells)
            return None
        # Positional: a tuple per row, without the keywords' cost.
        return ReadRow(
            line,
            position,
            give,
            procedure,
            self.cell(cells, _EMAIL) or None,
            self.cell(cells, _ROLE) or None,
            len(self.problems.found) == start,
        )

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
        column = _INTERNAL_ID if _INTERNAL_ID in self.header.columns else _CUSTOMER_ID
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
        self,
        line: int,
        cells: Sequence[str],
        passwords: tuple[str, str],
        *,
        give: bool | None,
    ) -> Procedure | None:
        """The row's procedure when it gives access and the columns agree.

        *passwords* are the row's Password and Confirm Password cells, as
        typed (not stripped).
        """
        notify = self.flag(line, cells, _NOTIFY)
        manual = self.flag(line, cells, _MANUAL)
        password, confirm = passwords
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
            return None if filled else _NOTIFICATION
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
