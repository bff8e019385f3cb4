"""The staff tasks as view models: the panel's buttons per role and counters, the e-asistents
authorisation form, the proxy banner, reprint by reference — in both languages, catalogued strings only."""

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.flow.machine import step
from kiosk.flow.state import Citizen, Screen, SubmissionView, initial_state
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from tests.unit.ui import states as S
from tests.unit.ui.test_catalogue_complete import RecordingTranslator

STAFF = Citizen("ILZE", "OZOLA", "070482-11230", frozenset({"citizen", "staff"}), "tok", "ref-staff")
TECH = Citizen("ROBERTS", "KALNS", "161175-19997", frozenset({"citizen", "technician"}), "tok2", "ref-tech")
PRINCIPAL_TEXTS = ("Anna", "Liepa", "321922-33032", "32192233032", "321922")


@pytest.fixture(scope="module")
def cat():
    return S.catalogue()


def panel(cat, who=STAFF, **changes):
    state = S.run(S.welcome(), ev.CatalogueLoaded(cat), ev.CardInserted(b"\x3b"),
                  ev.IdentityRead("lv-rsa", who.given_name, 3), *[ev.PinKey()] * 4, ev.PinConfirm(),
                  ev.AuthSucceeded(who))
    assert state.screen == Screen.STAFF_PANEL
    return replace(state, **changes)


def authorisation(cat, *events):
    return S.run(panel(cat), ev.StartProxy(), *events)


def filled(cat):
    return authorisation(cat, ev.Answer("given_name", "Anna"), ev.Answer("surname", "Liepa"),
                         ev.Answer("personal_code", "321922-33032"),
                         ev.Answer("authorisation_number", "EA-17"), ev.Answer("authorised_on", "2026-11-20"),
                         ev.Answer("scope", "residence-certificate"),
                         ev.Answer("identity_checked", True), *[ev.Next()] * 7)  # one question per page


def states(cat) -> dict:
    health = {"gateway": "ok", "printer": "ok", "today_sessions": 7, "today_submissions": 5,
              "today_assisted_sessions": 2, "today_proxy_sessions": 1, "today_help_calls": 3}
    proxy_result = S.run(filled(cat), ev.StartForm())
    return {
        "panel": panel(cat, health=health),
        "panel-tech": panel(cat, TECH, health=health),
        "panel-reprint-done": panel(cat, staff_task=("reprint_receipt", "done")),
        "authorisation": authorisation(cat),
        "authorisation-errors": authorisation(cat, ev.Next()),
        "authorisation-scope": authorisation(cat, ev.Answer("given_name", "Anna"), ev.Answer("surname", "Liepa"),
                                             ev.Answer("personal_code", "321922-33032"),
                                             ev.Answer("authorisation_number", "EA-17"),
                                             ev.Answer("authorised_on", "2026-11-20"), *[ev.Next()] * 5),
        "proxy-intro": filled(cat),
        "proxy-form": proxy_result,
        "reprint": S.run(panel(cat), ev.StartReprint(), ev.Answer("reference", "PT-2026-AB")),
        "reprint-busy": S.run(panel(cat), ev.StartReprint(), ev.Answer("reference", "PT-2026-ABCD2345"), ev.Next()),
        "reprint-unknown": S.run(panel(cat), ev.StartReprint(), ev.Answer("reference", "PT-2026-ABCD2345"),
                                 ev.Next(), ev.ReceiptFetchFailed("submission_not_found")),
        "reprint-other": S.run(panel(cat), ev.StartReprint(), ev.Answer("reference", "PT-2026-ABCD2345"),
                               ev.Next(), ev.ReceiptFetchFailed("tls_weird")),
    }


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_staff_task_screen_uses_only_catalogued_strings(cat, language):
    tr = RecordingTranslator(language)
    for name, state in states(cat).items():
        view = present(replace(state, language=language), tr)
        assert view.title and view.speech and view.help_text, name
    assert not tr.missing


def test_panel_buttons_follow_the_gateway_roles(cat):
    staff_ids = {b.id for b in present(panel(cat), Translator("lv")).buttons()}
    tech_ids = {b.id for b in present(panel(cat, TECH), Translator("lv")).buttons()}
    assert {"btn-start-proxy", "btn-reprint-receipt"} <= staff_ids and "btn-maintenance" not in staff_ids
    assert {"btn-maintenance", "btn-reprint-receipt"} <= tech_ids and "btn-start-proxy" not in tech_ids


