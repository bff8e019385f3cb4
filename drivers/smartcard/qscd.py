"""Qualified signing on the card's QSCD applet (ADF2) with PIN2: pure pieces, no I/O.

The sequence (``cards.EidCard.sign``) is SELECT QSCD → MSE:SET DST (``00 22 41 B6``, algorithm and the
key reference from ADF2's PrKDF) → VERIFY PIN2 (reference 85) → PSO:COMPUTE DIGITAL SIGNATURE
(``00 2A 9E 9A``). What the card is sent (reference eid-card.md 4.6, esignature.md 2):

* RSA (algorithm ``42``, sha256WithRSA): the bare 32-byte SHA-256 hash; the card builds the DigestInfo
  and the PKCS#1 v1.5 padding. Other hashes are refused before the card is touched (whether the card
  takes SHA-384/512 under the same algorithm byte is not settled by any source).
* EC P-384 (algorithm ``54``, ecdsa-with-SHA384; ``FF 15 08 00`` on cards that refuse the 1-byte
  form): the hash left-padded with zeros or truncated to 48 bytes — which is exactly ECDSA with
  SHA-256 (integer value unchanged) or SHA-512 (leftmost 384 bits). The card answers raw ``r ‖ s``.

Every signature is verified against the signing certificate before it leaves the driver.
"""

from __future__ import annotations

from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from drivers.smartcard import errors as e
from drivers.smartcard.identity import load_certificate
from drivers.smartcard.pkcs15 import KeyInfo

ALG_RSA_SIGN = b"\x42"  # TokenInfo row 02: sha256WithRSA, the card builds the DigestInfo
ALG_EC_SIGN = b"\x54"  # TokenInfo row 0B: ecdsa-with-SHA384 on a 48-byte hash
ALG_EC_SIGN_LONG = bytes.fromhex("FF150800")  # the same row's 4-byte form (older cards) [unconfirmed]
EC_FIELD_BYTES = 48  # P-384
HASHES: dict[int, hashes.HashAlgorithm] = {32: hashes.SHA256(), 48: hashes.SHA384(), 64: hashes.SHA512()}


class CardSignature(NamedTuple):
    """What the card made: the signature (RSA PKCS#1 v1.5, or EC raw ``r ‖ s``) and the DER signing
    certificate it verifies against. Unpacks as ``signature, certificate``."""

    signature: bytes
    certificate: bytes


def mse_forms(key: KeyInfo) -> list[bytes]:
    """MSE:SET DST data to try in order: the 1-byte algorithm first, the 4-byte EC form after a 6A80."""
    algs = [ALG_RSA_SIGN] if key.kind == "rsa" else [ALG_EC_SIGN, ALG_EC_SIGN_LONG]
    return [bytes([0x80, len(alg)]) + alg + bytes([0x84, 0x01, key.reference]) for alg in algs]


def pso_payload(key: KeyInfo, digest: bytes) -> bytes:
    """The PSO:CDS data for ``digest`` (SHA-256/384/512 by length); InvalidDigest for anything else."""
    if key.kind == "rsa":
        if len(digest) != 32:
            raise e.InvalidDigest(detail=f"{len(digest)}-byte digest for an RSA signing key (SHA-256 only)")
        return bytes(digest)
    if len(digest) not in HASHES:
        raise e.InvalidDigest(detail=f"{len(digest)}-byte digest (SHA-256/384/512 only)")
    return bytes(digest[:EC_FIELD_BYTES]).rjust(EC_FIELD_BYTES, b"\x00")


def signature_length(key: KeyInfo) -> int | None:
    """The length the signature must have: 96 for P-384 ``r ‖ s``, the modulus for RSA when known."""
    if key.kind == "ec":
        return 2 * EC_FIELD_BYTES
    return key.size_bits // 8 if key.size_bits else None


def check_signature(certificate: bytes, digest: bytes, signature: bytes) -> None:
    """Raise SignatureInvalid unless ``signature`` over ``digest`` verifies with the certificate's key."""
    public = load_certificate(certificate).public_key()
    algorithm = utils.Prehashed(HASHES[len(digest)])
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, digest, padding.PKCS1v15(), algorithm)
        elif isinstance(public, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            der = utils.encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                             int.from_bytes(signature[half:], "big"))
            public.verify(der, digest, ec.ECDSA(algorithm))
        else:
            raise e.CardNotSupported(detail="unsupported key in the signing certificate")
    except InvalidSignature:
        raise e.SignatureInvalid(detail="the card's signature does not verify with its signing certificate") from None


def key_from_certificate(certificate: bytes, reference: int) -> KeyInfo:
    """Key type and size from the certificate (EstEID: no PrKDF; the reference is fixed)."""
    public = load_certificate(certificate).public_key()
    if isinstance(public, rsa.RSAPublicKey):
        return KeyInfo("rsa", reference, public.key_size)
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.key_size == 384:
        return KeyInfo("ec", reference, 384)
    raise e.CardNotSupported(detail="unsupported key in the certificate")
