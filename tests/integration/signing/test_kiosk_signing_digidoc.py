"""libdigidocpp judges a container made by the kiosk's signing service with the emulated card and
the embedded gateway (the same as ``kioskctl test-sign --emulator``): LT, only trust messages; and
containers the kiosk added a second signature to (its own, and a real eParaksts file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.smartcard.emulator import DEMO_PIN2
from kiosk.provisioning.test_sign import SigningRig
from kiosk.signing.documents import Document
from kiosk.signing.existing import ExistingContainer, open_existing
from kiosk.signing.service import Signed
from tests.integration.signing.test_libdigidocpp import TRUST_ONLY, judge
from tests.unit.edoc.samples import sample

pytestmark = pytest.mark.signcheck


@pytest.mark.parametrize("variant", ["lv-ec", "lv-rsa"])
def test_a_kiosk_signed_container_is_lt_for_libdigidocpp(tmp_path: Path, variant: str) -> None:
    with SigningRig(tmp_path / "rig", variant=variant) as rig:
        signed = rig.sign([Document("Līgums.pdf", b"%PDF-1.4 contract"), Document("b.txt", b"b")])
    assert isinstance(signed, Signed), signed
    (result,) = judge(tmp_path, {"kiosk.edoc": signed.container})["kiosk.edoc"]
    assert result["profile"] == "BES/time-stamp"
    assert set(result["messages"]) <= TRUST_ONLY, result["messages"]


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
    judged = judge(tmp_path, results)
    for name in results:
        assert [r["profile"] for r in judged[name]] == ["BES/time-stamp"] * 2, judged[name]
    for result in judged["two.edoc"]:
        assert set(result["messages"]) <= TRUST_ONLY, result["messages"]
    # the real eParaksts signature: only trust messages too (its chain is not on a test trust list)
    assert set(judged["sample-plus-one.edoc"][0]["messages"]) <= TRUST_ONLY, judged["sample-plus-one.edoc"][0]
    assert set(judged["sample-plus-one.edoc"][1]["messages"]) <= TRUST_ONLY, judged["sample-plus-one.edoc"][1]
