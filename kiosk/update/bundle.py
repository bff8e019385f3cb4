"""Check an update bundle before it is installed: signature, integrity and board, each with a stable code.

Why here and not only in RAUC: RAUC refuses the same bundles at install time, but its messages are free text;
the technician (``kioskctl update``), the update service and the gateway's fleet page need one stable code per
reason. ``classify`` is the pure part (RAUC's exit status and words → a :class:`BundleCheck`); ``check_bundle``
is the thin shell that runs ``rauc info`` (and, when asked, ``rauc extract`` to read every payload byte)
with a timeout.
"""

from __future__ import annotations

import enum
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COMPATIBLE = "pietura-rpi-arm64"
DEFAULT_KEYRING = Path("/etc/rauc/keyring.pem")
INFO_TIMEOUT_S = 60.0
EXTRACT_TIMEOUT_S = 900.0


class BundleCode(enum.Enum):
    """Why a bundle is accepted or refused. The values are stable: logs, heartbeats and docs use them."""

    OK = "update_ok"
    MISSING = "update_missing"  # no file at the path (USB stick not mounted, download not finished)
    SIGNATURE = "update_signature"  # signed by a key the keyring does not trust, or the signature is broken
    CORRUPT = "update_corrupt"  # truncated, corrupted payload, or not a RAUC bundle at all
    COMPATIBLE = "update_compatible"  # built for another board or product
    ENGINE = "update_engine"  # RAUC missing, timed out, or failed for a reason not listed above
    DOWNLOAD = "update_download"  # the download stopped (network, server); it resumes on the next try


# Words for the technician (kioskctl) and the fleet page, in Latvian and English.
MESSAGES: dict[BundleCode, tuple[str, str]] = {
    BundleCode.OK: ("Atjauninājums ir derīgs.", "The update bundle is valid."),
    BundleCode.MISSING: ("Atjauninājuma fails nav atrasts.", "The update file was not found."),
    BundleCode.SIGNATURE: (
        "Atjauninājuma paraksts nav uzticams.",
        "The update is not signed by a trusted key.",
    ),
    BundleCode.CORRUPT: (
        "Atjauninājuma fails ir bojāts vai nepilnīgs.",
        "The update file is damaged or incomplete.",
    ),
    BundleCode.COMPATIBLE: (
        "Atjauninājums nav paredzēts šai ierīcei.",
        "The update is made for another device.",
    ),
    BundleCode.ENGINE: ("Atjauninājumu nevar pārbaudīt.", "The update cannot be checked."),
    BundleCode.DOWNLOAD: (
        "Atjauninājuma lejupielāde pārtrūka; tā turpināsies vēlāk.",
        "The update download stopped; it will resume later.",
    ),
}


@dataclass(frozen=True)
class BundleCheck:
    code: BundleCode
    detail: str = ""
    compatible: str = ""
    version: str = ""
    build: str = ""

    @property
    def ok(self) -> bool:
        return self.code is BundleCode.OK


# RAUC's words for each refusal (rauc 1.8 to 1.15). Order matters: a signature problem may mention the size.
_SIGNATURE_WORDS = ("signature verification failed", "verify error", "unable to get local issuer")
_CORRUPT_WORDS = (
    "invalid bundle format",
    "payload is corrupted",
    "exceeds bundle size",
    "bundle size",
    "squashfs",
    "not a valid bundle",
    "failed to read",
    "too small",
    "verity",
)


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and "rauc-Message" not in line]
    return lines[-1] if lines else ""


def classify(returncode: int, stdout: str, stderr: str, expected_compatible: str) -> BundleCheck:
    """RAUC's answer to ``rauc info --output-format=json`` → a :class:`BundleCheck`."""
    words = stderr.lower()
    if returncode != 0:
        detail = _last_line(stderr)
        if any(w in words for w in _SIGNATURE_WORDS):
            return BundleCheck(BundleCode.SIGNATURE, detail)
        if any(w in words for w in _CORRUPT_WORDS):
            return BundleCheck(BundleCode.CORRUPT, detail)
        return BundleCheck(BundleCode.ENGINE, detail or f"rauc exited with {returncode}")
    try:
        info = json.loads(stdout)
    except ValueError:
        return BundleCheck(BundleCode.ENGINE, "rauc info gave no JSON")
    if not isinstance(info, dict):
        return BundleCheck(BundleCode.ENGINE, "rauc info gave no JSON object")
    compatible = str(info.get("compatible") or "")
    version = str(info.get("version") or "")
    build = str(info.get("build") or "")
    if compatible != expected_compatible:
        return BundleCheck(
            BundleCode.COMPATIBLE,
            f"bundle is for {compatible!r}, this kiosk is {expected_compatible!r}",
            compatible,
            version,
            build,
        )
    return BundleCheck(BundleCode.OK, "", compatible, version, build)


def check_bundle(
    path: Path,
    keyring: Path = DEFAULT_KEYRING,
    compatible: str = DEFAULT_COMPATIBLE,
    *,
    payload: bool = False,
    rauc: str = "rauc",
    timeout: float = INFO_TIMEOUT_S,
) -> BundleCheck:
    """Check signature and manifest with ``rauc info``; with ``payload`` also read every byte (``rauc
    extract`` into a temporary folder: needs free space for the root image). Without ``payload`` a corrupted
    payload is still refused at install, where RAUC mounts the bundle through dm-verity."""
    if not path.is_file():
        return BundleCheck(BundleCode.MISSING, str(path))
    if shutil.which(rauc) is None:
        return BundleCheck(BundleCode.ENGINE, "rauc is not installed")
    base = [rauc, f"--keyring={keyring}"]
    try:
        proc = subprocess.run(
            [*base, "info", "--output-format=json", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return BundleCheck(BundleCode.ENGINE, f"rauc info took longer than {timeout:.0f} s")
    result = classify(proc.returncode, proc.stdout, proc.stderr, compatible)
    if not result.ok or not payload:
        return result
    with tempfile.TemporaryDirectory(prefix="pietura-bundle-") as tmp:
        try:
            extract = subprocess.run(
                [*base, "extract", str(path), str(Path(tmp) / "x")],
                capture_output=True,
                text=True,
                timeout=EXTRACT_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return BundleCheck(BundleCode.ENGINE, "rauc extract timed out")
    if extract.returncode != 0:
        failed = classify(extract.returncode, "", extract.stderr, compatible)
        return BundleCheck(failed.code, failed.detail, result.compatible, result.version, result.build)
    return result
