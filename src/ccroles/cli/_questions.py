"""The questions about an account: ``check`` and ``explain``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccroles.cli._common import EXIT_DENIED, Parser, add_account_argument, say
from ccroles.policy import Engine
from ccroles.serialization import load_account
from ccroles.wording import explain

if TYPE_CHECKING:
    import argparse

    from ccroles.decisions import Decision

__all__ = ["add_question_commands"]


def _add_question_arguments(parser: argparse.ArgumentParser) -> None:
    add_account_argument(parser)
    parser.add_argument("email", metavar="EMAIL", help="the login's email (any case)")
    parser.add_argument(
        "feature", metavar="FEATURE", help='a feature, e.g. "Make a Payment"'
    )
    parser.add_argument(
        "--website",
        metavar="W",
        help="the website asked through (default: the customer center itself)",
    )


def _decide(args: argparse.Namespace) -> Decision:
    """Load the account and decide the question of *args*.

    Names are matched as everywhere (any case); an unknown feature or website
    raises with the closest name, and an email no login has is denied.
    """
    account = load_account(args.account)
    return Engine(account).decide(args.email, args.feature, args.website)


def _answer(decision: Decision) -> int:
    return 0 if decision.allowed else EXIT_DENIED


def _check(args: argparse.Namespace) -> int:
    decision = _decide(args)
    say("allowed" if decision.allowed else f"denied: {decision.reasons[0]}")
    return _answer(decision)


def _add_check(commands: argparse._SubParsersAction[Parser]) -> None:
    check = commands.add_parser(
        "check",
        help="may a login use a feature: allowed (status 0) or denied (status 1)",
    )
    _add_question_arguments(check)
    check.set_defaults(run=_check)


def _explain(args: argparse.Namespace) -> int:
    decision = _decide(args)
    say(explain(decision, who=args.email))
    return _answer(decision)


def _add_explain(commands: argparse._SubParsersAction[Parser]) -> None:
    explain_ = commands.add_parser(
        "explain",
        help="why a login may or may not use a feature, and what would allow it",
    )
    _add_question_arguments(explain_)
    explain_.set_defaults(run=_explain)


def add_question_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    """Add ``check`` and ``explain``."""
    _add_check(commands)
    _add_explain(commands)
