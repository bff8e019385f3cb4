"""The words of the citizen screens (issue #14, "Words"): one term for signing in, Latvian quotation
marks, no masculine-only forms addressed to the citizen, no internal words or codes on citizen
screens, no greeting that would need the Latvian vocative."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, Translator
from kiosk.receipts.model import STATUS_CODE_LABEL
from kiosk.ui.presenter import present
from tests.unit.ui import states as S

CATALOGUES = ("ui.po", "staff.po", "receipts.po")
# The message that names typographic quotes as characters (a kiosk.toml problem) may show them.
NAMES_QUOTES = 'kiosk.toml has typographic quotes (“ ”): use plain " quotes'
# Latvija.lv says "pieslēgties"; these are the other words for it that crept in.
OTHER_SIGN_IN_WORDS = re.compile(r"\b(pieteik(t|ties|šan)|piesak|pieteicies|pierakstī|ielogo|autorizē)", re.I)
# Masculine-only forms addressed to the citizen (past active participles and "pats").
MASCULINE = re.compile(r"\b(esat|neesat|esmu|neesmu)\s+\w+(is|ies)\b|\bpārliecināts\b|\bpaša\b|\bpašam\b", re.I)
JARGON = re.compile(r"sesij|vārtej|gateway|session|\bmodel|modelis", re.I)
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
STAFF_SCREENS = {"staff_panel", "proxy_authorisation", "staff_reprint"}


def _entries(language: str):
    for name in CATALOGUES:
        with (LOCALE_DIR / language / "LC_MESSAGES" / name).open("rb") as fh:
            for msg in read_po(fh, locale=language):
                if msg.id:
                    strings = msg.string if isinstance(msg.string, (list, tuple)) else (msg.string,)
                    yield (msg.id if isinstance(msg.id, str) else msg.id[0]), strings


def test_latvian_uses_latvian_quotation_marks():
    for msgid, strings in _entries("lv"):
        for text in strings:
            if msgid != NAMES_QUOTES:
                assert "“" not in text and '"' not in text, (msgid, text)
            assert text.count("„") == text.count("”") - text.count("“ ”"), (msgid, text)


def test_one_word_for_signing_in():
    texts = [t for _, strings in _entries("lv") for t in strings]
    assert not [t for t in texts if OTHER_SIGN_IN_WORDS.search(t)]
    assert any("Pieslēgties" in t for t in texts) and any("pieslēdzieties" in t for t in texts)
    english = [t for _, strings in _entries("en") for t in strings]
    assert not [t for t in english if re.search(r"\blog ?in\b|\blog on\b", t, re.I)]


def test_no_masculine_only_forms_in_latvian():
    assert not [t for _, strings in _entries("lv") for t in strings if MASCULINE.search(t)]


@pytest.fixture(scope="module")
def screens():
    return S.every_screen(S.catalogue())


def _citizen_text(view) -> str:
    parts = [view.title, view.notice, view.help_text, view.banner, *view.lines,
             *(b.text for b in (*view.choices, *view.actions, *view.toolbar))]
    for overlay in view.overlays:
        parts += [overlay.title, *overlay.lines, *(b.text for b in overlay.buttons)]
    return "\n".join(p for p in parts if p)


@pytest.mark.parametrize("language", ["lv", "en"])
def test_citizen_screens_carry_no_internal_words_or_codes(screens, language):
    tr = Translator(language)
    found = {}
    for name, state in screens.items():
        if name in STAFF_SCREENS or name.startswith("service_intro"):  # service_intro: see the next test
            continue
        text = _citizen_text(present(replace(state, language=language), tr))
        if name == "out_of_order":  # the codes are there for staff, after the words for the citizen
            text = text.split(tr.gettext("Codes for the technician: %(codes)s").split("%")[0])[0]
        bad = JARGON.findall(text) + SNAKE_CASE.findall(text)
        if bad:
            found[name] = bad
    assert not found


def test_service_intro_shows_no_developer_note(screens):
    view = present(screens["service_intro"], Translator("lv"))
    assert not JARGON.search(_citizen_text(view))


def test_greeting_needs_no_vocative_and_the_name_is_shown_once_in_the_nominative(screens):
    lv = Translator("lv")
    pin = _citizen_text(present(screens["pin"], lv))
    assert "Labdien!" in pin and S.GIVEN.title() not in pin  # no "Labdien, Jānis!"
    catalogue = present(screens["catalogue"], lv)
    who = [line for line in catalogue.lines if line.startswith("Jūs: ")]
    assert who == [f"Jūs: {S.GIVEN.title()} {S.SURNAME.title()}"] == ["Jūs: Jānis Bērziņš"]
    assert "Labdien" not in _citizen_text(catalogue)


def test_out_of_order_says_staff_will_help():
    lv, en = Translator("lv"), Translator("en")
    state = S.every_screen(S.catalogue())["out_of_order"]
    assert present(state, lv).title == "Kiosks īslaicīgi nedarbojas — palīdzēs darbinieks"
    assert present(state, en).title == "This kiosk is not working at the moment — a member of staff will help you"


def test_status_page_code_has_one_name_on_screen_and_receipt(screens):
    """The result screen and the receipt call the status-page code the same."""
    for language in ("lv", "en"):
        tr = Translator(language)
        label = tr.gettext(STATUS_CODE_LABEL)  # the receipt's label
        result = present(replace(screens["result"], language=language), tr)
        assert result.qr_label.startswith(label + ": "), (language, label, result.qr_label)
        assert sum(label in t for t in result.texts()) == 1  # one code, one name
