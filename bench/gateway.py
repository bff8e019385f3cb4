"""Gateway throughput, latency and cost per request over real HTTP on loopback.

Every gateway runs as `kiosk-gateway serve` in its own process (one uvicorn worker, as deployed).
Requests/s depend on whatever else the machine is doing (the client shares the cores), so each
line also prints the cost that does not: the gateway processes' CPU time per request, and on
PostgreSQL the database's own time per request (``pg_stat_statements``: statements and execution
time) and its server processes' CPU. "per core" is 1 / server CPU: what one core could carry. The
client's own CPU per request is printed too: on a small machine it takes cores from the server.

Gateways run pinned to the first CPU, the rest (client, PostgreSQL, HAProxy) to the others, so that
requests/s is what one gateway core carries (--no-pin to leave them free).

1. SQLite (WAL) and PostgreSQL 15, one instance: token validations, new and replayed submissions.
2. PostgreSQL through HAProxy with 1, 2 and 3 instances: new submissions. On a 2-core machine the
   scale-out shows as CPU and database time per request staying flat, not as raw throughput.
3. The sizing arithmetic for a fleet of 600 kiosks, from the measured costs.

Goal: ≥300 new submissions/s per server core with p99 < 50 ms on SQLite and on PostgreSQL.
Client work (card signatures, sealing) is done before the clock starts. PostgreSQL runs durable
(fsync, synchronous_commit on) unless --pg-unsafe.

    .venv/bin/python bench/gateway.py [--submissions 1500] [--tokens 300] [--threads 4]
                                      [--no-postgres] [--no-haproxy] [--pg-unsafe] [--kiosks 600] [--no-pin]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway import testpki  # noqa: E402
from gateway.embedded import LocalGateway, make_local_gateway  # noqa: E402
from kiosk.backend.client import GatewayClient  # noqa: E402
from tests.fixtures.gateway_process import GatewayProcess, free_port  # noqa: E402
from tests.fixtures.haproxy import HAProxy, haproxy_available  # noqa: E402
from tests.fixtures.postgres import PostgresServer, postgres_available  # noqa: E402
from wire import protocol as wire  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _cpu_seconds(pids: list[int]) -> float:
    """User+system CPU time of processes (load-independent cost)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
    return found


