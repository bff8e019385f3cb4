"""The specialist console in Debian's headless Chromium (selenium + chromium-driver) ↔ the kiosk's aiortc peer,
through the real gateway and a real coturn with relay-only ICE on both sides.

Chromium's fake camera and microphone play files this test writes: the same colour bars as the kiosk's
pattern and a 660 Hz tone, so each side can check that it decodes what the other sends — the kiosk with
its probe, the browser by drawing the remote video on a canvas and reading the remote audio's spectrum.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.call import flow
from kiosk.call.callbacks import CallbackQueue, CallbackSender
from kiosk.call.client import CallClient, CitizenIdentity, MediaSources
from kiosk.call.media import BARS, KIOSK_TONE_HZ, PatternVideoTrack, ToneAudioTrack, bars_match
from tests.integration.calls.conftest import Specialists
from tests.integration.calls.console_browser import BROWSER_TONE_HZ, sign_in, signed_in, until
from wire.call import CallOutcome

pytestmark = pytest.mark.slow


# Samples the remote video (a small band across the middle, one patch per bar) and the remote audio's peak.
REMOTE_PROBE_JS = """
const done = arguments[arguments.length - 1];
const video = document.getElementById('remote');
if (!video.srcObject || !video.videoWidth) { done(null); return; }
if (!window.__probe) {
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 16384;
  ctx.createMediaStreamSource(video.srcObject).connect(analyser);
  ctx.resume();
  window.__probe = { ctx, analyser };
}
const canvas = document.createElement('canvas');
canvas.width = video.videoWidth; canvas.height = video.videoHeight;
const g = canvas.getContext('2d');
g.drawImage(video, 0, 0);
const bars = [];
for (let i = 0; i < 8; i++) {
  const x = Math.floor((i + 0.5) * canvas.width / 8) - 8, y = Math.floor(canvas.height / 2) - 8;
  const d = g.getImageData(x, y, 16, 16).data;
  let r = 0, gg = 0, b = 0;
  for (let p = 0; p < d.length; p += 4) { r += d[p]; gg += d[p + 1]; b += d[p + 2]; }
  bars.push([r / 256, gg / 256, b / 256]);
}
const { ctx, analyser } = window.__probe;
const spectrum = new Float32Array(analyser.frequencyBinCount);
analyser.getFloatFrequencyData(spectrum);
let peak = 1;
for (let i = 2; i < spectrum.length; i++) if (spectrum[i] > spectrum[peak]) peak = i;
done({ bars, frames: video.getVideoPlaybackQuality().totalVideoFrames, width: video.videoWidth,
       height: video.videoHeight, peak_hz: peak * ctx.sampleRate / analyser.fftSize, level: spectrum[peak] });
