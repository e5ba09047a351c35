"""Compare two renderings of a figure pixel by pixel.

SVGs are rasterised to PNG by ``rsvg-convert`` (Debian's ``librsvg2-bin``):
the bytes of two SVGs of one drawing may differ (element ids), their pixels
do not. Images are laid on white, padded to a common size, and a pixel has
changed when one of its channels differs by more than :data:`TOLERANCE`.
The difference image is the old figure faded to light grey, the changed
pixels in red, and a red box around them.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

TOLERANCE = 8  # out of 255: less is anti-aliasing noise, not a change
RED = (220, 0, 0)
RSVG = "rsvg-convert"


class RasteriseError(RuntimeError):
    """An image could not be turned into pixels."""


@dataclass(frozen=True)
class PixelDiff:
    """How two images differ.

    Attributes
    ----------
    changed : int
        The number of changed pixels.
    total : int
        The number of pixels compared (of the larger size).
    box : tuple of int or None
        ``(left, top, right, bottom)`` around the changed pixels (right and
        bottom excluded), None if nothing changed.
    resized : bool
        Whether the two images have different sizes.
    """

    changed: int
    total: int
    box: tuple[int, int, int, int] | None
    resized: bool

    @property
    def fraction(self) -> float:
        """The share of the pixels that changed."""
        return self.changed / self.total if self.total else 0.0


def rasterise(image: Path, png: Path) -> Path:
    """Write ``image`` (SVG, PNG, JPEG, GIF) as an RGB PNG on white to ``png``.

    Raises
    ------
    RasteriseError
        If ``rsvg-convert`` is missing (with the command that installs it) or
        fails on the file.
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    if image.suffix.lower() == ".svg":
        if shutil.which(RSVG) is None:
            raise RasteriseError(
                "rsvg-convert is needed to compare SVG figures: "
                "apt-get install librsvg2-bin (Debian, Ubuntu)"
            )
        result = subprocess.run(
            [RSVG, "--background-color=white", "--format=png", str(image)],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise RasteriseError(
                f"rsvg-convert cannot read {image.name}: {result.stderr.decode()}"
            )
        png.write_bytes(result.stdout)
    else:
        shutil.copyfile(image, png)
    with Image.open(png) as opened:
        flat = on_white(opened)
    flat.save(png, format="PNG", optimize=True)
    return png


def on_white(image: Image.Image) -> Image.Image:
    """Return ``image`` as RGB, its transparent parts made white."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def _padded(pixels: NDArray[np.uint8], height: int, width: int) -> NDArray[np.uint8]:
    out = np.full((height, width, 3), 255, dtype=np.uint8)
    out[: pixels.shape[0], : pixels.shape[1]] = pixels
    return out


def compare(old: Image.Image, new: Image.Image) -> tuple[PixelDiff, NDArray[np.bool_]]:
    """Return how ``new`` differs from ``old``, and the mask of changed pixels."""
    a = np.asarray(on_white(old), dtype=np.uint8)
    b = np.asarray(on_white(new), dtype=np.uint8)
    height = max(a.shape[0], b.shape[0])
    width = max(a.shape[1], b.shape[1])
    a, b = _padded(a, height, width), _padded(b, height, width)
    mask = (np.abs(a.astype(np.int16) - b.astype(np.int16)) > TOLERANCE).any(axis=2)
    box = None
    if mask.any():
        rows = np.flatnonzero(mask.any(axis=1))
        cols = np.flatnonzero(mask.any(axis=0))
        box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    resized = old.size != new.size
    return PixelDiff(int(mask.sum()), height * width, box, resized), mask


def difference_image(
    old: Image.Image, mask: NDArray[np.bool_], box: tuple
) -> Image.Image:
    """Return the old image faded, the changed pixels red, boxed in red."""
    height, width = mask.shape
    base = np.asarray(on_white(old).convert("L"), dtype=np.float64)
    grey = np.full((height, width), 255.0)
    grey[: base.shape[0], : base.shape[1]] = base
    faded = (255 - (255 - grey) * 0.25).astype(np.uint8)  # a quarter of the ink
    pixels = np.repeat(faded[:, :, None], 3, axis=2)
    pixels[mask] = RED
    image = Image.fromarray(pixels, mode="RGB")
    left, top, right, bottom = box
    margin = 4
    ImageDraw.Draw(image).rectangle(
        (
            max(left - margin, 0),
            max(top - margin, 0),
            min(right + margin, width) - 1,
            min(bottom + margin, height) - 1,
        ),
        outline=RED,
        width=2,
    )
    return image
