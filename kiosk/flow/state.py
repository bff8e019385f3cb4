"""The session's state: one immutable value that the UI renders.

Everything a citizen brings (name, personal code, answers, reference) lives only here and in
the runtime's PIN buffer; ``wiped()`` is the single place that decides what survives a session
(nothing personal does).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the state's fields name these types, nothing here builds one, so the
    # start (the welcome screen) does not wait for the call, signing, form and catalogue modules (docs/ui.md, *Start*)
    from kiosk.backend.envelope import ProxyBlock
    from kiosk.flow.call_state import CallConfig, CallDesk
    from kiosk.flow.signing_state import SignFlow
    from kiosk.services.catalogue import Catalogue
    from kiosk.services.form import FormState
    from kiosk.services.messages import Message


@dataclass(frozen=True)
class ProxySession:
    """The authorisation form while it is filled in; ``block`` once it is complete and valid."""

    form: FormState  # the authorisation form
    errors: Mapping[str, Message] | None = None  # field id -> message for the current step
    block: ProxyBlock | None = None

    def __repr__(self) -> str:
        return "ProxySession(<redacted>)"


@dataclass(frozen=True)
class ReprintView:
    """Staff's reprint by reference: what is typed, and the gateway's answer."""

    text: str = ""  # as typed
    problem: str | None = None  # reference_invalid, submission_not_found, gateway codes
    busy: bool = False  # asking the gateway


class Screen(enum.StrEnum):
    """Every screen of the kiosk. Each layer keeps one registry keyed by it: the flow's rules
    (kiosk.flow.machine.SCREENS), the UI's presenter and help text (kiosk.ui.presenter.SCREENS), the Kivy
    widget (kiosk.ui.screens.WIDGETS) and the tour's screenshot (devtools.tour_shots.SCREEN_SHOTS)."""

    WELCOME = "welcome"
    READING_CARD = "reading_card"
    CARD_PROBLEM = "card_problem"
    PIN = "pin"
    AUTHENTICATING = "authenticating"
    CATALOGUE = "catalogue"
    SERVICE_INTRO = "service_intro"
    FORM = "form"
    REVIEW = "review"
    SUBMITTING = "submitting"
    RESULT = "result"
    TAKE_CARD = "take_card"
    GOODBYE = "goodbye"
    OUT_OF_ORDER = "out_of_order"
    STAFF_PANEL = "staff_panel"
    PIN_CHANGE = "pin_change"  # the PIN pad again, one step of a PIN1 change or PUK unblock
    CHANGING_PIN = "changing_pin"
    PIN_CHANGED = "pin_changed"
    PROXY_AUTHORISATION = "proxy_authorisation"  # staff enter the citizen and the written authorisation
    STAFF_REPRINT = "staff_reprint"  # staff type a reference to reprint its receipt
    # signing and checking documents on a USB stick (kiosk/flow/signing.py)
    SIGN_FILES = "sign_files"  # insert the stick, choose file(s)
    SIGN_REVIEW = "sign_review"  # what will be signed and who signs
    SIGN_PIN2 = "sign_pin2"  # the PIN pad for PIN2, visibly not PIN1's
    SIGN_BUSY = "sign_busy"  # reading the stick or files, signing, checking
    SIGN_DONE = "sign_done"  # "<name>.edoc saved on the stick"
    CHECK_RESULT = "check_result"  # a container's signatures in plain words
    # a video call with an institution's specialist (kiosk/flow/call.py)
    CALL_SETUP = "call_setup"  # which institution, which topic
    CALL_CONSENT = "call_consent"  # what is shared, not recorded, the camera light; share name and code?
    CALL_WAITING = "call_waiting"  # place in the queue, the expected wait, Cancel
    CALL = "call"  # the specialist large, the citizen small, mute, camera off, end
    CALL_ENDED = "call_ended"
    CALL_CALLBACK = "call_callback"  # nobody answered or closed: a phone number for a callback ticket
    CALL_FAILED = "call_failed"  # the call could not be made: code and plain words


STAFF_ROLES = frozenset({"staff", "technician"})


