"""Staff login → staff panel → guided session → a citizen submits with assistance (no screen)."""

import sqlite3

import pytest

from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from tests.e2e.journey import enter_pin, submit_residence, wait


@pytest.mark.slow
def test_guided_session_end_to_end(kiosk):
    runtime, emulation = kiosk.runtime, kiosk.emulation
    runtime.run_until(lambda s: s.catalogue is not None, 30)

    emulation.insert(emulation.staff_card())
    enter_pin(runtime)
    wait(runtime, Screen.STAFF_PANEL)
    assert runtime.run_until(lambda s: s.health is not None, 30)
    assert runtime.state.health["gateway"] == "ok" and runtime.state.health["printer"] == "ok"

    runtime.post(ev.StaffTask("print_test_page"))
    assert runtime.run_until(lambda s: s.staff_task == ("print_test_page", "done"), 30)

    runtime.post(ev.StartGuided())
    wait(runtime, Screen.TAKE_CARD)
    emulation.remove()
    wait(runtime, Screen.GOODBYE)
    wait(runtime, Screen.WELCOME, timeout=30)
    assert runtime.state.guide.staff_given_name == "ILZE"

    emulation.insert()
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE)
    assert runtime.state.session.given_name == "JĀNIS" and runtime.state.guide is not None
    submit_residence(kiosk)
    assert runtime.state.printing.status == "printed"
    receipt = sorted(emulation.receipts_dir.glob("receipt-*.txt"))[-1].read_text(encoding="utf-8")
    assert "Iesniegts ar darbinieka palīdzību" in receipt or "staff assistance" in receipt
    assert "ILZE" not in receipt and "OZOLA" not in receipt

    db = sqlite3.connect(kiosk.workdir / "gateway" / "gateway.db")
    try:
        kinds = [row[0] for row in db.execute("SELECT kind FROM submissions")]
    finally:
        db.close()
    assert kinds == ["assisted"]  # the gateway checked the staff session and recorded the assistance

    runtime.post(ev.Finish())
    wait(runtime, Screen.TAKE_CARD)
    emulation.remove()
    wait(runtime, Screen.GOODBYE)
    assert runtime.state.guide is not None  # the citizen left; guided mode stays for the next one
