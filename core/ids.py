"""Identifiers: UUIDv7, time-ordered so that indexes stay compact."""

from __future__ import annotations

import os
import threading
import time
import uuid

_RAND_B = 0x3FFF_FFFF_FFFF_FFFF
_lock = threading.Lock()
_last = 0


def uuid7() -> uuid.UUID:
    """Return a fresh UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits.

    Ids made by one process only ever grow, even within one millisecond (RFC 9562,
    6.2 method 3: the random part steps by one), so "order by id" is the order
    in which things were made.
    """
    global _last
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & _RAND_B  # rand_b, 62 bits
    with _lock:
        if value <= _last and _last & _RAND_B != _RAND_B:
            value = _last + 1
        _last = value
    return uuid.UUID(int=value)
