import re
import textwrap
from pathlib import Path

import pytest

from ccroles import BUILTIN_ROLES, FEATURES, load_roles
from tests.test_docs import ROOT, fenced_blocks


def matrix_file(roles: dict[str, list[str]]) -> str:
    """A matrix test file for *roles*."""
    lines = ["format = 1", "", "[matrix]"]
    lines += [
        f'"{name}" = {features!r}'.replace("'", '"') for name, features in roles.items()
    ]
    return "\n".join(lines) + "\n"


BUILTIN_MATRIX = matrix_file(
    {role.name: list(FEATURES.feature_names_of(role)) for role in BUILTIN_ROLES}
)


def test_a_correct_matrix_passes_one_item_per_role(pytester: pytest.Pytester) -> None:
    """Each role of a matrix file is one passing test item with a readable id."""
    pytester.makefile(".ccroles.toml", portal=BUILTIN_MATRIX)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*portal.ccroles.toml::Customer Center PASSED*"])


def test_every_unlisted_feature_must_be_denied(pytester: pytest.Pytester) -> None:
    """A feature the role has but the file omits fails, shown as a cell table."""
    features = [
        f for f in FEATURES.feature_names_of(BUILTIN_ROLES[0]) if f != "Make a Payment"
    ]
    pytester.makefile(
        ".ccroles.toml", portal=matrix_file({"Customer Center": features})
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*portal.ccroles.toml:4: role 'Customer Center': 1 cell differs*",
            "role*feature*expected*actual",
            "Customer Center*Make a Payment*No*Yes",
        ]
    )


def test_every_differing_cell_is_listed(pytester: pytest.Pytester) -> None:
    """A failure lists all differing cells, not only the first."""
    pytester.makefile(
        ".ccroles.toml",
        portal=matrix_file({"Advanced Customer Center": ["Billing", "Website"]}),
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*3 cells differ*",
            "*Billing*Yes*No",
            "*Website*Yes*No",
            "*Mapping Store Locations*No*Yes",
        ]
    )


def test_an_unknown_role_fails_its_item(pytester: pytest.Pytester) -> None:
    """A role nobody defines fails that item with a suggestion."""
    pytester.makefile(".ccroles.toml", portal=matrix_file({"Customer Centre": []}))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*unknown role 'Customer Centre'; did you mean 'Customer Center'?*"]
    )


