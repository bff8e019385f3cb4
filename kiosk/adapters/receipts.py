"""ReceiptPort: receipt facts → typed blocks → print document → bytes on the printer.

A receipt counts as printed only when the printer confirmed the job (its status read after the
cut came back clean); every other outcome is a PrintFinished with the printer's code. A printer
problem never touches the submission: the reference stays on screen, and a reprint is offered
while the session lasts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from drivers.errors import PieturaError
from drivers.printer.document import Document
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.logsetup import event as log_event
from kiosk.receipts import Copy, Site, build_receipt, to_document
from kiosk.receipts.test_page import test_page
from kiosk.settings import SiteSettings

log = logging.getLogger("kiosk.receipts")


class ReceiptService:
    def __init__(self, printer, site: SiteSettings,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.printer = printer
        self.site = Site(site.library_name, site.address, site.kiosk_id, site.phone)
        self.now = now
        self._lock = threading.Lock()  # one conversation with the printer at a time (jobs, status)

    def print_receipt(self, effect: fx.PrintReceipt) -> ev.PrintFinished:
        """Each copy the effect asks for, in order (a proxy submission: the receipt, then the
        citizen's copy); the first failure stops the rest and is what the person hears about."""
        for copy in effect.copies:
            finished = self._print_one(effect, copy)
            if not finished.ok:
                return finished
        return ev.PrintFinished(True)

    def _print_one(self, effect: fx.PrintReceipt, copy: Copy) -> ev.PrintFinished:
        try:
            receipt = build_receipt(effect.facts, self.site, self.now(), copy)
            document = to_document(receipt, Translator(effect.facts.language), self.printer.settings.paper_mm)
            with self._lock:
                report = self.printer.print_document(document)
        except PieturaError as exc:
            log_event(log, "print_failed", logging.WARNING, code=exc.code)
            return ev.PrintFinished(False, exc.code)
        for warning in report.warnings:  # paper near end; status unknown on a one-way link: for staff
            log_event(log, "printer_warning", code=warning)
        log_event(log, "printed", bytes=report.bytes_sent, copy=copy.value, confirmed=report.confirmed)
        return ev.PrintFinished(True)

    def print_document(self, document: Document) -> None:
        """Another paper than a submission's (the signing receipt, kiosk/receipts/signing.py);
        raises the printer's classified error."""
        with self._lock:
            self.printer.print_document(document)

    def print_test_page(self) -> str:
        """Staff panel: the technician's test page; returns "done" or the printer's error code."""
        with self._lock:
            try:
                status = self.printer.status()
                page = test_page(self.printer.settings, status, Translator("lv"))
                self.printer.print_document(page)
            except PieturaError as exc:
                return exc.code
        return "done"

    def status(self) -> dict[str, object]:
        """Printer health for staff and the fleet view (never blocks a job for long). A printer
        that is off or unreachable shows its code (printer_offline, printer_not_found, …) while
        its link keeps retrying in the background."""
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
