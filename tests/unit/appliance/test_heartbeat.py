"""Heartbeat payload: check states, short problems, UI health merged, within the gateway's key limit."""

from __future__ import annotations

from kiosk.provisioning.checks import Check, Status
from kiosk.provisioning.heartbeat import MAX_KEYS, health_payload


def test_payload_lists_states_problems_and_ui_health() -> None:
    results = [Check("display", Status.OK, "card1-HDMI-A-1"), Check("free_space", Status.WARN, "5 %", "x"),
               Check("root_fs", Status.FAIL, "writable", "y")]
    payload = health_payload(results, "0.1.0", {"printer": "paper_near_end", "help_requested": False,
                                                 "nested": {"dropped": True}})
    assert payload["ok"] is False and payload["version"] == "0.1.0"
    assert payload["check.display"] == "OK" and payload["check.root_fs"] == "FAIL"
    assert payload["problems"] == "free_space: 5 %; root_fs: writable"
    assert payload["ui.printer"] == "paper_near_end" and payload["ui.help_requested"] is False
    assert "ui.nested" not in payload


def test_payload_never_exceeds_the_key_limit() -> None:
    payload = health_payload([], "v", {f"k{i}": i for i in range(200)})
    assert len(payload) == MAX_KEYS


def test_update_fields_come_before_ui_keys_and_survive_the_limit(tmp_path) -> None:
    from kiosk.provisioning.heartbeat import update_fields
    from kiosk.update import engine
    from kiosk.update.policy import SlotStatus

    engine.write_result(tmp_path, SlotStatus("", "2026.12.9", "update_signature", "signature verification failed"))
    fields = update_fields(tmp_path)
    assert fields["update.result"] == "update_signature" and fields["update.version"] == "2026.12.9"
    assert fields["update.slot"] == ""  # no RAUC system on a build host
    payload = health_payload([], "v", {f"k{i}": i for i in range(200)}, update=fields)
    assert len(payload) == MAX_KEYS
    assert payload["update.result"] == "update_signature"
