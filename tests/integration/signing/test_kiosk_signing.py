"""Signing at the kiosk end to end through real pcscd + vpcd: the emulated card (PIN1 sign-in, PIN2
signing), the kiosk's card session and gateway client, the embedded gateway on loopback with the
test TSA and OCSP responder; the container judged by the kiosk's verifier and written to a real
FAT image. Wrong and blocked PIN2, the TSA down and a revoked certificate each end with their code
and nothing signed or written."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.smartcard.emulator import CardFaults, EmulatedCard, make_pki
from drivers.smartcard.readers import PcscReaders
from kiosk.adapters import usbstick
from kiosk.provisioning.test_sign import SigningRig
from kiosk.signing.documents import Document
from kiosk.signing.service import Signed, SignRefused
from tests.integration.signing.test_usbstick import make_stick
from wire.edoc import Trust, Verdict
from wire.edoc.verify import verify_container

pytestmark = pytest.mark.pcsc
PIN2 = "58213"  # not the demo PIN2, so a leak into the logs would be seen
DOCS = [Document("Līgums.pdf", b"%PDF-1.4 the contract"), Document("Pielikums.txt", b"pielikums")]


def rig_on_vpcd(tmp_path: Path, vpcd, variant: str = "lv-ec", **card_args) -> tuple[SigningRig, EmulatedCard]:
    pki = make_pki(variant=variant)
    card = EmulatedCard(variant, pki=pki, pin2=PIN2, **card_args)
    vpcd(card)
    return SigningRig(tmp_path, pki=pki, readers=PcscReaders()), card


@pytest.mark.parametrize("variant", ["lv-ec", "lv-rsa"])
def test_files_on_a_stick_are_signed_into_a_valid_lt_edoc_beside_them(tmp_path: Path, vpcd, variant, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rig, card = rig_on_vpcd(tmp_path, vpcd, variant)
    image = make_stick(tmp_path / "stick.img", {"/Līgums.pdf": DOCS[0].content, "/Pielikums.txt": DOCS[1].content})
    stick = usbstick.open_stick([image])
    listed = {f.name: f for f in stick.list_files()}
    documents = [Document(name, stick.read(listed[name]), listed[name].modified) for name in ("Līgums.pdf", "Pielikums.txt")]
    pin2 = bytearray(PIN2.encode())
    with rig:
        result = rig.service.sign(rig.token, documents, pin2)
        assert isinstance(result, Signed), result
    assert pin2 == bytearray(len(PIN2))  # zeroed
    assert card.signatures == 1
    written = stick.write_beside(listed["Līgums.pdf"], result.container)
    assert written.path == "/Līgums.edoc"
    back = next(f for f in stick.list_files() if f.path == written.path)
    report = verify_container(stick.read(back, max_bytes=10 << 20), anchors=[rig.pki.intermediate_cert])
    assert report.verdict is Verdict.VALID
    (sig,) = report.signatures
    assert (sig.level, sig.trust, sig.signer) == ("LT", Trust.TRUSTED, result.signer)
    assert set(sig.files) == {"Līgums.pdf", "Pielikums.txt"} and result.timestamp_time == sig.timestamp_time
    assert PIN2 not in caplog.text and "Līgums" not in caplog.text


def test_wrong_pin2_says_tries_left_and_signs_nothing(tmp_path: Path, vpcd) -> None:
    rig, card = rig_on_vpcd(tmp_path, vpcd)
    with rig:
        wrong = rig.sign(DOCS, pin2="99999")
        assert wrong == SignRefused("wrong_pin2", 2)
        assert card.signatures == 0
        assert isinstance(rig.sign(DOCS, pin2=PIN2), Signed)  # the right PIN2 then works (and resets tries)


def test_blocked_pin2_is_explained_and_not_sent(tmp_path: Path, vpcd) -> None:
    rig, card = rig_on_vpcd(tmp_path, vpcd, faults=CardFaults(pin2_tries=0))
    with rig:
        assert rig.sign(DOCS, pin2=PIN2) == SignRefused("pin2_blocked", 0)
    assert card.signatures == 0


def test_tsa_down_gives_a_clear_code_and_nothing_to_write(tmp_path: Path, vpcd) -> None:
    rig, _ = rig_on_vpcd(tmp_path, vpcd)
    with rig:
        assert rig.local is not None and rig.local.signing_services is not None
        rig.local.signing_services.tsa_down = True
        assert rig.sign(DOCS, pin2=PIN2) == SignRefused("sign_tsa_unavailable")


def test_revoked_signing_certificate_is_refused(tmp_path: Path, vpcd) -> None:
    rig, _ = rig_on_vpcd(tmp_path, vpcd)
    with rig:
        assert rig.local is not None and rig.local.signing_services is not None
        rig.local.signing_services.revoke(rig.pki.sign_cert)
        assert rig.sign(DOCS, pin2=PIN2) == SignRefused("sign_cert_revoked")


def test_kioskctl_test_sign_makes_a_container_verify_edoc_accepts(tmp_path: Path) -> None:
    source = tmp_path / "Iesniegums.txt"
    source.write_text("iesniegums", "utf-8")
    out, ca = tmp_path / "Iesniegums.edoc", tmp_path / "ca.pem"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    done = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "test-sign", "--emulator", "--file", str(source),
                           "--out", str(out), "--trust-out", str(ca)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "test-sign", "--emulator", "--file", str(source),
                            "--out", str(out)], capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    check = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "verify-edoc", str(out), "--trust", str(ca),
                            "--json"], capture_output=True, text=True, timeout=120, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
