"""Web eID sign-in for specialists on the real gateway (SQLite and PostgreSQL), with tokens the card emulator
makes (real card commands and signatures, the test CAs): a specialist's card signs in; a card holder who is
not a specialist, a replayed nonce, a kiosk's nonce, a token for another origin are refused with codes."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
import requests
from websockets.sync.client import connect

from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, DEMO_STAFF, EmulatedCard, EmulatedReaders
from drivers.smartcard.emulator.pki import make_pki
from kiosk.auth.webeid import build_auth_token
from tests.fixtures.gateway import BACKENDS
from tests.integration.calls.conftest import kiosk_session, start_call_gateway, with_specialists
from tests.integration.calls.test_gateway_calls import request_call, ws_url
from wire.call import SignalKind, parse_signal

CONSOLE = {"X-Pietura-Console": "1"}


@pytest.fixture(scope="module")
def pkis():
    return {"specialist": make_pki(DEMO_CITIZEN, "lv-ec"), "other": make_pki(DEMO_STAFF, "lv-rsa")}


@pytest.fixture(params=BACKENDS)
def eid_gateway(request, tmp_path, pkis):
    db_url = request.getfixturevalue("postgres_server").create_database() if request.param == "postgres" else None
    with with_specialists(start_call_gateway(tmp_path / "gw", [p.intermediate_pem for p in pkis.values()], db_url,
                                             secrets.token_hex(16), ("turn:127.0.0.1:3478?transport=udp",))) as pair:
        yield pair


def card(pki, variant: str):
    readers = EmulatedReaders()
    readers.insert(EmulatedCard(variant, pki=pki))
    return open_eid(readers.connect(readers.reader_name))


def challenge(local, browser: requests.Session) -> str:
    response = browser.post(local.base_url + "/console/api/eid/challenge", headers=CONSOLE, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()["nonce"]


def sign_in(local, browser: requests.Session, nonce: str, token: dict) -> requests.Response:
    return browser.post(local.base_url + "/console/api/eid/sign-in", headers=CONSOLE, timeout=10,
                        json={"nonce": nonce, "token": token})


def link(local, username: str, personal_code: str) -> None:
    """The admin command, as an operator runs it (the personal code on standard input)."""
    done = subprocess.run([sys.executable, "-m", "gateway.calls.admin", "--config", str(local.config_path),
                           "link-eid", username, "--personal-code-stdin"], input=personal_code + "\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert personal_code not in done.stdout + done.stderr


def test_a_specialists_card_signs_in_to_their_institution(eid_gateway, pkis):
    local, people = eid_gateway
    user = people.add("VSAA", name="Account Name")
    link(local, user, DEMO_CITIZEN.personal_code)
    assert DEMO_CITIZEN.personal_code.replace("-", "") not in str(local.query("SELECT * FROM specialist_eid"))
    browser = requests.Session()
    nonce = challenge(local, browser)
    token = build_auth_token(card(pkis["specialist"], "lv-ec"), bytearray(b"1234"), local.origin, nonce)
    response = sign_in(local, browser, nonce, token)
    assert response.status_code == 200, response.text
    # the citizen will see the certificate's name ("JĀNIS BĒRZIŅŠ"), not the account's
    assert response.json() == {"username": user, "institution": "VSAA", "display_name": "Jānis Bērziņš"}
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/console" in cookie
    queue = browser.get(local.base_url + "/console/api/queue", timeout=10)
    assert queue.status_code == 200 and queue.json()["institution"] == "VSAA"
    # a call this sign-in accepts names the certificate's holder to the kiosk, through the real relay
    grant = request_call(local)
    with connect(ws_url(local, grant), open_timeout=5) as kiosk:
        browser.headers["X-Pietura-Console"] = "1"
        accepted = browser.post(f"{local.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
        assert accepted.status_code == 200, accepted.text
        with connect(ws_url(local, accepted.json()), open_timeout=5):
            joined = parse_signal(kiosk.recv(timeout=5))
            assert joined.kind is SignalKind.PEER_JOINED and joined.name == "Jānis Bērziņš"


def test_refusals_with_codes(eid_gateway, pkis):
    local, people = eid_gateway
    link(local, people.add("VID"), DEMO_CITIZEN.personal_code)
    specialist_card = card(pkis["specialist"], "lv-ec")
    browser = requests.Session()

    def refused(nonce: str, token: dict) -> tuple[int, str]:
        response = sign_in(local, browser, nonce, token)
        assert "set-cookie" not in response.headers
        return response.status_code, response.json()["error"]

    # a card holder who is not a specialist: the token is good, the person is not one of them
    nonce = challenge(local, browser)
    other = build_auth_token(card(pkis["other"], "lv-rsa"), bytearray(b"1234"), local.origin, nonce)
    assert refused(nonce, other) == (403, "specialist_unknown")
    # the nonce was spent by that try: the specialist's own token for it is a replay
    replay = build_auth_token(specialist_card, bytearray(b"1234"), local.origin, nonce)
    assert refused(nonce, replay) == (401, "nonce_reused")
    # a token the card made for another site (a phishing page relaying the nonce) does not verify here
    nonce = challenge(local, browser)
    phished = build_auth_token(specialist_card, bytearray(b"1234"), "https://phishing.example", nonce)
    assert refused(nonce, phished) == (401, "signature_invalid")
    # a kiosk's nonce is not a console nonce
    kiosk_nonce = kiosk_session(local).post(local.base_url + "/v1/auth/challenge", timeout=10).json()["nonce"]
    token = build_auth_token(specialist_card, bytearray(b"1234"), local.origin, kiosk_nonce)
    assert refused(kiosk_nonce, token) == (401, "nonce_unknown")
    # without the console header (a cross-site form) nothing is looked at
    nonce = challenge(local, browser)
    token = build_auth_token(specialist_card, bytearray(b"1234"), local.origin, nonce)
    plain = requests.post(local.base_url + "/console/api/eid/sign-in", json={"nonce": nonce, "token": token},
                          timeout=10)
    assert plain.status_code == 403 and plain.json()["error"] == "specialist_login_failed"
    # and the same nonce and token with the header still work: nothing above spent it
    ok = sign_in(local, browser, nonce, token)
    assert ok.status_code == 200 and ok.json()["institution"] == "VID"
    # a removed specialist's card no longer signs in
    people.desk.store.remove_specialist(ok.json()["username"])
    nonce = challenge(local, browser)
    token = build_auth_token(specialist_card, bytearray(b"1234"), local.origin, nonce)
    assert refused(nonce, token) == (403, "specialist_unknown")


def test_password_and_totp_still_sign_in(eid_gateway):
    local, people = eid_gateway
    browser = people.session(local.base_url, people.add("PMLP"))
    assert browser.get(local.base_url + "/console/api/queue", timeout=10).json()["institution"] == "PMLP"
