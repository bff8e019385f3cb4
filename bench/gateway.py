"""Gateway throughput and latency on one uvicorn worker, over real HTTP on loopback.

The server runs as `kiosk-gateway serve` in its own process; besides requests/s (which
depend on whatever else the machine is doing) it prints the server's CPU time per request.

Prints token validations/s and submissions/s with p50/p99 latency for SQLite and (if the
PostgreSQL 15 binaries are installed) PostgreSQL. Goal: ≥300 submissions/s with p99 < 50 ms
on SQLite. Client work (card signatures, sealing) is done before the clock starts.

    .venv/bin/python bench/gateway.py [--submissions 1500] [--tokens 300] [--threads 4] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from gateway import testpki  # noqa: E402
from gateway.embedded import make_local_gateway  # noqa: E402
from kiosk.backend.client import GatewayClient  # noqa: E402
from wire import protocol as wire  # noqa: E402


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _run(jobs: list, threads: int, make_client, call) -> tuple[float, list[float]]:
    """Run ``call(client, job)`` for every job on ``threads`` clients; returns (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    clients = [make_client() for _ in range(threads)]
    chunks = [jobs[i::threads] for i in range(threads)]

    def worker(index: int) -> None:
        mine = []
        for job in chunks[index]:
            start = time.perf_counter()
            call(clients[index], job)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return time.perf_counter() - start, latencies


def _report(label: str, seconds: float, latencies: list[float], cpu_per_request: float) -> None:
    print(f"  {label:<24} {len(latencies) / seconds:8.1f}/s   p50 {statistics.median(latencies) * 1000:6.1f} ms"
          f"   p99 {_percentile(latencies, 0.99) * 1000:6.1f} ms   server CPU {cpu_per_request * 1000:5.2f} ms/req"
          f"   (n={len(latencies)})")


def _cpu_seconds(pid: int) -> float:
    """User+system CPU time of the server process (load-independent cost per request)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _server(config_path: Path):
    """`kiosk-gateway serve` in its own process: one uvicorn worker, as deployed."""
    port = _free_port()
    log = (config_path.parent / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--config", str(config_path),
                             "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(base + "/healthz", timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((config_path.parent / "server.log").read_text()[-2000:]) from None
            time.sleep(0.1)
    try:
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        log.close()


def bench_backend(name: str, db_url: str | None, workdir: Path, args: argparse.Namespace) -> None:
    ca = testpki.make_ca()
    local = make_local_gateway(workdir, [ca.pem], db_url=db_url, extra_config="[limits]\nrate_per_device = 0\n")
    with _server(local.config_path) as (base_url, pid):
        print(f"{name}: {base_url} (server pid {pid})")

        def client() -> GatewayClient:
            return GatewayClient(base_url, device_id=local.device_id, device_key=local.device_key)

        def measured(label: str, jobs: list, call) -> None:
            cpu = _cpu_seconds(pid)
            seconds, lat = _run(jobs, args.threads, client, call)
            _report(label, seconds, lat, (_cpu_seconds(pid) - cpu) / len(jobs))

        setup = client()
        keys = {"ES384": testpki.new_key("p384"), "RS256": testpki.new_key("rsa")}
        certs = {alg: testpki.make_auth_cert(ca, key) for alg, key in keys.items()}
        for alg in keys:  # nonces and card signatures are prepared before the clock starts
            jobs = []
            for _ in range(args.tokens):
                nonce = setup.challenge().nonce
                jobs.append((nonce, testpki.make_token(certs[alg], keys[alg], local.origin, nonce, alg)))
            measured(f"token validation {alg}", jobs, lambda c, job: c.authenticate(job[1], nonce=job[0]))
        nonce = setup.challenge().nonce
        session = setup.authenticate(testpki.make_token(certs["ES384"], keys["ES384"], local.origin, nonce))
        sealed = wire.seal(local.sealing_public_key, json.dumps({"purpose": "bank", "language": "lv"}).encode())
        body = wire.build_envelope(service_id="residence-certificate", service_version="1",
                                   session_ref=session.session_ref, created_at=dt.datetime.now(dt.UTC),
                                   sealed_answers=sealed)
        keys_ = [str(uuid.uuid4()) for _ in range(args.submissions)]
        measured("submissions (new)", keys_, lambda c, key: c.submit(key, body))
        measured("submissions (replayed)", keys_[: args.submissions // 3], lambda c, key: c.submit(key, body))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"one uvicorn worker, {args.threads} client threads, {os.cpu_count()} CPUs (client shares them)")
    with tempfile.TemporaryDirectory(prefix="pietura-bench-") as tmp:
        bench_backend("SQLite (WAL)", None, Path(tmp) / "sqlite", args)
        if not args.no_postgres:
            from tests.fixtures.postgres import PostgresServer, postgres_available

            if not postgres_available():
                print("PostgreSQL: skipped (postgresql-15 not installed)")
                return 0
            pg_root = Path(tempfile.mkdtemp(prefix="pietura-bench-pg-"))
            server = PostgresServer(pg_root, "postgres" if os.geteuid() == 0 else None)
            server.start()
            try:
                bench_backend("PostgreSQL 15", server.create_database(), Path(tmp) / "pg", args)
            finally:
                server.stop()
                import shutil

                shutil.rmtree(pg_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
