"""``make mutate``: mutation testing of the core and engine modules.

Two kinds of mutant, each run in a way that can see it:

1. mutmut (pinned in the ``mutate`` extra, configured in pyproject.toml's
   ``[tool.mutmut]``) mutates the functions of the modules below and runs the
   tests that call each function, with one worker (the machine is shared).
2. ``mutation/tables.py`` mutates what runs at import (module-level tables,
   the built-in roles, class-level defaults) in a copy of the module, and runs
   the module's tests in a fresh process.

Then it prints, per module, how many mutants the tests noticed, and every
mutant they did not. Mutants that cannot change behaviour are listed with the
reason in ``mutation/equivalent.toml``: they are skipped and left out of the
score. A score below 95% for any module makes the exit status 1.

    python mutation/run.py [--only tables|functions] [--cached] [--workers N]
        [module ...]

Mutants mutmut has not run (it was stopped) are counted as "not run" and
left out of the score.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tables

ROOT = tables.ROOT
EQUIVALENT = Path(__file__).resolve().parent / "equivalent.toml"
TARGET = 0.95

# The tests each module's table mutants are run against (mutmut picks, per
# function, the tests that call it, from its own selection in pyproject.toml).
# The tests of the modules added since the last run (issue 26), fastest and
# most exact first: a mutant's run stops at its first failing test.
# test_deprecated_access.py is run here but left out of mutmut's selection: it
# checks the line a warning points at, which mutmut's trampolines move.
_SIGNIN = [
    "tests/test_signin.py",
    "tests/test_stored_values.py",
    "tests/test_signin_bounds.py",
    "tests/test_signin_sessions.py",
    "tests/test_audit.py",
    "tests/test_deprecated_signin.py",
    "tests/test_cli_signin.py",
    "tests/property/test_signin_properties.py",
]
_STORE = [
    "tests/test_stored_values.py",
    "tests/test_signin_store.py",
    "tests/test_signin_store_files.py",
    "tests/test_signin_rules.py",
    "tests/test_deprecated_stores.py",
    "tests/test_signin.py",
    "tests/test_cli_signin.py",
    "tests/contract/test_signin_store.py",  # every store, PostgreSQL included
    "tests/test_signin_concurrency.py",  # processes and threads at once (slow)
]
_CEDAR = [
    "tests/test_cedar_text.py",
    "tests/test_cedar_entities.py",
    "tests/test_cedar.py",
    "tests/test_cedar_requests.py",
    "tests/property/test_cedar_differential.py",
]
_SER = [
    "tests/test_documents.py",
    "tests/test_serialization.py",
    "tests/test_bad_input.py",
    "tests/test_form_references.py",
    "tests/test_deprecated_converter.py",
    "tests/property/test_serialization_properties.py",
]
_ACC = [
    "tests/test_access_edges.py",
    "tests/test_access.py",
    "tests/test_deprecated_access.py",
    "tests/test_rules_once.py",
    "tests/property/test_access_properties.py",
]
_CSV = [
    "tests/test_access_csv_rows.py",
    "tests/test_access.py",
    "tests/test_deprecated_access.py",
    "tests/test_bad_input.py",
    "tests/test_cli.py",
]

TESTS = {
    "permissions": [
        "tests/test_permissions.py",
        "tests/test_roles.py",
        "tests/test_features.py",
        "tests/test_feature_boundaries.py",
    ],
    "roles": [
        "tests/test_roles.py",
        "tests/test_features.py",
        "tests/test_feature_boundaries.py",
        "tests/property/test_role_properties.py",
    ],
    "features": [
        "tests/test_features.py",
        "tests/test_feature_boundaries.py",
        "tests/test_roles.py",
        "tests/test_policy.py",
    ],
    "forms": [
        "tests/test_forms.py",
        "tests/test_policy_forms.py",
        "tests/property/test_forms_properties.py",
    ],
    "form_views": [
        "tests/test_forms.py",
        "tests/test_policy_forms.py",
        "tests/property/test_forms_properties.py",
    ],
    "passwords": [
        "tests/test_password_hashes.py",
        "tests/test_password_rules.py",
        "tests/test_access.py",
        "tests/test_bad_input.py",
        "tests/test_accounts.py",
        "tests/test_signin.py",
        "tests/test_signin_bounds.py",
    ],
    "accounts": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "account_rules": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "customers": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "logins": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "notifications": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "paths": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "_fields": [
        "tests/test_accounts.py",
        "tests/test_account_rules.py",
        "tests/test_account_edges.py",
        "tests/test_account_changes.py",
        "tests/test_login_facts.py",
        "tests/property/test_account_change_properties.py",
        "tests/test_bad_input.py",
        "tests/test_access.py",
        "tests/test_password_hashes.py",
        "tests/test_policy.py",
        "tests/test_policy_websites.py",
    ],
    "decisions": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_wording.py",
    ],
    "policy": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_explanations.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_login_facts.py",
        "tests/test_account_changes.py",
        "tests/test_signin.py",
        "tests/test_policy_paths.py",
        "tests/property/test_policy_properties.py",
    ],
    # Cut from policy (issue 27): the same tests.
    "records": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_explanations.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_login_facts.py",
        "tests/test_account_changes.py",
        "tests/test_signin.py",
        "tests/test_policy_paths.py",
        "tests/property/test_policy_properties.py",
    ],
    "plans": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_explanations.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_login_facts.py",
        "tests/test_account_changes.py",
        "tests/test_signin.py",
        "tests/test_policy_paths.py",
        "tests/property/test_policy_properties.py",
    ],
    "login_book": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_explanations.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_login_facts.py",
        "tests/test_account_changes.py",
        "tests/test_signin.py",
        "tests/test_policy_paths.py",
        "tests/property/test_policy_properties.py",
    ],
    "reasons": [
        "tests/test_policy.py",
        "tests/test_policy_facts.py",
        "tests/test_policy_explanations.py",
        "tests/test_policy_forms.py",
        "tests/test_policy_websites.py",
        "tests/test_login_facts.py",
        "tests/test_account_changes.py",
        "tests/test_signin.py",
        "tests/test_policy_paths.py",
        "tests/property/test_policy_properties.py",
    ],
    # Added since the last run (issue 26): the rules of names, grants, the
    # CSV import, sign-in, the Cedar export, the guards and data files.
    "names": [
        "tests/test_names.py",
        "tests/test_rules_once.py",
        "tests/test_account_rules.py",
        "tests/test_bad_input.py",
        "tests/test_accounts.py",
    ],
    "access": _ACC,
    "access_values": _ACC,
    "access_emails": [
        "tests/test_access_edges.py",
        "tests/test_signin_bounds.py",
        "tests/test_access.py",
        "tests/test_deprecated_access.py",
        "tests/test_rules_once.py",
        "tests/property/test_access_properties.py",
    ],
    "access_csv": _CSV,
    "access_report": _CSV,
    "_access_rows": _CSV,
    "_access_import": _CSV,
    "signin": _SIGNIN,
    "signin_links": _SIGNIN,
    "_signin_common": _SIGNIN,
    "signin_store": _STORE,
    "cedar/__init__": _CEDAR,
    "cedar/_syntax": _CEDAR,
    "cedar/_schema": _CEDAR,
    "cedar/_policies": _CEDAR,
    "cedar/_entities": _CEDAR,
    "cedar/_export": _CEDAR,
    "cedar/_questions": _CEDAR,
    "signin_rules": _STORE,
    "signin_store_sqlite": _STORE,
    "_sql_store": _STORE,
    "guards/__init__": [
        "tests/test_guards.py",
        "tests/test_deprecated_surface.py",
        "tests/test_portal.py",
    ],
    "converter": _SER,
    "documents": _SER,
    "_problems": _SER,
    "_written": _SER,
}
MODULES = tuple(TESTS)


def dotted(module: str) -> str:
    """The import name of *module*, as mutmut names its mutants: ``guards``."""
    return module.removesuffix("/__init__").replace("/", ".")


NOTICED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass(frozen=True)
class Row:
    """One line of the report: one module, functions or tables."""

    module: str
    kind: str
    statuses: Counter[str]
    survivors: tuple[str, ...]

    @property
    def considered(self) -> int:
        """Mutants that count: all but the equivalent ones and those not run."""
        return (
            sum(self.statuses.values())
            - self.statuses["equivalent"]
            - self.statuses["not checked"]
        )

    @property
    def noticed(self) -> int:
        """Mutants the tests noticed."""
        return sum(n for status, n in self.statuses.items() if status in NOTICED)

    @property
    def score(self) -> float:
        """The share of non-equivalent mutants noticed."""
        return self.noticed / self.considered if self.considered else 1.0


def equivalent() -> dict[str, str]:
    """The equivalent mutants, by mutmut name or table key, with their reasons."""
    data = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {entry["mutant"]: entry["reason"] for entry in data.get("mutant", [])}


def run_mutmut(modules: list[str], workers: int = 1) -> None:
    """Run mutmut on *modules* (all: every configured module, cached results kept)."""
    names = (
        [] if modules == list(MODULES) else [f"ccroles.{dotted(m)}.*" for m in modules]
    )
    command = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children"]
    subprocess.run(  # noqa: S603 (our own tool and arguments)
        [*command, str(workers), *names],
        cwd=ROOT,
        env={**os.environ, "FAST": "1"},
        check=False,
        stdout=subprocess.DEVNULL,
    )


def function_row(module: str, skip: dict[str, str]) -> Row:
    """The mutmut results of *module*, read from its mutants/ data."""
    from mutmut.stats import status_by_exit_code  # noqa: PLC0415 (optional extra)

    meta = ROOT / "mutants" / "src" / "ccroles" / f"{module}.py.meta"
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    statuses: Counter[str] = Counter()
    survivors = []
    for name, code in sorted(codes.items()):
        status = "equivalent" if name in skip else status_by_exit_code[code]
        statuses[status] += 1
        if status not in {*NOTICED, "equivalent"}:
            survivors.append(f"{name} ({status})")  # "not checked": see recheck
    return Row(module, "functions", statuses, tuple(survivors))


def _function(module: Any, name: str, class_name: str | None) -> Any:
    """The function *name* of *module*, or the method *name* of *class_name*.

    (``mutmut apply`` takes the first method of that name in any class.)
    """
    import libcst  # noqa: PLC0415 (installed with mutmut, the optional extra)

    body = module.body
    if class_name is not None:
        classes = [
            c
            for c in body
            if isinstance(c, libcst.ClassDef) and c.name.value == class_name
        ]
        body = classes[0].body.body if classes else []
    for node in body:
        if isinstance(node, libcst.FunctionDef) and node.name.value == name:
            return node
    return None


def mutated_module(name: str) -> bytes:
    """The whole module with mutmut's mutant *name* applied (as ``mutmut apply``)."""
    # mutmut's own steps of `mutmut apply`, writing to a copy instead of src/.
    import libcst  # noqa: PLC0415 (installed with mutmut, the optional extra)
    from mutmut.mutation import diff_apply  # noqa: PLC0415
    from mutmut.utils.format_utils import (  # noqa: PLC0415
        orig_function_and_class_names_from_key,
    )

    path = diff_apply.find_mutant(name).path
    function_name, class_name = orig_function_and_class_names_from_key(name)
    function_name = function_name.rpartition(".")[-1]
    module = diff_apply.read_orig_module(path)
    original = _function(module, function_name, class_name)
    if original is None:
        msg = f"mutant {name}: no function {function_name} in {path}"
        raise SystemExit(msg)
    functions = diff_apply.read_functions_from_index(name, path)
    mutant = (
        functions[1]
        if functions is not None
        else diff_apply.read_mutant_function(diff_apply.read_mutants_module(path), name)
    )
    mutant = mutant.with_changes(name=libcst.Name(function_name))
    changed = module.deep_replace(original, mutant)
    assert isinstance(changed, libcst.Module)  # noqa: S101 (a module stays a module)
    return changed.code.encode("utf-8")


