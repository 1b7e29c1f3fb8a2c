"""The engine at portal scale (issue 14), against baselines measured in the same run.

Rows, each printed with its goal:

- start-up from plain rows (``Customer`` objects, ``Account``, ``Engine``) at
  10,000 logins, against building a plain dict of the same rows, against
  pycasbin's enforcer loaded with the same grants, and against a floor: the
  same rows as unchecked attrs objects, plus the id, email and uniqueness
  checks written inline, plus an engine;
- start-up for a portal that holds its own logins (``LoginFacts``): the
  engine of an account without customers, at any number of customers;
- memory per login at 1,000,000 logins (``tracemalloc``), against a plain
  dict of email to role;
- ``Engine.decide`` for logins without access, against the dict floor on the
  same questions; ``allows`` and ``decide`` about ``LoginFacts``, against the
  floor and the email path;
- loading a 10,000-customer account file, JSON and TOML, against parsing it,
  against a floor (parsing it and making unchecked objects of its tables)
  and against the account rules' part of a load (parsing it, then
  ``Customer`` objects of its tables and the ``Account``);
- one grant and one revoke on accounts of 10,000 and 1,000,000 logins, the
  larger against the smaller.

Timings are the best of several runs taken in turns, so load from the rest of
the machine falls on every contender alike. Nothing here is a test; no timing
is asserted. Run with ``make bench`` or ``python benchmarks/bench_scale.py``
(``--quick`` skips the 1,000,000-login rows).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import tomllib
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
import casbin
from bench_engine import RBAC_MODEL, race

from ccroles import (
    BUILTIN_ROLES,
    FEATURES,
    Account,
    Customer,
    Engine,
    Grant,
    LoginFacts,
    LoginId,
    NotificationSettings,
    SendNotification,
    dump_account,
    grant_access,
    load_account,
    revoke_access,
)
from ccroles.names import ascii_email  # the email rule's fast path

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SEED: Final = 20_261_202
QUESTIONS: Final = 100_000
Row = tuple[str, str, str, bool, str]


def make_rows(count: int, seed: int = SEED) -> list[Row]:
    """*count* plain rows, as a portal's database gives them; 15% without access."""
    rng = random.Random(seed)
    names = [role.name for role in BUILTIN_ROLES]
    return [
        (
            str(i),
            f"C{i}",
            f"user{i}@example.com",
            rng.random() >= 0.15,  # noqa: PLR2004 (the workload's 15%)
            rng.choice(names),
        )
        for i in range(count)
    ]


def build(rows: Sequence[Row]) -> Engine:
    """Start-up from plain rows: customers, the account, the engine."""
    customers = [
        Customer(i, c, email=e, give_access=g, role=r) for i, c, e, g, r in rows
    ]
    return Engine(Account(websites=["Main"], customers=customers))


def unchecked(name: str, *, slots: bool) -> type:
    """A frozen attrs class of Customer's fields, without a converter or validator.

    The floor attrs itself sets: Customer's objects with none of its checks.
    """
    fields = {f.name: attrs.field(default=f.default) for f in attrs.fields(Customer)}
    return attrs.make_class(name, fields, frozen=True, slots=slots)


PlainCustomer = unchecked("PlainCustomer", slots=True)  # the least memory
PlainDictCustomer = unchecked("PlainDictCustomer", slots=False)  # like Customer's


def build_plain(rows: Sequence[Row], kind: type = PlainCustomer) -> list[object]:
    """The attrs floor: the same rows as frozen attrs objects, unchecked.

    Slotted objects take the least memory; objects with an instance dict,
    like ``Customer``'s, the least time.
    """
    return [kind(i, c, email=e, give_access=g, role=r) for i, c, e, g, r in rows]


def checks_inline(rows: Sequence[Row]) -> dict[str, str]:
    """The least the account rules need, written inline: ids, email, uniqueness.

    No function calls, no contacts, roles or websites: with the attrs floor
    and an engine, the fastest start-up any checked account could have.
    """
    emails: dict[str, str] = {}
    internal_ids: dict[str, str] = {}
    customer_ids: dict[str, bool] = {}
    for i, c, e, _, _ in rows:
        if not (i.isascii() and i.strip() and c.isascii() and c.strip()):
            raise ValueError(i)
        if ascii_email(e) is None:
            raise ValueError(e)
        key = e.casefold()
        if key in emails or i in internal_ids or c in customer_ids:
            raise ValueError(i)
        emails[key] = i
        internal_ids[i] = c
        customer_ids[c] = True
    return emails


def build_dict(rows: Sequence[Row]) -> dict[str, tuple[bool, str]]:
    """The floor: a dict of email to (access, role)."""
    return {e: (g, r) for _, _, e, g, r in rows}


def build_casbin(rows: Sequence[Row]) -> casbin.Enforcer:
    """The pycasbin enforcer with the canonical RBAC model and the same grants."""
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
    enforcer.add_grouping_policies([[e, r] for _, _, e, g, r in rows if g])
    return enforcer


