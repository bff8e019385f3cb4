"""Proxy submission (e-asistents) end to end through the real composition root, no screen: the staff
member's emulated eID card, the reference gateway on loopback, the sealed outbox, the emulated printer
whose bytes are decoded back to text. Then a reprint by reference, today's counters, the audit chain,
and a privacy scan of everything the kiosk side wrote."""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3
from pathlib import Path

from drivers.smartcard.emulator import DEMO_STAFF
from gateway.cli import main as gateway_cli
from gateway.keys import load_keys
from kiosk import bootstrap
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from kiosk.logsetup import configure_logging
from kiosk.receipts.privacy import PERSONAL_CODE
from kiosk.services import form as forms
from kiosk.settings import load_settings
from tests.e2e import privacy_scan
from tests.e2e.journey import confirm_and_submit, enter_pin, wait
from tests.e2e.privacy_scan import files_under, scan, staff_secrets

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"
PRINCIPAL = {"given_name": "Anna Marija", "surname": "Liepa-Kalniņa", "personal_code": "321922-33032"}
AUTHORISATION = "EA 17/2026"
SERVICE = "residence-certificate"


def principal_secrets() -> dict:
    """The citizen staff submit for: never on the kiosk's disk, in its log, or on paper in full."""
    return privacy_scan.principal_secrets(**PRINCIPAL)


def staff_signs_in(kiosk) -> None:
    runtime, emulation = kiosk.runtime, kiosk.emulation
    runtime.run_until(lambda s: s.catalogue is not None, 30)
    emulation.insert(emulation.staff_card())
    enter_pin(runtime)
    wait(runtime, Screen.STAFF_PANEL)


def fill_authorisation(runtime, today) -> None:
    runtime.post(ev.StartProxy())
    wait(runtime, Screen.PROXY_AUTHORISATION)
    answers = {**PRINCIPAL, "authorisation_number": AUTHORISATION.lower(), "authorised_on": today.isoformat(),
               "scope": SERVICE, "identity_checked": True}
    for _ in range(len(answers) + 1):  # one question per page
        state = runtime.state
        if state.screen != Screen.PROXY_AUTHORISATION:
            break
        for field in forms.visible_fields(state.proxy.form):
            runtime.post(ev.Answer(field.id, answers[field.id]))
        position = state.proxy.form.position
        runtime.post(ev.Next())
        runtime.run_until(lambda s, p=position: s.proxy is None or s.proxy.form.position != p
                          or s.screen != Screen.PROXY_AUTHORISATION, 10)
    wait(runtime, Screen.SERVICE_INTRO)


def fill_service(runtime) -> None:
    runtime.post(ev.StartForm())
    wait(runtime, Screen.FORM)
    for _ in range(8):
        state = runtime.state
        if state.screen != Screen.FORM:
            break
        for field in forms.visible_fields(state.form):
            if field.id in state.form.locked or field.id in state.form.answers:
                continue
            value = field.choices[0].value if field.choices else True
            runtime.post(ev.Answer(field.id, value))
        position = state.form.position
        runtime.post(ev.Next())
        runtime.run_until(lambda s, p=position: s.screen != Screen.FORM or s.form.position != p, 10)
    confirm_and_submit(runtime)


def receipts(kiosk) -> list[str]:
    """The decoded transcripts of every printed job, oldest first (the emulator decodes the bytes)."""
    return [p.read_text("utf-8") for p in sorted(kiosk.emulation.receipts_dir.glob("receipt-*.txt"))]