def _cache(module: str, name: str) -> tuple[dict[str, str], str]:
    """The mutants of *module* noticed before (while it is unchanged), and its hash.

    A mutant the tests noticed stays noticed while the module is unchanged
    (tests are added, not weakened), so it is kept in ``mutants/<name>.json``
    under the module's hash and not run again, as mutmut keeps its own
    results. Delete ``mutants/`` for a run from scratch.
    """
    source = (tables.PACKAGE / f"{module}.py").read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    path = ROOT / "mutants" / f"{name}.json"
    cache = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entry = cache.get(module, {})
    return (entry.get("noticed", {}) if entry.get("source") == digest else {}), digest


def _save(module: str, name: str, digest: str, noticed: dict[str, str]) -> None:
    """Keep *noticed* for *module* at *digest* in ``mutants/<name>.json``."""
    path = ROOT / "mutants" / f"{name}.json"
    cache = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    cache[module] = {"source": digest, "noticed": noticed}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(cache, indent=1), encoding="utf-8")


def recheck(row: Row, *, unchecked: bool = False, workers: int = 1) -> Row:
    """Run *row*'s survivors again, each in a fresh process with the module's tests.

    mutmut's workers import the package before a mutant is switched on, so a
    function that runs at import (building a table) is never seen mutated; and
    mutmut runs only the tests that called the function. Here the whole
    module is replaced and imported anew, and all of the module's tests run.
    With *unchecked*, the mutants mutmut did not get to (it was stopped) are
    run this way too; otherwise they stay "not checked" unless an earlier
    run noticed them.
    """
    noticed, digest = _cache(row.module, "rechecked")
    entries = [(s.split(" ")[0], s.split("(")[-1].rstrip(")")) for s in row.survivors]
    live = [
        name
        for name, status in entries
        if name not in noticed and (unchecked or status != "not checked")
    ]
    if live:
        print(f"== {len(live)} mutants of {row.module} in a fresh process", flush=True)
    statuses = tables.run_variants(
        row.module,
        TESTS[row.module],
        ((name, mutated_module(name)) for name in live),
        total=len(live),
        workers=workers,
    )
    noticed.update({k: v for k, v in statuses.items() if v in NOTICED})
    _save(row.module, "rechecked", digest, noticed)
    counts = Counter(row.statuses)
    survivors = []
    for name, status in entries:
        now = noticed.get(name) or statuses.get(name, status)
        counts[status] -= 1
        counts[now] += 1
        if now not in {*NOTICED, "not checked"}:
            survivors.append(f"{name} ({now})")
    return Row(row.module, row.kind, +counts, tuple(survivors))


