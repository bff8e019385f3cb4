"""Test PKI for emulated cards: root CA → intermediate CA → auth and sign certificates.

Subjects follow the Latvian layout (C, CN "GIVEN SURNAME", SN, GN, serialNumber PNOLV-code);
the ee-2018 variant uses the EstEID layout (CN "SURNAME,GIVEN,CODE", PNOEE-). Nothing here is a
real CA: the intermediate's PEM goes into the test gateway's trust store.

The profile follows real cards so the suite reads what they hold: the RSA card's chain is RSA
(RSA-3072 CAs, sha256WithRSAEncryption), the EC cards' chain EC (P-521 intermediate, as
"LV eID ICA 2025"); leaves carry the usual extensions of EU eID certificates (key identifiers,
AIA caIssuers/OCSP, CRL distribution point, policies with CPS and user notice; QC statements on the
signing certificate). The lv-rsa auth certificate is ~1.65 KB (9 READ BINARY of 0xC0, as real LV
RSA auth certificates: the demo card's is 1733 bytes) and its signing certificate ~2 KB (demo 2124).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from drivers.smartcard.emulator.people import DEMO_CITIZEN, DEMO_CITIZEN_EE, CardHolder
from drivers.smartcard.tlv import encode as tlv

VARIANTS = ("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018")
_POLICY_AUTH = ("0.4.0.2042.1.2", "1.3.6.1.4.1.32061.2.1.2.2")
_POLICY_SIGN = ("0.4.0.194112.1.2",)
_FILES = ("root", "intermediate", "auth", "sign")
_REPOSITORY = "http://repository.pietura.test"
_CPS = "https://repository.pietura.test/cps/pietura-test-eid-cps-v2.pdf"
_NOTICE_AUTH = ("Sertifikāts elektroniskai identifikācijai. Certificate for electronic identification. "
                "Test certificate of the Pietura card emulator.",)
_NOTICE_SIGN = ("Kvalificēts sertifikāts elektroniskajam parakstam. Pietura kartes emulatora testa sertifikāts.",
                "Qualified certificate for electronic signature. Test certificate of the Pietura card emulator, "
                "not issued by a real certification authority. It must not be relied upon for any purpose.")
_PDS = {"en": "https://repository.pietura.test/pds/pietura-test-eid-pds-en.pdf",
        "lv": "https://repository.pietura.test/pds/pietura-test-eid-pds-lv.pdf",
        "et": "https://repository.pietura.test/pds/pietura-test-eid-pds-et.pdf"}

CaKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class CardPki:
    """Certificates and keys of one emulated card and its test CAs."""

    root_cert: x509.Certificate
    root_key: CaKey
    intermediate_cert: x509.Certificate
    intermediate_key: CaKey
    auth_cert: x509.Certificate
    auth_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    sign_cert: x509.Certificate
    sign_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    @property
    def intermediate_pem(self) -> bytes:
        return self.intermediate_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def root_pem(self) -> bytes:
        return self.root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def auth_der(self) -> bytes:
        return self.auth_cert.public_bytes(serialization.Encoding.DER)

    @property
    def sign_der(self) -> bytes:
        return self.sign_cert.public_bytes(serialization.Encoding.DER)

    @property
    def key_kind(self) -> str:
        return "rsa" if isinstance(self.auth_key, rsa.RSAPrivateKey) else "ec"

    def save(self, folder: str | Path) -> None:
        """Write <name>.pem and <name>-key.pem for root, intermediate, auth and sign."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for name in _FILES:
            cert: x509.Certificate = getattr(self, f"{name}_cert")
            key = getattr(self, f"{name}_key")
            (out / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            key_path = out / f"{name}-key.pem"
            key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
            key_path.chmod(0o600)

    @classmethod
    def load(cls, folder: str | Path) -> CardPki:
        src = Path(folder)
        values: dict[str, object] = {}
        for name in _FILES:
            values[f"{name}_cert"] = x509.load_pem_x509_certificate((src / f"{name}.pem").read_bytes())
            values[f"{name}_key"] = serialization.load_pem_private_key(
                (src / f"{name}-key.pem").read_bytes(), password=None)
        return cls(**values)  # type: ignore[arg-type]


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def holder_subject(holder: CardHolder) -> x509.Name:
    """Latvian: C, CN=GIVEN SURNAME, SN, GN, serialNumber=PNOLV-…; Estonian CN=SURNAME,GIVEN,CODE."""
    if holder.country == "EE":
        cn = f"{holder.surname},{holder.given_name},{holder.personal_code}"
    else:
        cn = f"{holder.given_name} {holder.surname}"
    return _name((NameOID.COUNTRY_NAME, holder.country), (NameOID.COMMON_NAME, cn),
                 (NameOID.SURNAME, holder.surname), (NameOID.GIVEN_NAME, holder.given_name),
                 (NameOID.SERIAL_NUMBER, f"PNO{holder.country}-{holder.personal_code}"))


def _policies(oids: tuple[str, ...], notices: tuple[str, ...]) -> x509.CertificatePolicies:
    """The first policy with a CPS URI and user notices, as real eID certificates carry them."""
    qualifiers: list[str | x509.UserNotice] = [_CPS, *(x509.UserNotice(None, text) for text in notices)]
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(o), qualifiers if i == 0 else None)
                                     for i, o in enumerate(oids)])


