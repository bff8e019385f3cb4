"""A citizen's USB stick: found among the block devices, read and written in user space.

The stick is never mounted. A FAT volume (FAT12/16/32 with long names, what nearly every stick
carries) is read and written with mtools, which parses the file system in an ordinary process that
has the partition's device node and nothing else: no kernel file-system driver parses a
citizen's bytes, nothing on the stick can be executed, no set-uid bit or device node on it has
any meaning, and a pulled stick is an I/O error in a child process rather than a stale mount.
Listing never opens a file; only the file the citizen chose is read (capped), and the only write
is a new ``<name>.edoc`` beside the original: written under a temporary name that does not end
in ``.edoc``, flushed, read back and compared, then renamed to the first free name (``" (2)"``,
``" (3)"`` …), so a stick pulled mid-write never holds a half-written file that looks like a
container. exFAT is read where ``pietura-stick@.service`` has mounted it (exfat-fuse,
``nosuid,nodev,noexec``, :class:`kiosk.adapters.mountedstick.MountedStick`); NTFS and other file
systems are recognised by their boot sector and refused with ``usb_unsupported_filesystem`` (see
docs/signing.md).

Every failure is a :class:`UsbError` with a stable code (words in ``kiosk/edoc_words.py``)."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath

from kiosk.adapters.mountedstick import MountedStick
from kiosk.adapters.stick import (
    FILE_TOO_LARGE,
    MAX_DEPTH,
    MAX_FILES,
    MAX_READ_BYTES,
    NOT_FOUND,
    READ_FAILED,
    TEMP_PREFIX,
    UNSUPPORTED_FS,
    WRITE_FAILED,
    Stick,
    StickFile,
    UsbError,
    as_listed,
    free_name,
)

# The stick's common parts are kiosk.adapters.stick's; these names are part of this module's interface too.
__all__ = ["FILE_TOO_LARGE", "MAX_DEPTH", "MAX_FILES", "MAX_READ_BYTES", "MOUNTED_STICKS", "NOT_FOUND", "READ_FAILED",
           "TEMP_PREFIX", "UNSUPPORTED_FS", "WRITE_FAILED", "FatStick", "Stick", "StickFile", "UsbError",
           "detect_filesystem", "find_stick_partitions", "free_name", "open_stick", "parse_mdir"]

MTOOLS_TIMEOUT_S = 20.0
MOUNTED_STICKS = Path("/run/pietura-stick")  # where pietura-stick@.service mounts an exFAT stick
_GLOB = re.compile(r"[*?\[\]]")  # mtools expands these: such names are not offered


def detect_filesystem(boot_sector: bytes) -> str:
    """"vfat", "exfat", "ntfs" or "unknown" from a partition's first sector."""
    if len(boot_sector) < 512 or boot_sector[510:512] != b"\x55\xaa":
        return "unknown"
    if boot_sector[3:11] == b"EXFAT   ":
        return "exfat"
    if boot_sector[3:11] == b"NTFS    ":
        return "ntfs"
    if boot_sector[54:59] in (b"FAT12", b"FAT16") or boot_sector[82:87] == b"FAT32":
        return "vfat"
    return "unknown"


# --- finding the stick -----------------------------------------------------------------------

def _usb_storage(sys_block: Path, disk: str) -> bool:
    """A whole disk whose device sits on a USB bus and is driven by usb-storage or uas."""
    try:
        device = (sys_block / disk / "device").resolve()
    except OSError:
        return False
    if "/usb" not in str(device):
        return False
    for parent in (device, *device.parents):
        driver = parent / "driver"
        if driver.exists() and driver.resolve().name in ("usb-storage", "uas"):
            return True
    return False


def find_stick_partitions(sys_block: Path = Path("/sys/block"), dev: Path = Path("/dev")) -> list[Path]:
    """Device nodes of USB mass-storage partitions (or an unpartitioned stick), first disk first."""
    found: list[Path] = []
    try:
        disks = sorted(p.name for p in sys_block.iterdir() if p.name.startswith("sd"))
    except OSError:
        return found
    for disk in disks:
        if not _usb_storage(sys_block, disk):
            continue
        partitions = sorted(p.name for p in (sys_block / disk).iterdir() if p.name.startswith(disk))
        found += [dev / name for name in partitions or [disk]]
    return found


def open_stick(candidates: Iterable[Path], mounted: Path = MOUNTED_STICKS) -> Stick:
    """The first candidate mounted under ``mounted``/<device name> (an exFAT stick, mounted by
    ``pietura-stick@.service``) or with a FAT file system; ``usb_not_found`` /
    ``usb_unsupported_filesystem`` (also for exFAT not (yet) mounted)."""
    seen_other = False
    for path in candidates:
        if os.path.ismount(mounted / path.name):  # only exFAT is mounted (by its unit): no need to open the device
            return MountedStick(mounted / path.name)
        try:
            with open(path, "rb") as device:
                kind = detect_filesystem(device.read(512))
        except OSError:
            continue
        if kind == "vfat":
            return FatStick(path)
        seen_other = True
    raise UsbError(UNSUPPORTED_FS if seen_other else NOT_FOUND)


# --- mtools ------------------------------------------------------------------------------------

_LINE = re.compile(r"^(?P<short>.{8}) (?P<ext>.{3}) +(?P<size><DIR>|\d+) +(?P<date>\d{4}-\d\d-\d\d) +"
                   r"(?P<time>\d?\d:\d\d)(?:  (?P<long>.+))?$")  # mdir pads an hour before 10 with a space


