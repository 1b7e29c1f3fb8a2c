"""The public names follow the vocabulary of the API page (docs/api.md).

A yes/no question is ``allows…``; an answer with reasons is ``decide…`` and
is a ``Decision``; words for a person are ``explain…``; an answer object's
truth is its ``allowed``; one public name per thing. Annotations are read as
written (every module has ``from __future__ import annotations``), so a
return type is the string ``"bool"``, ``"Decision"`` or ``"str"``.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator

import ccroles

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(ccroles.__path__, "ccroles.")
    if not name.rsplit(".", 1)[1].startswith("_")
)

# Yes/no callables that are not questions to the rules, each with its reason.
NOT_QUESTIONS = {
    "is_*": "a fact about one value (is_encodable(text), form.is_external)",
    "unlock": "a command (lift a lock) that reports whether there was one",
    "learn": "a command (work out a login's answers, keep them) that reports "
    "whether the login exists",
    "verify": "checks a password against its hash, the hash libraries' word",
    "matches": "an audit event matches a query: a filter, not a rule",
    "prefers_html": "reads the request's Accept header, not the rules",
    "prefers_json": "reads the request's Accept header, not the rules",
    "nobody_signed_in": "reads the request's login, not the rules",
}

# Callables returning a Decision that are not decide…, each with its reason.
NOT_DECIDE = {
    "assert_*": "test helpers: they check a decision and hand it back",
}

# Words that say nothing of what a name holds.
VAGUE = {"ok", "result", "data", "flag"}

# Words for a person that are not explain…, each with its reason.
NOT_EXPLAIN = {
    "customer_message": "the customer's words, named for whom they are for",
}


def _members() -> Iterator[tuple[str, str, object]]:
    """Every public function, method and property: (qualified name, name, obj)."""
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if getattr(value, "__module__", None) != module_name:
                continue
            if inspect.isfunction(value):
                yield f"{module_name}.{name}", name, value
            elif inspect.isclass(value):
                for attr, member in vars(value).items():
                    if not attr.startswith("_"):
                        yield f"{module_name}.{name}.{attr}", attr, member


def _function(member: object) -> Callable[..., object] | None:
    """The function behind a method, property, static or class method."""
    if isinstance(member, property):
        return member.fget
    if isinstance(member, staticmethod | classmethod):
        member = member.__func__
    return member if inspect.isfunction(member) else None


def _deprecated(function: Callable[..., object]) -> bool:
    """An old name kept for one release says so first in its docstring."""
    return (inspect.getdoc(function) or "").startswith("Deprecated")


def _return(function: Callable[..., object]) -> str:
    return str(function.__annotations__.get("return", ""))


def _off(qualified: str, name: str, member: object) -> str | None:
    """What is off about one public name, or None."""
    function = _function(member)
    if function is None or _deprecated(function):
        return None
    if isinstance(member, property):
        return _off_attribute(qualified, name, _return(function))
    rules = (_off_question, _off_answer, _off_words)
    problems = [rule(name, function) for rule in rules]
    return next((problem for problem in problems if problem), None)


def _off_attribute(qualified: str, name: str, returns: str) -> str | None:
    """An attribute says what it holds; an answer's truth is `allowed`."""
    if name in VAGUE:
        return "a name says what it holds"
    if returns == "bool" and name != "allowed" and _is_answer(qualified):
        return "an answer's truth attribute is `allowed`"
    return None


def _off_question(name: str, function: Callable[..., object]) -> str | None:
    """A yes/no question is allows… (unless it is not a question)."""
    if _return(function) != "bool" or name.startswith("allows"):
        return None
    if _exempt(name, NOT_QUESTIONS):
        return None
    return "a yes/no question is named allows…"


def _off_answer(name: str, function: Callable[..., object]) -> str | None:
    """A Decision comes from decide…, and decide… gives a Decision."""
    returns = _return(function)
    if returns == "Decision" and not name.startswith("decide"):
        if _exempt(name, NOT_DECIDE):
            return None
        return "a callable returning a Decision is named decide…"
    if name.startswith("decide") and returns != "Decision":
        return "a decide… callable returns a Decision"
    return None


def _off_words(name: str, function: Callable[..., object]) -> str | None:
    """Text about a Decision, for a person, is explain…."""
    arguments = [str(v) for k, v in function.__annotations__.items() if k != "return"]
    if _return(function) != "str" or "Decision" not in arguments:
        return None
    if name.startswith("explain") or _exempt(name, NOT_EXPLAIN):
        return None
    return "words for a person about a Decision are explain…"


def _exempt(name: str, table: dict[str, str]) -> bool:
    """Whether *name* is in *table*, itself or by a ``prefix_*`` family."""
    return any(
        name == entry or (entry.endswith("*") and name.startswith(entry[:-1]))
        for entry in table
    )


def _is_answer(qualified: str) -> bool:
    """Whether the class of *qualified* is an answer: it holds a decision."""
    module_name, class_name, _ = qualified.rsplit(".", 2)
    cls = getattr(importlib.import_module(module_name), class_name)
    annotations = inspect.get_annotations(cls)
    return "decision" in annotations or isinstance(
        getattr(cls, "decision", None), property
    )


def _violations() -> dict[str, str]:
    found = {}
    for qualified, name, member in _members():
        problem = _off(qualified, name, member)
        if problem is not None:
            found[qualified] = problem
    return found


def test_public_names_follow_the_vocabulary() -> None:
    """Questions are allows…, answers decide…, words explain…, truth allowed."""
    assert _violations() == {}


def test_no_public_name_is_an_alias() -> None:
    """One public name per function or class, across every public module."""
    names: dict[int, set[str]] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) or inspect.isclass(value):
                names.setdefault(id(value), set()).add(name)
    for _, _, member in _members():
        function = _function(member)
        if function is not None and not isinstance(member, property):
            names.setdefault(id(function), set()).add(function.__name__)
    assert [sorted(found) for found in names.values() if len(found) > 1] == []


def test_methods_are_not_bound_twice() -> None:
    """No class binds one function under two public names (an alias)."""
    aliases = []
    for qualified, name, member in _members():
        function = _function(member)
        if (
            function is not None
            and not isinstance(member, property)
            and function.__name__ != name
            and not _deprecated(function)
        ):
            aliases.append(qualified)
    assert aliases == []
