"""A stored password hash is scrypt's 32-byte key, at any cost it records."""

import hashlib

from ccroles.passwords import Password, PasswordHash, ScryptParams, hash_password


def test_a_hash_is_scrypts_32_byte_key() -> None:
    """The stored hash is scrypt's key of 32 bytes for the password and salt."""
    stored = PasswordHash.of("correct horse", salt=b"salt", n=16, r=1, p=1)
    expected = hashlib.scrypt(b"correct horse", salt=b"salt", n=16, r=1, p=1, dklen=32)
    assert expected == stored.hash


def test_a_cost_above_the_default_memory_limit_still_verifies() -> None:
    """n=2**15, r=8 needs just over the 32 MiB OpenSSL allows by default."""
    stored = PasswordHash.of("correct horse", salt=b"salt", n=2**15, r=8, p=1)
    assert stored.verify("correct horse")
    assert not stored.verify("correct horse!")


def test_a_new_hash_has_a_fresh_salt_of_sixteen_bytes() -> None:
    """128 bits of salt from the system's random source, new for every hash."""
    cheap = ScryptParams(n=2, r=1, p=1)
    one = hash_password(Password("Correct-Horse-9"), cheap)
    two = hash_password(Password("Correct-Horse-9"), cheap)
    assert len(one.salt) == len(two.salt) == 16
    assert one.salt != two.salt
