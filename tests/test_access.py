import base64
import io
import logging
import pickle
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

import ccroles
from ccroles import (
    Account,
    AssignPassword,
    Customer,
    Engine,
    FileFormat,
    Grant,
    LoginId,
    Password,
    PasswordMismatchError,
    SendNotification,
    SignIn,
    SQLiteSignInStore,
    WeakPasswordError,
    dumps_account,
    explain,
    grant_access,
    import_access,
    render_report,
    revoke_access,
    set_password,
)
from ccroles.access import check_grant
from ccroles.access_report import ImportProblem, ImportReport
from ccroles.exceptions import (
    CustomerAccessOffError,
    DuplicateReferenceError,
    InvalidEmailError,
    InvalidFieldError,
    MissingNotificationSettingsError,
    MissingValueError,
    UnknownReferenceError,
    UnknownRoleError,
    UnsafeTemplateError,
)
from ccroles.passwords import (
    PasswordHash,
    hash_password,
    is_common_password,
    password_problems,
)
from tests.access_fixtures import CHEAP_SCRYPT, NOW, SETTINGS, account

CSV_DIR = Path(__file__).parent / "data" / "csv"
CSV_FILES = sorted(CSV_DIR.glob("*.csv"), key=lambda path: path.name)
GOOD = "plum-tractor-44"


def notify(customer: str = "101", contact: str | None = None, **fields: str) -> Grant:
    """A grant by notification; keyword arguments fill the other fields."""
    return Grant(LoginId(customer, contact=contact), SendNotification(), **fields)


def assign(password: str, confirm: str | None = None, **fields: str) -> Grant:
    """A grant to ACME with an assigned password."""
    procedure = AssignPassword(Password(password), Password(confirm or password))
    return Grant(LoginId("101"), procedure, **fields)


def read(path: Path, **options: bool) -> ImportReport:
    """Import a CSV file of the table against the test account."""
    with path.open(encoding="utf-8-sig", newline="") as lines:
        return import_access(account(), lines, scrypt=CHEAP_SCRYPT, now=NOW, **options)


# Passwords


def test_a_password_never_shows_its_text() -> None:
    """repr, str and formatting mask a password; reveal() gives the text."""
    secret = Password(GOOD)
    assert (repr(secret), str(secret), f"{secret}") == (
        "Password('********')",
        "********",
        "********",
    )
    assert GOOD not in repr(AssignPassword(secret, secret))
    assert secret.reveal() == GOOD
    assert len(secret) == len(GOOD)


def test_passwords_compare_by_text_and_are_neither_hashed_nor_pickled() -> None:
    """Equal texts are equal passwords; a password is no dict key nor pickle."""
    assert Password(GOOD) == Password(GOOD)
    assert Password(GOOD) != Password(GOOD + "!")
    assert Password(GOOD) != GOOD
    with pytest.raises(TypeError):
        hash(Password(GOOD))
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Password(GOOD))


def test_a_hash_verifies_its_password_only() -> None:
    """hash_password stores a salted scrypt hash that verifies the password only."""
    stored = hash_password(Password(GOOD), CHEAP_SCRYPT)
    assert (stored.algorithm, stored.n, stored.r, stored.p) == ("scrypt", 2, 1, 1)
    assert stored.verify(GOOD)
    assert not stored.verify(GOOD.upper())
    assert hash_password(Password(GOOD), CHEAP_SCRYPT).salt != stored.salt
    assert GOOD not in repr(stored)
    assert stored.hash.hex() not in repr(stored)


