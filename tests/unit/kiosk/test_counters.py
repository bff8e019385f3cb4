"""Today's counters on disk: they survive a restart, start again on a new local day, hold only numbers."""

import datetime as dt
import json

from kiosk.adapters.counters import DailyCounters


class Days:
    def __init__(self, day: dt.date):
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


def test_counts_survive_a_restart_and_reset_on_a_new_day(tmp_path):
    path = tmp_path / "state" / "counters.json"
    today = Days(dt.date(2026, 11, 26))
    counters = DailyCounters(path, today)
    counters.add(("sessions",))
    counters.add(("sessions", "assisted_sessions"))
    counters.add(("help_calls", "not_a_counter"))
    restarted = DailyCounters(path, today)  # a new process reads the file
    assert restarted.snapshot() == {"sessions": 2, "submissions": 0, "assisted_sessions": 1, "proxy_sessions": 0,
                                    "help_calls": 1}
    assert restarted.health()["today_sessions"] == 2
    data = json.loads(path.read_text())
    assert data == {"date": "2026-11-26", "counts": restarted.snapshot()}  # numbers and the date, nothing else
    today.day = dt.date(2026, 11, 27)
    assert set(restarted.snapshot().values()) == {0}
    restarted.add(("submissions",))
    assert DailyCounters(path, today).snapshot()["submissions"] == 1
    yesterday = DailyCounters(path, Days(dt.date(2026, 11, 28)))
    assert yesterday.snapshot()["submissions"] == 0  # a file from an earlier day counts for nothing


def test_an_unreadable_file_starts_from_zero(tmp_path):
    path = tmp_path / "counters.json"
    path.write_text("{not json")
    counters = DailyCounters(path, Days(dt.date(2026, 11, 26)))
    assert set(counters.snapshot().values()) == {0}
    counters.add(("proxy_sessions",))
    assert json.loads(path.read_text())["counts"]["proxy_sessions"] == 1


def test_an_unwritable_place_loses_the_count_not_the_kiosk(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")  # the state "folder" is a file: every write fails, even as root
    counters = DailyCounters(blocker / "counters.json", Days(dt.date(2026, 11, 26)))
    counters.add(("sessions",))  # must not raise
    assert counters.snapshot()["sessions"] == 1
    assert "counters_not_saved" in caplog.text