def best_ms(run: Callable[[], object], repeats: int = 5) -> float:
    """The best of *repeats* runs of *run*, in milliseconds."""
    return race({"run": (run, 1)}, repeats)["run"] / 1e6


def line(name: str, value: float, unit: str, ratio: str = "", goal: str = "") -> None:
    """Print one row."""
    print(f"  {name:<52} {value:10.1f} {unit:<3} {ratio:>18}  {goal}")


def startup(rows: Sequence[Row]) -> None:
    """Start-up at 10,000 logins, and for a portal holding its own logins."""
    print(f"\nstart-up, {len(rows):,} logins (ms, best of 5 taken in turns):")
    ms = {
        name: ns / 1e6
        for name, ns in race(
            {
                "dict": (lambda: build_dict(rows), 1),
                "plain": (lambda: build_plain(rows, PlainDictCustomer), 1),
                "checks": (lambda: checks_inline(rows), 1),
                "ccroles": (lambda: build(rows), 1),
                "casbin": (lambda: build_casbin(rows), 1),
            }
        ).items()
    }
    line("dict of email to (access, role)", ms["dict"], "ms")
    line(
        "frozen attrs objects of Customer's fields, unchecked",
        ms["plain"],
        "ms",
        f"{ms['plain'] / ms['dict']:.1f}x dict",
    )
    line("the same checks written inline (ids, email, unique)", ms["checks"], "ms")
    engine = best_ms(lambda: Engine(Account()))
    floor = ms["plain"] + ms["checks"] + engine
    line("  floor: unchecked objects + inline checks + engine", floor, "ms")
    line(
        "Customer objects + Account + Engine",
        ms["ccroles"],
        "ms",
        f"{ms['ccroles'] / floor:.2f}x floor",
        "goal <= 20 ms",
    )
    line("pycasbin 2.8 RBAC enforcer", ms["casbin"], "ms")
    settings = Account(websites=["Main"])
    line(
        "Engine of an account without customers (LoginFacts)",
        best_ms(lambda: Engine(settings)),
        "ms",
        "any customer count",
    )


def questions_vs_floor(rows: Sequence[Row]) -> None:
    """Decisions for logins without access, and questions about LoginFacts."""
    engine = build(rows)
    bare = Engine(Account(websites=["Main"]))
    floor = build_dict(rows)
    actions = {r.name: frozenset(FEATURES.feature_names_of(r)) for r in BUILTIN_ROLES}
    rng = random.Random(SEED + 1)
    features = list(FEATURES)
    asked = [(rng.choice(rows), rng.choice(features)) for _ in range(QUESTIONS)]
    without = [(row, f) for row, f in asked if not row[3]]
    facts = [
        (LoginFacts(i, r, give_access=g, customer_id=c), f)
        for (i, c, _, g, r), f in asked
    ]
    emails = [(row[2], f) for row, f in asked]
    no_access = [(row[2], f) for row, f in without]
    if any(
        bare.decide(login, feature) != engine.decide(email, feature)
        for (login, feature), (email, _) in zip(facts, emails, strict=True)
    ):
        print("MISMATCH: LoginFacts and their emails get different decisions")
        raise SystemExit(1)

    def floor_run(questions: Sequence[tuple[str, str]]) -> Callable[[], None]:
        def run() -> None:
            for u, a in questions:
                g, r = floor[u]
                g and a in actions[r]

        return run

    def ask(
        method: Callable[..., object], questions: Sequence[object]
    ) -> Callable[[], None]:
        def run() -> None:
            for u, a in questions:  # type: ignore[misc]
                method(u, a)

        return run

    ns = race(
        {
            "floor": (floor_run(emails), len(emails)),
            "floor, no access": (floor_run(no_access), len(no_access)),
            "decide, no access": (ask(engine.decide, no_access), len(no_access)),
            "allows, email": (ask(engine.allows, emails), len(emails)),
            "decide, email": (ask(engine.decide, emails), len(emails)),
            "allows, facts": (ask(bare.allows, facts), len(facts)),
            "decide, facts": (ask(bare.decide, facts), len(facts)),
        }
    )
    print(f"\nquestions ({QUESTIONS:,}; ns per question, best of 5 taken in turns):")
    line("dict floor", ns["floor"], "ns")
    line(
        "Engine.decide, logins without access",
        ns["decide, no access"],
        "ns",
        f"{ns['decide, no access'] / ns['floor, no access']:.2f}x floor",
        "goal <= 5x",
    )
    for kind in ("allows", "decide"):
        line(
            f"Engine.{kind}, email",
            ns[f"{kind}, email"],
            "ns",
            f"{ns[f'{kind}, email'] / ns['floor']:.2f}x floor",
        )
        line(
            f"Engine.{kind}, LoginFacts",
            ns[f"{kind}, facts"],
            "ns",
            f"{ns[f'{kind}, facts'] / ns['floor']:.2f}x floor",
            f"{ns[f'{kind}, facts'] / ns[f'{kind}, email']:.2f}x the email path",
        )


