"""A scripted tour through every screen on the emulated kiosk, saving one screenshot per screen.

``take_screenshots(kiosk, out_dir)`` is what ``devtools.demo --screenshots`` (and ``make screenshots``)
calls: it drives the real app with the :class:`~devtools.ui_driver.Driver` over the emulated card reader,
printer and gateway, in Latvian and then English, and writes ``NN-<screen>-lv.png`` / ``-en.png``
(``NN`` from :data:`SHOTS`, so ``--part pin-change`` refreshes only those files under the same names).
Transient screens (reading the card, checking the PIN, sending) are caught by holding the effect
runner for a moment. ``python -m devtools.tour --out DIR`` runs it standalone (starts Xvfb if needed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from devtools.xvfb import display_available
from kiosk.flow.state import Screen, State, initial_state
from kiosk.paths import config_dir

# first-boot reports as kioskctl firstboot writes them (kiosk.provisioning.firstboot.Outcome)
SAMPLE_DEVICE = {"version": "1.0.0", "serial": "10000000a3c1e5f7", "mac_eth0": "dc:a6:32:01:02:03"}
SAMPLE_REPORT = {"ok": True, "applied": True, "kiosk_id": "valmiera-01", "site": "Valmieras bibliotēka",
                 "hostname": "pietura-valmiera-01", "gateway": "https://vartejs.example.lv",
                 "gateway_reachable": True, "enrolment": "enrolled as dev-7f3k2q", "enrolment_status": "enrolled",
                 "issues": [], "problems": [], "applied_at": 1_790_000_000.0, "device": SAMPLE_DEVICE}
SAMPLE_REFUSED = {"ok": False, "applied": False, "kiosk_id": "valmiera 01", "applied_at": 1_790_000_000.0,
                  "issues": [{"code": "settings_invalid_value", "path": "site.kiosk_id"},
                             {"code": "settings_unknown_key", "path": "printer.presett"},
                             {"code": "settings_gateway_url", "path": "gateway.url"}],
                  "problems": [], "device": SAMPLE_DEVICE}


class HeldRunner:
    """Wraps the runtime's effect runner so a screen that lasts milliseconds can be photographed."""

    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.inner = runtime.runner
        self.held: list[tuple[Any, Any]] = []
        self.holding = False
        runtime.runner = self

    def __call__(self, effect: Any, post: Any) -> None:
        if self.holding:
            self.held.append((effect, post))
        elif self.inner is not None:
            self.inner(effect, post)

    def release(self) -> None:
        self.holding = False
        held, self.held = self.held, []
        for effect, post in held:
            if self.inner is not None:
                self.inner(effect, post)


class FrozenRuntime:
    """A runtime that stays in one state: nothing posted to it moves anything (kiosk.ui.app.RuntimeLink)."""

    def __init__(self, state: State):
        self.state = state

    def subscribe(self, callback: Callable[[State], None]) -> None:
        pass

    def on_effect(self, callback: Callable[[object], None]) -> None:
        pass

    def post(self, event: object) -> None:
        pass

    def press_pin_digit(self, digit: str) -> None:
        pass

    def pump(self, max_events: int = 100) -> int:
        return 0

    def tick(self) -> None:
        pass


