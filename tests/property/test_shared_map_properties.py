"""The map behind the account's indexes acts as a dict, copies included.

Every version made by copying keeps its own entries whatever is done to the
others afterwards: that is what lets an account change one customer at a cost
independent of its size (tests/test_account_changes.py).
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles._shared import SharedMap


class Colliding:
    """A key whose hash it chooses: equal hashes reach the trie's last level."""

    def __init__(self, name: str, hashed: int) -> None:
        self.name = name
        self.hashed = hashed

    def __hash__(self) -> int:
        """The hash it was given."""
        return self.hashed

    def __eq__(self, other: object) -> bool:
        """Equal by name and hash."""
        return isinstance(other, Colliding) and (other.name, other.hashed) == (
            self.name,
            self.hashed,
        )

    def __repr__(self) -> str:
        """As constructed."""
        return f"Colliding({self.name!r}, {self.hashed})"


KEYS = st.sampled_from(["a", "b", "c", "d", "e", "f", 0, 1, 2**64, -1]) | st.builds(
    Colliding, st.sampled_from("xyz"), st.sampled_from([0, 1, -1, 2**61, 2**63 - 1])
)
OPS = st.lists(
    st.tuples(st.sampled_from(["set", "del", "copy", "drop"]), KEYS, st.integers()),
    max_size=300,
)


@given(st.dictionaries(KEYS, st.integers(), max_size=8), OPS)
def test_every_version_holds_exactly_what_was_done_to_it(
    base: dict[object, int], ops: list[tuple[str, object, int]]
) -> None:
    """Each version against a dict model: entries, length, membership, keys."""
    versions = [(SharedMap(dict(base)), dict(base))]
    for op, key, value in ops:
        shared, model = versions[value % len(versions)]
        if op == "set":
            shared[key] = value
            model[key] = value
        elif op == "del" and key in model:
            del shared[key]
            del model[key]
        elif op == "del":
            with pytest.raises(KeyError):
                del shared[key]
        elif op == "copy":
            versions.append((shared.copy(), dict(model)))
        elif len(versions) > 1:
            versions.remove((shared, model))
        for each, expected in versions:
            assert len(each) == len(expected)
            assert (key in each) == (key in expected)
            assert each.get(key, None) == expected.get(key)
    for each, expected in versions:
        keys = list(each)
        assert len(keys) == len(set(keys)) == len(expected)
        assert dict(each.items()) == expected
        for key in keys:
            assert each[key] == expected[key]


def test_many_changes_are_folded_into_the_copy_not_the_original() -> None:
    """Past half the base, a copy gets the changes folded; the original keeps its."""
    shared = SharedMap({i: i for i in range(10)})
    for i in range(100):
        shared[i] = -i
    copy = shared.copy()
    del shared[0]
    assert dict(copy) == {i: -i for i in range(100)}
    assert list(copy) == list(range(100))
    assert 0 not in shared
    assert len(shared) == 99


def test_a_replaced_key_keeps_its_place_and_added_keys_follow() -> None:
    """Iteration: the base's keys in order (replaced in place), then the added."""
    shared = SharedMap({"a": 1, "b": 2, "c": 3})
    shared["b"] = 20
    shared["z"] = 26
    shared["y"] = 25
    del shared["a"]
    assert list(shared.items()) == [("b", 20), ("c", 3), ("z", 26), ("y", 25)]
    with pytest.raises(KeyError):
        shared["a"]


def test_keys_of_one_hash_share_a_bucket() -> None:
    """Three keys whose 64-bit hashes are equal: all kept, apart by equality."""
    shared = SharedMap[Colliding, int]()
    keys = [Colliding(name, 2**60 + 7) for name in "pqr"]
    for number, key in enumerate(keys):
        shared[key] = number
    copy = shared.copy()
    copy[keys[1]] = 10
    assert [shared[key] for key in keys] == [0, 1, 2]
    assert [copy[key] for key in keys] == [0, 10, 2]
    assert Colliding("s", 2**60 + 7) not in copy


def test_as_dict_is_a_plain_copy_changed_or_not() -> None:
    """``as_dict``: a dict of the entries, apart from the map, changed or not."""
    shared = SharedMap({"a": 1, "b": 2})
    unchanged = shared.as_dict()
    shared["c"] = 3
    del shared["a"]
    assert (type(unchanged), unchanged) == (dict, {"a": 1, "b": 2})
    assert shared.as_dict() == {"b": 2, "c": 3}
