"""TOML and JSON: a file's text to plain data, with the place of every error.

:func:`parse` reads TOML or JSON text (or bytes, which must be UTF-8) and
raises a :class:`~ccroles.exceptions.DataFileError` whose problem carries the
line and column of what breaks it: a syntax error, a byte that is not UTF-8,
a key given twice, a number JSON does not allow, values nested too deeply, a
lone surrogate. :func:`syntax_problem` is the one place a parser's syntax
error becomes a :class:`~ccroles.exceptions.Problem` with its position; the
account and role files and the pytest plugin's matrix files use it.
:func:`toml_lines` finds the line that gives a key of valid TOML text, for
problems that are not syntax errors and for the plugin's test items.

>>> parse("a = [1", FileFormat.TOML, "x.toml")
Traceback (most recent call last):
...
ccroles.exceptions.DataFileError: x.toml:1:7: Unclosed array
"""

from __future__ import annotations

import enum
import json
import json.decoder
import json.scanner
import re
import sys
import tomllib
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ccroles.exceptions import DataFileError, Problem
from ccroles.names import is_encodable
from ccroles.paths import format_path

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator


__all__ = [
    "FileFormat",
    "parse",
    "quoted",
    "syntax_problem",
    "toml_lines",
]

_Path = tuple[str | int, ...]


class FileFormat(enum.Enum):
    """A file format: TOML (read always, written with the ``toml`` extra) or JSON."""

    TOML = "toml"
    JSON = "json"

    def __str__(self) -> str:
        """Return the format's name, as in a file suffix."""
        return self.value

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileFormat:
        """Return the format a file's suffix names (``.toml`` or ``.json``).

        Raises:
            DataFileError: The suffix is neither.

        >>> FileFormat.of("examples/roles.toml")
        <FileFormat.TOML: 'toml'>
        """
        try:
            return cls(Path(path).suffix.removeprefix(".").casefold())
        except ValueError:
            message = "unknown file type; expected a .toml or .json file"
            raise DataFileError(str(path), [Problem(str(path), message)]) from None


_TOML_POSITION = re.compile(
    r"(?s)(.*) \(at (?:line (\d+), column (\d+)|end of document)\)"
)


_SHOWN: Final = 20
"""The most characters of a typed value a problem quotes; a longer one is cut."""


def quoted(value: str | int) -> str:
    r"""*value* as a problem quotes what someone typed: escaped, cut when long.

    Text of up to 20 characters, or a number of up to 20 characters, is shown
    whole (text quoted and escaped); a longer one shows its first 20 and its
    length. Data files and CSV imports quote values this one way.

    >>> print(quoted("Give Acess"), quoted("tab\there"), quoted(-7), quoted(True))
    'Give Acess' 'tab\there' -7 True
    >>> print(quoted("x" * 30))
    'xxxxxxxxxxxxxxxxxxxx'... (30 characters)
    >>> print(quoted(10**24))
    10000000000000000000... (25 digits)
    >>> print(quoted(10**5000))
    (an integer too long to write)
    """
    if isinstance(value, str):
        if len(value) <= _SHOWN:
            return repr(value)
        return f"{value[:_SHOWN]!r}... ({len(value)} characters)"
    if value.bit_length() > _LONGEST_BITS:  # more digits than Python writes out
        return "(an integer too long to write)"
    text = repr(value)
    if len(text) <= _SHOWN:
        return text
    return f"{text[:_SHOWN]}... ({len(text.lstrip('-'))} digits)"


