"""Fixtures for calls: a real gateway on loopback with ``[calls]``, specialists, a signed kiosk session."""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import requests

from tests.fixtures.gateway import BACKENDS

INSTITUTIONS = ("VSAA", "VID", "VZD", "PMLP")
PASSWORD = "correct horse battery staple"


def calls_config(turn_urls: tuple[str, ...], ring_seconds: int = 300) -> str:
    return "\n".join(["[calls]", f"institutions = {json.dumps(list(INSTITUTIONS))}",
                      f"turn_urls = {json.dumps(list(turn_urls))}", 'turn_secret_file = "turn.secret"',
                      "turn_ttl_seconds = 300", f"ring_seconds = {ring_seconds}", "ticket_seconds = 60", ""])


def start_call_gateway(workdir: Path, ca_pem: bytes | list[bytes], db_url: str | None, secret: str,
                       turn_urls: tuple[str, ...], ring_seconds: int = 300):
    from gateway.embedded import make_local_gateway

    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "turn.secret").write_text(secret + "\n", "utf-8")
    local = make_local_gateway(workdir, ca_pem if isinstance(ca_pem, list) else [ca_pem], db_url=db_url,
                               extra_config=calls_config(turn_urls, ring_seconds))
    local.start()
    return local


class Specialists:
    """Adds console users straight in the gateway's database (the admin path) and signs them in."""

    def __init__(self, local):
        from gateway.calls.desk import CallDesk
        from gateway.db import Database
        from gateway.service import utc_now

        self.local = local
        self.db = Database(local.config.db_url)
        self.desk = CallDesk(self.db, local.config.calls, utc_now)
        self.secrets: dict[str, str] = {}
        self.used: dict[str, int] = {}

    def add(self, institution: str, username: str | None = None, name: str = "") -> str:
        """A specialist of ``institution``; ``name`` is the display name the citizen sees ("" = none)."""
        username = username or f"{institution.lower()}.{secrets.token_hex(3)}"
        self.secrets[username] = self.desk.add_specialist(username, institution, PASSWORD, name)
        return username

    def code(self, username: str) -> str:
        """A code of a time step not used before (the gateway takes each step once; ±1 step of drift).

        The first is the current step's and the next one the following step's, so a step boundary passing
        between making a code and the gateway checking it still leaves it inside the gateway's window."""
        import time

        offset = self.used.get(username, 0)
        self.used[username] = offset + 1
        return pyotp.TOTP(self.secrets[username]).at(time.time() + 30 * offset)

    def session(self, base_url: str, username: str) -> requests.Session:
        browser = requests.Session()
        browser.headers["X-Pietura-Console"] = "1"
        response = browser.post(base_url + "/console/api/sign-in", timeout=10,
                                json={"username": username, "password": PASSWORD, "code": self.code(username)})
        assert response.status_code == 200, response.text
        return browser

    def close(self) -> None:
        self.db.close()


@contextlib.contextmanager
def with_specialists(local) -> Iterator[tuple]:
    """A started call gateway and its specialists; both closed after."""
    people = Specialists(local)
    try:
        yield local, people
    finally:
        people.close()
        local.stop()


def kiosk_session(local, device_id: str | None = None, device_key=None) -> requests.Session:
    session = requests.Session()
    session.auth = (device_key or local.device_key).auth(device_id or local.device_id)
    return session


@pytest.fixture(params=BACKENDS)
def call_gateway(request: pytest.FixtureRequest, tmp_path: Path, gateway_pki) -> Iterator:
    """A gateway with [calls] (TURN URLs of a server that is not running: no media in these tests)."""
    db_url = request.getfixturevalue("postgres_server").create_database() if request.param == "postgres" else None
    local = start_call_gateway(tmp_path / "gw", gateway_pki.pem, db_url, secrets.token_hex(16),
                               ("turn:127.0.0.1:3478?transport=udp",))
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture
def specialists(call_gateway) -> Iterator[Specialists]:
    people = Specialists(call_gateway)
    try:
        yield people
    finally:
        people.close()


@pytest.fixture
def relay_gateway(tmp_path: Path, gateway_pki, coturn_server) -> Iterator:
    """A call gateway (SQLite) whose TURN credentials are for the coturn started by the test, and its specialists."""
    with with_specialists(start_call_gateway(tmp_path / "gw", gateway_pki.pem, None, coturn_server.secret,
                                             coturn_server.urls)) as pair:
        yield pair


@pytest.fixture
def browser(tmp_path):
    """The specialist console's browser: headless Chromium with a test camera and microphone
    (tests/integration/calls/console_browser.py)."""
    from tests.integration.calls.console_browser import chromium

    yield from chromium(tmp_path)
