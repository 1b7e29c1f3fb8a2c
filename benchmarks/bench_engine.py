"""How fast the policy engine answers, against baselines measured in the same run.

Workload (issue #3): 10,000 logins spread over the three built-in roles, about
15% without access, and 100,000 seeded random (login, feature) questions, about
half of them allowed. Baselines:

- the dict floor: ``enabled[u] and a in actions_of[role_of[u]]``;
- pycasbin 2.8 with the canonical RBAC model (``g(r.sub, p.sub) && r.act ==
  p.act``), on a seeded sample of the questions (it is too slow for all);
- django-rules (``rules``), a predicate per feature, when it is installed.

Every figure is the best of several timed passes over the same questions, in
nanoseconds per question, loop included. Run with ``make bench``; nothing here
is a test, and no timing is asserted.
"""

from __future__ import annotations

import gc
import logging
import random
import sys
import time
from functools import partial
from typing import TYPE_CHECKING, Final

import casbin

from ccroles import BUILTIN_ROLES, FEATURES, Account, Customer, Engine

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SEED: Final = 20_240_603
LOGINS: Final = 10_000
QUESTIONS: Final = 100_000
CASBIN_SAMPLE: Final = 5_000
RULES_SAMPLE: Final = 20_000
REPEATS: Final = 5
SCALES: Final = (100, 10_000, 1_000_000)

Question = tuple[str, str]

RBAC_MODEL: Final = """
[request_definition]
r = sub, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.act == p.act
"""


def make_account(logins: int, seed: int = SEED) -> Account:
    """*logins* customers over the three roles, about 15% without access."""
    rng = random.Random(seed)
    names = [role.name for role in BUILTIN_ROLES]
    return Account(
        websites=["Main"],
        customers=[
            Customer(
                str(i),
                f"C{i}",
                email=f"user{i}@example.com",
                give_access=rng.random() >= 0.15,  # noqa: PLR2004 (the workload's 15%)
                role=rng.choice(names),
            )
            for i in range(logins)
        ],
    )


def make_questions(account: Account, count: int, seed: int = SEED) -> list[Question]:
    """*count* seeded random (email, feature) questions."""
    rng = random.Random(seed + 1)
    emails = [c.email for c in account.customers if c.email is not None]
    features = list(FEATURES)
    return [(rng.choice(emails), rng.choice(features)) for _ in range(count)]


class Floor:
    """The dict floor: three dict lookups and a set membership, inlined."""

    def __init__(self, account: Account) -> None:
        """Index the account as plain dicts."""
        self.enabled = {c.email: c.give_access for c in account.customers}
        self.role_of = {c.email: c.role for c in account.customers}
        self.actions_of = {
            r.name: frozenset(FEATURES.feature_names_of(r)) for r in BUILTIN_ROLES
        }

    def run(self, questions: Sequence[Question]) -> None:
        """Answer every question (the expression is inlined, as in the issue)."""
        enabled, role_of, actions_of = self.enabled, self.role_of, self.actions_of
        for u, a in questions:
            enabled[u] and a in actions_of[role_of[u]]  # type: ignore[index]

    def answers(self, questions: Sequence[Question]) -> list[bool]:
        """The floor's answers, to check every other contender against."""
        return [
            bool(self.enabled[u] and a in self.actions_of[self.role_of[u]])  # type: ignore[index]
            for u, a in questions
        ]


def best_ns(run: Callable[[], object], count: int, repeats: int = REPEATS) -> float:
    """The best of *repeats* timed runs of *run*, in ns per question."""
    return race({"run": (run, count)}, repeats)["run"]


def race(
    contenders: dict[str, tuple[Callable[[], object], int]], repeats: int = REPEATS
) -> dict[str, float]:
    """Time each contender *repeats* times, taking turns; best ns per question.

    Taking turns spreads any load from the rest of the machine over every
    contender alike, so the ratios hold even when the absolute figures move.
    """
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeats):
        for name, (run, count) in contenders.items():
            gc.collect()
            start = time.perf_counter_ns()
            run()
            best[name] = min(best[name], (time.perf_counter_ns() - start) / count)
    return best


def allows_run(engine: Engine, questions: Sequence[Question]) -> Callable[[], None]:
    """A pass of `Engine.allows` over *questions*."""
    allows = engine.allows

    def run() -> None:
        for u, a in questions:
            allows(u, a)

    return run