_LONGEST_BITS: Final = 14_000
"""Bits of an integer surely under Python's limit on digits written (4,300)."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    table = dict(pairs)  # at C speed; a key given twice leaves it shorter
    if len(table) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # pragma: no branch (a key is given twice)
            if key in seen:
                msg = f"key {key!r} is given more than once in one object"
                raise ValueError(msg)
            seen.add(key)
    return table


def _no_constant(name: str) -> object:
    msg = f"{name} is not a number JSON allows"
    raise ValueError(msg)


def syntax_problem(error: ValueError, text: str, source: str) -> Problem:
    r"""The problem *error*, a parser's syntax error in *text*, with its place.

    A :class:`json.JSONDecodeError` gives its line and column; a
    :class:`tomllib.TOMLDecodeError` gives them in its message, or says "end
    of document" (the last line, after its last character). *source* names
    the text.

    >>> import tomllib
    >>> try:
    ...     tomllib.loads("a = 1\nb = [1")
    ... except tomllib.TOMLDecodeError as error:
    ...     print(syntax_problem(error, "a = 1\nb = [1", "x.toml"))
    x.toml:2:7: Unclosed array
    """
    if isinstance(error, json.JSONDecodeError):
        return Problem(source, error.msg, line=error.lineno, column=error.colno)
    match = _TOML_POSITION.fullmatch(str(error))
    if isinstance(error, tomllib.TOMLDecodeError) and match:
        message, line, column = match.groups()
        if line is None:  # at the end of the document
            lines = text.split("\n")
            line, column = str(len(lines)), str(len(lines[-1]) + 1)
        return Problem(source, message, line=int(line), column=int(column))
    return Problem(source, str(error))  # pragma: no cover (tomllib gives a place)


# A statement over lines ends on a line closing a value: an array, a string,
# an inline table (TOML 1.1). Other lines are not tried as its end.
_CLOSE: Final = ("]", '"""', "'''", "}")


def toml_lines(text: str, paths: Iterable[_Path]) -> dict[_Path, int]:
    r"""The line (from 1) that first gives each of *paths* in the TOML *text*.

    TOML documents keep no places, so the text is parsed again, a statement
    at a time: a statement (a key and its value, a table header, a comment or
    a blank line) ends on the first of its lines after which its lines parse
    alone, since a statement cut short leaves a string or an array open. A
    key, and everything in its value, is given on its statement's first line;
    a table on the line of its header or of the first key that makes it (the
    ``n``-th ``[[name]]`` header gives entry ``n - 1`` of ``name``). A path
    the text does not hold, the document itself (``()``) and every path of a
    text that does not parse are left out. The answer is ordered by line,
    then as asked. The text is parsed once whole and each statement about
    once: a statement over lines is tried as ending only on lines that may
    close a value (with a ``]``, ``}`` or three quotes), so the time is
    linear in the text unless many lines inside one statement close values.

    >>> text = 'format = 1\n[matrix]\n"Customer Center" = [\n  "Billing",\n]\n'
    >>> toml_lines(text, [("matrix", "Customer Center"), ("matrix",), ("x",)])
    {('matrix',): 2, ('matrix', 'Customer Center'): 3}
    """
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    given = _given(text.split("\n"))
    asked = [path for path in dict.fromkeys(paths) if path in given]
    return {path: given[path] for path in sorted(asked, key=given.__getitem__)}


def _given(lines: list[str]) -> dict[_Path, int]:
    """Each path of the valid TOML *lines*, with the line that first gives it."""
    given: dict[_Path, int] = {}
    entries: dict[_Path, int] = {}  # each array of tables: its entries so far
    table: _Path = ()  # the table the keys of a statement go in
    start = 0
    while start < len(lines):
        stop, document = next(
            (stop, document)
            for stop in range(start + 1, len(lines) + 1)
            if (stop == start + 1 or any(end in lines[stop - 1] for end in _CLOSE))
            and (document := _statement(lines[start:stop])) is not None
        )
        if lines[start].lstrip().startswith("["):  # a header: [a.b] or [[a.b]]
            keys, array = _header(document)
            table = ()
            for count, key in enumerate(keys, 1):
                table = (*table, key)
                given.setdefault(table, start + 1)
                if array and count == len(keys):
                    entries[table] = entries.get(table, 0) + 1
                if table in entries:  # an array of tables: in its last entry
                    table = (*table, entries[table] - 1)
                    given.setdefault(table, start + 1)
        else:  # a key and its value, a comment or a blank line
            for path in _inside(document):
                given.setdefault((*table, *path), start + 1)
        start = stop
    return given


