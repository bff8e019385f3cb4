"""HTTP edges of the real gateway on loopback, on SQLite and PostgreSQL: 405 with ``Allow``, 400 for a body that
is not JSON (declared in OpenAPI), security headers on the HTML pages, and the fleet page against hostile
heartbeats (non-finite numbers refused at the door; control and direction characters never reach the HTML raw)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata

import pytest
import requests

from gateway.db import Database
from gateway.embedded import make_local_gateway
from gateway.store import GatewayStore
from tests.fixtures.gateway import kiosk_client

from .helpers import envelope, login, new_key

TOKEN = "fleet-page-token-for-edge-tests"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def gw(tmp_path, gateway_pki, gateway_db_url):
    extra = f'[fleet]\npage_token_sha256 = "{hashlib.sha256(TOKEN.encode()).hexdigest()}"\n'
    with make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url, extra_config=extra) as local:
        yield local


def signed(local) -> requests.Session:
    session = requests.Session()
    session.auth = local.device_key.auth(local.device_id)
    return session


def fleet(local, lang: str = "en") -> requests.Response:
    return requests.get(f"{local.base_url}/fleet", params={"lang": lang}, auth=("tech", TOKEN), timeout=10)


# -- 405 and 400 --------------------------------------------------------------------------------------------

def test_every_405_names_the_allowed_methods(gw):
    document = requests.get(gw.base_url + "/openapi.json", timeout=10).json()
    routes = {path: {m.upper() for m in ops} for path, ops in document["paths"].items()}
    routes["/fleet"] = {"GET"}
    session = signed(gw)
    tried = 0
    for path, declared in routes.items():
        concrete = path.replace("{reference}", "PT-2026-AAAAAAAA").replace("{local_reference}", "P-AAAA-AAAA")
        for method in METHODS:
            if method in declared:
                continue
            response = session.request(method, gw.base_url + concrete, timeout=10)
            assert response.status_code == 405, (method, path, response.status_code)
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert declared <= allowed and method not in allowed, (method, path, allowed)
            assert response.json()["error"] == "method_not_allowed"
            tried += 1
    assert tried >= 40


@pytest.mark.parametrize("body", [b"{not json", b'{"nonce": "x",', b"\xff\xfe{}", b"[" * 5000 + b"]" * 5000])
def test_a_body_that_is_not_json_is_400_and_declared(gw, body):
    document = requests.get(gw.base_url + "/openapi.json", timeout=10).json()
    session = signed(gw)
    for path in ("/v1/auth/token", "/v1/submissions", "/v1/devices/heartbeat", "/v1/devices/enroll"):
        headers = {"Content-Type": "application/json", "Idempotency-Key": new_key()}
        response = session.post(gw.base_url + path, data=body, headers=headers, timeout=10)
        assert response.status_code == 400, (path, response.status_code, response.text)
        assert response.json()["error"] == "request_invalid"
        declared = document["paths"][path]["post"]["responses"]["400"]
        assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_json_of_the_wrong_shape_stays_422(gw):
    response = signed(gw).post(gw.base_url + "/v1/devices/heartbeat", json={"health": [], "x": 1}, timeout=10)
    assert response.status_code == 422 and response.json()["error"] == "request_invalid"


# -- headers ------------------------------------------------------------------------------------------------

def assert_page_headers(response: requests.Response) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    csp = [part.strip() for part in headers["Content-Security-Policy"].split(";")]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert not any(part.startswith("script-src") for part in csp)


def test_fleet_page_headers_on_every_answer(gw, tmp_path, gateway_pki):
    answers = [fleet(gw), requests.get(gw.base_url + "/fleet", timeout=10),
               requests.get(gw.base_url + "/fleet?lang=xx", auth=("t", TOKEN), timeout=10)]
    assert [r.status_code for r in answers] == [200, 401, 422]
    for response in answers:
        assert_page_headers(response)
    with make_local_gateway(tmp_path / "bare", [gateway_pki.pem]) as bare:  # no fleet token: no page
        missing = requests.get(bare.base_url + "/fleet", timeout=10)
        assert missing.status_code == 404
        assert_page_headers(missing)


def test_status_page_headers_on_every_answer(gw, gateway_pki):
    client = kiosk_client(gw)
    session = login(gw, client, gateway_pki)
    key = new_key()
    receipt = client.submit(key, envelope(gw, session.session_ref))
    found = requests.get(receipt.status_url.replace(gw.config.status_base_url(), gw.base_url), timeout=10)
    assert found.status_code == 200 and receipt.reference in found.text
    from wire.protocol import local_reference

    answers = [found,
               requests.get(f"{gw.base_url}/s/{receipt.reference}?c=WRONG1", timeout=10),
               requests.get(f"{gw.base_url}/s/{local_reference(key)}", timeout=10),
               requests.get(f"{gw.base_url}/s/{receipt.reference}?lang=de", timeout=10)]
    assert [r.status_code for r in answers] == [200, 404, 200, 422]
    for response in answers:
        assert_page_headers(response)


def test_api_answers_are_nosniff(gw):
    assert requests.get(gw.base_url + "/v1/sealing-key", timeout=10).headers["X-Content-Type-Options"] == "nosniff"
    refused = requests.post(gw.base_url + "/v1/auth/challenge", timeout=10)
    assert refused.status_code == 401 and refused.headers["X-Content-Type-Options"] == "nosniff"


# -- the fleet page against hostile heartbeats --------------------------------------------------------------

@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400"])
def test_non_finite_numbers_are_refused_at_the_door(gw, number):
    session = signed(gw)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    for body in (b'{"health": {"clock_s": ' + number + b'}}',
                 b'{"health": {"version": "1.0", "outbox_oldest_s": ' + number + b'}, "source": "system"}'):
        response = session.post(gw.base_url + "/v1/devices/heartbeat", data=body, timeout=10,
                                headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (body, response.status_code)
        assert response.json()["error"] == "request_invalid"
    assert GatewayStore(Database(gw.config.db_url)).device(gw.device_id).reports == {}  # nothing was stored
    kiosk_client(gw).heartbeat({"clock_s": now + 0.25, "version": "1.0"})
    page = fleet(gw)
    assert page.status_code == 200 and "All fine" in page.text


def test_a_non_finite_clock_stored_earlier_does_not_break_the_page(gw):
    """A report written before the door check (straight into the store) is not read as a time."""
    db = Database(gw.config.db_url)
    try:
        GatewayStore(db).record_heartbeat(gw.device_id, {"clock_s": math.nan, "version": "0.9"},
                                          dt.datetime.now(dt.UTC))
        GatewayStore(db).record_heartbeat(gw.device_id, {"clock_s": math.inf}, dt.datetime.now(dt.UTC), "system")
    finally:
        db.close()
    page = fleet(gw)
    assert page.status_code == 200 and "version 0.9" in page.text


HOSTILE = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
           "\u200f", "\u061c", "\x00", "\x1b", "\x07", "\x08", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
           "\ufeff", "\u200b"]


def _raw_hostile(text: str) -> list[str]:
    """Characters of the page that are controls (other than the template's own newlines) or format/separators."""
    return sorted({f"U+{ord(ch):04X}" for ch in text
                   if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")})


def test_control_and_direction_characters_never_reach_the_html(gw):
    other_id, other_key = gw.enrol_device("Rīga \u202eevil\u202c \x1b[31m kiosk")
    from kiosk.backend.client import GatewayClient

    GatewayClient(gw.base_url, device_id=other_id, device_key=other_key).heartbeat(
        {"version": "2.0\u202egnp.exe", "printer": "jam\x1b[2J\x00", "screen": "welcome", "reader": "ok",
         "count.x\u2067y": 3})
    kiosk_client(gw).heartbeat({"version": "1.0", "ok": False, "problems": "display\u2028" + "".join(HOSTILE),
                           "check.dis\u202eplay": "FAIL"}, source="system")
    for lang in ("en", "lv"):
        page = fleet(gw, lang)
        assert page.status_code == 200
        assert _raw_hostile(page.text) == []
        assert "\\u202e" not in page.text.lower() or "U+202E" in page.text
    text = fleet(gw).text
    for shown in ("Rīga U+202Eevil", "U+202C U+001B[31m kiosk", "version 2.0U+202Egnp.exe",
                  "Printer error: jamU+001B[2JU+0000", "Check not passed: disU+202Eplay", "count.xU+2067y: 3",
                  "displayU+2028"):
        assert shown in text, shown
    assert all(f"U+{ord(ch):04X}" in text for ch in HOSTILE)  # each one shown, none dropped silently


def test_lone_surrogates_are_refused_at_the_door(gw):
    session = signed(gw)
    for body in ('{"health": {"version": "\\ud800"}}', '{"health": {"\\udfff": 1}}'):
        response = session.post(gw.base_url + "/v1/devices/heartbeat", data=body.encode(), timeout=10,
                                headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (body, response.status_code)
    devices = json.loads(json.dumps(GatewayStore(Database(gw.config.db_url)).device(gw.device_id).reports))
    assert devices == {}
