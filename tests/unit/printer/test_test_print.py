"""kioskctl test-print against the emulator: the page, the PNG, the raw bytes, one-line failures."""

import argparse

import pytest

from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from drivers.printer.settings import PRESETS
from kiosk.provisioning import test_print
from kiosk.receipts.test_page import LATVIAN_LOWER, LATVIAN_UPPER


def parse(argv):
    parser = argparse.ArgumentParser()
    test_print.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["test-print", *argv])


@pytest.mark.parametrize("preset", ["epson-tm-t20ii", "generic-58"])
def test_page_round_trip(preset, tmp_path, capsys):
    png, raw = tmp_path / "page.png", tmp_path / "page.bin"
    args = parse(["--printer", preset, "--emulator", "--out", str(png), "--raw", str(raw)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("test-print: OK") and "online, paper OK" in out
    s = PRESETS[preset]
    interp = EscposInterpreter(codepages_for(s.codepage_slot, s.codec))
    interp.feed(raw.read_bytes())
    interp.finish()
    text = interp.text()
    assert LATVIAN_LOWER in text and LATVIAN_UPPER in text
    assert "Statuss pirms drukas: darbojas, papīrs ir" in " ".join(text.split())
    assert interp.unknown == [] and interp.replacements == 0
    if s.qr_mode == "native":
        assert interp.qr_payloads == [f"PIETURA TEST {preset} {s.codepage_slot}/{s.codec}"]
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("fault, words", [("paper_out", "FAILED paper_out: printer reports paper end"),
                                          ("paper_out_mid_job", "FAILED paper_out: printer reports paper end"),
                                          ("cover_open_mid_job", "FAILED cover_open"),
                                          ("error_online", "FAILED printer_error"),
                                          ("stop_reading", "FAILED printer_job_unconfirmed"),
                                          ("no_status", "FAILED printer_status_unknown")])
def test_failure_is_one_line(fault, words, capsys):
    args = parse(["--printer", "generic-80", "--emulator", "--fault", fault])
    assert args.func(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]


def test_missing_device_file(capsys):
    args = parse(["--printer", "generic-80", "--lang", "en"])
    if PRESETS["generic-80"].device_file and __import__("os").path.exists(PRESETS["generic-80"].device_file):
        pytest.skip("a real printer device exists here")
    assert args.func(args) == 1
    assert "FAILED printer_not_found" in capsys.readouterr().err


def test_config_file(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text('[printer]\npreset = "epson-tm-t88v"\ntransport = "emulator"\n', encoding="utf-8")
    args = parse(["--config", str(config), "--lang", "en"])
    assert args.func(args) == 0
    assert "test-print: OK" in capsys.readouterr().out
    config.write_text('[printer]\npreset = "epson-tm-t88v"\nqr_mode = "dots"\n', encoding="utf-8")
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert "FAILED printer_config_invalid" in err and "printer.qr_mode" in err


def test_probe_lists_every_slot_and_decodes_on_the_right_one(tmp_path, capsys):
    raw = tmp_path / "probe.bin"
    args = parse(["--printer", "epson-tm-t20ii", "--emulator", "--probe", "--raw", str(raw)])
    assert args.func(args) == 0
    from drivers.printer.emulator.interpreter import EPSON_CODEPAGES

    interp = EscposInterpreter(dict(EPSON_CODEPAGES))  # an Epson table: 51 = CP1257, 33 = CP775
    interp.feed(raw.read_bytes())
    lines = [line.text for line in interp.lines]
    assert " 51   1257:āčēģīķļņšūž" in lines and " 33    775:āčēģīķļņšūž" in lines
    assert sum(1 for line in lines if line.startswith(" 25 ")) == 3
    assert len(raw.read_bytes()) < 8000 and "?" not in interp.text()
