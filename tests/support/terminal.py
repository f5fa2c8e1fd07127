"""Standard input at a terminal, for the command-line tools that ask before they change anything."""

from __future__ import annotations

import io


class Terminal(io.StringIO):
    """Standard input at a terminal, where someone types what it holds."""

    def isatty(self) -> bool:
        """A terminal, so the tool asks."""
        return True
