"""The signalling relay: one room per call, two sockets (kiosk, specialist), typed messages between them.

Each socket comes with a one-time ticket that names its call and party. A message is relayed only when
:class:`wire.call.SequenceGuard` admits it (this call, this sender, the next sequence number, a kind
this party may send); otherwise the sender gets ``refused`` with the code and nothing else happens.
``end`` from either side (or the console's / the kiosk's end request, or a socket that goes away)
records the outcome once and sends ``ended`` to both sockets, then closes them.

Rooms live in the instance's memory: both parties of a call must reach the same gateway instance
(behind HAProxy, ``balance uri`` on ``/v1/calls/``; docs/video.md). Messages for a party not yet
connected wait in the room (a bounded number). ``peer_joined`` names the accepting specialist (their
display name, as their sign-in gave it) so that the citizen sees who they are talking to.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect

from wire.call import CallOutcome, Party, SequenceGuard, Signal, SignalError, SignalKind, parse_signal

log = logging.getLogger("gateway.calls")
MAX_PENDING = 64
_OTHER = {Party.KIOSK: Party.SPECIALIST, Party.SPECIALIST: Party.KIOSK}


@dataclasses.dataclass
class Room:
    call_id: str
    sockets: dict[Party, WebSocket] = dataclasses.field(default_factory=dict)
    pending: dict[Party, list[str]] = dataclasses.field(default_factory=lambda: {Party.KIOSK: [], Party.SPECIALIST: []})
    ended: bool = False
    gateway_seq: int = 0
    specialist_name: str = ""  # the accepting specialist's display name, for peer_joined

    def gateway_signal(self, kind: SignalKind, **fields: object) -> str:
        self.gateway_seq += 1
        return Signal(call_id=self.call_id, sender=Party.GATEWAY, seq=self.gateway_seq, kind=kind,
                      **fields).to_json()  # type: ignore[arg-type]


class Relay:
    """``record_end(call_id, outcome) -> bool`` stores the outcome (runs in a thread: it uses the database)."""

    def __init__(self, record_end: Callable[[str, CallOutcome], bool]):
        self.record_end = record_end
        self.rooms: dict[str, Room] = {}

    async def _send(self, room: Room, party: Party, text: str) -> None:
        socket = room.sockets.get(party)
        if socket is None:
            if len(room.pending[party]) < MAX_PENDING:
                room.pending[party].append(text)
            return
        with contextlib.suppress(Exception):  # a socket closing under us is handled by its own loop
            await socket.send_text(text)

    async def serve(self, socket: WebSocket, call_id: str, party: Party, specialist_name: str = "") -> None:
        """Run one party's socket until it closes or the call ends; ``specialist_name`` comes with the
        specialist's socket (their display name, "" when they have none)."""
        room = self.rooms.setdefault(call_id, Room(call_id))
        if party in room.sockets or room.ended:
            await socket.close(code=4409, reason="ticket_invalid")
            return
        room.sockets[party] = socket
        if party is Party.SPECIALIST:
            room.specialist_name = specialist_name
        for text in room.pending[party]:
            await socket.send_text(text)
        room.pending[party].clear()
        if len(room.sockets) == 2:
            await self._send(room, Party.KIOSK, room.gateway_signal(SignalKind.PEER_JOINED,
                                                                    name=room.specialist_name))
        guard = SequenceGuard(call_id, party)
        try:
            while not room.ended:
                raw = await socket.receive_text()
                try:
                    signal = parse_signal(raw)
                    guard.admit(signal)
                except SignalError as exc:
                    log.info("signal_refused call=%s from=%s code=%s", call_id, party.value, exc.code)
                    await socket.send_text(room.gateway_signal(SignalKind.REFUSED, error=exc.code))
                    continue
                if signal.kind is SignalKind.END:
                    outcome = signal.outcome if party is Party.SPECIALIST and signal.outcome else (
                        CallOutcome.ENDED_BY_CITIZEN if party is Party.KIOSK else CallOutcome.RESOLVED)
                    await self.finish(call_id, outcome)
                    return
                await self._send(room, _OTHER[party], raw if isinstance(raw, str) else raw.decode())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            if room.sockets.get(party) is socket:
                del room.sockets[party]
            if not room.ended:
                # the kiosk left while waiting: cancelled; anyone left a call in progress: dropped
                outcome = CallOutcome.DROPPED if len(room.sockets) or party is Party.SPECIALIST \
                    else CallOutcome.CANCELLED
                await self.finish(call_id, outcome)

    async def finish(self, call_id: str, outcome: CallOutcome) -> None:
        """Record the outcome (the first one wins), tell both parties ``ended`` and close their sockets."""
        room = self.rooms.get(call_id)
        await asyncio.to_thread(self.record_end, call_id, outcome)
        if room is None:
            return
        room.ended = True
        text = room.gateway_signal(SignalKind.ENDED, outcome=outcome)
        for socket in list(room.sockets.values()):
            with contextlib.suppress(Exception):
                await socket.send_text(text)
                await socket.close(code=1000)
        room.sockets.clear()
        self.rooms.pop(call_id, None)
