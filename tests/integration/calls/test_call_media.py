"""Media end to end on loopback: the kiosk's aiortc peer ↔ a second aiortc peer (the specialist), signalling
through the real gateway, relay-only ICE through a real coturn; each side decodes the other's pattern and tone.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
import wave

import numpy as np
import pytest

from kiosk.call import flow
from kiosk.call.client import CallClient, MediaSources
from kiosk.call.media import KIOSK_TONE_HZ, PatternVideoTrack, ToneAudioTrack, dominant_frequency
from kiosk.call.speaker import Loudspeaker
from tests.integration.calls.call_peers import SPECIALIST_TONE_HZ, PythonSpecialist
from tests.integration.calls.conftest import Specialists, start_call_gateway
from wire.call import CallOutcome

pytestmark = pytest.mark.slow


async def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def open_files_of_this_process() -> set[str]:
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")):
            found.add(target)
    return found


async def _call(local, people: Specialists, end_by: str, coturn_server) -> None:
    events: list[flow.Event] = []
    client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
    grant = await client.request("VSAA", "pension-advice")
    files_before = open_files_of_this_process()
    call = await client.join(grant, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack()), events.append)
    specialist = PythonSpecialist(local.base_url, people.session(local.base_url,
                                                                 people.add("VSAA", name="Anna Bērziņa")))
    await specialist.accept(grant.call_id)
    await asyncio.wait_for(specialist.connected.wait(), 20)
    await wait_until(lambda: call.probe.report.video_frames >= 30 and specialist.probe.report.video_frames >= 30
                     and call.probe.report.last_frequency and specialist.probe.report.last_frequency,
                     30, "frames and audio both ways")
    await wait_until(lambda: call.probe.report.pattern_frames >= 2 and specialist.probe.report.pattern_frames >= 2,
                     10, "the test pattern recognised both ways")
    assert abs(call.probe.report.last_frequency - SPECIALIST_TONE_HZ) < 15
    assert abs(specialist.probe.report.last_frequency - KIOSK_TONE_HZ) < 15
    assert call.probe.report.last_size == (640, 480) and specialist.probe.report.last_size == (640, 480)
    assert coturn_server.relayed()
    # relay-only: the selected pair on the kiosk's side is a relayed one
    transport = call.pc.getTransceivers()[0].sender.transport.transport
    pair = transport._connection._nominated
    assert pair and all(p.local_candidate.type == "relay" for p in pair.values())
    if end_by == "kiosk":
        outcome = await call.hang_up()
        await asyncio.wait_for(specialist.ended.wait(), 5)
        assert outcome is CallOutcome.ENDED_BY_CITIZEN and specialist.outcome is CallOutcome.ENDED_BY_CITIZEN
    else:
        await specialist.end(CallOutcome.RESOLVED)
        await asyncio.wait_for(call.ended.wait(), 5)
        assert call.outcome is CallOutcome.RESOLVED
        await call.close()
    # the gateway named the specialist who accepted (their display name) in peer_joined
    assert events[0] == flow.PeerJoined("Anna Bērziņa") and flow.MediaConnected() in events
    assert isinstance(events[-1], flow.RemoteEnded)
    assert open_files_of_this_process() <= files_before, "the call opened a file"
    client.close()


@pytest.mark.parametrize("end_by", ["kiosk", "specialist"])
def test_kiosk_and_specialist_see_and_hear_each_other_through_turn(relay_gateway, coturn_server, end_by):
    local, people = relay_gateway
    asyncio.run(asyncio.wait_for(_call(local, people, end_by, coturn_server), 90))
    row = local.query("SELECT outcome, accepted_name FROM calls")
    assert row == [("ended_by_citizen" if end_by == "kiosk" else "resolved", None)]  # the name goes with the call


def test_wrong_turn_secret_means_no_media(tmp_path, gateway_pki, coturn_server):
    """Relay-only ICE with credentials coturn does not accept never connects: media cannot bypass TURN."""
    local = start_call_gateway(tmp_path / "gw", gateway_pki.pem, None, secrets.token_hex(16), coturn_server.urls)
    people = Specialists(local)

    async def attempt() -> None:
        client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
        grant = await client.request("VSAA", "pension-advice")
        call = await client.join(grant, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack()))
        specialist = PythonSpecialist(local.base_url, people.session(local.base_url, people.add("VSAA")))
        await specialist.accept(grant.call_id)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(specialist.connected.wait(), 8)
        assert call.probe.report.video_frames == 0
        await call.hang_up()
        client.close()

    try:
        asyncio.run(attempt())
    finally:
        people.close()
        local.stop()


def test_card_removal_ends_the_call_for_the_specialist(relay_gateway):
    """The flow's SessionEnded during a call: the runner hangs up, the specialist sees the end, media stops."""
    from kiosk.call.runner import CallRunner

    local, people = relay_gateway

    async def scenario() -> None:
        client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
        opened: list[MediaSources] = []

        def sources() -> MediaSources:
            opened.append(MediaSources(PatternVideoTrack(), ToneAudioTrack()))
            return opened[-1]

        asked_identity: list[bool] = []
        runner = CallRunner(client, sources, poll_seconds=0.2, identity=lambda: asked_identity.append(True))
        loop_task = asyncio.ensure_future(runner.run_forever())
        runner.post(flow.StartCall("VSAA", "pension-advice"))
        runner.post(flow.ConsentGiven())
        await wait_until(lambda: runner.state.phase is flow.Phase.QUEUED, 10, "queued")
        assert opened == []  # no camera while waiting
        assert asked_identity == []  # no consent to show name and code: never even read
        specialist = PythonSpecialist(local.base_url, people.session(local.base_url, people.add("VSAA")))
        await specialist.accept(runner.state.call_id)
        await wait_until(lambda: runner.state.phase is flow.Phase.IN_CALL, 20, "in call")
        await wait_until(lambda: specialist.probe.report.video_frames > 10, 20, "kiosk video at the specialist")
        runner.post(flow.SessionEnded())  # the card is pulled
        await asyncio.wait_for(specialist.ended.wait(), 10)
        assert specialist.outcome is CallOutcome.ENDED_BY_CITIZEN
        await wait_until(lambda: runner.session is None, 5, "the kiosk's side closed")  # after the specialist's end
        assert runner.state == flow.CallState()
        assert all(t.readyState == "ended" for s in opened for t in (s.video, s.audio, s.screen))
        assert not runner.screen.on and runner.screen.latest() is None
        loop_task.cancel()
        client.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_the_specialists_voice_is_played_on_the_kiosks_loudspeaker(relay_gateway, tmp_path):
    """The remote audio reaches the loudspeaker (here a WAV file in place of the ALSA device) while the probe
    still hears it; the specialist's tone is what was played."""
    local, people = relay_gateway
    voice = tmp_path / "loudspeaker.wav"

    async def call() -> Loudspeaker:
        client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
        grant = await client.request("VSAA", "pension-advice")
        speaker = Loudspeaker(str(voice))
        joined = await client.join(grant, lambda: MediaSources(PatternVideoTrack(), ToneAudioTrack(), speaker=speaker))
        specialist = PythonSpecialist(local.base_url, people.session(local.base_url, people.add("VSAA")))
        await specialist.accept(grant.call_id)
        await asyncio.wait_for(specialist.connected.wait(), 20)
        await wait_until(lambda: speaker.played >= 100 and joined.probe.report.last_frequency, 30,
                         "two seconds of the specialist's voice played")
        await joined.hang_up()
        client.close()
        return speaker

    speaker = asyncio.run(asyncio.wait_for(call(), 90))
    assert not speaker.failed
    with wave.open(str(voice)) as played:
        rate, channels = played.getframerate(), played.getnchannels()
        samples = np.frombuffer(played.readframes(played.getnframes()), dtype="<i2").reshape(-1, channels)[:, 0]
    assert len(samples) >= rate  # at least a second was written
    assert abs(dominant_frequency(samples[-rate:], rate) - SPECIALIST_TONE_HZ) < 15