def memory(count: int) -> None:
    """Memory per login, the account path against a dict of email to role."""
    rows = make_rows(count)
    gc.collect()
    tracemalloc.start()
    floor = {e: r for _, _, e, _, r in rows}
    floor_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del floor
    gc.collect()
    tracemalloc.start()
    plain = build_plain(rows)
    by_email = {customer.email.casefold(): customer for customer in plain}
    plain_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del plain, by_email
    gc.collect()
    tracemalloc.start()
    engine = build(rows)
    engine_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del engine
    gc.collect()
    print(f"\nmemory per login, {count:,} logins (rows not counted):")
    line("dict of email to role", floor_bytes / count, "B")
    line(
        "  floor: unchecked objects + a dict of email to each", plain_bytes / count, "B"
    )
    line(
        "Customer objects + Account + Engine",
        engine_bytes / count,
        "B",
        f"{engine_bytes / floor_bytes:.1f}x dict",
        "goal <= 150 B",
    )
    line("LoginFacts (the portal holds its logins)", 0, "B", "", "none")


def objects(
    parse: Callable[[str], dict[str, list[dict[str, str]]]], path: Path
) -> None:
    """Parse an account file, and make its customers unchecked attrs objects."""
    tables = parse(path.read_text("utf-8"))["customers"]
    [PlainDictCustomer(**table) for table in tables]


def checked(
    parse: Callable[[str], dict[str, list[dict[str, str]]]], path: Path
) -> Account:
    """Parse an account file; build its customers and account, the rules' part.

    ``Customer(**table)`` and ``Account``: the records' and the account's
    own checks, without what only a file needs (exact types and no unknown
    key per field, no key given twice in a table, no lone surrogate).
    """
    document = parse(path.read_text("utf-8"))
    customers = [Customer(**table) for table in document["customers"]]
    return Account(websites=document["websites"], customers=customers)


def loading(rows: Sequence[Row]) -> None:
    """Loading an account file against parsing it."""
    account = build(rows).account
    print(f"\nloading a {len(rows):,}-customer account file (ms, best of 5):")
    with tempfile.TemporaryDirectory() as folder:
        for suffix, parse, goal in (
            (".json", json.loads, "goal <= 2x"),
            (".toml", tomllib.loads, "goal <= 1.3x"),
        ):
            path = Path(folder) / f"account{suffix}"
            dump_account(account, path)
            ms = {
                name: ns / 1e6
                for name, ns in race(
                    {
                        "parse": (lambda p=path, f=parse: f(p.read_text("utf-8")), 1),
                        "objects": (lambda p=path, f=parse: objects(f, p), 1),
                        "checked": (lambda p=path, f=parse: checked(f, p), 1),
                        "load": (lambda p=path: load_account(p), 1),
                    }
                ).items()
            }
            line(f"parse {suffix[1:].upper()} only", ms["parse"], "ms")
            line(
                "  floor: parse + unchecked objects of its tables",
                ms["objects"],
                "ms",
                f"{ms['objects'] / ms['parse']:.2f}x parse",
            )
            line(
                "  parse + Customer objects + Account (rules only)",
                ms["checked"],
                "ms",
                f"{ms['checked'] / ms['parse']:.2f}x parse",
            )
            line(
                f"load_account, {suffix[1:].upper()}",
                ms["load"],
                "ms",
                f"{ms['load'] / ms['parse']:.2f}x parse",
                goal,
            )


def changes(count: int, baseline: float | None = None) -> float:
    """One grant and one revoke on an account of *count* logins, engine included.

    Printed against *baseline*, the same change on the smallest account
    measured: a cost independent of the size is a ratio near 1. Returns the
    figure, in ms.
    """
    rows = make_rows(count)
    settings = NotificationSettings(
        administrator_email="admin@shop.example",
        login_url="https://shop.example/login",
        set_password_url="https://shop.example/set-password",  # noqa: S106 (a URL)
    )
    account = attrs.evolve(build(rows).account, notification=settings)
    engine = Engine(account)
    internal_id = rows[count // 2][0]
    grant = Grant(
        LoginId(internal_id), role="Customer Center", procedure=SendNotification()
    )

    def grant_and_revoke() -> None:
        granted = grant_access(account, grant).account
        engine.with_account(granted).allows(rows[count // 2][2], "Make a Payment")
        revoke_access(granted, LoginId(internal_id))

    grant_and_revoke()  # the first change pays for lazy imports
    ms = best_ms(grant_and_revoke)
    ratio = "" if baseline is None else f"{ms / baseline:.2f}x at 10,000"
    line(
        f"grant + engine + question + revoke, {count:,} logins",
        ms,
        "ms",
        ratio,
        "goal: independent of size",
    )
    return ms


def main() -> int:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1M rows")
    quick = parser.parse_args().quick
    print(f"Python {sys.version.split()[0]}, seed {SEED}")
    rows = make_rows(10_000)
    startup(rows)
    questions_vs_floor(rows)
    loading(rows)
    print("\none change to an account (ms, best of 5):")
    baseline = changes(10_000)
    if not quick:
        changes(1_000_000, baseline)
        memory(1_000_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
