"""Draws the app's icons: a green speech bubble with "Ll" (colour) and its white outline (32x32)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GREEN = (27, 94, 32, 255)
GOLD = (249, 200, 14, 255)
WHITE = (255, 255, 255, 255)


def _bubble(draw: ImageDraw.ImageDraw, size: int, *, fill: tuple[int, int, int, int] | None,
            outline: tuple[int, int, int, int] | None, width: int) -> None:
    margin = size * 0.12
    box = (margin, margin, size - margin, size - margin * 2.2)
    draw.rounded_rectangle(box, radius=size * 0.16, fill=fill, outline=outline, width=width)
    tail = [(size * 0.30, box[3] - width), (size * 0.30, size - margin * 0.9), (size * 0.48, box[3] - width)]
    draw.polygon(tail, fill=fill if fill else None, outline=outline)


def _letters(draw: ImageDraw.ImageDraw, size: int, colour: tuple[int, int, int, int], stroke: int) -> None:
    # "Ll", drawn with strokes so no font file is needed: two tall uprights and feet, the second shorter.
    top, bottom = size * 0.26, size * 0.64
    for x, height in ((size * 0.36, 1.0), (size * 0.55, 0.8)):
        draw.line([(x, bottom - (bottom - top) * height), (x, bottom)], fill=colour, width=stroke)
        draw.line([(x - stroke / 2, bottom), (x + size * 0.11, bottom)], fill=colour, width=stroke)


def colour_icon() -> Image.Image:
    """192x192: a green bubble, a gold daffodil-yellow border, white letters."""
    size = 192
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size, size), fill=GREEN)
    _bubble(draw, size, fill=WHITE, outline=GOLD, width=8)
    _letters(draw, size, GREEN, 14)
    return image


def outline_icon() -> Image.Image:
    """32x32: white lines on a transparent background, as Teams requires."""
    size = 32
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _bubble(draw, size, fill=None, outline=WHITE, width=2)
    _letters(draw, size, WHITE, 2)
    return image


def main() -> None:
    """Write color.png and outline.png beside this file."""
    colour_icon().save(HERE / "color.png")
    outline_icon().save(HERE / "outline.png")


if __name__ == "__main__":
    main()
