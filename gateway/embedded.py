"""The embedded reference gateway: config file, keys, database and one enrolled device in a folder,
served on loopback. The kiosk's bootstrap composes it when ``gateway.mode = "embedded"`` (demo,
emulated kiosks); tests and benchmarks use it as a real gateway.

    local = make_local_gateway(tmp_path, [emulator_ca_pem])
    local.start()
    GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key)

It hands out the enrolled device's id and key, never a kiosk client: the gateway imports nothing
from the kiosk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from gateway.config import DEFAULT_SERVICES_DIR, GatewayConfig, load_config
from gateway.db import Database
from gateway.keys import generate_keys, load_keys
from gateway.server import RunningGateway, start_in_thread
from gateway.signing.testservers import TestSigningServices
from gateway.store import GatewayStore
from gateway.testpki import PrivateKey, TestCa
from wire.device_key import DeviceKey

DEFAULT_ORIGIN = "https://kiosk.pietura.test"


@dataclasses.dataclass
class LocalGateway:
    workdir: Path
    config_path: Path
    config: GatewayConfig
    device_id: str
    device_key: DeviceKey
    sealing_public_key: X25519PublicKey
    trust_ca_pems: list[bytes]
    running: RunningGateway | None = None
    signing_services: TestSigningServices | None = None  # the test TSA and OCSP responder, when asked for

    @property
    def origin(self) -> str:
        return self.config.origin

    @property
    def base_url(self) -> str:
        if self.running is None:
            raise RuntimeError("call start() first")
        return self.running.base_url

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if self.running is None:
            self.running = start_in_thread(self.config, host=host, port=port)
        return self.running.base_url

    def stop(self) -> None:
        """The gateway stops answering (it may be started again); the test TSA and OCSP keep running."""
        if self.running is not None:
            self.running.stop()
            self.running = None

    def close(self) -> None:
        """Stop the gateway and the test TSA and OCSP responder for good."""
        self.stop()
        if self.signing_services is not None:
            self.signing_services.stop()
            self.signing_services = None

    def enrol_device(self, name: str = "kiosk-2") -> tuple[str, DeviceKey]:
        """Enrol one more device directly in the database (admin path, no HTTP)."""
        return _enrol(self.config, name)

    def role_hash(self, personal_code: str) -> str:
        return load_keys(self.config).role_hash(personal_code)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows straight from the gateway's database (tests look at what was stored)."""
        db = Database(self.config.db_url)
        try:
            with db.tx(write=False) as tx:
                return tx.execute(sql, params)
        finally:
            db.close()

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        """Change the database behind the gateway's back (tests age a session, forge a row)."""
        db = Database(self.config.db_url)
        try:
            with db.tx() as tx:
                tx.execute(sql, params)
        finally:
            db.close()

    def __enter__(self) -> LocalGateway:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _enrol(config: GatewayConfig, name: str) -> tuple[str, DeviceKey]:
    db = Database(config.db_url)
    try:
        db.create_schema()
        store = GatewayStore(db)
        now = dt.datetime.now(dt.UTC)
        token = store.create_enrolment_token(name, now, 600)
        key = DeviceKey.generate()
        device = store.enrol_device(token, key.public_pem(), now)
        return device.device_id, key
    finally:
        db.close()


def write_config(workdir: Path, *, origin: str, ca_files: Sequence[Path], services_dir: Path,
                 db_url: str, staff: Sequence[str] = (), technician: Sequence[str] = (),
                 extra: str = "") -> Path:
    def q(value: object) -> str:
        return json.dumps(str(value))

    text = "\n".join([
        "[gateway]",
        f"origin = {q(origin)}",
        "listen = \"127.0.0.1:0\"",
        f"trust_ca = [{', '.join(q(p) for p in ca_files)}]",
        f"db = {q(db_url)}",
        f"services_dir = {q(services_dir)}",
        "",
        "[keys]",
        "audit_signing_key = \"keys/audit.pem\"",
        "sealing_private_key = \"keys/sealing.pem\"",
        "role_key = \"keys/role.key\"",
        "audit_heads = \"audit/heads.jsonl\"",
        "",
        "[roles]",
        f"staff = [{', '.join(q(h) for h in staff)}]",
        f"technician = [{', '.join(q(h) for h in technician)}]",
        "",
        extra,
    ])
    path = workdir / "gateway.toml"
    path.write_text(text, "utf-8")
    return path


def make_local_gateway(workdir: Path | str, trust_ca_pems: list[bytes], services_dir: Path | None = None,
                       origin: str = DEFAULT_ORIGIN, db_url: str | None = None, extra_config: str = "",
                       staff_codes: Sequence[str] = (), technician_codes: Sequence[str] = (),
                       signing_issuer: tuple[x509.Certificate, PrivateKey] | None = None) -> LocalGateway:
    """Write config, keys and DB into ``workdir`` and enrol one device; call ``.start()`` to serve.

    ``signing_issuer`` (the CA certificate and key that issued the cards' signing certificates, e.g.
    an emulated card's intermediate) turns signing on: a test TSA and OCSP responder for that CA
    start on loopback now and stop with the gateway (docs/signing.md)."""
    workdir = Path(workdir)
    signing_services = None
    if signing_issuer is not None:
        cert, key = signing_issuer
        signing_services = TestSigningServices(TestCa(name=cert.subject, key=key, cert=cert)).start()
        extra_config += (f'\n[signing]\ntsa_url = "{signing_services.base_url}/tsa"\n'
                         f'ocsp_url = "{signing_services.base_url}/ocsp"\ntimeout_seconds = 5\n')
    workdir.mkdir(parents=True, exist_ok=True)
    ca_files = []
    for number, pem in enumerate(trust_ca_pems):
        path = workdir / f"trust-ca-{number}.pem"
        path.write_bytes(pem)
        ca_files.append(path)
    db_url = db_url or f"sqlite:///{workdir / 'gateway.db'}"
    services = services_dir or DEFAULT_SERVICES_DIR
    config_path = write_config(workdir, origin=origin, ca_files=ca_files, services_dir=services, db_url=db_url,
                               extra=extra_config)
    config = load_config(config_path)
    generate_keys(config)
    keys = load_keys(config)
    if staff_codes or technician_codes:
        config_path = write_config(workdir, origin=origin, ca_files=ca_files, services_dir=services, db_url=db_url,
                                   staff=[keys.role_hash(c) for c in staff_codes],
                                   technician=[keys.role_hash(c) for c in technician_codes], extra=extra_config)
        config = load_config(config_path)
    device_id, device_key = _enrol(config, "kiosk-1")
    return LocalGateway(workdir=workdir, config_path=config_path, config=config, device_id=device_id,
                        device_key=device_key, sealing_public_key=keys.sealing_public,
                        trust_ca_pems=list(trust_ca_pems), signing_services=signing_services)
