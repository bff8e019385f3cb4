"""Judging a container: the ZIP checks, then each XAdES signature on its own.

A signature is INVALID when something verifiably fails (a digest, the signature value, the
signing certificate binding, a time-stamp or OCSP answer that does not verify, a revoked
certificate, OCSP produced before the time-stamp); INDETERMINATE when it cannot be shown valid
(no time-stamp, no revocation data, an unsupported algorithm, no chain to a configured anchor);
VALID otherwise. A container is VALID only when every signature is and every data file is signed."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import unquote

from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID
from lxml import etree

from wire.edoc import xmlsig
from wire.edoc.container import Container, ContainerError, read_container, secure_parser
from wire.edoc.model import (
    ContainerProblem,
    ContainerReport,
    SignatureProblem,
    SignatureReport,
    Trust,
    Verdict,
)
from wire.edoc.tokens import TokenError, parse_ocsp, parse_timestamp
from wire.edoc.xmlsig import DS, XADES, AlgorithmUnsupported

_NS = {"ds": DS, "xades": XADES}
_SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"


class _Fatal(Exception):
    def __init__(self, problem: SignatureProblem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def verify_container(data: bytes, anchors: Sequence[x509.Certificate] = ()) -> ContainerReport:
    """Judge a container's bytes. ``anchors``: trusted root/intermediate certificates, if any."""
    try:
        container = read_container(data)
    except ContainerError as exc:
        return ContainerReport(verdict=Verdict.INVALID, files=(), problems=(exc.problem,))
    files = tuple(sorted(container.data_files))
    reports: list[SignatureReport] = []
    for name, document in sorted(container.signatures.items()):
        reports.extend(_verify_document(name, document, container, anchors))
    problems: list[ContainerProblem] = []
    if not reports:
        problems.append(ContainerProblem.NO_SIGNATURES)
    covered = {f for r in reports if r.verdict is not Verdict.INVALID for f in r.files}
    if reports and set(files) - covered:
        problems.append(ContainerProblem.UNSIGNED_FILE)
    verdicts = {r.verdict for r in reports}
    if problems or Verdict.INVALID in verdicts:
        verdict = Verdict.INVALID
    elif Verdict.INDETERMINATE in verdicts:
        verdict = Verdict.INDETERMINATE
    else:
        verdict = Verdict.VALID
    return ContainerReport(verdict=verdict, files=files, signatures=tuple(reports), problems=tuple(problems))


def _failed(name: str, problem: SignatureProblem) -> SignatureReport:
    return SignatureReport(name=name, verdict=Verdict.INVALID, signer=None, signer_serial_number=None,
                           timestamp_time=None, claimed_signing_time=None, files=(), level="B",
                           trust=Trust.NOT_CHECKED, problems=(problem,))


def _verify_document(name: str, document: bytes, container: Container,
                     anchors: Sequence[x509.Certificate]) -> list[SignatureReport]:
    try:
        root = etree.fromstring(document, secure_parser())
    except etree.XMLSyntaxError:
        return [_failed(name, SignatureProblem.XML_MALFORMED)]
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        return [_failed(name, SignatureProblem.XML_DTD)]
    signatures = root.findall("ds:Signature", _NS) if root.tag != f"{{{DS}}}Signature" else [root]
    if not signatures:
        return [_failed(name, SignatureProblem.STRUCTURE)]
    ids = [el.get("Id") for el in root.iter() if isinstance(el.tag, str) and el.get("Id")]
    if len(ids) != len(set(ids)):  # duplicate Ids enable signature wrapping
        return [_failed(name, SignatureProblem.STRUCTURE)]
    return [_verify_signature(name, sig, container, anchors) for sig in signatures]


def _one(parent: etree._Element, path: str) -> etree._Element:
    found = parent.findall(path, _NS)
    if len(found) != 1:
        raise _Fatal(SignatureProblem.STRUCTURE)
    return found[0]


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise _Fatal(SignatureProblem.STRUCTURE) from None


def _signer_name(cert: x509.Certificate) -> tuple[str, str | None]:
    def first(oid: x509.ObjectIdentifier) -> str | None:
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None

    given, surname = first(NameOID.GIVEN_NAME), first(NameOID.SURNAME)
    name = f"{given} {surname}" if given and surname else first(NameOID.COMMON_NAME) or cert.subject.rfc4514_string()
    return name, first(NameOID.SERIAL_NUMBER)


