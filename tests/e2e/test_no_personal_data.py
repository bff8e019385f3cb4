"""After a whole citizen journey nothing of the citizen remains in logs or kiosk-side files."""

import io
import logging
from pathlib import Path

from kiosk import bootstrap
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from kiosk.logsetup import configure_logging
from kiosk.settings import load_settings
from tests.e2e.journey import ADDRESS, sign_in, submit_residence, wait
from tests.e2e.privacy_scan import citizen_secrets, encodings, files_under, scan

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"
PIN = "90715384"  # long and unusual, so a hit is a leak and not a coincidence


def test_scan_finds_what_it_should():
    blob = b"xx" + "BĒRZIŅŠ".encode("utf-16-le") + b"yy" + encodings(b"certificate-bytes-0123456789")["base64+1"]
    hits = scan([("blob", blob)], {"name": "BĒRZIŅŠ", "cert": b"certificate-bytes-0123456789"})
    assert any("name as utf16le" in h for h in hits) and any("cert as base64+1" in h for h in hits)


def test_journey_leaves_no_personal_data(tmp_path, private_tmp):
    log = io.StringIO()
    configure_logging("DEBUG", stream=log)
    try:
        kiosk = bootstrap.build(load_settings(CONFIG), workdir=tmp_path / "kiosk")
        kiosk.start()
        sign_in(kiosk, pin=PIN, card=kiosk.emulation.citizen_card(pin1=PIN))
        submit_residence(kiosk)
        kiosk.runtime.post(ev.Finish())
        kiosk.emulation.remove()
        wait(kiosk.runtime, Screen.GOODBYE)
        certificate = kiosk.emulation.citizen_pki.auth_der
        gateway_dir = kiosk.workdir / "gateway"
        blobs = [("log", log.getvalue().encode("utf-8"))]
        blobs += files_under(kiosk.workdir, exclude=[gateway_dir])
        blobs += files_under(private_tmp)
        kiosk.close()
    finally:
        configure_logging("INFO")
        logging.getLogger().handlers[:] = []
    secrets = citizen_secrets(PIN, certificate, ADDRESS["street"], ADDRESS["city"])
    assert len(blobs) > 3 and log.getvalue().count("\n") > 20  # we really looked at something
    assert scan(blobs, secrets) == []