def _statement(lines: list[str]) -> dict[str, object] | None:
    """The document of *lines* parsed alone, or ``None`` if they do not parse.

    A newline is added, so that a line ending in a carriage return (a CRLF
    text cut at its line feeds) ends as it does in the text.
    """
    try:
        return tomllib.loads("\n".join(lines) + "\n")
    except tomllib.TOMLDecodeError:
        return None


def _header(document: dict[str, object]) -> tuple[list[str], bool]:
    """The keys of a header parsed alone, and whether it is ``[[...]]``."""
    keys: list[str] = []
    node: object = document
    while isinstance(node, dict) and node:
        ((key, node),) = node.items()
        keys.append(key)
    return keys, isinstance(node, list)


def _inside(value: object) -> Iterator[_Path]:
    """Every path inside *value* (keys of tables, indexes of arrays), outer first."""
    items: Iterable[tuple[str | int, object]] = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        yield (key,)
        yield from ((key, *path) for path in _inside(item))


def _decoded(data: bytes, source: str) -> str:
    """*data* as UTF-8 text; a byte that is not raises with its place."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        message = f"not UTF-8 text: byte {data[error.start]:#04x} is invalid here"
        raise DataFileError(
            source, [Problem(source, message, line=line, column=column)]
        ) from None


def parse(text: str | bytes, fmt: FileFormat, source: str) -> object:
    """Parse *text*; a syntax error raises with its line and column."""
    if isinstance(text, bytes):
        text = _decoded(text, source)
    parsed: object
    try:
        if fmt is FileFormat.TOML:
            parsed = tomllib.loads(text)
        else:
            parsed = json.loads(
                text, object_pairs_hook=_unique_keys, parse_constant=_no_constant
            )
    except json.JSONDecodeError as error:
        raise DataFileError(source, [syntax_problem(error, text, source)]) from None
    except (ValueError, RecursionError) as error:
        if fmt is FileFormat.JSON:  # parse again, slowly, to find where
            message, position = _JSONLocator().locate(text)
        elif isinstance(error, tomllib.TOMLDecodeError):
            raise DataFileError(source, [syntax_problem(error, text, source)]) from None
        elif isinstance(error, ValueError):  # an integer too long to convert
            message, position = _long_integer(text)
        else:
            message, position = _NESTED, _deepest(text)
        line, column = _line_column(text, position)
        problem = Problem(source, message, line=line, column=column)
        raise DataFileError(source, [problem]) from None
    if is_encodable(text) and _SURROGATE_ESCAPE(text) is None:
        return parsed  # no lone surrogate can be in it: no need to walk it
    unwritable = [
        Problem(source, "text that cannot be written as UTF-8 (a lone surrogate)", path)
        for path in _unwritable(parsed, ())
    ]
    if unwritable:
        raise DataFileError(source, unwritable)
    return parsed


_NESTED: Final = "values are nested too deeply to read"

_DIGITS: Final = re.compile(r"[0-9][0-9_]*")


def _long_integer(text: str) -> tuple[str, int]:
    """The integer of TOML *text* with more digits than Python reads, and where.

    Runs of digits that long are made short one by one, from the first: the
    one after which the text reads is an integer (earlier runs were inside
    strings, or are integers too long as well).
    """
    limit = sys.get_int_max_str_digits()
    runs = [
        match
        for match in _DIGITS.finditer(text)
        if len(match.group().replace("_", "")) > limit > 0
    ]
    for count, match in enumerate(runs, 1):
        shortened, end = [], 0
        for run in runs[:count]:
            shortened += [text[end : run.start()], "0"]
            end = run.end()
        try:
            tomllib.loads("".join(shortened) + text[end:])
        except tomllib.TOMLDecodeError:  # pragma: no cover (a "0" reads as any run)
            break
        except ValueError:
            continue
        digits = len(match.group().replace("_", ""))
        return f"the integer has {digits} digits, more than Python reads", match.start()
    return "a number has more digits than Python reads", 0  # pragma: no cover


def _line_column(text: str, position: int) -> tuple[int, int]:
    """The line and column (from 1) of *position* in *text*."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]").search
