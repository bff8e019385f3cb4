"""Download a bundle the gateway offered, resuming a cut download, and keep it only when size and SHA-256
match the offer. The partial file lives next to the target (``NAME.part``) on the data partition, so a
reboot or a dropped link costs only what was not yet written."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import requests

from kiosk.update.bundle import BundleCode
from kiosk.update.policy import DownloadAction, plan_download, resume_accepted

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0  # between two chunks, not for the whole file
CHUNK = 1 << 16


@dataclass(frozen=True)
class DownloadResult:
    code: BundleCode  # OK, DOWNLOAD (try again later: resumes) or CORRUPT (checksum: started over next time)
    path: Path
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.code is BundleCode.OK


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _finish(part: Path, dest: Path, size: int, sha256: str) -> DownloadResult:
    have = part.stat().st_size
    if have != size or _sha256(part) != sha256:
        part.unlink()
        return DownloadResult(BundleCode.CORRUPT, dest, f"{have} bytes, checksum does not match the offer")
    os.replace(part, dest)
    return DownloadResult(BundleCode.OK, dest)


def download(url: str, dest: Path, size: int, sha256: str, *, session: requests.Session | None = None,
             timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> DownloadResult:
    """Fetch ``url`` into ``dest`` (resuming ``dest.part``); never leaves a wrong file at ``dest``."""
    if dest.exists() and dest.stat().st_size == size and _sha256(dest) == sha256:
        return DownloadResult(BundleCode.OK, dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    plan = plan_download(part.stat().st_size if part.exists() else 0, size)
    if plan.action is DownloadAction.DISCARD:
        part.unlink()
        plan = plan_download(0, size)
    if plan.action is DownloadAction.DONE:
        return _finish(part, dest, size, sha256)
    http = session or requests.Session()
    try:
        with http.get(url, headers=plan.headers(), stream=True, timeout=timeout) as response:
            if resume_accepted(plan, response.status_code, response.headers.get("Content-Range")):
                mode = "ab" if plan.action is DownloadAction.RESUME else "wb"
            elif response.status_code == 200:
                mode = "wb"  # the server sent the whole file again: start the part over
            else:
                return DownloadResult(BundleCode.DOWNLOAD, dest, f"HTTP {response.status_code}")
            with open(part, mode) as fh:
                try:
                    for chunk in response.iter_content(CHUNK):
                        fh.write(chunk)
                        if fh.tell() > size:
                            break
                finally:  # what arrived before a cut is kept for the next try
                    fh.flush()
                    os.fsync(fh.fileno())
    except (requests.RequestException, OSError) as exc:
        return DownloadResult(BundleCode.DOWNLOAD, dest, type(exc).__name__)
    finally:
        if session is None:
            http.close()
    have = part.stat().st_size
    if have < size:
        return DownloadResult(BundleCode.DOWNLOAD, dest, f"{have} of {size} bytes")
    return _finish(part, dest, size, sha256)
