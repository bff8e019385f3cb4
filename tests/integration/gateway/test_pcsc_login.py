"""End to end through real pcscd + vpcd: the emulated card signs the gateway's nonce, the real
gateway on loopback verifies the token and a sealed submission is accepted."""

from __future__ import annotations

import pytest

from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard
from drivers.smartcard.emulator.pki import make_pki
from drivers.smartcard.readers import PcscReaders
from gateway.embedded import make_local_gateway
from kiosk.auth.webeid import build_auth_token
from tests.fixtures.gateway import kiosk_client
from tests.fixtures.pcsc import VPCD_READER
from tests.integration.gateway.helpers import envelope, new_key

pytestmark = pytest.mark.pcsc


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec"])
def test_card_through_pcscd_logs_in_and_submits(tmp_path, vpcd, variant):
    pki = make_pki(variant=variant)
    card = EmulatedCard(variant, pki=pki)
    vpcd(card)
    with make_local_gateway(tmp_path / "gw", [pki.intermediate_pem]) as local:
        client = kiosk_client(local)
        eid = open_eid(PcscReaders().connect(VPCD_READER, timeout=5.0))
        try:
            nonce = client.challenge().nonce
            session = client.authenticate(build_auth_token(eid, bytearray(b"1234"), local.origin, nonce))
        finally:
            eid.close(reset=True)
        assert (session.identity.given_name, session.identity.personal_code) == (
            DEMO_CITIZEN.given_name, DEMO_CITIZEN.personal_code)
        receipt = client.submit(new_key(), envelope(local, session.session_ref))
        assert client.submission_status(receipt.reference, receipt.short_code).status == "registered"
