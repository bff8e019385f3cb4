"""The call API on a real gateway on loopback (SQLite and PostgreSQL): queue, accept, signalling, refusals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from websockets.sync.client import connect

from tests.fixtures.gateway import BACKENDS
from tests.integration.calls.conftest import PASSWORD, kiosk_session
from wire.call import CallOutcome, Party, Signal, SignalKind
from wire.device_key import DeviceKey


def ws_url(local, grant: dict) -> str:
    return local.base_url.replace("http://", "ws://") + grant["signal_path"] + "?ticket=" + grant["ticket"]


def request_call(local, institution: str = "VSAA", topic: str = "pension-advice", session=None) -> dict:
    response = (session or kiosk_session(local)).post(local.base_url + "/v1/calls", timeout=10,
                                                      json={"institution": institution, "topic": topic})
    assert response.status_code == 201, response.text
    return response.json()


def recv(socket) -> dict:
    return json.loads(socket.recv(timeout=5))


def send(socket, call_id: str, sender: Party, seq: int, kind: SignalKind, **fields) -> None:
    socket.send(Signal(call_id=call_id, sender=sender, seq=seq, kind=kind, **fields).to_json())


SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def test_kiosk_request_gives_place_ticket_and_turn_credentials(call_gateway):
    before = int(time.time())
    grant = request_call(call_gateway)
    assert grant["status"] == "waiting" and grant["position"] == 1 and grant["institution"] == "VSAA"
    assert request_call(call_gateway)["position"] == 2
    turn = grant["turn"]
    expiry, _, user = turn["username"].partition(":")
    assert user == grant["call_id"] and before + 300 <= int(expiry) <= int(time.time()) + 300
    secret = (call_gateway.workdir / "turn.secret").read_text().strip()
    expected = base64.b64encode(hmac.new(secret.encode(), turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected
    assert turn["urls"] == ["turn:127.0.0.1:3478?transport=udp"]
    status = kiosk_session(call_gateway).get(f"{call_gateway.base_url}/v1/calls/{grant['call_id']}", timeout=10)
    assert status.json()["position"] == 1


def test_expected_wait_comes_from_recent_answered_calls(call_gateway, specialists):
    first = request_call(call_gateway)
    assert first["expected_wait_s"] is None  # no history: no guess
    console = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    console.post(f"{call_gateway.base_url}/console/api/calls/{first['call_id']}/accept", timeout=10)
    call_gateway.execute("UPDATE calls SET requested_at = accepted_at - 90000 WHERE call_id = ?",
                         (first["call_id"],))
    request_call(call_gateway)
    third = request_call(call_gateway)
    assert third["position"] == 2 and third["expected_wait_s"] == 180


def test_only_enrolled_signed_kiosks_may_ask(call_gateway):
    unsigned = __import__("requests").post(call_gateway.base_url + "/v1/calls", timeout=10,
                                           json={"institution": "VSAA", "topic": "x"})
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "signature_missing"
    stranger = kiosk_session(call_gateway, "dev-not-enrolled", DeviceKey.generate())
    response = stranger.post(call_gateway.base_url + "/v1/calls", json={"institution": "VSAA", "topic": "x"},
                             timeout=10)
    assert response.status_code == 401 and response.json()["error"] == "device_unknown"
    unknown = kiosk_session(call_gateway).post(call_gateway.base_url + "/v1/calls", timeout=10,
                                               json={"institution": "NOPE", "topic": "x"})
    assert unknown.status_code == 422 and unknown.json()["error"] == "institution_unknown"
    assert call_gateway.query("SELECT COUNT(*) FROM calls")[0][0] == 0


def test_specialist_sees_and_accepts_only_their_institution(call_gateway, specialists):
    vsaa = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    vid = specialists.session(call_gateway.base_url, specialists.add("VID"))
    grant = request_call(call_gateway, "VSAA")
    request_call(call_gateway, "VID", "tax-return")
    queue = vsaa.get(call_gateway.base_url + "/console/api/queue", timeout=10).json()
    assert [c["call_id"] for c in queue["calls"]] == [grant["call_id"]] and queue["institution"] == "VSAA"
    assert queue["calls"][0]["topic"] == "pension-advice"
    refused = vid.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
    assert refused.status_code == 403 and refused.json()["error"] == "call_other_institution"
    assert call_gateway.query("SELECT accepted_at FROM calls WHERE call_id = ?", (grant["call_id"],)) == [(None,)]
    accepted = vsaa.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
    assert accepted.status_code == 200 and accepted.json()["status"] == "active" and accepted.json()["ticket"]
    second = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    taken = second.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
    assert taken.status_code == 409 and taken.json()["error"] == "call_taken"


def test_console_sign_in_refusals(call_gateway, specialists):
    user = specialists.add("VZD")
    base = call_gateway.base_url
    import requests

    def sign_in(**body):
        payload = {"username": user, "password": PASSWORD} | body
        payload.setdefault("code", "000000")  # the tries below that must fail for another reason
        return requests.post(base + "/console/api/sign-in", json=payload, headers={"X-Pietura-Console": "1"},
                             timeout=10)

    for body in ({"password": "wrong password!", "code": specialists.code(user)}, {"code": "000000"},
                 {"username": "nobody.here"}):
        response = sign_in(**body)
        assert response.status_code == 401 and response.json()["error"] == "specialist_login_failed"
    code = specialists.code(user)
    assert sign_in(code=code).status_code == 200
    reused = sign_in(code=code)  # the same one-time code again
    assert reused.status_code == 401 and reused.json()["error"] == "specialist_login_failed"
    anonymous = requests.get(base + "/console/api/queue", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "specialist_session_missing"
    cross_site = requests.post(base + "/console/api/sign-in", timeout=10,
                               json={"username": user, "password": PASSWORD, "code": specialists.code(user)})
    assert cross_site.status_code == 403


def test_sign_in_tries_are_limited_per_user(call_gateway, specialists):
    import requests

    user = specialists.add("PMLP")
    answers = [requests.post(call_gateway.base_url + "/console/api/sign-in", headers={"X-Pietura-Console": "1"},
                             json={"username": user, "password": "guess number one", "code": "123456"}, timeout=10)
               for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[-1].json()["error"] == "rate_limited" and int(answers[-1].headers["retry-after"]) >= 1
    other = specialists.session(call_gateway.base_url, specialists.add("PMLP"))  # another user is not affected
    assert other.get(call_gateway.base_url + "/console/api/queue", timeout=10).status_code == 200


def test_signalling_relays_typed_messages_and_refuses_forged_and_replayed(call_gateway, specialists):
    grant = request_call(call_gateway)
    call_id = grant["call_id"]
    console = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    with connect(ws_url(call_gateway, grant), open_timeout=5) as kiosk:
        accepted = console.post(f"{call_gateway.base_url}/console/api/calls/{call_id}/accept", timeout=10).json()
        with connect(ws_url(call_gateway, accepted), open_timeout=5) as specialist:
            assert recv(kiosk)["kind"] == "peer_joined"
            send(kiosk, call_id, Party.KIOSK, 1, SignalKind.OFFER, sdp=SDP)
            offer = recv(specialist)
            assert offer["kind"] == "offer" and offer["sdp"] == SDP and offer["from"] == "kiosk"
            # forged: another call, another sender; replayed: an old sequence number; wrong kind for the party
            send(kiosk, "c-someone-else", Party.KIOSK, 2, SignalKind.ICE, candidate="candidate:1 1 udp 1 1.2.3.4 5 typ relay")
            assert recv(kiosk) | {"seq": 0} == {"call": call_id, "from": "gateway", "seq": 0, "kind": "refused",
                                                "error": "signal_forged"}
            send(kiosk, call_id, Party.SPECIALIST, 2, SignalKind.ICE, candidate="")
            assert recv(kiosk)["error"] == "signal_forged"
            send(kiosk, call_id, Party.KIOSK, 1, SignalKind.OFFER, sdp=SDP)
            assert recv(kiosk)["error"] == "signal_replayed"
            send(kiosk, call_id, Party.KIOSK, 2, SignalKind.ANSWER, sdp=SDP)
            assert recv(kiosk)["error"] == "signal_kind_invalid"
            kiosk.send("{not json")
            assert recv(kiosk)["error"] == "signal_malformed"
            send(specialist, call_id, Party.SPECIALIST, 1, SignalKind.ANSWER, sdp=SDP)
            assert recv(kiosk)["kind"] == "answer"
            send(kiosk, call_id, Party.KIOSK, 2, SignalKind.ICE, candidate="candidate:1 1 udp 1 127.0.0.1 5 typ relay",
                 mid="0")
            ice = recv(specialist)  # the refused messages never reached the specialist: the next is this one
            assert ice["kind"] == "ice" and ice["seq"] == 2 and ice["mid"] == "0"
            send(specialist, call_id, Party.SPECIALIST, 2, SignalKind.END, outcome=CallOutcome.REFERRED)
            assert recv(kiosk) | {"seq": 0} == {"call": call_id, "from": "gateway", "seq": 0, "kind": "ended",
                                                "outcome": "referred"}
            assert recv(specialist)["kind"] == "ended"
    rows = call_gateway.query("SELECT device_id, institution, topic, accepted_by, outcome, requested_at, "
                              "accepted_at, ended_at FROM calls")
    assert len(rows) == 1
    device_id, institution, topic, accepted_by, outcome, *times = rows[0]
    assert (device_id, institution, topic, accepted_by, outcome) == (call_gateway.device_id, "VSAA", None, None,
                                                                     "referred")
    assert all(times) and times[0] <= times[1] <= times[2]
    assert call_gateway.query("SELECT COUNT(*) FROM call_tickets")[0][0] == 0
    stored = repr([call_gateway.query(f"SELECT * FROM {table}") for table in ("calls", "call_tickets")])
    assert "v=0" not in stored and "candidate" not in stored and "pension" not in stored


def test_tickets_are_one_time_and_bound_to_their_call(call_gateway):
    first, second = request_call(call_gateway), request_call(call_gateway)
    with connect(ws_url(call_gateway, first), open_timeout=5):
        with connect(ws_url(call_gateway, first), open_timeout=5) as again:
            assert recv(again) == {"kind": "refused", "error": "ticket_invalid"}
    swapped = dict(second, signal_path=first["signal_path"])
    with connect(ws_url(call_gateway, swapped), open_timeout=5) as wrong:
        assert recv(wrong)["error"] == "ticket_invalid"

    def outcomes() -> dict:
        return {r[0]: r[1] for r in call_gateway.query("SELECT call_id, outcome FROM calls")}

    deadline = time.monotonic() + 5  # the gateway notes the closed socket after the client has gone
    while outcomes()[first["call_id"]] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outcomes()[first["call_id"]] == "cancelled"  # its kiosk's socket went away while waiting
    assert outcomes()[second["call_id"]] is None  # refused ticket: the other call is untouched


def test_specialist_leaving_ends_the_call_for_the_kiosk(call_gateway, specialists):
    grant = request_call(call_gateway)
    console = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    with connect(ws_url(call_gateway, grant), open_timeout=5) as kiosk:
        accepted = console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept",
                                timeout=10).json()
        with connect(ws_url(call_gateway, accepted), open_timeout=5):
            assert recv(kiosk)["kind"] == "peer_joined"
        ended = recv(kiosk)
        assert ended["kind"] == "ended" and ended["outcome"] == "dropped"


def test_console_end_and_kiosk_cancel(call_gateway, specialists):
    waiting = request_call(call_gateway)
    kiosk = kiosk_session(call_gateway)
    cancelled = kiosk.post(f"{call_gateway.base_url}/v1/calls/{waiting['call_id']}/end", timeout=10)
    assert cancelled.json()["status"] == "ended" and cancelled.json()["outcome"] == "cancelled"
    grant = request_call(call_gateway)
    user = specialists.add("VSAA")
    console = specialists.session(call_gateway.base_url, user)
    console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
    other = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    not_theirs = other.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/end",
                            json={"outcome": "resolved"}, timeout=10)
    assert not_theirs.status_code == 404 and not_theirs.json()["error"] == "call_unknown"
    bad = console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/end",
                       json={"outcome": "dropped"}, timeout=10)
    assert bad.status_code == 422
    done = console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/end",
                        json={"outcome": "callback"}, timeout=10)
    assert done.status_code == 200 and done.json()["outcome"] == "callback"
    status = kiosk.get(f"{call_gateway.base_url}/v1/calls/{grant['call_id']}", timeout=10).json()
    assert status["status"] == "ended" and status["outcome"] == "callback"
    other_kiosk_id, other_key = call_gateway.enrol_device("kiosk-2")
    foreign = kiosk_session(call_gateway, other_kiosk_id, other_key).get(
        f"{call_gateway.base_url}/v1/calls/{grant['call_id']}", timeout=10)
    assert foreign.status_code == 404 and foreign.json()["error"] == "call_unknown"


def test_unanswered_after_ring_time(call_gateway, specialists):
    grant = request_call(call_gateway)
    call_gateway.execute("UPDATE calls SET requested_at = requested_at - 301000 WHERE call_id = ?",
                         (grant["call_id"],))
    status = kiosk_session(call_gateway).get(f"{call_gateway.base_url}/v1/calls/{grant['call_id']}", timeout=10)
    assert status.json()["outcome"] == "unanswered"
    console = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    assert console.get(call_gateway.base_url + "/console/api/queue", timeout=10).json()["calls"] == []
    late = console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept", timeout=10)
    assert late.status_code == 409 and late.json()["error"] == "call_ended"


def test_console_page_is_served_with_its_own_policy(call_gateway):
    import requests

    page = requests.get(call_gateway.base_url + "/console", timeout=10)
    assert page.status_code == 200 and 'id="sign-in"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    script = requests.get(call_gateway.base_url + "/console/console.js", timeout=10)
    assert script.headers["content-type"].startswith("text/javascript") and "RTCPeerConnection" in script.text


@pytest.mark.parametrize("raw, problem", [
    ({"institutions": ["vsaa"], "turn_urls": ["turn:x"], "turn_secret_file": "s"}, "calls.institutions"),
    ({"institutions": ["VSAA"], "turn_urls": ["http://x"], "turn_secret_file": "s"}, "calls.turn_urls"),
    ({"institutions": ["VSAA"], "turn_urls": ["turn:x"]}, "calls.turn_secret_file: missing"),
    ({"institutions": ["VSAA"], "turn_urls": ["turn:x"], "turn_secret_file": "s", "ring_seconds": 0},
     "calls.ring_seconds"),
    ({"institution": ["VSAA"]}, "calls.institution: unknown key"),
])
def test_calls_settings_report_problems(tmp_path, raw, problem):
    from gateway.calls.settings import parse_call_settings

    (tmp_path / "s").write_text("secret")
    problems: list[str] = []
    parse_call_settings(raw, tmp_path, problems)
    assert any(p.startswith(problem) for p in problems), problems


def test_admin_command_adds_lists_and_removes_specialists(call_gateway, monkeypatch, capsys):
    import io

    import pyotp
    import requests

    from gateway.calls.admin import main

    config = str(call_gateway.config_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["--config", config, "add", "a.ozola", "VID", "--password-stdin", "--name", "Aija Ozola"]) == 0
    out = capsys.readouterr().out
    secret = out.split("TOTP secret: ")[1].split()[0]
    assert "otpauth://totp/" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--config", config, "add", "b.liepa", "VID", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["--config", config, "add", "c.kalna", "NOPE", "--password-stdin"]) == 1
    capsys.readouterr()
    assert main(["--config", config, "list"]) == 0
    assert capsys.readouterr().out == "a.ozola\tVID\tAija Ozola\n"
    assert main(["--config", config, "set-name", "a.ozola", "Aija 2"]) == 1  # not a display name: unchanged
    assert main(["--config", config, "set-name", "nobody", "Aija Ozola"]) == 1
    assert main(["--config", config, "set-name", "a.ozola", "AIJA OZOLA-LIEPA"]) == 0
    capsys.readouterr()
    assert main(["--config", config, "list"]) == 0
    assert capsys.readouterr().out == "a.ozola\tVID\tAija Ozola-Liepa\n"
    signed_in = requests.post(call_gateway.base_url + "/console/api/sign-in", headers={"X-Pietura-Console": "1"},
                              json={"username": "a.ozola", "password": "a long enough password",
                                    "code": pyotp.TOTP(secret).now()}, timeout=10)
    assert signed_in.status_code == 200 and signed_in.json()["institution"] == "VID"
    assert signed_in.json()["display_name"] == "Aija Ozola-Liepa"
    assert main(["--config", config, "remove", "a.ozola"]) == 0
    gone = requests.get(call_gateway.base_url + "/console/api/queue", cookies=signed_in.cookies, timeout=10)
    assert gone.status_code == 401  # removing a specialist ends their console sessions
    assert main(["--config", config, "remove", "a.ozola"]) == 1


def test_peer_joined_names_the_specialist_who_accepted(call_gateway, specialists):
    """The kiosk hears who accepted: the display name the admin set, in peer_joined; none without one. The
    running call holds it, and the end clears it with the topic and the user name."""
    from wire.call import parse_signal

    named, unnamed = specialists.add("VSAA", name="Anna Bērziņa"), specialists.add("VSAA")
    for username, expected in ((named, "Anna Bērziņa"), (unnamed, "")):
        grant = request_call(call_gateway)
        console = specialists.session(call_gateway.base_url, username)
        queue = console.get(call_gateway.base_url + "/console/api/queue", timeout=10).json()
        assert queue["display_name"] == expected  # the console shows the specialist the name the citizen sees
        with connect(ws_url(call_gateway, grant), open_timeout=5) as kiosk:
            accepted = console.post(f"{call_gateway.base_url}/console/api/calls/{grant['call_id']}/accept",
                                    timeout=10).json()
            running = call_gateway.query("SELECT accepted_name FROM calls WHERE call_id = ?", (grant["call_id"],))
            assert running == [(expected or None,)]
            with connect(ws_url(call_gateway, accepted), open_timeout=5) as specialist:
                raw = kiosk.recv(timeout=5)
                joined = parse_signal(raw)  # as the kiosk's client reads it
                assert joined.kind is SignalKind.PEER_JOINED and joined.name == expected
                assert ("name" in json.loads(raw)) is bool(expected)
                send(specialist, grant["call_id"], Party.SPECIALIST, 1, SignalKind.END, outcome=CallOutcome.RESOLVED)
                assert recv(kiosk)["kind"] == "ended"
    assert call_gateway.query("SELECT accepted_name, accepted_by, outcome FROM calls") == [(None, None, "resolved")] * 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_database_of_an_older_gateway_gains_the_display_names(backend, tmp_path, request):
    """The columns added for display names appear in a database an older gateway made (SQLite and
    PostgreSQL); its specialists sign in as before, without a name until the admin sets one."""
    import pyotp

    from gateway.calls.desk import CallDesk, hash_password
    from gateway.calls.settings import CallSettings
    from gateway.db import Database
    from gateway.service import utc_now

    url = request.getfixturevalue("postgres_server").create_database() if backend == "postgres" \
        else f"sqlite:///{tmp_path}/old.sqlite"
    db = Database(url)
    with db.tx() as tx:  # the tables as the first release of calls made them
        tx.execute("CREATE TABLE specialists (username TEXT PRIMARY KEY, institution TEXT NOT NULL, "
                   "password_hash TEXT NOT NULL, totp_secret TEXT NOT NULL, totp_last_step BIGINT NOT NULL, "
                   "active INTEGER NOT NULL, added_at BIGINT NOT NULL)")
        tx.execute("CREATE TABLE specialist_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, "
                   "institution TEXT NOT NULL, expires_at BIGINT NOT NULL)")
        tx.execute("CREATE TABLE calls (call_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, institution TEXT NOT NULL, "
                   "topic TEXT, requested_at BIGINT NOT NULL, accepted_at BIGINT, ended_at BIGINT, outcome TEXT, "
                   "accepted_by TEXT)")
        secret = pyotp.random_base32()
        tx.execute("INSERT INTO specialists VALUES (?, ?, ?, ?, 0, 1, 0)",
                   ("old.user", "VSAA", hash_password(PASSWORD), secret))
    settings = CallSettings(institutions=("VSAA",), turn_urls=("turn:127.0.0.1:3478",), turn_secret="s")
    try:
        desk = CallDesk(db, settings, utc_now)
        CallDesk(db, settings, utc_now)  # a second instance starting on the same database changes nothing
        assert desk.store.specialist("old.user").display_name == ""
        user, _ = desk.sign_in("old.user", PASSWORD, pyotp.TOTP(secret).now())
        assert user.display_name == ""
        assert desk.set_display_name("old.user", "ANNA BĒRZIŅA") == "Anna Bērziņa"
        with pytest.raises(ValueError):
            desk.set_display_name("old.user", "Anna <script>")
        with pytest.raises(ValueError):
            desk.set_display_name("nobody", "Anna Bērziņa")
        user, _ = desk.sign_in("old.user", PASSWORD, pyotp.TOTP(secret).at(time.time() + 30))
        assert user.display_name == "Anna Bērziņa"
        desk.store.link_eid("old.user", "person-hash")
        by_card, _ = desk.sign_in_eid("person-hash", "JĀNIS BĒRZIŅŠ")  # the certificate's name, capitals softened
        assert by_card.display_name == "Jānis Bērziņš"
        odd, _ = desk.sign_in_eid("person-hash", "Ян 2")  # not one the kiosk can show: the account's name
        assert odd.display_name == "Anna Bērziņa"
        call = desk.request("kiosk-1", "VSAA", "question").call
        assert desk.accept(user, call.call_id).call.accepted_name == "Anna Bērziņa"
        desk.end(call.call_id, CallOutcome.RESOLVED)
        assert desk.store.call(call.call_id).accepted_name == ""
    finally:
        db.close()
