"""Run the real gateway under uvicorn: in the foreground (CLI) or on a thread (demo, tests)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from gateway.app import create_app
from gateway.config import GatewayConfig


@dataclasses.dataclass
class RunningGateway:
    base_url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def _uvicorn_config(app: FastAPI, config: GatewayConfig, sock_or_host: str, port: int) -> uvicorn.Config:
    ssl = {}
    if config.tls_cert and config.tls_key:
        ssl = {"ssl_certfile": str(config.tls_cert), "ssl_keyfile": str(config.tls_key)}
    return uvicorn.Config(app, host=sock_or_host, port=port, log_level="warning", access_log=False,
                          timeout_keep_alive=30, limit_concurrency=512, server_header=False,
                          timeout_graceful_shutdown=2, **ssl)


def start_in_thread(config: GatewayConfig, host: str = "127.0.0.1", port: int = 0,
                    app: FastAPI | None = None, startup_timeout: float = 15.0) -> RunningGateway:
    """Start uvicorn on ``host:port`` (0 = a free port) and wait until it accepts connections."""
    app = app or create_app(config)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted sockets inherit this; without it Nagle + delayed ACK cost ~40 ms per response
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, config, host, bound_port))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # not the main thread
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="gateway", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("gateway did not start")
        time.sleep(0.02)
    scheme = "https" if config.tls_cert and config.tls_key else "http"
    shown = f"[{host}]" if ":" in host else host
    return RunningGateway(base_url=f"{scheme}://{shown}:{bound_port}", app=app, server=server, thread=thread)


def serve_forever(config: GatewayConfig) -> None:
    host, port = config.listen_host_port
    uvicorn.Server(_uvicorn_config(create_app(config), config, host, port)).run()
