"""Each rule of ccroles.names holds at every entry point that reads it.

One test per place that used to write a rule again, differently: names
(folded, never blank, writable as UTF-8), ids, unique names, emails' parts,
and files written whole keeping their mode.
"""

import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ccroles import wording
from ccroles.access_emails import Notification
from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
from ccroles.exceptions import DuplicateNameError, InvalidIdError, InvalidNameError
from ccroles.features import Feature, Has, feature_matrix
from ccroles.forms import (
    FormField,
    FormPreferences,
    Origin,
    RecordType,
    SavedOrder,
    TransactionForm,
)
from ccroles.names import check_name, email_parts
from ccroles.notifications import NotificationSettings
from ccroles.passwords import Password, password_problems
from ccroles.render import MATRIX_BEGIN, MATRIX_END
from ccroles.roles import CUSTOMER_CENTER, Capability
from ccroles.testing import CellLog
from ccroles.writing import dump_roles, write_atomically
from tests.cli_run import run

ORDER_FORM = TransactionForm("Sales Order (External)", RecordType.SALES_ORDER)
SRC = Path(__file__).parent.parent / "src" / "ccroles"


# --- names match ignoring case and surrounding space ----------------------


def test_a_feature_matrix_refuses_two_roles_of_one_folded_name() -> None:
    """feature_matrix([Buyer, buyer]) is refused, as the matrix could not look it up."""
    roles = [CUSTOMER_CENTER.customize("Buyer"), CUSTOMER_CENTER.customize(" buyer")]
    with pytest.raises(DuplicateNameError, match="buyer"):
        feature_matrix(roles)


def test_a_feature_matrix_finds_a_role_in_any_case() -> None:
    """A matrix answers for a role named in any case and spacing."""
    matrix = feature_matrix([CUSTOMER_CENTER.customize("Buyer")])
    assert matrix.allows("BUYER ", " billing") is True


def test_the_cell_log_matches_role_and_feature_names_by_fold() -> None:
    """A cell asserted as 'buyer'/'billing' covers the role Buyer's Billing cell."""
    buyer = CUSTOMER_CENTER.customize("Buyer")
    log = CellLog()
    log.record(" buyer", "BILLING")
    unasserted = log.unasserted([buyer])
    assert ("Buyer", "Billing") not in unasserted
    assert ("Buyer", "Make a Payment") in unasserted


# --- a name is never blank and always writable as UTF-8 --------------------