# Every screenshot in tour order: a name always gets the same number, whichever parts run.
SHOTS = (
    "welcome", "reading-card", "pin", "authenticating", "catalogue", "catalogue-search-keyboard",
    "catalogue-search", "catalogue-situation", "service-intro", "form-error", "form-choice", "form-keyboard",
    "form-address", "form-date", "form-contact", "review", "submitting", "result", "help", "take-card", "goodbye",
    "card-problem", "pin-last-try", "pin-blocked", "idle-warning", "result-paper-out",
    "welcome-large-text", "welcome-high-contrast", "pin-high-contrast",
    "pin-change-current", "pin-change-repeat", "pin-change-mismatch", "changing-pin", "pin-changed",
    "pin-blocked-puk", "puk", "puk-last-try", "pin-unblocked", "puk-blocked", "pin-change-uncertain",
    "provisioning-report", "provisioning-report-failed",
    "staff-panel", "staff-panel-tasks", "proxy-authorisation-error", "proxy-authorisation", "proxy-scope",
    "proxy-identity-check", "proxy-form", "proxy-result", "staff-reprint-unknown", "out-of-order",
)
# The shot that shows each screen (a test fails when a screen has none; ``Tour.shot`` checks the screen).
SCREEN_SHOTS: dict[Screen, str] = {
    Screen.WELCOME: "welcome", Screen.READING_CARD: "reading-card", Screen.CARD_PROBLEM: "card-problem",
    Screen.PIN: "pin", Screen.AUTHENTICATING: "authenticating", Screen.CATALOGUE: "catalogue",
    Screen.SERVICE_INTRO: "service-intro", Screen.FORM: "form-error", Screen.REVIEW: "review",
    Screen.SUBMITTING: "submitting", Screen.RESULT: "result",
    Screen.TAKE_CARD: "take-card", Screen.GOODBYE: "goodbye", Screen.OUT_OF_ORDER: "out-of-order",
    Screen.STAFF_PANEL: "staff-panel", Screen.PIN_CHANGE: "pin-change-current",
    Screen.CHANGING_PIN: "changing-pin", Screen.PIN_CHANGED: "pin-changed",
    Screen.PROXY_AUTHORISATION: "proxy-authorisation", Screen.STAFF_REPRINT: "staff-reprint-unknown",
}
_SHOT_SCREEN = {name: screen for screen, name in SCREEN_SHOTS.items()}
PARTS = ("journey", "problems", "accessibility", "pin-change", "report", "staff")


