"""The call desk: what the call routes do, without HTTP — sign-in, request, queue, accept, end, TURN.

Specialists sign in with a user name, a password (scrypt) and a TOTP code (RFC 6238, ``pyotp``); a code
is accepted once (its time step is recorded), and a failed sign-in never says which part was wrong.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable

import pyotp

from gateway.calls.settings import CallSettings
from gateway.calls.store import CallRow, CallStore
from gateway.db import Database
from gateway.errors import ApiError
from gateway.records import ms
from wire.call import CallOutcome, CallStatus, Party, TurnCredentials, display_name, turn_credentials

log = logging.getLogger("gateway.calls")
TOPIC_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,47}$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,47}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return hmac.compare_digest(candidate, digest)


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # unknown users cost the same time as known ones


@dataclasses.dataclass(frozen=True)
class ConsoleUser:
    username: str
    institution: str
    display_name: str = ""  # what the citizen sees when this sign-in accepts a call ("" = the institution only)


@dataclasses.dataclass(frozen=True)
class CallGrant:
    """What a party needs to join: the call, a one-time signalling ticket, TURN credentials."""

    call: CallRow
    ticket: str
    turn: TurnCredentials


class CallDesk:
    def __init__(self, db: Database, settings: CallSettings, clock: Callable[[], dt.datetime]):
        self.settings = settings
        self.store = CallStore(db)
        self.clock = clock
        self.store.create_schema()

    def now_ms(self) -> int:
        return ms(self.clock())

    def require_enabled(self) -> None:
        if not self.settings.enabled:
            raise ApiError("calls_disabled", 503, "this gateway has no [calls] configuration")

    # -- specialists ----------------------------------------------------------------------------
    def add_specialist(self, username: str, institution: str, password: str, name: str = "") -> str:
        """Create a console user; returns the TOTP secret (base32) for their authenticator app. ``name`` is
        the display name the citizen sees ("Anna Bērziņa"; checked by :func:`wire.call.display_name`)."""
        if not USERNAME_RE.match(username):
            raise ValueError("user name: lower-case letters, digits, . _ - (2–48)")
        if institution not in self.settings.institutions:
            raise ValueError(f"institution {institution!r} is not in calls.institutions")
        if len(password) < 12:
            raise ValueError("password: at least 12 characters")
        shown = display_name(name) if name else ""
        secret = pyotp.random_base32()
        self.store.add_specialist(username, institution, hash_password(password), secret, self.now_ms(), shown)
        return secret

    def set_display_name(self, username: str, name: str) -> str:
        """Set (or with "" remove) the name the citizen sees; returns it as stored. ValueError when the name
        is not a display name or there is no such specialist."""
        shown = display_name(name) if name else ""
        if not self.store.set_display_name(username, shown):
            raise ValueError(f"no specialist {username!r}")
        return shown

    def sign_in(self, username: str, password: str, code: str) -> tuple[ConsoleUser, str]:
        """(user, console session token) or ApiError 401 ``specialist_login_failed``."""
        self.require_enabled()
        specialist = self.store.specialist(username) if USERNAME_RE.match(username) else None
        password_ok = check_password(password, specialist.password_hash if specialist else _DUMMY_HASH)
        failed = ApiError("specialist_login_failed", 401, "user name, password or code not accepted")
        if specialist is None or not specialist.active or not password_ok:
            log.info("specialist_login_failed")
            raise failed
        totp = pyotp.TOTP(specialist.totp_secret)
        now = self.clock()
        step = None
        for offset in (0, -1, 1):  # one step of clock drift either way
            moment = now + dt.timedelta(seconds=30 * offset)
            if hmac.compare_digest(totp.at(moment), code.strip()):
                step = int(moment.timestamp()) // 30
                break
        if step is None or not self.store.use_totp_step(username, step):
            log.info("specialist_login_failed totp")
            raise failed
        user = ConsoleUser(username, specialist.institution, specialist.display_name)
        token = self._open_session(user)
        log.info("specialist_signed_in institution=%s", specialist.institution)
        return user, token

    def sign_in_eid(self, person_hash: str, certificate_name: str = "") -> tuple[ConsoleUser, str]:
        """After a verified Web eID token: (user, console session token), or 403 ``specialist_unknown`` when
        the card holder is not a (still active) specialist. The citizen sees the certificate's name
        (``certificate_name``, "GIVEN SURNAME"), or the account's when the certificate's is not one the
        kiosk can show."""
        self.require_enabled()
        specialist = self.store.specialist_by_eid(person_hash)
        if specialist is None or not specialist.active:
            log.info("specialist_unknown eid")
            raise ApiError("specialist_unknown", 403, "this card holder is not a specialist here")
        try:
            shown = display_name(certificate_name)
        except ValueError:
            shown = specialist.display_name
        user = ConsoleUser(specialist.username, specialist.institution, shown)
        token = self._open_session(user)
        log.info("specialist_signed_in eid institution=%s", specialist.institution)
        return user, token

    def _open_session(self, user: ConsoleUser) -> str:
        expires = self.now_ms() + self.settings.console_session_seconds * 1000
        return self.store.open_session(user.username, user.institution, expires, user.display_name)

    def console_user(self, token: str) -> ConsoleUser:
        found = self.store.session(token, self.now_ms()) if token else None
        if found is None:
            raise ApiError("specialist_session_missing", 401, "sign in to the console")
        return ConsoleUser(*found)

    # -- calls ----------------------------------------------------------------------------------
    def _turn(self, user: str) -> TurnCredentials:
        now_s = int(self.clock().timestamp())
        return turn_credentials(self.settings.turn_secret, user, now_s, self.settings.turn_ttl_seconds,
                                self.settings.turn_urls)

    def _ticket(self, call: CallRow, party: Party) -> str:
        return self.store.issue_ticket(call.call_id, party, self.now_ms() + self.settings.ticket_seconds * 1000)

    def expire(self) -> None:
        now = self.now_ms()
        if count := self.store.expire_unanswered(now - self.settings.ring_seconds * 1000, now):
            log.info("calls_unanswered count=%d", count)

    def request(self, device_id: str, institution: str, topic: str) -> CallGrant:
        self.require_enabled()
        if institution not in self.settings.institutions:
            raise ApiError("institution_unknown", 422, "the gateway does not serve this institution")
        if not TOPIC_RE.match(topic):
            raise ApiError("request_invalid", 422, "topic must be a service or topic code")
        call = self.store.create_call(device_id, institution, topic, self.now_ms())
        log.info("call_requested call=%s device=%s institution=%s", call.call_id, device_id, institution)
        return CallGrant(call, self._ticket(call, Party.KIOSK), self._turn(call.call_id))

    def kiosk_call(self, device_id: str, call_id: str) -> CallRow:
        self.expire()
        call = self.store.call(call_id)
        if call is None or call.device_id != device_id:
            raise ApiError("call_unknown", 404, "no such call for this kiosk")
        return call

    def queue(self, user: ConsoleUser) -> list[CallRow]:
        self.expire()
        return self.store.waiting(user.institution)

    def position(self, call: CallRow) -> int:
        return self.store.position(call) if call.status is CallStatus.WAITING else 0

    def expected_wait_s(self, call: CallRow, position: int) -> int | None:
        """Position × the median wait of the institution's recent answered calls; None without history
        (the kiosk then says it cannot tell rather than guess)."""
        if call.status is not CallStatus.WAITING:
            return None
        median = self.store.recent_wait_ms(call.institution)
        return None if median is None else max(1, round(position * median / 1000))

    def accept(self, user: ConsoleUser, call_id: str) -> CallGrant:
        self.require_enabled()
        self.expire()
        call = self.store.call(call_id)
        if call is None:
            raise ApiError("call_unknown", 404, "no such call")
        if call.institution != user.institution:
            log.info("call_other_institution call=%s", call_id)
            raise ApiError("call_other_institution", 403, "this call is for another institution")
        if call.status is CallStatus.ENDED:
            raise ApiError("call_ended", 409, "the call is over")
        if not self.store.accept(call_id, user.institution, user.username, self.now_ms(), user.display_name):
            raise ApiError("call_taken", 409, "another specialist accepted this call")
        call = self.store.call(call_id)
        assert call is not None
        log.info("call_accepted call=%s institution=%s", call_id, call.institution)
        return CallGrant(call, self._ticket(call, Party.SPECIALIST), self._turn(call_id))

    def end(self, call_id: str, outcome: CallOutcome) -> bool:
        ended = self.store.end(call_id, outcome, self.now_ms())
        if ended:
            log.info("call_ended call=%s outcome=%s", call_id, outcome.value)
        return ended

    def end_by_specialist_check(self, user: ConsoleUser, call_id: str) -> CallRow:
        """The call this specialist may end: one of their institution's, and when it runs, the one they accepted."""
        call = self.store.call(call_id)
        if call is None or call.institution != user.institution or (
                call.status is CallStatus.ACTIVE and call.accepted_by != user.username):
            raise ApiError("call_unknown", 404, "no such call of yours")
        return call
