"""The kiosk's media for a call: camera and microphone sources, and a probe on what the specialist sends.

Sources are aiortc tracks. On a kiosk without a camera (tests, the demo, the bench) they are a generated
test pattern — vertical colour bars that move one bar every second — and a steady tone; on a kiosk with
a camera, the V4L2 device and the ALSA/PipeWire microphone through aiortc's :class:`MediaPlayer`.
Nothing here writes a frame or a sample anywhere: the probe keeps counters and the last analysis only.

The pattern and the tone are chosen so that a receiver can tell them apart from anything else after
VP8/Opus coding: :func:`bars_match` compares a decoded frame's column colours with the bars,
:func:`dominant_frequency` finds a tone's frequency.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fractions
import math
import time
from typing import Any

import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import AUDIO_PTIME, VIDEO_CLOCK_RATE, VIDEO_TIME_BASE, MediaStreamError
from av import AudioFrame, VideoFrame

from kiosk.call.video import fit_screen

# Eight bars as in a TV test card (RGB), full saturation so that 4:2:0 coding keeps them apart.
BARS = np.array([(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0), (255, 0, 255), (255, 0, 0),
                 (0, 0, 255), (0, 0, 0)], dtype=np.uint8)
KIOSK_TONE_HZ = 440.0
AUDIO_RATE = 48000


def bars_image(width: int, height: int, shift: int = 0) -> np.ndarray:
    """An RGB image of the bars, rotated by ``shift`` bars."""
    columns = (np.arange(width) * len(BARS) // width + shift) % len(BARS)
    row = BARS[columns]
    return np.ascontiguousarray(np.broadcast_to(row, (height, width, 3)))


def bars_match(rgb: np.ndarray, tolerance: int = 60) -> int | None:
    """The shift of the bars seen in ``rgb`` (an H×W×3 array), or None when the frame is not the pattern."""
    height, width, _ = rgb.shape
    band = rgb[height // 4: 3 * height // 4].astype(np.int32)
    seen = []
    for bar in range(len(BARS)):
        left = bar * width // len(BARS) + width // (4 * len(BARS))
        right = (bar + 1) * width // len(BARS) - width // (4 * len(BARS))
        seen.append(band[:, left:right].reshape(-1, 3).mean(axis=0))
    for shift in range(len(BARS)):
        expected = BARS[(np.arange(len(BARS)) + shift) % len(BARS)].astype(np.int32)
        if all(np.abs(s - e).max() <= tolerance for s, e in zip(seen, expected, strict=True)):
            return shift
    return None


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    """The strongest frequency (Hz) of mono ``samples`` (Hann window, FFT)."""
    if len(samples) < 64:
        return 0.0
    data = samples.astype(np.float64)
    data -= data.mean()
    spectrum = np.abs(np.fft.rfft(data * np.hanning(len(data))))
    spectrum[0] = 0.0
    return float(np.argmax(spectrum) * rate / len(data))


class PatternVideoTrack(MediaStreamTrack):
    """Generated camera: the bars at ``width``×``height``, ``fps`` frames per second, moving once a second."""

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 15):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._frames = [bars_image(width, height, shift) for shift in range(len(BARS))]
        self._start: float | None = None
        self._count = 0
        self.enabled = True  # camera off sends black frames (the light stays honest: nothing is captured)

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._count / self.fps
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        shift = (self._count // self.fps) % len(BARS)
        image = self._frames[shift] if self.enabled else np.zeros_like(self._frames[0])
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = int(self._count * VIDEO_CLOCK_RATE / self.fps)
        frame.time_base = VIDEO_TIME_BASE
        self._count += 1
        return frame


class ToneAudioTrack(MediaStreamTrack):
    """Generated microphone: a sine tone, 20 ms frames of 16-bit mono at 48 kHz."""

    kind = "audio"

    def __init__(self, frequency: float = KIOSK_TONE_HZ, rate: int = AUDIO_RATE, level: float = 0.3):
        super().__init__()
        self.frequency, self.rate, self.level = frequency, rate, level
        self.samples_per_frame = int(rate * AUDIO_PTIME)
        self._start: float | None = None
        self._pts = 0
        self.enabled = True  # muted sends silence

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._pts / self.rate
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        n = np.arange(self._pts, self._pts + self.samples_per_frame)
        wave = np.sin(2 * math.pi * self.frequency * n / self.rate) * self.level * 32767 if self.enabled \
            else np.zeros(self.samples_per_frame)
        frame = AudioFrame.from_ndarray(wave.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, self.rate)
        self._pts += self.samples_per_frame
        return frame


# The shared screen's test picture: four horizontal bands (the camera's bars are vertical), RGB.
SCREEN_BANDS = np.array([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)], dtype=np.uint8)


def bands_image(width: int, height: int) -> np.ndarray:
    """A test picture of a screen: the bands from top to bottom."""
    rows = np.arange(height) * len(SCREEN_BANDS) // height
    return np.ascontiguousarray(np.broadcast_to(SCREEN_BANDS[rows][:, None, :], (height, width, 3)))


def bands_match(rgb: np.ndarray, tolerance: int = 60) -> bool:
    """Whether ``rgb`` (H×W×3) shows the screen's test bands."""
    height, width, _ = rgb.shape
    for band, colour in enumerate(SCREEN_BANDS.astype(np.int32)):
        top, bottom = band * height // len(SCREEN_BANDS), (band + 1) * height // len(SCREEN_BANDS)
        middle = rgb[top + (bottom - top) // 4: bottom - (bottom - top) // 4, width // 8: width - width // 8]
        if np.abs(middle.reshape(-1, 3).astype(np.int32).mean(axis=0) - colour).max() > tolerance:
            return False
    return True


def is_blank(rgb: np.ndarray, spread: float = 12.0) -> bool:
    """Whether ``rgb`` is one flat colour (a screen the specialist may not see), after coding noise."""
    return bool(rgb.reshape(-1, 3).astype(np.float64).std(axis=0).max() <= spread)


class ScreenTrack(MediaStreamTrack):
    """The kiosk's own screen as the call's second video track.

    It is negotiated with the call (a second video m-line) and sends only while the citizen shares the
    screen: ``recv`` waits while :class:`~kiosk.call.video.ScreenShare` is off, so no packet goes then. The
    pictures come from the UI at up to ``fps`` a second and are scaled to at most 1280×720.
    """

    kind = "video"

    def __init__(self, share: Any, fps: int = 5):
        super().__init__()
        self.share = share
        self.fps = fps
        self._start: float | None = None
        self._last = 0.0

    async def recv(self) -> VideoFrame:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            picture = self.share.latest() if self.share.on else None
            now = time.monotonic()
            if picture is not None and now - self._last >= 1 / self.fps:
                break
            await asyncio.sleep(1 / (2 * self.fps))
        self._last = now
        if self._start is None:
            self._start = now
        image = np.frombuffer(picture.rgb, dtype=np.uint8).reshape(picture.height, picture.width, 3)
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        width, height = fit_screen(picture.width, picture.height)
        if (width, height) != (picture.width, picture.height):
            frame = frame.reformat(width=width, height=height)
        frame.pts = int((now - self._start) * VIDEO_CLOCK_RATE)
        frame.time_base = VIDEO_TIME_BASE
        return frame


class PreviewTrack(MediaStreamTrack):
    """The kiosk's camera as sent, with a small copy of every second frame for the call screen's own picture."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack, frames: Any, width: int = 160, height: int = 120):
        super().__init__()
        self.source = source
        self.frames = frames
        self.size = (width, height)
        self._count = 0

    async def recv(self) -> VideoFrame:
        frame = await self.source.recv()
        self._count += 1
        if self._count % 2 == 0:
            small = frame.reformat(width=self.size[0], height=self.size[1], format="rgb24")
            self.frames.put_local(small.width, small.height, small.to_ndarray().tobytes())
        return frame

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.source, "enabled", True))

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.source.enabled = value

    def stop(self) -> None:
        super().stop()
        self.source.stop()


@dataclasses.dataclass
class ProbeReport:
    video_frames: int = 0
    audio_frames: int = 0
    first_video_at: float | None = None  # time.monotonic() of the first decoded remote frame
    last_size: tuple[int, int] = (0, 0)
    pattern_frames: int = 0  # frames in which the kiosk's bars were recognised
    blank_frames: int = 0  # analysed frames of one flat colour (a blanked shared screen)
    last_blank: bool | None = None  # whether the last analysed frame was flat
    last_frequency: float = 0.0
    fps: float = 0.0


class RemoteProbe:
    """Reads the remote tracks (as a screen would) and keeps counts and the last analysis — no frames.

    ``analyse_every`` frames one is checked for the bars; audio is gathered for half a second at a time
    and its dominant frequency kept.
    """

    def __init__(self, analyse_every: int = 5):
        self.frames: Any = None  # a kiosk.call.video.LatestFrames: the call screen shows what arrives
        self.speaker: Any = None  # a kiosk.call.speaker.Loudspeaker: the specialist's voice is played there
        self.report = ProbeReport()
        self.analyse_every = analyse_every
        self._tasks: list[asyncio.Task[None]] = []
        self._first_fps_mark: tuple[float, int] | None = None

    def attach(self, track: Any) -> None:
        consume = self._video if track.kind == "video" else self._audio
        self._tasks.append(asyncio.ensure_future(consume(track)))

    async def _video(self, track: Any) -> None:
        report = self.report
        try:
            while True:
                frame = await track.recv()
                now = time.monotonic()
                if report.first_video_at is None:
                    report.first_video_at = now
                    self._first_fps_mark = (now, 0)
                report.video_frames += 1
                report.last_size = (frame.width, frame.height)
                if self.frames is not None:
                    shown = frame.reformat(width=min(frame.width, 640), height=min(frame.height, 480), format="rgb24")
                    self.frames.put_remote(shown.width, shown.height, shown.to_ndarray().tobytes())
                if self._first_fps_mark and now > self._first_fps_mark[0]:
                    report.fps = (report.video_frames - 1) / (now - self._first_fps_mark[0])
                if report.video_frames % self.analyse_every == 0:
                    rgb = frame.to_ndarray(format="rgb24")
                    report.pattern_frames += bars_match(rgb) is not None
                    report.last_blank = is_blank(rgb)
                    report.blank_frames += report.last_blank
        except MediaStreamError:
            return

    async def _audio(self, track: Any) -> None:
        gathered: list[np.ndarray] = []
        rate = AUDIO_RATE
        try:
            while True:
                frame = await track.recv()
                self.report.audio_frames += 1
                if self.speaker is not None:
                    self.speaker.play(frame)
                rate = frame.sample_rate
                data = frame.to_ndarray()
                channels = len(frame.layout.channels)
                mono = data.reshape(-1, channels)[:, 0] if data.ndim == 2 and data.shape[0] == 1 else data[0]
                gathered.append(mono)
                if sum(len(g) for g in gathered) >= rate // 2:
                    self.report.last_frequency = dominant_frequency(np.concatenate(gathered), rate)
                    gathered.clear()
        except MediaStreamError:
            return

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks.clear()
