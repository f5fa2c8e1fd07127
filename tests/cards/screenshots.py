"""`make screenshots`: the gallery's cards as PNGs, drawn by the official Adaptive Cards renderer."""

from __future__ import annotations

import sys
from pathlib import Path

from cards.gallery import gallery
from tests.cards.renderer import render_cards_to_png


def main(argv: list[str]) -> int:
    """Write one PNG per card into the folder named (default build/screenshots)."""
    out = Path(argv[0]) if argv else Path("build/screenshots")
    written = render_cards_to_png(gallery(), out)
    print(f"wrote {len(written)} screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
