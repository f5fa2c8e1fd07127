"""Domain errors: adapters translate their SDK's exceptions into these, flows turn them into messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the flows know how to explain to a person."""


class StorageUnavailable(DomainError):
    """Storage could not be reached in the time allowed; nothing was changed by the failed call."""


class NoAnswer(StorageUnavailable):
    """Storage took the connection and gave no answer within `seconds` (a stuck front end, a firewall that holds the
    connection)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


class SignedInToAnotherTenant(StorageUnavailable):
    """Storage refused a sign-in made in another Entra tenant than its own: both tenants are named."""

    def __init__(self, fault: str, *, storage_tenant: str, signed_in_tenant: str) -> None:
        super().__init__(f"{fault}: signed in to tenant {signed_in_tenant}, but the storage account is in tenant "
                         f"{storage_tenant}")
        self.storage_tenant = storage_tenant
        self.signed_in_tenant = signed_in_tenant


class RecordNotFound(DomainError):
    """The record asked for does not exist (or is not visible to the person asking)."""


class RecordExists(DomainError):
    """A record with that key exists already."""


class ConcurrentChange(DomainError):
    """Someone else changed the record first (etag mismatch); reload and explain."""


class NotAllowed(DomainError):
    """The person acting may not do this; changes nothing and reveals nothing."""