def test_the_default_scrypt_cost_is_the_recommended_one() -> None:
    """New hashes use n=2**14, r=8, p=1 unless told otherwise."""
    stored = hash_password(Password(GOOD))
    assert (stored.n, stored.r, stored.p) == (2**14, 8, 1)
    assert stored.verify(GOOD)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"algorithm": "md5"},
            "algorithm",
            "password hash algorithm 'md5' is refused; expected 'scrypt'",
        ),
        (
            {"n": 3},
            "n",
            "password hash n 3 is refused; expected a power of 2 from 2 to 131072",
        ),
        (
            {"n": 1},
            "n",
            "password hash n 1 is refused; expected a power of 2 from 2 to 131072",
        ),
        (
            {"r": 0},
            "r",
            "password hash r 0 is refused; expected an integer from 1 to 32",
        ),
        (
            {"p": 0},
            "p",
            "password hash p 0 is refused; expected an integer from 1 to 16",
        ),
    ],
)
def test_unsupported_hashes_are_refused(
    fields: dict[str, object], field: str, message: str
) -> None:
    """Only scrypt with a power-of-2 cost and positive r and p is accepted."""
    values: dict[str, object] = {
        "algorithm": "scrypt",
        "n": 2,
        "r": 1,
        "p": 1,
        "salt": b"salt",
        "hash": bytes(32),
    }
    values.update(fields)
    with pytest.raises(InvalidFieldError) as caught:
        PasswordHash(**values)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("password", "confirm", "kinds"),
    [
        (GOOD, GOOD, []),
        ("Sh0rt!", "Sh0rt!", ["weak"]),
        ("PASSWORD1", "PASSWORD1", ["weak"]),
        ("Ap@Acme.Example", "Ap@Acme.Example", ["weak"]),
        ("ap", "ap", ["weak", "weak"]),
        ("AP.ACCOUNTS", "AP.ACCOUNTS", ["weak"]),
        (GOOD, GOOD + "!", ["mismatch"]),
        ("qwerty", "qwertz", ["weak", "weak", "mismatch"]),
    ],
)
def test_password_rules(password: str, confirm: str, kinds: list[str]) -> None:
    """8+ characters, not common, not the email or its local part, confirmed."""
    problems = password_problems(
        Password(password),
        Password(confirm),
        emails=["ap@acme.example", "ap.accounts@acme.example"],
    )
    found = [
        "weak" if isinstance(problem, WeakPasswordError) else "mismatch"
        for problem in problems
    ]
    assert found == kinds


def test_the_common_password_list_ships_with_the_package() -> None:
    """The shipped list is read, ignoring case, comments and blank lines."""
    assert is_common_password("Trustno1")
    assert is_common_password("P@SSW0RD")
    assert not is_common_password("# Very common passwords, refused by")
    assert not is_common_password("")


# Notification settings


@pytest.mark.parametrize(
    ("field", "template", "placeholder"),
    [
        ("template", "Your password is $password", "password"),
        ("template", "Your password is ${password}", "password"),
        ("subject", "Welcome $name", "name"),
        ("template", "Costs $5", None),
    ],
)
def test_templates_may_use_only_the_listed_placeholders(
    field: str, template: str, placeholder: str | None
) -> None:
    """A template asking for a password (or anything unlisted) is refused."""
    with pytest.raises(UnsafeTemplateError) as caught:
        attrs.evolve(SETTINGS, **{field: template})  # type: ignore[arg-type]
    assert caught.value.placeholder == placeholder
    assert "$set_password_link" in str(caught.value)


def test_a_link_validity_is_at_most_31_days() -> None:
    """A set-password link works at most 31 days: a longer one never overflows."""
    assert attrs.evolve(SETTINGS, link_validity=timedelta(days=31)).link_validity == (
        timedelta(days=31)
    )
    for too_long in (timedelta(days=31, microseconds=1), timedelta.max):
        with pytest.raises(InvalidFieldError, match="at most 31 days"):
            attrs.evolve(SETTINGS, link_validity=too_long)


def test_settings_refuse_a_bad_validity_and_the_staff_login_page() -> None:
    """The link validity is positive; the login address is not the staff page."""
    with pytest.raises(InvalidFieldError) as validity:
        attrs.evolve(SETTINGS, link_validity=timedelta(0))
    assert str(validity.value) == (
        "notification settings link_validity datetime.timedelta(0) is refused; "
        "expected a positive duration of at most 31 days"
    )
    with pytest.raises(InvalidFieldError) as staff:
        attrs.evolve(SETTINGS, login_url="https://shop.example/staff/login")
    assert str(staff.value) == (
        "notification settings login_url 'https://shop.example/staff/login' is "
        "refused; expected the customer center login address, not the staff "
        "login page"
    )


# Grants and revocation


