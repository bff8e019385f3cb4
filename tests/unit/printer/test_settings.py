import pytest

from drivers.printer.errors import PrinterSettingsError
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import serial_options

LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_encodes_latvian_and_validates(name):
    preset = PRESETS[name]
    assert LATVIAN.encode(preset.codec) and len(LATVIAN.encode(preset.codec)) == len(LATVIAN)
    assert PrinterSettings.from_mapping({"preset": name}) == preset


def test_overlay_on_preset_and_paper_width_derives_geometry():
    s = PrinterSettings.from_mapping({
        "preset": "generic-80", "transport": "network", "network": {"host": "10.0.0.7"},
        "paper_mm": 58, "codepage_slot": 20, "timeouts": {"status": 0.3},
    })
    assert (s.transport, s.network.host, s.network.port) == ("network", "10.0.0.7", 9100)
    assert (s.paper_mm, s.columns, s.width_px, s.codepage_slot) == (58, 32, 384, 20)
    assert s.timeouts.status == 0.3 and s.timeouts.write == PRESETS["generic-80"].timeouts.write


def test_every_problem_is_reported_with_its_key_path():
    with pytest.raises(PrinterSettingsError) as info:
        PrinterSettings.from_mapping({
            "preset": "generic-80", "transport": "serial", "codec": "klingon", "qr_mode": "dots",
            "serial": {"baudrate": 1234, "flow_control": "dsrdtr", "prot": "x"},
            "timeouts": {"write": 0}, "paper_mn": 80, "usb": {"vendor": "zz"},
        })
    paths = dict(info.value.problems)
    assert info.value.code == "printer_config_invalid"
    for key in ("printer.codec", "printer.qr_mode", "printer.serial.baudrate", "printer.serial.flow_control",
                "printer.serial.prot", "printer.timeouts.write", "printer.paper_mn", "printer.usb.vendor"):
        assert key in paths, key
    assert "did you mean 'paper_mm'" in paths["printer.paper_mn"]
    assert "did you mean 'port'" in paths["printer.serial.prot"]


def test_unknown_preset_and_missing_usb_ids():
    with pytest.raises(PrinterSettingsError) as info:
        PrinterSettings.from_mapping({"preset": "epson-tm-t99", "transport": "usb", "usb": {"vendor": 0}})
    paths = dict(info.value.problems)
    assert "printer.preset" in paths and "printer.usb.vendor" in paths and "printer.usb.product" in paths


def test_usb_ids_accept_hex_strings():
    s = PrinterSettings.from_mapping({"preset": "generic-80", "transport": "usb",
                                      "usb": {"vendor": "04b8", "product": "0x0e28", "in_endpoint": "81"}})
    assert (s.usb.vendor, s.usb.product, s.usb.in_endpoint) == (0x04B8, 0x0E28, 0x81)


@pytest.mark.parametrize("flow, rtscts, xonxoff", [("rtscts", True, False), ("xonxoff", False, True),
                                                   ("none", False, False)])
def test_serial_flow_control_reaches_pyserial(flow, rtscts, xonxoff):
    s = PrinterSettings.from_mapping({"preset": "rongta-rp326", "serial": {"flow_control": flow,
                                                                            "baudrate": 115200}})
    options = serial_options(s.serial)
    assert (options["rtscts"], options["xonxoff"], options["dsrdtr"]) == (rtscts, xonxoff, False)
    assert options["baudrate"] == 115200


def test_device_file_cannot_read_status():
    assert not PRESETS["generic-58"].can_read_status
    assert PRESETS["epson-tm-t20ii"].can_read_status


@pytest.mark.parametrize("name", ["epson-tm-t20ii", "epson-tm-t88v", "rongta-rp326", "generic-58"])
def test_preset_code_page_matches_the_python_escpos_profile_table(name):
    from drivers.printer.emulator.codepages import codepages_from_profile

    preset = PRESETS[name]
    assert codepages_from_profile(preset.profile)[preset.codepage_slot] == preset.codec


def test_width_wider_than_the_profile_is_reported():
    with pytest.raises(PrinterSettingsError) as info:
        PrinterSettings.from_mapping({"preset": "epson-tm-t88v", "width_px": 576})
    assert "printer.width_px" in dict(info.value.problems)
    assert PrinterSettings.from_mapping({"preset": "epson-tm-t88v", "width_px": 504}).width_px == 504


def test_preset_key_documents_every_preset():
    from drivers.printer.settings import PRESET_NAMES

    assert PRESET_NAMES == tuple(PRESETS)


def test_a_printer_is_a_plain_dataclass_at_the_prompt():
    from drivers.printer.settings import NetworkSettings

    s = PRESETS["epson-tm-t20ii"].replace(transport="network", network=NetworkSettings("192.0.2.10"))
    assert (s.network.host, s.network.port, s.codepage_slot) == ("192.0.2.10", 9100, 51)
