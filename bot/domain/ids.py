"""Short ids that staff can read out or quote: a prefix and six characters nobody mistakes for another."""

from __future__ import annotations

import hashlib
import secrets

# No I, O, 0 or 1: each character reads and sounds unlike every other.
_READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_id(prefix: str) -> str:
    """`prefix`, a dash and six unambiguous characters, e.g. `P-7KQ2MX`."""
    return f"{prefix}-" + "".join(secrets.choice(_READABLE) for _ in range(6))


def readable_id_from(prefix: str, seed: str) -> str:
    """As `readable_id`, but the same for the same `seed` (so a second press of one form names the same record)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return f"{prefix}-" + "".join(_READABLE[byte % len(_READABLE)] for byte in digest[:6])


def new_form_token() -> str:
    """The token a form's Send carries (`F-` and 16 characters), so a second press of it names the same record."""
    return "F-" + secrets.token_urlsafe(12)
