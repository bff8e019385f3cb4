"""Crash points for regression tests: the gateway process ends at once (as on SIGKILL) at a named
point, so a test can show what survives a crash there. Off unless the environment variable
``PIETURA_GATEWAY_CRASH_AT`` names the point; production units never set it."""

from __future__ import annotations

import enum
import os

CRASH_ENV = "PIETURA_GATEWAY_CRASH_AT"


class CrashPoint(enum.Enum):
    AFTER_SUBMISSION_COMMIT = "after_submission_commit"  # stored, not yet handed over, audited or answered


def crash_at(point: CrashPoint) -> None:
    """End the process without cleanup when ``point`` is the configured one."""
    if os.environ.get(CRASH_ENV) == point.value:
        os._exit(70)
