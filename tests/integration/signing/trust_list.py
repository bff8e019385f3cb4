"""A signed test trust list (ETSI TS 119 612) for libdigidocpp, made from the test PKI's CAs.

Two lists, as the EU publishes them: a list of the lists (``pietura-lotl.xml``, TSLType
EUlistofthelists) signed by a "LOTL" key whose certificate libdigidocpp is given as its only
trusted TSL certificate, pointing at a Latvian list (``LV.xml``, TSLType EUgeneric) signed by a
"scheme operator" key named in that pointer. The Latvian list names each given CA as a granted
``CA/QC`` service with the extensions the Latvian list carries for eParaksts card CAs
(``ForeSignatures``; certificates under the QCP-n-qscd policy or with nonRepudiation are qualified
(``QCForESig``) and on a QSCD (``QCWithQSCD``)), and as a ``TSA/QTST`` service (the test TSA and
the OCSP responder are certified by the same CA). Both lists are XAdES-enveloped signatures
(``ds:Signature`` last in the root, a Reference to the whole document with the enveloped transform
and one to the SignedProperties), RSA-SHA256, exclusive C14N — what libdigidocpp's
``TSL::validate`` checks with xmlsec against the key in ``KeyInfo``."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

TSL_NS = "http://uri.etsi.org/02231/v2#"
ADD_NS = "http://uri.etsi.org/02231/v2/additionaltypes#"
ECC_NS = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SVC = "http://uri.etsi.org/TrstSvc/Svctype/"
EXT = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
QCP_N_QSCD = "0.4.0.194112.1.2"
LOTL_NAME = "pietura-lotl.xml"
# Where the lists say they live. libdigidocpp reads them from its cache folder (files named after
# these addresses) and, with tsl.autoupdate=false, never fetches them.
LOTL_URL = f"https://tl.pietura.test/{LOTL_NAME}"
LV_URL = "https://tl.pietura.test/LV.xml"


@dataclasses.dataclass(frozen=True)
class TrustList:
    """The files of a trust list: name → bytes, and the certificate that signs the list of lists."""

    files: dict[str, bytes]
    lotl_signer: x509.Certificate

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        (folder / "lotl-signer.der").write_bytes(self.lotl_signer.public_bytes(serialization.Encoding.DER))


def _signer(common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pietura test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=1800))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _der64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def _time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = TSL_NS,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _names(parent: etree._Element, tag: str, name: str) -> None:
    _sub(_sub(parent, tag), "Name", name, **{XML_LANG: "en"})


def _digital_identity(parent: etree._Element, tag: str, cert: x509.Certificate) -> None:
    _sub(_sub(_sub(parent, tag), "DigitalId"), "X509Certificate", _der64(cert))


def _scheme_information(root: etree._Element, *, tsl_type: str, territory: str, operator: str) -> etree._Element:
    info = _sub(root, "SchemeInformation")
    _sub(info, "TSLVersionIdentifier", "5")
    _sub(info, "TSLSequenceNumber", "1")
    _sub(info, "TSLType", tsl_type)
    _names(info, "SchemeOperatorName", operator)
    _names(info, "SchemeName", f"{territory}: Pietura test trusted list")
    _sub(_sub(info, "SchemeInformationURI"), "URI", "https://tl.pietura.test/", **{XML_LANG: "en"})
    _sub(info, "StatusDeterminationApproach", "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate")
    _sub(info, "SchemeTerritory", territory)
    _sub(info, "HistoricalInformationPeriod", "65535")
    return info


def _finish_scheme_information(info: etree._Element, issued: dt.datetime, url: str) -> None:
    _sub(info, "ListIssueDateTime", _time(issued))
    _sub(_sub(info, "NextUpdate"), "dateTime", _time(issued + dt.timedelta(days=180)))
    _sub(_sub(info, "DistributionPoints"), "URI", url)


def _qualifications(extensions: etree._Element) -> None:
    """eParaksts-style qualification of a card CA's certificates: those under QCP-n-qscd or with
    nonRepudiation are qualified certificates for e-signatures on a QSCD."""
    qualifications = etree.SubElement(_sub(extensions, "Extension", Critical="true"), f"{{{ECC_NS}}}Qualifications",
                                      nsmap={"ecc": ECC_NS, "xades": XADES_NS})
    element = _sub(qualifications, "QualificationElement", ns=ECC_NS)
    qualifiers = _sub(element, "Qualifiers", ns=ECC_NS)
    for uri in ("QCWithQSCD", "QCForESig"):
        _sub(qualifiers, "Qualifier", ns=ECC_NS, uri=EXT + uri)
    criteria = _sub(element, "CriteriaList", ns=ECC_NS, **{"assert": "atLeastOne"})
    usage = _sub(criteria, "KeyUsage", ns=ECC_NS)
    _sub(usage, "KeyUsageBit", "true", ns=ECC_NS, name="nonRepudiation")
    policy = _sub(_sub(criteria, "PolicySet", ns=ECC_NS), "PolicyIdentifier", ns=ECC_NS)
    _sub(policy, "Identifier", QCP_N_QSCD, ns=XADES_NS)


def _service(services: etree._Element, kind: str, cert: x509.Certificate, since: dt.datetime) -> None:
    info = _sub(_sub(services, "TSPService"), "ServiceInformation")
    _sub(info, "ServiceTypeIdentifier", SVC + kind)
    common_name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    _names(info, "ServiceName", str(common_name[0].value) if common_name else cert.subject.rfc4514_string())
    _digital_identity(info, "ServiceDigitalIdentity", cert)
    _sub(info, "ServiceStatus", "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted")
    _sub(info, "StatusStartingTime", _time(since))
    if kind == "CA/QC":
        extensions = _sub(info, "ServiceInformationExtensions")
        additional = _sub(_sub(extensions, "Extension", Critical="false"), "AdditionalServiceInformation")
        _sub(additional, "URI", EXT + "ForeSignatures", **{XML_LANG: "en"})
        _qualifications(extensions)


def _sign(root: etree._Element, key: rsa.RSAPrivateKey, cert: x509.Certificate, when: dt.datetime) -> bytes:
    """Append an XAdES-BES enveloped signature to ``root`` and return the document's bytes."""
    document_digest = hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True)).digest()
    signature = etree.SubElement(root, f"{{{DS_NS}}}Signature", Id="tsl-signature", nsmap={"ds": DS_NS})
    signed_info = _sub(signature, "SignedInfo", ns=DS_NS)
    _sub(signed_info, "CanonicalizationMethod", ns=DS_NS, Algorithm=EXC_C14N)
    _sub(signed_info, "SignatureMethod", ns=DS_NS, Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    reference = _sub(signed_info, "Reference", ns=DS_NS, Id="tsl-reference", URI="")
    transforms = _sub(reference, "Transforms", ns=DS_NS)
    _sub(transforms, "Transform", ns=DS_NS, Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    _sub(transforms, "Transform", ns=DS_NS, Algorithm=EXC_C14N)
    _sub(reference, "DigestMethod", ns=DS_NS, Algorithm=SHA256)
    _sub(reference, "DigestValue", base64.b64encode(document_digest).decode("ascii"), ns=DS_NS)
    value = _sub(signature, "SignatureValue", ns=DS_NS)
    _sub(_sub(_sub(signature, "KeyInfo", ns=DS_NS), "X509Data", ns=DS_NS), "X509Certificate", _der64(cert), ns=DS_NS)
    qualifying = etree.SubElement(_sub(signature, "Object", ns=DS_NS), f"{{{XADES_NS}}}QualifyingProperties",
                                  Target="#tsl-signature", nsmap={"xades": XADES_NS})
    signed = _sub(_sub(qualifying, "SignedProperties", ns=XADES_NS, Id="tsl-signed-properties"),
                  "SignedSignatureProperties", ns=XADES_NS)
    _sub(signed, "SigningTime", _time(when), ns=XADES_NS)
    cert_v2 = _sub(_sub(signed, "SigningCertificateV2", ns=XADES_NS), "Cert", ns=XADES_NS)
    cert_digest = _sub(cert_v2, "CertDigest", ns=XADES_NS)
    _sub(cert_digest, "DigestMethod", ns=DS_NS, Algorithm=SHA256)
    _sub(cert_digest, "DigestValue", base64.b64encode(
        hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()).decode("ascii"), ns=DS_NS)
    properties = qualifying[0]
    properties_reference = _sub(signed_info, "Reference", ns=DS_NS, URI="#tsl-signed-properties",
                                Type="http://uri.etsi.org/01903#SignedProperties")
    _sub(_sub(properties_reference, "Transforms", ns=DS_NS), "Transform", ns=DS_NS, Algorithm=EXC_C14N)
    _sub(properties_reference, "DigestMethod", ns=DS_NS, Algorithm=SHA256)
    _sub(properties_reference, "DigestValue", base64.b64encode(hashlib.sha256(
        etree.tostring(properties, method="c14n", exclusive=True)).digest()).decode("ascii"), ns=DS_NS)
    value.text = base64.b64encode(key.sign(etree.tostring(signed_info, method="c14n", exclusive=True),
                                           padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _root() -> etree._Element:
    return etree.Element(f"{{{TSL_NS}}}TrustServiceStatusList", Id="tsl", TSLTag="http://uri.etsi.org/19612/TSLTag",
                         nsmap={"tsl": TSL_NS})


def make_trust_list(cas: Sequence[x509.Certificate], *, issued: dt.datetime | None = None) -> TrustList:
    """A list of lists and a Latvian list on which every CA of ``cas`` is a qualified CA and TSA."""
    issued = issued or dt.datetime.now(dt.UTC).replace(microsecond=0)
    since = min(c.not_valid_before_utc for c in cas) if cas else issued
    operator_key, operator_cert = _signer("Pietura test LV trusted list operator")
    lotl_key, lotl_cert = _signer("Pietura test list of the lists")

    national = _root()
    info = _scheme_information(national, tsl_type="http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric",
                               territory="LV", operator="Pietura test LV operator")
    _finish_scheme_information(info, issued, LV_URL)
    provider = _sub(_sub(national, "TrustServiceProviderList"), "TrustServiceProvider")
    tsp = _sub(provider, "TSPInformation")
    _names(tsp, "TSPName", "Pietura test PKI")
    services = _sub(provider, "TSPServices")
    for ca in cas:
        _service(services, "CA/QC", ca, since)
        _service(services, "TSA/QTST", ca, since)
    lv = _sign(national, operator_key, operator_cert, issued)

    lotl = _root()
    info = _scheme_information(lotl, tsl_type="http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists",
                               territory="EU", operator="Pietura test LOTL operator")
    pointer = _sub(_sub(info, "PointersToOtherTSL"), "OtherTSLPointer")
    _digital_identity(_sub(pointer, "ServiceDigitalIdentities"), "ServiceDigitalIdentity", operator_cert)
    _sub(pointer, "TSLLocation", LV_URL)
    additional = _sub(pointer, "AdditionalInformation")
    _sub(_sub(additional, "OtherInformation"), "SchemeTerritory", "LV")
    _sub(_sub(additional, "OtherInformation"), "MimeType", "application/vnd.etsi.tsl+xml", ns=ADD_NS)
    _finish_scheme_information(info, issued, LOTL_URL)
    return TrustList({LOTL_NAME: _sign(lotl, lotl_key, lotl_cert, issued), "LV.xml": lv}, lotl_cert)