def test_proxy_submission_end_to_end(tmp_path, private_tmp):
    log = io.StringIO()
    configure_logging("DEBUG", stream=log)
    kiosk = bootstrap.build(load_settings(CONFIG), workdir=tmp_path / "kiosk")
    kiosk.start()
    try:
        runtime = kiosk.runtime
        staff_signs_in(kiosk)
        fill_authorisation(runtime, runtime.state.today)
        assert runtime.state.proxy.block.authorisation_ref == AUTHORISATION
        fill_service(runtime)
        assert runtime.run_until(lambda s: s.printing and s.printing.status != "printing", 30)
        assert runtime.state.printing.status == "printed" and not runtime.state.submission.pending
        reference = runtime.state.submission.reference

        # two receipts, decoded from the printer's bytes
        first, second = receipts(kiosk)[-2:]
        for paper in (first, second):
            flowed = " ".join(paper.split())  # lines wrap at the paper's width
            assert reference in paper and "Iesniedzējs: A. M. L.-K." in paper and AUTHORISATION in paper
            assert "Iesniedza bibliotēkas darbinieks personas A. M. L.-K. vārdā" in flowed  # on behalf of
            assert not PERSONAL_CODE.search(paper) and "Liepa" not in paper and "ILZE" not in paper.upper()
        assert "IEDZĪVOTĀJA EKSEMPLĀRS" in second and "EKSEMPLĀRS" not in first

        # back to the staff panel with the citizen wiped
        runtime.post(ev.Finish())
        wait(runtime, Screen.STAFF_PANEL)
        state = runtime.state
        assert state.session.given_name == DEMO_STAFF.given_name and state.proxy is None and state.form is None
        assert not any(v in repr(vars(state)) for v in principal_secrets().values())

        # reprint by reference: unknown first, then the real one, marked as a copy
        runtime.post(ev.StartReprint())
        wait(runtime, Screen.STAFF_REPRINT)
        runtime.post(ev.Answer("reference", "PT-2026-ZZZZZZZZ"))
        runtime.post(ev.Next())
        assert runtime.run_until(lambda s: s.reprint is not None and s.reprint.problem, 30)
        assert runtime.state.reprint.problem == "submission_not_found"
        runtime.post(ev.Answer("reference", reference.lower()))
        runtime.post(ev.Next())
        assert runtime.run_until(lambda s: s.staff_task == ("reprint_receipt", "done"), 30), runtime.state.staff_task
        copy = receipts(kiosk)[-1]
        assert "KOPIJA (izdrukāta atkārtoti)" in copy and reference in copy and AUTHORISATION in copy
        assert "A. M. L.-K." in copy and not PERSONAL_CODE.search(copy)

        # today's counters, on disk and in the health the heartbeat sends
        assert runtime.run_until(lambda s: s.health is not None and s.health.get("today_submissions") == 1, 30)
        health = runtime.state.health
        assert health["today_proxy_sessions"] == 1 and health["today_sessions"] == 0
        counters = json.loads((kiosk.workdir / "counters.json").read_text())
        assert counters["counts"]["proxy_sessions"] == 1 and set(counters) == {"date", "counts"}

        runtime.post(ev.Finish())
        wait(runtime, Screen.TAKE_CARD)
        kiosk.emulation.remove()
        wait(runtime, Screen.GOODBYE)
        gateway_dir = kiosk.workdir / "gateway"
        blobs = [("log", log.getvalue().encode("utf-8"))]
        blobs += files_under(kiosk.workdir, exclude=[gateway_dir])  # receipts (paper) included
        blobs += files_under(private_tmp)
        local = kiosk.emulation.gateway
    finally:
        kiosk.close()
        configure_logging("INFO")
        logging.getLogger().handlers[:] = []

    # the kiosk kept nothing of the citizen or the librarian: outbox sealed, logs and state dir clean
    assert len(blobs) > 3 and log.getvalue().count("\n") > 20  # we really looked at something
    assert scan(blobs, {**principal_secrets(), **staff_secrets()}) == []

    # the gateway: a proxy record with the staff identity, the citizen as a keyed hash only
    keys = load_keys(local.config)
    db = sqlite3.connect(gateway_dir / "gateway.db")
    try:
        kind, envelope = db.execute("SELECT kind, envelope FROM submissions WHERE reference = ?",
                                    (reference,)).fetchone()
        record = db.execute("SELECT staff_actor_hash, authorisation_ref, scope, principal_hash FROM "
                            "proxy_submissions WHERE reference = ?", (reference,)).fetchone()
        audit_rows = db.execute("SELECT action, actor_hash, details FROM audit ORDER BY seq").fetchall()
        audit_dump = "\n".join(" ".join(str(c) for c in row) for row in db.execute("SELECT * FROM audit"))
        proxy_dump = " ".join(str(c) for c in record)
        db_health = db.execute("SELECT health FROM device_reports WHERE source = 'app'").fetchone()
    finally:
        db.close()
    assert kind == "proxy"
    block = json.loads(envelope)["proxy"]
    assert set(block) == {"authorisation_ref", "authorised_on", "scope", "sealed_principal"}
    assert block["scope"] == SERVICE and block["authorisation_ref"] == AUTHORISATION
    assert scan([("envelope", bytes(envelope))], principal_secrets()) == []  # name and code sealed
    assert record == (keys.role_hash(DEMO_STAFF.personal_code), AUTHORISATION, SERVICE,
                      keys.role_hash(PRINCIPAL["personal_code"]))
    (entry,) = [r for r in audit_rows if r[0] == "submission_proxy"]
    details = json.loads(entry[2])
    assert entry[1] == keys.role_hash(DEMO_STAFF.personal_code)
    assert details["principal_hash"] == keys.role_hash(PRINCIPAL["personal_code"])
    assert details["reference"] == reference and details["authorisation_ref"] == AUTHORISATION
    assert any(r[0] == "receipt_reprinted" for r in audit_rows)
    (health,) = db_health
    assert json.loads(health)["today_proxy_sessions"] == 1  # the counters went out with the heartbeat
    for text in (audit_dump, proxy_dump):
        assert scan([("gateway", text.encode())], {**principal_secrets(), "staff": DEMO_STAFF.personal_code}) == []
        assert not re.search(r"\b\d{6}-?\d{5}\b", text)

    # the audit chain verifies, and an edited proxy entry is found
    assert gateway_cli(["audit", "verify", "--config", str(local.config_path)]) == 0
    db = sqlite3.connect(gateway_dir / "gateway.db")
    try:
        forged = json.dumps({**details, "authorisation_ref": "EA 99/2026"}, sort_keys=True)
        db.execute("UPDATE audit SET details = ? WHERE action = 'submission_proxy'", (forged,))
        db.commit()
    finally:
        db.close()
    assert gateway_cli(["audit", "verify", "--config", str(local.config_path)]) == 2
