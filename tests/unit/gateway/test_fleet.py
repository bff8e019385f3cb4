"""Fleet page logic: problems from each source's latest report, stale reports aged out, order by urgency."""

from __future__ import annotations

from gateway.fleet import fleet, kiosk_status
from gateway.fleet_page import PROBLEMS, problem_text
from gateway.store import DeviceRow

NOW = 1_790_000_000_000  # ms
STALE = 15 * 60
APP_OK = {"version": "1.2.0", "screen": "welcome", "printer": "ok", "paper_near_end": False, "reader": "ok",
          "help_requested": False, "outbox_pending": 0, "outbox_oldest_s": None}
SYSTEM_OK = {"version": "1.2.0", "ok": True, "problems": "", "check.display": "OK", "check.free_space": "OK"}


def device(app=None, system=None, app_age=30, system_age=120, name="valmiera-01", status="active", **kw):
    reports = {}
    for source, health, age in (("app", app, app_age), ("system", system, system_age)):
        if health is not None:  # the kiosk's clock agrees with the gateway's unless the test says otherwise
            reports[source] = (NOW - age * 1000, {"clock_s": (NOW - age * 1000) // 1000, **health})
    seen = max((at for at, _ in reports.values()), default=None)
    return DeviceRow(kw.get("device_id", "dev-" + name), name, "PEM", status, NOW - 10**8, None, seen, None, reports)


def codes(k) -> list[tuple[str, str]]:
    return [(p.code, p.level) for p in k.problems]


def test_all_fine() -> None:
    k = kiosk_status(device(APP_OK, SYSTEM_OK), NOW, STALE)
    assert k.level == "ok" and not k.problems and k.version == "1.2.0" and k.counters == (("outbox_pending", 0),)
    assert [(s.source, s.age_s, s.stale) for s in k.sources] == [("app", 30, False), ("system", 120, False)]


def test_problems_from_the_app_report() -> None:
    app = {**APP_OK, "printer": "paper_out", "paper_near_end": True, "reader": "reader_missing",
           "help_requested": True, "outbox_pending": 3, "outbox_oldest_s": 75 * 60, "clock_s": (NOW - 30_000) // 1000 + 100,
           "count.sessions": 12}
    k = kiosk_status(device(app, SYSTEM_OK), NOW, STALE)
    assert codes(k) == [("clock_skew", "warn"), ("help_requested", "fail"), ("paper_out", "fail"),
                        ("reader_missing", "fail"), ("outbox_backlog", "fail")]
    assert k.problems[0].args == {"seconds": 100}  # the kiosk's clock is 100 s ahead
    assert k.problems[-1].args == {"count": 3, "minutes": 75}
    assert dict(k.counters) == {"outbox_pending": 3, "count.sessions": 12} and k.level == "fail"
    near = kiosk_status(device({**APP_OK, "paper_near_end": True, "outbox_pending": 1, "outbox_oldest_s": 700},
                               SYSTEM_OK), NOW, STALE)
    assert codes(near) == [("paper_near_end", "warn"), ("outbox_backlog", "warn")] and near.level == "warn"
    calls = kiosk_status(device({**APP_OK, "callbacks_pending": 2, "callbacks_refused": 1}, SYSTEM_OK), NOW, STALE)
    assert codes(calls) == [("callbacks_refused", "fail")] and calls.problems[0].args == {"count": 1}
    assert dict(calls.counters)["callbacks_pending"] == 2
    odd = kiosk_status(device({**APP_OK, "printer": "cover_open", "screen": "out_of_order"}), NOW, STALE)
    assert codes(odd)[:2] == [("out_of_order", "fail"), ("printer_error", "fail")]
    assert odd.problems[1].args == {"code": "cover_open"}


def test_system_checks_and_their_details() -> None:
    system = {**SYSTEM_OK, "ok": False, "check.display": "FAIL", "check.time_sync": "WARN",
              "problems": "display: no connected display; time_sync: clock not (yet) synchronised"}
    k = kiosk_status(device(APP_OK, system), NOW, STALE)
    assert codes(k) == [("check", "fail"), ("check", "warn")] and k.problems[0].args == {"name": "display"}
    assert "no connected display" in k.details


def test_a_stale_report_is_marked_and_its_values_unused() -> None:
    old_app = {**APP_OK, "printer": "paper_out", "help_requested": True}
    k = kiosk_status(device(old_app, SYSTEM_OK, app_age=40 * 60), NOW, STALE)
    assert codes(k) == [("source_stale", "warn")] and k.problems[0].args == {"source": "app", "minutes": 40}
    assert k.sources[0].stale and not k.sources[1].stale
    gone = kiosk_status(device(old_app, SYSTEM_OK, app_age=3 * 3600, system_age=2 * 3600), NOW, STALE)
    assert codes(gone) == [("offline", "fail")] and gone.level == "offline"
    assert kiosk_status(device(), NOW, STALE).problems[0].code == "never_seen"


def test_database_from_before_per_source_reports() -> None:
    legacy = DeviceRow("dev-x", "x", "PEM", "active", NOW - 10**8, None, NOW - 60_000,
                       {"printer": "paper_out", "version": "1.0"}, {})
    k = kiosk_status(legacy, NOW, STALE)
    assert codes(k) == [("paper_out", "fail")] and k.version == "1.0"


def test_order_needs_attention_first_and_revoked_last() -> None:
    rows = fleet([device(APP_OK, SYSTEM_OK, name="a-ok"), device(name="b-revoked", status="revoked"),
                  device({**APP_OK, "printer": "paper_out"}, name="c-fail"),
                  device(APP_OK, name="d-gone", app_age=7200), device({**APP_OK, "paper_near_end": True}, name="e-warn")],
                 NOW, STALE)
    assert [(k.name, k.level) for k in rows] == [("c-fail", "fail"), ("d-gone", "offline"), ("e-warn", "warn"),
                                                 ("a-ok", "ok"), ("b-revoked", "revoked")]


def test_every_problem_has_words_in_both_languages() -> None:
    assert PROBLEMS["lv"].keys() == PROBLEMS["en"].keys()
    k = kiosk_status(device({**APP_OK, "printer": "paper_out"}, SYSTEM_OK, system_age=20 * 60), NOW, STALE)
    assert [problem_text(p, "lv") for p in k.problems] == ["sistēma: nav ziņojusi 20 min", "Printerim beidzies papīrs"]
    assert [problem_text(p, "en") for p in k.problems] == ["system: no report for 20 min", "Printer out of paper"]


def test_update_slot_and_a_failed_update_from_the_system_report() -> None:
    system = {**SYSTEM_OK, "update.slot": "B", "update.version": "2026.12.9", "update.result": "update_signature"}
    k = kiosk_status(device(APP_OK, system), NOW, STALE)
    assert k.slot == "B"
    assert codes(k) == [("update_failed", "warn")]
    assert problem_text(k.problems[0], "en") == "Update 2026.12.9 failed: update_signature"
    assert "2026.12.9" in problem_text(k.problems[0], "lv")
    fine = kiosk_status(device(APP_OK, {**system, "update.result": "update_installed"}), NOW, STALE)
    assert fine.level == "ok" and fine.slot == "B"
