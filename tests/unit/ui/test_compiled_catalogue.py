"""The compiled catalogue (kiosk/i18n.py) holds exactly what the .po files say, and an edited .po file
makes it stale: the kiosk then reads the .po files, never an old translation."""

from __future__ import annotations

import shutil

import pytest

from kiosk import i18n


@pytest.fixture
def locale_dir(tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy, ignore=shutil.ignore_patterns(i18n.COMPILED))
    return copy


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_compiled_catalogue_equals_the_po_files(locale_dir, language):
    from_po = i18n._read_catalogue(language, locale_dir)
    target = i18n.compile_catalogue(language, locale_dir)
    assert target.is_file()
    assert len(from_po.singular) > 300 and from_po.plural
    assert i18n._read_catalogue(language, locale_dir) == from_po


def test_an_edited_po_file_is_read_instead_of_the_stale_compiled_catalogue(locale_dir):
    i18n.compile_catalogue("lv", locale_dir)
    ui_po = locale_dir / "lv" / "LC_MESSAGES" / "ui.po"
    text = ui_po.read_text(encoding="utf-8")
    assert 'msgstr "Atcelt"' in text
    ui_po.write_text(text.replace('msgstr "Atcelt"', 'msgstr "Atcelt tūlīt"', 1), encoding="utf-8")
    assert i18n._read_catalogue("lv", locale_dir).singular["Cancel"] == "Atcelt tūlīt"


def test_a_damaged_compiled_catalogue_is_ignored(locale_dir):
    from_po = i18n._read_catalogue("en", locale_dir)
    target = i18n.compile_catalogue("en", locale_dir)
    target.write_text("{not json", encoding="utf-8")
    assert i18n._read_catalogue("en", locale_dir) == from_po


def test_the_command_compiles_every_language(locale_dir, capsys):
    assert i18n.main(["compile", "--locale-dir", str(locale_dir)]) == 0
    for language in i18n.LANGUAGES:
        assert (locale_dir / language / "LC_MESSAGES" / i18n.COMPILED).is_file()
    assert capsys.readouterr().out.count(i18n.COMPILED) == len(i18n.LANGUAGES)