def test_a_notification_grant_gives_access_and_an_email() -> None:
    """Access by notification: the login gets access and one email to send."""
    granted = grant_access(account(), notify(role="Customer Center"), now=NOW)
    customer = granted.account.customer("101")
    assert (customer.give_access, customer.role, customer.password_hash) == (
        True,
        "Customer Center",
        None,
    )
    mail = granted.notification
    assert mail is not None
    assert (mail.recipient, mail.customer_id) == ("ap@acme.example", "ACME")
    assert mail.expires == NOW + timedelta(hours=24)
    assert mail.link == f"{SETTINGS.set_password_url}?token={mail.token}"
    assert mail.subject == "Your customer center access"
    for text in (
        "ap@acme.example",
        "admin@shop.example",
        SETTINGS.login_url,
        mail.link,
        "2026-03-02 09:30 UTC",
    ):
        assert text in mail.body
    assert "https://shop.example/staff/login" not in mail.body
    assert mail.token not in repr(mail)


def test_the_account_can_replace_the_template_and_the_validity() -> None:
    """The account's template and link validity are the ones used."""
    settings = attrs.evolve(
        SETTINGS,
        set_password_url="https://shop.example/pw?lang=en",  # noqa: S106 (a URL)
        subject="Access for $customer_id",
        template="$login_email: $set_password_link until $link_expires",
        link_validity=timedelta(hours=2),
    )
    granted = grant_access(
        account(notification=settings), notify(role="Customer Center"), now=NOW
    )
    mail = granted.notification
    assert mail is not None
    assert mail.subject == "Access for ACME"
    assert mail.body == (
        f"ap@acme.example: https://shop.example/pw?lang=en&token={mail.token} "
        "until 2026-03-01 11:30 UTC"
    )


def test_a_grant_without_a_time_starts_the_link_now() -> None:
    """Without now=, the set-password link is valid from the current time."""
    mail = grant_access(account(), notify(role="Customer Center")).notification
    assert mail is not None
    assert mail.expires > NOW


def test_an_assigned_password_is_stored_hashed_and_no_email_is_sent() -> None:
    """Assigning a password stores its hash; the procedure sends nothing."""
    granted = grant_access(
        account(), assign(GOOD, role="Customer Center"), scrypt=CHEAP_SCRYPT
    )
    stored = granted.account.customer("101").password_hash
    assert stored is not None
    assert stored.verify(GOOD)
    assert granted.notification is None


def test_a_later_notification_keeps_the_stored_hash() -> None:
    """Sending a new notification does not drop the password already set."""
    first = grant_access(
        account(), assign(GOOD, role="Customer Center"), scrypt=CHEAP_SCRYPT
    )
    again = grant_access(first.account, notify())
    assert again.account.customer("101").password_hash == (
        first.account.customer("101").password_hash
    )


def test_a_contact_gets_its_own_login_and_role() -> None:
    """A contact's grant changes the contact, and the website the customer's."""
    grant = notify(contact="c1", role="Accountant", website="Main Store")
    customer = grant_access(account(), grant, now=NOW).account.customer("101")
    assert customer.give_access is False
    assert customer.assigned_website == "Main Store"
    contact = customer.contacts[0]
    assert (contact.email, contact.give_access, contact.role) == (
        "books@acme.example",
        True,
        "Accountant",
    )


def test_access_needs_the_customer_access_feature() -> None:
    """Granting while Customer Access is off says how to switch it on."""
    with pytest.raises(CustomerAccessOffError) as caught:
        grant_access(account(customer_access=False), notify(role="Customer Center"))
    assert str(caught.value) == (
        "cannot give customer 'ACME' access: the Customer Access feature is off; "
        "switch it on at Setup > Company > Setup Tasks > Enable Features, Web "
        "Presence subtab, Customer Access (in ccroles: "
        "Account(customer_access=True))"
    )


