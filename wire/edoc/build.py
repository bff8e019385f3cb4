"""Building an ASiC-E container with a XAdES baseline signature as Latvian eParaksts makes it.

Signing is split in steps because the key is on the citizen's card and the time-stamp and OCSP
answer come from the gateway's services: ``prepare`` builds the whole signature document but its
SignatureValue and returns the octets the card signs (the canonical SignedInfo); the later steps
fill in the SignatureValue (raw r‖s for EC), the SignatureTimeStamp (RFC 3161 over the canonical
SignatureValue), then CertificateValues and RevocationValues (level LT). ``write_container`` makes
the ZIP: ``mimetype`` first and stored, ``META-INF/manifest.xml``, ``META-INF/edoc-signatures-S1.xml``."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from asn1crypto import x509 as asn1_x509
from asn1crypto.cms import IssuerSerial
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from wire.edoc import xmlsig
from wire.edoc.container import MANIFEST_NAME, MANIFEST_NS, MIMETYPE, safe_name, secure_parser
from wire.edoc.xmlsig import ASIC, DS, XADES

SIGNATURE_FILE = "META-INF/edoc-signatures-S1.xml"
C14N = xmlsig.C14N_11  # eParaksts' choice; computed as C14N 1.0 (identical here: no xml:* attributes)
_SP_TYPE = "http://uri.etsi.org/01903#SignedProperties"


@dataclass(frozen=True)
class DataFile:
    """A file to sign, known by its name, media type and SHA-256 (the bytes stay with the caller)."""

    name: str
    media_type: str
    sha256: bytes

    def __post_init__(self) -> None:
        if not safe_name(self.name) or self.name.startswith("META-INF/") or self.name == "mimetype" \
                or len(self.sha256) != 32:
            raise ValueError("data file name or digest not allowed")


@dataclass(frozen=True)
class Prepared:
    """The signature document without its value, and what the card must sign."""

    document: bytes
    signed_info_c14n: bytes
    hash_name: str  # hash of ``signed_info_c14n`` the card signs: "sha256" or "sha384"

    @property
    def digest_to_sign(self) -> bytes:
        return hashlib.new(self.hash_name, self.signed_info_c14n).digest()


def _method_for(cert: x509.Certificate, hash_name: str) -> tuple[str, str]:
    if hash_name not in ("sha256", "sha384", "sha512"):
        raise ValueError("unsupported hash")
    key = cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"http://www.w3.org/2001/04/xmldsig-more#ecdsa-{hash_name}", hash_name
    if isinstance(key, rsa.RSAPublicKey):
        return f"http://www.w3.org/2001/04/xmldsig-more#rsa-{hash_name}", hash_name
    raise ValueError("unsupported signing key")


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _issuer_serial_v2(cert: x509.Certificate) -> bytes:
    """DER IssuerSerial (RFC 5035): GeneralNames{directoryName issuer}, serial."""
    parsed = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    issuer = asn1_x509.GeneralName(name="directory_name", value=parsed.issuer)
    return bytes(IssuerSerial({"issuer": [issuer], "serial": cert.serial_number}).dump())


def prepare(files: Sequence[DataFile], signer: x509.Certificate, signing_time: datetime,
            signature_id: str = "S1", hash_name: str = "sha256") -> Prepared:
    """The signature document with SignedInfo and SignedProperties for ``files`` and ``signer``.

    ``hash_name`` is the signature's hash: eParaksts signs with ecdsa-sha256 even with P-384 card
    keys (the card left-pads the 32-byte hash to the key size), so that is the default."""
    if not files or len({f.name for f in files}) != len(files):
        raise ValueError("need at least one file, names unique")
    method, hash_name = _method_for(signer, hash_name)
    sid = signature_id
    root = etree.Element(f"{{{ASIC}}}XAdESSignatures", nsmap={"asic": ASIC})
    sig = etree.SubElement(root, f"{{{DS}}}Signature", {"Id": sid}, nsmap={"ds": DS})
    signed_info = _el(sig, DS, "SignedInfo", Id=f"{sid}-SignedInfo")
    _el(signed_info, DS, "CanonicalizationMethod", Algorithm=C14N)
    _el(signed_info, DS, "SignatureMethod", Algorithm=method)
    for number, data_file in enumerate(files, 1):
        ref = _el(signed_info, DS, "Reference", Id=f"{sid}-ref-{number}", URI=quote(data_file.name))
        _el(ref, DS, "DigestMethod", Algorithm=xmlsig.DIGEST_URI["sha256"])
        _el(ref, DS, "DigestValue", _b64(data_file.sha256))
    props_ref = _el(signed_info, DS, "Reference", Id=f"{sid}-ref-SignedProperties", Type=_SP_TYPE,
                    URI=f"#{sid}-SignedProperties")
    _el(props_ref, DS, "DigestMethod", Algorithm=xmlsig.DIGEST_URI["sha256"])
    props_digest = _el(props_ref, DS, "DigestValue", "")
    _el(sig, DS, "SignatureValue", "", Id=f"{sid}-SIG")
    x509_data = _el(_el(sig, DS, "KeyInfo"), DS, "X509Data")
    _el(x509_data, DS, "X509Certificate", _b64(signer.public_bytes(Encoding.DER)))
    obj = _el(sig, DS, "Object")
    qualifying = etree.SubElement(obj, f"{{{XADES}}}QualifyingProperties",
                                  {"Id": f"{sid}-QualifyingProperties", "Target": f"#{sid}"}, nsmap={"xades": XADES})
    props = _el(qualifying, XADES, "SignedProperties", Id=f"{sid}-SignedProperties")
    ssp = _el(props, XADES, "SignedSignatureProperties", Id=f"{sid}-SignedSignatureProperties")
    _el(ssp, XADES, "SigningTime", signing_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    cert_el = _el(_el(ssp, XADES, "SigningCertificateV2"), XADES, "Cert")
    digest_el = _el(cert_el, XADES, "CertDigest")
    _el(digest_el, DS, "DigestMethod", Algorithm=xmlsig.DIGEST_URI["sha256"])
    _el(digest_el, DS, "DigestValue", _b64(hashlib.sha256(signer.public_bytes(Encoding.DER)).digest()))
    _el(cert_el, XADES, "IssuerSerialV2", _b64(_issuer_serial_v2(signer)))
    sdop = _el(props, XADES, "SignedDataObjectProperties")
    for number, data_file in enumerate(files, 1):
        dof = _el(sdop, XADES, "DataObjectFormat", ObjectReference=f"#{sid}-ref-{number}")
        _el(dof, XADES, "MimeType", data_file.media_type)
    props_digest.text = _b64(hashlib.sha256(xmlsig.canonicalise(props, xmlsig.C14N_10)).digest())
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)
    return Prepared(document=document, signed_info_c14n=signed_info_c14n(document), hash_name=hash_name)


def _parse(document: bytes) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(document, secure_parser())
    signatures = root.findall(f"{{{DS}}}Signature")
    if len(signatures) != 1:
        raise ValueError("expected one signature")
    return root, signatures[0]


def _find(sig: etree._Element, path: str) -> etree._Element:
    found = sig.find(path, {"ds": DS, "xades": XADES})
    if found is None:
        raise ValueError(f"missing {path}")
    return found


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False))


def signed_info_c14n(document: bytes) -> bytes:
    _, sig = _parse(document)
    signed_info = _find(sig, "ds:SignedInfo")
    return xmlsig.canonicalise(signed_info, _find(signed_info, "ds:CanonicalizationMethod").get("Algorithm", C14N))


def with_signature_value(document: bytes, signature: bytes) -> bytes:
    """Put the card's signature (raw r‖s for EC, PKCS#1 v1.5 for RSA) into SignatureValue."""
    root, sig = _parse(document)
    _find(sig, "ds:SignatureValue").text = _b64(signature)
    return _serialise(root)


