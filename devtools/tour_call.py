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
    d.tap("btn-start-call")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.position > 0, 10, "queued")
    tour.shot("call-waiting", lang)
    desk.answer()
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.phase.value == "in_call", 20, "in call")
    d.wait_until(lambda: desk.video.remote() is not None, 10, "video")
    tour.shot("call", lang)
    d.tap("btn-end-call")
    tour.screen("call_ended")
    tour.shot("call-ended", lang)
    d.tap("btn-finish-call")
    tour.screen("catalogue")
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
