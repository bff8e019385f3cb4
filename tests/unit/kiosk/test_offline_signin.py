"""Offline sign-in at the CardSession level: emulated card in the in-process reader, a gateway
client that fails the challenge in each way it can, the device key attesting."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt

import pytest

from drivers.smartcard.emulator import DEMO_CITIZEN, CardFaults, EmulatedCard, EmulatedReaders, make_pki
from kiosk.adapters.auth import GatewayAuthenticator
from kiosk.adapters.card import CardSession
from kiosk.adapters.offline_signin import OfflineSignIn
from kiosk.auth.webeid import verify_signature
from kiosk.backend.client import GatewayRejected, GatewayServerError, GatewayUnreachable
from kiosk.backend.offline_auth import ClockGuard
from kiosk.flow import events as ev
from wire.device_key import DeviceKey
from wire.protocol import check_attestation

ORIGIN = "https://kiosk.pietura.test"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
VERIFY = 0x20


class DownGateway:
    """The gateway client as the kiosk sees it when the challenge cannot be had."""

    def __init__(self, error: Exception):
        self.error = error

    def challenge(self):
        raise self.error

    def authenticate(self, token, nonce=None):  # pragma: no cover - must never be reached offline
        raise AssertionError("no gateway call after a failed challenge")


@pytest.fixture(scope="module")
def pki():
    return make_pki(variant="lv-ec")


@dataclasses.dataclass
class Kiosk:
    card: EmulatedCard
    session: CardSession
    guard: ClockGuard
    device: DeviceKey

    def authenticator(self, error: Exception, *, offline: bool = True, now: dt.datetime = NOW):
        signin = OfflineSignIn(self.session, self.device, "K0001", ORIGIN, self.guard, now=lambda: now)
        return GatewayAuthenticator(self.session, DownGateway(error), ORIGIN, signin if offline else None)

    def verifies(self) -> int:
        return sum(1 for header in self.card.log if header[1] == VERIFY)


@pytest.fixture
def kiosk(pki):
    card = EmulatedCard("lv-ec", pki=pki)
    readers = EmulatedReaders()
    session = CardSession(readers)
    session.start(lambda event: None)
    readers.insert(card)
    assert isinstance(session.read_identity(), ev.IdentityRead)
    guard = ClockGuard(lambda: "boot-1")
    guard.record(NOW + dt.timedelta(seconds=2), NOW)  # an answer from the gateway earlier in this boot
    yield Kiosk(card, session, guard, DeviceKey.generate())
    session.stop()


@pytest.mark.parametrize("error", [GatewayUnreachable(detail="refused"),
                                   GatewayUnreachable(detail="POST /v1/auth/challenge: ReadTimeout"),
                                   GatewayServerError(detail="HTTP 503")])
def test_gateway_down_signs_in_offline_with_the_card_and_the_device(kiosk, error):
    result = kiosk.authenticator(error).authenticate(bytearray(b"1234"))
    assert isinstance(result, ev.AuthSucceeded)
    citizen = result.citizen
    assert (citizen.given_name, citizen.surname, citizen.personal_code) == (
        DEMO_CITIZEN.given_name, DEMO_CITIZEN.surname, DEMO_CITIZEN.personal_code)  # from the card's certificate
    assert citizen.roles == frozenset({"citizen"}) and citizen.session_ref == "" and citizen.offline is not None
    attestation, token = citizen.offline.attestation, citizen.offline.token
    assert check_attestation(attestation, kiosk.device.private_key.public_key(), NOW) == NOW
    assert (attestation["device_id"], attestation["origin"]) == ("K0001", ORIGIN)
    verify_signature(base64.b64decode(token["unverifiedCertificate"]), token["algorithm"], ORIGIN,
                     attestation["nonce"], base64.b64decode(token["signature"]))
    assert kiosk.verifies() == 1  # PIN1 went to the card exactly once
    assert "BĒRZIŅŠ" not in repr(result) and attestation["nonce"] not in repr(citizen)


@pytest.mark.parametrize("error, code", [
    (GatewayRejected("rate_limited", status=429), "rate_limited"),  # a 4xx: the gateway is there
    (GatewayRejected("device_revoked", status=401), "device_revoked"),
    (GatewayUnreachable("gateway_tls_failed", "SSLError"), "gateway_tls_failed"),  # not "down": staff must look
])
def test_only_a_gateway_that_is_down_leads_to_offline_mode(kiosk, error, code):
    result = kiosk.authenticator(error).authenticate(bytearray(b"1234"))
    assert result == ev.AuthFailed(code) and kiosk.verifies() == 0


def test_not_offered_without_a_clock_check_in_this_boot(kiosk):
    kiosk.guard = ClockGuard(lambda: "boot-1")  # no gateway answer since boot
    result = kiosk.authenticator(GatewayUnreachable()).authenticate(bytearray(b"1234"))
    assert result == ev.AuthFailed("offline_auth_unavailable") and kiosk.verifies() == 0


def test_switched_off_in_the_settings_behaves_as_before(kiosk):
    result = kiosk.authenticator(GatewayUnreachable(), offline=False).authenticate(bytearray(b"1234"))
    assert result == ev.AuthFailed("gateway_unreachable") and kiosk.verifies() == 0


def test_wrong_pin_offline_counts_one_try(kiosk):
    result = kiosk.authenticator(GatewayUnreachable()).authenticate(bytearray(b"9999"))
    assert result == ev.AuthFailed("wrong_pin", 2) and kiosk.verifies() == 1


def test_card_pulled_during_verify_is_not_retried(kiosk):
    card, process = kiosk.card, kiosk.card.process

    def pulled_at_verify(apdu: bytes) -> bytes:  # VERIFY is processed (a try may count), the answer is lost
        if apdu[1] == VERIFY:
            card.faults = CardFaults(pull_after=card.apdu_count + 1)
        return process(apdu)

    card.process = pulled_at_verify
    result = kiosk.authenticator(GatewayUnreachable()).authenticate(bytearray(b"1234"))
    assert result == ev.AuthFailed("card_removed") and kiosk.verifies() == 1


def test_a_certificate_not_valid_at_the_kiosk_time_is_refused_at_once(kiosk, pki):
    later = pki.auth_cert.not_valid_after_utc + dt.timedelta(days=1)
    kiosk.guard.record(later, later)
    result = kiosk.authenticator(GatewayUnreachable(), now=later).authenticate(bytearray(b"1234"))
    assert result == ev.AuthFailed("card_expired")  # the gateway would refuse it on delivery
