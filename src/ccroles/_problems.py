"""Problems found reading a file, each with its path inside it.

The readers of role, account and matrix files (:mod:`ccroles.documents`,
:mod:`ccroles._matrix_file`) read every entry and note every problem before
raising them together: :class:`ProblemCollector` keeps them, and
:func:`validation_problems` turns what the converter raises (cattrs'
detailed validation errors) into paths and messages.

>>> found = ProblemCollector("a.toml", ["", "roles", "customers"])
>>> found.add(("customers", 0, "email"), "bad email")
>>> found.add(("roles", 2, "base"), "unknown role")
>>> [str(problem) for problem in found.problems]
['a.toml: roles[2].base: unknown role', 'a.toml: customers[0].email: bad email']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.v import format_exception

from ccroles._written import SecretValueError, TooLongError, WrongTypeError
from ccroles.exceptions import (
    CCRolesError,
    DataFileError,
    InvalidEmailError,
    InvalidIdError,
    Problem,
)
from ccroles.paths import format_path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from cattrs.dispatch import StructureHook

__all__ = ["ProblemCollector", "validation_problems"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Path = tuple[str | int, ...]


def _message(error: BaseException, target: object) -> str:
    if isinstance(
        error, CCRolesError | WrongTypeError | SecretValueError | TooLongError
    ):
        return str(error)
    if isinstance(error, ForbiddenExtraKeysError):
        unknown = ", ".join(map(repr, sorted(error.extra_fields)))
        known = ", ".join(f.name for f in attrs.fields(error.cl))
        return f"unknown key {unknown}; expected keys: {known}"
    if isinstance(error, KeyError):
        return "required key is missing"
    return format_exception(error, target)  # type: ignore[arg-type]  # a type or None


def validation_problems(
    error: BaseException, path: _Path, target: object = None
) -> Iterator[tuple[_Path, str]]:
    """Walk cattrs' detailed validation *error*, yielding each path and message.

    Args:
        error: What the converter raised.
        path: Where the value it was reading sits in the document.
        target: The type it was reading, for cattrs' own wording.

    Errors of ccroles and of the converter's hooks keep their own message;
    others get cattrs' wording.
    """
    if isinstance(error, ClassValidationError):
        named, unnamed = error.group_exceptions()
        for sub, attribute in named:
            yield from validation_problems(sub, (*path, attribute.name), attribute.type)
    elif isinstance(error, IterableValidationError):
        indexed, unnamed = error.group_exceptions()
        for sub, element in indexed:
            yield from validation_problems(sub, (*path, element.index), element.type)
    else:
        if isinstance(error, InvalidEmailError | InvalidIdError) and error.field:
            path = (*path, error.field)  # a record's own rule, for one field
        yield path, _message(error, target)
        return
    for sub in unnamed:
        yield from validation_problems(sub, path)


class ProblemCollector:
    """The problems found in one file so far, each with its path.

    Reading notes every problem and goes on; :meth:`raise_any` then raises
    them all in one :class:`~ccroles.exceptions.DataFileError`. A reader of
    another kind of file (the pytest plugin's matrix files) subclasses it to
    place and raise its problems its own way.

    Attributes:
        source: The file's name, as problems show it.
        found: Each problem's path and message, in the order found.
    """

    def __init__(self, source: str, sections: Iterable[str] = ()) -> None:
        """Start with no problem, for the file called *source*.

        *sections* are the file's top-level keys in document order (``""``
        for the top itself): problems are reported by section, then entry;
        a section not named comes last.
        """
        self.source = source
        self.found: list[tuple[_Path, str]] = []
        self._rank = {section: rank for rank, section in enumerate(sections)}

    def _position(self, path: _Path) -> tuple[int, int]:
        """Sort key: a path's section in document order, then its entry."""
        section = path[0] if path else ""
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
        return self._rank.get(str(section), len(self._rank)), index

    @property
    def problems(self) -> list[Problem]:
        """The problems noted, in document order (section, then entry)."""
        ordered = sorted(self.found, key=lambda found: self._position(found[0]))
        return [Problem(self.source, m, format_path(p)) for p, m in ordered]

    def add(self, path: _Path, message: object) -> None:
        """Note the problem *message* (an error, or text) at *path*."""
        self.found.append((path, str(message)))

    def structure(
        self, converter: cattrs.Converter, value: object, cls: type[_T], path: _Path
    ) -> _T | None:
        """Structure *value*, or note every problem and return ``None``."""
        return self.read(converter.get_structure_hook(cls), value, cls, path)

    def read(
        self, hook: StructureHook, value: object, cls: type[_T], path: _Path
    ) -> _T | None:
        """Structure *value* with *cls*'s *hook*, or note every problem."""
        try:
            return cast("_T", hook(value, cls))
        except (cattrs.BaseValidationError, WrongTypeError) as error:
            for where, message in validation_problems(error, path):
                self.add(where, message)
            return None

    def fails(
        self, path: _Path, make: Callable[_P, object], *args: _P.args, **kw: _P.kwargs
    ) -> bool:
        """Call *make*; note the :class:`CCRolesError` it raises, if any."""
        try:
            make(*args, **kw)
        except CCRolesError as error:
            self.add(path, error)
            return True
        return False

    def raise_any(self) -> None:
        """Raise every problem noted, in document order, if there is any.

        Raises:
            DataFileError: A problem was noted.
        """
        if self.found:
            raise DataFileError(self.source, self.problems)