class Tour:
    def __init__(self, kiosk: Any, driver: Any, out_dir: Path):
        self.kiosk = kiosk
        self.d = driver
        self.out = Path(out_dir)
        self.rt = kiosk.runtime
        self.runner = HeldRunner(self.rt)
        self.n = 0
        self.written: list[Path] = []

    def shot(self, name: str, language: str) -> None:
        self.n = SHOTS.index(name) + 1
        self.d.step(3)
        expected = _SHOT_SCREEN.get(name)
        if expected is not None and self.d.app.rendered_screen != expected.value:
            raise RuntimeError(f"shot {name!r} shows {self.d.app.rendered_screen!r}, not {expected.value!r}")
        self.written.append(self.d.screenshot(self.out / f"{self.n:02d}-{name}-{language}.png"))

    def screen(self, name: str, timeout: float = 30) -> None:
        self.d.wait_for_screen(name, timeout)

    def type_into(self, wid: str, text: str) -> None:
        self.d.tap(wid)
        self.d.type_text(text)
        self.d.tap("key-done")

    def held(self, action, screen: str, name: str, language: str) -> None:
        self.runner.holding = True
        action()
        self.screen(screen)
        self.shot(name, language)
        self.runner.release()

    def insert(self, card: Any = None) -> None:
        self.kiosk.emulation.insert(card)

    def home(self) -> None:
        if self.rt.state.card_present:
            self.kiosk.emulation.remove()
        self.d.wait_until(lambda: self.rt.state.screen.value in ("welcome", "goodbye"), 20, "welcome")
        if self.rt.state.screen.value == "goodbye":
            self.d.tap("btn-finish")
        self.screen("welcome")

    def pin(self, digits: str) -> None:
        start = self.rt.state.pin_length
        for digit in digits:
            self.d.tap(f"pin-{digit}")
        self.d.wait_until(lambda: self.rt.state.pin_length == start + len(digits), 10, "PIN digits")

    def run(self, language: str, parts: tuple[str, ...] = PARTS) -> None:
        lang = language
        if "journey" in parts:
            self.choose_language(lang)
            self.shot("welcome", lang)
            self.held(lambda: self.insert(), "reading_card", "reading-card", lang)
            self.screen("pin")
            self.pin("12")
            self.shot("pin", lang)
            self.pin("34")
            self._pin_and_sign_in(lang)
            self.journey(lang)
        if "problems" in parts:
            self.problems(lang)
        if "accessibility" in parts:
            self.accessibility(lang)
        if "pin-change" in parts:
            from devtools.tour_pin import pin_change_paths

            pin_change_paths(self, lang)
        if "report" in parts:
            self.provisioning_report(lang)
        if "staff" in parts:
            self.staff(lang)

    def choose_language(self, lang: str) -> None:
        self.home()
        self.d.tap(f"lang-{lang}")
        self.d.wait_until(lambda: self.rt.state.language == lang, 10, "language")

    def _pin_and_sign_in(self, lang: str) -> None:
        self.held(lambda: self.d.tap("pin-ok"), "authenticating", "authenticating", lang)
        self.screen("catalogue")

    def journey(self, lang: str) -> None:
        d = self.d
        d.wait_until(lambda: d.exists("situation-moving"), 20, "catalogue")
        self.shot("catalogue", lang)
        d.tap("search-field")
        d.type_text("pase")
        self.shot("catalogue-search-keyboard", lang)
        d.tap("key-done")
        self.shot("catalogue-search", lang)
        d.tap("btn-back")
        d.tap("situation-moving")
        self.shot("catalogue-situation", lang)
        d.tap("service-residence-declaration")
        self.screen("service_intro")
        self.shot("service-intro", lang)
        d.tap("btn-start")
        self.screen("form")
        d.tap("btn-next")  # nothing chosen: shows the error
        d.wait_until(lambda: self.rt.state.form_errors, 10, "form errors")
        self.shot("form-error", lang)
        d.tap("field-whose-self")
        self.shot("form-choice", lang)
        d.tap("btn-next")
        d.wait_until(lambda: d.exists("field-new_address.street"), 10, "address step")
        d.tap("field-new_address.street")
        d.type_text("Brivibas iela 7")
        self.shot("form-keyboard", lang)
        d.tap("key-done")
        self.type_into("field-new_address.city", "Riga")
        self.type_into("field-new_address.postcode", "LV-1010")
        self.shot("form-address", lang)
        self._next_page("field-moved_on.day")
        d.tap("field-moved_on-today")
        self.shot("form-date", lang)
        self._next_page("field-legal_basis-rental")
        d.tap("field-legal_basis-rental")
        self._next_page("field-has_additional-no")
        d.tap("field-has_additional-no")
        self._next_page("field-phone")
        self.shot("form-contact", lang)
        self._next_page("field-email")
        d.tap("btn-next")
        self.screen("review")
        self.shot("review", lang)
        self.held(lambda: d.tap("btn-submit"), "submitting", "submitting", lang)
        self.screen("result")
        d.wait_until(lambda: self.rt.state.printing and self.rt.state.printing.status == "printed", 30, "printed")
        self.shot("result", lang)
        d.tap("btn-help")
        d.wait_until(lambda: d.exists("btn-call-staff"), 10, "help")
        self.shot("help", lang)
        d.tap("btn-close-help")
        d.wait_until(lambda: not d.exists("btn-call-staff"), 10, "help closed")
        d.tap("btn-finish")
        self.screen("take_card")
        self.shot("take-card", lang)
        self.kiosk.emulation.remove()
        self.screen("goodbye")
        self.shot("goodbye", lang)
        d.tap("btn-finish")
        self.screen("welcome")

    def accessibility(self, lang: str) -> None:
        d = self.d
        self.choose_language(lang)
        d.tap("acc-large_text")
        d.wait_until(lambda: self.rt.state.accessibility.large_text, 10, "large text")
        self.shot("welcome-large-text", lang)
        d.tap("acc-high_contrast")
        d.wait_until(lambda: self.rt.state.accessibility.high_contrast, 10, "high contrast")
        self.shot("welcome-high-contrast", lang)
        self.insert()
        self.screen("pin")
        self.pin("12")
        self.shot("pin-high-contrast", lang)
        self.home()  # pulling the card wipes the session, accessibility choices included

    def provisioning_report(self, lang: str) -> None:
        """The first-boot report (what the app shows once after ``kioskctl firstboot``): set up, and refused."""
        self.choose_language(lang)
        for name, report in (("provisioning-report", SAMPLE_REPORT), ("provisioning-report-failed", SAMPLE_REFUSED)):
            self.d.app.report = report
            self.d.app.render(self.rt.state)
            self.d.wait_until(lambda: self.d.app.rendered_screen == "provisioning_report", 10, "report")
            self.shot(name, lang)
            self.d.tap("btn-continue")
            self.screen("welcome")
        self.out_of_order(lang)

    def out_of_order(self, lang: str) -> None:
        """The out-of-order screen (settings refused at start; no flow path leads there): the app is
        linked to a runtime frozen in that state for the shot, then back to the real one."""
        app = self.d.app
        real = app.runtime
        stuck = initial_state(self.rt.state.config, out_of_order="settings_invalid_value,printer_missing")
        app.runtime = FrozenRuntime(replace(stuck, language=lang))
        try:
            app.render(app.runtime.state)
            self.d.wait_until(lambda: app.rendered_screen == "out_of_order", 10, "out of order")
            self.shot("out-of-order", lang)
        finally:
            app.runtime = real
            app.render(real.state)
            self.screen("welcome")

    def problems(self, lang: str) -> None:
        d = self.d
        self.choose_language(lang)
        # a card upside down (mute)
        from drivers.smartcard.emulator.faults import CardFaults

        self.insert(self.kiosk.emulation.citizen_card(faults=CardFaults(mute=True)))
        self.screen("card_problem")
        self.shot("card-problem", lang)
        self.home()
        # two wrong PINs: the last-try warning
        d.tap(f"lang-{lang}")
        self.insert()
        self.screen("pin")
        for _ in range(2):
            self.pin("9999")
            d.tap("pin-ok")
            d.wait_until(lambda: self.rt.state.problem == "wrong_pin" and self.rt.state.screen.value == "pin", 30)
        self.pin("1")
        self.shot("pin-last-try", lang)
        self.pin("999")
        d.tap("pin-ok")
        d.wait_until(lambda: self.rt.state.problem == "pin_blocked", 30, "PIN blocked")
        self.shot("pin-blocked", lang)
        self.home()
        d.tap(f"lang-{lang}")
        self.insert()
        self.screen("pin")
        self.pin("1234")
        d.tap("pin-ok")
        self.screen("catalogue")
        # idle warning: a tick from the future; the next real tick hides it again
        from kiosk.flow import events as ev

        cfg = self.rt.state.config
        self.rt.post(ev.Tick(self.rt.state.now + cfg.idle_timeout_s - cfg.idle_warning_s + 2))
        d.wait_until(lambda: d.exists("btn-more-time"), 10, "idle warning")
        self.shot("idle-warning", lang)
        d.tap("btn-more-time")
        # printer out of paper
        printer = self.kiosk.ports.receipts.printer.transport.printer
        d.tap("situation-moving")
        d.tap("service-residence-certificate")
        self.screen("service_intro")
        d.tap("btn-start")
        self.screen("form")
        self._finish_any_form()
        printer.set_fault("paper_out")
        try:
            d.tap("btn-submit")
            self.screen("result")
            d.wait_until(lambda: self.rt.state.printing and self.rt.state.printing.status == "failed", 30)
            self.shot("result-paper-out", lang)
        finally:
            printer.set_fault("paper_out", on=False)
        self.home()

    def staff(self, lang: str) -> None:
        """The librarian's screens: the panel, an e-asistents proxy submission, a reprint by reference."""
        d = self.d
        self.choose_language(lang)
        self.insert(self.kiosk.emulation.staff_card())
        self.screen("pin")
        self.pin("1234")
        d.tap("pin-ok")
        self.screen("staff_panel")
        d.wait_until(lambda: self.rt.state.health is not None, 30, "health")
        self.shot("staff-panel", lang)
        d.scroll_to("btn-reprint-receipt")
        self.shot("staff-panel-tasks", lang)
        d.tap("btn-start-proxy")
        self.screen("proxy_authorisation")
        d.tap("btn-next")
        d.wait_until(lambda: self.rt.state.proxy.errors, 10, "authorisation errors")
        self.shot("proxy-authorisation-error", lang)
        self.type_into("field-given_name", "Anna")
        self.shot("proxy-authorisation", lang)
        self._next_page("field-surname")
        self.type_into("field-surname", "Liepa")
        self._next_page("field-personal_code")
        self.type_into("field-personal_code", "329876-54321")
        self._next_page("field-authorisation_number")
        self.type_into("field-authorisation_number", "EA-17")
        self._next_page("field-authorised_on-today")
        d.tap("field-authorised_on-today")
        d.tap("btn-next")
        d.wait_until(lambda: d.exists("field-scope-residence-certificate"), 10, "scope step")
        d.tap("field-scope-residence-certificate")
        self.shot("proxy-scope", lang)
        d.tap("btn-next")
        d.wait_until(lambda: d.exists("field-identity_checked-yes"), 10, "identity check")
        d.tap("field-identity_checked-yes")
        self.shot("proxy-identity-check", lang)
        d.tap("btn-next")
        self.screen("service_intro")
        d.tap("btn-start")
        self.screen("form")
        d.tap("field-purpose-bank")
        self.shot("proxy-form", lang)
        self._finish_any_form()
        d.tap("btn-submit")
        self.screen("result")
        d.wait_until(lambda: self.rt.state.printing and self.rt.state.printing.status == "printed", 30, "printed")
        self.shot("proxy-result", lang)
        d.tap("btn-finish")
        self.screen("staff_panel")
        d.tap("btn-reprint-receipt")
        self.screen("staff_reprint")
        self.type_into("field-reference", "pt-2026-zzzz2222")
        d.tap("btn-next")
        d.wait_until(lambda: self.rt.state.reprint and self.rt.state.reprint.problem, 30, "unknown reference")
        self.shot("staff-reprint-unknown", lang)
        d.tap("btn-back")
        self.screen("staff_panel")
        self.home()

    def _next_page(self, expected: str) -> None:
        """Continue to the next question, which shows the widget ``expected``."""
        self.d.tap("btn-next")
        self.d.wait_until(lambda: self.d.exists(expected), 10, expected)

    def _finish_any_form(self) -> None:
        """Answer whatever each question asks with the first choice / today, until check answers."""
        d = self.d
        for _ in range(30):
            if self.rt.state.screen.value == "review":
                return
            view = self.d.app.view
            for f in view.fields:
                if f.choices and not any(c.selected for c in f.choices):
                    d.tap(f.choices[0].id)
                elif f.today is not None and not any(p.value for p in f.parts):
                    d.tap(f.today.id)
            d.tap("btn-next")
            d.step(3)
        raise RuntimeError("the form did not reach check answers")


