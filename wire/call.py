"""Video consultation: the signalling messages and call values shared by the kiosk and the gateway.

A call has two parties, the kiosk and the specialist. Each opens one WebSocket to the gateway with the
one-time ticket it was given (the kiosk when it asks for the call, the specialist when it accepts). Every
message names the call, its sender and a sequence number that rises by one per sender; the gateway
relays a message only when all three match the socket it came in on, so a message replayed (an old
sequence number) or forged (another call, another sender) is refused with a stable code and never
reaches the other party.

    {"call": "c-…", "from": "kiosk", "seq": 1, "kind": "offer", "sdp": "v=0…"}
    {"call": "c-…", "from": "specialist", "seq": 3, "kind": "ice", "candidate": "candidate:…", "mid": "0"}
    {"call": "c-…", "from": "specialist", "seq": 4, "kind": "end", "outcome": "resolved"}

The gateway itself sends ``{"kind": "peer_joined", "name": "Anna Bērziņa"}`` (the accepting specialist's
display name, when their account has one: see :func:`display_name`), ``{"kind": "ended", "outcome": …}``
and ``{"kind": "refused", "error": code, "seq": n}`` (sender ``gateway``, no sequence check).
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_SIGNAL_BYTES = 64 * 1024  # an SDP with a few tracks is a few kB
MAX_SDP_CHARS = 32 * 1024
MAX_CANDIDATE_CHARS = 1024
DISPLAY_NAME_MAX = 48  # "Anna-Marija Bērziņa-Kalniņa" is 27; the kiosk's banner has one line for it


class Party(enum.Enum):
    KIOSK = "kiosk"
    SPECIALIST = "specialist"
    GATEWAY = "gateway"


class SignalKind(enum.Enum):
    OFFER = "offer"  # kiosk → specialist (the kiosk offers: its tracks are known before the call)
    ANSWER = "answer"  # specialist → kiosk
    ICE = "ice"  # either way; an empty candidate means the sender's gathering is complete
    END = "end"  # either way; ends the call for both
    PEER_JOINED = "peer_joined"  # gateway → kiosk: the specialist's socket is there, send the offer
    ENDED = "ended"  # gateway → both: the call is over (outcome)
    REFUSED = "refused"  # gateway → sender: this message was not relayed (error code)


PARTY_KINDS = frozenset({SignalKind.OFFER, SignalKind.ANSWER, SignalKind.ICE, SignalKind.END})


class CallOutcome(enum.Enum):
    """How a call ended: the one thing about a conversation the gateway keeps."""

    RESOLVED = "resolved"  # the specialist answered the question
    REFERRED = "referred"  # the citizen was sent on to another institution or service point
    CALLBACK = "callback"  # the specialist will call the citizen back
    DROPPED = "dropped"  # the connection was lost
    CANCELLED = "cancelled"  # the citizen ended before anyone answered
    UNANSWERED = "unanswered"  # nobody accepted within the ring time
    ENDED_BY_CITIZEN = "ended_by_citizen"  # the citizen ended a call in progress


SPECIALIST_OUTCOMES = (CallOutcome.RESOLVED, CallOutcome.REFERRED, CallOutcome.CALLBACK)


class CallbackOutcome(enum.Enum):
    """How a callback request was closed; the phone number is deleted then."""

    REACHED = "reached"  # the specialist called and spoke with the citizen
    UNREACHABLE = "unreachable"  # called, nobody answered (after the institution's tries)
    WRONG_NUMBER = "wrong_number"  # the number does not belong to the citizen or does not work
    EXPIRED = "expired"  # nobody closed it within the retention limit: the gateway deleted the number


SPECIALIST_CALLBACK_OUTCOMES = (CallbackOutcome.REACHED, CallbackOutcome.UNREACHABLE, CallbackOutcome.WRONG_NUMBER)
# The callback ticket's reference: the call id (``c-…``) or a local one the kiosk made (``CB-…``).
CALLBACK_REFERENCE_RE = re.compile(r"^[A-Za-z0-9._:-]{4,64}$")
PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")  # as the kiosk checks it (kiosk/call/flow.py)


@dataclasses.dataclass(frozen=True)
class CallbackRequest:
    """A callback ticket's request for the institution, as the kiosk sends it (``POST /v1/callbacks``).

    The phone number travels sealed to the gateway's key (``wire.protocol.seal``), so the kiosk can keep
    the exact request bytes on disk until the gateway has it without anyone there reading the number.
    The reference is the idempotency key: sending the same request again changes nothing.
    """

    reference: str
    institution: str
    topic: str
    requested_at: str  # RFC 3339, when the ticket was printed
    sealed_phone: str  # base64 of the sealed UTF-8 number

    def to_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"), sort_keys=True).encode("ascii")

    @classmethod
    def from_json(cls, raw: bytes) -> CallbackRequest:
        body = json.loads(raw)
        return cls(**{f.name: str(body[f.name]) for f in dataclasses.fields(cls)})


class CallStatus(enum.Enum):
    WAITING = "waiting"
    ACTIVE = "active"
    ENDED = "ended"


# Stable rejection codes of the call API and the signalling socket (docs/video.md explains each).
CALL_CODES = (
    "call_unknown",  # no such call (or not this kiosk's / not visible to this specialist)
    "call_taken",  # another specialist accepted first
    "call_ended",  # the call is over
    "call_other_institution",  # the specialist belongs to another institution
    "institution_unknown",  # the kiosk asked for an institution the gateway does not serve
    "calls_disabled",  # the gateway has no [calls] section (no TURN secret)
    "ticket_invalid",  # the signalling ticket is unknown, used or expired
    "signal_malformed",  # not JSON, a field missing or of the wrong type, too large
    "signal_forged",  # the message names another call or another sender than its socket
    "signal_replayed",  # the sequence number is not the next one expected from this sender
    "signal_kind_invalid",  # an offer from the specialist, an answer from the kiosk, a gateway-only kind
    "specialist_login_failed",  # user name, password or one-time code wrong (never says which)
    "specialist_session_missing",  # no or an expired console session
    "specialist_unknown",  # a valid Web eID token of a card holder who is not a specialist
    "callback_unknown",  # no such open callback request of the specialist's institution
    "callback_done",  # the callback request was marked done already (or its number expired)
    "idempotency_conflict",  # a callback reference this kiosk sent before, with other content
)


_NAME_MARKS = frozenset(" -'’.")


def display_name(text: str) -> str:
    """A specialist's name as the kiosk shows it ("Anna Bērziņa"), or ValueError.

    Latin letters (Latvian ones included: the kiosk's font has them) with single spaces, hyphens,
    apostrophes and full stops between them, at most :data:`DISPLAY_NAME_MAX` characters after
    whitespace is collapsed; no digits, no control or direction marks, nothing a screen could not draw.
    A name in capitals (as eID certificates carry it) is written with initial capitals.
    """
    if not text.isprintable():  # line breaks, tabs, control and direction marks
        raise ValueError("a display name has Latin letters, spaces, - ' . only")
    name = " ".join(unicodedata.normalize("NFC", text).split(" ")).strip()
    name = re.sub(" +", " ", name)
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise ValueError(f"a display name has 1–{DISPLAY_NAME_MAX} characters")
    for ch in name:
        if ch in _NAME_MARKS:
            continue
        if not (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN ")):
            raise ValueError("a display name has Latin letters, spaces, - ' . only")
    if not name[0].isalpha() or not (name[-1].isalpha() or name[-1] == ".") \
            or re.search(r"[ '’.-]{2}", name.replace(". ", ".")):
        raise ValueError("a display name starts with a letter and has one mark between its parts")
    return name.title() if name.isupper() else name


class SignalError(ValueError):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclasses.dataclass(frozen=True)
class Signal:
    call_id: str
    sender: Party
    seq: int
    kind: SignalKind
    sdp: str = ""  # offer, answer
    candidate: str = ""  # ice ("" = end of candidates)
    mid: str = ""  # ice: the media section the candidate belongs to
    outcome: CallOutcome | None = None  # end, ended
    error: str = ""  # refused
    name: str = ""  # peer_joined: the accepting specialist's display name ("" when their account has none)

    def to_json(self) -> str:
        body: dict[str, Any] = {"call": self.call_id, "from": self.sender.value, "seq": self.seq,
                                "kind": self.kind.value}
        if self.kind in (SignalKind.OFFER, SignalKind.ANSWER):
            body["sdp"] = self.sdp
        if self.kind is SignalKind.ICE:
            body["candidate"] = self.candidate
            body["mid"] = self.mid
        if self.outcome is not None:
            body["outcome"] = self.outcome.value
        if self.error:
            body["error"] = self.error
        if self.name:
            body["name"] = self.name
        return json.dumps(body, separators=(",", ":"))


def _text(body: Mapping[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = body.get(name, None if required else "")
    if not isinstance(value, str) or len(value) > limit:
        raise SignalError("signal_malformed", f"{name} must be text of at most {limit} characters")
    return value


def parse_signal(raw: str | bytes) -> Signal:
    """Strictly parse one message; raises :class:`SignalError` ``signal_malformed``."""
    if len(raw) > MAX_SIGNAL_BYTES:
        raise SignalError("signal_malformed", "message too large")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SignalError("signal_malformed", "not JSON") from None
    if not isinstance(body, dict):
        raise SignalError("signal_malformed", "not an object")
    try:
        sender = Party(body.get("from"))
        kind = SignalKind(body.get("kind"))
    except ValueError:
        raise SignalError("signal_malformed", "unknown sender or kind") from None
    seq = body.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**31:
        raise SignalError("signal_malformed", "seq must be a non-negative integer")
    call_id = _text(body, "call", 64)
    sdp = candidate = mid = ""
    outcome = None
    if kind in (SignalKind.OFFER, SignalKind.ANSWER):
        sdp = _text(body, "sdp", MAX_SDP_CHARS)
        if not sdp.startswith("v=0"):
            raise SignalError("signal_malformed", "sdp must start with v=0")
    elif kind is SignalKind.ICE:
        candidate = _text(body, "candidate", MAX_CANDIDATE_CHARS)
        mid = _text(body, "mid", 32, required=False)
    if "outcome" in body:
        try:
            outcome = CallOutcome(body["outcome"])
        except ValueError:
            raise SignalError("signal_malformed", "unknown outcome") from None
    error = _text(body, "error", 64, required=False) if kind is SignalKind.REFUSED else ""
    name = ""
    if kind is SignalKind.PEER_JOINED and "name" in body:
        try:
            name = display_name(_text(body, "name", DISPLAY_NAME_MAX))
        except ValueError:
            raise SignalError("signal_malformed", "name is not a display name") from None
    return Signal(call_id=call_id, sender=sender, seq=seq, kind=kind, sdp=sdp, candidate=candidate,
                  mid=mid, outcome=outcome, error=error, name=name)


class SequenceGuard:
    """What the gateway checks on each message from one socket: this call, this sender, the next number."""

    def __init__(self, call_id: str, party: Party):
        self.call_id = call_id
        self.party = party
        self.next_seq = 1

    def admit(self, signal: Signal) -> None:
        if signal.call_id != self.call_id or signal.sender is not self.party:
            raise SignalError("signal_forged", "message names another call or sender")
        if signal.kind not in PARTY_KINDS:
            raise SignalError("signal_kind_invalid", f"{signal.kind.value} is sent by the gateway only")
        if (signal.kind is SignalKind.OFFER and self.party is not Party.KIOSK) or (
                signal.kind is SignalKind.ANSWER and self.party is not Party.SPECIALIST):
            raise SignalError("signal_kind_invalid", f"{self.party.value} may not send {signal.kind.value}")
        if signal.seq != self.next_seq:
            raise SignalError("signal_replayed", f"expected seq {self.next_seq}")
        self.next_seq += 1


@dataclasses.dataclass(frozen=True)
class TurnCredentials:
    """TURN REST API credentials (coturn ``use-auth-secret``): valid until ``expires`` (epoch seconds)."""

    urls: tuple[str, ...]
    username: str
    credential: str
    expires: int

    def to_json(self) -> dict[str, Any]:
        return {"urls": list(self.urls), "username": self.username, "credential": self.credential,
                "expires": self.expires}

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> TurnCredentials:
        return cls(urls=tuple(str(u) for u in body["urls"]), username=str(body["username"]),
                   credential=str(body["credential"]), expires=int(body["expires"]))


def turn_credentials(secret: str, user: str, now_s: int, ttl_s: int, urls: tuple[str, ...]) -> TurnCredentials:
    """username = "expiry:user", credential = base64(HMAC-SHA1(static-auth-secret, username))."""
    username = f"{now_s + ttl_s}:{user}"
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return TurnCredentials(urls=urls, username=username, credential=base64.b64encode(digest).decode("ascii"),
                           expires=now_s + ttl_s)
