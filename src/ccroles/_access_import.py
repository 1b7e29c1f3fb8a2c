"""Applying a bulk access CSV, row by row, by the rules of a single grant.

:class:`AccessImport` takes each row :class:`~ccroles._access_rows.RowReader`
could read, checks its grant (:func:`~ccroles.access.check_grant`) or
revocation against the account as the rows above left it, and makes the
change when applying; then it answers the :class:`ImportReport`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from ccroles._access_rows import FIELD_COLUMNS, ImportProblems, ReadRow, RowReader
from ccroles.access import apply_grant, check_grant, separate_logins, without_access
from ccroles.access_report import ImportReport
from ccroles.access_values import (
    Grant,
    GrantCheck,
    GrantFault,
    LoginId,
    Procedure,
    SendNotification,
    SeparateLogins,
)
from ccroles.exceptions import CustomerAccessOffError
from ccroles.logins import Login

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from ccroles.access_emails import Notification, SetUpNotification
    from ccroles.accounts import Account, Customer
    from ccroles.passwords import ScryptParams

__all__ = ["AccessImport"]

_NOTIFY: Final = SendNotification()
"""The stand-in procedure of a row whose procedure columns disagree."""


def _row_grant(
    login: LoginId, procedure: Procedure, email: str | None, role: str | None
) -> Grant:
    """The grant a row asks for, by attrs' initializer (``Grant.__attrs_init__``).

    ``Grant.__init__`` adds to it only the deprecated form (a customer's
    internal id for *login*), which a row never takes: skipping it saves a
    call with keywords per row. The fields are checked by
    :func:`~ccroles.access.check_grant`, as for any grant.
    """
    grant = object.__new__(Grant)
    grant.__attrs_init__(login, procedure, email, role, None)
    return grant


class AccessImport:
    """The state of one import, applied row by row (a private, mutable builder).

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
        self.problems = ImportProblems()
        # The account's indexes, shared until a row changes them (a login's
        # email or website); then copied once into plain dicts, as a change
        # per row costs a dict update there.
        self.rules = account.rules()
        self.owned = False
        self.reader = RowReader(account, self.rules.positions, self.problems)
        # The records as the account holds them, a plain tuple (each item of
        # the account's shared one is read through a method; the whole slice
        # is its tuple, not a copy): rows read their internal ids here, which
        # no change touches.
        self.records = account.customers[:]
        self.customers = list(self.records) if apply else None
        self.notifications: list[Notification] = []
        self.set_up_notifications: list[SetUpNotification] = []
        self.notices: list[SeparateLogins] = []
        self.grants = self.revocations = self.notified = 0
        self.access_off_reported = False

    def read(self, lines: Iterable[str]) -> None:
        """Read the file and take each row it could read, in order."""
        for row in self.reader.read(lines):
            if row.give:
                self.grant(row)
            elif row.clean:
                # The customer as the rows above left it.
                internal_id = self.records[row.position].internal_id
                self.revoke(row.position, Login(self.rules.customers[internal_id]))

    def grant(self, row: ReadRow) -> None:
        """Check a row's grant; count it and, when applying, make it."""
        internal_id = self.records[row.position].internal_id
        grant = _row_grant(
            LoginId(internal_id), row.procedure or _NOTIFY, row.email, row.role
        )
        if row.email is not None and not self.owned:
            # A row naming an email may change the rules' index of emails:
            # copied once, before its first change, each costs a dict update.
            self.rules = self.rules.copy(shared=False)
            self.owned = True
        check = check_grant(self.account, grant, rules=self.rules)
        faults = check.faults
        if faults:  # not allowed: the rules are as they were
            if row.procedure is None:
                # Its procedure columns disagree (a problem already): the
                # grant's stand-in procedure is not the row's, nothing to check.
                faults = tuple(f for f in faults if f.field != "procedure")
            self.note_faults(row.line, faults)
            return
        # The rules now hold the grant's change, for the rows below. A row
        # applies only with a procedure and no problem: else they give it back.
        if row.procedure is None or not row.clean:
            self.give_back(check)
            return
        self.grants += 1
        procedure = row.procedure
        self.notified += isinstance(procedure, SendNotification) or procedure.notify
        if self.customers is not None and not self.problems.found:
            self.make_change(check, self.customers)

    def make_change(self, check: GrantCheck, customers: list[Customer]) -> None:
        """Make an allowed grant's change, and keep the emails it sends."""
        change = apply_grant(self.account, check, scrypt=self.scrypt, now=self.now)
        customers[check.position] = change.customer
        if change.notification is not None:
            self.notifications.append(change.notification)
        if change.set_up is not None:
            self.set_up_notifications.append(change.set_up)

    def note_faults(self, line: int, faults: Iterable[GrantFault]) -> None:
        """Note a row's faults in its columns; Customer Access off only once."""
        for fault in faults:
            if isinstance(fault.error, CustomerAccessOffError):
                if self.access_off_reported:
                    continue
                self.access_off_reported = True
            column = FIELD_COLUMNS.get(fault.field)
            self.problems.add(line, column, str(fault.error))

    def give_back(self, check: GrantCheck) -> None:
        """Let the rules hold the record as it was before an allowed grant."""
        if check.tried is not None:
            login = check.login
            self.rules.replace_customer(check.position, check.tried, login.customer)

    def revoke(self, position: int, login: Login) -> None:
        """Count a revocation and, when applying, make it."""
        self.revocations += 1
        notice = separate_logins(login)
        if notice is not None:
            self.notices.append(notice)
        if self.customers is not None and not self.problems.found:
            self.customers[position] = without_access(login)

    def report(self) -> ImportReport:
        """What the import found and did."""
        account = None
        problems = self.problems.found
        if self.customers is not None and not problems:
            account = attrs.evolve(self.account, customers=self.customers)
        return ImportReport(
            apply=self.apply,
            rows=self.reader.rows,
            grants=self.grants,
            revocations=self.revocations,
            notified=self.notified,
            problems=tuple(problems),
            notifications=tuple(self.notifications) if account is not None else (),
            notices=tuple(self.notices),
            account=account,
            set_up_notifications=(
                tuple(self.set_up_notifications) if account is not None else ()
            ),
            # A header that cannot be read lists no ignored column (Header.read).
            ignored_columns=tuple(self.reader.header.ignored),
        )
