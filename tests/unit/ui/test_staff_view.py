"""The staff panel, the guided banner and the out-of-order screen as view models."""

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.flow.machine import step
from kiosk.flow.state import Citizen, Guide, Screen, initial_state
from kiosk.i18n import Translator
from kiosk.ui.presenter import present

STAFF = Citizen("ILZE", "OZOLA", "070482-11230", frozenset({"staff"}), "tok", "ref-staff")


def panel(**changes):
    state = replace(initial_state(), screen=Screen.STAFF_PANEL, session=STAFF, card_present=True,
                    health={"gateway": "ok", "printer": "paper_near_end", "outbox_pending": 2, "help_requested": False})
    return replace(state, **changes)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_staff_panel_shows_health_and_offers_actions(lang):
    view = present(panel(), Translator(lang))
    text = " ".join(view.texts())
    assert "paper_near_end" in view.footnote  # the fault's code, small, for the technician
    assert "2" in text
    ids = {b.id for b in view.buttons()}
    assert {"btn-start-guided", "task-print_test_page", "task-retry_deliveries", "btn-finish"} <= ids
    assert "070482" not in text and "OZOLA" not in text


def test_every_staff_button_moves_the_flow():
    state = panel()
    for button in present(state, Translator("en")).buttons():
        if button.intent is None or isinstance(button.intent, ev.ChooseLanguage | ev.ToggleAccessibility | ev.Help):
            continue
        after, effects = step(state, button.intent)
        assert after != state or effects, button.id


def test_guided_mode_controls_and_banner():
    guided = panel(guide=Guide("ILZE", "ref-staff", 0.0))
    ids = {b.id for b in present(guided, Translator("lv")).buttons()}
    assert {"btn-end-guided", "btn-guided-idle"} <= ids and "btn-start-guided" not in ids
    welcome = replace(initial_state(), guide=Guide("ILZE", "ref-staff", 0.0))
    assert present(welcome, Translator("lv")).banner == "Palīdz Ilze"
    assert present(welcome, Translator("en")).banner == "Guided by Ilze"
    assert present(initial_state(), Translator("en")).banner == ""


def test_task_outcomes_are_shown():
    view = present(panel(staff_task=("print_test_page", "paper_out")), Translator("en"))
    assert "paper_out" in view.notice and view.tone == "warning"
    view = present(panel(staff_task=("retry_deliveries", "done")), Translator("en"))
    assert view.notice.endswith("done") and view.tone == "normal"


def test_out_of_order_lists_only_codes():
    state = initial_state(out_of_order="settings_unknown_key,settings_invalid_value")
    view = present(state, Translator("lv"))
    assert view.screen == "out_of_order"
    assert view.footnote == "Kodi tehniķim: settings_unknown_key, settings_invalid_value"  # small, for staff
    assert not any("settings_" in t for t in (view.title, *view.lines, view.speech))  # never in citizen words


def test_refused_submissions_are_shown_with_their_codes(tmp_path):
    """An offline sign-in the gateway refused waits in the outbox for staff: the panel says so, codes only."""
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from kiosk.adapters.heartbeat import collector
    from kiosk.backend.envelope import EnvelopeHeader
    from kiosk.backend.outbox import Outbox

    class Receipts:
        def status(self):
            return {"printer": "ok"}

    class Runtime:
        state = initial_state()

    outbox = Outbox(tmp_path / "o.db", X25519PrivateKey.generate().public_key())
    now = dt.datetime.now(dt.UTC)
    for key in ("key-00000001", "key-00000002"):
        outbox.enqueue(key, EnvelopeHeader("lost-id-report", "1", now, None), b"{}")
    outbox.mark_rejected("key-00000001", "attestation_expired")
    outbox.mark_failed("key-00000002", "gateway_unreachable", now)  # still waiting: not a refusal
    health = collector(Runtime(), Receipts(), outbox)()
    outbox.close()
    assert health["outbox_refused"] == "1 (attestation_expired)" and health["outbox_pending"] == 2
    chips = {c.id: c for c in present(panel(health=health), Translator("lv")).chips}
    assert chips["chip-refused"].text == "E-pakalpojumu sistēmas noraidītie iesniegumi: 1 (attestation_expired)"
    assert chips["chip-refused"].tone == "error"
    assert chips["chip-outbox"].text == "Gaida nosūtīšanu: 2 iesniegumi" and chips["chip-outbox"].tone == "warning"


def test_statuses_are_chips_in_words_and_actions_come_first():
    health = {"gateway": "ok", "printer": "ok", "paper_near_end": True, "reader": "reader_missing",
              "outbox_pending": 0, "help_requested": True, "version": "1.4.0"}
    view = present(panel(health=health), Translator("lv"))
    chips = [(c.text, c.tone) for c in view.chips]
    assert chips == [("Savienojums: darbojas", "ok"), ("Printeris: gatavs", "ok"), ("Papīrs: beidzas", "warning"),
                     ("Karšu lasītājs: nav pievienots", "error"), ("Gaida nosūtīšanu: 0 iesniegumu", "ok"),
                     ("Palīdzība: izsaukta", "warning")]
    words = " ".join(view.texts())
    assert " ok" not in f" {words}" and "nē" not in words.split()  # no bare "ok" / "nē" lists
    assert "reader_missing" in view.footnote and "1.4.0" in view.footnote
    finish = next(b for b in view.actions if b.id == "btn-finish")
    assert finish.kind != "primary" and view.choices[0].id == "btn-start-guided"  # tasks first, sign-out quiet


def test_callback_requests_still_on_the_kiosk_are_in_the_heartbeat_and_on_the_panel():
    """A callback request the gateway has not got (or refused) means a citizen waits for a call the
    institution does not know of: the heartbeat counts them and the panel says so in words."""
    from kiosk.adapters.heartbeat import collector
    from kiosk.runtime.ports import CallbackCounts

    class Receipts:
        def status(self):
            return {"printer": "ok"}

    class Runtime:
        state = initial_state()

    class Outbox:
        def depth(self):
            return 0

        def oldest_age(self, _now):
            return None

        def refusals(self):
            return {}

    class Calls:
        waiting: CallbackCounts | None = CallbackCounts(pending=2, refused=1)

        def callbacks_waiting(self):
            return self.waiting

    calls = Calls()
    health = collector(Runtime(), Receipts(), Outbox(), calls=calls)()
    assert health["callbacks_pending"] == 2 and health["callbacks_refused"] == 1
    chips = {c.id: c for c in present(panel(health=health), Translator("lv")).chips}
    assert chips["chip-callbacks"].text == "Gaida nosūtīšanu: 2 atzvanīšanas pieprasījumi"
    assert chips["chip-callbacks"].tone == "warning"
    assert chips["chip-callbacks-refused"].text == "Iestādes sistēma noraidīja: 1 atzvanīšanas pieprasījumu"
    assert chips["chip-callbacks-refused"].tone == "error"
    calls.waiting = CallbackCounts(pending=0, refused=0)
    quiet = {c.id for c in present(panel(health=collector(Runtime(), Receipts(), Outbox(), calls=calls)()),
                                   Translator("en")).chips}
    assert not quiet & {"chip-callbacks", "chip-callbacks-refused"}  # nothing waiting: no chips
    calls.waiting = None  # the pretend specialist, or no sealing key: nothing is sent anywhere
    assert "callbacks_pending" not in collector(Runtime(), Receipts(), Outbox(), calls=calls)()