def _verify_signature(name: str, sig: etree._Element, container: Container,
                      anchors: Sequence[x509.Certificate]) -> SignatureReport:
    problems: list[SignatureProblem] = []
    signer = serial = None
    ts_time: datetime | None = None
    claimed: datetime | None = None
    files: list[str] = []
    level = "B"
    trust = Trust.NOT_CHECKED
    try:
        signed_info = _one(sig, "ds:SignedInfo")
        c14n_method = _one(signed_info, "ds:CanonicalizationMethod").get("Algorithm", "")
        sig_method = _one(signed_info, "ds:SignatureMethod").get("Algorithm", "")
        signature_value_el = _one(sig, "ds:SignatureValue")
        qualifying = _one(sig, "ds:Object/xades:QualifyingProperties")
        signed_props = _one(qualifying, "xades:SignedProperties")
        files = _check_references(signed_info, signed_props, container)
        key_certs = [x509.load_der_x509_certificate(_b64(el.text))
                     for el in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)]
        signing_cert = _signing_certificate(signed_props, key_certs)
        signer, serial = _signer_name(signing_cert)
        if not xmlsig.verify_signature_value(signing_cert, sig_method, _b64(signature_value_el.text),
                                             xmlsig.canonicalise(signed_info, c14n_method)):
            raise _Fatal(SignatureProblem.SIGNATURE_VALUE)
        unsigned = qualifying.find("xades:UnsignedProperties/xades:UnsignedSignatureProperties", _NS)
        extra_certs = _certificate_values(unsigned)
        if anchors:
            trust = _chain_trust(signing_cert, key_certs + extra_certs, anchors)
            if trust is Trust.UNTRUSTED:
                problems.append(SignatureProblem.UNTRUSTED_CHAIN)
        time_el = signed_props.find("xades:SignedSignatureProperties/xades:SigningTime", _NS)
        if time_el is not None and time_el.text:
            try:
                claimed = datetime.fromisoformat(time_el.text.strip().replace("Z", "+00:00"))
            except ValueError:
                raise _Fatal(SignatureProblem.STRUCTURE) from None
        authorities: list[x509.Certificate] = []  # the TSA's and OCSP responder's certificates
        ts_time = _check_timestamp(unsigned, signature_value_el, problems, authorities)
        if ts_time is not None:
            level = "T"
            if _check_revocation(unsigned, signing_cert, ts_time, key_certs + extra_certs, problems, authorities):
                level = "LT"
            if unsigned is not None and unsigned.find(f"{{{xmlsig.XADES141}}}ArchiveTimeStamp") is not None:
                level = "LTA" if level == "LT" else level
        if anchors and trust is Trust.TRUSTED and any(
                _chain_trust(a, key_certs + extra_certs, anchors) is not Trust.TRUSTED for a in authorities):
            trust = Trust.UNTRUSTED  # the signer chains, but the TSA or OCSP responder does not
            problems.append(SignatureProblem.UNTRUSTED_CHAIN)
    except _Fatal as exc:
        problems.append(exc.problem)
    except AlgorithmUnsupported:
        problems.append(SignatureProblem.UNSUPPORTED_ALGORITHM)
    except ValueError:  # a certificate that does not parse
        problems.append(SignatureProblem.STRUCTURE)
    if any(p.fatal for p in problems):
        verdict = Verdict.INVALID
    elif problems:
        verdict = Verdict.INDETERMINATE
    else:
        verdict = Verdict.VALID
    return SignatureReport(name=name, verdict=verdict, signer=signer, signer_serial_number=serial,
                           timestamp_time=ts_time, claimed_signing_time=claimed, files=tuple(files),
                           level=level, trust=trust, problems=tuple(problems))


def _check_references(signed_info: etree._Element, signed_props: etree._Element,
                      container: Container) -> list[str]:
    """Check every Reference's digest; return the data files covered. Exactly one must be the
    SignedProperties of this very signature (no wrapping)."""
    files: list[str] = []
    props_refs = 0
    for ref in signed_info.findall("ds:Reference", _NS):
        uri = ref.get("URI")
        method = _one(ref, "ds:DigestMethod").get("Algorithm", "")
        expected = _b64(_one(ref, "ds:DigestValue").text)
        if uri is None:
            raise _Fatal(SignatureProblem.REFERENCE_MISSING)
        if uri.startswith("#"):
            if uri[1:] != signed_props.get("Id") or ref.get("Type") not in (None, _SIGNED_PROPERTIES_TYPE):
                raise _Fatal(SignatureProblem.REFERENCE_MISSING)
            transforms = [t.get("Algorithm", "") for t in ref.findall("ds:Transforms/ds:Transform", _NS)]
            c14n = transforms[-1] if transforms else xmlsig.C14N_10
            if any(t != c14n for t in transforms):
                raise AlgorithmUnsupported("transform chain")
            octets = xmlsig.canonicalise(signed_props, c14n)
            props_refs += 1
        else:
            if ref.find("ds:Transforms", _NS) is not None:
                raise AlgorithmUnsupported("transforms on a data file")
            file_name = unquote(uri)
            if file_name not in container.data_files:
                raise _Fatal(SignatureProblem.REFERENCE_MISSING)
            octets = container.data_files[file_name]
            files.append(file_name)
        if xmlsig.digest(octets, method) != expected:
            raise _Fatal(SignatureProblem.DIGEST_MISMATCH)
    if props_refs != 1 or not files:
        raise _Fatal(SignatureProblem.STRUCTURE)
    return files


