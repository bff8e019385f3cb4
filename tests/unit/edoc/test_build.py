"""The container builder: fixed vectors for the prepared signature, and full LT containers made
with the test CA, the test TSA and test OCSP answers, judged by the kiosk's verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from gateway.testpki import make_auth_cert, make_ca, new_key
from tests.unit.edoc.lt import FILES, data_files, lt_signature, raw_sign
from wire.edoc import SignatureProblem, Trust, Verdict
from wire.edoc.build import (
    SIGNATURE_FILE,
    DataFile,
    prepare,
    with_signature_value,
    write_container,
)
from wire.edoc.container import MIMETYPE
from wire.edoc.verify import verify_container
from wire.edoc.xmlsig import DS, XADES

# A fixed self-signed P-384 certificate (its key: the scalar below), so prepared output is stable.
FIXED_SCALAR = 0x5EC0DE_0123456789ABCDEF_0123456789ABCDEF_0123456789ABCDEF
FIXED_CERT = b"""-----BEGIN CERTIFICATE-----
MIIB9jCCAXygAwIBAgIFEjRWeJAwCgYIKoZIzj0EAwMwZDELMAkGA1UEBhMCTFYx
FjAUBgNVBAMMDVBBUkFVR1MgVEVTVFMxDjAMBgNVBAQMBVRFU1RTMRAwDgYDVQQq
DAdQQVJBVUdTMRswGQYDVQQFExJQTk9MVi0wMDAwMDAtMDAwMDAwHhcNMjYwMTAx
MDAwMDAwWhcNMzYwMTAxMDAwMDAwWjBkMQswCQYDVQQGEwJMVjEWMBQGA1UEAwwN
UEFSQVVHUyBURVNUUzEOMAwGA1UEBAwFVEVTVFMxEDAOBgNVBCoMB1BBUkFVR1Mx
GzAZBgNVBAUTElBOT0xWLTAwMDAwMC0wMDAwMDB2MBAGByqGSM49AgEGBSuBBAAi
A2IABAxGKlt8940BgpYKIRQRz75t7SpeLm9Wlz1kvUiP+8cvnWOTRkUmv4YjitHO
9p39ZU4m6TwKg+M/c2Q4Nydt689E7mJYCaAEPQeHJ0Mf1l7Se7D8DbnEWDTbMkeF
4lFzOTAKBggqhkjOPQQDAwNoADBlAjEAxNfM2y88ZHmCEi5rzR+5N/lfbpV4Ms7e
usdUMv2o8kBgYa8e6Obo70QSJmR/jSDxAjArVCJhFlN8VwBOkNN01sbSZ0svWxd8
oI2JzPkbPRxP0T8lrr3X7G/JN+DCkYF9uAQ=
-----END CERTIFICATE-----
"""
# Regression vectors: the prepared document and the digest the card signs for FILES, FIXED_CERT, FIXED_TIME.
FIXED_DOCUMENT_SHA256 = "92f885f304e4c419e6792fd44cef6dc467e56a95998cc888eb752f17304ef098"
FIXED_DIGEST_TO_SIGN = "0bcac9be0090ee52ca9631e369505a93ffebec3b5de9f9d8c3a6c6cd3bc0a373"
FIXED_TIME = dt.datetime(2026, 12, 6, 12, 0, 0, tzinfo=dt.UTC)
NS = {"ds": DS, "xades": XADES}


def test_prepared_signature_matches_the_fixed_vector() -> None:
    cert = x509.load_pem_x509_certificate(FIXED_CERT)
    prepared = prepare(data_files(), cert, FIXED_TIME)
    assert prepared.hash_name == "sha256"  # eParaksts: ecdsa-sha256 with a P-384 key
    assert b"#ecdsa-sha256" in prepared.document
    assert hashlib.sha256(prepared.document).hexdigest() == FIXED_DOCUMENT_SHA256
    assert prepared.digest_to_sign.hex() == FIXED_DIGEST_TO_SIGN
    root = etree.fromstring(prepared.document)
    refs = root.findall("ds:Signature/ds:SignedInfo/ds:Reference", NS)
    assert [r.get("URI") for r in refs] == ["l%C4%ABgums.pdf", "a%20b.txt", "#S1-SignedProperties"]
    assert [d.findtext("xades:MimeType", namespaces=NS) for d in root.iter(f"{{{XADES}}}DataObjectFormat")] == \
        ["application/pdf", "text/plain"]
    assert root.find(".//xades:SigningCertificateV2", NS) is not None
    assert root.findtext(".//xades:SigningTime", namespaces=NS) == "2026-12-06T12:00:00Z"


def test_fixed_key_signature_verifies_over_the_fixed_digest() -> None:
    cert = x509.load_pem_x509_certificate(FIXED_CERT)
    key = ec.derive_private_key(FIXED_SCALAR, ec.SECP384R1())
    prepared = prepare(data_files(), cert, FIXED_TIME)
    document = with_signature_value(prepared.document, raw_sign(key, prepared.signed_info_c14n, "sha256"))
    (sig,) = verify_container(write_container(FILES, {SIGNATURE_FILE: document})).signatures
    assert len(etree.fromstring(document).findtext(".//ds:SignatureValue", namespaces=NS)) == 128  # 96 bytes r‖s
    assert sig.problems == (SignatureProblem.NO_TIMESTAMP,) and sig.level == "B"


def test_data_file_names_are_checked() -> None:
    for bad in ("../x", "META-INF/manifest.xml", "mimetype", "/abs"):
        with pytest.raises(ValueError):
            DataFile(bad, "text/plain", bytes(32))


def _lt_container(revoked: bool = False, kind: str = "p384",
                  foreign_tsa: bool = False) -> tuple[bytes, x509.Certificate]:
    ca = make_ca()
    document, _ = lt_signature(ca, kind=kind, tsa_ca=make_ca("Some other TSA CA") if foreign_tsa else None,
                               revoked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1) if revoked else None)
    return write_container(FILES, {SIGNATURE_FILE: document}), ca.cert


@pytest.mark.parametrize("kind", ["p384", "p256"])
def test_full_lt_container_is_valid_and_trusted(kind: str) -> None:
    data, root = _lt_container(kind=kind)
    report = verify_container(data, anchors=[root])
    assert report.verdict is Verdict.VALID, report
    (sig,) = report.signatures
    assert sig.level == "LT" and sig.trust is Trust.TRUSTED
    assert sig.signer == "JĀNIS BĒRZIŅŠ"
    assert set(sig.files) == {"līgums.pdf", "a b.txt"}
    assert sig.timestamp_time is not None and sig.timestamp_time >= sig.claimed_signing_time - dt.timedelta(seconds=1)
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
    assert archive.read("mimetype") == MIMETYPE
    assert [i.filename for i in archive.infolist()][1:2] == ["META-INF/manifest.xml"]
    assert SIGNATURE_FILE in archive.namelist()


def test_a_time_stamp_from_an_untrusted_tsa_is_not_valid() -> None:
    data, root = _lt_container(foreign_tsa=True)
    assert verify_container(data).verdict is Verdict.VALID  # without anchors: integrity only
    report = verify_container(data, anchors=[root])
    (sig,) = report.signatures
    assert report.verdict is Verdict.INDETERMINATE
    assert sig.trust is Trust.UNTRUSTED and sig.problems == (SignatureProblem.UNTRUSTED_CHAIN,)


def test_revoked_signer_is_invalid() -> None:
    data, root = _lt_container(revoked=True)
    (sig,) = verify_container(data, anchors=[root]).signatures
    assert sig.verdict is Verdict.INVALID and SignatureProblem.CERT_REVOKED in sig.problems


def test_a_file_changed_after_signing_is_invalid() -> None:
    data, _ = _lt_container()
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = [(i.filename, archive.read(i.filename)) for i in archive.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for name, content in entries:
            info = zipfile.ZipInfo(name)
            rewritten.writestr(info, content.replace(b"hello", b"HELLO") if name == "a b.txt" else content)
    (sig,) = verify_container(out.getvalue()).signatures
    assert sig.problems == (SignatureProblem.DIGEST_MISMATCH,)


def test_another_key_than_the_certificate_is_invalid() -> None:
    ca = make_ca()
    key, other = new_key("p384"), new_key("p384")
    assert isinstance(other, ec.EllipticCurvePrivateKey)
    prepared = prepare(data_files(), make_auth_cert(ca, key), FIXED_TIME)
    document = with_signature_value(prepared.document, raw_sign(other, prepared.signed_info_c14n, "sha256"))
    (sig,) = verify_container(write_container(FILES, {SIGNATURE_FILE: document})).signatures
    assert sig.problems == (SignatureProblem.SIGNATURE_VALUE,)
