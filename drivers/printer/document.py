"""The print document model: what to print, independent of any printer's bytes.

A document is a tuple of these frozen blocks. ``kiosk.receipts`` turns a receipt into a
document; :class:`drivers.printer.printer.ReceiptPrinter` turns a document into ESC/POS bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]
ALIGNMENTS: tuple[str, ...] = ("left", "center", "right")


@dataclass(frozen=True)
class Text:
    """A paragraph of text, wrapped to the paper's column count when built (line breaks and
    other control characters become spaces)."""

    text: str
    bold: bool = False
    align: Align = "left"
    double: bool = False  # double width and height

    def __post_init__(self) -> None:
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {ALIGNMENTS}, not {self.align!r}")


@dataclass(frozen=True)
class QR:
    """A QR code, centred; ``size`` is the module size in dots (1–16)."""

    payload: str
    size: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.size <= 16:
            raise ValueError("QR size must be 1..16")
        if not self.payload:
            raise ValueError("empty QR payload")


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper."""


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """End of a receipt: feed past the cutter and cut (the cut kind is a printer setting)."""


Block = Text | QR | Rule | Feed | Cut
Document = tuple[Block, ...]
