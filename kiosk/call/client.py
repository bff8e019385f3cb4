"""The kiosk's call client: ask the gateway for a call, signal over its WebSocket, run the WebRTC peer.

    client = CallClient(base_url, device_id=…, device_key=…)
    grant = await client.request("VSAA", "pension-advice")          # signed POST /v1/calls
    call = await client.join(grant, sources=test_sources, on_event=post_to_flow)
    …                                                                # PeerJoined, MediaConnected, RemoteEnded
    await call.hang_up()                                             # or the specialist ends

The kiosk is the offerer: when the gateway says ``peer_joined`` (with the accepting specialist's display
name, for the call screen) it adds its camera and microphone tracks, gathers relay candidates only
(``iceTransportPolicy = relay``: media always goes through the TURN server, and neither side learns the
other's address) and sends the offer; remote candidates that arrive before the answer wait for it. Events for :mod:`kiosk.call.flow` go to ``on_event``. Every network step
has a timeout; nothing is written to disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Callable
from typing import Any

import requests
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.sdp import candidate_from_sdp
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from kiosk.call import flow
from kiosk.call.media import RemoteProbe
from wire.call import CallOutcome, Party, Signal, SignalKind, TurnCredentials, parse_signal
from wire.device_key import DeviceKey

log = logging.getLogger("kiosk.call")


class CallRefused(Exception):
    """The gateway refused (``code`` from :data:`wire.call.CALL_CODES` or the gateway's codes) or was not reached."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclasses.dataclass(frozen=True)
class CallGrant:
    call_id: str
    position: int
    ticket: str
    signal_path: str
    turn: TurnCredentials
    expected_wait_s: int | None = None


@dataclasses.dataclass(frozen=True)
class CitizenIdentity:
    """What the specialist may see, only after the citizen's consent: name and personal code.

    It goes over a WebRTC data channel (``identity``), end to end encrypted like the media: the gateway
    and the TURN server never see it.
    """

    given_name: str
    surname: str
    personal_code: str

    def __repr__(self) -> str:  # keep personal data out of logs and tracebacks
        return "CitizenIdentity(…)"

    def to_json(self) -> str:
        return json.dumps({"given_name": self.given_name, "surname": self.surname,
                           "personal_code": self.personal_code}, ensure_ascii=False)


@dataclasses.dataclass
class MediaSources:
    """The kiosk's camera and microphone tracks (aiortc tracks; :mod:`kiosk.call.media` has generated ones),
    the kiosk's own screen (:class:`kiosk.call.media.ScreenTrack`, sending only while shared), and where the
    specialist's voice is played (:class:`kiosk.call.speaker.Loudspeaker`; None: not played)."""

    video: Any
    audio: Any
    screen: Any = None
    speaker: Any = None


class CallClient:
    def __init__(self, base_url: str, *, device_id: str, device_key: DeviceKey, ca_file: str | None = None,
                 timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.verify: str | bool = ca_file or True
        self.http = requests.Session()
        self.http.auth = device_key.auth(device_id)

    def _http(self, method: str, path: str, body: dict[str, Any] | None = None, raw: bytes | None = None
              ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"} if raw is not None else None
        try:
            response = self.http.request(method, self.base_url + path, json=body, data=raw, headers=headers,
                                         timeout=self.timeout, verify=self.verify)
        except requests.RequestException as exc:
            raise CallRefused("gateway_unreachable", type(exc).__name__) from None
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 400:
            raise CallRefused(str(data.get("error") or f"http_{response.status_code}"), str(data.get("detail", "")))
        return data

    async def request(self, institution: str, topic: str) -> CallGrant:
        data = await asyncio.to_thread(self._http, "POST", "/v1/calls", {"institution": institution, "topic": topic})
        return CallGrant(call_id=data["call_id"], position=int(data["position"]), ticket=data["ticket"],
                         signal_path=data["signal_path"], turn=TurnCredentials.from_json(data["turn"]),
                         expected_wait_s=data.get("expected_wait_s"))

    def send_callback(self, body: bytes) -> None:
        """Signed ``POST /v1/callbacks`` of a stored request's exact bytes (kiosk.call.callbacks); 200 and
        201 both mean the gateway has it (200: it had it already)."""
        self._http("POST", "/v1/callbacks", raw=body)

    async def status(self, call_id: str) -> dict[str, Any]:
        return await asyncio.to_thread(self._http, "GET", f"/v1/calls/{call_id}")

    async def cancel(self, call_id: str) -> dict[str, Any]:
        return await asyncio.to_thread(self._http, "POST", f"/v1/calls/{call_id}/end")

    async def join(self, grant: CallGrant, sources: Callable[[], MediaSources],
                   on_event: Callable[[flow.Event], None] = lambda event: None,
                   identity: CitizenIdentity | None = None) -> CallSession:
        """Open signalling; ``sources()`` opens the camera and microphone only once a specialist is there.
        ``identity`` is given only when the citizen consented to showing name and personal code."""
        url = self.base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        socket = await connect(f"{url}{grant.signal_path}?ticket={grant.ticket}", open_timeout=self.timeout,
                               close_timeout=2, max_size=2**17)
        session = CallSession(grant, socket, sources, on_event, identity)
        session.start()
        return session

    def close(self) -> None:
        self.http.close()


class CallSession:
    """One joined call: the signalling socket, the peer connection, the probe on the remote tracks."""

    def __init__(self, grant: CallGrant, socket: ClientConnection, sources: Callable[[], MediaSources],
                 on_event: Callable[[flow.Event], None], identity: CitizenIdentity | None = None):
        self.grant = grant
        self.identity = identity
        self.socket = socket
        self.open_sources = sources
        self.sources: MediaSources | None = None
        self.on_event = on_event
        self.probe = RemoteProbe()
        self.pc: RTCPeerConnection | None = None
        self.seq = 0
        self.outcome: CallOutcome | None = None
        self.ended = asyncio.Event()
        self.peer_joined_at: float | None = None
        self._early_candidates: list[Signal] = []
        self._answered = False
        self._reader: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._reader = asyncio.ensure_future(self._read())

    async def _send(self, kind: SignalKind, **fields: Any) -> None:
        self.seq += 1
        await self.socket.send(Signal(call_id=self.grant.call_id, sender=Party.KIOSK, seq=self.seq, kind=kind,
                                      **fields).to_json())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                signal = parse_signal(raw)
                if signal.kind is SignalKind.PEER_JOINED:
                    self.peer_joined_at = asyncio.get_running_loop().time()
                    self.on_event(flow.PeerJoined(signal.name))
                    await self._offer()
                elif signal.kind is SignalKind.ANSWER and self.pc is not None:
                    await self.pc.setRemoteDescription(RTCSessionDescription(sdp=signal.sdp, type="answer"))
                    self._answered = True
                    for early in self._early_candidates:
                        await self._add_candidate(early)
                    self._early_candidates.clear()
                elif signal.kind is SignalKind.ICE:
                    if self._answered:
                        await self._add_candidate(signal)
                    else:
                        self._early_candidates.append(signal)
                elif signal.kind is SignalKind.ENDED:
                    self.outcome = signal.outcome or CallOutcome.DROPPED
                    break
                elif signal.kind is SignalKind.REFUSED:
                    log.warning("call signal refused code=%s", signal.error)
        except ConnectionClosed:
            pass
        except Exception as exc:  # a broken message or a media error ends the call rather than hanging it
            log.warning("call signalling failed: %s", type(exc).__name__)
        if self.outcome is None:
            self.outcome = CallOutcome.DROPPED
        await self._stop_media()
        self.ended.set()
        self.on_event(flow.RemoteEnded(self.outcome))

    async def _add_candidate(self, signal: Signal) -> None:
        if not signal.candidate or self.pc is None:
            return
        text = signal.candidate.removeprefix("candidate:")
        candidate = candidate_from_sdp(text)
        candidate.sdpMid = signal.mid or None
        await self.pc.addIceCandidate(candidate)

    async def _offer(self) -> None:
        turn = self.grant.turn
        config = RTCConfiguration(iceServers=[RTCIceServer(urls=list(turn.urls), username=turn.username,
                                                           credential=turn.credential)],
                                  iceTransportPolicy=RTCIceTransportPolicy.RELAY)
        pc = self.pc = RTCPeerConnection(configuration=config)

        @pc.on("track")
        def on_track(track: Any) -> None:
            self.probe.attach(track)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected":
                self.on_event(flow.MediaConnected())
            elif pc.connectionState == "failed" and not self.ended.is_set():
                await self.hang_up()

        if self.identity is not None:
            channel = pc.createDataChannel("identity", ordered=True)
            identity = self.identity

            @channel.on("open")
            def on_open() -> None:
                channel.send(identity.to_json())

        self.sources = self.open_sources()
        self.probe.speaker = self.sources.speaker
        pc.addTrack(self.sources.video)
        pc.addTrack(self.sources.audio)
        if self.sources.screen is not None:  # a second video m-line, negotiated now: no renegotiation later
            pc.addTrack(self.sources.screen)
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate here
        await self._send(SignalKind.OFFER, sdp=pc.localDescription.sdp)

    def set_media(self, muted: bool, camera_off: bool) -> None:
        if self.sources is None:
            return
        self.sources.audio.enabled = not muted
        self.sources.video.enabled = not camera_off

    async def hang_up(self, timeout: float = 5.0) -> CallOutcome:
        """End the call for both sides (``end`` on the socket; the gateway answers ``ended``)."""
        if not self.ended.is_set():
            with contextlib.suppress(ConnectionClosed):
                await self._send(SignalKind.END)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ended.wait(), timeout)
        await self.close()
        return self.outcome or CallOutcome.ENDED_BY_CITIZEN

    async def _stop_media(self) -> None:
        await self.probe.stop()
        if self.pc is not None:
            await self.pc.close()
        if self.sources is not None:
            self.sources.video.stop()
            self.sources.audio.stop()
            if self.sources.screen is not None:
                self.sources.screen.stop()
            if self.sources.speaker is not None:
                await asyncio.to_thread(self.sources.speaker.close)

    async def close(self) -> None:
        self.identity = None
        await self.socket.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if not self.ended.is_set():
            await self._stop_media()
            self.ended.set()
