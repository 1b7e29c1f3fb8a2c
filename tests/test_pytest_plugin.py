import textwrap

import pytest

from ccroles import BUILTIN_ROLES, FEATURES


def matrix_file(roles: dict[str, list[str]]) -> str:
    """A matrix test file for *roles*."""
    lines = ["format = 1", "", "[matrix]"]
    lines += [
        f'"{name}" = {features!r}'.replace("'", '"') for name, features in roles.items()
    ]
    return "\n".join(lines) + "\n"


BUILTIN_MATRIX = matrix_file(
    {role.name: list(role.features()) for role in BUILTIN_ROLES}
)


def test_a_correct_matrix_passes_one_item_per_role(pytester: pytest.Pytester) -> None:
    """Each role of a matrix file is one passing test item with a readable id."""
    pytester.makefile(".ccroles.toml", portal=BUILTIN_MATRIX)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*portal.ccroles.toml::Customer Center PASSED*"])


def test_every_unlisted_feature_must_be_denied(pytester: pytest.Pytester) -> None:
    """A feature the role has but the file omits fails, shown as a cell table."""
    features = [f for f in BUILTIN_ROLES[0].features() if f != "Make a Payment"]
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
        ("format = 1\n[matrix\n", "*portal.ccroles.toml:2: (syntax): *"),
        ("format = 1\nx = = 2\n[matrix]\n", "*portal.ccroles.toml:2: (syntax): *"),
        (
            "format = 2\n[matrix]\nx = []\n",
            "*portal.ccroles.toml:1: format: expected format = 1, got 2",
        ),
        (
            "[matrix]\nx = []\n",
            "*portal.ccroles.toml: format: expected format = 1, got None",
        ),
        ("format = 1\nextra = true\n", "*portal.ccroles.toml:2: extra: unknown key; *"),
        (
            "format = 1\nroles = 3\n[matrix]\n",
            "*portal.ccroles.toml:2: roles: expected the path*",
        ),
        (
            "format = 1\n",
            "*portal.ccroles.toml: matrix: expected a [[]matrix[]] table*",
        ),
        (
            'format = 1\n[matrix]\n"Customer Center" = "Billing"\n',
            "*portal.ccroles.toml:3: matrix.Customer Center: expected a list*",
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
    """--ccroles-coverage reports the role x feature cells left unguarded."""
    customer_center = BUILTIN_ROLES[0]
    pytester.makefile(
        ".ccroles.toml",
        portal=matrix_file({customer_center.name: list(customer_center.features())}),
    )
    result = pytester.runpytest("--ccroles-coverage")
    result.assert_outcomes(passed=1)
    unasserted = 2 * len(FEATURES)
    result.stdout.fnmatch_lines(
        [
            "*ccroles matrix coverage*",
            f"{unasserted} role x feature cells no test asserted:",
            "Premium Customer Center*Billing",
        ]
    )
    assert (
        "Customer Center   "
        not in result.stdout.str().split("asserted:")[1].split("Premium")[0]
    )


def test_coverage_counts_assert_matrix_calls_in_python_tests(
    pytester: pytest.Pytester,
) -> None:
    """Cells asserted with assert_matrix in ordinary tests count as covered."""
    pytester.makepyfile(
        test_roles=textwrap.dedent(
            """
            from ccroles import BUILTIN_ROLES
            from ccroles.testing import assert_matrix

            def test_all():
                expected = {r.name: r.features() for r in BUILTIN_ROLES}
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