@pytest.mark.parametrize(
    ("grant", "error", "message"),
    [
        (notify("999"), UnknownReferenceError, "the account lacks"),
        (notify(contact="c9"), UnknownReferenceError, "names contact 'c9'"),
        (notify("102", role="Customer Center"), MissingValueError, "has no email"),
        (notify(), MissingValueError, "has no role"),
        (
            notify(email="ap at acme", role="Customer Center"),
            InvalidEmailError,
            "cannot log in as 'ap at acme'",
        ),
        (
            notify(email="@acme.example", role="Customer Center"),
            InvalidEmailError,
            "cannot log in as '@acme.example'",
        ),
        (
            notify(email="IT@core.example", role="Customer Center"),
            DuplicateReferenceError,
            "'IT@core.example', which is already taken",
        ),
        (
            notify(email="books@acme.example", role="Customer Center"),
            DuplicateReferenceError,
            "already taken",
        ),
        (notify(role="Acountant"), UnknownRoleError, "did you mean 'Accountant'?"),
        (
            notify(role="Customer Center", website="Shop"),
            UnknownReferenceError,
            "customer 'ACME' names website 'Shop', which the account lacks",
        ),
        (assign("Sh0rt!", role="Customer Center"), WeakPasswordError, "fewer than 8"),
        (
            assign(GOOD, GOOD + "?", role="Customer Center"),
            PasswordMismatchError,
            "do not match",
        ),
    ],
)
def test_bad_grants_are_refused(
    grant: Grant, error: type[Exception], message: str
) -> None:
    """A grant names a known record, an email that is free, a known role ..."""
    with pytest.raises(error, match=message.replace("?", r"\?")):
        grant_access(account(), grant, scrypt=CHEAP_SCRYPT)


def test_notifications_need_the_accounts_settings() -> None:
    """Without notification settings a notification cannot be sent."""
    with pytest.raises(MissingNotificationSettingsError):
        grant_access(account(notification=None), notify(role="Customer Center"))


def test_the_same_login_may_keep_its_email_in_another_case() -> None:
    """A login's own email is not taken from it, whatever its case."""
    granted = grant_access(
        account(), notify(email="AP@acme.example", role="Accountant")
    )
    assert granted.account.customer("101").email == "AP@acme.example"


def test_revoking_a_vendor_and_employee_says_to_revoke_those_too() -> None:
    """Revoking a customer with other logins returns a notice naming them."""
    revoked = revoke_access(account(), LoginId("103"))
    customer = revoked.account.customer("103")
    assert (customer.give_access, customer.email) == (False, "it@core.example")
    assert revoked.notice is not None
    assert revoked.notice.kinds == ("vendor", "employee")
    assert "revoke their access and inactivate the vendor and employee" in str(
        revoked.notice
    )


def test_revoking_forgets_the_password_hash() -> None:
    """A revoked login's hash is gone; a contact's revocation has no notice."""
    granted = grant_access(
        account(), assign(GOOD, role="Customer Center"), scrypt=CHEAP_SCRYPT
    )
    revoked = revoke_access(granted.account, LoginId("101"))
    assert revoked.account.customer("101").password_hash is None
    assert revoked.notice is None
    contact = revoke_access(granted.account, LoginId("101", contact="c1"))
    assert contact.notice is None
    assert contact.account.customer("101").contacts[0].give_access is False


# Bulk access from CSV


@pytest.mark.parametrize("path", CSV_FILES, ids=[path.stem for path in CSV_FILES])
def test_csv_table(path: Path) -> None:
    """Each file of tests/data/csv/ gives the dry-run report written beside it."""
    expected = path.with_suffix(".txt").read_text(encoding="utf-8")
    report = read(path)
    assert render_report(report) + "\n" == expected
    assert report.found_no_problem == path.name.startswith("good_")
    assert report.account is None


@pytest.mark.parametrize(
    "path", [p for p in CSV_FILES if p.name.startswith("bad_")], ids=lambda p: p.stem
)
def test_applying_a_file_with_problems_changes_nothing(path: Path) -> None:
    """With apply, any problem means no new account and nothing to send."""
    report = read(path, apply=True)
    assert report.problems
    assert (report.applied, report.account, report.notifications) == (False, None, ())
    assert render_report(report).startswith("not applied: ")


def test_applying_notifications_gives_access_and_lists_the_emails() -> None:
    """Applied, a notification file gives access and one email per row."""
    report = read(CSV_DIR / "good_notification_crlf_bom.csv", apply=True)
    assert report.account is not None
    acme, bolt = report.account.customer("101"), report.account.customer("102")
    assert (acme.give_access, acme.role) == (True, "Customer Center")
    assert (bolt.email, bolt.role) == ("bolt@bolt.example", "Accountant")
    assert [mail.recipient for mail in report.notifications] == [
        "ap@acme.example",
        "bolt@bolt.example",
    ]
    assert render_report(report) == (
        "applied: 2 rows, 2 grants, 0 revocations, 2 notifications to send\n"
        "ignored columns: 'Notes'"
    )


