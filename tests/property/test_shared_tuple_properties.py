"""The sequence behind ``Account.customers`` acts as a tuple, changed copies included.

Each version made by ``replace`` or ``append`` keeps its own items whatever
is made from it afterwards: that is what lets an account change one customer
at a cost independent of its size (tests/test_account_changes.py).
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles._shared import SharedTuple

OPS = st.lists(
    st.tuples(
        st.sampled_from(["replace", "append", "read", "fold"]),
        st.integers(-12, 12),
        st.integers(),
    ),
    max_size=200,
)


@given(st.lists(st.integers(), max_size=8), OPS)
def test_every_version_holds_exactly_what_was_done_to_it(
    base: list[int], ops: list[tuple[str, int, int]]
) -> None:
    """Each version against a tuple model: items, length, indexing, equality."""
    versions = [(SharedTuple(base), tuple(base))]
    for op, index, value in ops:
        shared, model = versions[value % len(versions)]
        if op == "replace" and -len(model) <= index < len(model):
            changed = list(model)
            changed[index] = value
            versions.append((shared.replace(index, value), tuple(changed)))
        elif op == "replace":
            with pytest.raises(IndexError):
                shared.replace(index, value)
        elif op == "append":
            versions.append((shared.append(value), (*model, value)))
        elif op == "read" and -len(model) <= index < len(model):
            assert shared[index] == model[index]
            assert shared[index:] == model[index:]
        elif op == "read":
            with pytest.raises(IndexError):
                shared[index]
        else:
            assert tuple(shared) == model  # folds the changes into its tuple
        assert len(shared) == len(model)
    for shared, model in versions:
        assert shared == model
        assert model == shared
        assert shared == SharedTuple(model)
        assert hash(shared) == hash(model)
        assert repr(shared) == repr(model)
        assert list(shared) == list(model)


def test_many_changes_are_folded_into_a_new_tuple_not_the_original() -> None:
    """Past half the base, a changed copy folds its changes; the original keeps its."""
    first = SharedTuple(range(10))
    shared = first
    for i in range(100):
        shared = shared.append(-i)
    assert shared == (*range(10), *(-i for i in range(100)))
    assert first == tuple(range(10))
    assert shared[-1] == -99


def test_it_equals_tuples_only() -> None:
    """Like a tuple: never equal to a list of the same items."""
    assert SharedTuple([1, 2]) != [1, 2]
    assert SharedTuple([1, 2]).replace(0, 3) != [3, 2]


def test_items_are_read_through_the_changes_until_folded() -> None:
    """An item changed or not reads right before anything folds the changes."""
    shared = SharedTuple("abcd").replace(1, "B").append("e")
    assert (shared[0], shared[1], shared[-1], len(shared)) == ("a", "B", "e", 5)
    with pytest.raises(IndexError):
        shared[5]
    assert shared[1:3] == ("B", "c")