BAD_NAMES = ["", "   ", "\t\n", "bad\udcff", "\ud800", None, 7, b"Total"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_form_name_follows_the_name_rule(name: object) -> None:
    """A form's name is text, not blank, and writable as UTF-8."""
    with pytest.raises(InvalidNameError):
        TransactionForm(name, RecordType.INVOICE)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_form_field_name_follows_the_name_rule(name: object) -> None:
    """A form field's name is text, not blank, and writable as UTF-8."""
    with pytest.raises(InvalidNameError):
        FormField(name)


@pytest.mark.parametrize("name", [name for name in BAD_NAMES if name is not None])
def test_a_web_store_website_follows_the_name_rule(name: object) -> None:
    """A web store order's website is text, not blank, and writable as UTF-8."""
    with pytest.raises(InvalidNameError):
        Origin.web_store(name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_website_sales_order_form_follows_the_name_rule(name: object) -> None:
    """A website given a Sales Order Type is named by the name rule."""
    with pytest.raises(InvalidNameError):
        FormPreferences(website_order_forms={name: ORDER_FORM})  # type: ignore[dict-item]


def test_a_name_subclass_is_kept_as_plain_text() -> None:
    """A str subclass is read as plain text, so no override is ever called."""

    class Loud(str):
        __slots__ = ()

    name = check_name(Loud("Total"), "form field")
    assert type(name) is str
    assert type(FormField(Loud("Total")).name) is str


# --- an id is text; an integer is its decimal text -------------------------


def test_a_saved_order_takes_an_integer_customer_id_as_its_text() -> None:
    """SavedOrder(101, ...) is customer '101''s order, as everywhere else."""
    order = SavedOrder(101, Origin.staff(), ORDER_FORM)
    assert order.customer == "101"
    assert order.customer_internal_id == "101"


@pytest.mark.parametrize("customer", [True, 1.0, None, "", "  ", "bad\udcff"])
def test_a_saved_order_refuses_what_is_no_id(customer: object) -> None:
    """A bool, a float, None, blank or unwritable text is no customer id."""
    with pytest.raises(InvalidIdError) as caught:
        SavedOrder(customer, Origin.staff(), ORDER_FORM)
    assert caught.value.field == "customer"


# --- unique names fold case ------------------------------------------------


@pytest.mark.parametrize("second", ["total", "TOTAL", " Total ", "Total\t"])
def test_form_field_names_are_unique_ignoring_case_and_space(second: str) -> None:
    """Fields Total and total cannot both be on one form."""
    with pytest.raises(DuplicateNameError, match="form field"):
        TransactionForm(
            "Invoice (External)",
            RecordType.INVOICE,
            fields=[FormField("Total"), FormField(second)],
        )


# --- the key and the parts of an email --------------------------------------


def test_an_emails_parts_split_at_its_last_at_sign_and_fold() -> None:
    """The local part and domain, casefolded: one home for the split."""
    assert email_parts("AP@Acme.Example") == ("ap", "acme.example")
    assert email_parts("Straße@x.example") == ("strasse", "x.example")
    assert email_parts('"Jo@Home"@x.example') == ('"jo@home"', "x.example")
    assert email_parts("nobody") == ("", "nobody")


def test_a_password_of_the_emails_local_part_is_refused_in_any_case() -> None:
    """The password rules read an email's parts through the one split."""
    problems = password_problems(
        Password("STRASSE-Ops"),
        Password("STRASSE-Ops"),
        emails=["Straße-ops@x.example"],
    )
    assert [p.reason for p in problems] == [  # type: ignore[union-attr]
        "it is the login email or the part before its '@'"
    ]


def test_only_names_splits_an_email_at_its_at_sign() -> None:
    """A search of src/ finds the email split in one function, in names.py."""
    found = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if 'partition("@")' in path.read_text(encoding="utf-8")
    )
    assert found == ["names.py"]


# --- a file is written whole, keeping its mode ------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_writing_a_file_again_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    """An existing file keeps its permission bits when it is written again."""
    target = tmp_path / "roles.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(mode)
    dump_roles([CUSTOMER_CENTER.customize("Buyer")], target)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert "Buyer" in target.read_text(encoding="utf-8")


def test_a_new_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """A file written afresh gets mode 0o600: it may hold password hashes."""
    target = tmp_path / "new.txt"
    write_atomically(target, "text\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_readme_write_keeps_a_readme_readable_by_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccroles readme --write` leaves a 0644 README at 0644."""
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Portal\n\n{MATRIX_BEGIN}\n{MATRIX_END}\n",
        encoding="utf-8",
    )
    readme.chmod(0o644)
    status, out, _ = run(capsys, "readme", "--write", str(readme))
    assert (status, out.strip()) == (0, f"{readme}: the matrix is refreshed")
    assert stat.S_IMODE(readme.stat().st_mode) == 0o644


# --- a time in a message, the label of a login ------------------------------

PARIS = timezone(timedelta(hours=1))


def test_a_notification_writes_its_link_expiry_in_utc() -> None:
    """A link expiring at 10:30 in UTC+1 says 09:30 UTC, as every message does."""
    settings = NotificationSettings(
        "admin@shop.example",
        "https://shop.example/login",
        "https://shop.example/set-password",
        template="until $link_expires",
    )
    expires = datetime(2026, 3, 1, 10, 30, tzinfo=PARIS)
    mail = Notification("ap@acme.example", "ACME", "t0k3n", expires, settings)
    assert mail.body == "until 2026-03-01 09:30 UTC"


def test_a_lock_is_written_alike_for_the_administrator_and_the_customer() -> None:
    """The lock's end reads the same in the fact and in the customer's message."""
    reason = Reason(ReasonCode.LOCKED, until=datetime(2026, 3, 1, 10, 30, tzinfo=PARIS))
    assert "2026-03-01 09:30 UTC" in wording.fact(reason)
    decision = Decision(SignInQuestion(None), (reason,))
    assert "try again after 2026-03-01 09:30 UTC," in wording.customer_message(decision)


def test_only_wording_writes_a_time_or_a_logins_label() -> None:
    """A search of src/ finds message times and login labels in wording.py only.

    (A store's timestamps and Cedar's entity ids are data, not messages.)
    """
    patterns = (
        r"%Y-%m-%d %H:%M",  # a moment as a message writes it
        r"%H:%M %Z",
        r"f\"contact \{[^}]*!r\} of",  # a login's label
    )
    for pattern in patterns:
        found = sorted(
            str(path.relative_to(SRC))
            for path in SRC.rglob("*.py")
            if re.search(pattern, path.read_text(encoding="utf-8"))
        )
        assert (pattern, set(found) - {"wording.py"}) == (pattern, set())


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_feature_name_follows_the_name_rule(name: object) -> None:
    """A feature's name is text, not blank, and writable as UTF-8."""
    with pytest.raises(InvalidNameError):
        Feature(name, Has(Capability.WEBSITE))
