"""ReceiptPort: receipt facts → typed blocks → print document → bytes on the printer.

A printer problem never touches the submission: it becomes a PrintFinished with a code, the
reference stays on screen, and a reprint is offered while the session lasts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from drivers.errors import PieturaError
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.logsetup import event as log_event
from kiosk.receipts import ProxyFacts, ReceiptFacts, build_receipt, to_document
from kiosk.settings import SiteSettings
from wire.protocol import parse_time

log = logging.getLogger("kiosk.receipts")


class ReceiptService:
    def __init__(self, printer, site: SiteSettings,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.printer = printer
        self.site = site
        self.now = now
        self._lock = threading.Lock()  # one conversation with the printer at a time (jobs, status)

    def facts(self, effect: fx.PrintReceipt, copy: str = "") -> ReceiptFacts:
        return ReceiptFacts(
            site_name=self.site.library_name,
            site_address=self.site.address,
            kiosk_id=self.site.kiosk_id,
            created_at=parse_time(effect.submitted_at) if effect.submitted_at else self.now(),
            language=effect.language,
            service_title=effect.service_title,
            reference=effect.reference,
            pending=effect.pending,
            processing_time=effect.processing_time,
            short_code=effect.short_code,
            status_url=effect.status_url,
            citizen_initials=effect.citizen_initials,
            summary=tuple(effect.summary),
            assisted=effect.assisted,
            proxy=ProxyFacts("", effect.authorisation_number) if effect.authorisation_number else None,
            copy=copy,
        )

    def print_receipt(self, effect: fx.PrintReceipt) -> ev.PrintFinished:
        """Each copy the effect asks for, in order (a proxy submission: the receipt, then the
        citizen's copy); the first failure stops the rest and is what the person hears about."""
        for copy in effect.copies or ("",):
            finished = self._print_one(effect, copy)
            if not finished.ok:
                return finished
        return ev.PrintFinished(True)

    def _print_one(self, effect: fx.PrintReceipt, copy: str) -> ev.PrintFinished:
        try:
            receipt = build_receipt(self.facts(effect, copy))
            document = to_document(receipt, Translator(effect.language), self.printer.settings.paper_mm)
            with self._lock:
                report = self.printer.print_document(document)
        except PieturaError as exc:
            log_event(log, "print_failed", logging.WARNING, code=exc.code)
            return ev.PrintFinished(False, exc.code)
        for warning in report.warnings:  # paper near end, status unknown: for staff, not the citizen
            log_event(log, "printer_warning", code=warning)
        if "paper_out" in report.warnings:  # ran out during the job: the receipt is likely cut short
            return ev.PrintFinished(False, "paper_out")
        log_event(log, "printed", bytes=report.bytes_sent, copy=copy or "receipt")
        return ev.PrintFinished(True)

    def print_test_page(self) -> str:
        """Staff panel: the technician's test page; returns "done" or the printer's error code."""
        from kiosk.provisioning.test_print import test_page

        with self._lock:
            try:
                status = self.printer.status()
                page = test_page(self.printer.settings, status, Translator("lv"))
                self.printer.print_document(page)
            except PieturaError as exc:
                return exc.code
        return "done"

    def status(self) -> dict[str, object]:
        """Printer health for staff and the fleet view (never blocks a job for long)."""
        if not self._lock.acquire(timeout=1.0):
            return {"printer": "busy"}
        try:
            status = self.printer.status()
        except PieturaError as exc:
            return {"printer": exc.code}
        finally:
            self._lock.release()
        return {"printer": status.fault or ("ok" if status.known else "printer_status_unknown"),
                "paper_near_end": bool(status.paper_near_end)}
