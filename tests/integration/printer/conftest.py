import datetime as dt

import pytest

from drivers.printer.emulator import EmulatedPrinter
from drivers.printer.emulator.interpreter import codepages_for
from kiosk.receipts import ReceiptFacts, Site, build_receipt


@pytest.fixture
def receipt():
    facts = ReceiptFacts(
        language="lv", service_title="Iesniegums pašvaldībai", reference="EP-2026-0004711", pending=False,
        processing_time=10, short_code="K7Q2", status_url="https://pietura.example.lv/s",
        citizen_initials="JĀNIS BĒRZIŅŠ", institution="Pilsonības un migrācijas lietu pārvalde (PMLP)",
        summary=(("Deklarē dzīvesvietu", "Savu"), ("Dzīvo tur kopš", "01.11.2026.")))
    site = Site("Rīgas Centrālā bibliotēka", "Brīvības iela 49/53, Rīga", "LV-RCB-01", "+371 67 000 000")
    return build_receipt(facts, site, dt.datetime(2026, 11, 26, 14, 5, tzinfo=dt.UTC))


@pytest.fixture
def emulated_for():
    def make(settings, **kw):
        return EmulatedPrinter(codepages=codepages_for(settings.codepage_slot, settings.codec),
                               width_px=settings.width_px, **kw)
    return make
