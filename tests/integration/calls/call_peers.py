"""A specialist in Python for media tests: accepts through the console API, answers with aiortc.

It is the second peer where the browser is not needed (the aiortc ↔ aiortc media test, the bench);
the console in headless Chromium is the other (test_console_chromium.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import requests
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from websockets.asyncio.client import connect

from kiosk.call.media import PatternVideoTrack, RemoteProbe, ToneAudioTrack
from wire.call import CallOutcome, Party, Signal, SignalKind, TurnCredentials, parse_signal

SPECIALIST_TONE_HZ = 880.0


class PythonSpecialist:
    def __init__(self, base_url: str, console: requests.Session):
        self.base_url = base_url
        self.console = console
        self.probe = RemoteProbe()
        self.screen = RemoteProbe(analyse_every=1)  # the kiosk's screen while shown
        self._videos = 0
        self.pc: RTCPeerConnection | None = None
        self.outcome: CallOutcome | None = None
        self.ended = asyncio.Event()
        self.connected = asyncio.Event()
        self.seq = 0
        self.socket: Any = None
        self.call_id = ""
        self.tracks = [PatternVideoTrack(), ToneAudioTrack(SPECIALIST_TONE_HZ)]

    async def accept(self, call_id: str) -> None:
        response = await asyncio.to_thread(
            self.console.post, f"{self.base_url}/console/api/calls/{call_id}/accept", timeout=10)
        response.raise_for_status()
        grant = response.json()
        self.call_id = call_id
        turn = TurnCredentials.from_json(grant["turn"])
        self.pc = RTCPeerConnection(RTCConfiguration(
            iceServers=[RTCIceServer(urls=list(turn.urls), username=turn.username, credential=turn.credential)],
            iceTransportPolicy=RTCIceTransportPolicy.RELAY))
        self.pc.on("track", self._track)

        @self.pc.on("connectionstatechange")
        def on_state() -> None:
            if self.pc is not None and self.pc.connectionState == "connected":
                self.connected.set()

        for track in self.tracks:
            self.pc.addTrack(track)
        url = self.base_url.replace("http://", "ws://") + grant["signal_path"] + "?ticket=" + grant["ticket"]
        self.socket = await connect(url, open_timeout=10)
        asyncio.ensure_future(self._read())

    def _track(self, track: Any) -> None:
        """The kiosk's camera and microphone to ``probe``; a second video track (its screen) to ``screen``."""
        if track.kind == "video" and self._videos:
            self.screen.attach(track)
        else:
            self.probe.attach(track)
        self._videos += track.kind == "video"

    async def _send(self, kind: SignalKind, **fields: Any) -> None:
        self.seq += 1
        await self.socket.send(Signal(self.call_id, Party.SPECIALIST, self.seq, kind, **fields).to_json())

    async def _read(self) -> None:
        assert self.pc is not None
        async for raw in self.socket:
            signal = parse_signal(raw)
            if signal.kind is SignalKind.OFFER:
                await self.pc.setRemoteDescription(RTCSessionDescription(signal.sdp, "offer"))
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await self._send(SignalKind.ANSWER, sdp=self.pc.localDescription.sdp)
            elif signal.kind is SignalKind.ENDED:
                self.outcome = signal.outcome
                break
        await self.probe.stop()
        await self.screen.stop()
        await self.pc.close()
        for track in self.tracks:
            track.stop()
        self.ended.set()

    async def end(self, outcome: CallOutcome = CallOutcome.RESOLVED) -> None:
        await self._send(SignalKind.END, outcome=outcome)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ended.wait(), 5)
