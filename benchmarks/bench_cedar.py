"""What a question costs from Cedar (cedarpy), beside the engine, on the same questions.

Workload: the account of ``bench_engine.py`` (10,000 logins over the three
built-in roles, about 15% without access), exported with
:func:`ccroles.cedar.to_cedar`, and a seeded sample of its (login, feature)
questions plus record questions (each login's own records and others', at
every level). Cedar gets the policies, the schema and the entities parsed
once (``PolicySet``, ``Schema``, ``Entities`` handles); each figure is then
one ``is_authorized`` call per question, or one ``is_authorized_batch`` call
per batch; a central service's way is timed too: each question with its
login's own entities (:func:`ccroles.cedar.login_entities`), parsed for the
request. Every answer is checked against the engine's first.

Figures are the best of several passes taken in turns, in microseconds per
question. Run with ``make bench``; nothing here is a test.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import TYPE_CHECKING, Final

import cedarpy
from bench_engine import SEED, make_account, race

from ccroles import FEATURES, Engine, Level
from ccroles.cedar import (
    CedarQuestion,
    feature_question,
    login_entities,
    record_question,
    to_cedar,
)
from ccroles.testing import Record

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ccroles import Account

LOGINS: Final = 10_000
FEATURE_QUESTIONS: Final = 4_000
RECORD_QUESTIONS: Final = 1_000
BATCHES: Final = (100, 5_000)
REPEATS: Final = 3

Asked = tuple[str, str, Record | None, Level | None]


def make_questions(engine: Engine) -> list[Asked]:
    """Seeded feature and record questions about the engine's account."""
    rng = random.Random(SEED + 3)
    customers = engine.account.customers
    emails = [c.email for c in customers if c.email is not None]
    features = list(FEATURES)
    asked: list[Asked] = [
        (rng.choice(emails), rng.choice(features), None, None)
        for _ in range(FEATURE_QUESTIONS)
    ]
    keys = ["TRAN_SALESORD", "TRAN_CUSTINVC", "LIST_CASE", "TRAN_CUSTPYMT"]
    for _ in range(RECORD_QUESTIONS):
        customer = rng.choice(customers)
        owner = customer if rng.random() < 0.5 else rng.choice(customers)  # noqa: PLR2004
        asked.append(
            (
                str(customer.email),
                rng.choice(keys),
                Record(owner.internal_id),
                rng.choice(list(Level)),
            )
        )
    rng.shuffle(asked)
    return asked


def engine_answers(engine: Engine, asked: Sequence[Asked]) -> list[bool]:
    """The engine's plain answers."""
    return [
        engine.allows(email, name)
        if record is None or level is None
        else engine.allows_record(email, name, record, level)
        for email, name, record, level in asked
    ]


def cedar_questions(account: Account, asked: Sequence[Asked]) -> list[CedarQuestion]:
    """The same questions for Cedar (records numbered in order)."""
    return [
        feature_question(account, email, name)
        if record is None or level is None
        else record_question(account, email, name, record, level, record_id=str(number))
        for number, (email, name, record, level) in enumerate(asked)
    ]


def login_slices(
    account: Account, asked: Sequence[Asked], questions: Sequence[CedarQuestion]
) -> list[str]:
    """Each question's entities as a central service is sent them (JSON)."""
    return [
        json.dumps([*login_entities(account, email), *question.entities])
        for (email, *_), question in zip(asked, questions, strict=True)
    ]


def slices_agree(
    slices: Sequence[str],
    requests: Sequence[dict[str, object]],
    policies: cedarpy.PolicySet,
    schema: cedarpy.Schema,
    expected: Sequence[bool],
) -> bool:
    """Print the slices' sizes; whether Cedar over them gives *expected*."""
    sizes = sorted(len(text.encode()) for text in slices)
    print(
        f"  one question's entities (its login's, and its record): median"
        f" {sizes[len(sizes) // 2]:,} bytes, largest {sizes[-1]:,}"
    )
    sliced = [
        cedarpy.is_authorized(
            dict(request), policies, cedarpy.Entities.from_json_str(text, schema)
        ).allowed
        for request, text in zip(requests, slices, strict=True)
    ]
    return sliced == list(expected)


