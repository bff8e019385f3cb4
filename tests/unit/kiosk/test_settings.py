from pathlib import Path

import pytest

from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.schema import documented_fields
from kiosk.bootstrap import flow_config
from kiosk.provisioning.cli import main as kioskctl
from kiosk.settings import (
    SECTIONS,
    SettingsError,
    documentation,
    load_settings,
    parse_settings,
    valid_settings,
)

CONFIG = Path(__file__).resolve().parents[3] / "config"


@pytest.mark.parametrize("name", ["demo.toml", "site.example.toml"])
def test_shipped_configs_load(name):
    settings = load_settings(CONFIG / name)
    assert settings.site.kiosk_id
    assert settings.printer is not None


def test_every_problem_is_reported_at_once_with_key_paths(tmp_path):
    f = tmp_path / "kiosk.toml"
    f.write_text(
        '[site]\nkiosk_idd = "x"\nlanguages = ["lv", "ru"]\n'
        "[display]\nrotation = 45\nwidth = \"wide\"\n"
        "[printr]\n"
        '[printer]\npreset = "nope"\n'
        "[timeouts]\nidle_warning_s = 5\n"
        '[gateway]\nmode = "remote"\nurl = "http://plain"\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as info:
        load_settings(f)
    paths = {i.path for i in info.value.issues}
    assert {"site.kiosk_idd", "site.languages", "display.rotation", "display.width", "printr",
            "printer.preset", "timeouts.idle_warning_s", "gateway.url", "gateway.origin"} <= paths
    text = str(info.value)
    assert "did you mean 'kiosk_id'" in text
    assert "did you mean 'printer'" in text
    assert "settings_unknown_key" in info.value.codes


@pytest.mark.parametrize(
    "raw, code",
    [
        ("[site]\nkiosk_id = \u201cx\u201d\n".encode(), "settings_smart_quotes"),
        ("[site]\nkiosk_id = 'x'\n".encode("utf-16"), "settings_encoding"),
        (b"[site\n", "settings_syntax"),
    ],
)
def test_editor_accidents_are_named(tmp_path, raw, code):
    f = tmp_path / "kiosk.toml"
    f.write_bytes(raw)
    with pytest.raises(SettingsError) as info:
        load_settings(f)
    assert info.value.codes == [code]


def test_missing_file_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "absent.toml")
    assert info.value.codes == ["settings_unreadable"]


def test_documentation_lists_every_section_and_loads_back(tmp_path):
    doc = documentation()
    for section in ("[site]", "[display]", "[card_reader]", "[printer]", "[gateway]", "[timeouts]",
                    "[staff]", "[accessibility]", "[storage]"):
        assert section in doc
    f = tmp_path / "kiosk.toml"
    f.write_text(doc.replace('mode = "remote"', 'mode = "embedded"'), encoding="utf-8")
    assert load_settings(f).gateway.mode == "embedded"


def test_kioskctl_config_check(tmp_path, capsys):
    assert kioskctl(["config", "check", str(CONFIG / "demo.toml")]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[display]\nrotation = 1\n", encoding="utf-8")
    assert kioskctl(["config", "check", str(bad)]) == 1
    assert "display.rotation" in capsys.readouterr().err


def _example_keys(text: str, uncomment: bool) -> tuple[set[str], str]:
    """Dotted keys the file shows, commented-out ones included; and the text with them switched on."""
    keys, table, lines = set(), "", []
    for line in text.splitlines():
        shown = line[2:] if line.startswith("# ") and (line[2:3] == "[" or " = " in line) else line
        if shown.startswith("["):
            table = shown.split("]")[0].strip("[")
        elif " = " in shown and not shown.startswith("#"):
            keys.add(f"{table}.{shown.split(' = ')[0].strip()}")
        lines.append(shown if uncomment else line)
    return keys, "\n".join(lines)


def test_site_example_shows_every_key_and_its_commented_values_are_the_defaults(tmp_path):
    text = (CONFIG / "site.example.toml").read_text("utf-8")
    shown, switched_on = _example_keys(text, uncomment=True)
    documented = {f"{section}.{key}" for section, cls in SECTIONS.items() for key in documented_fields(cls)}
    assert documented - shown == set() and shown - documented == set()
    on = tmp_path / "kiosk.toml"
    on.write_text(switched_on, encoding="utf-8")
    assert load_settings(on) == load_settings(CONFIG / "site.example.toml")


def test_kioskctl_config_keys_lists_every_printer_key(capsys):
    assert kioskctl(["config", "keys"]) == 0
    shown, _ = _example_keys(capsys.readouterr().out, uncomment=False)
    printer = {f"printer.{key}" for key in documented_fields(PrinterSettings)}
    assert printer - shown == set()
    assert {"printer.transport", "printer.codepage_slot", "printer.serial.baudrate", "printer.usb.vendor"} <= shown


def test_parse_settings_is_tolerant_and_returns_every_problem():
    settings, issues = parse_settings({
        "display": {"rotation": 45, "width": 800},
        "printer": {"preset": "rongta-rp326", "serial": {"baudrate": 1234}, "transport": "serial", "qr_size": 99},
        "staff": {"idle_s": 10, "guided_idle_min": 0},
    })
    assert {(i.path, i.code) for i in issues} >= {
        ("display.rotation", "settings_invalid_value"), ("printer.serial.baudrate", "settings_invalid_value"),
        ("printer.qr_size", "settings_invalid_value"), ("staff.idle_s", "settings_invalid_value"),
        ("staff.guided_idle_min", "settings_invalid_value")}
    # good values are kept, bad ones keep their default (the preset's for the printer)
    assert (settings.display.width, settings.display.rotation) == (800, 0)
    assert isinstance(settings.printer, PrinterSettings)
    assert settings.printer.serial.baudrate == PRESETS["rongta-rp326"].serial.baudrate
    assert settings.printer.qr_size == PRESETS["rongta-rp326"].qr_size


def test_staff_keys_reach_the_flow_config():
    settings = valid_settings({"staff": {"idle_s": 90, "guided_idle_min": 5}, "gateway": {"mode": "embedded"}})
    config = flow_config(settings)
    assert (config.staff_idle_timeout_s, config.guided_idle_s) == (90, 300)


def test_printer_section_documented_by_the_same_engine():
    doc = documentation()
    assert "[printer.serial]" in doc and "[printer.timeouts]" in doc
    assert "# Baud rate the printer is set to\nbaudrate = 38400" in doc
    assert 'vendor = "00"' in doc  # hex-text keys are shown as hex text


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_key_says_what_it_holds(section):
    docs = documented_fields(SECTIONS[section])
    assert docs and all(text.strip() for text in docs.values()), docs
