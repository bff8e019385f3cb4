"""Classified printer errors. A printer problem never blocks or undoes a submission:
callers show the reference on screen and offer a reprint; staff see the code."""

from __future__ import annotations

from drivers.errors import Action, PieturaError

# code -> action; the kiosk words each code for the citizen (kiosk/ui/texts.py, translated in ui.po).
PRINTER_ERROR_ACTIONS: dict[str, Action] = {
    "paper_out": Action.CALL_STAFF,
    "cover_open": Action.CALL_STAFF,
    "printer_offline": Action.CALL_STAFF,
    "printer_error": Action.CALL_STAFF,  # DLE EOT 2 error bit (cutter jam, head overheated), even while "online"
    "printer_job_unconfirmed": Action.CALL_STAFF,  # no status after the cut: the printer stopped reading
    "printer_status_unknown": Action.CALL_STAFF,
    "printer_timeout": Action.CALL_STAFF,
    "printer_disconnected": Action.CALL_STAFF,
    "printer_not_found": Action.CALL_STAFF,
    "printer_busy": Action.RETRY,
    "printer_permission_denied": Action.FATAL,
    "printer_driver_missing": Action.FATAL,
    "printer_config_invalid": Action.FATAL,
    "printer_encoding_failed": Action.FATAL,
}


class PrinterError(PieturaError):
    """A classified printer failure; ``detail`` is for logs and holds no personal data."""

    code = "printer_offline"
    action = Action.CALL_STAFF

    def __init__(self, code: str, detail: str = ""):
        if code not in PRINTER_ERROR_ACTIONS:
            raise ValueError(f"unknown printer error code {code!r}")
        super().__init__(code, detail, action=PRINTER_ERROR_ACTIONS[code])


class PrinterSettingsError(PrinterError):
    """Every problem in a [printer] table at once, each with its key path."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        text = "; ".join(f"{path}: {msg}" for path, msg in self.problems)
        super().__init__("printer_config_invalid", text)
