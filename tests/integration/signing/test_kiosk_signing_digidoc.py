"""libdigidocpp judges a container made by the kiosk's signing service with the emulated card and
the embedded gateway (the same as ``kioskctl test-sign --emulator``): LT, only trust messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.provisioning.test_sign import SigningRig
from kiosk.signing.documents import Document
from kiosk.signing.service import Signed
from tests.integration.signing.test_libdigidocpp import TRUST_ONLY, judge

pytestmark = pytest.mark.signcheck


@pytest.mark.parametrize("variant", ["lv-ec", "lv-rsa"])
def test_a_kiosk_signed_container_is_lt_for_libdigidocpp(tmp_path: Path, variant: str) -> None:
    with SigningRig(tmp_path / "rig", variant=variant) as rig:
        signed = rig.sign([Document("Līgums.pdf", b"%PDF-1.4 contract"), Document("b.txt", b"b")])
    assert isinstance(signed, Signed), signed
    (result,) = judge(tmp_path, {"kiosk.edoc": signed.container})["kiosk.edoc"]
    assert result["profile"] == "BES/time-stamp"
    assert set(result["messages"]) <= TRUST_ONLY, result["messages"]