"""


def bars_seen(colours: list[list[float]]) -> bool:
    """The sampled bar colours as a tiny image, checked like a kiosk frame."""
    strip = np.repeat(np.array(colours, dtype=np.uint8)[None, :, :], 16, axis=1)
    return bars_match(np.repeat(strip, 8, axis=0)) is not None


async def _console_call(driver, local, people: Specialists, end_by: str, screenshots: Path) -> dict:
    from selenium.webdriver.common.by import By

    def js(script: str):
        return asyncio.to_thread(driver.execute_script, script)

    await signed_in(driver, local.base_url, people)

    client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
    grant = await client.request("VSAA", "pension-advice")
    consented = end_by == "console"  # one run with consent to show name and code, one without
    identity = CitizenIdentity("JĀNIS", "BĒRZIŅŠ", "010181-15098") if consented else None
    call = await client.join(grant, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack()), identity=identity)
    selector = f"button.accept[data-call='{grant.call_id}']"
    await until(lambda: js(f"return document.querySelector(\"{selector}\") !== null"), 10, "the call in the queue")
    await asyncio.to_thread(driver.save_screenshot, str(screenshots / "console-queue.png"))
    await asyncio.to_thread(lambda: driver.find_element(By.CSS_SELECTOR, selector).click())
    accepted_at = time.monotonic()

    await until(lambda: asyncio.sleep(0, call.probe.report.video_frames >= 20 and call.probe.report.last_frequency),
                30, "the browser's video and audio at the kiosk")
    first_frame_s = call.probe.report.first_video_at - accepted_at
    await until(lambda: asyncio.sleep(0, call.probe.report.pattern_frames >= 2), 10, "the browser's bars at the kiosk")
    assert abs(call.probe.report.last_frequency - BROWSER_TONE_HZ) < 15

    async def browser_sees_kiosk():
        seen = await asyncio.to_thread(driver.execute_async_script, REMOTE_PROBE_JS)
        ok = seen and seen["frames"] >= 20 and bars_seen(seen["bars"]) and abs(seen["peak_hz"] - KIOSK_TONE_HZ) < 15
        return seen if ok else None

    seen = await until(browser_sees_kiosk, 30, "the kiosk's bars and tone in the browser")
    await asyncio.to_thread(lambda: driver.find_element(By.ID, "mute").click())
    assert await js("return [window.pietura.muted, document.getElementById('mute').textContent]") == [
        True, "Ieslēgt mikrofonu"]
    await asyncio.to_thread(lambda: driver.find_element(By.ID, "mute").click())
    assert (seen["width"], seen["height"]) == (640, 480)
    if consented:
        shown = await until(lambda: js("return document.getElementById('citizen').textContent"), 10, "the name")
        assert shown == "JĀNIS BĒRZIŅŠ, 010181-15098"
    else:
        assert await js("return [window.pietura.citizen, document.getElementById('citizen').hidden]") == [
            None, True]
    await asyncio.to_thread(driver.save_screenshot, str(screenshots / "console-call.png"))

    if end_by == "console":
        await asyncio.to_thread(lambda: driver.find_element(By.CSS_SELECTOR, "button.end[data-outcome='resolved']")
                                .click())
        await asyncio.wait_for(call.ended.wait(), 10)
        assert call.outcome is CallOutcome.RESOLVED
        await call.close()
    else:
        assert await call.hang_up() is CallOutcome.ENDED_BY_CITIZEN
    state = await until(lambda: js("return window.pietura.outcome && window.pietura"), 10, "the console's end")
    assert state["view"] == "queue" and state["pc"] is None
    assert await js("return document.getElementById('remote').srcObject") is None
    assert await js("return document.getElementById('citizen').textContent") == ""  # wiped at the end
    expected = {"resolved": "atrisināts", "ended_by_citizen": "iedzīvotājs beidza"}[state["outcome"]]
    assert await js("return document.getElementById('last-call').textContent") == \
        f"Pēdējā saruna beidzās: {expected}"
    await asyncio.to_thread(driver.save_screenshot, str(screenshots / "console-after.png"))
    client.close()
    return {"first_frame_s": first_frame_s, "outcome": state["outcome"]}


@pytest.mark.parametrize("end_by", ["console", "kiosk"])
def test_console_in_chromium_and_kiosk_see_and_hear_each_other(browser, relay_gateway, coturn_server, end_by,
                                                               tmp_path):
    local, people = relay_gateway
    result = asyncio.run(asyncio.wait_for(_console_call(browser, local, people, end_by, tmp_path), 120))
    assert result["outcome"] == ("resolved" if end_by == "console" else "ended_by_citizen")
    assert local.query("SELECT outcome FROM calls") == [(result["outcome"],)]
    assert coturn_server.relayed()
    assert len(BARS) == 8


def test_console_in_chromium_lists_callback_requests_and_closes_one(browser, call_gateway, tmp_path):
    """The institution's callback requests in the real console page: shown with the number, closed with a
    button; the number is then gone from the page and from the database."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    client = CallClient(call_gateway.base_url, device_id=call_gateway.device_id, device_key=call_gateway.device_key)
    sender = CallbackSender(CallbackQueue(tmp_path / "callbacks.sqlite", call_gateway.sealing_public_key), client,
                            rng=random.Random(1))
    now = dt.datetime.now(dt.UTC)
    sender.queue.keep(flow.PrintCallbackTicket("VSAA", "pension-advice", "+37126123456", "c-Chrome01"), now)
    sender.queue.keep(flow.PrintCallbackTicket("VID", "tax-return", "+37126999999", "c-Chrome02"), now)
    assert sender.run_once() == 2
    sender.stop()
    people = Specialists(call_gateway)
    try:
        sign_in(browser, call_gateway.base_url, people)
        wait = WebDriverWait(browser, 10)
        row = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#callbacks tr[data-reference='c-Chrome01']"))[0]
        assert "+371 2612 3456" in row.text and "pension-advice" in row.text and "c-Chrome01" in row.text
        assert "+37126999999" not in browser.page_source  # another institution's request is not shown
        browser.save_screenshot(str(tmp_path / "console-callbacks.png"))
        row.find_element(By.CSS_SELECTOR, "button.callback-done[data-outcome='reached']").click()
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#callbacks tr"))
        assert "2612 3456" not in browser.page_source
        assert browser.find_element(By.ID, "callbacks-empty").is_displayed()
    finally:
        people.close()
    assert call_gateway.query("SELECT phone, outcome FROM call_callbacks WHERE reference = 'c-Chrome01'") == \
        [(None, "reached")]