def test_a_role_is_named_in_any_case(pytester: pytest.Pytester) -> None:
    """The file's roles are one RoleCatalogue: any case, surrounding space too."""
    features = list(FEATURES.feature_names_of(BUILTIN_ROLES[1]))
    pytester.makefile(
        ".ccroles.toml", portal=matrix_file({" premium CUSTOMER center": features})
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_an_unknown_feature_fails_its_item(pytester: pytest.Pytester) -> None:
    """A misspelt feature fails that item, naming the feature."""
    pytester.makefile(
        ".ccroles.toml", portal=matrix_file({"Customer Center": ["Wish List"]})
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*unknown feature 'Wish List'; did you mean 'Wish Lists'?*"]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "format = 1\n[matrix\n",
            "*portal.ccroles.toml:2:8: Expected ']' at the end of a table declaration",
        ),
        ("format = 1\nx = = 2\n[matrix]\n", "*portal.ccroles.toml:2:5: Invalid value"),
        (  # at the end of the document: its last line
            'format = 1\nx = """abc',
            "*portal.ccroles.toml:2:11: Unterminated string",
        ),
        (  # the format version rule of account files
            "format = 2\n[matrix]\nx = []\n",
            (
                "*portal.ccroles.toml:1: format: unknown format version 2; "
                "this release reads 1"
            ),
        ),
        (
            "[matrix]\nx = []\n",
            "*portal.ccroles.toml: required key 'format' is missing; this release*",
        ),
        (
            "format = 1\nextra = true\n",
            "*portal.ccroles.toml:2: unknown key 'extra'; expected keys: format, *",
        ),
        (
            "format = 1\nroles = 3\n[matrix]\n",
            "*portal.ccroles.toml:2: roles: expected a string, got an integer",
        ),
        (
            "format = 1\nmatrix = 3\n",
            "*portal.ccroles.toml:2: matrix: expected a table, got an integer",
        ),
        (
            "format = 1\n",
            "*portal.ccroles.toml: matrix: expected a [[]matrix[]] table*",
        ),
        (
            'format = 1\n[matrix]\n"Customer Center" = "Billing"\n',
            '*portal.ccroles.toml:3: matrix[[]"Customer Center"[]]: expected an *',
        ),
        (
            'format = 1\n[matrix]\n"Customer Center" = { Billing = true }\n',
            (
                '*portal.ccroles.toml:3: matrix[[]"Customer Center"[]]: expected an '
                "array, got a table"
            ),
        ),
    ],
)
def test_a_malformed_file_fails_with_file_line_and_key(
    pytester: pytest.Pytester, text: str, expected: str
) -> None:
    """A malformed file fails one item for that file; the run goes on."""
    pytester.makefile(".ccroles.toml", portal=text)
    pytester.makepyfile(test_other="def test_ok():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([expected])


def test_a_file_that_is_not_utf_8_fails_with_the_bytes_place(
    pytester: pytest.Pytester,
) -> None:
    """Bytes that are not UTF-8 are refused at their line and column."""
    (pytester.path / "portal.ccroles.toml").write_bytes(b"format = 1\nx = '\xff'\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*portal.ccroles.toml:2:6: not UTF-8 text: byte 0xff is invalid here"]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the file's own keys: all of them checked before its entries
            'format = 1\nextra = 1\nroles = 3\naccount = "account.toml"\n',
            [
                "*portal.ccroles.toml does not load: 2 problems",
                "*portal.ccroles.toml:2: unknown key 'extra'; expected keys: *",
                "*portal.ccroles.toml:3: roles: expected a string, got an integer",
            ],
        ),
        (  # its entries: each role and each case
            (
                'format = 1\naccount = "account.toml"\n[matrix]\n'
                '"Customer Center" = "Billing"\n[[case]]\nlogin = "a@b.example"\n'
                'feature = "Billing"\nallowed = "no"\n[[case]]\nlogin = " "\n'
                'feature = "Billing"\nallowed = true\n'
            ),
            [
                "*portal.ccroles.toml does not load: 3 problems",
                '*:4: matrix[[]"Customer Center"[]]: expected an array, got a string',
                "*:8: case[[]0[]].allowed: expected a boolean, got a string",
                "*:10: case[[]1[]].login: expected the login's email, got ' '",
            ],
        ),
        (  # lines inside an array, a comment or a string are not entries
            (
                'format = 1\naccount = "account.toml"\n[matrix]\n'
                '"Customer Center" = [  # [[case]]\n  "Billing",\n  # [[case]]\n'
                '  3,\n]\n[[case]]\nlogin = """\n[[case]]\nlogin = " "\n"""\n'
                'feature = "Billing"\nallowed = "no"\n\n[[case]]\nlogin = " "\n'
                'feature = "Billing"\nallowed = true\n'
            ),
            [
                "*portal.ccroles.toml does not load: 3 problems",
                '*:4: matrix[[]"Customer Center"[]][[]1[]]: expected a string, *',
                "*:15: case[[]0[]].allowed: expected a boolean, got a string",
                "*:18: case[[]1[]].login: expected the login's email, got ' '",
            ],
        ),
    ],
)
def test_every_problem_of_a_file_is_reported_in_one_run(
    pytester: pytest.Pytester, text: str, expected: list[str]
) -> None:
    """Issue 13: a file with several problems lists all of them, in line order."""
    pytester.makefile(".ccroles.toml", portal=text)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(expected)


def test_other_toml_files_are_not_collected(pytester: pytest.Pytester) -> None:
    """Only *.ccroles.toml files are matrix files."""
    pytester.makefile(".toml", portal=BUILTIN_MATRIX)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_markers_and_options_are_registered(pytester: pytest.Pytester) -> None:
    """The plugin registers its marker and its option group."""
    pytester.runpytest("--markers").stdout.fnmatch_lines(
        ["@pytest.mark.ccroles_matrix:*"]
    )
    pytester.runpytest("--help").stdout.fnmatch_lines(
        ["ccroles role matrices:", "*--ccroles-coverage*"]
    )


def test_coverage_lists_cells_no_test_asserted(pytester: pytest.Pytester) -> None:
    """--ccroles-coverage counts the roles the pinned files name, no other."""
    customer_center = BUILTIN_ROLES[0]
    pytester.makefile(
        ".ccroles.toml",
        portal=matrix_file(
            {customer_center.name: list(FEATURES.feature_names_of(customer_center))}
        ),
    )
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*ccroles matrix coverage*", "every role x feature cell was asserted"]
    )
    assert "Premium Customer Center" not in result.stdout.str()


def test_coverage_counts_assert_matrix_calls_in_python_tests(
    pytester: pytest.Pytester,
) -> None:
    """Cells asserted with assert_matrix in ordinary tests count as covered."""
    pytester.makepyfile(
        test_roles=textwrap.dedent(
            """
            from ccroles import BUILTIN_ROLES, FEATURES
            from ccroles.testing import assert_matrix

            def test_all():
                expected = {r.name: FEATURES.feature_names_of(r) for r in BUILTIN_ROLES}
                assert_matrix(BUILTIN_ROLES, expected)
            """
        )
    )
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["every role x feature cell was asserted"])


