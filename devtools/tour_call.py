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
    desk.manual, desk.fault = True, ""
    tour.choose_language(lang)
    tour.insert()
    tour.screen("pin")
    tour.pin("1234")
    d.tap("pin-ok")
    tour.screen("catalogue")
    d.tap("btn-talk-specialist")
    tour.screen("call_setup")
    tour.shot("call-setup", lang)
    d.tap("institution-vsaa")
    d.wait_until(lambda: d.exists("topic-1"), 10, "topics")
    d.tap("topic-1")
    tour.screen("call_consent")
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
    d.tap("btn-talk-specialist")
    tour.screen("call_setup")
    d.tap("institution-vid")
    d.wait_until(lambda: d.exists("topic-2"), 10, "topics")
    d.tap("topic-2")
    tour.screen("call_consent")
    d.tap("btn-start-call")
    tour.screen("call_callback", 30)
    tour.type_into("field-phone", "+37120000000")
    tour.shot("call-callback", lang)
    d.tap("btn-next")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.print_status == "printed", 30, "ticket printed")
    d.tap("btn-finish-call")
    tour.screen("catalogue")
    desk.fault = "refused"
    d.tap("btn-talk-specialist")
    tour.screen("call_setup")
    d.tap("institution-pmlp")
    d.wait_until(lambda: d.exists("topic-1"), 10, "topics")
    d.tap("topic-1")
    tour.screen("call_consent")
    d.tap("btn-start-call")
    tour.screen("call_failed", 20)
    tour.shot("call-failed", lang)
    desk.fault = ""
    tour.home()
