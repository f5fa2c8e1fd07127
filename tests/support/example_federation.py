"""Settings tests build from the fictional example (config/federation.local.json): what check-federation says of such
a copy besides that it is one."""

from __future__ import annotations


def besides_the_example(err: str) -> str:
    """check-federation's stderr on a copy of the example, less its warnings of the example's tenant and people."""
    return "".join(line for line in err.splitlines(keepends=True)
                   if "fictional example's tenant" not in line and "fictional example's people" not in line)
