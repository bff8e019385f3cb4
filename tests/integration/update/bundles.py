"""Build real RAUC bundles for the tests: development keys from image_build/devkey.sh, a small root tree
made into ext4 by image_build/bundle.sh (the script `make bundle` runs)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BUNDLE_SH = REPO / "image_build" / "bundle.sh"
DEVKEY_SH = REPO / "image_build" / "devkey.sh"


@dataclass(frozen=True)
class Keys:
    ca: Path
    key: Path
    cert: Path


def make_keys(folder: Path, name: str) -> Keys:
    subprocess.run(["bash", str(DEVKEY_SH), str(folder), name], check=True, timeout=120)
    return Keys(folder / "ca.pem", folder / "signing.key.pem", folder / "signing.cert.pem")


def make_rootfs(folder: Path, marker: str) -> Path:
    """A tiny root tree with a dpkg database (so the package list comes from it) and an incompressible
    file (mksquashfs refuses a payload that fits in one block)."""
    (folder / "etc").mkdir(parents=True)
    (folder / "var/lib/dpkg").mkdir(parents=True)
    (folder / "etc/pietura-build").write_text(marker + "\n")
    (folder / "etc/noise").write_bytes(os.urandom(96 * 1024))
    (folder / "var/lib/dpkg/status").write_text(
        "Package: pietura-test\nStatus: install ok installed\nVersion: 1.0\nArchitecture: arm64\n"
        "Maintainer: nobody\nDescription: test\n\n"
    )
    return folder


def build_bundle(
    rootfs: Path, keys: Keys, out: Path, *, version: str = "2026.12.1", compatible: str = "pietura-rpi-arm64"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "bash", str(BUNDLE_SH), "--rootfs", str(rootfs), "--key", str(keys.key), "--cert", str(keys.cert),
            "--keyring", str(keys.ca), "--version", version, "--compatible", compatible, "--size-mib", "8",
            "--out", str(out),
        ],
        capture_output=True, text=True, timeout=300,
    )
