"""OCSP revocation check for authentication certificates (on by config).

Follows Web eID's validator: responder from config or the certificate's AIA, a nonce,
SHA-1 CertID, one matching SingleResp, responder signature by the issuing CA or by a
delegated responder (EKU OCSPSigning) that CA issued, thisUpdate within the allowed skew
and age, nextUpdate not past, status GOOD. Every failure is ``ocsp_unavailable`` (try
again later), ``cert_revoked`` or ``cert_status_unknown``.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from gateway.config import OcspSettings
from gateway.errors import TokenRejected

ALLOWED_SKEW = dt.timedelta(minutes=15)
MAX_THIS_UPDATE_AGE = dt.timedelta(minutes=2)
Transport = Callable[[str, bytes, float], bytes]


def http_post(url: str, body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/ocsp-request"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        return response.read(1_000_000)


def _aia_url(cert: x509.Certificate) -> str | None:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return None
    for desc in aia:
        if desc.access_method == AuthorityInformationAccessOID.OCSP:
            return str(desc.access_location.value)
    return None


def _verify_signed_by(public_key: object, signature: bytes, data: bytes,
                      hash_alg: hashes.HashAlgorithm | None) -> None:
    if isinstance(public_key, rsa.RSAPublicKey) and hash_alg is not None:
        public_key.verify(signature, data, padding.PKCS1v15(), hash_alg)
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and hash_alg is not None:
        public_key.verify(signature, data, ec.ECDSA(hash_alg))
    else:
        raise InvalidSignature("unsupported responder key")


class OcspChecker:
    def __init__(self, settings: OcspSettings, anchors: Sequence[x509.Certificate],
                 transport: Transport = http_post):
        self.settings = settings
        self.anchors = list(anchors)
        self.transport = transport
        self.designated = []
        for path in settings.responder_certs:
            self.designated.append(x509.load_pem_x509_certificate(path.read_bytes()))

    def check(self, certificate: x509.Certificate, issuer: x509.Certificate, now: dt.datetime) -> None:
        url = self.settings.url or _aia_url(certificate)
        if not url:
            raise TokenRejected("ocsp_unavailable", "no OCSP responder URL")
        builder = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303
        nonce = os.urandom(16) if self.settings.use_nonce else None
        if nonce is not None:
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        body = builder.build().public_bytes(serialization.Encoding.DER)
        try:
            raw = self.transport(url, body, self.settings.timeout_seconds)
            response = ocsp.load_der_ocsp_response(raw)
        except (OSError, urllib.error.URLError, ValueError, UnsupportedAlgorithm) as exc:
            raise TokenRejected("ocsp_unavailable", type(exc).__name__) from None
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise TokenRejected("ocsp_unavailable", f"responder status {response.response_status.name}")
        self._check_responder(response, issuer, now)
        self._check_single(response, certificate, issuer, now, nonce)

    def _check_responder(self, response: ocsp.OCSPResponse, issuer: x509.Certificate, now: dt.datetime) -> None:
        candidates = list(response.certificates) + self.designated + [issuer]
        for responder in candidates:
            if responder not in self.designated and responder != issuer:
                if not self._is_delegated_responder(responder, issuer, now):
                    continue
            try:
                _verify_signed_by(responder.public_key(), response.signature, response.tbs_response_bytes,
                                  response.signature_hash_algorithm)
                return
            except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
                continue
        raise TokenRejected("ocsp_unavailable", "OCSP response not signed by a trusted responder")

    @staticmethod
    def _is_delegated_responder(responder: x509.Certificate, issuer: x509.Certificate, now: dt.datetime) -> bool:
        try:
            responder.verify_directly_issued_by(issuer)
            eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm, x509.ExtensionNotFound):
            return False
        valid = responder.not_valid_before_utc <= now <= responder.not_valid_after_utc
        return valid and ExtendedKeyUsageOID.OCSP_SIGNING in eku

    def _check_single(self, response: ocsp.OCSPResponse, certificate: x509.Certificate,
                      issuer: x509.Certificate, now: dt.datetime, nonce: bytes | None) -> None:
        if nonce is not None:
            try:
                got = response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
            except x509.ExtensionNotFound:
                raise TokenRejected("ocsp_unavailable", "OCSP nonce missing") from None
            if got != nonce:
                raise TokenRejected("ocsp_unavailable", "OCSP nonce mismatch")
        expected = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA1()).build()  # noqa: S303
        matching = [single for single in response.responses
                    if single.serial_number == certificate.serial_number
                    and single.issuer_key_hash == expected.issuer_key_hash
                    and single.issuer_name_hash == expected.issuer_name_hash]
        if len(matching) != 1:
            raise TokenRejected("ocsp_unavailable", "no single matching OCSP response")
        single = matching[0]
        this_update = single.this_update_utc
        if this_update > now + ALLOWED_SKEW or this_update < now - ALLOWED_SKEW - MAX_THIS_UPDATE_AGE:
            raise TokenRejected("ocsp_unavailable", "OCSP thisUpdate out of range")
        if single.next_update_utc is not None and single.next_update_utc < now - ALLOWED_SKEW:
            raise TokenRejected("ocsp_unavailable", "OCSP nextUpdate passed")
        if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            raise TokenRejected("cert_revoked")
        if single.certificate_status != ocsp.OCSPCertStatus.GOOD:
            raise TokenRejected("cert_status_unknown")
