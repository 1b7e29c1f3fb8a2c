"""A mapping and a tuple that change one entry in constant time, sharing the rest.

:class:`SharedMap` keeps a plain ``dict`` that no copy ever changes (the
*base*, built at C speed), and the changes made since, in a persistent hash
trie (path copying, 32 ways per level). A copy shares both, so copying costs
the same at ten entries or a million, and a change costs a few tuple copies.
Lookups read the trie (only while there are changes) and then the dict. When
the changes outnumber half the base, the next copy folds them into a new
base: one pass over every entry, after as many changes, so each change still
costs a constant amount on average.

Keys keep their first place: iteration gives the base's keys in the base's
order, then the keys added since, in the order they were added.

:class:`SharedTuple` is the same idea for a sequence: a tuple, and the
positions changed or added since in a :class:`SharedMap`; the first read of
the whole (iterating, comparing, hashing) folds them into a tuple once.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Final, Generic, TypeVar, cast, overload

_K = TypeVar("_K")
_V = TypeVar("_V")

_BITS: Final = 5
_MASK: Final = (1 << _BITS) - 1
_HASH_BITS: Final = 64
_EMPTY: Final[tuple[object, ...]] = (None,) * (1 << _BITS)


class _Missing:
    """A marker: a key deleted in the changes, or one the trie lacks.

    Markers are compared by identity, so a copy or a pickle of one is the
    marker itself (it is loaded by its name in this module).
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __reduce__(self) -> str:
        return self._name


_DELETED: Final = _Missing("_DELETED")  # a key deleted (the base's is hidden)
_ABSENT: Final = _Missing("_ABSENT")  # what the trie answers for a key it lacks


class _Leaf:
    __slots__ = ("hash", "key", "value")

    def __init__(self, key: object, value: object, hashed: int) -> None:
        self.key = key
        self.value = value
        self.hash = hashed


class _Bucket:
    """Keys whose 64-bit hashes are all equal, at the trie's last level."""

    __slots__ = ("entries",)

    def __init__(self, entries: dict[object, object]) -> None:
        self.entries = entries


def _hash(key: object) -> int:
    return hash(key) & ((1 << _HASH_BITS) - 1)


def _get(node: tuple[object, ...], key: object, hashed: int) -> object:
    """The value of *key* in the trie, or :data:`_ABSENT` when it has none."""
    shift = 0
    while True:
        slot = node[(hashed >> shift) & _MASK]
        if slot is None:
            return _ABSENT
        if type(slot) is _Leaf:
            return slot.value if slot.key == key else _ABSENT
        if type(slot) is _Bucket:
            return slot.entries.get(key, _ABSENT)
        node = cast("tuple[object, ...]", slot)
        shift += _BITS


def _put(
    node: tuple[object, ...], key: object, value: object, hashed: int, shift: int
) -> tuple[object, ...]:
    """The trie *node* with *key* set to *value* (a new path; *node* is kept)."""
    index = (hashed >> shift) & _MASK
    slot = node[index]
    new: object
    if slot is None:
        new = _Leaf(key, value, hashed)
    elif type(slot) is _Leaf:
        if slot.key == key:
            new = _Leaf(key, value, hashed)
        elif shift + _BITS >= _HASH_BITS:  # every bit equal: the hashes are
            new = _Bucket({slot.key: slot.value, key: value})
        else:
            below = _put(_EMPTY, slot.key, slot.value, slot.hash, shift + _BITS)
            new = _put(below, key, value, hashed, shift + _BITS)
    elif type(slot) is _Bucket:
        new = _Bucket({**slot.entries, key: value})
    else:
        new = _put(cast("tuple[object, ...]", slot), key, value, hashed, shift + _BITS)
    return (*node[:index], new, *node[index + 1 :])


class SharedMap(MutableMapping[_K, _V], Generic[_K, _V]):
    """A dict-like mapping whose :meth:`copy` costs the same at any size.

    >>> first = SharedMap({"a": 1, "b": 2})
    >>> second = first.copy()
    >>> second["b"] = 20
    >>> del second["a"]
    >>> second["c"] = 3
    >>> dict(first), dict(second)
    ({'a': 1, 'b': 2}, {'b': 20, 'c': 3})
    """

    __slots__ = ("_added", "_base", "_changes", "_len", "_root")

    def __init__(self, base: dict[_K, _V] | None = None) -> None:
        """Start from *base*, which the map takes over and never changes."""
        self._base: dict[_K, _V] = {} if base is None else base
        self._root: tuple[object, ...] = _EMPTY
        self._changes = 0
        self._len = len(self._base)
        # Keys added since the base, newest first, as (key, older) pairs.
        self._added: tuple[object, ...] | None = None

    def copy(self) -> SharedMap[_K, _V]:
        """A map with the same entries, independent of this one from now on.

        When the changes outnumber half the base, the copy gets them folded
        into a base of its own (this map is left as it is, for its readers).
        """
        if self._changes > len(self._base) // 2 + 64:
            return SharedMap(self.as_dict())
        other: SharedMap[_K, _V] = SharedMap.__new__(SharedMap)
        other._base, other._root, other._added = self._base, self._root, self._added
        other._changes, other._len = self._changes, self._len
        return other

    def as_dict(self) -> dict[_K, _V]:
        """A plain dict of the same entries (copied at C speed while unchanged)."""
        if self._changes == 0:
            return dict(self._base)
        return dict(self.items())

    def _changed(self, key: object) -> object:
        """*key*'s value among the changes, :data:`_DELETED`, or :data:`_ABSENT`."""
        return _ABSENT if self._changes == 0 else _get(self._root, key, _hash(key))

    def get(self, key: _K, default: _V | None = None) -> _V | None:  # type: ignore[override]
        """The value of *key*, or *default* (one dict lookup while unchanged)."""
        if self._changes == 0:
            return self._base.get(key, default)
        changed = _get(self._root, key, _hash(key))
        if changed is _ABSENT:
            return self._base.get(key, default)
        return default if changed is _DELETED else cast("_V", changed)

    def __getitem__(self, key: _K) -> _V:
        """The value of *key*."""
        changed = self._changed(key)
        if changed is _ABSENT:
            return self._base[key]
        if changed is _DELETED:
            raise KeyError(key)
        return cast("_V", changed)

    def __contains__(self, key: object) -> bool:
        """Whether the map has *key*."""
        changed = self._changed(key)
        return key in self._base if changed is _ABSENT else changed is not _DELETED

    def __setitem__(self, key: _K, value: _V) -> None:
        """Set *key* to *value*."""
        if key not in self:
            self._len += 1
            if key not in self._base:
                self._added = (key, self._added)
        self._root = _put(self._root, key, value, _hash(key), 0)
        self._changes += 1

    def __delitem__(self, key: _K) -> None:
        """Remove *key*."""
        if key not in self:
            raise KeyError(key)
        self._root = _put(self._root, key, _DELETED, _hash(key), 0)
        self._changes += 1
        self._len -= 1

    def __len__(self) -> int:
        """The number of keys."""
        return self._len

    def __iter__(self) -> Iterator[_K]:
        """The keys: the base's in its order, then those added, as added."""
        if self._changes == 0:
            yield from self._base
            return
        for key in self._base:
            if _get(self._root, key, _hash(key)) is not _DELETED:
                yield key
        added: list[_K] = []
        cell = self._added
        while cell is not None:
            added.append(cast("_K", cell[0]))
            cell = cast("tuple[object, ...] | None", cell[1])
        seen: set[_K] = set()
        for key in reversed(added):
            if key not in seen and key in self:
                seen.add(key)
                yield key