def test_console_in_chromium_signs_in_with_web_eid(browser, tmp_path):
    """The console's Web eID button in the real page: the challenge, the extension's message protocol, the
    token, the queue. The Web eID extension itself cannot run headless, so a stand-in in the page answers
    its messages, and the token comes from the card emulator for the page's own origin, as the extension's
    would; the gateway's console origin is that origin. Without an extension the page says so."""
    import socket

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from drivers.smartcard.cards import open_eid
    from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard, EmulatedReaders
    from drivers.smartcard.emulator.pki import make_pki
    from gateway.embedded import make_local_gateway
    from gateway.keys import load_keys
    from kiosk.auth.webeid import build_auth_token
    from tests.integration.calls.conftest import calls_config

    pki = make_pki(DEMO_CITIZEN, "lv-ec")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    (tmp_path / "gw").mkdir()
    (tmp_path / "gw" / "turn.secret").write_text("secret\n")
    local = make_local_gateway(tmp_path / "gw", [pki.intermediate_pem],
                               extra_config=calls_config(("turn:127.0.0.1:3478?transport=udp",))
                               + f'console_origin = "{origin}"\n')
    local.start(port=port)
    people = Specialists(local)
    try:
        user = people.add("VZD")
        people.desk.store.link_eid(user, load_keys(local.config).role_hash(DEMO_CITIZEN.personal_code))
        browser.get(origin + "/console")
        wait = WebDriverWait(browser, 10)
        browser.find_element(By.ID, "eid-sign-in").click()  # no extension in this browser
        wait.until(lambda d: "Web eID" in d.find_element(By.ID, "eid-error").text)
        assert browser.execute_script("return window.pietura.error") == "eid_unavailable"
        browser.save_screenshot(str(tmp_path / "console-sign-in.png"))
        browser.execute_script("""
            window.__eidNonce = null;
            window.addEventListener('message', (event) => {
              if (event.data && event.data.action === 'web-eid:authenticate') {
                window.__eidNonce = event.data.challengeNonce;
                window.postMessage({action: 'web-eid:authenticate-ack'}, location.origin);
              }
            });""")
        browser.find_element(By.ID, "eid-sign-in").click()
        nonce = wait.until(lambda d: d.execute_script("return window.__eidNonce"))
        page_origin = browser.execute_script("return location.origin")
        assert page_origin == origin
        readers = EmulatedReaders()
        readers.insert(EmulatedCard("lv-ec", pki=pki))
        token = build_auth_token(open_eid(readers.connect(readers.reader_name)), bytearray(b"1234"), page_origin,
                                 nonce)
        browser.execute_script("window.postMessage(Object.assign({action: 'web-eid:authenticate-success'}, "
                               "arguments[0]), location.origin)", token)
        wait.until(lambda d: d.find_element(By.ID, "queue-view").is_displayed())
        assert browser.find_element(By.ID, "institution").text == "VZD"
        # the console shows the name the citizen will see: the certificate's, not the user name
        assert browser.find_element(By.ID, "who").text == "Jānis Bērziņš" != user
        browser.save_screenshot(str(tmp_path / "console-eid.png"))
    finally:
        people.close()
        local.close()
