"""Update channels on a real gateway (SQLite and PostgreSQL): bundles per channel and board, assignments per
kiosk or site, and the kiosk's signed poll through its own client."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.cli import main as gateway_cli
from gateway.db import Database
from gateway.update_channels import BundleOffer, Channel, ChannelStore, Scope
from kiosk.backend.client import GatewayRejected
from tests.fixtures.gateway import kiosk_client

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
SHA = "ab" * 32


def offer(channel: Channel, version: str, compatible: str = "pietura-rpi-arm64") -> BundleOffer:
    return BundleOffer(channel, compatible, version, f"https://updates.example/{version}.raucb", 123456, SHA, 1)


def test_store_resolves_kiosk_then_site_then_stable(gateway_db_url: str) -> None:
    db = Database(gateway_db_url)
    db.create_schema()
    store = ChannelStore(db)
    try:
        assert store.offer_for("k-1", "Rīga Centrs", "pietura-rpi-arm64") == (Channel.STABLE, None)
        store.publish(offer(Channel.STABLE, "2026.12.1"))
        store.publish(offer(Channel.PILOT, "2026.12.2"))
        store.publish(offer(Channel.PILOT, "2026.12.3"))  # replaces the pilot's previous bundle
        store.publish(offer(Channel.PILOT, "9.9", compatible="pietura-other"))
        assert store.offer_for("k-1", "Rīga Centrs", "pietura-rpi-arm64")[1].version == "2026.12.1"
        store.assign(Scope.SITE, "Rīga Centrs", Channel.PILOT, NOW)
        channel, got = store.offer_for("k-1", "Rīga Centrs", "pietura-rpi-arm64")
        assert (channel, got.version) == (Channel.PILOT, "2026.12.3")
        store.assign(Scope.KIOSK, "k-1", Channel.STABLE, NOW)  # the kiosk's own assignment wins
        assert store.offer_for("k-1", "Rīga Centrs", "pietura-rpi-arm64")[0] is Channel.STABLE
        assert store.offer_for("k-2", "Rīga Centrs", "pietura-rpi-arm64")[0] is Channel.PILOT
        store.assign(Scope.KIOSK, "k-1", None, NOW)
        assert store.offer_for("k-1", "Rīga Centrs", "pietura-rpi-arm64")[0] is Channel.PILOT
        assert store.current(Channel.STABLE, "pietura-other") is None
        assert store.assignments() == [(Scope.SITE, "Rīga Centrs", Channel.PILOT)]
        assert store.withdraw(Channel.PILOT, "pietura-rpi-arm64")
        assert store.offer_for("k-2", "Rīga Centrs", "pietura-rpi-arm64") == (Channel.PILOT, None)
    finally:
        db.close()


@pytest.mark.parametrize("bad", [dict(sha256="xyz"), dict(size=0), dict(url="file:///etc/passwd"), dict(version="")])
def test_offer_is_validated(bad: dict) -> None:
    fields = dict(channel=Channel.STABLE, compatible="c", version="1", url="https://u/b", size=1, sha256=SHA,
                  published_at=1) | bad
    with pytest.raises(ValueError):
        BundleOffer(**fields)


def test_kiosk_polls_with_its_signed_request(local_gateway) -> None:
    config = ["--config", str(local_gateway.config_path)]
    client = kiosk_client(local_gateway)
    try:
        answer = client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsis")
        assert answer == {"channel": "stable", "bundle": None, "update": False}
        assert gateway_cli(["admin", "publish-bundle", "pilot", "--version", "2026.12.2", "--url",
                            "https://updates.example/b.raucb", "--size", "1000", "--sha256", SHA, *config]) == 0
        assert gateway_cli(["admin", "publish-bundle", "pilot", "--version", "x", "--url", "https://u/b",
                            "--size", "1", "--sha256", "not-hex", *config]) == 2
        assert gateway_cli(["admin", "assign-channel", "site", "Cēsis", "pilot", *config]) == 0
        answer = client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsis")
        assert answer["channel"] == "pilot" and answer["update"] is True
        assert answer["bundle"] == {"version": "2026.12.2", "url": "https://updates.example/b.raucb",
                                    "size": 1000, "sha256": SHA}
        assert client.update_poll("pietura-rpi-arm64", "2026.12.2", site="Cēsis")["update"] is False
        assert client.update_poll("pietura-other", "1", site="Cēsis")["bundle"] is None
        assert gateway_cli(["admin", "assign-channel", "kiosk", local_gateway.device_id, "stable", *config]) == 0
        assert client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsis")["channel"] == "stable"
        with pytest.raises(GatewayRejected):
            client.update_poll("bad board!", "1")
    finally:
        client.close()


def test_unsigned_poll_is_refused(local_gateway) -> None:
    import requests

    response = requests.post(local_gateway.base_url + "/v1/updates/poll", json={"compatible": "pietura-rpi-arm64"},
                             timeout=10)
    assert response.status_code == 401