class SharedTuple(Sequence[_V]):
    """A tuple-like sequence whose changed copies cost the same at any size.

    It compares equal to a tuple (or another :class:`SharedTuple`) of the
    same items, and hashes as that tuple does.

    >>> first = SharedTuple("abc")
    >>> second = first.replace(1, "B").append("d")
    >>> first, second, second == ("a", "B", "c", "d"), second[-1]
    (('a', 'b', 'c'), ('a', 'B', 'c', 'd'), True, 'd')
    """

    __slots__ = ("_base", "_changes", "_len")

    def __init__(self, items: Iterable[_V] = ()) -> None:
        """Hold *items*."""
        self._base: tuple[_V, ...] = tuple(items)
        # Positions changed or added since the base; None: no change.
        self._changes: SharedMap[int, _V] | None = None
        self._len = len(self._base)

    def _changed(self) -> SharedMap[int, _V]:
        """A copy of the changes (a new map when there are none)."""
        if self._changes is None:
            return SharedMap()
        return self._changes.copy()

    def _with(self, changes: SharedMap[int, _V], length: int) -> SharedTuple[_V]:
        other: SharedTuple[_V] = SharedTuple.__new__(SharedTuple)
        other._base, other._len = self._base, length
        other._changes = changes
        if len(changes) > len(self._base) // 2 + 64:  # fold: amortized, O(1)
            other._items()
        return other

    def replace(self, index: int, item: _V) -> SharedTuple[_V]:
        """This sequence with *item* at *index* (this one is unchanged).

        Raises:
            IndexError: *index* is out of range.
        """
        position = self._position(index)
        changes = self._changed()
        changes[position] = item
        return self._with(changes, self._len)

    def append(self, item: _V) -> SharedTuple[_V]:
        """This sequence with *item* added at the end (this one is unchanged)."""
        changes = self._changed()
        changes[self._len] = item
        return self._with(changes, self._len + 1)

    def _position(self, index: int) -> int:
        position = operator.index(index)
        if position < 0:
            position += self._len
        if not 0 <= position < self._len:
            msg = "SharedTuple index out of range"
            raise IndexError(msg)
        return position

    def _items(self) -> tuple[_V, ...]:
        """Every item as one tuple, the changes folded in (once)."""
        changes = self._changes
        if changes is None:
            return self._base
        items: list[object] = [*self._base, *[None] * (self._len - len(self._base))]
        for position, item in changes.items():
            items[position] = item
        # The new base first: a reader that still sees the changes reads them
        # over either base, and one that sees None reads the new base.
        self._base = cast("tuple[_V, ...]", tuple(items))
        self._changes = None
        return self._base

    @overload
    def __getitem__(self, index: int) -> _V: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[_V, ...]: ...
    def __getitem__(self, index: int | slice) -> _V | tuple[_V, ...]:
        """The item at *index*, or a tuple of the items a slice picks."""
        changes = self._changes
        if changes is None:
            return self._base[index]
        if isinstance(index, slice):
            return self._items()[index]
        position = self._position(index)
        item = changes.get(position, _ABSENT)  # type: ignore[arg-type]  # a marker
        return self._base[position] if item is _ABSENT else cast("_V", item)

    def __len__(self) -> int:
        """The number of items."""
        return self._len

    def __iter__(self) -> Iterator[_V]:
        """The items in order."""
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        """Equal to a tuple or a :class:`SharedTuple` of the same items."""
        if isinstance(other, SharedTuple):
            return self._items() == other._items()
        if isinstance(other, tuple):
            return self._items() == other
        return NotImplemented

    def __hash__(self) -> int:
        """The hash of the tuple of the same items."""
        return hash(self._items())

    def __repr__(self) -> str:
        """Written as the tuple of the same items."""
        return repr(self._items())