@dataclass(frozen=True)
class FlowConfig:
    """Non-personal settings the state machine needs (from kiosk.toml)."""

    languages: tuple[str, ...] = ("lv", "en")
    default_language: str = "lv"
    idle_timeout_s: float = 120.0
    idle_warning_s: float = 30.0
    goodbye_s: float = 6.0
    pin_min: int = 4  # PIN1 lengths of the Latvian eID, for sign-in and a new PIN1
    pin_max: int = 12
    puk_min: int = 8
    puk_max: int = 12
    pin2_min: int = 5  # PIN2, the signing PIN (reference/esignature.md §2)
    pin2_max: int = 12
    staff_idle_timeout_s: float = 60.0
    guided_idle_s: float = 1800.0
    default_accessibility: Accessibility | None = None
    calls: CallConfig | None = None  # None: no video calls from this kiosk


@dataclass(frozen=True)
class Accessibility:
    large_text: bool = False
    high_contrast: bool = False
    speech: bool = False

    def toggled(self, name: str) -> Accessibility:
        if name not in ("large_text", "high_contrast", "speech"):
            return self
        return replace(self, **{name: not getattr(self, name)})


@dataclass(frozen=True)
class CardView:
    """What the card said before the gateway verified anything: enough to greet and count tries."""

    card_type: str
    given_name: str
    pin_tries_left: int | None
    puk_tries_left: int | None = None  # read only when PIN1 is blocked (None: not known)


@dataclass(frozen=True)
class OfflineProof:
    """An offline sign-in (gateway unreachable at PIN time): the card's Web eID token for a nonce
    the kiosk drew, and the device's attestation of it. Sealed with the submission; the gateway
    checks both on delivery and only then decides who this was."""

    token: Mapping[str, Any] = field(repr=False, compare=False)  # Web eID authentication token (JSON)
    attestation: Mapping[str, str] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Citizen:
    """The identity the gateway verified, and the gateway session it opened.

    Signed in offline (``offline`` set): read from the card's certificate, with no session yet;
    it may only fill forms, whose submissions the gateway verifies on delivery.
    """

    given_name: str
    surname: str
    personal_code: str
    roles: frozenset[str]
    session_token: str = field(repr=False)
    session_ref: str = ""  # the gateway session's public reference, named in submission envelopes
    offline: OfflineProof | None = None

    def __repr__(self) -> str:  # never let a repr leak into a log line
        return "Citizen(<redacted>)"


@dataclass(frozen=True)
class Guide:
    """Guided mode: a staff member sits beside the citizen. Survives the citizen's wipes (by design:
    the banner says who guides); ends when staff ends it with their card, or after long inactivity."""

    staff_given_name: str
    staff_session_ref: str
    last_activity: float
    idle_timeout_off: bool = False  # a person with a helper is slow, not absent


@dataclass(frozen=True)
class SubmissionView:
    """What the submission port answered (``SubmitAccepted``), kept as is for the result screen."""

    reference: str  # the gateway's reference, or the pending local reference
    short_code: str  # while pending: the local code (wire.local_code) that opens the status once delivered
    status_url: str  # base of the gateway's public status page; links add reference and short code
    pending: bool  # saved in the outbox, not delivered yet


@dataclass(frozen=True)
class PrintView:
    status: str  # "printing" | "printed" | "failed"
    problem: str | None = None


class PinChangeMode(enum.StrEnum):
    CHANGE = "change"  # current PIN1, then the new one twice
    UNBLOCK = "unblock"  # PIN1 blocked: the PUK, then a new PIN1 twice
    UNBLOCK_PIN2 = "unblock_pin2"  # PIN2 blocked while signing: the PUK, then a new PIN2 twice

    @property
    def with_puk(self) -> bool:
        """The first entry is the PUK (an unblock), not the current PIN."""
        return self is not PinChangeMode.CHANGE

    @property
    def pin2(self) -> bool:
        """The new code is PIN2, the signing PIN (5–12 digits, its own pad colour)."""
        return self is PinChangeMode.UNBLOCK_PIN2


class PinStep(enum.StrEnum):
    """One entry of a PIN change; its digits wait in the runtime's PIN buffer in the slot of this name."""

    CURRENT = "current"
    PUK = "puk"
    NEW = "new"
    REPEAT = "repeat"


class PinChangeOutcome(enum.StrEnum):
    CHANGED = "changed"
    UNBLOCKED = "unblocked"
    UNCERTAIN = "uncertain"  # a transport error: nobody knows whether the card took the new PIN1


