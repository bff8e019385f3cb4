"""libdigidocpp judges a container made by the kiosk's signing service with the emulated card and
the embedded gateway (the same as ``kioskctl test-sign --emulator``), with the emulated card's
issuing CA on the test trust list: fully valid LT; and containers the kiosk added a second signature
to (its own: both valid; a real eParaksts file: the kiosk's valid, the eParaksts one with only the
trust messages, its CA not being on the test list)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from drivers.smartcard.emulator import DEMO_PIN2
from kiosk.provisioning.test_sign import SigningRig
from kiosk.signing.documents import Document
from kiosk.signing.existing import ExistingContainer, open_existing
from kiosk.signing.service import Signed
from tests.integration.signing.libdigidocpp import TRUST_ONLY, judge
from tests.unit.edoc.samples import sample

pytest.importorskip("pydigidoc", reason="pydigidoc (libdigidocpp) has wheels for x86_64 Linux only; "
                    f"this machine is {platform.machine()}")

pytestmark = pytest.mark.signcheck


@pytest.mark.parametrize("variant", ["lv-ec", "lv-rsa"])
def test_a_kiosk_signed_container_is_valid_lt_for_libdigidocpp(tmp_path: Path, variant: str) -> None:
    with SigningRig(tmp_path / "rig", variant=variant) as rig:
        signed = rig.sign([Document("Līgums.pdf", b"%PDF-1.4 contract"), Document("b.txt", b"b")])
    assert isinstance(signed, Signed), signed
    (result,) = judge(tmp_path, {"kiosk.edoc": signed.container}, [rig.pki.intermediate_cert])["kiosk.edoc"]
    assert result == {"profile": "BES/time-stamp", "messages": []}


def test_a_second_kiosk_signature_and_one_on_a_real_eparaksts_file_are_lt_for_libdigidocpp(tmp_path: Path) -> None:
    with SigningRig(tmp_path / "rig") as rig:
        first = rig.sign([Document("Līgums.pdf", b"%PDF-1.4 contract")])
        assert isinstance(first, Signed), first
        results = {}
        for name, original in (("two.edoc", first.container), ("sample-plus-one.edoc", sample("SampleFile.edoc"))):
            existing = open_existing(original)
            assert isinstance(existing, ExistingContainer), existing
            signed = rig.service.sign(rig.token, [], bytearray(DEMO_PIN2.encode()), existing)
            assert isinstance(signed, Signed) and signed.signatures == 2, signed
            results[name] = signed.container
        issuer = rig.pki.intermediate_cert
    judged = judge(tmp_path, results, [issuer])
    for name in results:
        assert [r["profile"] for r in judged[name]] == ["BES/time-stamp"] * 2, judged[name]
    assert [r["messages"] for r in judged["two.edoc"]] == [[], []]
    # the real eParaksts signature: only trust messages (its chain is not on the test trust list); the kiosk's: valid
    eparaksts, kiosk = judged["sample-plus-one.edoc"]
    assert eparaksts["messages"] and set(eparaksts["messages"]) <= TRUST_ONLY, eparaksts
    assert kiosk["messages"] == [], kiosk
