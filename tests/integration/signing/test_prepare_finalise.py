"""The gateway's signing core with the test TSA and OCSP responder as real HTTP servers on
loopback: the result judged by the kiosk's verifier; another person, a revoked certificate, the
TSA down, a changed document and a wrong key are each refused with their code and nothing made."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from gateway.signing.clients import HttpOcsp, HttpTimeStamper
from gateway.signing.service import SigningRefused, SigningService
from gateway.signing.testcerts import make_sign_cert
from gateway.signing.testservers import TestSigningServices
from gateway.testpki import make_auth_cert, new_key
from tests.unit.edoc.lt import FILES, data_files, raw_sign
from wire.edoc import SigningCode, Trust, Verdict
from wire.edoc.build import SIGNATURE_FILE, signed_info_c14n, write_container
from wire.edoc.verify import verify_container

ROLE_KEY = b"test role key"


def person_hash(code: str) -> str:
    return hmac.new(ROLE_KEY, code.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def services() -> Iterator[TestSigningServices]:
    running = TestSigningServices().start()
    yield running
    running.stop()


@pytest.fixture
def signer(services: TestSigningServices) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = new_key("p384")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key, make_sign_cert(services.ca, key, code="321922-33032")


def service_for(services: TestSigningServices, tsa_url: str | None = None) -> SigningService:
    return SigningService(issuers=[services.ca.cert],
                          time_stamper=HttpTimeStamper(tsa_url or services.base_url + "/tsa", timeout=3),
                          status_source=HttpOcsp(services.base_url + "/ocsp", timeout=3),
                          person_hash=person_hash, binding_key=b"binding key")


ACTOR = person_hash("321922-33032")


def sign(service: SigningService, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> bytes:
    prepared = service.prepare(session_actor=ACTOR, session_ref="s1", certificate=cert, files=data_files())
    signature = raw_sign(key, signed_info_c14n(prepared.document), prepared.hash_name)
    return service.finalise(session_actor=ACTOR, session_ref="s1", certificate=cert, document=prepared.document,
                            binding=prepared.binding, signature=signature)


def test_signed_container_is_valid_lt_and_trusted(services: TestSigningServices, signer) -> None:
    key, cert = signer
    document = sign(service_for(services), key, cert)
    report = verify_container(write_container(FILES, {SIGNATURE_FILE: document}), anchors=[services.ca.cert])
    assert report.verdict is Verdict.VALID, report
    (sig,) = report.signatures
    assert (sig.level, sig.trust, sig.signer) == ("LT", Trust.TRUSTED, "JĀNIS BĒRZIŅŠ")
    assert abs(sig.timestamp_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_certificate_of_another_person_is_refused(services: TestSigningServices) -> None:
    key = new_key("p384")
    other = make_sign_cert(services.ca, key, given="ANNA", surname="OZOLA", code="010101-10006")
    with pytest.raises(SigningRefused) as refused:
        service_for(services).prepare(session_actor=ACTOR, session_ref="s1", certificate=other, files=data_files())
    assert refused.value.code is SigningCode.PERSON_MISMATCH


def test_an_authentication_certificate_is_not_for_signing(services: TestSigningServices) -> None:
    cert = make_auth_cert(services.ca, new_key("p384"))
    with pytest.raises(SigningRefused) as refused:
        service_for(services).prepare(session_actor=ACTOR, session_ref="s1", certificate=cert, files=data_files())
    assert refused.value.code is SigningCode.NOT_A_SIGNING_CERTIFICATE


def test_revoked_certificate_is_refused(services: TestSigningServices, signer) -> None:
    key, cert = signer
    services.revoke(cert)
    with pytest.raises(SigningRefused) as refused:
        sign(service_for(services), key, cert)
    assert refused.value.code is SigningCode.CERT_REVOKED


def test_tsa_down_is_a_clear_code(services: TestSigningServices, signer) -> None:
    key, cert = signer
    services.tsa_down = True
    with pytest.raises(SigningRefused) as refused:
        sign(service_for(services), key, cert)
    assert refused.value.code is SigningCode.TSA_UNAVAILABLE


def test_tsa_not_listening_is_a_clear_code(services: TestSigningServices, signer) -> None:
    key, cert = signer
    with pytest.raises(SigningRefused) as refused:
        sign(service_for(services, tsa_url="http://127.0.0.1:9/tsa"), key, cert)
    assert refused.value.code is SigningCode.TSA_UNAVAILABLE


def test_a_changed_prepared_document_is_refused(services: TestSigningServices, signer) -> None:
    key, cert = signer
    service = service_for(services)
    prepared = service.prepare(session_actor=ACTOR, session_ref="s1", certificate=cert, files=data_files())
    changed = prepared.document.replace(b"text/plain", b"text/html")
    with pytest.raises(SigningRefused) as refused:
        service.finalise(session_actor=ACTOR, session_ref="s1", certificate=cert, document=changed,
                         binding=prepared.binding, signature=b"\0" * 96)
    assert refused.value.code is SigningCode.BINDING
    with pytest.raises(SigningRefused) as refused:  # another session cannot finalise it
        service.finalise(session_actor=ACTOR, session_ref="s2", certificate=cert, document=prepared.document,
                         binding=prepared.binding, signature=b"\0" * 96)
    assert refused.value.code is SigningCode.BINDING


def test_a_signature_by_another_key_is_refused(services: TestSigningServices, signer) -> None:
    _, cert = signer
    other = new_key("p384")
    assert isinstance(other, ec.EllipticCurvePrivateKey)
    with pytest.raises(SigningRefused) as refused:
        sign(service_for(services), other, cert)
    assert refused.value.code is SigningCode.BAD_SIGNATURE
