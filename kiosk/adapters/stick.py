"""What every kind of citizen's USB stick shares: the files as listed, the error codes, the limits,
the naming of a new file beside the original, and the three operations the signing desk uses
(:class:`Stick`). FAT sticks: :mod:`kiosk.adapters.usbstick`; mounted exFAT sticks:
:mod:`kiosk.adapters.mountedstick`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Protocol

from drivers.errors import Action, PieturaError

MAX_FILES = 300  # listed at most; a stick with more shows the first ones (by directory order)
MAX_DEPTH = 3  # folders below the root that are listed
MAX_READ_BYTES = 64 * 1024 * 1024  # the largest document the kiosk reads (and signs)
TEMP_PREFIX = "~pietura-"


class UsbError(PieturaError):
    """A stick problem, with a stable code the citizen's words are looked up by."""

    action = Action.ASK_USER


NOT_FOUND = "usb_not_found"
UNSUPPORTED_FS = "usb_unsupported_filesystem"
READ_FAILED = "usb_read_failed"  # pulled, damaged or unreadable
FILE_TOO_LARGE = "usb_file_too_large"
WRITE_FAILED = "usb_write_failed"  # pulled or full while writing; nothing that looks like a .edoc left


@dataclass(frozen=True)
class StickFile:
    """One file on the stick as the listing shows it (the file itself untouched)."""

    path: str  # "/dir/name.pdf", as on the stick
    size: int
    modified: datetime | None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


class Stick(Protocol):
    """What the signing desk does with a stick, whatever its file system."""

    def list_files(self, *, max_files: int = MAX_FILES, max_depth: int = MAX_DEPTH) -> list[StickFile]: ...

    def read(self, file: StickFile, *, max_bytes: int = MAX_READ_BYTES) -> bytes: ...

    def write_beside(self, original: StickFile, data: bytes, suffix: str = ".edoc") -> StickFile: ...


def as_listed(data: bytes, file: StickFile, max_bytes: int) -> bytes:
    """The bytes read for ``file``, refused when over the cap or not the size the listing showed (the
    file changed since, or the stick was pulled mid-read)."""
    if len(data) > max_bytes:
        raise UsbError(FILE_TOO_LARGE)
    if len(data) != file.size:
        raise UsbError(READ_FAILED, "size changed")
    return data


def free_name(stem: str, suffix: str, taken: set[str]) -> str:
    """``stem+suffix``, else ``stem (2)+suffix``, ``stem (3)+suffix`` … (``taken`` is casefolded:
    FAT names are case-insensitive)."""
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem} ({number}){suffix}"
        if name.casefold() not in taken:
            return name
        number += 1
