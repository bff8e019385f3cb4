"""A scripted tour through every screen state on the emulated kiosk, handing each render to a sink.

``take_screenshots(kiosk, out_dir)`` is what ``devtools.demo --screenshots`` (and ``make screenshots``)
calls: it drives the real app with the :class:`~devtools.ui_driver.Driver` over the emulated card reader,
printer and gateway, in Latvian and then English, and writes ``NN-<screen>-lv.png`` / ``-en.png``
(``NN`` from :data:`SHOTS`, so ``--part pin-change`` refreshes only those files under the same names),
and with ``sizes`` including large text also ``NN-<screen>-lv-large.png``. The layout audit
(:mod:`devtools.audit`) runs the same tour with its own sink and the help opened once on every screen.
Transient screens (reading the card, checking the PIN, sending) are caught by holding the effect
runner for a moment. ``python -m devtools.tour --out DIR`` runs it standalone (starts Xvfb if needed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from devtools.panels import REFERENCE_PANELS, parse_panel, with_panel
from devtools.tour_shots import PARTS, SAMPLE_REFUSED, SAMPLE_REPORT, SHOT_SCREEN, SHOTS
from devtools.tour_support import (  # noqa: F401 - HeldRunner, FrozenRuntime: the tour's public helpers
    FrozenRuntime,
    HeldRunner,
    Render,
    ScreenshotSink,
    Sink,
    TextSize,
    variants,
)
from devtools.xvfb import display_available, virtual_display
from kiosk.flow.state import initial_state
from kiosk.paths import config_dir

GOODBYE_S = 600


class Tour:
    """The script. Each :meth:`shot` hands the sink one render per text size in ``sizes`` and, with
    ``help_everywhere``, the same screen with its help open (once per screen and language)."""

    def __init__(self, kiosk: Any, driver: Any, sink: Sink, sizes: tuple[TextSize, ...] = (TextSize.NORMAL,),
                 help_everywhere: bool = False):
        self.kiosk = kiosk
        self.d = driver
        self.sink = sink
        self.sizes = sizes
        self.help_everywhere = help_everywhere
        self.rt = kiosk.runtime
        self.runner = HeldRunner(self.rt)
        self.n = 0
        self._helped: set[tuple[str, str]] = set()

    def shot(self, name: str, language: str) -> None:
        self.n = SHOTS.index(name) + 1
        self.d.step(3)
        rendered = self.d.app.rendered_screen
        expected = SHOT_SCREEN.get(name)
        if expected is not None and rendered != expected.value:
            raise RuntimeError(f"shot {name!r} shows {rendered!r}, not {expected.value!r}")
        help_too = self.help_everywhere and not self.rt.state.help_open and (rendered, language) not in self._helped
        with variants(self.d) as shown:
            for help_open in (False, True) if help_too else (False,):
                for size in self.sizes:
                    shown.show(large_text=size is TextSize.LARGE, help_open=help_open or self.rt.state.help_open)
                    self.sink(self.d, Render(self.n, name, language, size, help_open))
        if help_too:
            self._helped.add((rendered, language))

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
        self.leave_goodbye()

    def leave_goodbye(self) -> None:
        """Tap "Finish" on the goodbye screen, unless it has already given way to the welcome screen by
        itself (its timeout runs while a slow machine takes the shot's variants)."""
        from devtools.ui_driver import DriverError

        if self.rt.state.screen.value == "goodbye":
            try:
                self.d.tap("btn-finish")
            except DriverError:
                if self.rt.state.screen.value == "goodbye":
                    raise
        self.screen("welcome")

    def pin(self, digits: str) -> None:
        start = self.rt.state.pin_length
        for digit in digits:
            self.d.tap(f"pin-{digit}")
        self.d.wait_until(lambda: self.rt.state.pin_length == start + len(digits), 10, "PIN digits")

    def pin_step(self, step: str) -> None:
        """Wait until a PIN change or unblock is at ``step`` (current, puk, new, repeat) with the pad empty."""
        rt = self.rt
        self.d.wait_until(lambda: rt.state.pin_change is not None and rt.state.pin_change.step == step
                          and rt.state.pin_length == 0, 20, f"PIN change step {step}")

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
            from devtools.tour_problems import problem_paths

            problem_paths(self, lang)
        if "accessibility" in parts:
            self.accessibility(lang)
        if "pin-change" in parts:
            from devtools.tour_pin import pin_change_paths

            pin_change_paths(self, lang)
        if "report" in parts:
            self.provisioning_report(lang)
        if "staff" in parts:
            from devtools.tour_staff import staff_paths

            staff_paths(self, lang)
        if "signing" in parts:
            from devtools.tour_sign import signing_paths

            signing_paths(self, lang)
        if "calls" in parts:
            from devtools.tour_call import call_paths

            call_paths(self, lang)

    def choose_language(self, lang: str) -> None:
        self.home()
        self.d.tap(f"lang-{lang}")
        self.d.wait_until(lambda: self.rt.state.language == lang, 10, "language")

    def sign_in(self, lang: str, card: Any = None) -> None:
        """In ``lang``, ``card`` (the demo card by default) in and PIN1 entered: on the catalogue (the
        parts that start there)."""
        self.choose_language(lang)
        self.insert(card)
        self.screen("pin")
        self.pin("1234")
        self.d.tap("pin-ok")
        self.screen("catalogue")

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
        self.leave_goodbye()

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


def run_tour(kiosk: Any, sink: Sink, *, languages: tuple[str, ...] = ("lv", "en"), app: Any = None,
             parts: tuple[str, ...] = PARTS, sizes: tuple[TextSize, ...] = (TextSize.NORMAL,),
             help_everywhere: bool = False) -> None:
    """Walk every screen (or the named ``parts`` of the tour) in each language on an emulated, started
    kiosk, handing each render to ``sink``."""
    from devtools.ui_driver import Driver
    from kiosk.ui.app import KioskApp

    app = app or KioskApp(kiosk.runtime, kiosk.settings, speech=None, video=kiosk.video)
    driver = Driver.start(app)
    driver.wait_until(lambda: kiosk.runtime.state.catalogue is not None, 30, "catalogue loaded")
    tour = Tour(kiosk, driver, sink, sizes, help_everywhere)
    try:
        for lang in languages:
            tour.run(lang, parts)
    finally:
        driver.stop()


def take_screenshots(kiosk: Any, out_dir: str | Path, languages: tuple[str, ...] = ("lv", "en"),
                     app: Any = None, parts: tuple[str, ...] = PARTS,
                     sizes: tuple[TextSize, ...] = (TextSize.NORMAL,)) -> list[Path]:
    """The tour writing PNG files into ``out_dir``; returns the files written."""
    sink = ScreenshotSink(out_dir)
    run_tour(kiosk, sink, languages=languages, app=app, parts=parts, sizes=sizes)
    return sink.written


@contextlib.contextmanager
def emulated_kiosk(config: str | Path, panel: str = "") -> Iterator[Any]:
    """A started kiosk on the emulated card reader, printer and gateway (``panel``: WxH@inch display)."""
    from kiosk import bootstrap
    from kiosk.settings import load_settings

    settings = load_settings(config)
    if panel:
        settings = with_panel(settings, parse_panel(panel))
    # the goodbye screen stays until the tour taps "Finish": on a loaded machine its few seconds ran out
    # before the shot was taken (the tour leaves it itself, ``Tour.leave_goodbye``)
    settings = replace(settings, timeouts=replace(settings.timeouts, goodbye_s=GOODBYE_S))
    kiosk = bootstrap.build(settings, workdir=Path(tempfile.mkdtemp(prefix="pietura-tour-")))
    kiosk.start()
    try:
        yield kiosk
    finally:
        kiosk.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.tour", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="", help="folder for the PNG files (default: docs/screenshots/<panel>)")
    parser.add_argument("--config", default=str(config_dir() / "demo.toml"))
    parser.add_argument("--panel", default=REFERENCE_PANELS[0],
                        help=f"WIDTHxHEIGHT@INCH of the display (default {REFERENCE_PANELS[0]}); the reference "
                        f"panels: {' '.join(REFERENCE_PANELS)}")
    parser.add_argument("--part", action="append", choices=PARTS, dest="parts",
                        help="only this part of the tour (repeatable; default: all); numbers stay the same")
    parser.add_argument("--large", action="store_true",
                        help="also every screen in large text (NN-name-lang-large.png)")
    args = parser.parse_args(argv)
    panel = parse_panel(args.panel)  # a wrong name fails before anything starts
    out = args.out or f"docs/screenshots/{panel.name}"
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-kivy-"))
    sizes = (TextSize.NORMAL, TextSize.LARGE) if args.large else (TextSize.NORMAL,)
    # a panel taller or wider than the usual 1280×800 display gets its own Xvfb, so the window fits whole
    fits = panel.width <= 1280 and panel.height <= 800
    screen = display_available(panel.xvfb_screen) if fits else virtual_display(panel.xvfb_screen)
    with screen, emulated_kiosk(args.config, panel.name) as kiosk:
        files = take_screenshots(kiosk, out, parts=tuple(args.parts or PARTS), sizes=sizes)
    print(f"{len(files)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
