"""Helpers for outbox tests: a real local gateway with a citizen session, and a flaky TCP proxy.

The proxy sits between the delivery worker and the gateway on loopback and, per connection,
refuses, answers 500 without forwarding, forwards and then answers 500 (the gateway stored it but
the kiosk never hears), forwards and stalls past the client's read timeout, or forwards and
resets the connection — the failures a library's network produces.
"""

from __future__ import annotations

import datetime as dt
import random
import socket
import struct
import threading
from pathlib import Path

from gateway import testpki
from gateway.db import Database
from gateway.embedded import LocalGateway, make_local_gateway
from gateway.store import GatewayStore

FAULTS = ("ok", "refuse", "error_500", "stored_then_500", "slow", "stored_then_reset")


def start_gateway(workdir: Path) -> LocalGateway:
    """A real gateway (uvicorn on a thread, SQLite) serving config/services."""
    local = make_local_gateway(workdir, [testpki.make_ca().pem])
    local.start()
    return local


def gateway_session(local: LocalGateway, roles: frozenset[str], lifetime_s: int = 6 * 3600) -> tuple[str, str]:
    """(bearer token, session reference) of a session as /v1/auth/token would create it (no card)."""
    db = Database(local.config.db_url)
    try:
        token, row = GatewayStore(db).create_session(local.device_id, roles, "test-actor", dt.datetime.now(dt.UTC),
                                                     lifetime_s)
        return token, row.session_ref
    finally:
        db.close()


def citizen_session(local: LocalGateway, lifetime_s: int = 6 * 3600) -> str:
    """A citizen session's reference (enough to test delivery)."""
    return gateway_session(local, frozenset({"citizen"}), lifetime_s)[1]


def stored_submissions(local: LocalGateway) -> list[tuple[str, str, str]]:
    """(idempotency_key, body_hash, reference) of every submission the gateway holds."""
    db = Database(local.config.db_url)
    try:
        with db.tx(write=False) as tx:
            return [tuple(r) for r in tx.execute(
                "SELECT idempotency_key, body_hash, reference FROM submissions")]  # type: ignore[misc]
    finally:
        db.close()


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        sock.close()


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() != b"connection":
            kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


class FlakyProxy:
    """TCP proxy; ``mode`` is a fault name, or "random" to draw one per request with ``weights``."""

    def __init__(self, upstream: str, seed: int = 1, stall_s: float = 1.5):
        host_port = upstream.split("://", 1)[1]
        host, port = host_port.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.rng = random.Random(seed)
        self.mode = "ok"
        self.weights = {"ok": 4, "refuse": 1, "error_500": 1, "stored_then_500": 1, "slow": 1,
                        "stored_then_reset": 1}
        self.stall_s = stall_s
        self.counts = dict.fromkeys(FAULTS, 0)
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="flaky-proxy", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()

    def _pick(self) -> str:
        with self._lock:
            if self.mode != "random":
                fault = self.mode
            else:
                names = list(self.weights)
                fault = self.rng.choices(names, [self.weights[n] for n in names])[0]
            self.counts[fault] += 1
            return fault

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(30)
        try:
            fault = self._pick()
            if fault == "refuse":
                _reset(client)
                return
            request = _read_request(client)
            if request is None:
                client.close()
                return
            if fault == "error_500":
                client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 17\r\nConnection: close\r\n\r\n{\"error\":\"boom\"}\n")
                client.close()
                return
            response = self._forward(request)
            if fault == "stored_then_500":
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                client.close()
            elif fault == "stored_then_reset":
                _reset(client)
            elif fault == "slow":
                self._stop.wait(self.stall_s)
                try:
                    client.sendall(response)
                finally:
                    client.close()
            else:
                client.sendall(response)
                client.close()
        except OSError:
            client.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as up:
            up.sendall(request)
            chunks = []
            while chunk := up.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)
