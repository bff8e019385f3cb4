"""The back-end adapter seam: where an institution connects its real system.

The gateway stores every accepted submission (sealed) and hands it to the adapter with the
unsealed answers. The reference adapter keeps nothing else and advances the status
``received → registered`` after a configured delay, so demo receipts show real state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from gateway.store import SubmissionRow, from_ms


class BackendAdapter(Protocol):
    def deliver(self, submission: SubmissionRow, answers: Any) -> str:
        """Hand over an accepted submission; return its status (e.g. ``received``)."""

    def current_status(self, submission: SubmissionRow, now: dt.datetime) -> str:
        """The status to show now (may advance the stored one)."""


class ReferenceAdapter:
    def __init__(self, register_after_seconds: float = 0.0):
        self.register_after = dt.timedelta(seconds=register_after_seconds)

    def deliver(self, submission: SubmissionRow, answers: Any) -> str:
        return "received"

    def current_status(self, submission: SubmissionRow, now: dt.datetime) -> str:
        if submission.status == "received" and now >= from_ms(submission.received_at) + self.register_after:
            return "registered"
        return submission.status