"""Finds what may be a JSON escape of a lone surrogate (TOML refuses them)."""


def _unwritable(data: object, at: _Path) -> Iterator[str]:
    """The paths of the keys and texts in *data* that UTF-8 cannot write."""
    if isinstance(data, str):
        if not is_encodable(data):
            yield format_path(at)
    elif isinstance(data, dict):
        for key, value in data.items():
            if not is_encodable(key):
                yield format_path(at) + " (a key)"
            else:
                yield from _unwritable(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unwritable(value, (*at, index))


class _LocatedError(ValueError):
    """A value refused while parsing again, with where it starts."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


_Scan = typing.Callable[[str, int], tuple[object, int]]


class _JSONLocator:
    """Parses JSON again with the pure-Python scanner, noting where values start.

    The fast parser's hooks learn what is wrong but not where: a key given
    twice, ``NaN``/``Infinity``, an integer with more digits than Python
    reads, values nested too deeply. This parse sees where each value starts,
    so the problem gets its line and column.
    """

    def __init__(self) -> None:
        self.at = 0
        self.decoder = json.JSONDecoder(
            parse_constant=self.constant, parse_int=self.integer
        )
        hooks = {"parse_object": self.parse_object, "parse_array": self.parse_array}
        for name, hook in hooks.items():  # the pure-Python scanner reads these
            setattr(self.decoder, name, hook)
        make_scanner = json.scanner.py_make_scanner  # type: ignore[attr-defined]
        self.decoder.scan_once = self.tracked(make_scanner(self.decoder))  # type: ignore[attr-defined]

    def tracked(self, scan: _Scan) -> _Scan:
        """*scan*, noting where each value it reads starts."""

        def scan_once(text: str, index: int) -> tuple[object, int]:
            self.at = index
            return scan(text, index)

        return scan_once

    def parse_object(
        self,
        state: tuple[str, int],
        strict: bool,  # noqa: FBT001 (json's own signature)
        scan: _Scan,
        *rest: object,
    ) -> tuple[object, int]:
        """Read an object; a key given twice is located at its ``{``."""
        start = state[1] - 1

        def unique(items: list[tuple[str, object]]) -> dict[str, object]:
            try:
                return _unique_keys(items)
            except ValueError as error:
                message = f"{error} (the object that starts here)"
                raise _LocatedError(message, start) from None

        memo = rest[2] if len(rest) > 2 else None  # noqa: PLR2004 (json's arguments)
        return json.decoder.JSONObject(  # type: ignore[no-any-return, attr-defined]
            state, strict, self.tracked(scan), None, unique, memo
        )

    def parse_array(self, state: tuple[str, int], scan: _Scan) -> tuple[object, int]:
        """Read an array, noting where each of its values starts."""
        return json.decoder.JSONArray(state, self.tracked(scan))  # type: ignore[no-any-return, attr-defined]

    def constant(self, name: str) -> object:
        """Refuse ``NaN``, ``Infinity`` and ``-Infinity``."""
        raise _LocatedError(f"{name} is not a number JSON allows", self.at)

    def integer(self, digits: str) -> int:
        """Read an integer, or refuse one Python cannot."""
        try:
            return int(digits)
        except ValueError:
            message = f"the integer has {len(digits)} digits, more than Python reads"
            raise _LocatedError(message, self.at) from None

    def locate(self, text: str) -> tuple[str, int]:
        """What *text* breaks, and where it starts."""
        try:
            self.decoder.decode(text)
        except _LocatedError as located:
            return str(located), located.position
        except RecursionError:
            return _NESTED, self.at
        return "the text does not parse", 0  # pragma: no cover (the fast parse refused)


def _deepest(text: str) -> int:
    """Where in *text* the nesting of ``[`` and ``{`` first reaches its deepest.

    Quoted text is skipped (both TOML quotes, escapes in double quotes).
    """
    depth = deepest = where = index = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            end = index + 1
            while end < len(text) and text[end] != char:
                end += 2 if char == '"' and text[end] == "\\" else 1
            index = end
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, index
        elif char in "]}":
            depth -= 1
        index += 1
    return where