@dataclass(frozen=True)
class PinChange:
    """A PIN1 change or a PUK unblock (of PIN1 or PIN2) in progress: the step and lengths only.

    The digits of each step wait in the runtime's PIN buffer under the step's name; the flow knows
    how many there were (a repeat of another length is a mismatch without asking anyone).
    """

    mode: PinChangeMode
    step: PinStep | None  # None once the card has answered
    new_length: int = 0
    outcome: PinChangeOutcome | None = None  # on PIN_CHANGED


@dataclass(frozen=True)
class State:
    screen: Screen = Screen.WELCOME
    config: FlowConfig = field(default_factory=FlowConfig)
    language: str = "lv"
    accessibility: Accessibility = field(default_factory=Accessibility)
    now: float = 0.0  # monotonic seconds, from the last Tick
    today: dt.date | None = None  # local date, from the last Tick
    local_now: dt.datetime | None = None  # local wall-clock time, from the last Tick (opening hours)
    card_present: bool = False
    reader_available: bool = True
    problem: str | None = None
    card: CardView | None = None
    pin_length: int = 0
    pin_change: PinChange | None = None
    session: Citizen | None = None
    catalogue: Catalogue | None = None  # public data, survives a wipe
    situation_id: str | None = None
    search_text: str = ""
    service_id: str | None = None
    form: FormState | None = None
    form_errors: Mapping[str, Message] | None = None  # field id -> message, for the current step
    submission: SubmissionView | None = None
    printing: PrintView | None = None
    last_activity: float = 0.0
    idle_warning_seconds: int | None = None
    screen_since: float = 0.0
    help_open: bool = False
    staff_called: bool = False
    guide: Guide | None = None
    health: Mapping[str, Any] | None = None  # device health for the staff panel (counts and codes only)
    staff_task: tuple[str, str] | None = None  # (task name, "running" | "done" | code) for the staff panel
    proxy: ProxySession | None = None  # while staff submit for a citizen (e-asistents)
    reprint: ReprintView | None = None  # while staff look up a receipt by reference
    signing: SignFlow | None = None  # while a citizen signs or checks documents on a USB stick
    call: CallDesk | None = None  # while a citizen calls a specialist (kiosk/flow/call.py)

    def __repr__(self) -> str:
        return f"State(screen={self.screen.value}, language={self.language})"

    @property
    def is_staff(self) -> bool:
        return self.session is not None and bool(self.session.roles & STAFF_ROLES)


def initial_state(config: FlowConfig | None = None, *, out_of_order: str | None = None) -> State:
    cfg = config or FlowConfig()
    state = State(
        config=cfg,
        language=cfg.default_language,
        accessibility=cfg.default_accessibility or Accessibility(),
    )
    if out_of_order:
        state = replace(state, screen=Screen.OUT_OF_ORDER, problem=out_of_order)
    return state


def goto(state: State, screen: Screen, **changes: Any) -> State:  # Any: any of State's fields
    """Show another screen: its timer starts now and the help overlay closes."""
    return replace(state, screen=screen, screen_since=state.now, help_open=False, **changes)


def wiped(state: State, screen: Screen) -> State:
    """A fresh state for the next person: keeps only device facts and public data.

    On the take-card screen the person is still there: their language and display choices (text size,
    contrast, speech) stay until the card is physically out, so "take your card" reaches them in the way
    they chose. Nothing personal is kept; the card's removal resets the choices (:func:`card_out`).
    """
    fresh = initial_state(state.config)
    if screen == Screen.TAKE_CARD:
        fresh = replace(fresh, language=state.language, accessibility=state.accessibility)
    return replace(
        fresh,
        screen=screen,
        now=state.now,
        today=state.today,
        local_now=state.local_now,
        card_present=state.card_present,
        reader_available=state.reader_available,
        catalogue=state.catalogue,
        guide=state.guide,
        last_activity=state.now,
        screen_since=state.now,
    )


def card_out(state: State, screen: Screen) -> State:
    """The card is out: the person has gone, so the language and display choices go too."""
    fresh = initial_state(state.config)
    return replace(state, screen=screen, screen_since=state.now, help_open=False, language=fresh.language,
                   accessibility=fresh.accessibility, staff_called=False)
