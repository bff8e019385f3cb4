"""sd_notify over a real AF_UNIX datagram socket, as systemd would receive it."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from kiosk.provisioning.sdnotify import Notifier, socket_address


def listening_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    return sock


def test_ready_watchdog_and_status_reach_the_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with listening_socket(path) as server:
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "20000000"})
        assert notifier.enabled and notifier.watchdog_interval() == 10.0
        assert notifier.ready("welcome screen")
        assert server.recv(4096) == b"READY=1\nSTATUS=welcome screen"
        assert notifier.watchdog()
        assert server.recv(4096) == b"WATCHDOG=1"
        assert notifier.extend_timeout(30)
        assert server.recv(4096) == b"EXTEND_TIMEOUT_USEC=30000000"


def test_abstract_namespace_address() -> None:
    name = f"pietura-test-{os.getpid()}"
    assert socket_address("@" + name) == b"\0" + name.encode()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(b"\0" + name.encode())
    server.settimeout(5)
    with server:
        assert Notifier("@" + name).status("printing")
        assert server.recv(4096) == b"STATUS=printing"


def test_outside_systemd_everything_is_a_no_op() -> None:
    notifier = Notifier.from_environ({})
    assert not notifier.enabled and notifier.watchdog_interval() is None
    assert notifier.ready() is False and notifier.watchdog() is False


def test_watchdog_meant_for_another_pid_is_ignored(tmp_path: Path) -> None:
    env = {"NOTIFY_SOCKET": str(tmp_path / "n"), "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}
    assert Notifier.from_environ(env, pid=os.getpid()).watchdog_interval() is None
    assert Notifier.from_environ(env, pid=1).watchdog_interval() == 0.5


def test_vanished_socket_does_not_crash_the_ui(tmp_path: Path) -> None:
    notifier = Notifier(str(tmp_path / "gone"))
    assert notifier.watchdog() is False


def test_start_up_time_is_extended_until_ready_and_no_longer(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with listening_socket(path) as server:
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": str(path)})
        notifier.extend_until_ready(step=0.05, limit=60)
        assert server.recv(4096) == b"EXTEND_TIMEOUT_USEC=100000"
        assert server.recv(4096) == b"EXTEND_TIMEOUT_USEC=100000"  # again while still starting
        assert notifier.ready()
        seen = []
        server.settimeout(0.3)
        try:
            while True:
                seen.append(server.recv(4096))
        except TimeoutError:
            pass
        assert b"READY=1" in seen and seen[seen.index(b"READY=1") + 1:] == []  # no extension after READY


def test_a_start_that_hangs_is_not_extended_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with listening_socket(path) as server:
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": str(path)})
        notifier.extend_until_ready(step=0.05, limit=0.2)
        server.settimeout(0.5)
        got = []
        try:
            while True:
                got.append(server.recv(4096))
        except TimeoutError:
            pass
        assert 1 <= len(got) <= 6 and set(got) == {b"EXTEND_TIMEOUT_USEC=100000"}
