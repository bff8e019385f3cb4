"""Configuration loading (the shared rate limits and signature nonces: tests/integration/gateway/test_shared_state.py)."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, load_config
from gateway.deps import client_bucket
from gateway.keys import normalise_personal_code


def test_config_relative_paths_and_overrides(tmp_path):
    (tmp_path / "ca.pem").write_text("x")
    (tmp_path / "cli-ca.pem").write_text("x")
    path = tmp_path / "gw.toml"
    path.write_text('[gateway]\norigin = "https://kiosk.example.lv"\ntrust_ca = ["ca.pem"]\ndb = "sqlite:///g.db"\n'
                    '[keys]\naudit_signing_key = "k/a"\nsealing_private_key = "k/s"\nrole_key = "k/r"\n'
                    '[limits]\nrate_per_device = 5\n')
    config = load_config(path)
    assert config.trust_ca == (tmp_path / "ca.pem",)
    assert config.db_url == f"sqlite:///{tmp_path / 'g.db'}"
    assert config.audit_signing_key == tmp_path / "k/a"
    assert config.limits.rate_per_device == 5
    assert config.services_dir.name == "services"
    changed = load_config(path, {"origin": "https://other.example:8443", "listen": "0.0.0.0:9000",
                                 "trust_ca": [str(tmp_path / "cli-ca.pem")], "db_url": "postgresql://db/gw"})
    assert changed.origin == "https://other.example:8443"
    assert changed.listen_host_port == ("0.0.0.0", 9000)
    assert changed.trust_ca == (tmp_path / "cli-ca.pem",)
    assert changed.db_url == "postgresql://db/gw"


def test_config_problems_are_reported_together(tmp_path):
    path = tmp_path / "gw.toml"
    path.write_text('[gateway]\norigin = "https://a.example/"\nlisten = "nope"\n[limits]\nbody_max_bytes = -1\n'
                    '[surprise]\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = "\n".join(info.value.problems)
    for fragment in ("surprise: unknown section", "gateway.origin", "gateway.listen", "gateway.trust_ca",
                     "keys.role_key", "limits.body_max_bytes"):
        assert fragment in text
    assert info.value.code == "gateway_config_invalid"


@pytest.mark.parametrize("text", ["321922-33032", "32192233032", "PNOLV-321922-33032", " 321922 33032 "])
def test_personal_code_normalisation(text):
    assert normalise_personal_code(text) == "32192233032"


def test_public_lookup_buckets_per_client_address():
    assert client_bucket("2001:db8:1:2::1") == client_bucket("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_bucket("2001:db8:1:3::1") != client_bucket("2001:db8:1:2::1")
    assert client_bucket("::ffff:192.0.2.1") == client_bucket("192.0.2.1") == "192.0.2.1"
    assert client_bucket("") == "unknown" and len(client_bucket("x" * 500)) == 64