def take_screenshots(kiosk: Any, out_dir: str | Path, languages: tuple[str, ...] = ("lv", "en"),
                     app: Any = None, parts: tuple[str, ...] = PARTS) -> list[Path]:
    """Walk every screen (or the named ``parts`` of the tour) in each language on an emulated, started
    kiosk; returns the files written."""
    from devtools.ui_driver import Driver
    from kiosk.ui.app import KioskApp

    app = app or KioskApp(kiosk.runtime, kiosk.settings, speech=None)
    driver = Driver.start(app)
    driver.wait_until(lambda: kiosk.runtime.state.catalogue is not None, 30, "catalogue loaded")
    tour = Tour(kiosk, driver, Path(out_dir))
    try:
        for lang in languages:
            tour.run(lang, parts)
    finally:
        driver.stop()
    return tour.written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.tour", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots", help="folder for the PNG files")
    parser.add_argument("--config", default=str(config_dir() / "demo.toml"))
    parser.add_argument("--panel", default="", help="a reference panel (7in-800x480, 10in-1280x800, 7in-720x1280) or WIDTHxHEIGHT@INCH "
                        "to override the display, e.g. 800x480@7")
    parser.add_argument("--part", action="append", choices=PARTS, dest="parts",
                        help="only this part of the tour (repeatable; default: all); numbers stay the same")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-kivy-"))
    with display_available("1280x1280x24"):  # room for every reference panel, the portrait one too
        import dataclasses

        from kiosk import bootstrap
        from kiosk.settings import REFERENCE_PANELS, load_settings

        settings = load_settings(args.config)
        if args.panel in REFERENCE_PANELS:
            settings = dataclasses.replace(settings, display=dataclasses.replace(
                settings.display, panel=args.panel, fullscreen=False))
        elif args.panel:
            size, inch = args.panel.split("@")
            w, h = (int(v) for v in size.split("x"))
            settings = dataclasses.replace(settings, display=dataclasses.replace(
                settings.display, panel="custom", width=w, height=h, diagonal_inch=float(inch), fullscreen=False))
        kiosk = bootstrap.build(settings, workdir=Path(tempfile.mkdtemp(prefix="pietura-tour-")))
        kiosk.start()
        try:
            files = take_screenshots(kiosk, args.out, parts=tuple(args.parts or PARTS))
        finally:
            kiosk.close()
    print(f"{len(files)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
