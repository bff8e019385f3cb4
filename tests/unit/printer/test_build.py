import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drivers.printer.document import QR, Cut, Feed, Rule, Text
from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS

LATVIAN_LINE = "ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž €"  # fits 32 columns


def decode(preset, data):
    s = PRESETS[preset]
    interp = EscposInterpreter(codepages_for(s.codepage_slot, s.codec))
    interp.feed(data)
    interp.finish()
    return interp


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_job_starts_with_init_and_pinned_code_page(preset):
    s = PRESETS[preset]
    data = ReceiptPrinter(s).build((Text(LATVIAN_LINE),))
    assert data.startswith(b"\x1b@\x1bt" + bytes([s.codepage_slot]))
    assert LATVIAN_LINE.encode(s.codec) in data
    interp = decode(preset, data)
    assert interp.text() == LATVIAN_LINE and interp.unknown == [] and interp.replacements == 0


def test_nfd_input_is_normalised_not_questioned():
    nfd = unicodedata.normalize("NFD", "Bērziņš")
    data = ReceiptPrinter(PRESETS["epson-tm-t20ii"]).build((Text(nfd),))
    assert b"?" not in data
    assert decode("epson-tm-t20ii", data).text() == "Bērziņš"


def test_unencodable_line_becomes_raster_and_others_stay_text():
    doc = (Text("Ābele"), Text("Ελληνικά ā"), Text("Ūdens"))
    interp = decode("generic-80", ReceiptPrinter(PRESETS["generic-80"]).build(doc))
    assert interp.text() == "Ābele\nŪdens"
    width = interp.rasters[0].image.width
    assert len(interp.rasters) == 1 and width % 8 == 0 and width < 576  # blank right side trimmed
    black = interp.rasters[0].image.histogram()[0]
    assert black > 50  # something was drawn


def test_styles_wrap_and_rule():
    s = PRESETS["epson-tm-t88v"]
    doc = (Text("Virsraksts", bold=True, align="center", double=True), Text("x " * 30, align="right"), Rule())
    interp = decode("epson-tm-t88v", ReceiptPrinter(s).build(doc))
    first = interp.lines[0]
    assert (first.text, first.bold, first.align, first.width, first.height) == ("Virsraksts", True, "center", 2, 2)
    assert all(len(line.text) <= s.columns for line in interp.lines)
    assert interp.lines[1].align == "right" and not interp.lines[1].bold
    assert interp.lines[-1].text == "-" * s.columns


@pytest.mark.parametrize("preset, cuts", [("epson-tm-t20ii", ["partial"]), ("generic-58", [])])
def test_native_and_image_qr_and_cut_kind(preset, cuts):
    url = "https://pietura.example.lv/s/EP-1?c=K7Q2"
    interp = decode(preset, ReceiptPrinter(PRESETS[preset]).build((QR(url), Feed(2), Cut())))
    assert interp.cuts == cuts
    if PRESETS[preset].qr_mode == "native":
        assert interp.qr_payloads == [url] and interp.qr_codes[0].ec == "M"
    else:
        zxingcpp = pytest.importorskip("zxingcpp")
        results = zxingcpp.read_barcodes(interp.images()[0].convert("L"))
        assert interp.qr_payloads == [] and [r.text for r in results] == [url]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aābcčdeēfgģhiījkķlļmnņoprsštuūvzžAĀČĒŠŽ .,-:/0123456789")),
               max_size=120))
@example("0" * 60)  # one word longer than the paper's line
def test_any_latvian_text_round_trips_without_replacements(text):
    preset = "rongta-rp326"
    interp = decode(preset, ReceiptPrinter(PRESETS[preset]).build((Text(text),)))
    assert interp.replacements == 0 and interp.rasters == [] and interp.unknown == []
    # every character, in order; a word longer than the paper's line is broken where the line ends
    assert "".join(interp.text().split()) == "".join(text.split())


def test_control_characters_cannot_inject_commands():
    s = PRESETS["epson-tm-t20ii"]
    data = ReceiptPrinter(s).build((Text("Iela 1\x1bd\x09\x1dV\x00\nRīga\u200b"),))
    interp = decode("epson-tm-t20ii", data)
    assert interp.cuts == [] and interp.unknown == []
    assert " ".join(interp.text().split()) == "Iela 1 d V Rīga" and b"\x1b" not in data[5:]


def test_raster_wider_than_the_profile_is_a_config_error():
    from drivers.printer.errors import PrinterError

    settings = PRESETS["epson-tm-t88v"].replace(width_px=576, qr_mode="image")  # the TM-T88V has 512 dots
    with pytest.raises(PrinterError) as info:
        ReceiptPrinter(settings).build((Text("Ελληνικά", align="right"),))
    assert info.value.code == "printer_config_invalid"
