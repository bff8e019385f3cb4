"""The gateway the VM's kiosk enrols with and reports to in ``make update-check`` (``update_vm_check.py``).

The tests' real parts, on the host: PostgreSQL from Debian's packages (``tests/fixtures/postgres.py``) and
the reference gateway (``gateway.embedded.make_local_gateway``, uvicorn on a thread) serving TLS on the
host's loopback. QEMU's user-mode network takes the guest's 10.0.2.2 to the host's 127.0.0.1, so the kiosk
is provisioned with ``https://10.0.2.2:PORT`` and the CA of a server certificate made here for that address
(and for 127.0.0.1, which the check itself uses). The enrolment token comes from ``kiosk-gateway admin
enrol-token`` as a technician gets it; the fleet data is what the fleet page shows (``gateway.fleet``, and the
page itself through its token).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
GUEST_HOST = "10.0.2.2"  # QEMU user-mode networking: the host's loopback as the guest sees it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A CA (what the kiosk is provisioned with as --gateway-ca) and a server certificate it signed for
    10.0.2.2 and 127.0.0.1; (ca, cert, key)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key, cert, key = (folder / n for n in ("ca.pem", "ca.key", "cert.pem", "key.pem"))

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
            "-subj", "/CN=Pietura update-check gateway CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", "-keyout", str(ca_key), "-out", str(ca))
    csr = folder / "cert.csr"
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={GUEST_HOST}",
            "-keyout", str(key), "-out", str(csr))
    ext = folder / "cert.ext"
    ext.write_text(f"subjectAltName=IP:{GUEST_HOST},IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
                   "extendedKeyUsage=serverAuth\n", encoding="ascii")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-days", "30",
            "-sha256", "-extfile", str(ext), "-out", str(cert))
    return ca, cert, key


class VmGateway:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is what the guest is provisioned with."""

    def __init__(self, work: Path):
        self.work = (work / "gateway").resolve()  # the gateway config names its files relative to itself
        self.port = free_port()
        self.url = f"https://{GUEST_HOST}:{self.port}"
        self.fleet_token = secrets.token_urlsafe(24)
        self.local = None
        self.postgres = None
        self._pg_root: Path | None = None

    def start(self) -> None:
        from gateway import testpki
        from gateway.embedded import make_local_gateway
        from tests.fixtures.postgres import PostgresServer, postgres_available

        shutil.rmtree(self.work, ignore_errors=True)
        self.ca, cert, key = make_tls(self.work / "tls")
        db_url = f"sqlite:///{self.work / 'gateway.db'}"
        if postgres_available():  # the deployed database; SQLite only where PostgreSQL is not installed
            self._pg_root = Path(tempfile.mkdtemp(prefix="pietura-update-check-pg-"))
            self.postgres = PostgresServer(self._pg_root, "postgres" if os.geteuid() == 0 else None)
            self.postgres.start()
            db_url = self.postgres.create_database()
        self.db_kind = "PostgreSQL" if self.postgres else "SQLite"
        token_hash = hashlib.sha256(self.fleet_token.encode()).hexdigest()
        extra = f'[tls]\ncert = "{cert}"\nkey = "{key}"\n\n[fleet]\npage_token_sha256 = "{token_hash}"\n'
        eid_ca = testpki.make_ca("Pietura update-check eID ICA", "p384")  # the gateway needs one; no card signs in
        self.local = make_local_gateway(self.work, [eid_ca.pem], origin=self.url, db_url=db_url, extra_config=extra)
        self.local.start(host="127.0.0.1", port=self.port)

    def stop(self) -> None:
        if self.local is not None:
            self.local.close()
        if self.postgres is not None:
            self.postgres.stop()
        if self._pg_root is not None:
            shutil.rmtree(self._pg_root, ignore_errors=True)

    def enrolment_token(self, name: str) -> str:
        """``kiosk-gateway admin enrol-token NAME``, as the technician gets one."""
        proc = subprocess.run([sys.executable, "-m", "gateway.cli", "admin", "enrol-token", name, "--config",
                               str(self.local.config_path)], cwd=REPO, capture_output=True, text=True, timeout=120,
                              check=True)
        return proc.stdout.strip().splitlines()[-1].strip()

    def kiosk(self, name: str):  # -> gateway.fleet.KioskStatus | None
        """The fleet page's data for the kiosk enrolled under ``name`` (None: not enrolled)."""
        from gateway.db import Database
        from gateway.fleet import fleet
        from gateway.store import GatewayStore

        db = Database(self.local.config.db_url)
        try:
            devices = GatewayStore(db).list_devices()
        finally:
            db.close()
        now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
        rows = [k for k in fleet(devices, now_ms, self.local.config.fleet_stale_minutes * 60) if k.name == name]
        return rows[-1] if rows else None

    def fleet_page(self, lang: str = "en") -> str:
        """The fleet page as a technician's browser gets it (its token as a bearer token)."""
        response = requests.get(f"https://127.0.0.1:{self.port}/fleet?lang={lang}", timeout=30, verify=str(self.ca),
                                headers={"Authorization": f"Bearer {self.fleet_token}"})
        response.raise_for_status()
        return response.text

    def card(self, name: str, lang: str = "en") -> str:
        """The kiosk's card on the fleet page, as plain text ("" when the page has none for it)."""
        for section in re.findall(r"<section\b.*?</section>", self.fleet_page(lang), re.S):
            text = html.unescape(re.sub(r"<[^>]+>", " ", section))
            if re.search(rf"(^|\s){re.escape(name)}(\s|$)", text):
                return " ".join(text.split())
        return ""