def test_applying_assigned_passwords_stores_their_hashes() -> None:
    """Applied, Password cells (quoted commas kept) are stored hashed."""
    report = read(CSV_DIR / "good_manual_password.csv", apply=True)
    assert report.account is not None
    stored = [report.account.customer(i).password_hash for i in ("101", "102")]
    assert stored[0] is not None
    assert stored[0].verify(GOOD)
    assert stored[1] is not None
    assert stored[1].verify("comma,inside,it")
    assert report.notifications == ()


def test_an_assigned_password_with_notify_sends_a_set_up_email() -> None:
    """Source 003, 9.2-9.3: Notify with an assigned password mails no password."""
    procedure = AssignPassword(Password(GOOD), Password(GOOD), notify=True)
    granted = grant_access(
        account(),
        Grant(LoginId("101"), procedure, role="Customer Center"),
        scrypt=CHEAP_SCRYPT,
    )
    assert granted.notification is None
    mail = granted.set_up
    assert mail is not None
    assert (mail.recipient, mail.customer_id) == ("ap@acme.example", "ACME")
    assert mail.subject == "Your customer center access"
    assert "set up your access" in mail.body
    for text in ("ap@acme.example", "admin@shop.example", SETTINGS.login_url):
        assert text in mail.body
    assert GOOD not in mail.body
    assert "token" not in mail.body
    assert SETTINGS.set_password_url not in mail.body


def test_an_assigned_password_without_notify_sends_nothing() -> None:
    """Without Notify, an assigned password sends no email at all."""
    granted = grant_access(account(), assign(GOOD, role="Customer Center"))
    assert (granted.notification, granted.set_up) == (None, None)


def test_notify_with_an_assigned_password_needs_notification_settings() -> None:
    """Notify cannot be honoured without the account's addresses."""
    procedure = AssignPassword(Password(GOOD), Password(GOOD), notify=True)
    with pytest.raises(MissingNotificationSettingsError):
        grant_access(
            account(notification=None),
            Grant(LoginId("101"), procedure, role="Customer Center"),
        )


def test_the_csv_import_sends_set_up_emails_for_notify_with_a_password() -> None:
    """A row with both Notify and a manual password gives one set-up email."""
    report = read(CSV_DIR / "good_manual_password_notify.csv", apply=True)
    assert report.account is not None
    stored = report.account.customer("101").password_hash
    assert stored is not None
    assert stored.verify(GOOD)
    assert report.notifications == ()
    assert [mail.recipient for mail in report.set_up_notifications] == [
        "ap@acme.example"
    ]
    assert GOOD not in report.set_up_notifications[0].body


def test_set_password_applies_the_password_rules() -> None:
    """A password set later (from a link) obeys the same rules as a grant."""
    base = account()
    login = LoginId("101")
    with pytest.raises(WeakPasswordError):
        set_password(base, login, Password("ap"), Password("ap"))
    with pytest.raises(PasswordMismatchError):
        set_password(base, login, Password(GOOD), Password(GOOD + "!"))
    with pytest.raises(UnknownReferenceError):
        set_password(base, LoginId("999"), Password(GOOD), Password(GOOD))
    with pytest.raises(UnknownReferenceError):
        set_password(base, LoginId("101", contact="c9"), Password(GOOD), Password(GOOD))


def test_a_record_without_an_email_gets_no_password() -> None:
    """A record without an email is no login: it cannot get a password."""
    with pytest.raises(MissingValueError, match="email"):
        set_password(account(), LoginId("102"), Password(GOOD), Password(GOOD))


@pytest.mark.parametrize("email", ["AP@acme.example", "books@acme.example"])
def test_set_password_stores_the_hash_and_keeps_access(email: str) -> None:
    """The customer's or the contact's hash is replaced; access stays as it was."""
    base = account()
    changed = set_password(
        base,
        LoginId.of(base.login(email)),
        Password(GOOD),
        Password(GOOD),
        scrypt=CHEAP_SCRYPT,
    )
    login = changed.login(email)
    record = login.contact if login.contact is not None else login.customer
    assert record.password_hash is not None
    assert record.password_hash.verify(GOOD)
    assert (login.give_access, login.role) == (False, None)


