"""Today's counters, kept in a small JSON file in the state directory.

Sessions, submissions, assisted and proxy sessions, help calls — the figures digital agents
report. Numbers only: the file holds the local date and five integers, nothing about anyone.
It survives a restart of the app (the crash-restart of systemd included) and starts again from
zero on a new local day. Writes replace the file atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.flow.tally import NAMES
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.counters")
RIGA = ZoneInfo("Europe/Riga")
HEALTH_PREFIX = "today_"  # heartbeat keys: today_sessions, today_submissions, …


def local_today() -> dt.date:
    return dt.datetime.now(RIGA).date()


class DailyCounters:
    def __init__(self, path: Path | str, today: Callable[[], dt.date] = local_today):
        self.path = Path(path)
        self.today = today
        self._lock = threading.Lock()
        self._date, self._counts = self._load()

    def _load(self) -> tuple[dt.date, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            date = dt.date.fromisoformat(data["date"])
            counts = {name: int(data["counts"].get(name, 0)) for name in NAMES}
            if any(v < 0 for v in counts.values()):
                raise ValueError("negative count")
            return date, counts
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log_event(log, "counters_unreadable", logging.WARNING, code=type(exc).__name__)
        return self.today(), dict.fromkeys(NAMES, 0)

    def _roll(self) -> None:
        today = self.today()
        if today != self._date:
            self._date, self._counts = today, dict.fromkeys(NAMES, 0)

    def add(self, names: tuple[str, ...] | list[str]) -> None:
        with self._lock:
            self._roll()
            for name in names:
                if name in self._counts:
                    self._counts[name] += 1
            self._save()

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            self._roll()
            return dict(self._counts)

    def health(self) -> dict[str, int]:
        """For the heartbeat and the staff panel: ``today_<name>`` keys."""
        return {HEALTH_PREFIX + name: value for name, value in self.snapshot().items()}

    def _save(self) -> None:
        data = json.dumps({"date": self._date.isoformat(), "counts": self._counts}, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".counters-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # a full or read-only disk loses a count, never the kiosk
            log_event(log, "counters_not_saved", logging.WARNING, code=type(exc).__name__)
