"""The screenshot tour's video call part (``python -m devtools.tour --part calls``): talk to a specialist
from the catalogue with the pretend specialist (``calls.mode = "emulated"``, the test pattern as video),
then the callback ticket when nobody answers, and a refused call."""

from __future__ import annotations

from typing import Any


def call_paths(tour: Any, lang: str) -> None:
    d, rt = tour.d, tour.rt
    desk = tour.kiosk.ports.calls
    if desk is None:
        raise RuntimeError("the calls part needs calls.mode = emulated (config/demo.toml)")
    def ask(institution: str, topic: int, shot_setup: bool = False) -> None:
        """From the catalogue to the consent screen: the institution, then the topic."""
        d.tap("btn-talk-specialist")
        tour.screen("call_setup")
        if shot_setup:
            tour.shot("call-setup", lang)
        d.tap(f"institution-{institution}")
        d.wait_until(lambda: d.exists(f"topic-{topic}"), 10, "topics")
        d.tap(f"topic-{topic}")
        tour.screen("call_consent")

    desk.manual, desk.fault = True, ""
    tour.sign_in(lang)
    ask("vsaa", 1, shot_setup=True)
    d.tap("chk-share-identity")
    d.wait_until(lambda: rt.state.call.share_identity, 10, "share chosen")
    tour.shot("call-consent", lang)
    d.tap("chk-share-identity")  # not chosen after all: the shared form's first page is then blanked
    d.wait_until(lambda: not rt.state.call.share_identity, 10, "share not chosen")
    d.tap("btn-start-call")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.position > 0, 10, "queued")
    tour.shot("call-waiting", lang)
    desk.answer()
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.phase.value == "in_call", 20, "in call")
    d.wait_until(lambda: desk.video.remote() is not None, 10, "video")
    tour.shot("call", lang)
    share_screen(tour, lang)
    d.tap("btn-end-call")
    tour.screen("call_ended")
    tour.shot("call-ended", lang)
    d.tap("btn-finish-call")
    tour.screen("form")  # where the citizen was last while showing the screen
    for screen in ("service_intro", "catalogue"):
        d.tap("btn-back")
        tour.screen(screen)
    d.tap("btn-back")  # from the situation's services to the catalogue's first page
    d.wait_until(lambda: rt.state.situation_id is None, 10, "the catalogue's first page")
    desk.fault = "no_answer"
    desk.manual = False
    ask("vid", 2)
    d.tap("btn-start-call")
    tour.screen("call_callback", 30)
    tour.type_into("field-phone", "+37120000000")
    tour.shot("call-callback", lang)
    d.tap("btn-next")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.print_status == "printed", 30, "ticket printed")
    d.tap("btn-finish-call")
    tour.screen("catalogue")
    desk.fault = "refused"
    ask("pmlp", 1)
    d.tap("btn-start-call")
    tour.screen("call_failed", 20)
    tour.shot("call-failed", lang)
    desk.fault = ""
    tour.home()


def share_screen(tour: Any, lang: str) -> None:
    """"Show my screen": the catalogue with the call banner, a form's first page (card data: blanked for
    the specialist), showing stopped, then back to the call."""
    d, rt = tour.d, tour.rt
    d.tap("btn-share-screen")
    tour.screen("catalogue")
    d.wait_until(lambda: d.exists("call-banner"), 10, "the call banner")
    tour.shot("call-banner-shared", lang)
    d.tap("situation-moving")
    d.tap("service-residence-declaration")
    tour.screen("service_intro")
    d.tap("btn-start")
    tour.screen("form")
    tour.shot("call-banner-blank", lang)
    if d.exists("btn-stop-sharing"):
        d.tap("btn-stop-sharing")
    else:  # the banner in the header's place keeps Help and the language before "Stop showing"
        from kiosk.flow import call_events as cev

        tour.rt.post(cev.StopShowing())
    d.wait_until(lambda: rt.state.call is not None and not rt.state.call.call.sharing, 10, "showing stopped")
    tour.shot("call-banner-stopped", lang)
    d.tap("btn-back-to-call")
    tour.screen("call")
    d.wait_until(lambda: rt.state.call is not None and not rt.state.call.call.sharing, 10, "back in the call")