def test_without_the_option_there_is_no_report(pytester: pytest.Pytester) -> None:
    """Coverage is off by default."""
    pytester.makefile(".ccroles.toml", portal=BUILTIN_MATRIX)
    assert "ccroles matrix coverage" not in pytester.runpytest().stdout.str()


EXAMPLES = ROOT / "examples"
ROLES_FILE = (EXAMPLES / "roles.toml").read_text(encoding="utf-8")
ACCOUNT_FILE = (EXAMPLES / "account.toml").read_text(encoding="utf-8")
CASES = """\
format = 1
account = "account.toml"

[[case]]
login = "ap@acme.example"
feature = "Make a Payment"
allowed = true

[[case]]
login = "purchasing@acme.example"
feature = "Make a Payment"
allowed = false
reason = "LEVEL_TOO_LOW"

[[case]]
login = "billing@initech.example"
feature = "Billing"
allowed = false
reason = "inactive"
"""


def test_a_roles_file_gives_the_custom_roles(pytester: pytest.Pytester) -> None:
    """A roles file, relative to the matrix file, adds its custom roles."""
    auditor = {role.name: role for role in load_roles(EXAMPLES / "roles.toml")}[
        "Auditor"
    ]
    pytester.makefile(".toml", roles=ROLES_FILE)
    matrix = matrix_file({"Auditor": list(FEATURES.feature_names_of(auditor))})
    pytester.makefile(".ccroles.toml", portal='roles = "roles.toml"\n' + matrix)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*portal.ccroles.toml::Auditor PASSED*"])


def test_a_roles_file_that_does_not_load_fails_with_its_problems(
    pytester: pytest.Pytester,
) -> None:
    """Every problem of the roles file is shown, under the matrix file's line."""
    pytester.makefile(
        ".toml",
        roles='format = 1\n[[roles]]\nname = "X"\nbase = "Customr Center"\n',
    )
    matrix = matrix_file({"Customer Center": []})
    pytester.makefile(".ccroles.toml", portal='roles = "roles.toml"\n' + matrix)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*portal.ccroles.toml:1: roles: *roles.toml: roles[[]0[]].base: "
                "unknown role 'Customr Center'; did you*"
            ),
        ]
    )


def test_a_missing_account_file_fails_the_file(pytester: pytest.Pytester) -> None:
    """An account file that cannot be read fails the matrix file's item."""
    pytester.makefile(".ccroles.toml", portal=CASES)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*portal.ccroles.toml:2: account: *account.toml: cannot be read*"]
    )


def test_roles_from_the_roles_file_and_the_account_must_agree(
    pytester: pytest.Pytester,
) -> None:
    """A role named in both files must be the same role."""
    roles = ROLES_FILE.replace('LIST_CASE = "View"', 'LIST_CASE = "None"', 1)
    pytester.makefile(".toml", roles=roles, account=ACCOUNT_FILE)
    pytester.makefile(
        ".ccroles.toml",
        portal='roles = "roles.toml"\naccount = "account.toml"\n'
        + matrix_file({"Customer Center": []}),
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*:1: roles: role 'Accountant' differs from the account's role of that name"]
    )


def test_cases_are_items_asked_of_the_account(pytester: pytest.Pytester) -> None:
    """Each [[case]] is an item `login: feature`; reasons match in any case."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(".ccroles.toml", portal=CASES)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*portal.ccroles.toml::ap@acme.example: Make a Payment PASSED*",
            "*::purchasing@acme.example: Make a Payment PASSED*",
            "*::billing@initech.example: Billing PASSED*",
        ]
    )


def test_a_failing_case_shows_the_engines_explanation(
    pytester: pytest.Pytester,
) -> None:
    """A case the engine answers otherwise fails with the full explanation."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(
        ".ccroles.toml",
        portal=CASES.replace(
            '"ap@acme.example"\nfeature = "Make a Payment"',
            '"books@acme.example"\nfeature = "Enter an Order"',
        ),
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*portal.ccroles.toml:4: case 'books@acme.example: Enter an Order': "
                "expected allowed, got a denial: books@acme.example may not use "
                "Enter an Order: role 'Accountant' "
                "holds Sales Order at None, below Create; its area 'Orders' is denied "
                "too, which the changes above also fix. To allow it: raise Sales Order "
                "from None to Create on role 'Accountant'."
            )
        ]
    )