def decide_run(engine: Engine, questions: Sequence[Question]) -> Callable[[], None]:
    """A pass of `Engine.decide` (a full Decision each) over *questions*."""
    decide = engine.decide

    def run() -> None:
        for u, a in questions:
            decide(u, a)

    return run


def logged(run: Callable[[], None]) -> Callable[[], None]:
    """*run* with the decision log on, to a handler that drops the records."""
    logger = logging.getLogger("ccroles.policy")

    def run_logged() -> None:
        handler = logging.NullHandler()
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        try:
            run()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
            logger.propagate = True

    return run_logged


def make_enforcer(account: Account) -> casbin.Enforcer:
    """An enforcer with pycasbin's canonical RBAC model and the same grants."""
    model = casbin.model.Model()
    model.load_model_from_text(RBAC_MODEL)
    enforcer = casbin.Enforcer(model)
    enforcer.add_policies(
        [
            [role.name, feature]
            for role in BUILTIN_ROLES
            for feature in FEATURES.feature_names_of(role)
        ]
    )
    enforcer.add_grouping_policies(
        [[c.email, c.role] for c in account.customers if c.give_access]
    )
    return enforcer


def rules_contender(floor: Floor) -> Callable[[str, str], bool] | None:
    """django-rules: one rule per feature, `has_access & has_feature`."""
    try:
        import rules  # noqa: PLC0415 (optional baseline)
    except ImportError:  # pragma: no cover (rules is optional)
        return None
    ruleset = rules.RuleSet()

    @rules.predicate
    def has_access(user: str) -> bool:
        return bool(floor.enabled[user])

    def has_feature(feature: str) -> rules.Predicate:
        @rules.predicate
        def has(user: str) -> bool:
            return feature in floor.actions_of[floor.role_of[user]]  # type: ignore[index]

        return has

    for feature in FEATURES:
        ruleset.add_rule(feature, has_access & has_feature(feature))

    def check(user: str, feature: str) -> bool:
        return bool(ruleset.test_rule(feature, user))

    return check


def calls_run(
    check: Callable[[str, str], bool], questions: Sequence[Question]
) -> Callable[[], None]:
    """A pass of a (user, action) -> bool contender over *questions*."""

    def run() -> None:
        for u, a in questions:
            check(u, a)

    return run