def parse_mdir(text: str) -> list[tuple[str, str, int | None, datetime | None]]:
    """``mdir -/`` output → (directory, name, size or None for a folder, modified)."""
    entries: list[tuple[str, str, int | None, datetime | None]] = []
    directory = "/"
    for line in text.splitlines():
        if line.startswith("Directory for ::"):
            directory = line[len("Directory for ::"):].strip() or "/"
            continue
        match = _LINE.match(line.rstrip())  # VFAT names never end in a space
        if not match:
            continue
        name = match["long"]
        if not name:
            short, ext = match["short"].rstrip(), match["ext"].rstrip()
            name = f"{short}.{ext}" if ext else short
        if name in (".", ".."):
            continue
        try:
            when: datetime | None = datetime.strptime(f"{match['date']} {match['time']}", "%Y-%m-%d %H:%M")
        except ValueError:
            when = None
        size = None if match["size"] == "<DIR>" else int(match["size"])
        entries.append((directory, name, size, when))
    return entries


class FatStick:
    """A FAT volume on a device node or an image file, read and written through mtools."""

    def __init__(self, device: Path, *, timeout: float = MTOOLS_TIMEOUT_S) -> None:
        self.device = device
        self.timeout = timeout

    def _run(self, args: list[str], *, code: str, stdin: bytes | None = None) -> bytes:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               "MTOOLS_SKIP_CHECK": "1", "MTOOLSRC": "/dev/null", "MTOOLS_LOWER_CASE": "0"}
        try:
            done = subprocess.run([args[0], "-i", str(self.device), *args[1:]], input=stdin, env=env,
                                  capture_output=True, timeout=self.timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsbError(code, type(exc).__name__) from None
        if done.returncode != 0:
            raise UsbError(code, f"{args[0]} exit {done.returncode}")
        return done.stdout

    def list_files(self, *, max_files: int = MAX_FILES, max_depth: int = MAX_DEPTH) -> list[StickFile]:
        """Files (not folders, not hidden ones) down to ``max_depth`` folders; nothing is opened."""
        text = self._run(["mdir", "-/", "::/"], code=READ_FAILED).decode("utf-8", "replace")
        files: list[StickFile] = []
        for directory, name, size, when in parse_mdir(text):
            path = str(PurePosixPath(directory) / name)
            depth = len(PurePosixPath(directory).parts) - 1
            if size is None or depth > max_depth or name.startswith((".", TEMP_PREFIX)) or _GLOB.search(path):
                continue
            files.append(StickFile(path, size, when))
            if len(files) >= max_files:
                break
        return files

    def read(self, file: StickFile, *, max_bytes: int = MAX_READ_BYTES) -> bytes:
        """The chosen file's bytes; ``usb_file_too_large`` above ``max_bytes`` (checked again on read)."""
        if file.size > max_bytes or _GLOB.search(file.path):
            raise UsbError(FILE_TOO_LARGE if file.size > max_bytes else READ_FAILED)
        data = self._run(["mcopy", "-n", f"::{file.path}", "-"], code=READ_FAILED)
        return as_listed(data, file, max_bytes)

    def write_beside(self, original: StickFile, data: bytes, suffix: str = ".edoc") -> StickFile:
        """Write ``data`` as ``<stem><suffix>`` in the original's folder, never over an existing
        file: ``<stem> (2)<suffix>`` … The file appears under its name only once fully written."""
        folder = PurePosixPath(original.path).parent
        stem = PurePosixPath(original.path).stem
        taken = {f.name.casefold() for f in self._folder(folder)}
        final = free_name(stem, suffix, taken)
        temporary = folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}.part"
        self._run(["mcopy", "-n", "-D", "s", "-", f"::{temporary}"], code=WRITE_FAILED, stdin=data)
        self._sync()
        written = self._run(["mcopy", "-n", f"::{temporary}", "-"], code=WRITE_FAILED)
        if hashlib.sha256(written).digest() != hashlib.sha256(data).digest():
            self._delete(temporary)
            raise UsbError(WRITE_FAILED, "read-back differs")
        self._run(["mren", "-D", "s", f"::{temporary}", f"::{folder / final}"], code=WRITE_FAILED)
        self._sync()
        target = StickFile(str(folder / final), len(data), None)
        if not any(f.path == target.path and f.size == len(data) for f in self._folder(folder)):
            raise UsbError(WRITE_FAILED, "not there after rename")
        return target

    def _folder(self, folder: PurePosixPath) -> list[StickFile]:
        text = self._run(["mdir", f"::{folder}"], code=READ_FAILED).decode("utf-8", "replace")
        return [StickFile(str(folder / name), size or 0, when) for _, name, size, when in parse_mdir(text)
                if size is not None]

    def _delete(self, path: PurePosixPath) -> None:
        try:
            self._run(["mdel", f"::{path}"], code=WRITE_FAILED)
        except UsbError:
            pass

    def _sync(self) -> None:
        """Flush the device's buffers (a block device keeps mtools' writes in the page cache)."""
        try:
            fd = os.open(self.device, os.O_RDONLY)
        except OSError:
            raise UsbError(WRITE_FAILED, "device gone") from None
        try:
            os.fsync(fd)
        except OSError:
            raise UsbError(WRITE_FAILED, "flush failed") from None
        finally:
            os.close(fd)
