"""XML-DSig pieces the .edoc needs: algorithm tables, canonicalisation, digests, signature checks.

Canonicalisation uses lxml (libxml2). libxml2 has C14N 1.0 and exclusive C14N but not 1.1;
1.1 differs from 1.0 only in how ``xml:id``/``xml:base``/``xml:space`` attributes of ancestors
outside the subset are inherited, so a 1.1 subset whose ancestors carry no ``xml:`` attribute is
canonicalised as 1.0 and any other 1.1 subset is refused (``C14nUnsupported``), never guessed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
ASIC = "http://uri.etsi.org/02918/v1.2.1#"
XML_NS = "http://www.w3.org/XML/1998/namespace"

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_10_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
C14N_11 = "http://www.w3.org/2006/12/xml-c14n11"
C14N_11_COMMENTS = "http://www.w3.org/2006/12/xml-c14n11#WithComments"
C14N_EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N_EXC_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

# algorithm URI -> (exclusive, with comments, is 1.1)
_C14N: dict[str, tuple[bool, bool, bool]] = {
    C14N_10: (False, False, False),
    C14N_10_COMMENTS: (False, True, False),
    C14N_11: (False, False, True),
    C14N_11_COMMENTS: (False, True, True),
    C14N_EXC: (True, False, False),
    C14N_EXC_COMMENTS: (True, True, False),
}

DIGESTS: dict[str, str] = {
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",  # only for old certificate digests
}
DIGEST_URI = {"sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
              "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
              "sha512": "http://www.w3.org/2001/04/xmlenc#sha512"}

# signature method URI -> (key kind, hash name)
SIGNATURE_METHODS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": ("ec", "sha256"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": ("ec", "sha384"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": ("ec", "sha512"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("rsa", "sha256"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("rsa", "sha384"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("rsa", "sha512"),
}
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512, "sha1": hashes.SHA1}


class AlgorithmUnsupported(Exception):
    """An algorithm this verifier does not implement (INDETERMINATE, not INVALID)."""


class C14nUnsupported(AlgorithmUnsupported):
    """A C14N 1.1 subset whose result would differ from C14N 1.0 (``xml:`` attributes above it)."""


def canonicalise(element: etree._Element, algorithm: str) -> bytes:
    """The canonical octets of ``element`` as a document subset (with inherited namespaces)."""
    if algorithm not in _C14N:
        raise AlgorithmUnsupported(algorithm)
    exclusive, comments, is_11 = _C14N[algorithm]
    if is_11:
        ancestor = element.getparent()
        while ancestor is not None:
            if any(name.startswith(f"{{{XML_NS}}}") for name in ancestor.attrib):
                raise C14nUnsupported(algorithm)
            ancestor = ancestor.getparent()
    return bytes(etree.tostring(element, method="c14n", exclusive=exclusive, with_comments=comments))


def digest(data: bytes, algorithm_uri: str) -> bytes:
    name = DIGESTS.get(algorithm_uri)
    if name is None:
        raise AlgorithmUnsupported(algorithm_uri)
    return hashlib.new(name, data).digest()


def hash_name(algorithm_uri: str) -> str:
    if algorithm_uri not in DIGESTS:
        raise AlgorithmUnsupported(algorithm_uri)
    return DIGESTS[algorithm_uri]


def raw_ecdsa_to_der(raw: bytes) -> bytes:
    """XML-DSig's ECDSA encoding (r‖s, each half the length) to the DER form OpenSSL verifies."""
    if not raw or len(raw) % 2:
        raise ValueError("odd ECDSA signature length")
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))


def public_key_of(cert: x509.Certificate) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey | None:
    """The certificate's key. Old Estonian test cards encoded the RSA modulus as a negative DER
    INTEGER (a missing leading zero); OpenSSL refuses it, so such a modulus is read as the
    unsigned number its bytes spell — what every card actually used."""
    try:
        key = cert.public_key()
    except ValueError:
        spki = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))["tbs_certificate"][
            "subject_public_key_info"]
        if spki["algorithm"]["algorithm"].native != "rsa":
            return None
        rsa_key = spki["public_key"].parsed
        modulus = int.from_bytes(rsa_key["modulus"].contents, "big")
        exponent = int.from_bytes(rsa_key["public_exponent"].contents, "big")
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    return key if isinstance(key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)) else None


def verify_signature_value(cert: x509.Certificate, method_uri: str, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` over ``data`` verifies with the certificate's public key."""
    if method_uri not in SIGNATURE_METHODS:
        raise AlgorithmUnsupported(method_uri)
    kind, hash_alg = SIGNATURE_METHODS[method_uri]
    key = public_key_of(cert)
    algorithm = _HASHES[hash_alg]()
    try:
        if kind == "ec" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw_ecdsa_to_der(signature), data, ec.ECDSA(algorithm))
            return True
        if kind == "rsa" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def cert_digest(cert: x509.Certificate, algorithm_uri: str) -> bytes:
    return digest(cert.public_bytes(Encoding.DER), algorithm_uri)
