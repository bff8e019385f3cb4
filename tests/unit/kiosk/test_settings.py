from pathlib import Path

import pytest

from kiosk.provisioning.cli import main as kioskctl
from kiosk.settings import SettingsError, documentation, load_settings

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
