"""`make bundle`'s script and the kiosk's bundle check against real RAUC: a good bundle verifies and carries
version, commit and package list; another key, a corrupted or truncated file and another board are refused,
each with its own code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.update.bundle import BundleCode, check_bundle
from tests.integration.update.bundles import Keys, build_bundle, make_keys, make_rootfs

pytestmark = pytest.mark.skipif(shutil.which("rauc") is None, reason="needs rauc (make deps installs it)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | Keys]:
    base = tmp_path_factory.mktemp("bundles")
    keys = make_keys(base / "keys", "Pietura test")
    other = make_keys(base / "other", "Someone else")
    rootfs = make_rootfs(base / "rootfs", "build-2")
    good = base / "good.raucb"
    built = build_bundle(rootfs, keys, good)
    assert built.returncode == 0, built.stderr
    foreign = base / "foreign.raucb"
    built = build_bundle(rootfs, other, foreign)
    assert built.returncode == 0, built.stderr
    return {"base": base, "keys": keys, "other": other, "rootfs": rootfs, "good": good, "foreign": foreign}


def test_good_bundle_verifies_and_carries_version_commit_and_packages(lab) -> None:
    keys = lab["keys"]
    result = check_bundle(lab["good"], keys.ca, "pietura-rpi-arm64", payload=True)
    assert result.code is BundleCode.OK, result.detail
    assert result.version == "2026.12.1"
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert result.build == commit
    out = lab["base"] / "extracted"
    subprocess.run(["rauc", f"--keyring={keys.ca}", "extract", str(lab["good"]), str(out)], check=True, timeout=120)
    manifest = (out / "manifest.raucm").read_text()
    assert "format=verity" in manifest
    assert f"build={commit}" in manifest  # [meta.pietura] repeats it; RAUC 1.8 (bookworm) drops meta sections
    assert (out / "pietura-manifest.txt").read_text() == "pietura-test 1.0 arm64\n"
    debugfs = subprocess.run(
        ["debugfs", "-R", "cat /etc/pietura-build", str(out / "rootfs.ext4")], capture_output=True, text=True
    )
    assert debugfs.stdout.strip() == "build-2"


def test_bundle_signed_by_another_key_is_refused(lab) -> None:
    result = check_bundle(lab["foreign"], lab["keys"].ca, "pietura-rpi-arm64")
    assert result.code is BundleCode.SIGNATURE, result


def test_truncated_bundle_is_refused(lab) -> None:
    cut = lab["base"] / "cut.raucb"
    data = lab["good"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert check_bundle(cut, lab["keys"].ca).code is BundleCode.CORRUPT


def test_corrupted_payload_is_refused_when_every_byte_is_read(lab) -> None:
    bad = lab["base"] / "flipped.raucb"
    data = bytearray(lab["good"].read_bytes())
    data[4096:4112] = bytes(16)  # inside the squashfs payload, far from the signature at the end
    bad.write_bytes(bytes(data))
    assert check_bundle(bad, lab["keys"].ca, payload=True).code is BundleCode.CORRUPT


def test_not_a_bundle_is_refused(lab) -> None:
    junk = lab["base"] / "junk.raucb"
    junk.write_bytes(b"not a bundle" * 100)
    assert check_bundle(junk, lab["keys"].ca).code is BundleCode.CORRUPT


def test_bundle_for_another_board_is_refused(lab) -> None:
    other_board = lab["base"] / "board.raucb"
    built = build_bundle(lab["rootfs"], lab["keys"], other_board, compatible="pietura-x86-test")
    assert built.returncode == 0, built.stderr
    result = check_bundle(other_board, lab["keys"].ca, "pietura-rpi-arm64")
    assert result.code is BundleCode.COMPATIBLE
    assert result.compatible == "pietura-x86-test"


def test_missing_file(lab) -> None:
    assert check_bundle(lab["base"] / "nothing.raucb", lab["keys"].ca).code is BundleCode.MISSING


def test_bundle_script_refuses_a_key_the_keyring_does_not_trust(lab) -> None:
    mixed = Keys(ca=lab["keys"].ca, key=lab["other"].key, cert=lab["other"].cert)
    built = build_bundle(lab["rootfs"], mixed, lab["base"] / "mixed.raucb")
    assert built.returncode != 0
    assert "does not verify" in built.stderr
