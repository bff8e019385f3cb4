"""The last update result on the data partition: written whole by the update service (root), readable by
the kiosk user's heartbeat."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.update import engine
from kiosk.update.policy import SlotStatus


def test_result_is_replaced_whole_and_readable_by_the_heartbeat(tmp_path: Path) -> None:
    first = SlotStatus("", "2026.12.9", engine.INSTALLED, "", "boot-1")
    engine.write_result(tmp_path, first)
    assert engine.read_result(tmp_path) == first
    path = tmp_path / engine.RESULT_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    engine.write_result(tmp_path, SlotStatus("", "2026.12.9", engine.RUNNING, "", "boot-2"))
    assert engine.read_result(tmp_path).last_result == engine.RUNNING
    assert [p.name for p in tmp_path.iterdir()] == [engine.RESULT_NAME]  # no temporary file left
