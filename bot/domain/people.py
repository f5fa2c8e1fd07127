"""Who is acting, in which language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.text import fold

# An Entra id (a person's object id, a tenant's id) is a GUID; Teams sends it in lower case.
_ENTRA_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Lang(StrEnum):
    """The two languages everything a person reads exists in."""

    EN = "en"
    CY = "cy"

    @classmethod
    def from_locale(cls, locale: str | None) -> Lang:
        """Map a Teams locale such as `cy-GB` to a language; anything not Welsh is English."""
        return cls.CY if (locale or "").lower().startswith("cy") else cls.EN


def entra_id(written: str) -> str:
    """An Entra id as Teams sends it (lower case, nothing round it), however the office wrote it."""
    return written.strip().lower()


def is_entra_id(written: str) -> bool:
    """True for an Entra object or tenant id (a GUID) in any case; false for an email, a name or a cut-short id."""
    return bool(_ENTRA_ID.match(entra_id(written)))


class Membership(StrEnum):
    """What Teams says a person is in the school's tenant (its activities carry no such mark: Teams is asked)."""

    STAFF = "staff"  # one of the tenant's own accounts
    GUEST = "guest"  # a guest from another organisation (or an anonymous meeting attendee)
    NOT_KNOWN = "not-known"  # Teams could not say (the lookup failed or timed out)


@dataclass(frozen=True)
class Person:
    """A member of staff as Teams identifies them: tenant and Entra object id, from the activity only."""

    tenant_id: str
    aad_object_id: str
    name: str = ""

    @property
    def key(self) -> str:
        """A stable key for this person across tables."""
        return f"{self.tenant_id}|{self.aad_object_id}"


# Titles that come before a name ("Mrs Siân Roberts"): a greeting uses the first name after them.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "revd", "parch", "y parch"})


def first_name(name: str) -> str:
    """The name to greet someone by: "Mrs Siân Roberts" → "Siân"; "" when there is none."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in TITLES:
        words = words[1:]
    return words[0] if words else ""


def same_name(one: str, other: str) -> bool:
    """Whether two display names are one name written two ways: accents, capitals, punctuation, word order ("Roberts,
    Siân"), titles and initials ("Siân E. Roberts") aside. A name with other words (a married name) is another."""
    def words(name: str) -> list[str]:
        return sorted(w for w in re.findall(r"[^\W_]+", fold(name)) if len(w) > 1 and w not in TITLES)

    return bool(words(one)) and words(one) == words(other)


@dataclass(frozen=True)
class StaffContact:
    """A named person in the federation's configuration (headteacher, delegate, governor)."""

    aad_object_id: str
    name: str
    email: str = ""
    # Further addresses a directory knows the person by (Graph's userPrincipalName, otherMails, proxyAddresses).
    other_addresses: tuple[str, ...] = ()

    @property
    def addresses(self) -> frozenset[str]:
        """Every address the person is known by, in lower case."""
        return frozenset(a.strip().lower() for a in (self.email, *self.other_addresses) if a and a.strip())