def test_a_case_with_the_wrong_reason_names_both(pytester: pytest.Pytester) -> None:
    """An expected reason the denial lacks shows expected and found codes."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(
        ".ccroles.toml", portal=CASES.replace('"inactive"', '"No_Access"')
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*:15: case 'billing@initech.example: Billing': expected the "
                "reason NO_ACCESS, found INACTIVE: billing@initech.example may not "
                "use Billing: customer 'INITECH' is inactive.*"
            )
        ]
    )


def test_roles_of_the_account_and_roles_file_count_for_coverage(
    pytester: pytest.Pytester,
) -> None:
    """The report lists the cells of the roles the account file names."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(".ccroles.toml", portal=CASES)
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=3)
    # Two cases turned on a role; the inactive login's denial did not, so
    # "Customer Center x Billing" stays unasserted (issue 13).
    # The account names four roles (no login holds Advanced Customer Center).
    unasserted = 4 * len(FEATURES) - 2
    result.stdout.fnmatch_lines(
        [
            f"{unasserted} role x feature cells no test asserted:",
            "Customer Center*Billing",
            "Accountant*Billing",
            "Buyer*Billing",
        ]
    )
    assert "Advanced Customer Center" not in result.stdout.str()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            (
                'login = "a@b.example"\nfeature = "Billing"\nallowed = false\n'
                'reason = "too_low"\n'
            ),
            (
                "*portal.ccroles.toml:7: case[[]0[]].reason: unknown reason code "
                "'too_low'; expected one of customer_access_off, unknown_login, *"
            ),
        ),
        (
            (
                'login = "a@b.example"\nfeature = "Billing"\nallowed = true\n'
                'reason = "inactive"\n'
            ),
            "*:7: case[[]0[]].reason: expected a reason code's name, with allowed*",
        ),
        (
            'login = "a@b.example"\nfeature = "Billing"\n',
            "*:3: case[[]0[]].allowed: required key is missing",
        ),
        (
            'login = "a@b.example"\nfeature = ["Billing"]\nallowed = true\n',
            "*:5: case[[]0[]].feature: expected a string, got an array",
        ),
        (
            'login = " "\nfeature = "Billing"\nallowed = true\n',
            "*:4: case[[]0[]].login: expected the login's email, got ' '",
        ),
        (
            'login = "a@b.example"\nfeature = "Billing"\nallowed = true\nwho = 1\n',
            "*:7: case[[]0[]]: unknown key 'who'; expected keys: login, feature, *",
        ),
    ],
)
def test_a_malformed_case_fails_with_its_line_and_key(
    pytester: pytest.Pytester, case: str, expected: str
) -> None:
    """A malformed case fails the file's item at the case's line and key."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    text = f'format = 1\naccount = "account.toml"\n[[case]]\n{case}'
    pytester.makefile(".ccroles.toml", portal=text)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([expected])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'format = 1\n[[case]]\nlogin = "a@b.example"\n',
            "*portal.ccroles.toml:2: case: a case is asked of an account: add *",
        ),
        (
            'format = 1\naccount = "account.toml"\ncase = [1]\n',
            "*portal.ccroles.toml:3: case[[]0[]]: expected a table, got an integer",
        ),
        (
            'format = 1\naccount = "account.toml"\ncase = 1\n',
            "*portal.ccroles.toml:3: case: expected an array, got an integer",
        ),
        (
            "format = 1\naccount = 2\n[matrix]\n",
            "*portal.ccroles.toml:2: account: expected a string, got an integer",
        ),
    ],
)
def test_cases_need_an_account_and_tables(
    pytester: pytest.Pytester, text: str, expected: str
) -> None:
    """Cases need an account file and are [[case]] tables."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(".ccroles.toml", portal=text)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([expected])


def test_inline_cases_point_at_the_case_key(pytester: pytest.Pytester) -> None:
    """Cases written as an inline array are read too; errors name its line."""
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    text = (
        'format = 1\naccount = "account.toml"\n'
        'case = [{ login = "ap@acme.example", feature = "Billing", allowed = true },'
        ' { login = "ap@acme.example", feature = "Billing" }]\n'
    )
    pytester.makefile(".ccroles.toml", portal=text)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*:3: case[[]1[]].allowed: required key is missing"])


ACCOUNT_TEST = """
import pytest
from ccroles.testing import assert_allows

@pytest.mark.ccroles_account("data/account.toml")
def test_marked(ccroles_account, ccroles_engine):
    assert ccroles_engine.account is ccroles_account
    assert_allows(ccroles_engine, "ap@acme.example", "Make a Payment")

def test_from_the_command_line(ccroles_engine):
    assert_allows(ccroles_engine, "books@acme.example", "Print a Statement")
"""