def test_an_email_given_up_by_one_row_can_be_taken_by_a_later_row() -> None:
    """Rows apply in order: an email released above is free below."""
    report = read(CSV_DIR / "good_revoke_and_reuse_email.csv", apply=True)
    assert report.account is not None
    assert report.account.customer("104").email == "ap@acme.example"
    assert report.account.customer("103").give_access is False
    assert len(report.notices) == 1


def test_an_email_taken_by_a_row_is_not_free_for_a_later_row() -> None:
    """A later row cannot take the email an earlier row gave up and reclaimed."""
    lines = [
        "Internal ID,Give Access,Email,Role,Send New Access Notification Email",
        "101,yes,acme@acme.example,Customer Center,yes",
        "104,yes,ap@acme.example,,yes",
        "102,yes,ap@acme.example,Customer Center,yes",
    ]
    report = import_access(account(), lines)
    assert [str(problem) for problem in report.problems] == [
        (
            "line 4, column 'Email': customer 'BOLT' uses email 'ap@acme.example', "
            "which is already taken"
        )
    ]


def test_customer_access_off_is_reported_once() -> None:
    """With Customer Access off, the first granting row says how to switch it on."""
    lines = [
        "Internal ID,Give Access,Role,Send New Access Notification Email",
        "101,yes,Customer Center,yes",
        "104,yes,,yes",
        "103,no,,",
    ]
    report = import_access(account(customer_access=False), lines, apply=True)
    assert [(p.line, p.column) for p in report.problems] == [(2, "Give Access")]
    assert "Enable Features" in report.problems[0].message


def test_a_missing_notification_setting_is_a_row_problem() -> None:
    """Asking for a notification without settings is a problem of that cell."""
    lines = ["Internal ID,Give Access,Role", "101,yes,Customer Center"]
    lines[0] += ",Send New Access Notification Email"
    lines[1] += ",yes"
    report = import_access(account(notification=None), lines)
    assert [problem.column for problem in report.problems] == [
        "Send New Access Notification Email"
    ]


def test_an_io_stream_is_read_like_a_file() -> None:
    """A text stream is read like a file."""
    text = "Internal ID,Give Access,Role,Send New Access Notification Email\n104,no,,\n"
    report = import_access(account(), io.StringIO(text, newline=""), apply=True)
    assert report.applied
    assert (report.revocations, report.notices) == (1, ())


def test_a_short_row_is_one_problem_that_shows_no_value() -> None:
    """A row with a cell missing may have shifted: one problem, no value shown."""
    text = "Internal ID,Give Access,Role,Send New Access Notification Email\n104,no\n"
    report = import_access(account(), io.StringIO(text, newline=""))
    assert [str(problem) for problem in report.problems] == [
        (
            "line 2: the row has 2 cells where the header has 4: a cell is missing, "
            "so values may have moved into other columns (none of them is shown; "
            "fix the row's commas)"
        )
    ]


def test_a_bom_is_dropped_from_lines_not_decoded_as_utf8_sig() -> None:
    """A file opened as plain UTF-8 keeps its BOM; the import drops it."""
    lines = ["\ufeffInternal ID,Give Access", "103,n"]
    assert import_access(account(), lines).found_no_problem


def test_problem_text_names_line_and_column() -> None:
    """A problem reads `line N, column 'C': ...`, or `line N: ...` for a file."""
    assert str(ImportProblem(3, "Role", "bad")) == "line 3, column 'Role': bad"
    assert str(ImportProblem(1, None, "empty")) == "line 1: empty"


