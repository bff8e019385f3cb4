"""Read and write files on the FAT boot partition of an SD-card image without mounting it.

Why: technicians provision a card image (or a card in a USB reader, as a block device) on a laptop
without root. The MBR is parsed here (4 primary entries, 512-byte sectors) and mtools copies the file
into the FAT file system at the partition's byte offset (``mcopy -i image@@offset``).
"""

from __future__ import annotations

import os
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import Action, PieturaError

FAT_TYPES = {0x0B, 0x0C, 0x0E}
SECTOR = 512


class ImageError(PieturaError):
    code = "provision_image_invalid"
    action = Action.ASK_USER


@dataclass(frozen=True)
class Partition:
    number: int
    type_id: int
    start: int  # bytes
    size: int  # bytes
    bootable: bool

    @property
    def is_fat(self) -> bool:
        return self.type_id in FAT_TYPES


def read_mbr(image: Path) -> list[Partition]:
    """The used primary partitions of a DOS partition table."""
    with open(image, "rb") as fh:
        mbr = fh.read(SECTOR)
    if len(mbr) < SECTOR or mbr[510:512] != b"\x55\xaa":
        raise ImageError(detail=f"{image.name}: no DOS partition table (is it compressed? run 'xz -d' first)")
    parts = []
    for i in range(4):
        entry = mbr[446 + 16 * i: 446 + 16 * (i + 1)]
        boot, ptype, lba, sectors = entry[0], entry[4], *struct.unpack("<II", entry[8:16])
        if ptype and sectors:
            parts.append(Partition(i + 1, ptype, lba * SECTOR, sectors * SECTOR, boot == 0x80))
    return parts


def boot_partition(image: Path) -> Partition:
    fat = [p for p in read_mbr(image) if p.is_fat]
    if not fat:
        raise ImageError(detail=f"{image.name}: no FAT boot partition")
    return fat[0]


def _mtools_env() -> dict[str, str]:
    return dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")


def _run(cmd: list[str], timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    try:
        proc = subprocess.run(cmd, capture_output=True, env=_mtools_env(), timeout=timeout)
    except FileNotFoundError as exc:
        raise ImageError("provision_mtools_missing", "mtools not installed (apt install mtools)",
                         action=Action.FATAL) from exc
    return proc


def write_file(image: Path, name: str, data: bytes) -> None:
    """Create or replace ``name`` in the root of the image's boot partition."""
    part = boot_partition(image)
    with tempfile.NamedTemporaryFile(prefix="pietura-", delete=False) as tmp:
        tmp.write(data)
    try:
        proc = _run(["mcopy", "-o", "-i", f"{image}@@{part.start}", tmp.name, f"::{name}"])
    finally:
        os.unlink(tmp.name)
    if proc.returncode != 0:
        raise ImageError("provision_image_write_failed", proc.stderr.decode(errors="replace").strip())


def read_file(image: Path, name: str) -> bytes | None:
    """The file's bytes, or None when it is not there."""
    part = boot_partition(image)
    proc = _run(["mcopy", "-n", "-i", f"{image}@@{part.start}", f"::{name}", "-"])
    if proc.returncode != 0:
        return None
    return proc.stdout


def list_files(image: Path) -> list[str]:
    part = boot_partition(image)
    proc = _run(["mdir", "-b", "-i", f"{image}@@{part.start}", "::"])
    if proc.returncode != 0:
        raise ImageError("provision_image_write_failed", proc.stderr.decode(errors="replace").strip())
    return [ln.strip().removeprefix("::/") for ln in proc.stdout.decode().splitlines() if ln.strip()]