def _signing_certificate(signed_props: etree._Element, key_certs: list[x509.Certificate]) -> x509.Certificate:
    """The KeyInfo certificate whose digest SigningCertificate(V2) names (the key-substitution check)."""
    ssp = _one(signed_props, "xades:SignedSignatureProperties")
    cert_refs = ssp.findall("xades:SigningCertificateV2/xades:Cert", _NS) + \
        ssp.findall("xades:SigningCertificate/xades:Cert", _NS)
    if len(cert_refs) != 1 or not key_certs:
        raise _Fatal(SignatureProblem.SIGNING_CERT_MISMATCH)
    cert_digest = _one(cert_refs[0], "xades:CertDigest")
    method = _one(cert_digest, "ds:DigestMethod").get("Algorithm", "")
    value = _b64(_one(cert_digest, "ds:DigestValue").text)
    matches = [c for c in key_certs if xmlsig.cert_digest(c, method) == value]
    if len(matches) != 1:
        raise _Fatal(SignatureProblem.SIGNING_CERT_MISMATCH)
    return matches[0]


def _certificate_values(unsigned: etree._Element | None) -> list[x509.Certificate]:
    if unsigned is None:
        return []
    return [x509.load_der_x509_certificate(_b64(el.text))
            for el in unsigned.findall("xades:CertificateValues/xades:EncapsulatedX509Certificate", _NS)]


def _check_timestamp(unsigned: etree._Element | None, signature_value_el: etree._Element,
                     problems: list[SignatureProblem], authorities: list[x509.Certificate]) -> datetime | None:
    """The SignatureTimeStamp's time, after checking its imprint over the canonical SignatureValue."""
    stamps = [] if unsigned is None else unsigned.findall("xades:SignatureTimeStamp", _NS)
    if not stamps:
        problems.append(SignatureProblem.NO_TIMESTAMP)
        return None
    stamp = stamps[0]
    method_el = stamp.find("ds:CanonicalizationMethod", _NS)
    method = method_el.get("Algorithm", xmlsig.C14N_10) if method_el is not None else xmlsig.C14N_10
    try:
        token = parse_timestamp(_b64(_one(stamp, "xades:EncapsulatedTimeStamp").text))
    except TokenError:
        raise _Fatal(SignatureProblem.TIMESTAMP_INVALID) from None
    octets = xmlsig.canonicalise(signature_value_el, method)
    if token.imprint_algorithm not in ("sha256", "sha384", "sha512"):
        raise AlgorithmUnsupported(token.imprint_algorithm)
    if hashlib.new(token.imprint_algorithm, octets).digest() != token.imprint:
        raise _Fatal(SignatureProblem.TIMESTAMP_INVALID)
    authorities.append(token.tsa_certificate)
    return token.gen_time


def _check_revocation(unsigned: etree._Element | None, signing_cert: x509.Certificate, ts_time: datetime,
                      known: list[x509.Certificate], problems: list[SignatureProblem],
                      authorities: list[x509.Certificate]) -> bool:
    """True when an OCSP answer for the signer says "good", verifies, and was produced after the stamp."""
    values = [] if unsigned is None else unsigned.findall(
        "xades:RevocationValues/xades:OCSPValues/xades:EncapsulatedOCSPValue", _NS)
    answers = []
    for value in values:
        try:
            answers.append(parse_ocsp(_b64(value.text), known))
        except TokenError:
            raise _Fatal(SignatureProblem.OCSP_INVALID) from None
    mine = [a for a in answers if a.serial_number == signing_cert.serial_number]
    if not mine:
        problems.append(SignatureProblem.NO_REVOCATION)
        return False
    answer = mine[0]
    if answer.responder is not None:
        authorities.append(answer.responder)
    if answer.status == ocsp.OCSPCertStatus.REVOKED:
        raise _Fatal(SignatureProblem.CERT_REVOKED)
    if answer.produced_at < ts_time:
        raise _Fatal(SignatureProblem.OCSP_BEFORE_TIMESTAMP)
    if answer.status != ocsp.OCSPCertStatus.GOOD:
        problems.append(SignatureProblem.CERT_STATUS_UNKNOWN)
        return False
    if not answer.verified:
        problems.append(SignatureProblem.OCSP_UNVERIFIED)
        return False
    return True


def _chain_trust(cert: x509.Certificate, pool: list[x509.Certificate],
                 anchors: Sequence[x509.Certificate]) -> Trust:
    """Walk issuer links (signatures checked) through ``pool`` until an anchor is reached."""
    current = cert
    for _ in range(8):
        for anchor in anchors:
            if current == anchor or _issued_by(current, anchor):
                return Trust.TRUSTED
        issuers = [c for c in pool if c != current and _issued_by(current, c)]
        if not issuers:
            return Trust.UNTRUSTED
        current = issuers[0]
    return Trust.UNTRUSTED


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):  # InvalidSignature and mismatched names alike
        return False
    return True
