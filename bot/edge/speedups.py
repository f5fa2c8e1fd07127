"""Small, behaviour-preserving fixes for hot spots in the final (4.17.1) Bot Framework SDK's dependencies."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def install_sdk_speedups() -> None:
    """Make msrest's retry policy cheap to build (the SDK builds two per turn); idempotent."""
    # `ClientRetryPolicy.__init__` computes `[i for i in range(999) if i not in self.safe_codes]` with a
    # 501-item list: ~500,000 comparisons, about a third of the bot's CPU per turn. A frozenset gives the
    # same retry codes in the same order; nothing else reads `safe_codes`.
    codes = getattr(ClientRetryPolicy, "safe_codes")  # noqa: B009 - msrest's stubs type it as a list
    if not isinstance(codes, frozenset):
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010
