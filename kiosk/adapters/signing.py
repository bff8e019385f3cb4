"""SigningPort: the USB stick, the signing service and the printer for the signing sub-flow.

An .edoc chosen for signing is checked (``kiosk.signing.existing``) and its data files become the
documents; the result goes beside it as ``<name> (2).edoc``. Holds the chosen files' content in
memory between "read" and "sign" only (``forget`` drops it;
the runtime calls it on every wipe); PIN2 comes from the runtime and is zeroed by the service.
Every call returns a flow event, failures as codes."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cryptography import x509

from drivers.errors import PieturaError
from drivers.smartcard.pins import wipe
from kiosk.adapters import usbstick
from kiosk.flow import signing_events as sev
from kiosk.flow.signing_state import (
    CheckView,
    DocumentView,
    SignatureView,
    SignedView,
    SignMode,
    StickEntry,
)
from kiosk.i18n import Translator
from kiosk.logsetup import event as log_event
from kiosk.receipts.signing import check_receipt, signed_receipt
from kiosk.signing.documents import Document, checkable, signable
from kiosk.signing.existing import ContainerRefused, ExistingContainer, open_existing
from kiosk.signing.preview import render_first_page
from kiosk.signing.service import Signed, SigningCard, SigningGateway, SigningService
from wire.edoc import ContainerReport
from wire.edoc.verify import verify_container

log = logging.getLogger("kiosk.signing")
MAX_CONTAINER_BYTES = 128 * 1024 * 1024


class SigningDesk:
    def __init__(self, card: SigningCard, gateway: SigningGateway, *,
                 candidates: Callable[[], Iterable[Path]] = usbstick.find_stick_partitions,
                 anchors: Sequence[x509.Certificate] = (), printer: object = None, site_name: str = "",
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.service = SigningService(card, gateway, anchors=anchors)
        self.candidates = candidates
        self.anchors = list(anchors)
        self.printer = printer  # kiosk.adapters.receipts.ReceiptService (print_document)
        self.site_name = site_name
        self.now = now
        self._lock = threading.Lock()
        self._stick: usbstick.Stick | None = None
        self._listed: dict[str, usbstick.StickFile] = {}
        self._documents: list[Document] = []
        self._first: usbstick.StickFile | None = None
        self._existing: ExistingContainer | None = None

    def forget(self, listing: bool = True) -> None:
        """Drop the files' content; with ``listing`` the stick and its listing too (every wipe)."""
        with self._lock:
            self._documents, self._first, self._existing = [], None, None
            if listing:
                self._stick, self._listed = None, {}

    def list_stick(self, mode: SignMode) -> sev.StickListed | sev.StickFailed:
        def wanted(name: str) -> bool:  # signing offers documents and .edoc files (one more signature)
            return checkable(name) or (mode == SignMode.SIGN and signable(name))

        try:
            stick = usbstick.open_stick(self.candidates())
            files = [f for f in stick.list_files() if wanted(f.name)]
        except usbstick.UsbError as exc:
            log_event(log, "stick_failed", code=exc.code)
            return sev.StickFailed(exc.code)
        with self._lock:
            self._stick, self._listed, self._documents, self._first = stick, {f.path: f for f in files}, [], None
            self._existing = None
        log_event(log, "stick_listed", files=len(files))
        return sev.StickListed(tuple(StickEntry(f.path, f.name, f.size, f.modified, checkable(f.name)) for f in files))

    def read_documents(self, paths: tuple[str, ...]) -> sev.DocumentsRead | sev.SigningFailed:
        with self._lock:
            stick, listed = self._stick, dict(self._listed)
        if stick is None or not paths or any(p not in listed for p in paths):
            return sev.SigningFailed(usbstick.READ_FAILED)
        names = [listed[p].name for p in paths]
        if len(set(names)) != len(names) or (len(paths) > 1 and any(checkable(n) for n in names)):
            return sev.SigningFailed("sign_no_files")  # one name twice, or an .edoc with other files
        existing: ExistingContainer | None = None
        try:
            if checkable(names[0]):
                opened = open_existing(stick.read(listed[paths[0]], max_bytes=MAX_CONTAINER_BYTES), self.anchors)
                if isinstance(opened, ContainerRefused):
                    return sev.SigningFailed(opened.code)
                existing, documents = opened, list(opened.documents)
            else:
                documents = [Document(listed[p].name, stick.read(listed[p]), listed[p].modified) for p in paths]
        except usbstick.UsbError as exc:
            return sev.SigningFailed(exc.code)
        signer = self.service.signer()
        if not isinstance(signer, str):
            return sev.SigningFailed(signer.code)
        with self._lock:
            self._documents, self._first, self._existing = documents, listed[paths[0]], existing
        pdf = _first_pdf(documents)
        pin2_tries, puk_tries = self.service.pin2_tries()
        return sev.DocumentsRead(tuple(DocumentView(d.name, d.size, d.modified, d.fingerprint) for d in documents),
                                 signer, None if existing is None else _signature_views(existing.report),
                                 preview=pdf.name if pdf is not None else "", pin2_tries_left=pin2_tries,
                                 puk_tries_left=puk_tries)

    def preview(self, effect: sev.MakePreview) -> sev.PreviewMade:
        """Page 1 of the first PDF read, as PNG (a child process with limits; None when it fails)."""
        with self._lock:
            pdf = _first_pdf(self._documents)
        return sev.PreviewMade(effect.chosen, render_first_page(pdf.content) if pdf is not None else None)

    def sign(self, session_token: str, pin2: bytearray) -> sev.DocumentsSigned | sev.SigningFailed:
        with self._lock:
            stick, documents, first, existing = self._stick, list(self._documents), self._first, self._existing
        if stick is None or first is None or not documents:
            wipe(pin2)
            return sev.SigningFailed(usbstick.READ_FAILED)
        result = self.service.sign(session_token, documents, pin2, existing)  # zeroes pin2
        if not isinstance(result, Signed):
            return sev.SigningFailed(result.code, result.tries_left)
        try:
            written = stick.write_beside(first, result.container)
        except usbstick.UsbError as exc:
            log_event(log, "edoc_not_written", logging.WARNING, code=exc.code)
            return sev.SigningFailed(exc.code)
        self.forget()
        return sev.DocumentsSigned(SignedView(written.name, result.signer, result.timestamp_time, result.files,
                                              result.container_sha256, result.signatures))

    def check(self, path: str) -> sev.ContainerChecked | sev.SigningFailed:
        with self._lock:
            stick, file = self._stick, self._listed.get(path)
        if stick is None or file is None:
            return sev.SigningFailed(usbstick.READ_FAILED)
        try:
            data = stick.read(file, max_bytes=MAX_CONTAINER_BYTES)
        except usbstick.UsbError as exc:
            return sev.SigningFailed(exc.code)
        report = verify_container(data, anchors=self.anchors)
        log_event(log, "container_checked", code=report.verdict.value, signatures=len(report.signatures))
        return sev.ContainerChecked(CheckView(file.name, report.verdict.value, report.files,
                                              _signature_views(report), tuple(p.value for p in report.problems)))

    def print(self, effect: sev.PrintSigning) -> sev.SignPrinted:
        if self.printer is None:
            return sev.SignPrinted(False, "printer_missing")
        tr = Translator(effect.language)
        try:
            if effect.signed is not None:
                document = signed_receipt(effect.signed, self.site_name, self.now(), tr)
            elif effect.check is not None:
                document = check_receipt(effect.check, self.site_name, self.now(), tr)
            else:
                return sev.SignPrinted(False, "internal_error")
            self.printer.print_document(document)  # type: ignore[attr-defined]
        except PieturaError as exc:  # the printer's code, or receipt_personal_data (nothing printed)
            log_event(log, "print_failed", logging.WARNING, code=exc.code)
            return sev.SignPrinted(False, exc.code)
        return sev.SignPrinted(True)


def _signature_views(report: ContainerReport) -> tuple[SignatureView, ...]:
    return tuple(SignatureView(s.verdict.value, s.signer, s.timestamp_time, s.files, tuple(p.code for p in s.problems))
                 for s in report.signatures)


def _first_pdf(documents: Sequence[Document]) -> Document | None:
    return next((d for d in documents if d.media_type == "application/pdf"), None)