def test_an_import_logs_its_summary_and_problems(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The summary is logged at INFO and each problem at DEBUG."""
    caplog.set_level(logging.DEBUG, logger="ccroles.access_csv")
    import_access(account(), ["Internal ID,Give Access", "101,maybe"])
    assert [record.levelname for record in caplog.records] == ["DEBUG", "INFO"]


# Secrets never leak


SECRETS = ("Tr0ub4dor&3-secret", "Tr0ub4dor&3-secreT", "Zq9!x", "Password1")


def _sweep_outputs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every text the library produces while handling the known passwords."""
    outputs: list[str] = []
    first, second, short, common = (Password(text) for text in SECRETS)
    outputs += [repr(first), str(first), f"{first!s} {first!r} {first}"]
    grant = assign(SECRETS[0], role="Customer Center")
    outputs += [repr(grant), str(grant)]
    granted = grant_access(account(), grant, scrypt=CHEAP_SCRYPT)
    outputs += [repr(granted), str(granted.account)]
    revoked = revoke_access(granted.account, LoginId("101"))
    outputs.append(repr(revoked))
    mailed = grant_access(granted.account, notify(), now=NOW)
    assert mailed.notification is not None
    outputs += [
        repr(mailed),
        mailed.notification.subject,
        mailed.notification.body,
        mailed.notification.link,
    ]
    for bad in (
        AssignPassword(first, second),
        AssignPassword(short, short),
        AssignPassword(common, common),
    ):
        with pytest.raises(ccroles.CCRolesError) as caught:
            grant_access(account(), Grant(LoginId("101"), bad, role="Customer Center"))
        outputs += [str(caught.value), repr(caught.value), repr(caught.value.args)]
    outputs += [str(p) for p in password_problems(first, second, emails=["a@b.c"])]
    header = "Internal ID,Give Access,Role,Manually Assign or Change Password,"
    header += "Password,Confirm Password"
    rows = [
        f"101,yes,Customer Center,yes,{SECRETS[0]},{SECRETS[1]}",
        f"102,yes,Customer Center,yes,{SECRETS[2]},{SECRETS[2]}",
        f"103,yes,Customer Center,yes,{SECRETS[3]},{SECRETS[3]}",
        f"104,no,,,{SECRETS[0]},",
    ]
    for apply in (False, True):
        report = import_access(
            account(), [header, *rows], apply=apply, scrypt=CHEAP_SCRYPT
        )
        outputs += [render_report(report), repr(report)]
        outputs += [problem.message for problem in report.problems]
    good = import_access(
        account(),
        [header, f"101,yes,Customer Center,yes,{SECRETS[0]},{SECRETS[0]}"],
        apply=True,
        scrypt=CHEAP_SCRYPT,
    )
    assert good.applied
    outputs += [render_report(good), repr(good), repr(good.account)]
    assert good.account is not None
    outputs += _serialized(granted.account) + _serialized(good.account)
    for record in caplog.records:
        outputs += [record.getMessage(), repr(record.args), record.msg]
    return outputs


def _serialized(account: ccroles.Account) -> list[str]:
    """*account* as JSON and TOML, with and without its secrets."""
    hashed = account.customer("101").password_hash
    assert hashed is not None  # the account holds a hashed password
    written = [
        dumps_account(account, fmt, include_secrets=secrets)
        for fmt in FileFormat
        for secrets in (False, True)
    ]
    salt = base64.b64encode(hashed.salt).decode()
    assert [salt in text for text in written] == [False, True, False, True]
    return written


def _sign_in_outputs(folder: Path) -> tuple[list[str], list[str]]:
    """What signing in produces with the known passwords, and the tokens it made."""
    outputs: list[str] = []
    procedure = AssignPassword(Password(SECRETS[0]), Password(SECRETS[0]), notify=True)
    granted = grant_access(
        account(),
        Grant(LoginId("101"), procedure, role="Customer Center"),
        scrypt=CHEAP_SCRYPT,
    )
    assert granted.set_up is not None
    outputs += [repr(granted), granted.set_up.subject, granted.set_up.body]
    mailed = grant_access(granted.account, notify("103"), now=NOW)
    assert mailed.notification is not None
    path = folder / "signin.sqlite3"
    with SQLiteSignInStore(path) as store:
        sign_in = SignIn(
            Engine(mailed.account), store, clock=lambda: NOW, scrypt=CHEAP_SCRYPT
        )
        sign_in.register(mailed.notification)
        for email in ("ap@acme.example", "nobody@acme.example"):
            for text in (SECRETS[1], SECRETS[0], *[SECRETS[3]] * 5, SECRETS[0]):
                attempt = sign_in.attempt(email, Password(text))
                outputs += [repr(attempt), explain(attempt.decision)]
        link = sign_in.issue_reset_link("ap@acme.example")
        assert link is not None
        outputs.append(repr(link))
        for new, confirm in ((SECRETS[2], SECRETS[2]), (SECRETS[0], SECRETS[1])):
            with pytest.raises(ccroles.CCRolesError) as caught:
                sign_in.redeem(link.token, Password(new), Password(confirm))
            outputs += [str(caught.value), repr(caught.value)]
        for _ in range(2):
            redeemed = sign_in.redeem(
                link.token, Password(SECRETS[0]), Password(SECRETS[0])
            )
            outputs += [repr(redeemed), explain(redeemed.decision)]
        outputs += [repr(store), repr(sign_in.status("ap@acme.example"))]
        stored = "\n".join(store._connection.iterdump())
    outputs += [stored, *(p.read_bytes().decode("latin-1") for p in folder.iterdir())]
    return outputs, [link.token, mailed.notification.token]


def test_no_output_contains_a_password(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """Reprs, errors, logs, reports, emails, files and stores never hold a secret."""
    caplog.set_level(logging.DEBUG)
    outputs, tokens = _sign_in_outputs(tmp_path)
    outputs += _sweep_outputs(caplog)
    assert len(caplog.records) >= 5
    assert any("fewer than 8" in text for text in outputs)
    assert any("locked after too many wrong passwords" in text for text in outputs)
    assert sum('"password_hash"' in text for text in outputs) == 2  # JSON, secrets
    for text in outputs:
        for secret in (*SECRETS, *tokens):
            assert secret not in text, text


@pytest.mark.parametrize(
    "refused_row",
    [
        "102,yes,new@x.example,Customer Center,",  # no way to notify: a problem
        "102,yes,new@x.example,Customer Center,maybe",  # a flag that is none
    ],
)
def test_an_email_a_refused_row_asked_for_is_free_for_a_later_row(
    refused_row: str,
) -> None:
    """A row with a problem changes nothing: its email stays free."""
    lines = [
        "Internal ID,Give Access,Email,Role,Send New Access Notification Email",
        refused_row,
        "104,yes,new@x.example,,yes",
    ]
    report = import_access(account(), lines)
    assert [problem.line for problem in report.problems] == [2]
    assert report.grants == 1


@pytest.mark.parametrize("apply", [False, True])
def test_rows_that_keep_their_emails_leave_the_rules_records_alone(
    *, apply: bool
) -> None:
    """Memory flat: a row keeping its email keeps no changed record in the rules."""
    from ccroles._access_import import AccessImport  # noqa: PLC0415 (its state)

    target = Account(
        notification=SETTINGS,
        customers=[
            Customer(str(i), f"C{i}", email=f"c{i}@example.com") for i in range(50)
        ],
    )
    lines = ["Internal ID,Give Access,Role,Send New Access Notification Email"]
    lines += [f"{i},yes,Customer Center,yes" for i in range(50)]
    state = AccessImport(target, apply=apply, scrypt=CHEAP_SCRYPT, now=NOW)
    state.read(lines)
    assert (state.grants, state.problems.found) == (50, [])
    assert all(
        state.rules.customers[customer.internal_id] is customer
        for customer in target.customers
    )
    assert state.report().applied is apply


def test_a_row_changing_its_email_keeps_the_new_one_taken() -> None:
    """A later row cannot take the email an earlier row gave its customer."""
    lines = [
        "Internal ID,Give Access,Role,Email,Send New Access Notification Email",
        "1,yes,Customer Center,new@example.com,yes",
        "2,yes,Customer Center,NEW@example.com,yes",
    ]
    target = Account(
        notification=SETTINGS, customers=[Customer("1", "A"), Customer("2", "B")]
    )
    report = import_access(target, lines)
    assert [(p.line, p.column) for p in report.problems] == [(3, "Email")]


def test_check_grant_answers_allowed_exactly_when_it_found_no_fault() -> None:
    """The check's truth is `allowed`: no fault; a fault names its field."""
    acme = LoginId("101")
    fine = check_grant(account(), Grant(acme, SendNotification(), role="Accountant"))
    assert (fine.allowed, fine.faults, fine.email) == (True, (), "ap@acme.example")
    no_role = check_grant(account(), Grant(acme, SendNotification()))
    assert no_role.allowed is False
    assert [fault.field for fault in no_role.faults] == ["role"]