def main() -> int:
    """Run every measurement and print the figures."""
    print(f"Python {sys.version.split()[0]}, seed {SEED}")
    start = time.perf_counter()
    account = make_account(LOGINS)
    account_s = time.perf_counter() - start
    build_ms = best_ns(lambda: Engine(account), 1) / 1e6
    engine = Engine(account)
    logging_engine = Engine(account, log_decisions=True)
    questions = make_questions(account, QUESTIONS)
    floor = Floor(account)
    expected = floor.answers(questions)
    if [engine.allows(u, a) for u, a in questions] != expected:
        print("MISMATCH: Engine.allows disagrees with the floor")
        return 1
    if [engine.decide(u, a).allowed for u, a in questions] != expected:
        print("MISMATCH: Engine.decide disagrees with the floor")
        return 1
    allowed = [q for q, yes in zip(questions, expected, strict=True) if yes]
    denied = [q for q, yes in zip(questions, expected, strict=True) if not yes]
    print(
        f"{LOGINS:,} logins ({sum(not c.give_access for c in account.customers):,} "
        f"without access), {QUESTIONS:,} questions ({len(allowed):,} allowed)"
    )
    print(f"  Account(...) built in {account_s * 1e3:.1f} ms")
    print(f"  Engine(account) built in {build_ms:.1f} ms (best of {REPEATS})")

    ns = race(
        {
            "floor": (lambda: floor.run(questions), len(questions)),
            "floor, allowed": (lambda: floor.run(allowed), len(allowed)),
            "floor, denied": (lambda: floor.run(denied), len(denied)),
            "allows": (allows_run(engine, questions), len(questions)),
            "decide, allowed": (decide_run(engine, allowed), len(allowed)),
            "decide, denied": (decide_run(engine, denied), len(denied)),
            "decide, allowed, log on": (
                logged(decide_run(logging_engine, allowed)),
                len(allowed),
            ),
        }
    )
    print(f"\nns per question, best of {REPEATS} passes taken in turns:")
    line("dict floor", ns["floor"], ns["floor"], "goal")
    line("Engine.allows", ns["allows"], ns["floor"], "<= 1.5x")
    line("Engine.decide, allowed answers", *_vs(ns, "decide, allowed"), "<= 5x")
    line("Engine.decide, denied answers", *_vs(ns, "decide, denied"), "<= 10x")
    print(
        f"  (the floor on the allowed questions alone: {ns['floor, allowed']:.1f} ns,"
        f" on the denied: {ns['floor, denied']:.1f} ns; decide is compared with"
        " these)"
    )

    rng = random.Random(SEED + 2)
    sample = rng.sample(questions, CASBIN_SAMPLE)
    start = time.perf_counter()
    enforcer = make_enforcer(account)
    casbin_build_ms = (time.perf_counter() - start) * 1e3
    if [enforcer.enforce(u, a) for u, a in sample] != floor.answers(sample):
        print("MISMATCH: pycasbin disagrees with the floor")
        return 1
    casbin_ns = best_ns(calls_run(enforcer.enforce, sample), len(sample), repeats=3)
    line(f"pycasbin 2.8 RBAC ({CASBIN_SAMPLE:,} questions)", casbin_ns, ns["floor"])
    print(f"  (pycasbin's enforcer built in {casbin_build_ms:.0f} ms)")
    check = rules_contender(floor)
    if check is not None:
        rules_sample = questions[:RULES_SAMPLE]
        if [check(u, a) for u, a in rules_sample] != floor.answers(rules_sample):
            print("MISMATCH: rules disagrees with the floor")
            return 1
        rules_ns = best_ns(calls_run(check, rules_sample), len(rules_sample), 3)
        line(f"django-rules ({RULES_SAMPLE:,} questions)", rules_ns, ns["floor"])

    print("\nthe decision log, on the allowed answers:")
    line("Engine.decide, log off (the default)", *_vs(ns, "decide, allowed"))
    line("Engine.decide, log on (NullHandler)", *_vs(ns, "decide, allowed, log on"))
    scaling()
    return 0


def _vs(ns: dict[str, float], name: str) -> tuple[float, float]:
    """A decide figure and the floor on the same (allowed or denied) questions."""
    floor = ns["floor, allowed"] if "allowed" in name else ns["floor, denied"]
    return ns[name], floor


def line(name: str, ns: float, floor: float, goal: str = "") -> None:
    """Print one result: ns per question and the ratio to the floor."""
    print(f"  {name:<42} {ns:10.1f} ns {ns / floor:9.2f}x floor  {goal}")


def scaling() -> None:
    """Per-question time from 100 to 1,000,000 logins, same questions count."""
    print(f"\nscaling ({QUESTIONS:,} questions each; ns, best of 3 taken in turns):")
    print(
        f"  {'logins':>10} {'Account s':>10} {'Engine ms':>10} {'floor':>8} "
        f"{'allows':>8} {'decide':>8} {'allows/floor':>13}"
    )
    figures: list[dict[str, float]] = []
    for logins in SCALES:
        start = time.perf_counter()
        account = make_account(logins)
        account_s = time.perf_counter() - start
        start = time.perf_counter()
        engine = Engine(account)
        engine_ms = (time.perf_counter() - start) * 1e3
        questions = make_questions(account, QUESTIONS)
        floor = Floor(account)
        ns = race(
            {
                "floor": (partial(floor.run, questions), QUESTIONS),
                "allows": (allows_run(engine, questions), QUESTIONS),
                "decide": (decide_run(engine, questions), QUESTIONS),
            },
            repeats=3,
        )
        print(
            f"  {logins:>10,} {account_s:>10.2f} {engine_ms:>10.1f} {ns['floor']:>8.1f}"
            f" {ns['allows']:>8.1f} {ns['decide']:>8.1f}"
            f" {ns['allows'] / ns['floor']:>12.2f}x"
        )
        figures.append(ns)
        del account, engine, floor, questions
        gc.collect()
    first, last = figures[0], figures[-1]
    print(
        f"  from {SCALES[0]:,} to {SCALES[-1]:,} logins, time per question grew:"
        + "".join(f" {name} {last[name] / first[name]:.2f}x" for name in first)
        + " (goal: within 1.3x)"
    )


if __name__ == "__main__":
    sys.exit(main())