def table_row(module: str, skip: dict[str, str], workers: int = 1) -> Row:
    """Run the table mutants of *module* and count what became of them.

    Mutants noticed by an earlier run of the unchanged module are not run
    again (see :func:`_cache`).
    """
    print(f"== tables of {module}", flush=True)
    noticed, digest = _cache(module, "tables")
    source = (tables.PACKAGE / f"{module}.py").read_bytes()
    mutants = tables.find_mutants(module)
    live = [m for m in mutants if m.key not in skip and m.key not in noticed]
    statuses = tables.run_variants(
        module,
        TESTS[module],
        ((m.key, m.apply(source)) for m in live),
        total=len(live),
        workers=workers,
    )
    noticed.update({k: v for k, v in statuses.items() if v in NOTICED})
    _save(module, "tables", digest, noticed)
    counts: Counter[str] = Counter()
    survivors = []
    for mutant in mutants:
        status = (
            "equivalent"
            if mutant.key in skip
            else noticed.get(mutant.key) or statuses[mutant.key]
        )
        counts[status] += 1
        if status == "survived":
            survivors.append(mutant.key)
    return Row(module, "tables", counts, tuple(survivors))


def report(rows: list[Row], seconds: float) -> str:
    """The result as a Markdown table, with the survivors listed below it."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        (
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit},"
            f" {seconds / 60:.0f} minutes."
        ),
        "",
        "| module | mutants | not run | equivalent | noticed | not noticed | score |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        total = sum(row.statuses.values())
        lines.append(
            f"| {row.module} ({row.kind}) | {total} | {row.statuses['not checked']}"
            f" | {row.statuses['equivalent']}"
            f" | {row.noticed} | {row.considered - row.noticed}"
            f" | {row.score:.1%} |"
        )
    for row in rows:
        if row.survivors:
            lines += ["", f"Not noticed, {row.module} ({row.kind}):"]
            lines += [f"- {name}" for name in row.survivors]
    return "\n".join(lines)


def main() -> int:
    """Run, report, and fail when a module is below the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)}")
    parser.add_argument("--only", choices=["tables", "functions"])
    parser.add_argument(
        "--run-unchecked",
        action="store_true",
        help="run the mutants mutmut did not get to in a fresh process",
    )
    parser.add_argument(
        "--cached",
        action="store_true",
        help="do not run mutmut: report (and re-check) its last results",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="mutants run side by side (default 1: the machine is shared)",
    )
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers takes a number from 1")
    modules = list(args.modules or MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        parser.error(f"not a module mutated: {', '.join(unknown)}")
    os.chdir(ROOT)  # mutmut reads its configuration and data from here
    skip = equivalent()
    start = time.monotonic()
    rows: list[Row] = []
    if args.only != "tables":
        if not args.cached:
            run_mutmut(modules, args.workers)
        rows += [
            recheck(
                function_row(module, skip),
                unchecked=args.run_unchecked,
                workers=args.workers,
            )
            for module in modules
        ]
    if args.only != "functions":
        rows += [table_row(module, skip, args.workers) for module in modules]
    text = report(rows, time.monotonic() - start)
    (ROOT / "mutants").mkdir(exist_ok=True)
    (ROOT / "mutants" / "report.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if all(row.score >= TARGET for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
