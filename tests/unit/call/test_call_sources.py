"""The call's media sources: the generated camera and tone when no device is configured, the screen's own
small picture from what is sent, and a configured camera that is not there failing rather than sending
something else."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("aiortc")

from kiosk.call.desk import device_sources  # noqa: E402
from kiosk.call.media import PatternVideoTrack, PreviewTrack, ToneAudioTrack  # noqa: E402
from kiosk.call.video import LatestFrames  # noqa: E402


def test_without_devices_the_pattern_and_tone_are_sent_and_the_screen_gets_a_small_copy():
    frames = LatestFrames()
    sources = device_sources("", "")(frames)
    assert isinstance(sources.video, PreviewTrack) and isinstance(sources.video.source, PatternVideoTrack)
    assert isinstance(sources.audio, ToneAudioTrack)
    assert sources.speaker is None  # no loudspeaker configured: the specialist's voice is not played

    async def two_frames():
        first = await sources.video.recv()
        await sources.video.recv()
        return first

    sent = asyncio.run(two_frames())
    assert (sent.width, sent.height) == (640, 480)  # what goes to the specialist is untouched
    own = frames.local()
    assert own is not None and (own.width, own.height) == (160, 120) and len(own.rgb) == 160 * 120 * 3
    sources.video.enabled = False  # camera off reaches the source (black frames)
    assert sources.video.source.enabled is False
    sources.video.stop()
    sources.audio.stop()
    frames.clear()
    assert frames.local() is None


def test_a_configured_camera_that_is_not_there_fails():
    with pytest.raises(Exception):  # noqa: B017 - av's error for a missing device; the call then ends "dropped"
        device_sources("/dev/video-not-here", "")(LatestFrames())


def test_a_configured_loudspeaker_plays_the_specialists_voice(tmp_path):
    from kiosk.call.speaker import Loudspeaker

    sources = device_sources("", "", str(tmp_path / "voice.wav"))(LatestFrames())
    assert isinstance(sources.speaker, Loudspeaker) and sources.speaker.target == str(tmp_path / "voice.wav")
    sources.speaker.close()
