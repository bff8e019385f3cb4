"""A citizen's exFAT stick, mounted for the kiosk by ``pietura-stick@.service`` (exfat-fuse,
``nosuid,nodev,noexec``, owned by the kiosk user) at ``/run/pietura-stick/<device>``.

The same three operations as :class:`kiosk.adapters.usbstick.FatStick`, on a folder: listing opens
no file (names, sizes, dates; no hidden files, no symbolic links followed), only the chosen file is
read (capped, opened without following links, its size must still be the listed one), and the only
write is the new ``<name>.edoc`` beside the original: written under a temporary name that does not
end in ``.edoc``, flushed, read back and compared, then renamed to the first free name (exFAT
has no hard links; the name is checked free just before), so a stick pulled mid-write never
holds a half-written file that looks like a container."""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from datetime import datetime
from pathlib import Path, PurePosixPath

from kiosk.adapters.stick import (
    FILE_TOO_LARGE,
    MAX_DEPTH,
    MAX_FILES,
    MAX_READ_BYTES,
    READ_FAILED,
    TEMP_PREFIX,
    WRITE_FAILED,
    StickFile,
    UsbError,
    as_listed,
    free_name,
)


class MountedStick:
    """A mounted stick's files under ``root`` (paths on the stick are ``/dir/name``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _host(self, path: str | PurePosixPath) -> Path:
        parts = PurePosixPath(path).parts[1:]
        if any(p in ("", ".", "..") or "/" in p for p in parts):
            raise UsbError(READ_FAILED, "bad path")
        return self.root.joinpath(*parts)

    def list_files(self, *, max_files: int = MAX_FILES, max_depth: int = MAX_DEPTH) -> list[StickFile]:
        """Files (not folders, not hidden ones, no links) down to ``max_depth`` folders; nothing is opened."""
        files: list[StickFile] = []
        folders = [(PurePosixPath("/"), 0)]
        try:
            while folders and len(files) < max_files:
                folder, depth = folders.pop(0)
                with os.scandir(self._host(folder)) as entries:
                    for entry in sorted(entries, key=lambda e: e.name):
                        if entry.name.startswith((".", TEMP_PREFIX)) or entry.is_symlink():
                            continue
                        info = entry.stat(follow_symlinks=False)
                        if stat.S_ISDIR(info.st_mode):
                            if depth < max_depth:
                                folders.append((folder / entry.name, depth + 1))
                        elif stat.S_ISREG(info.st_mode):
                            files.append(StickFile(str(folder / entry.name), info.st_size,
                                                   datetime.fromtimestamp(info.st_mtime).replace(second=0,
                                                                                                 microsecond=0)))
                            if len(files) >= max_files:
                                break
        except OSError as exc:
            raise UsbError(READ_FAILED, type(exc).__name__) from None
        return files

    def read(self, file: StickFile, *, max_bytes: int = MAX_READ_BYTES) -> bytes:
        """The chosen file's bytes; ``usb_file_too_large`` above ``max_bytes`` (checked again on read)."""
        if file.size > max_bytes:
            raise UsbError(FILE_TOO_LARGE)
        try:
            fd = os.open(self._host(file.path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise UsbError(READ_FAILED, "not a file")
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise UsbError(READ_FAILED, type(exc).__name__) from None
        return as_listed(data, file, max_bytes)

    def write_beside(self, original: StickFile, data: bytes, suffix: str = ".edoc") -> StickFile:
        """Write ``data`` as ``<stem><suffix>`` in the original's folder, never over an existing
        file: ``<stem> (2)<suffix>`` … The file appears under its name only once fully written."""
        folder = PurePosixPath(original.path).parent
        stem = PurePosixPath(original.path).stem
        host_folder = self._host(folder)
        temporary = host_folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}.part"
        try:
            taken = {name.casefold() for name in os.listdir(host_folder)}
            final = free_name(stem, suffix, taken)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if hashlib.sha256(temporary.read_bytes()).digest() != hashlib.sha256(data).digest():
                raise UsbError(WRITE_FAILED, "read-back differs")
            if (host_folder / final).exists():  # appeared meanwhile: never replaced
                raise UsbError(WRITE_FAILED, "name taken")
            os.rename(temporary, host_folder / final)
            self._sync_folder(host_folder)
        except OSError as exc:
            self._forget(temporary)
            raise UsbError(WRITE_FAILED, type(exc).__name__) from None
        except UsbError:
            self._forget(temporary)
            raise
        if not (host_folder / final).is_file() or (host_folder / final).stat().st_size != len(data):
            self._forget(temporary)
            raise UsbError(WRITE_FAILED, "not there after rename")
        return StickFile(str(folder / final), len(data), None)

    @staticmethod
    def _forget(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    @staticmethod
    def _sync_folder(folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
