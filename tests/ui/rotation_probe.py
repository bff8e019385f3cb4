"""Run the kiosk app with ``[display] rotation = R`` in its own process (Kivy has one window per process) and
probe graphics and touch the way a person would see and touch the physical panel.

    python -m tests.ui.rotation_probe R OUT_DIR      (needs DISPLAY; prints one JSON object)

It saves what the X server shows in the window (``rot<R>.png``, physical orientation, not Kivy's own
screenshot), then touches the physical spots where a logical widget must appear if the content is turned
counter-clockwise by R (the direction the test checks on the pictures) and records which widget answered:
once with real X pointer events (xdotool → SDL → Kivy's mouse provider), once through SDL's finger-event
provider (what the appliance uses on KMS/DRM with no touch_provider set) and once with hidinput's event
class (a configured ``touch_provider``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIDE = 480  # a square window: the logical layout is the same at every rotation, so pictures compare
ROOT = Path(__file__).resolve().parents[2]


def physical_point(lx: float, ly: float, rotation: int, width: int, height: int) -> tuple[float, float]:
    """Where logical window point (lx, ly) (Kivy: origin bottom left, y up) is on the panel, in X coordinates
    (origin top left, y down), when the content is turned counter-clockwise by ``rotation`` degrees."""
    if rotation in (90, 270):
        lw, lh = height, width  # logical size
    else:
        lw, lh = width, height
    # turn counter-clockwise about the content's centre, then place it in the physical frame (y up)
    x, y = lx - lw / 2, ly - lh / 2
    for _ in range(rotation // 90):
        x, y = -y, x
    px, py_up = x + width / 2, y + height / 2
    return px, height - py_up


def main() -> int:
    rotation, out = int(sys.argv[1]), Path(sys.argv[2])
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-kivy-"))
    from devtools.ui_driver import Driver
    from kiosk import bootstrap
    from kiosk.flow import events as ev
    from kiosk.settings import load_settings
    from kiosk.ui.app import KioskApp

    settings = load_settings(ROOT / "config/demo.toml")
    settings = dataclasses.replace(settings, display=dataclasses.replace(
        settings.display, panel="custom", width=SIDE, height=SIDE, diagonal_inch=7.0, fullscreen=False, rotation=rotation))
    kiosk = bootstrap.build(settings, workdir=Path(tempfile.mkdtemp(prefix="pietura-rot-")))
    kiosk.start()
    app = KioskApp(kiosk.runtime, settings, speech=None)
    from kivy.base import EventLoop, _runTouchApp_prepare

    app._run_prepare()
    _runTouchApp_prepare()  # as App.run does: the input providers from the Kivy configuration (the driver skips it)
    d = Driver(app)
    from kivy.config import Config
    from kivy.core.window import Window

    d.wait_until(lambda: app.rendered_screen == "welcome", 30, "welcome")
    d.step(10)
    providers = [type(p).__name__ for p in EventLoop.input_providers]
    result: dict = {"config_rotation": Config.getint("graphics", "rotation"), "window_rotation": Window.rotation,
                    "system_size": list(Window.system_size), "size": list(Window.size), "providers": providers, "touches": {}}
    left, top = int(Window.left), int(Window.top)
    width, height = (int(v) for v in Window.system_size)
    subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+{left}+{top}", "+repage",
                    str(out / f"rot{rotation}.png")], check=True, timeout=60)
    state = kiosk.runtime

    def settle() -> None:
        for _ in range(6):  # idle() alone never polls SDL: X events reach Kivy through the window's own pump
            Window.mainloop()
            d.step()

    def reset() -> None:
        app.post(ev.Help(False))
        if state.state.accessibility.speech:
            app.post(ev.ToggleAccessibility("speech"))
        d.wait_until(lambda: not state.state.help_open and not state.state.accessibility.speech, 10, "reset")
        d.step(4)

    def answered() -> str:
        return "btn-help" if state.state.help_open else "btn-speech" if state.state.accessibility.speech else ""

    def by_mouse(px: float, py: float) -> None:
        for args in (["mousemove", str(left + round(px)), str(top + round(py))], ["mousedown", "1"], ["mouseup", "1"]):
            subprocess.run(["xdotool", *args], check=True, timeout=30)
            settle()

    def by_sdl_finger(px: float, py: float) -> None:
        from kivy.core.window.window_sdl2 import SDL2MotionEventProvider

        provider = SDL2MotionEventProvider("sdl", "")
        EventLoop.add_input_provider(provider)
        nx, ny = px / (width - 1), py / (height - 1)  # SDL: normalised, y down
        SDL2MotionEventProvider.q.appendleft(("fingerdown", 7, nx, ny, 1.0))
        d.step(2)
        SDL2MotionEventProvider.q.appendleft(("fingerup", 7, nx, ny, 1.0))
        d.step(2)
        EventLoop.remove_input_provider(provider)

    def by_hidinput_event(px: float, py: float) -> None:
        from kivy.input.providers.hidinput import HIDMotionEvent

        event = HIDMotionEvent("hidinput", 11, {"x": px / (width - 1), "y": 1 - py / (height - 1)})  # y up
        EventLoop.post_dispatch_input("begin", event)
        d.step(2)
        event.update_time_end()
        EventLoop.post_dispatch_input("end", event)
        d.step(2)

    for method, touch in (("mouse", by_mouse), ("sdl_finger", by_sdl_finger), ("hidinput", by_hidinput_event)):
        for wid in ("btn-help", "btn-speech"):
            reset()
            widget = d.find(wid)
            lx, ly = widget.to_window(*widget.center)
            px, py = physical_point(lx, ly, rotation, width, height)
            touch(px, py)
            settle()
            result["touches"][f"{method}:{wid}"] = {"physical": [round(px), round(py)], "answered": answered()}
    reset()
    d.stop()
    kiosk.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
