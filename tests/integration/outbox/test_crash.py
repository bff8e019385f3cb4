"""Crash test (CI size): SIGKILLed worker + flapping gateway → every submission stored exactly once.

The full 1,000-submission run is ``bench/outbox.py``.
"""

from __future__ import annotations

import pytest

from .crash import run_crash


@pytest.mark.slow
def test_crash_exactly_once(tmp_path):
    report = run_crash(tmp_path, count=150, seed=11)
    assert report.enqueued == 150
    assert report.lost == 0
    assert report.duplicates == 0
    assert report.mismatched_bytes == 0
    assert report.undelivered_in_outbox == 0
    assert report.stored == 150
    assert report.kills >= 3
    # every kind of fault really happened
    assert all(report.faults[f] > 0 for f in ("refuse", "error_500", "stored_then_500", "slow",
                                              "stored_then_reset")), report.faults
