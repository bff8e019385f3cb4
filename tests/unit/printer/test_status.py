import pytest

from drivers.printer.document import QR, Cut, Text
from drivers.printer.emulator import EmulatedPrinter
from drivers.printer.emulator.interpreter import codepages_for
from drivers.printer.errors import PrinterError
from drivers.printer.printer import PrinterStatus, ReceiptPrinter, decode_status, valid_status_byte
from drivers.printer.settings import PRESETS

DOC = (Text("Paldies!"), QR("https://pietura.example.lv/s/EP-1?c=AB"), Cut())


def make(faults=(), preset="epson-tm-t20ii", **kw):
    s = PRESETS[preset]
    emulated = EmulatedPrinter(faults=faults, codepages=codepages_for(s.codepage_slot, s.codec), **kw)
    return emulated, ReceiptPrinter(s, emulated.transport())


def test_reply_validation_and_decoding():
    assert all(valid_status_byte(b) for b in (0x12, 0x16, 0x1E, 0x72, 0x7E, 0x36))
    assert not any(valid_status_byte(b) for b in (0x00, 0xFF, 0x13, 0x11))
    st = decode_status(0x1E, 0x32, 0x72)
    assert (st.online, st.paper_end, st.cover_open, st.fault) == (False, True, False, "paper_out")
    assert decode_status(0x16, 0x12, 0x1E).paper_near_end


def test_healthy_printer_prints_and_reports():
    emulated, printer = make()
    report = printer.print_document(DOC)
    assert report.before.known and report.before.online and report.warnings == ()
    assert report.bytes_sent == len(printer.build(DOC))
    assert emulated.jobs[0].text.strip() == "Paldies!" and emulated.interpreter.unknown == []


@pytest.mark.parametrize("fault, code", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                         ("offline", "printer_offline"), ("no_status", "printer_status_unknown"),
                                         ("garbage_status", "printer_status_unknown")])
def test_known_faults_refuse_printing(fault, code):
    emulated, printer = make([fault])
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == code and info.value.action.value == "call_staff"
    assert emulated.jobs == [] and emulated.interpreter.lines == []  # nothing but status queries sent


def test_near_end_prints_and_warns_staff():
    emulated, printer = make(["near_end"])
    report = printer.print_document(DOC)
    assert report.warnings == ("paper_near_end",) and len(emulated.jobs) == 1


def test_stale_byte_in_input_is_flushed_before_each_query():
    emulated, printer = make()
    emulated._replies += b"\x72"  # an unsolicited 'paper end' byte left in the input buffer
    assert printer.status().fault is None


def test_disconnect_mid_job_is_classified_and_later_calls_do_not_hang():
    emulated, printer = make(["disconnect_mid_job"], disconnect_after=40)
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == "printer_disconnected"
    with pytest.raises(PrinterError) as again:
        printer.status()
    assert again.value.code == "printer_disconnected"


def test_slow_consumer_ends_in_timeout():
    emulated, printer = make(["slow_consumer"], drain_rate=100)
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC, timeout=0.5)
    assert info.value.code == "printer_timeout"


def test_device_file_prints_with_status_unknown(tmp_path):
    from drivers.printer.transports import FileTransport

    target = tmp_path / "lp0"
    target.touch()
    printer = ReceiptPrinter(PRESETS["generic-58"], FileTransport(str(target)))
    report = printer.print_document(DOC)
    assert report.warnings == ("printer_status_unknown",) and not report.before.known
    assert target.read_bytes() == printer.build(DOC)


@pytest.mark.parametrize("fault, code", [("paper_out_mid_job", "paper_out"), ("cover_open_mid_job", "cover_open"),
                                         ("offline_mid_job", "printer_offline"), ("error_mid_job", "printer_error")])
def test_fault_starting_mid_job_fails_the_job(fault, code):
    emulated, printer = make([fault], fault_after=40)
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == code and "after the job started" in info.value.detail
    assert emulated.fault_started_at is not None and emulated.interpreter.cuts == ["partial"]


def test_error_bit_while_online_refuses_and_names_the_cause():
    emulated, printer = make(["error_online"])
    status = printer.status()
    assert status.online and status.error and status.error_cause == "autocutter"
    assert emulated.interpreter.status_queries == [1, 2, 4, 3]  # DLE EOT 3 only when 2 reports an error
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == "printer_error" and emulated.jobs == []


def test_printer_that_stops_reading_leaves_the_job_unconfirmed():
    emulated, printer = make(["stop_reading"], fault_after=50)
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC, timeout=0.3)
    assert info.value.code == "printer_job_unconfirmed"
    assert emulated.job_bytes() == 50 and emulated.interpreter.cuts == []


def test_unknown_status_object():
    st = PrinterStatus.unknown("no_reply")
    assert st.fault == "printer_status_unknown" and not st.known


def test_link_lost_after_the_job_is_reported_as_disconnected():
    """Better a reprint offer (maybe a duplicate) than a citizen without the receipt."""
    emulated, printer = make()
    original = emulated.receive

    def receive(data):
        original(data)
        if len(data) > 3:
            emulated.disconnected = True  # cable pulled right after the last byte

    emulated.receive = receive
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == "printer_disconnected" and len(emulated.jobs) == 1


def test_status_query_stalling_after_the_job_is_unconfirmed():
    emulated, printer = make()
    transport = printer.transport
    calls = {"writes": 0}
    original = transport.write

    def write(data, timeout):
        calls["writes"] += 1
        if calls["writes"] > 4:  # 3 status queries, the job, then the first query after it
            raise PrinterError("printer_timeout", "not reading")
        original(data, timeout)

    transport.write = write
    with pytest.raises(PrinterError) as info:
        printer.print_document(DOC)
    assert info.value.code == "printer_job_unconfirmed" and "printer_timeout" in info.value.detail
