"""Which OCSP responder the gateway asks for a signing certificate: the configured one, else the one
the certificate's AIA names (http(s) only); and the [signing] settings that go with it."""

from __future__ import annotations

import pytest
from cryptography import x509

from gateway.config import ConfigError, load_config
from gateway.signing.clients import HttpOcsp, ServiceUnavailable, aia_ocsp_url
from gateway.signing.testcerts import make_sign_cert
from gateway.testpki import make_ca, new_key

BASE = ('[gateway]\norigin = "https://kiosk.example.lv"\ntrust_ca = ["ca.pem"]\ndb = "sqlite:///g.db"\n'
        '[keys]\naudit_signing_key = "k/a"\nsealing_private_key = "k/s"\nrole_key = "k/r"\n')


def cert(ocsp_url: str | None) -> x509.Certificate:
    return make_sign_cert(make_ca(), new_key("p384"), ocsp_url=ocsp_url)


def test_the_configured_responder_wins_else_the_aia_one() -> None:
    named = cert("http://ocsp.eparaksts.lv/")
    assert aia_ocsp_url(named) == "http://ocsp.eparaksts.lv/"
    assert HttpOcsp("http://127.0.0.1:9/ocsp").responder(named) == "http://127.0.0.1:9/ocsp"
    assert HttpOcsp().responder(named) == "http://ocsp.eparaksts.lv/"
    assert aia_ocsp_url(cert("ldap://ocsp.example/")) == "" and aia_ocsp_url(cert(None)) == ""


def test_no_responder_at_all_is_unavailable_without_a_request() -> None:
    plain = cert(None)
    with pytest.raises(ServiceUnavailable):
        HttpOcsp().status(plain, plain)


def test_signing_is_on_with_the_tsa_alone_and_an_ocsp_url_needs_it(tmp_path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    path = tmp_path / "gw.toml"
    path.write_text(BASE + '[signing]\ntsa_url = "https://tsa.eparaksts.lv/"\n')
    signing = load_config(path).signing
    assert signing.enabled and signing.ocsp_url == ""
    path.write_text(BASE + '[signing]\nocsp_url = "http://ocsp.example/"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert any("ocsp_url without tsa_url" in p for p in info.value.problems)
