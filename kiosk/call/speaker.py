"""The specialist's voice on the kiosk's loudspeaker.

Each audio frame that arrives from the specialist is handed to :meth:`Loudspeaker.play`; a thread of its
own writes it to an ALSA playback device through PyAV's ``alsa`` output (as aiortc's ``MediaRecorder``
does), or to a WAV file for the tests. ALSA paces the writes in real time, so they never run on the
call's asyncio loop: the queue between them holds about a second, and a frame that finds it full is
dropped (a late word is worse than a lost one). A device that cannot be opened or fails is given up on
with a logged code: the call goes on without sound, it never breaks. Nothing is kept: the frames live
only in the queue.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.call")

QUEUE_FRAMES = 50  # 20 ms Opus frames: about a second of the specialist's voice


class Loudspeaker:
    """``target``: an ALSA device ("default", "plughw:CARD=Speak,DEV=0") or a path ending in ``.wav``."""

    def __init__(self, target: str):
        self.target = target
        self.played = 0  # frames written
        self.failed = ""  # the error's type once the device was given up on
        self._frames: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def play(self, frame: Any) -> None:
        """Queue one received audio frame (``av.AudioFrame``); never blocks."""
        if self.failed or self._closed.is_set():
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._write, daemon=True, name="call-loudspeaker")
            self._thread.start()
        try:
            self._frames.put_nowait(frame)
        except queue.Full:
            pass

    def close(self, timeout: float = 2.0) -> None:
        """Stop playing: what is queued is dropped, the device is closed."""
        self._closed.set()
        while True:
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        self._frames.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _write(self) -> None:
        import av

        container: Any = None
        try:
            while (frame := self._frames.get()) is not None:
                if container is None:
                    container = av.open(self.target, mode="w", format="wav" if self.target.endswith(".wav") else "alsa")
                    stream = container.add_stream("pcm_s16le", rate=frame.sample_rate)
                    stream.layout = frame.layout.name
                for packet in stream.encode(frame):
                    container.mux(packet)
                self.played += 1
            if container is not None:
                for packet in stream.encode(None):
                    container.mux(packet)
        except (av.FFmpegError, OSError, ValueError) as exc:
            self.failed = type(exc).__name__
            log_event(log, "call_loudspeaker_failed", logging.WARNING, error=self.failed)
        finally:
            if container is not None:
                try:
                    container.close()
                except (av.FFmpegError, OSError):
                    pass
