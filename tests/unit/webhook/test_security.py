"""Signatures and the replay window."""

from __future__ import annotations

import time

import pytest

from webhook.security import Rejected, check_fresh, check_msg_signature, check_signature, sign


def test_a_correct_signature_passes_and_any_change_fails():
    signature = sign("tok", "1700000000", "abc")
    check_signature("tok", signature, "1700000000", "abc")
    for args in (("tok", signature, "1700000001", "abc"), ("tok", signature.upper(), "1700000000", "abc"),
                 ("other", signature, "1700000000", "abc"), ("tok", "", "1700000000", "abc"),
                 ("tok", "签名", "1700000000", "abc")):
        with pytest.raises(Rejected):
            check_signature(*args)


def test_msg_signature_covers_the_ciphertext():
    signature = sign("tok", "1", "n", "CIPHER")
    check_msg_signature("tok", signature, "1", "n", "CIPHER")
    with pytest.raises(Rejected):
        check_msg_signature("tok", signature, "1", "n", "CIPHER2")


@pytest.mark.parametrize("offset", [0, 299, -299])
def test_recent_timestamps_pass(offset):
    now = time.time()
    check_fresh(str(int(now) + offset), 300, now=now)


@pytest.mark.parametrize("offset", [-301, 301, -10**9])
def test_old_and_future_timestamps_fail(offset):
    now = time.time()
    with pytest.raises(Rejected):
        check_fresh(str(int(now) + offset), 300, now=now)


@pytest.mark.parametrize("timestamp", ["", "12a", "-5", "9" * 30])
def test_garbage_timestamps_fail(timestamp):
    with pytest.raises(Rejected):
        check_fresh(timestamp, 300)
