"""SigningPort: the USB stick, the signing service and the printer for the signing sub-flow.

Holds the chosen files' content in memory between "read" and "sign" only (``forget`` drops it;
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
from kiosk.signing.service import Signed, SigningCard, SigningGateway, SigningService
from wire.edoc import verify_container

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
        self._stick: usbstick.FatStick | None = None
        self._listed: dict[str, usbstick.StickFile] = {}
        self._documents: list[Document] = []
        self._first: usbstick.StickFile | None = None

    def forget(self) -> None:
        with self._lock:
            self._stick, self._listed, self._documents, self._first = None, {}, [], None

    def list_stick(self, mode: SignMode) -> sev.StickListed | sev.StickFailed:
        wanted = signable if mode == SignMode.SIGN else checkable
        try:
            stick = usbstick.open_stick(self.candidates())
            files = [f for f in stick.list_files() if wanted(f.name)]
        except usbstick.UsbError as exc:
            log_event(log, "stick_failed", code=exc.code)
            return sev.StickFailed(exc.code)
        with self._lock:
            self._stick, self._listed, self._documents, self._first = stick, {f.path: f for f in files}, [], None
        log_event(log, "stick_listed", files=len(files))
        return sev.StickListed(tuple(StickEntry(f.path, f.name, f.size, f.modified) for f in files))

    def read_documents(self, paths: tuple[str, ...]) -> sev.DocumentsRead | sev.SigningFailed:
        with self._lock:
            stick, listed = self._stick, dict(self._listed)
        if stick is None or not paths or any(p not in listed for p in paths):
            return sev.SigningFailed(usbstick.READ_FAILED)
        names = [listed[p].name for p in paths]
        if len(set(names)) != len(names):
            return sev.SigningFailed("sign_no_files")  # two files of one name cannot share a container
        try:
            documents = [Document(listed[p].name, stick.read(listed[p]), listed[p].modified) for p in paths]
        except usbstick.UsbError as exc:
            return sev.SigningFailed(exc.code)
        signer = self.service.signer()
        if not isinstance(signer, str):
            return sev.SigningFailed(signer.code)
        with self._lock:
            self._documents, self._first = documents, listed[paths[0]]
        return sev.DocumentsRead(tuple(DocumentView(d.name, d.size, d.modified, d.fingerprint) for d in documents),
                                 signer)

    def sign(self, session_token: str, pin2: bytearray) -> sev.DocumentsSigned | sev.SigningFailed:
        with self._lock:
            stick, documents, first = self._stick, list(self._documents), self._first
        if stick is None or first is None or not documents:
            wipe(pin2)
            return sev.SigningFailed(usbstick.READ_FAILED)
        result = self.service.sign(session_token, documents, pin2)  # zeroes pin2
        if not isinstance(result, Signed):
            return sev.SigningFailed(result.code, result.tries_left)
        try:
            written = stick.write_beside(first, result.container)
        except usbstick.UsbError as exc:
            log_event(log, "edoc_not_written", logging.WARNING, code=exc.code)
            return sev.SigningFailed(exc.code)
        self.forget()
        return sev.DocumentsSigned(SignedView(written.name, result.signer, result.timestamp_time, result.files,
                                              result.container_sha256))

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
        return sev.ContainerChecked(CheckView(
            file.name, report.verdict.value, report.files,
            tuple(SignatureView(s.verdict.value, s.signer, s.timestamp_time, s.files, tuple(p.code for p in s.problems))
                  for s in report.signatures),
            tuple(p.value for p in report.problems)))

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
