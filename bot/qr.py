"""QR codes for posters and flyers: a PNG written in pure Python (qrcode + pypng)."""

from __future__ import annotations

from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pure import PyPNGImage

# Pixels per module: about 4 cm wide for a short t.me link when printed at 300 dpi.
BOX_SIZE = 12
# The quiet zone the QR standard asks for, in modules.
BORDER = 4


def make_matrix(data: str) -> list[list[bool]]:
    """The QR modules for `data`, quiet zone included (True is dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, box_size=BOX_SIZE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def write_png(data: str, path: Path) -> int:
    """Write `data` as a QR code PNG to `path`; return the image width in pixels.

    Medium error correction survives a folded or slightly dirty poster.
    """
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        border=BORDER,
        box_size=BOX_SIZE,
        image_factory=PyPNGImage,
    )
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        image.save(handle)
    return image.pixel_size