def signature_value_c14n(document: bytes) -> bytes:
    """The octets a SignatureTimeStamp's imprint covers: the canonical ds:SignatureValue element."""
    _, sig = _parse(document)
    return xmlsig.canonicalise(_find(sig, "ds:SignatureValue"), C14N)


def _unsigned_properties(sig: etree._Element) -> etree._Element:
    qualifying = _find(sig, "ds:Object/xades:QualifyingProperties")
    unsigned = qualifying.find(f"{{{XADES}}}UnsignedProperties")
    if unsigned is None:
        sid = sig.get("Id", "S1")
        unsigned = _el(qualifying, XADES, "UnsignedProperties", Id=f"{sid}-UnsignedProperties")
        _el(unsigned, XADES, "UnsignedSignatureProperties", Id=f"{sid}-UnsignedSignatureProperties")
    return _find(unsigned, "xades:UnsignedSignatureProperties")


def with_timestamp(document: bytes, token: bytes) -> bytes:
    """Add the SignatureTimeStamp (level T): an RFC 3161 token over ``signature_value_c14n``."""
    root, sig = _parse(document)
    usp = _unsigned_properties(sig)
    stamp = _el(usp, XADES, "SignatureTimeStamp", Id=f"{sig.get('Id', 'S1')}-ts-0")
    _el(stamp, DS, "CanonicalizationMethod", Algorithm=C14N)
    _el(stamp, XADES, "EncapsulatedTimeStamp", _b64(token))
    return _serialise(root)


