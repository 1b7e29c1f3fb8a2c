"""Old names that keep working for one release, with a :class:`DeprecationWarning`.

A renamed function or method keeps its old name as a small function that
calls :func:`warn_renamed` and then the new name; a name moved to another
module is kept by that module's ``__getattr__``, built by :func:`moved_names`.
Each old name is listed under "Deprecated" in the changelog, with the release
that removes it.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn_renamed("FeatureMatrix.allowed", "FeatureMatrix.allows")
>>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
FeatureMatrix.allowed is deprecated, use FeatureMatrix.allows; the old name
goes in the next release
"""

from __future__ import annotations

import warnings
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["moved_names", "warn_renamed"]


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that *old* is deprecated in favour of *new*.

    Args:
        old: The deprecated name, as a user wrote it (``Class.method``).
        new: What to write instead (a name, or a call showing the new order
            of the arguments).
        stacklevel: How far up the warning points: the default, 3, names
            the caller of the function that calls this one (the user's line).
    """
    message = f"{old} is deprecated, use {new}; the old name goes in the next release"
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)


def moved_names(
    module: str, moved: Mapping[str, str | tuple[str, str]]
) -> Callable[[str], object]:
    """A module ``__getattr__`` that finds names moved out of *module*, or renamed.

    Args:
        module: The module's own name (``__name__``), for the messages.
        moved: Each old name and the module that holds it now, or that module
            and the name it has there when it was renamed too.

    Returns:
        The function to assign to the module's ``__getattr__``: it warns,
        then returns the name from its new module; any other name raises
        :class:`AttributeError` as usual.
    """

    def __getattr__(name: str) -> object:  # noqa: N807 (a module's __getattr__)
        found = moved.get(name)
        if found is None:
            message = f"module {module!r} has no attribute {name!r}"
            raise AttributeError(message, name=name)
        home, new = (found, name) if isinstance(found, str) else found
        warn_renamed(f"{module}.{name}", f"{home}.{new}")
        return getattr(import_module(home), new)

    return __getattr__
