"""Every user-visible UI string is in both catalogues (lv first, en complete), and rendering every
screen in both languages never asks for a string the catalogue lacks."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, Translator
from kiosk.ui.presenter import present
from tests.unit.ui import states as S
from tests.unit.ui.msgids import extract

UI_CATALOGUES = ("ui.po", "staff.po")  # the staff screens' strings have their own file


def _po(language: str):
    merged = None
    for name in UI_CATALOGUES:
        with (LOCALE_DIR / language / "LC_MESSAGES" / name).open("rb") as fh:
            cat = read_po(fh, locale=language)
        if merged is None:
            merged = cat
            continue
        for msg in cat:
            if msg.id:
                assert msg.id not in merged, f"{name} repeats {msg.id!r}"
                merged[msg.id] = msg
    return merged


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_marked_string_is_translated(language):
    singular, plural = extract()
    assert len(singular) > 100  # the extractor really found the UI's strings
    cat = _po(language)
    for msgid in singular:
        msg = cat.get(msgid)
        assert msg is not None and msg.string and not msg.fuzzy, f"{language}: missing {msgid!r}"
    for sing, plur in plural:
        msg = cat.get(sing)
        assert msg is not None and isinstance(msg.id, tuple) and msg.id[1] == plur, f"{language}: {sing!r}"
        assert all(msg.string), f"{language}: empty plural form for {sing!r}"
        assert len(msg.string) == (3 if language == "lv" else 2)


def test_catalogues_hold_no_stale_strings():
    singular, plural = extract()
    known = singular | {s for s, _ in plural}
    stale = {m.id if isinstance(m.id, str) else m.id[0] for m in _po("lv") if m.id} - known
    assert not stale, f"ui.po/staff.po have strings the UI no longer uses: {sorted(stale)}"


def test_latvian_is_really_latvian():
    lv, en = Translator("lv"), Translator("en")
    singular, _ = extract()
    same = [m for m in singular if lv.gettext(m) == en.gettext(m)]
    # only language names, "OK"-like symbols and PIN1 texts may be identical
    assert set(same) <= {"English", "Latviešu"}, same


class RecordingTranslator(Translator):
    def __init__(self, language: str):
        super().__init__(language)
        self.missing: set[str] = set()

    def gettext(self, message: str) -> str:
        if not self.has(message):
            self.missing.add(message)
        return super().gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not self.has(singular):
            self.missing.add(singular)
        return super().ngettext(singular, plural, n)


@pytest.fixture(scope="module")
def screens():
    return S.every_screen(S.catalogue())


@pytest.mark.parametrize("language", ["lv", "en"])
def test_rendering_every_screen_uses_only_catalogued_strings(screens, language):
    from dataclasses import replace

    tr = RecordingTranslator(language)
    for name, state in screens.items():
        view = present(replace(state, language=language), tr)
        assert view.title and view.speech, name
    assert not tr.missing


def test_latvian_plural_forms_in_idle_warning(screens):
    from dataclasses import replace

    tr = Translator("lv")
    texts = {n: present(replace(screens["idle-warning"], idle_warning_seconds=n), tr).overlays[-1].lines[0]
             for n in (1, 21, 25, 11)}
    assert "1 sekundes" in texts[1] and "21 sekundes" in texts[21]
    assert "25 sekundēm" in texts[25] and "11 sekundēm" in texts[11]
