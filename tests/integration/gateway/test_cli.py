"""`kiosk-gateway` as operators use it: serve with overrides, admin commands, OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time

import requests

from gateway.cli import main
from gateway.embedded import make_local_gateway
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.helpers import login


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_with_command_line_overrides(tmp_path, gateway_pki):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    other_ca = tmp_path / "extra-ca.pem"
    other_ca.write_bytes(gateway_pki.pem)
    port = _free_port()
    db = tmp_path / "override.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--config", str(local.config_path),
         "--listen", f"127.0.0.1:{port}", "--origin", "https://other.example:8443",
         "--trust-ca", str(other_ca), "--db", f"sqlite:///{db}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json() == {"ok": True}
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()[-800:]
                time.sleep(0.1)
        key = requests.get(f"http://127.0.0.1:{port}/v1/sealing-key", timeout=2).json()
        assert key["scheme"] == "x25519-hkdf-sha256-aes256gcm"
        assert db.exists()  # the --db override, not the config's database
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def test_bad_config_reports_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[gateway]\norigin = "https://x.example/path"\ndb = "mysql://nope"\n')
    assert main(["serve", "--config", str(path)]) == 78
    err = capsys.readouterr().err
    for fragment in ("gateway.origin", "gateway.trust_ca", "gateway.db", "keys.audit_signing_key"):
        assert fragment in err


def test_admin_roles_and_enrolment_tokens(tmp_path, gateway_pki, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    config = ["--config", str(local.config_path)]
    assert main(["admin", "role", "add", "staff", "030303-10012", *config]) == 0
    assert main(["admin", "roles", *config]) == 0
    out = capsys.readouterr().out
    assert local.role_hash("030303-10012") in out and "030303" not in out.replace(local.role_hash("030303-10012"), "")
    with local:
        client = kiosk_client(local)
        assert "staff" in login(local, client, gateway_pki, code="030303-10012").roles
        assert main(["admin", "role", "remove", "staff", "030303-10012", *config]) == 0
        assert "staff" not in login(local, client, gateway_pki, code="030303-10012").roles
    assert main(["admin", "enrol-token", "branch-7", *config]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("E") and len(token) > 20
    assert main(["admin", "devices", *config]) == 0
    assert local.device_id in capsys.readouterr().out


def test_openapi_command_prints_the_document(tmp_path, gateway_pki, capsys):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    assert main(["openapi", "--config", str(local.config_path)]) == 0
    document = json.loads(capsys.readouterr().out)
    for path in ("/v1/auth/challenge", "/v1/auth/token", "/v1/catalogue", "/v1/submissions",
                 "/v1/submissions/{reference}", "/v1/devices/enroll", "/v1/devices/heartbeat", "/v1/audit"):
        assert path in document["paths"]


def test_published_openapi_document_is_current(tmp_path, gateway_pki, capsys):
    from pathlib import Path

    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem])
    assert main(["openapi", "--config", str(local.config_path)]) == 0
    published = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
    assert json.loads(published.read_text()) == json.loads(capsys.readouterr().out), \
        "regenerate: kiosk-gateway openapi --config FILE > docs/openapi.json"


def _wait_for(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()[-800:]
        time.sleep(0.1)


def test_serve_without_a_config_file(tmp_path, gateway_pki):
    """--listen, --origin, --trust-ca and --db alone start a working gateway; keys go into --keys-dir, said on
    stdout; a second start uses the same keys. A device enrols, signs in with a card token and submits."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from gateway import testpki
    from gateway.db import Database
    from gateway.store import GatewayStore
    from kiosk.backend.client import GatewayClient
    from kiosk.provisioning.enroll import enroll
    from tests.integration.gateway.helpers import new_key
    from wire import protocol as wire
    from wire.device_key import DeviceKey

    ca = tmp_path / "ica.pem"
    ca.write_bytes(gateway_pki.pem)
    port, db, keys = _free_port(), tmp_path / "try.db", tmp_path / "my-keys"
    origin = "https://kiosk.try.example"
    argv = [sys.executable, "-m", "gateway.cli", "serve", "--listen", f"127.0.0.1:{port}", "--origin", origin,
            "--trust-ca", str(ca), "--db", f"sqlite:///{db}", "--keys-dir", str(keys)]
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for start in ("first", "again"):
        proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            _wait_for(proc, base + "/v1/sealing-key")
            said = proc.stdout.readline().decode()
            assert str(keys) in said
            assert ("created audit.pem, sealing.pem, role.key" if start == "first" else "existing files used") in said
            key_files = [keys / name for name in ("audit.pem", "role.key", "sealing.pem")]
            assert all(path.stat().st_mode & 0o077 == 0 for path in key_files)  # 0600, in a 0700 folder
            assert keys.stat().st_mode & 0o077 == 0
            sealing = load_pem_private_key((keys / "sealing.pem").read_bytes(), None)
            served = requests.get(base + "/v1/sealing-key", timeout=5).json()
            assert served["key_id"] == wire.sealing_key_id(sealing.public_key())  # the named folder's key
            # a device enrols over HTTP and signs in with a card of the --trust-ca, for the --origin
            database = Database(f"sqlite:///{db}")
            try:
                token = GatewayStore(database).create_enrolment_token(f"kiosk-{start}", dt.datetime.now(dt.UTC), 600)
            finally:
                database.close()
            folder = tmp_path / f"data-{start}"
            folder.mkdir()
            as_root = os.geteuid() == 0
            if as_root:  # the kiosk user's data folder, a technician's root kioskctl enroll
                os.chown(folder, 4242, 4242)
            key_path = folder / "device-key.pem"
            enrolled = enroll(base, token, key_path)
            if as_root:  # the key and its .json belong to the kiosk user, who signs with them
                assert {(p.stat().st_uid, p.stat().st_gid) for p in (key_path, enrolled.info_path)} == {(4242, 4242)}
            client = GatewayClient(base, device_id=enrolled.device_id, device_key=DeviceKey.load(key_path))
            card = testpki.new_key("p384")
            cert = testpki.make_auth_cert(gateway_pki, card)
            nonce = client.challenge().nonce
            session = client.authenticate(testpki.make_token(cert, card, origin, nonce), nonce=nonce)
            assert session.roles == frozenset({"citizen"})
            sealed = wire.seal(sealing.public_key(), b'{"purpose": "bank"}')
            body = wire.build_envelope(service_id="residence-certificate", service_version="1",
                                       session_ref=session.session_ref, created_at=dt.datetime.now(dt.UTC),
                                       sealed_answers=sealed)
            assert client.submit(new_key(), body).reference.startswith("PT-")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)


def test_serve_without_a_config_file_needs_origin_and_ca(capsys):
    assert main(["serve", "--listen", "127.0.0.1:0", "--db", "sqlite:///:memory:"]) == 78
    assert "--origin" in capsys.readouterr().err


def test_serve_without_a_config_file_never_prints_a_database_password():
    from gateway.cli import _without_password

    assert _without_password("postgresql://gw:s3cret@db.example:5432/gw") == "postgresql://gw:***@db.example:5432/gw"
    assert _without_password("sqlite:////tmp/gw.db") == "sqlite:////tmp/gw.db"
