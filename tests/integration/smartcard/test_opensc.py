"""Fidelity: OpenSC (software nobody here wrote) reads and signs with the ee-2018 emulator
through pcscd + vpcd. OpenSC's file cache is off: it keys files by card serial, and every
emulated card has the same document number."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from drivers.smartcard.emulator import EmulatedCard, make_pki
from tests.fixtures.pcsc import VPCD_READER, card_present, wait_for

pytestmark = pytest.mark.pcsc

MODULES = ("/usr/lib/*/opensc-pkcs11.so", "/usr/lib/*/pkcs11/opensc-pkcs11.so", "/usr/lib/opensc-pkcs11.so")


def _module() -> str | None:
    return next((m for pattern in MODULES for m in sorted(glob.glob(pattern))), None)


@pytest.fixture
def opensc_env(tmp_path: Path) -> dict[str, str]:
    if not (shutil.which("pkcs15-tool") and shutil.which("pkcs11-tool") and _module()):
        pytest.skip("OpenSC is not installed (make deps installs it)")
    conf = tmp_path / "opensc.conf"
    conf.write_text("app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n")
    return {**os.environ, "OPENSC_CONF": str(conf)}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{args[0]} failed: {result.stdout}\n{result.stderr}"
    return result


def test_pkcs15_tool_lists_and_reads_certificates(pkis, vpcd, opensc_env):
    card = EmulatedCard("ee-2018", pki=pkis["ee-2018"])
    vpcd(card)
    listing = run(["pkcs15-tool", "--reader", VPCD_READER, "--list-certificates"], opensc_env).stdout
    assert "Isikutuvastus" in listing and "3f00adf13401" in listing
    assert "Allkirjastamine" in listing and "3f00adf2341f" in listing
    pem = run(["pkcs15-tool", "--reader", VPCD_READER, "--read-certificate", "01"], opensc_env).stdout
    assert x509.load_pem_x509_certificate(pem.encode()) == pkis["ee-2018"].auth_cert


def test_second_card_with_the_same_serial_is_read_afresh(pkis, vpcd, opensc_env):
    first = vpcd(EmulatedCard("ee-2018", pki=pkis["ee-2018"]))
    run(["pkcs15-tool", "--reader", VPCD_READER, "--read-certificate", "01"], opensc_env)
    first.remove()
    wait_for(lambda: card_present(VPCD_READER) is not True, 10.0, "the first card to go")
    other = make_pki(variant="ee-2018")
    vpcd(EmulatedCard("ee-2018", pki=other))
    pem = run(["pkcs15-tool", "--reader", VPCD_READER, "--read-certificate", "01"], opensc_env).stdout
    assert x509.load_pem_x509_certificate(pem.encode()) == other.auth_cert


def test_pkcs11_tool_login_and_sign(pkis, vpcd, opensc_env, tmp_path):
    card = EmulatedCard("ee-2018", pki=pkis["ee-2018"])
    vpcd(card)
    digest = hashes.Hash(hashes.SHA384())
    digest.update(b"Pietura fidelity check")
    data = digest.finalize()
    (tmp_path / "in.bin").write_bytes(data)
    run(["pkcs11-tool", "--module", _module(), "--login", "--pin", "1234", "--sign", "-m", "ECDSA",
         "--id", "01", "-i", str(tmp_path / "in.bin"), "-o", str(tmp_path / "sig.bin")], opensc_env)
    signature = (tmp_path / "sig.bin").read_bytes()
    assert len(signature) == 96
    der = utils.encode_dss_signature(int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big"))
    public = pkis["ee-2018"].auth_cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(der, data, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
    assert card.tries[0x01] == 3
    assert b"\x00\x22\x41\xa4" in card.log  # OpenSC's MSE (4-byte algorithm reference form)
