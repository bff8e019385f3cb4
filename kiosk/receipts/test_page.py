"""The printer test page as a print document: every Latvian letter, the printer's settings and
status, and a QR code. Used by ``kioskctl test-print`` and the staff panel's "Print a test page"."""

from __future__ import annotations

from drivers.printer.document import QR, Cut, Document, Feed, Rule, Text
from drivers.printer.printer import PrinterStatus
from drivers.printer.settings import PrinterSettings
from kiosk.i18n import N_, Translator

LATVIAN_LOWER = "ā č ē ģ ī ķ ļ ņ š ū ž"
LATVIAN_UPPER = "Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž"
PANGRAM = "Ķēķis ņūda ģīmis čaļš žāvē"


def status_text(status: PrinterStatus, tr: Translator | None = None) -> str:
    """The printer's condition in words (untranslated without ``tr``)."""
    _ = tr.gettext if tr is not None else (lambda message: message)
    if not status.known:
        return _("unknown (%(reason)s)") % {"reason": status.reason}
    flags = [_(name) for name, on in ((N_("offline"), not status.online), (N_("cover open"), status.cover_open),
                                      (N_("paper end"), status.paper_end), (N_("error"), status.error),
                                      (N_("paper near end"), status.paper_near_end)) if on]
    return ", ".join(flags) or _("online, paper OK")


def qr_payload(settings: PrinterSettings) -> str:
    return f"PIETURA TEST {settings.preset} {settings.codepage_slot}/{settings.codec}"


def test_page(settings: PrinterSettings, status: PrinterStatus, tr: Translator) -> Document:
    _ = tr.gettext
    return (
        Text(_("Printer test page"), bold=True, align="center"),
        Rule(),
        Text(_("Latvian letters:")),
        Text(LATVIAN_LOWER, align="center"),
        Text(LATVIAN_UPPER, align="center", bold=True),
        Text(PANGRAM, align="center", double=settings.columns >= 52),
        Text(_("If every letter above is right, the code page is right.")),
        Rule(),
        Text(_("Printer: %(preset)s") % {"preset": f"{settings.preset} ({settings.profile})"}),
        Text(_("Code page: %(slot)s / %(codec)s") % {"slot": settings.codepage_slot, "codec": settings.codec}),
        Text(_("QR mode: %(mode)s") % {"mode": settings.qr_mode}),
        Text(_("Status before printing: %(status)s") % {"status": status_text(status, tr)}),
        Feed(1),
        Text(_("The QR code contains:"), align="center"),
        QR(qr_payload(settings), size=settings.qr_size),
        Cut(),
    )
