"""The emulator's PKI has the profile of real cards (reference: the LV demo RSA card's auth
certificate is 1733 bytes, its signing certificate 2124; real LV RSA auth certificates take nine
READ BINARY of 0xC0): sizes, an RSA chain for the RSA card and an EC chain for the EC cards."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.smartcard.cards import CHUNK, MAX_FILE_SIZE
from drivers.smartcard.emulator import VARIANTS, make_pki

# (auth min, auth max, sign min, sign max) in bytes
SIZES = {
    "lv-rsa": (8 * CHUNK + 1, 9 * CHUNK, 1900, 2200),  # nine reads, as real LV RSA auth certificates
    "lv-ec": (1000, 1400, 1300, 1700),
    "lv-cosmox": (1000, 1400, 1300, 1700),
    "ee-2018": (1000, 1400, 1300, 1700),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("ocsp_url", [None, "http://127.0.0.1:65535/ocsp"])
def test_certificate_sizes_match_real_cards(variant, ocsp_url):
    pki = make_pki(variant=variant, ocsp_url=ocsp_url)
    auth_min, auth_max, sign_min, sign_max = SIZES[variant]
    assert auth_min <= len(pki.auth_der) <= auth_max
    assert sign_min <= len(pki.sign_der) <= sign_max
    assert len(pki.sign_der) <= MAX_FILE_SIZE


@pytest.mark.parametrize("variant", VARIANTS)
def test_rsa_card_has_an_rsa_chain_and_ec_cards_an_ec_chain(variant):
    pki = make_pki(variant=variant)
    kind = rsa.RSAPublicKey if variant == "lv-rsa" else ec.EllipticCurvePublicKey
    for cert in (pki.root_cert, pki.intermediate_cert, pki.auth_cert, pki.sign_cert):
        assert isinstance(cert.public_key(), kind)
    pki.auth_cert.verify_directly_issued_by(pki.intermediate_cert)
    pki.sign_cert.verify_directly_issued_by(pki.intermediate_cert)
    pki.intermediate_cert.verify_directly_issued_by(pki.root_cert)