def per_request_run(
    requests: Sequence[dict[str, object]],
    slices: Sequence[str],
    policies: cedarpy.PolicySet,
    schema: cedarpy.Schema,
) -> Callable[[], None]:
    """A pass of a central service: each request's entities parsed, then asked."""

    def run() -> None:
        for request, text in zip(requests, slices, strict=True):
            loaded = cedarpy.Entities.from_json_str(text, schema)
            cedarpy.is_authorized(dict(request), policies, loaded)

    return run


def engine_run(engine: Engine, asked: Sequence[Asked]) -> Callable[[], None]:
    """A pass of the engine's plain answers."""

    def run() -> None:
        engine_answers(engine, asked)

    return run


def main() -> int:
    """Export, load into Cedar, check every answer, then time each contender."""
    print(f"Python {sys.version.split()[0]}, cedarpy {cedarpy_version()}, seed {SEED}")
    account = make_account(LOGINS)
    engine = Engine(account)
    start = time.perf_counter()
    export = to_cedar(account)
    export_ms = (time.perf_counter() - start) * 1e3
    asked = make_questions(engine)
    questions = cedar_questions(account, asked)
    records = [entity for question in questions for entity in question.entities]
    start = time.perf_counter()
    schema = cedarpy.Schema.from_str(export.schema)
    policies = cedarpy.PolicySet.from_str(export.policies)
    entities = cedarpy.Entities.from_json_str(export.entities, schema)
    entities = entities.with_added_json_str(json.dumps(records), schema)
    load_ms = (time.perf_counter() - start) * 1e3
    requests = [dict(question.request) for question in questions]

    expected = engine_answers(engine, asked)
    results = cedarpy.is_authorized_batch(requests, policies, entities)
    if [result.allowed for result in results] != expected:
        print("MISMATCH: Cedar disagrees with the engine")
        return 1
    print(
        f"{LOGINS:,} logins; {len(asked):,} questions ({FEATURE_QUESTIONS:,} features,"
        f" {RECORD_QUESTIONS:,} records; {sum(expected):,} allowed): Cedar and the"
        " engine agree on every one"
    )
    print(f"  to_cedar(account) in {export_ms:.0f} ms; {len(export.entities):,} bytes")
    print(f"  Cedar parses schema, policies and entities in {load_ms:.0f} ms")
    slices = login_slices(account, asked, questions)
    if not slices_agree(slices, requests, policies, schema, expected):
        print("MISMATCH: Cedar with the logins' entities disagrees with the engine")
        return 1

    def single() -> None:
        for request in requests:
            cedarpy.is_authorized(request, policies, entities)

    def batched(size: int) -> Callable[[], None]:
        def run() -> None:
            for start in range(0, len(requests), size):
                batch = requests[start : start + size]
                cedarpy.is_authorized_batch(batch, policies, entities)

        return run

    count = len(requests)
    contenders = {
        "Cedar per request, with the login's entities": (
            per_request_run(requests, slices, policies, schema),
            count,
        ),
        "Engine.allows / allows_record": (engine_run(engine, asked), count),
        "Cedar is_authorized, one call each": (single, count),
        **{
            f"Cedar is_authorized_batch, batches of {size:,}": (batched(size), count)
            for size in BATCHES
        },
    }
    ns = race(contenders, REPEATS)
    base = ns["Engine.allows / allows_record"]
    print(f"\nus per question, best of {REPEATS} passes taken in turns:")
    for name, figure in ns.items():
        print(f"  {name:<46} {figure / 1e3:9.2f} us {figure / base:9.0f}x engine")
    return 0


def cedarpy_version() -> str:
    """The installed cedarpy's version."""
    from importlib.metadata import version  # noqa: PLC0415

    return version("cedarpy")


if __name__ == "__main__":
    sys.exit(main())
