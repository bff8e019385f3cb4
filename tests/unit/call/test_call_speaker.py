"""The loudspeaker for the specialist's voice: frames written as they come (here to a WAV file in place of
the ALSA device), never blocking the call, and a device that fails given up on without breaking the call."""

from __future__ import annotations

import time
import wave

import numpy as np
import pytest

av = pytest.importorskip("av")

from kiosk.call.media import dominant_frequency  # noqa: E402
from kiosk.call.speaker import QUEUE_FRAMES, Loudspeaker  # noqa: E402

RATE, SAMPLES = 48000, 960  # 20 ms stereo s16 frames, as aiortc's Opus decoder gives them


def frames(count: int, hz: float = 660.0):
    for i in range(count):
        n = np.arange(i * SAMPLES, (i + 1) * SAMPLES)
        mono = (np.sin(2 * np.pi * hz * n / RATE) * 0.3 * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.stack([mono, mono], axis=1).reshape(1, -1), format="s16",
                                           layout="stereo")
        frame.sample_rate = RATE
        yield frame


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_voice_is_written_as_it_arrives(tmp_path):
    target = tmp_path / "voice.wav"
    speaker = Loudspeaker(str(target))
    for i, frame in enumerate(frames(100)):
        speaker.play(frame)
        wait_for(lambda i=i: speaker.played > i)  # as a call delivers them: one frame at a time
    speaker.close()
    assert speaker.played == 100 and not speaker.failed
    with wave.open(str(target)) as played:
        assert (played.getframerate(), played.getnchannels(), played.getnframes()) == (RATE, 2, 100 * SAMPLES)
        left = np.frombuffer(played.readframes(played.getnframes()), dtype="<i2").reshape(-1, 2)[:, 0]
    assert dominant_frequency(left, RATE) == pytest.approx(660, abs=5)


def test_playing_never_blocks_the_call_a_full_queue_drops_frames(tmp_path):
    speaker = Loudspeaker(str(tmp_path / "voice.wav"))
    started = time.monotonic()
    for frame in frames(QUEUE_FRAMES * 4):
        speaker.play(frame)
    assert time.monotonic() - started < 1.0
    speaker.close()
    assert not speaker.failed and speaker.played <= QUEUE_FRAMES * 4


def test_a_device_that_cannot_be_opened_is_given_up_on(tmp_path):
    speaker = Loudspeaker(str(tmp_path / "no-such-folder" / "voice.wav"))
    for frame in frames(3):
        speaker.play(frame)
    wait_for(lambda: speaker.failed)
    speaker.play(next(frames(1)))  # ignored from now on, no error
    speaker.close()
    assert speaker.played == 0 and speaker.failed
