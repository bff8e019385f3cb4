"""Bundle download against a real HTTP server on loopback that can cut the connection mid-body or ignore
Range requests: a cut download resumes from its last byte, a wrong checksum leaves no file behind."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.update.bundle import BundleCode
from kiosk.update.download import download

BODY = os.urandom(300_000)
SHA = hashlib.sha256(BODY).hexdigest()


class BundleServer(ThreadingHTTPServer):
    """Serves BODY at /b.raucb with Range support. Faults: ``cut_after`` (bytes of body, then the socket
    closes although Content-Length promised more), ``ignore_range`` (answers 200 with the whole body)."""

    daemon_threads = True
    cut_after: int | None = None
    ignore_range = False
    ranges: list[str]


class Handler(BaseHTTPRequestHandler):
    server: BundleServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/b.raucb":
            self.send_error(404)
            return
        asked = self.headers.get("Range", "")
        self.server.ranges.append(asked)
        start = 0
        if asked and not self.server.ignore_range:
            start = int(asked.removeprefix("bytes=").rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(BODY) - 1}/{len(BODY)}")
        else:
            self.send_response(200)
        body = BODY[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.cut_after is not None:
            self.wfile.write(body[: self.server.cut_after])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[BundleServer]:
    srv = BundleServer(("127.0.0.1", 0), Handler)
    srv.ranges = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def url(srv: BundleServer, path: str = "/b.raucb") -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def test_cut_download_resumes_from_its_last_byte(server: BundleServer, tmp_path: Path) -> None:
    dest = tmp_path / "update.raucb"
    server.cut_after = 120_000
    first = download(url(server), dest, len(BODY), SHA)
    assert first.code is BundleCode.DOWNLOAD
    assert not dest.exists()
    part = dest.with_name("update.raucb.part")
    kept = part.stat().st_size  # whole chunks written before the cut (the last partial one may be lost)
    assert 0 < kept <= 120_000
    assert part.read_bytes() == BODY[:kept]
    server.cut_after = None
    second = download(url(server), dest, len(BODY), SHA)
    assert second.code is BundleCode.OK, second.detail
    assert server.ranges == ["", f"bytes={kept}-"]
    assert dest.read_bytes() == BODY
    assert not part.exists()
    assert download(url(server), dest, len(BODY), SHA).ok  # already there: no request
    assert len(server.ranges) == 2


def test_server_that_ignores_range_gives_the_whole_file_again(server: BundleServer, tmp_path: Path) -> None:
    dest = tmp_path / "update.raucb"
    dest.with_name("update.raucb.part").write_bytes(BODY[:5000])
    server.ignore_range = True
    result = download(url(server), dest, len(BODY), SHA)
    assert result.ok, result.detail
    assert dest.read_bytes() == BODY


def test_wrong_checksum_leaves_nothing(server: BundleServer, tmp_path: Path) -> None:
    dest = tmp_path / "update.raucb"
    result = download(url(server), dest, len(BODY), "0" * 64)
    assert result.code is BundleCode.CORRUPT
    assert not dest.exists() and not dest.with_name("update.raucb.part").exists()


def test_longer_part_than_the_bundle_is_discarded(server: BundleServer, tmp_path: Path) -> None:
    dest = tmp_path / "update.raucb"
    dest.with_name("update.raucb.part").write_bytes(b"x" * (len(BODY) + 10))
    assert download(url(server), dest, len(BODY), SHA).ok
    assert server.ranges == [""]


def test_missing_file_and_no_server(server: BundleServer, tmp_path: Path) -> None:
    dest = tmp_path / "update.raucb"
    assert download(url(server, "/nothing"), dest, len(BODY), SHA).code is BundleCode.DOWNLOAD
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gone = download(f"http://127.0.0.1:{port}/b.raucb", dest, len(BODY), SHA, timeout=(2, 2))
    assert gone.code is BundleCode.DOWNLOAD