def test_the_fixtures_load_the_account_a_marker_names(
    pytester: pytest.Pytester,
) -> None:
    """The marker names a file relative to the test file; --ccroles-account too."""
    pytester.mkdir("data")
    (pytester.path / "data" / "account.toml").write_text(ACCOUNT_FILE)
    pytester.makepyfile(test_portal=ACCOUNT_TEST)
    result = pytester.runpytest("--ccroles-account", "data/account.toml")
    result.assert_outcomes(passed=2)


def test_the_fixtures_without_an_account_file_say_how_to_name_one(
    pytester: pytest.Pytester,
) -> None:
    """Neither marker nor option: the test errors, saying how to name a file."""
    pytester.mkdir("data")
    (pytester.path / "data" / "account.toml").write_text(ACCOUNT_FILE)
    pytester.makepyfile(test_portal=ACCOUNT_TEST)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            (
                "*the ccroles_account and ccroles_engine fixtures need an account "
                'file: *@pytest.mark.ccroles_account("account.toml")*'
                "--ccroles-account FILE"
            )
        ]
    )


def test_the_fixtures_report_a_file_that_does_not_load(
    pytester: pytest.Pytester,
) -> None:
    """A missing or broken file, or a marker without one path, errors the test."""
    pytester.makepyfile(
        test_portal="""
        import pytest

        @pytest.mark.ccroles_account("missing.toml")
        def test_missing(ccroles_engine):
            pass

        @pytest.mark.ccroles_account()
        def test_no_path(ccroles_account):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*missing.toml: cannot be read: No such file or directory*",
            "*ccroles_account takes one path, got ()*",
        ]
    )


def test_the_account_marker_and_option_are_registered(
    pytester: pytest.Pytester,
) -> None:
    """The ccroles_account marker and --ccroles-account option are documented."""
    pytester.runpytest("--markers").stdout.fnmatch_lines(
        ["@pytest.mark.ccroles_account(path):*"]
    )
    pytester.runpytest("--help").stdout.fnmatch_lines(["*--ccroles-account=FILE*"])


def toml_examples(page: Path) -> list[str]:
    """The ```toml blocks of a documentation page."""
    return [code for language, _, code in fenced_blocks(page) if language == "toml"]


def test_the_readme_matrix_file_passes_on_the_example_account(
    pytester: pytest.Pytester,
) -> None:
    """The README's matrix file holds for examples/account.toml."""
    readme = toml_examples(ROOT / "README.md")
    pytester.makefile(".toml", account=ACCOUNT_FILE)
    pytester.makefile(
        ".ccroles.toml", portal=next(t for t in readme if "[[case]]" in t)
    )
    pytester.runpytest().assert_outcomes(passed=2)


# A failure's first line (file:line: ...), the cell table's row, the coverage.
SHOWN = re.compile(r"(portal|logins)\.ccroles\.toml:\d+: |Accountant  |\d+ role x")


def test_the_tutorial_files_fail_as_the_tutorial_shows(
    pytester: pytest.Pytester,
) -> None:
    """The test writer's tutorial shows the failures its files really give."""
    page = ROOT / "docs" / "tutorials" / "test-writer.md"
    portal, logins = toml_examples(page)
    shown = [
        line
        for language, _, text in fenced_blocks(page)
        if language == "text"
        for line in text.splitlines()
        if SHOWN.match(line)
    ]
    assert len(shown) == 4
    pytester.makefile(".toml", roles=ROLES_FILE, account=ACCOUNT_FILE)
    pytester.makefile(".ccroles.toml", portal=portal, logins=logins)
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=3, failed=2)
    for line in shown:
        result.stdout.fnmatch_lines([f"*{line}"])


def test_coverage_counts_a_role_named_in_two_spellings_once(
    pytester: pytest.Pytester,
) -> None:
    """Roles 'Clerk' and ' clerk' pinned by two files are one role (by fold)."""
    center = list(FEATURES.feature_names_of(BUILTIN_ROLES[0]))
    for folder, name in (("one", "Clerk"), ("two", " clerk")):
        pytester.mkdir(folder)
        (pytester.path / folder / "roles.toml").write_text(
            f'format = 1\n\n[[roles]]\nname = "{name}"\nbase = "Customer Center"\n',
            encoding="utf-8",
        )
        (pytester.path / folder / "portal.ccroles.toml").write_text(
            'roles = "roles.toml"\n' + matrix_file({name: center}), encoding="utf-8"
        )
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["every role x feature cell was asserted"])