def test_every_new_panel_button_moves_the_flow(cat):
    for who in (STAFF, TECH):
        state = panel(cat, who)
        for button in present(state, Translator("en")).buttons():
            if not isinstance(button.intent, ev.StartProxy | ev.StartReprint | ev.LeaveToMaintenance):
                continue
            after, effects = step(state, button.intent)
            assert after != state or effects, button.id


@pytest.mark.parametrize("lang, expected", [
    ("lv", "Šodien — sesijas: 7, iesniegumi: 5, ar palīdzību: 2, e-asistents: 1, palīdzības izsaukumi: 3"),
    ("en", "Today — sessions: 7, submissions: 5, assisted: 2, e-asistents: 1, help calls: 3"),
])
def test_panel_shows_todays_counters(cat, lang, expected):
    view = present(states(cat)["panel"], Translator(lang))
    assert expected in view.lines


def test_authorisation_form_shows_the_engines_messages_in_both_languages(cat):
    state = states(cat)["authorisation-errors"]
    lv, en = present(state, Translator("lv")), present(replace(state, language="en"), Translator("en"))
    assert lv.screen == "proxy_authorisation" and [f.id for f in lv.fields] == ["given_name"]
    assert {f.error for f in lv.fields} == {"Atbildiet uz šo jautājumu."}
    assert {f.error for f in en.fields} == {"Answer this question."}
    assert lv.error_summary.title == "Ir problēma" and en.error_summary.items == ("Answer this question.",)
    assert lv.title == "Vārds" and "1. jautājums no 7" in lv.lines  # the question is the heading
    scope = present(states(cat)["authorisation-scope"], Translator("en"))
    (field,) = scope.fields
    assert field.kind == "choice" and len(field.choices) == len(cat.all())


def test_banner_names_the_citizen_by_initials_and_the_authorisation(cat):
    for name in ("proxy-intro", "proxy-form"):
        view = present(states(cat)[name], Translator("en"))
        assert view.banner == "For A. L. (auth. EA-17)", name
        assert not any(p in view.banner for p in PRINCIPAL_TEXTS)
    form = present(states(cat)["proxy-form"], Translator("en"))
    assert form.identity == "Citizen: Anna Liepa" and not any("321922" in t for t in form.texts())  # not asked


def test_proxy_result_says_two_receipts_print(cat):
    state = S.run(states(cat)["proxy-form"], ev.Finish())
    assert state.screen == Screen.STAFF_PANEL  # Finish mid-form: back to the panel
    result = S.run(filled(cat), ev.StartForm())
    from kiosk.services import form as forms

    for _ in range(20):
        if result.screen != Screen.FORM:
            break
        answers = []
        for f in forms.visible_fields(result.form):
            if f.id not in result.form.locked and f.id not in result.form.answers:
                answers.append(ev.Answer(f.id, f.choices[0].value if f.choices else True
                                         if f.type.value in ("consent", "yes_no") else "Teksts"))
        result = S.run(result, *answers, ev.Next())
    result = S.run(result, ev.Submit(),
                   ev.SubmitAccepted(SubmissionView("PT-2026-ABCD2345", "K7QX22", "https://gw.example/s", False)))
    assert result.screen == Screen.RESULT, result.screen
    view = present(result, Translator("en"))
    assert any("second is the citizen's copy" in line for line in view.lines)
    assert view.banner == "For A. L. (auth. EA-17)"


@pytest.mark.parametrize("lang, text", [
    ("lv", "Nav neviena iesnieguma ar šo numuru."), ("en", "No submission has this reference number."),
])
def test_unknown_reference_is_explained(cat, lang, text):
    view = present(replace(states(cat)["reprint-unknown"], language=lang), Translator(lang))
    (field,) = view.fields
    assert field.id == "reference" and field.error.startswith(text) and view.tone == "error"
    other = present(states(cat)["reprint-other"], Translator("en"))
    assert "tls_weird" in other.fields[0].error


def test_reprint_waits_while_the_gateway_is_asked(cat):
    view = present(states(cat)["reprint-busy"], Translator("en"))
    assert view.notice == "Looking up the reference…"
    assert not next(b for b in view.actions if b.id == "btn-next").enabled
    assert present(states(cat)["panel-reprint-done"], Translator("en")).notice == "Reprint a receipt: done"


def test_welcome_has_no_proxy_banner():
    assert present(initial_state(), Translator("en")).banner == ""
