"""OCSP step against a local OCSP responder (built with `cryptography`) on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateway import testpki
from gateway.embedded import make_local_gateway
from kiosk.backend.client import GatewayRejected
from tests.fixtures.gateway import kiosk_client

NOW = dt.datetime.now(dt.UTC)


class Responder:
    """Answers for certificates it was told about; ``mode`` injects faults ("down": HTTP 503)."""

    def __init__(self, ca: testpki.TestCa):
        self.ca = ca
        self.key = testpki.new_key("p256")
        self.cert = (x509.CertificateBuilder()
                     .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST OCSP RESPONDER")]))
                     .issuer_name(ca.name).public_key(self.key.public_key())
                     .serial_number(x509.random_serial_number())
                     .not_valid_before(NOW - dt.timedelta(days=1)).not_valid_after(NOW + dt.timedelta(days=30))
                     .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
                     .sign(ca.key, hashes.SHA384()))
        self.known: dict[int, tuple[x509.Certificate, ocsp.OCSPCertStatus]] = {}
        self.mode = "normal"

    def answer(self, body: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        cert, status = self.known[request.serial_number]
        this_update = NOW - dt.timedelta(hours=2) if self.mode == "stale" else dt.datetime.now(dt.UTC)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert, issuer=self.ca.cert, algorithm=hashes.SHA1(), cert_status=status,
            this_update=this_update, next_update=this_update + dt.timedelta(hours=1),
            revocation_time=NOW - dt.timedelta(days=1) if status == ocsp.OCSPCertStatus.REVOKED else None,
            revocation_reason=None).responder_id(ocsp.OCSPResponderEncoding.HASH, self.cert)
        if self.mode != "no_nonce":
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        signer_key = testpki.new_key("p256") if self.mode == "forged" else self.key
        builder = builder.certificates([self.cert])
        from cryptography.hazmat.primitives.serialization import Encoding

        return builder.sign(signer_key, hashes.SHA256()).public_bytes(Encoding.DER)


@contextlib.contextmanager
def gateway_with_ocsp(responder: Responder, workdir, ca_pem: bytes):
    """A started local gateway whose OCSP step asks ``responder`` over HTTP on loopback."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server interface
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if responder.mode == "down":
                self.send_response(503)
                self.end_headers()
                return
            data = responder.answer(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    local = make_local_gateway(workdir, [ca_pem],
                               extra_config=f'[ocsp]\nenabled = true\nurl = "{url}"\ntimeout_seconds = 2\n')
    try:
        with local:
            yield local
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def ocsp_setup(tmp_path_factory, gateway_pki):
    responder = Responder(gateway_pki)
    with gateway_with_ocsp(responder, tmp_path_factory.mktemp("gw-ocsp"), gateway_pki.pem) as local:
        yield local, responder


def _login(local, responder, gateway_pki, status=ocsp.OCSPCertStatus.GOOD, known=True):
    key = testpki.new_key("p384")
    cert = testpki.make_auth_cert(gateway_pki, key)
    if known:
        responder.known[cert.serial_number] = (cert, status)
    client = kiosk_client(local)
    nonce = client.challenge().nonce
    return client.authenticate(testpki.make_token(cert, key, local.origin, nonce))


def test_good_status_is_accepted(ocsp_setup, gateway_pki):
    local, responder = ocsp_setup
    responder.mode = "normal"
    assert _login(local, responder, gateway_pki).identity.personal_code == "321922-33032"


@pytest.mark.parametrize("status,mode,code", [
    (ocsp.OCSPCertStatus.REVOKED, "normal", "cert_revoked"),
    (ocsp.OCSPCertStatus.UNKNOWN, "normal", "cert_status_unknown"),
    (ocsp.OCSPCertStatus.GOOD, "forged", "ocsp_unavailable"),
    (ocsp.OCSPCertStatus.GOOD, "no_nonce", "ocsp_unavailable"),
    (ocsp.OCSPCertStatus.GOOD, "stale", "ocsp_unavailable"),
])
def test_ocsp_rejections(ocsp_setup, gateway_pki, status, mode, code):
    local, responder = ocsp_setup
    responder.mode = mode
    try:
        with pytest.raises(GatewayRejected) as info:
            _login(local, responder, gateway_pki, status)
    finally:
        responder.mode = "normal"
    assert info.value.code == code


def test_unreachable_responder(tmp_path, gateway_pki):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem],
                               extra_config='[ocsp]\nenabled = true\nurl = "http://127.0.0.1:9/ocsp"\n'
                                            'timeout_seconds = 1\n')
    with local:
        with pytest.raises(GatewayRejected) as info:
            _login(local, None, gateway_pki, known=False)
    assert info.value.code == "ocsp_unavailable"
    assert info.value.action.value == "retry"
