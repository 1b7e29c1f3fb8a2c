"""``export cedar``: the account's rules written for Cedar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccroles.cli._common import (
    EXIT_PROBLEMS,
    Parser,
    add_account_argument,
    cannot,
    report_error,
    say,
)
from ccroles.exceptions import (
    DataFileError,
    DuplicateReferenceError,
    UnreadableFileError,
)
from ccroles.serialization import load_account, load_roles

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["add_export_commands"]

# _LAZY: a command imports what only it uses when it runs (see ccroles.cli._main).


def _say_written(written: Sequence[Path], policies_directory: str) -> None:
    """Print each path written; the policy files as one line for their folder."""
    policies = [path for path in written if path.parent.name == policies_directory]
    for path in written:
        if path not in policies:
            say(f"wrote {path}")
        elif path == policies[0]:  # one line for the folder of policy files
            say(f"wrote {len(policies)} policies, one a file, into {path.parent}")


def _export_cedar(args: argparse.Namespace) -> int:
    """Load the account (and roles); write the Cedar files; print their paths."""
    from ccroles.cedar import (  # noqa: PLC0415 (see _LAZY)
        POLICIES_DIRECTORY,
        to_cedar,
    )

    try:
        account = load_account(args.account)
        extra = load_roles(args.roles) if args.roles is not None else ()
    except UnreadableFileError as error:
        return report_error(str(error))
    except DataFileError as error:
        say("\n".join(map(str, error.problems)))
        return EXIT_PROBLEMS
    own = set(account.custom_roles)
    added = tuple(role for role in extra if role not in own)
    try:
        account = attrs.evolve(account, roles=(*account.custom_roles, *added))
    except DuplicateReferenceError as error:
        say(f"{args.roles}: {error}")
        return EXIT_PROBLEMS
    try:
        export = to_cedar(account, namespace=args.namespace)
        written = export.write(args.out, schema_format=args.schema_format)
    except OSError as error:
        return report_error(cannot("write", args.out, error))
    _say_written(written, POLICIES_DIRECTORY)
    return 0


def add_export_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    """Add ``export``, with its one engine so far, ``cedar``."""
    export = commands.add_parser(
        "export", help="write the account's rules for another policy engine"
    )
    engines = export.add_subparsers(
        dest="engine", required=True, metavar="ENGINE", parser_class=Parser
    )
    cedar = engines.add_parser(
        "cedar", help="a Cedar schema, policies and entities, into --out"
    )
    add_account_argument(cedar)
    cedar.add_argument(
        "--roles",
        metavar="ROLES_FILE",
        help="a roles file (.toml, .json) whose custom roles to add to the account",
    )
    cedar.add_argument(
        "--namespace",
        metavar="NAME",
        help="the Cedar namespace of the entity types and actions (Shop)",
    )
    cedar.add_argument(
        "--schema-format",
        metavar="cedar|json",
        default="cedar",
        help="the schema as Cedar's schema text (default) or its JSON form "
        "(the export refuses any other value: see ccroles.cedar.SCHEMA_FORMATS)",
    )
    cedar.add_argument(
        "--out", metavar="DIR", required=True, help="the directory to write into"
    )
    cedar.set_defaults(run=_export_cedar)
