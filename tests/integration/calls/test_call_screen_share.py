"""Showing the kiosk's screen during a call, for real: the kiosk's call runner (aiortc) ↔ the specialist
console in Debian's headless Chromium, through the gateway and a real coturn with relay-only ICE.

The screen is the call's second video track, negotiated with the call and sending only while shared.
The test plays the UI's part (it puts pictures of a "screen" — four horizontal bands — into the runner's
``ScreenShare`` five times a second) and checks what the browser decodes: nothing before sharing, the
bands scaled to 1152×720 from a 1280×800 panel while shared, a flat picture while the screen shows card
data (blanked), the picture gone after "stop showing", and the end of the call stopping it all.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from kiosk.call import flow
from kiosk.call.client import CallClient, MediaSources
from kiosk.call.media import SCREEN_BANDS, PatternVideoTrack, ToneAudioTrack, bands_image
from kiosk.call.runner import CallRunner
from kiosk.call.video import BLANK_RGB
from tests.integration.calls.console_browser import signed_in, until

pytestmark = pytest.mark.slow

# Samples the shared screen as drawn: the middle of each band, and a 3×3 grid for flatness.
SCREEN_PROBE_JS = """
const v = document.getElementById('screen');
if (!window.pietura.sharing || !v.srcObject || !v.videoWidth) return null;
const c = document.createElement('canvas');
c.width = v.videoWidth; c.height = v.videoHeight;
const g = c.getContext('2d');
g.drawImage(v, 0, 0);
const patch = (x, y) => {
  const d = g.getImageData(Math.floor(x) - 8, Math.floor(y) - 8, 16, 16).data;
  let r = 0, gg = 0, b = 0;
  for (let p = 0; p < d.length; p += 4) { r += d[p]; gg += d[p + 1]; b += d[p + 2]; }
  return [r / 256, gg / 256, b / 256];
};
const bands = [0, 1, 2, 3].map((i) => patch(c.width / 2, (i + 0.5) * c.height / 4));
const grid = [];
for (const fx of [0.2, 0.5, 0.8]) for (const fy of [0.2, 0.5, 0.8]) grid.push(patch(fx * c.width, fy * c.height));
return { width: c.width, height: c.height, bands, grid };
"""


def bands_seen(seen) -> bool:
    return bool(seen) and all(np.abs(np.array(s) - c).max() < 60 for s, c in zip(seen["bands"], SCREEN_BANDS,
                                                                               strict=True))


def blank_seen(seen) -> bool:
    grid = np.array(seen["grid"]) if seen else None
    return grid is not None and float(np.abs(grid - np.array(BLANK_RGB)).max()) < 20


async def _share(driver, local, people, screenshots) -> None:
    from selenium.webdriver.common.by import By

    def js(script: str):
        return asyncio.to_thread(driver.execute_script, script)

    await signed_in(driver, local.base_url, people)

    client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
    runner = CallRunner(client, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack()), poll_seconds=1)
    loop_task = asyncio.ensure_future(runner.run_forever())
    runner.post(flow.StartCall("VSAA", "pension-advice"))
    runner.post(flow.ConsentGiven())
    await until(lambda: asyncio.sleep(0, runner.state.phase is flow.Phase.QUEUED), 10, "queued")
    selector = f"button.accept[data-call='{runner.state.call_id}']"
    await until(lambda: js(f"return document.querySelector(\"{selector}\") !== null"), 10, "the call in the queue")
    await asyncio.to_thread(lambda: driver.find_element(By.CSS_SELECTOR, selector).click())
    await until(lambda: asyncio.sleep(0, runner.state.phase is flow.Phase.IN_CALL), 30, "the call")
    await until(lambda: asyncio.sleep(0, runner.session.probe.report.video_frames >= 10), 30, "the browser's camera")

    picture = {"kind": "bands"}
    panel = bands_image(1280, 800).tobytes()

    async def ui() -> None:  # what the kiosk's screen capture does: the latest picture, five a second
        while True:
            if picture["kind"] == "bands":
                runner.screen.put(1280, 800, panel)
            else:
                runner.screen.put_blank(1280, 800)
            await asyncio.sleep(0.2)

    feeder = asyncio.ensure_future(ui())
    await asyncio.sleep(2.5)  # not shared yet: the pictures are not even kept, the console shows nothing
    assert runner.screen.latest() is None
    assert await js("return [window.pietura.sharing || false, document.getElementById('screen-label').hidden]") \
        == [False, True]

    runner.post(flow.StartSharing())
    seen = await until(lambda: asyncio.to_thread(lambda: (s := driver.execute_script(SCREEN_PROBE_JS))
                                                 and bands_seen(s) and s), 30, "the kiosk's screen in the browser")
    assert (seen["width"], seen["height"]) == (1152, 720)  # 1280×800 scaled into 1280×720
    await asyncio.to_thread(driver.save_screenshot, str(screenshots / "console-screen.png"))

    picture["kind"] = "blank"  # the citizen opened a screen with card data: blanked before it leaves the UI
    await until(lambda: asyncio.to_thread(lambda: blank_seen(driver.execute_script(SCREEN_PROBE_JS))), 15,
                "the blanked screen in the browser")

    runner.post(flow.StopSharing())
    await until(lambda: js("return window.pietura.sharing === false"), 10, "the screen gone from the console")
    assert runner.screen.latest() is None and not runner.screen.on
    assert await js("return document.getElementById('screen-label').hidden") is True

    picture["kind"] = "bands"
    runner.post(flow.StartSharing())
    await until(lambda: asyncio.to_thread(lambda: bands_seen(driver.execute_script(SCREEN_PROBE_JS))), 30,
                "the screen shown again")
    runner.post(flow.HangUp())
    await until(lambda: js("return window.pietura.view === 'queue' && window.pietura.sharing === false"), 10,
                "the console's end")
    assert not runner.screen.on and runner.screen.latest() is None and runner.session is None
    assert await js("return document.getElementById('screen').srcObject") is None
    feeder.cancel()
    loop_task.cancel()
    client.close()


def test_the_kiosks_screen_reaches_the_console_as_a_second_track(browser, relay_gateway, coturn_server,  # noqa: F811
                                                                  tmp_path):
    local, people = relay_gateway
    asyncio.run(asyncio.wait_for(_share(browser, local, people, tmp_path), 150))
    assert local.query("SELECT outcome FROM calls") == [("ended_by_citizen",)]
    assert coturn_server.relayed()
