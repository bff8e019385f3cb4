"""The test TSA and OCSP responder as real HTTP servers on loopback, for tests and the demo.

``TestSigningServices.start()`` listens on 127.0.0.1 (a free port) with ``/tsa`` (RFC 3161) and
``/ocsp`` (RFC 6960); named faults: ``revoke(cert)`` and ``tsa_down`` (the TSA answers nothing:
the connection is closed)."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509 import ocsp

from gateway.signing import testocsp, testtsa
from gateway.testpki import TestCa, make_ca


class TestSigningServices:
    __test__ = False

    def __init__(self, ca: TestCa | None = None) -> None:
        self.ca = ca or make_ca()
        self.tsa = testtsa.make_tsa(self.ca)
        self.responder = testocsp.make_responder(self.ca)
        self.revoked: dict[int, dt.datetime] = {}
        self.tsa_down = False
        self._server: ThreadingHTTPServer | None = None

    def revoke(self, cert: x509.Certificate) -> None:
        self.revoked[cert.serial_number] = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> TestSigningServices:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet in tests
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(min(int(self.headers.get("Content-Length", "0")), 65536))
                if self.path == "/tsa":
                    if services.tsa_down:
                        self.close_connection = True
                        return
                    answer, kind = services._tsa_answer(body), "application/timestamp-reply"
                elif self.path == "/ocsp":
                    answer, kind = services._ocsp_answer(body), "application/ocsp-response"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="test-tsa-ocsp", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _tsa_answer(self, body: bytes) -> bytes:
        request = tsp.TimeStampReq.load(body)
        imprint = request["message_imprint"]
        token = testtsa.issue_token(self.tsa, imprint["hashed_message"].native,
                                    imprint["hash_algorithm"]["algorithm"].native, nonce=request["nonce"].native)
        return tsp.TimeStampResp({"status": {"status": "granted"},
                                  "time_stamp_token": cms.ContentInfo.load(token)}).dump()

    def _ocsp_answer(self, body: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        return testocsp.answer_to_request(self.responder, request,
                                          revoked_at=self.revoked.get(request.serial_number))
