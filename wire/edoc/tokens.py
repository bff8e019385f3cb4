"""RFC 3161 time-stamp tokens and OCSP answers inside a XAdES signature: parse and check.

The token's CMS signature is checked with the TSA certificate the token carries; the OCSP
answer's signature with the responder certificate it or the signature carries."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, keys, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TokenError(Exception):
    """A time-stamp token or OCSP answer that does not parse or does not verify."""


@dataclass(frozen=True)
class TimeStamp:
    gen_time: datetime
    imprint_algorithm: str  # hashlib name
    imprint: bytes
    tsa_certificate: x509.Certificate


def _verify_with(cert: x509.Certificate, signature: bytes, data: bytes, hash_name: str,
                 pss: bool = False) -> None:
    key = cert.public_key()
    algorithm = _HASHES[hash_name]()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            pad = padding.PSS(padding.MGF1(algorithm), padding.PSS.AUTO) if pss else padding.PKCS1v15()
            key.verify(signature, data, pad, algorithm)
        else:
            raise TokenError("unsupported key type")
    except InvalidSignature:
        raise TokenError("signature does not verify") from None


def parse_timestamp(der: bytes) -> TimeStamp:
    """Parse an RFC 3161 token and check its CMS signature with the TSA certificate inside it."""
    try:
        info = cms.ContentInfo.load(der)
        signed = info["content"]
        if info["content_type"].native != "signed_data":
            raise TokenError("not SignedData")
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TokenError("not a TSTInfo")
        content = encap["content"].parsed.dump() if hasattr(encap["content"], "parsed") else b""
        tst = tsp.TSTInfo.load(content)
        signer = signed["signer_infos"][0]
        sid = signer["sid"]
        certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"]
                 if c.name == "certificate"]
        tsa_cert = _find_signer(certs, sid)
        digest_name = signer["digest_algorithm"]["algorithm"].native
        signed_attrs = signer["signed_attrs"]
        message_digest = None
        for attr in signed_attrs:
            if attr["type"].native == "message_digest":
                message_digest = attr["values"][0].native
        if message_digest != hashlib.new(digest_name, content).digest():
            raise TokenError("message digest")
        sig_alg = signer["signature_algorithm"].signature_algo
        _verify_with(tsa_cert, signer["signature"].native, signed_attrs.untag().dump(force=True),
                     digest_name, pss=sig_alg == "rsassa_pss")
        imprint = tst["message_imprint"]
        return TimeStamp(gen_time=tst["gen_time"].native,
                         imprint_algorithm=imprint["hash_algorithm"]["algorithm"].native,
                         imprint=imprint["hashed_message"].native, tsa_certificate=tsa_cert)
    except TokenError:
        raise
    except Exception as exc:  # asn1crypto raises many types on malformed input
        raise TokenError(f"malformed time-stamp: {type(exc).__name__}") from None


def _find_signer(certs: list[x509.Certificate], sid: cms.SignerIdentifier) -> x509.Certificate:
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.serial_number == ias["serial_number"].native and \
                    cert.issuer.public_bytes() == ias["issuer"].dump():
                return cert
        else:
            ski = sid.chosen.native
            try:
                ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ext.value.digest == ski:
                return cert
    raise TokenError("TSA certificate not in the token")


@dataclass(frozen=True)
class OcspAnswer:
    produced_at: datetime
    serial_number: int
    status: ocsp.OCSPCertStatus
    verified: bool  # the responder's signature was checked with a certificate we had
    responder: x509.Certificate | None = None  # the certificate that checked it


def parse_ocsp(der: bytes, known_certs: list[x509.Certificate]) -> OcspAnswer:
    """Parse a DER OCSPResponse (or a bare BasicOCSPResponse) and check the responder signature."""
    try:
        response = ocsp.load_der_ocsp_response(der)
    except ValueError:
        raise TokenError("malformed OCSP answer") from None
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise TokenError("OCSP answer not successful")
    candidates = list(response.certificates) + known_certs
    verified = False
    responder: x509.Certificate | None = None
    for cert in candidates:
        if _is_responder(cert, response):
            hash_name = response.signature_hash_algorithm.name if response.signature_hash_algorithm else ""
            if hash_name not in _HASHES:
                raise TokenError("OCSP hash algorithm")
            key = cert.public_key()
            try:
                if isinstance(key, ec.EllipticCurvePublicKey):
                    key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(_HASHES[hash_name]()))
                elif isinstance(key, rsa.RSAPublicKey):
                    key.verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
                               _HASHES[hash_name]())
            except InvalidSignature:
                raise TokenError("OCSP signature does not verify") from None
            verified, responder = True, cert
            break
    return OcspAnswer(produced_at=response.produced_at_utc, serial_number=response.serial_number,
                      status=response.certificate_status, verified=verified,
                      responder=responder)


def _is_responder(cert: x509.Certificate, response: ocsp.OCSPResponse) -> bool:
    if response.responder_name is not None:
        return cert.subject == response.responder_name
    key_der = cert.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    spki = keys.PublicKeyInfo.load(key_der)
    return hashlib.sha1(spki["public_key"].contents[1:]).digest() == response.responder_key_hash
