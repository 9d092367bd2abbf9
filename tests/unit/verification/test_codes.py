"""One-time codes: six digits, stored as a keyed, salted hash, compared in constant time."""

from __future__ import annotations

from verification import codes


def test_codes_are_six_digits_and_vary():
    drawn = {codes.new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in drawn)
    assert len(drawn) > 150


def test_a_code_hash_needs_the_key_and_the_salt():
    digest = codes.hash_code("key", "salt", "123456")
    assert "123456" not in digest
    assert codes.code_matches("key", "salt", "123456", digest)
    assert codes.code_matches("key", "salt", " 123456 ", digest)
    assert not codes.code_matches("key", "salt", "123457", digest)
    assert not codes.code_matches("key", "other-salt", "123456", digest)
    assert not codes.code_matches("other-key", "salt", "123456", digest)