def _oid(dotted: str) -> bytes:
    """DER OBJECT IDENTIFIER."""
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([parts[0] * 40 + parts[1]])
    for value in parts[2:]:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def _qc_statements() -> x509.UnrecognizedExtension:
    """ETSI EN 319 412-5 QCStatements of a qualified signing certificate: QcCompliance, QcSSCD,
    QcType esign and QcPDS (English, Latvian, Estonian)."""
    statements = (tlv(0x30, _oid("0.4.0.1862.1.1")) + tlv(0x30, _oid("0.4.0.1862.1.4")) +
                  tlv(0x30, _oid("0.4.0.1862.1.6") + tlv(0x30, _oid("0.4.0.1862.1.6.1"))) +
                  tlv(0x30, _oid("0.4.0.1862.1.5") + tlv(0x30, b"".join(
                      tlv(0x30, tlv(0x16, url.encode()) + tlv(0x13, lang.encode())) for lang, url in _PDS.items()))))
    return x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"), tlv(0x30, statements))


def _hash_for(key: CaKey) -> hashes.HashAlgorithm:
    """sha256WithRSAEncryption for RSA CAs; ECDSA with SHA-512 for P-521, SHA-384 otherwise."""
    if isinstance(key, rsa.RSAPrivateKey):
        return hashes.SHA256()
    return hashes.SHA512() if key.curve.key_size == 521 else hashes.SHA384()


def _ca(subject: x509.Name, key: CaKey, issuer: x509.Name, issuer_key: CaKey, now: dt.datetime, years: int,
        path_length: int) -> x509.Certificate:
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=True, crl_sign=True, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(issuer_key, _hash_for(issuer_key))
    )


def _leaf(holder: CardHolder, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, ica: x509.Certificate,
          ica_key: CaKey, now: dt.datetime, *, signing: bool, ocsp_url: str | None) -> x509.Certificate:
    is_rsa = isinstance(key, rsa.RSAPrivateKey)
    usage = x509.KeyUsage(digital_signature=not signing, content_commitment=signing,
                          key_encipherment=is_rsa and not signing, data_encipherment=False,
                          key_agreement=not is_rsa and not signing, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    builder = (
        x509.CertificateBuilder().subject_name(holder_subject(holder)).issuer_name(ica.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * 5))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(_policies(_POLICY_SIGN, _NOTICE_SIGN) if signing else _policies(_POLICY_AUTH, _NOTICE_AUTH),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ica_key.public_key()),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(f"{_REPOSITORY}/crl/{_file_name(ica)}.crl")], None, None, None)]),
            critical=False)
    )
    if signing:
        builder = builder.add_extension(_qc_statements(), critical=False)
    if not signing:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False)
    access = [x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                                     x509.UniformResourceIdentifier(f"{_REPOSITORY}/ca/{_file_name(ica)}.cer"))]
    if ocsp_url:  # only when a test runs a responder: the gateway asks the AIA's OCSP URL
        access.append(x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP,
                                             x509.UniformResourceIdentifier(ocsp_url)))
    builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    return builder.sign(ica_key, _hash_for(ica_key))


def _file_name(ca: x509.Certificate) -> str:
    common_name = ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return str(common_name).replace(" ", "_")


def make_pki(identity: CardHolder = DEMO_CITIZEN, variant: str = "lv-rsa", *,
             now: dt.datetime | None = None, ocsp_url: str | None = None) -> CardPki:
    """Fresh CA pair and card certificates: lv-rsa an RSA chain and RSA-2048 card keys, the other
    variants an EC chain (P-521 CAs) and P-384 card keys."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    if variant == "ee-2018" and identity.country != "EE":
        identity = DEMO_CITIZEN_EE
    now = now or dt.datetime.now(dt.UTC)
    country = identity.country
    root_key: CaKey
    ica_key: CaKey
    if variant == "lv-rsa":  # an RSA card is issued by an RSA CA
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        ica_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)  # 4096 costs ~0.5 s a PKI
    else:
        root_key = ec.generate_private_key(ec.SECP521R1())
        ica_key = ec.generate_private_key(ec.SECP521R1())
    organisation = "Pietura test PKI (not a real certification authority)"
    root_name = _name((NameOID.COUNTRY_NAME, country), (NameOID.ORGANIZATION_NAME, organisation),
                      (NameOID.ORGANIZATION_IDENTIFIER, f"NTR{country}-00000000000"),
                      (NameOID.COMMON_NAME, "PIETURA TEST eID ROOT CA"))
    root = _ca(root_name, root_key, root_name, root_key, now, 20, 1)
    ica_name = _name((NameOID.COUNTRY_NAME, country), (NameOID.ORGANIZATION_NAME, organisation),
                     (NameOID.ORGANIZATION_IDENTIFIER, f"NTR{country}-00000000000"),
                     (NameOID.COMMON_NAME, f"PIETURA TEST {country} eID ICA 2025"))
    ica = _ca(ica_name, ica_key, root_name, root_key, now, 10, 0)

    def new_key() -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
        if variant == "lv-rsa":
            return rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return ec.generate_private_key(ec.SECP384R1())

    auth_key, sign_key = new_key(), new_key()
    return CardPki(root, root_key, ica, ica_key,
                   _leaf(identity, auth_key, ica, ica_key, now, signing=False, ocsp_url=ocsp_url), auth_key,
                   _leaf(identity, sign_key, ica, ica_key, now, signing=True, ocsp_url=ocsp_url), sign_key)