class PgCost:
    """The database's side of a measurement: statements, execution time, server CPU."""

    def __init__(self, server: PostgresServer, db_url: str):
        import psycopg

        self.conn = psycopg.connect(db_url, autocommit=True)
        self.conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        self.postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
        PIN.others([self.postmaster, *_children(self.postmaster)])  # backends forked later inherit it

    def start(self) -> None:
        self.conn.execute("SELECT pg_stat_statements_reset()")
        self._cpu = _cpu_seconds(_children(self.postmaster))

    def take(self, requests: int) -> str:
        calls, ms = self.conn.execute(
            "SELECT COALESCE(sum(calls), 0), COALESCE(sum(total_exec_time), 0) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()
        cpu = _cpu_seconds(_children(self.postmaster)) - self._cpu
        return (f"   db {float(ms) / requests:5.2f} ms/req in {int(calls) / requests:4.1f} statements"
                f"   PostgreSQL CPU {cpu * 1000 / requests:5.2f} ms/req")


def _run(jobs: list, threads: int, make_client: Callable[[], GatewayClient], call) -> tuple[float, list[float]]:
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


class Target:
    """Where requests go (one instance or the balancer), whose CPU counts, and the database's cost."""

    def __init__(self, local: LocalGateway, base_url: str, pids: list[int], threads: int, pg: PgCost | None):
        self.local, self.base_url, self.pids, self.threads, self.pg = local, base_url, pids, threads, pg
        self.costs: dict[str, float] = {}  # label → server CPU seconds per request

    def client(self) -> GatewayClient:
        return GatewayClient(self.base_url, device_id=self.local.device_id, device_key=self.local.device_key)

    def measure(self, label: str, jobs: list, call) -> None:
        if self.pg:
            self.pg.start()
        cpu, own = _cpu_seconds(self.pids), time.process_time()
        seconds, lat = _run(jobs, self.threads, self.client, call)
        per_request = (_cpu_seconds(self.pids) - cpu) / len(jobs)
        client = (time.process_time() - own) / len(jobs)
        self.costs[label] = per_request
        line = (f"  {label:<24} {len(lat) / seconds:7.1f}/s  p50 {statistics.median(lat) * 1000:5.1f} ms"
                f"  p99 {_percentile(lat, 0.99) * 1000:5.1f} ms  server CPU {per_request * 1000:5.2f} ms/req"
                f" = {1 / max(per_request, 1e-6):5.0f}/s per core")
        print(line + (self.pg.take(len(jobs)) if self.pg else "") + f"   client CPU {client * 1000:4.2f} ms/req"
              f"  (n={len(lat)})", flush=True)

    def session_and_body(self, ca: testpki.TestCa) -> bytes:
        setup = self.client()
        key = testpki.new_key("p384")
        nonce = setup.challenge().nonce
        session = setup.authenticate(testpki.make_token(testpki.make_auth_cert(ca, key), key, self.local.origin,
                                                        nonce))
        sealed = wire.seal(self.local.sealing_public_key, json.dumps({"purpose": "bank", "language": "lv"}).encode())
        return wire.build_envelope(service_id="residence-certificate", service_version="1",
                                   session_ref=session.session_ref, created_at=dt.datetime.now(dt.UTC),
                                   sealed_answers=sealed)

    def submissions(self, ca: testpki.TestCa, count: int, replayed: bool = True) -> None:
        body = self.session_and_body(ca)
        keys = [str(uuid.uuid4()) for _ in range(count)]
        self.measure("submissions (new)", keys, lambda c, key: c.submit(key, body))
        if replayed:
            self.measure("submissions (replayed)", keys[: count // 3], lambda c, key: c.submit(key, body))

    def tokens(self, ca: testpki.TestCa, count: int) -> None:
        setup = self.client()
        for alg, kind in (("ES384", "p384"), ("RS256", "rsa")):
            key = testpki.new_key(kind)
            cert = testpki.make_auth_cert(ca, key)
            jobs = []  # nonces and card signatures are prepared before the clock starts
            for _ in range(count):
                nonce = setup.challenge().nonce
                jobs.append((nonce, testpki.make_token(cert, key, self.local.origin, nonce, alg)))
            self.measure(f"token validation {alg}", jobs, lambda c, job: c.authenticate(job[1], nonce=job[0]))


@contextlib.contextmanager
def _instances(local: LocalGateway, count: int, workdir: Path) -> Iterator[list[GatewayProcess]]:
    procs = [GatewayProcess(local.config_path, free_port(), workdir / f"gw{n}.log") for n in range(count)]
    try:
        for proc in procs:
            proc.start()
        PIN.gateways(_pids(procs))
        yield procs
    finally:
        for proc in procs:
            proc.stop()


def _pids(procs: list[GatewayProcess]) -> list[int]:
    return [p.proc.pid for p in procs if p.proc is not None]


class Pinning:
    """Gateways on the first CPU, everything else (this client, PostgreSQL, HAProxy) on the others, so that
    a line's requests/s is what one gateway core carries. Off on a single-CPU machine or with --no-pin."""

    def __init__(self, enabled: bool):
        cpus = sorted(os.sched_getaffinity(0))
        self.enabled = enabled and len(cpus) >= 2
        self.gateway, self.rest = {cpus[0]}, set(cpus[1:])
        if self.enabled:
            os.sched_setaffinity(0, self.rest)  # threads made later (the client pool) inherit it

    @staticmethod
    def _apply(pid: int, cpus: set[int]) -> None:
        for task in Path(f"/proc/{pid}/task").iterdir():  # every thread, including those already running
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(task.name), cpus)

    def gateways(self, pids: list[int]) -> None:
        for pid in pids if self.enabled else ():
            self._apply(pid, self.gateway)

    def others(self, pids: list[int]) -> None:
        for pid in pids if self.enabled else ():
            self._apply(pid, self.rest)

    def describe(self) -> str:
        return (f"gateways pinned to CPU {min(self.gateway)}, client/PostgreSQL/HAProxy to CPU "
                f"{','.join(map(str, sorted(self.rest)))}" if self.enabled else "not pinned")


PIN = Pinning(False)  # set in main()


def bench_one(name: str, workdir: Path, ca: testpki.TestCa, args: argparse.Namespace, db_url: str | None = None,
              pg: PgCost | None = None) -> dict[str, float]:
    local = make_local_gateway(workdir, [ca.pem], db_url=db_url, extra_config="[limits]\nrate_per_device = 0\n")
    with _instances(local, 1, workdir) as procs:
        print(f"{name}, one instance ({procs[0].base_url}, pid {procs[0].proc.pid})", flush=True)
        target = Target(local, procs[0].base_url, _pids(procs), args.threads, pg)
        target.tokens(ca, args.tokens)
        target.submissions(ca, args.submissions)
    return target.costs


def bench_balanced(workdir: Path, ca: testpki.TestCa, args: argparse.Namespace, db_url: str, pg: PgCost) -> None:
    local = make_local_gateway(workdir, [ca.pem], db_url=db_url, extra_config="[limits]\nrate_per_device = 0\n")
    print("PostgreSQL 15 through HAProxy (round robin, health checks on /ready); CPU summed over instances")
    for count in (1, 2, 3):
        with _instances(local, count, workdir) as procs:
            balancer = HAProxy(Path(tempfile.mkdtemp(prefix="pietura-haproxy-", dir=workdir)), free_port(),
                               {f"gw{n}": p.port for n, p in enumerate(procs, 1)}, check_interval_ms=5000)
            balancer.start()
            PIN.others([balancer.proc.pid])
            try:
                target = Target(local, balancer.base_url, _pids(procs), args.threads, pg)
                print(f" {count} instance{'s' if count > 1 else ''}:", end="", flush=True)
                target.submissions(ca, args.submissions, replayed=False)
            finally:
                balancer.stop()


def sizing(costs: dict[str, float], kiosks: int) -> None:
    """Requests per kiosk in a busy hour → requests/s for the fleet → cores, from measured CPU per request."""
    per_kiosk_hour = {  # a busy hour at a busy service point
        "heartbeat (app every 60 s, system every 5 min)": (60 + 12, "submissions (replayed)"),
        "sign-ins: 12 citizens + 2 staff, challenge + token": (2 * 14, "token validation ES384"),
        "catalogue (ETag, mostly 304), once per sign-in": (14, "submissions (replayed)"),
        "new submissions (one per citizen)": (12, "submissions (new)"),
        "status look-ups from receipts' QR codes": (6, "submissions (replayed)"),
    }
    peak = 5  # opening hour, all kiosks' outboxes flushing after a network outage
    print(f"\nSizing for {kiosks} kiosks (busy hour per kiosk; cost of each call taken from the line named)")
    total_rate = total_cpu = 0.0
    for what, (per_hour, like) in per_kiosk_hour.items():
        rate = kiosks * per_hour / 3600
        cpu = rate * costs.get(like, 0.0)
        total_rate, total_cpu = total_rate + rate, total_cpu + cpu
        print(f"  {what:<52} {per_hour:3d}/h per kiosk → {rate:6.1f}/s   {cpu:5.2f} cores")
    print(f"  {'all':<52}                 → {total_rate:6.1f}/s   {total_cpu:5.2f} cores on average")
    print(f"  peak ×{peak}: {total_rate * peak:.0f} requests/s, {total_cpu * peak:.2f} cores of gateway CPU; "
          f"an outbox backlog of one busy hour ({kiosks * 12} submissions) drains in "
          f"{kiosks * 12 * costs.get('submissions (new)', 0.0):.0f} core-seconds")
    print(f"  → the peak needs {math.ceil(total_cpu * peak)} core(s) of gateway CPU: size for availability "
          "(docs/deploy.md: 2 hosts × 2 instances, PostgreSQL primary + replica)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kiosks", type=int, default=600)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-haproxy", action="store_true")
    parser.add_argument("--pg-unsafe", action="store_true", help="PostgreSQL without fsync (as the tests run it)")
    parser.add_argument("--no-pin", action="store_true", help="leave gateways and client on any CPU")
    args = parser.parse_args()
    global PIN
    PIN = Pinning(not args.no_pin)
    print(f"one uvicorn worker per instance, {args.threads} client threads, {os.cpu_count()} CPUs "
          f"(load average {os.getloadavg()[0]:.1f} at start); {PIN.describe()}")
    ca = testpki.make_ca()
    with tempfile.TemporaryDirectory(prefix="pietura-bench-") as tmp:
        costs = bench_one("SQLite (WAL)", Path(tmp) / "sqlite", ca, args)
        if not args.no_postgres:
            if not postgres_available():
                print("PostgreSQL: skipped (postgresql-15 not installed)")
            else:
                costs = bench_postgres(Path(tmp), ca, args)
        sizing(costs, args.kiosks)
    return 0


def bench_postgres(tmp: Path, ca: testpki.TestCa, args: argparse.Namespace) -> dict[str, float]:
    durable = "" if args.pg_unsafe else "-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
    pg_root = Path(tempfile.mkdtemp(prefix="pietura-bench-pg-"))
    server = PostgresServer(pg_root, "postgres" if os.geteuid() == 0 else None,
                            durable + "-c shared_preload_libraries=pg_stat_statements")
    server.start()
    try:
        url = server.create_database()
        pg = PgCost(server, url)
        label = "PostgreSQL 15" + (" (fsync off)" if args.pg_unsafe else " (durable: fsync on)")
        costs = bench_one(label, tmp / "pg", ca, args, url, pg)
        if args.no_haproxy or not haproxy_available():
            print("HAProxy: skipped" + ("" if args.no_haproxy else " (apt install haproxy)"))
        else:
            url = server.create_database()
            bench_balanced(tmp / "pg-balanced", ca, args, url, PgCost(server, url))
        return costs
    finally:
        server.stop()
        shutil.rmtree(pg_root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
