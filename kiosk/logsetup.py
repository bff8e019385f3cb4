"""Structured logging without personal data.

One JSON object per line on stdout (journald keeps it as the message). Call sites log an
*event name* and a few non-personal fields (codes, counts, durations); ``event()`` refuses
anything else, so a name or personal code cannot slip into a log line through a stray repr.
"""

from __future__ import annotations

import json
import logging
import sys

_ALLOWED_TYPES = (int, float, bool, type(None))
# Field names whose *string* values are safe by construction (codes and identifiers we define).
SAFE_STRING_FIELDS = frozenset(
    {"code", "screen", "effect", "event", "from_screen", "to_screen", "card_type", "service_id", "status",
     "component", "reader_state", "printer_state", "language", "kiosk_id", "version", "mode", "action",
     "path", "variant", "preset", "transport", "algorithm", "reason"}
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            out.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = record.exc_info[0].__name__  # type only: messages may carry data
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def configure_logging(level: str = "INFO", stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("kivy").setLevel(logging.WARNING)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log an event; string fields must be in SAFE_STRING_FIELDS (codes, ids), others numbers."""
    clean: dict[str, object] = {}
    for key, value in fields.items():
        if isinstance(value, _ALLOWED_TYPES):
            clean[key] = value
        elif isinstance(value, str) and key in SAFE_STRING_FIELDS:
            clean[key] = value[:80]
        else:
            clean[key] = "<dropped>"
    logger.log(level, name, extra={"fields": clean})

