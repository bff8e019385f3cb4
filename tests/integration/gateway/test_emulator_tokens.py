"""Tokens made by the card emulator (real card commands and signatures) through the real gateway."""

from __future__ import annotations

import pytest

from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, DEMO_CITIZEN_EE, EmulatedCard, EmulatedReaders
from drivers.smartcard.emulator.pki import make_pki
from gateway.embedded import make_local_gateway
from kiosk.auth.webeid import build_auth_token
from kiosk.backend.client import GatewayRejected
from tests.fixtures.gateway import kiosk_client

VARIANTS = ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"]


@pytest.fixture(scope="module")
def emulator_pkis():
    return {variant: make_pki(variant=variant) for variant in VARIANTS}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory, emulator_pkis):
    local = make_local_gateway(tmp_path_factory.mktemp("gw-emu"),
                               [pki.intermediate_pem for pki in emulator_pkis.values()])
    with local:
        yield local


def _card(pki, variant):
    readers = EmulatedReaders()
    readers.insert(EmulatedCard(variant, pki=pki))
    return open_eid(readers.connect(readers.reader_name))


@pytest.mark.parametrize("variant", VARIANTS)
def test_emulator_card_logs_in(gateway, emulator_pkis, variant):
    client = kiosk_client(gateway)
    eid = _card(emulator_pkis[variant], variant)
    nonce = client.challenge().nonce
    session = client.authenticate(build_auth_token(eid, bytearray(b"1234"), gateway.origin, nonce))
    expected = DEMO_CITIZEN_EE if variant == "ee-2018" else DEMO_CITIZEN
    assert (session.identity.given_name, session.identity.surname, session.identity.personal_code) == (
        expected.given_name, expected.surname, expected.personal_code)
    assert session.roles == frozenset({"citizen"})


def test_emulator_token_for_another_origin_is_refused(gateway, emulator_pkis):
    client = kiosk_client(gateway)
    eid = _card(emulator_pkis["lv-ec"], "lv-ec")
    nonce = client.challenge().nonce
    token = build_auth_token(eid, bytearray(b"1234"), "https://phishing.example", nonce)
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(token)
    assert info.value.code == "signature_invalid"


def test_emulator_card_from_an_untrusted_pki_is_refused(gateway):
    client = kiosk_client(gateway)
    stranger = make_pki(variant="lv-ec")
    eid = _card(stranger, "lv-ec")
    nonce = client.challenge().nonce
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(build_auth_token(eid, bytearray(b"1234"), gateway.origin, nonce))
    assert info.value.code == "cert_untrusted"
