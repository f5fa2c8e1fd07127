"""Short ids that staff can read out or quote: a prefix and six characters nobody mistakes for another."""

from __future__ import annotations

import secrets

# No I, O, 0 or 1: each character reads and sounds unlike every other.
_READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_id(prefix: str) -> str:
    """`prefix`, a dash and six unambiguous characters, e.g. `P-7KQ2MX`."""
    return f"{prefix}-" + "".join(secrets.choice(_READABLE) for _ in range(6))