def with_validation_data(document: bytes, certificates: Sequence[x509.Certificate],
                         ocsp_responses: Sequence[bytes]) -> bytes:
    """Add CertificateValues and RevocationValues (OCSP answers, DER OCSPResponse): level LT."""
    root, sig = _parse(document)
    usp = _unsigned_properties(sig)
    values = _el(usp, XADES, "CertificateValues")
    for cert in certificates:
        _el(values, XADES, "EncapsulatedX509Certificate", _b64(cert.public_bytes(Encoding.DER)))
    ocsp_values = _el(_el(usp, XADES, "RevocationValues"), XADES, "OCSPValues")
    for answer in ocsp_responses:
        _el(ocsp_values, XADES, "EncapsulatedOCSPValue", _b64(answer))
    return _serialise(root)


def manifest(files: Sequence[tuple[str, str]]) -> bytes:
    root = etree.Element(f"{{{MANIFEST_NS}}}manifest", nsmap={"manifest": MANIFEST_NS})
    root.set(f"{{{MANIFEST_NS}}}version", "1.2")
    for path, media_type in [("/", MIMETYPE.decode()), *files]:
        entry = etree.SubElement(root, f"{{{MANIFEST_NS}}}file-entry")
        entry.set(f"{{{MANIFEST_NS}}}full-path", path)
        entry.set(f"{{{MANIFEST_NS}}}media-type", media_type)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def write_container(files: Sequence[tuple[str, str, bytes]], signatures: dict[str, bytes],
                    when: datetime | None = None) -> bytes:
    """The ASiC-E ZIP: ``files`` as (name, media type, content), ``signatures`` by entry name."""
    stamp = (when or datetime.now(UTC)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        def put(name: str, content: bytes, compression: int) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = compression
            info.extra = b""
            archive.writestr(info, content)

        put("mimetype", MIMETYPE, zipfile.ZIP_STORED)
        put(MANIFEST_NAME, manifest([(name, media) for name, media, _ in files]), zipfile.ZIP_DEFLATED)
        for name, _, content in files:
            put(name, content, zipfile.ZIP_DEFLATED)
        for name, document in signatures.items():
            put(name, document, zipfile.ZIP_DEFLATED)
    return out.getvalue()
