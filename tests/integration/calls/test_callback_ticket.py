"""The callback ticket printed over TCP to the ESC/POS emulator and decoded back to text."""

from __future__ import annotations

import datetime as dt

import pytest

from drivers.printer.emulator import EmulatedPrinter
from drivers.printer.emulator.interpreter import codepages_for
from drivers.printer.emulator.servers import TcpPrinterServer
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import open_transport
from kiosk.call import flow
from kiosk.call.ticket import build_callback_ticket, grouped_phone
from kiosk.i18n import Translator
from kiosk.receipts import Site, to_document
from kiosk.receipts.privacy import PersonalDataError

SITE = Site("Cēsu Centrālā bibliotēka", "Raunas iela 1, Cēsis", "LV-CES-01")
AT = dt.datetime(2026, 12, 6, 12, 5, tzinfo=dt.UTC)


def printed_lines(receipt, preset: str = "generic-80") -> list[str]:
    base = PRESETS[preset]
    emulated = EmulatedPrinter(codepages=codepages_for(base.codepage_slot, base.codec), width_px=base.width_px)
    with TcpPrinterServer(emulated).start() as server:
        host, port = server.address
        settings = PrinterSettings.from_mapping({"preset": preset, "transport": "network",
                                                 "network": {"host": host, "port": port},
                                                 "timeouts": {"status": 0.3, "write": 3}})
        transport = open_transport(settings)
        try:
            ReceiptPrinter(settings, transport).print_document(to_document(receipt, Translator("lv"),
                                                                           settings.paper_mm))
        finally:
            transport.close()
    emulated.interpreter.finish()
    assert emulated.interpreter.unknown == [] and emulated.interpreter.replacements == 0
    return [line.text for line in emulated.interpreter.lines]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_callback_ticket_prints_institution_topic_phone_and_reference(preset):
    state = flow.CallState()
    for event in (flow.StartCall("VSAA", "pension-advice"), flow.ConsentGiven(), flow.CallQueued("c-7Hq2", 4),
                  flow.RingTimeout()):
        state, _ = flow.step(state, event)
    state, effects = flow.step(state, flow.PhoneEntered("+371 2000 0000"))
    (ticket,) = effects
    assert isinstance(ticket, flow.PrintCallbackTicket)
    receipt = build_callback_ticket(ticket, SITE, AT, "lv", "Valsts sociālās apdrošināšanas aģentūra",
                                    "Pensijas jautājumi")
    joined = " ".join(printed_lines(receipt, preset))
    for expected in ("Cēsu Centrālā bibliotēka", "Atzvanīšanas pieprasījums", "Valsts sociālās",
                     "Pensijas jautājumi", "+371 2000 0000", "c-7Hq2", "nosauciet numuru"):
        assert expected in joined, expected


def test_phone_numbers_are_grouped_so_they_never_look_like_a_personal_code():
    assert grouped_phone("+37120000000") == "+371 2000 0000"
    assert grouped_phone("+4915112345678") == "+4 9151 1234 5678"
    assert grouped_phone("20000000") == "2000 0000"
    ticket = flow.PrintCallbackTicket("VID", "tax", "+37120000000", "c-1")
    assert "+371 2000 0000" in repr(build_callback_ticket(ticket, SITE, AT, "en"))
    with pytest.raises(PersonalDataError):  # a personal code typed as a topic title never prints
        build_callback_ticket(ticket, SITE, AT, "en", topic_title="010181-15098")
