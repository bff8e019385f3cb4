"""Qualified-signature-style test certificates on the test PKI: the signing certificate a Latvian
eID card carries (nonRepudiation key usage, the signing policy), for tests and the demo only."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.testpki import PrivateKey, TestCa


def make_sign_cert(ca: TestCa, key: PrivateKey, *, given: str = "JĀNIS", surname: str = "BĒRZIŅŠ",
                   code: str = "321922-33032", ocsp_url: str | None = None) -> x509.Certificate:
    """A signing certificate: the Latvian subject layout, nonRepudiation only (libdigidocpp
    refuses a signing certificate without it)."""
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{given} {surname}"),
                         x509.NameAttribute(NameOID.SURNAME, surname),
                         x509.NameAttribute(NameOID.GIVEN_NAME, given),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOLV-{code}")])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=1800))
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=True, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.CertificatePolicies([x509.PolicyInformation(
                   x509.ObjectIdentifier("0.4.0.194112.1.2"), None)]), critical=False))  # QCP-n-qscd
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess(
            [x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP,
                                    x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    return builder.sign(ca.key, hashes.SHA384() if isinstance(ca.key, ec.EllipticCurvePrivateKey) else hashes.SHA256())
