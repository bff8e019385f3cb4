"""The gateway's RFC 3161 and OCSP clients: HTTP POST with a timeout, answers checked before use."""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from typing import Protocol

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

MAX_ANSWER_BYTES = 256 * 1024


class ServiceUnavailable(Exception):
    """The TSA or OCSP responder did not answer usably (down, timeout, error status, bad answer)."""


class TimeStamper(Protocol):
    def stamp(self, data: bytes) -> bytes:
        """A DER TimeStampToken over SHA-256(``data``)."""
        ...


class StatusSource(Protocol):
    def status(self, cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
        """A DER OCSPResponse for ``cert``."""
        ...


def _post(url: str, body: bytes, content_type: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured or AIA http(s)
            answer: bytes = response.read(MAX_ANSWER_BYTES + 1)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise ServiceUnavailable(type(exc).__name__) from None
    if len(answer) > MAX_ANSWER_BYTES:
        raise ServiceUnavailable("answer too large")
    return answer


class HttpTimeStamper:
    """RFC 3161 over HTTP: a request with a nonce and certReq; the answer must be granted and
    carry our imprint and nonce."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url, self.timeout = url, timeout

    def stamp(self, data: bytes) -> bytes:
        imprint = hashlib.sha256(data).digest()
        nonce = secrets.randbits(63)
        request = tsp.TimeStampReq({"version": "v1", "message_imprint": {
            "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": imprint},
            "nonce": nonce, "cert_req": True})
        answer = _post(self.url, request.dump(), "application/timestamp-query", self.timeout)
        try:
            response = tsp.TimeStampResp.load(answer)
            if response["status"]["status"].native not in ("granted", "granted_with_mods"):
                raise ServiceUnavailable("time-stamp not granted")
            token = response["time_stamp_token"]
            info = token["content"]["encap_content_info"]["content"].parsed
            if info["message_imprint"]["hashed_message"].native != imprint or info["nonce"].native != nonce:
                raise ServiceUnavailable("time-stamp for another request")
            return bytes(token.dump())
        except ServiceUnavailable:
            raise
        except Exception as exc:  # malformed DER
            raise ServiceUnavailable(f"malformed time-stamp answer: {type(exc).__name__}") from None


def aia_ocsp_url(cert: x509.Certificate) -> str:
    """The first http(s) OCSP address in the certificate's Authority Information Access, or ""."""
    try:
        access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return ""
    for description in access:
        if description.access_method == x509.oid.AuthorityInformationAccessOID.OCSP and \
                isinstance(description.access_location, x509.UniformResourceIdentifier):
            url = description.access_location.value
            if url.lower().startswith(("http://", "https://")):
                return str(url)
    return ""


class HttpOcsp:
    """OCSP over HTTP (RFC 6960) with a nonce; the answer must be successful, for our certificate
    and echo the nonce. The responder: the configured ``url`` when there is one (an operator's
    override, the test responder), else the one the certificate's AIA names (as eParaksts
    certificates do). The signer's certificate has been checked to be issued by a configured issuer
    before this is called, so the address comes from that issuer; only http(s) is followed."""

    def __init__(self, url: str = "", timeout: float = 10.0) -> None:
        self.url, self.timeout = url, timeout

    def responder(self, cert: x509.Certificate) -> str:
        return self.url or aia_ocsp_url(cert)

    def status(self, cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
        url = self.responder(cert)
        if not url:
            raise ServiceUnavailable("no OCSP responder configured or named by the certificate")
        nonce = secrets.token_bytes(16)
        request = (ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256())
                   .add_extension(x509.OCSPNonce(nonce), critical=False).build())
        answer = _post(url, request.public_bytes(Encoding.DER), "application/ocsp-request", self.timeout)
        try:
            response = ocsp.load_der_ocsp_response(answer)
        except ValueError:
            raise ServiceUnavailable("malformed OCSP answer") from None
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise ServiceUnavailable("OCSP answer not successful")
        if response.serial_number != cert.serial_number:
            raise ServiceUnavailable("OCSP answer for another certificate")
        try:
            echoed = response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        except x509.ExtensionNotFound:
            echoed = None
        if echoed != nonce:
            raise ServiceUnavailable("OCSP nonce missing or wrong")
        return answer
