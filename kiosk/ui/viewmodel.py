"""What one screen shows, as plain frozen data: texts already translated, buttons with the event each posts.

The presenter builds these from the session state; the Kivy screens only lay them out. Keeping them
as values means a test can check every screen in both languages without a display, and the app can
skip rebuilding a screen whose view did not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kiosk.flow.events import Intent


@dataclass(frozen=True)
class DismissReport:
    """The first-boot report gives way to the kiosk: handled by the app itself, the flow knows nothing
    of first boot."""


Action = Intent | DismissReport
"""What a tap posts: a flow intent (a value from ``kiosk.flow.events``), or the UI's own ``DismissReport``."""


@dataclass(frozen=True)
class Button:
    id: str  # stable widget id the driver and tests use
    text: str
    intent: Action | None = None
    kind: str = "secondary"  # primary | secondary | danger | choice | radio | check
    selected: bool = False
    enabled: bool = True
    pin_digit: str | None = None  # PIN keys call runtime.press_pin_digit instead of posting an intent
    detail: str = ""  # a second, smaller line on a large choice button


class PinKind(Enum):
    """Which code the pad collects: the pad looks different for each (title, colour band)."""

    PIN1 = "pin1"  # signing in, and the current / new PIN1 of a change
    PIN2 = "pin2"  # signing a document
    PUK = "puk"  # unblocking PIN1


@dataclass(frozen=True)
class PinView:
    """The PIN pad's own part of a view: which code is typed, how many digits, the tries left.

    ``tries_text`` and the view's notice are the whole sentences (speech reads them); ``tries_short``
    and ``notice_short`` are what the pad shows when the whole sentence does not fit beside the keys."""

    length: int
    max_length: int
    min_length: int
    tries_text: str
    last_try: bool
    shuffled: bool
    kind: PinKind = PinKind.PIN1
    tries_short: str = ""
    notice_short: str = ""


@dataclass(frozen=True)
class FieldView:
    """One form field: its input kind decides the widget (choice buttons, date picker, keyboard)."""

    id: str
    kind: str  # text | number | phone | digits | address | date | choice | multi_choice | yes_no | consent | locked
    label: str
    hint: str
    value: str
    error: str
    choices: tuple[Button, ...] = ()
    required: bool = False
    max_length: int = 200
    min_date: str = ""  # ISO dates for the date picker
    max_date: str = ""
    parts: tuple[FieldView, ...] = ()  # an address (street, flat, town, postcode) or a date (day, month, year):
    # ids "<field>.<part>"
    today: Button | None = None  # a date's "Today" button


@dataclass(frozen=True)
class ErrorSummary:
    """GOV.UK's error summary at the top of a page: "There is a problem", then each problem."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ReviewRow:
    """One row of check answers: a short key, the answer, and "Change" (not for card data)."""

    label: str
    value: str
    field_id: str
    edit: Button | None


@dataclass(frozen=True)
class Chip:
    """A status in words on a coloured chip (the staff panel: "Papīrs: beidzas"), never a bare "ok"."""

    id: str
    text: str
    tone: str = "neutral"  # ok | warning | error | neutral


@dataclass(frozen=True)
class Overlay:
    id: str  # "idle-warning" | "help" | "staff-called"
    title: str
    lines: tuple[str, ...]
    buttons: tuple[Button, ...]
    speech: str


BULLET = "•  "  # a view line that is a list item: its wrapped lines hang under its first word
DETAIL = "    "  # a view line under the list item above it (a file's fingerprint), aligned with its words


@dataclass(frozen=True)
class CallBanner:
    """A call that goes on while the citizen is on another screen (kiosk/flow/call_share.py): who the call
    is with, whether the screen is shown, and the banner's buttons. ``picture`` is what the specialist
    gets of this screen: "screen", "blank" (card data or a PIN pad) or "" (not shared)."""

    who: str  # "Call with VSAA"
    status: str
    buttons: tuple[Button, ...] = ()
    picture: str = ""
    short_who: str = ""  # "Anna Bērziņa, VSAA" (or "VSAA"): where the whole does not fit a small panel's row
    short_status: str = ""  # "Screen hidden": the banner in place of the header (large text, small panel)
    institution: str = ""  # "VSAA": the shortest who, where even the specialist's name does not fit


@dataclass(frozen=True)
class View:
    screen: str
    language: str
    title: str
    lines: tuple[str, ...] = ()
    notice: str = ""  # a problem to notice first (wrong PIN, printer out of paper): a warning panel
    choices: tuple[Button, ...] = ()  # large buttons in the body
    actions: tuple[Button, ...] = ()  # the bottom bar: back / next / primary action
    speech: str = ""
    tone: str = "normal"  # normal | busy | warning | error | success
    picture: str = ""  # name of a drawn picture: insert_card | take_card | printing (the turning arc) | ""
    tips: tuple[str, ...] = ()
    pin: PinView | None = None
    fields: tuple[FieldView, ...] = ()
    review: tuple[ReviewRow, ...] = ()
    search: str | None = None  # the search text when the catalogue shows a search box
    big_text: str = ""  # the screen's one large text: the reference (result), how speech starts (welcome)
    big_label: str = ""  # what the big text is ("Reference number:")
    qr: str = ""  # payload of the QR code shown on screen
    qr_label: str = ""  # under the QR code: the status-page code, named as on the receipt
    image: bytes = b""  # a PNG shown framed (the signing review: a PDF's first page); never spoken
    image_text: str = ""  # beside it: what the picture is, or in its place why there is none
    overlays: tuple[Overlay, ...] = ()
    toolbar: tuple[Button, ...] = ()  # fixed header buttons: speech, language, help
    help_text: str = ""
    banner: str = ""  # shown in the header on every screen: "Guided by Ilze"
    error_summary: ErrorSummary | None = None  # a question page's or check answers' problems
    chips: tuple[Chip, ...] = ()  # statuses in words (staff panel)
    footnote: str = ""  # small text for staff only: error codes, the software version
    call_banner: CallBanner | None = None  # under the header on every screen while a call goes on elsewhere
    identity: str = ""  # card data in one line, never asked nor changed ("You: Jānis Bērziņš"): the first
    # question, check answers (with the masked personal code); shown, never spoken
    short_title: str = ""  # the title where the screen's room is short (the call's: "Anna Bērziņa, VSAA")

    def texts(self) -> list[str]:
        """Every user-visible text of this view (for completeness and privacy checks)."""
        out = [self.title, self.short_title, self.notice, *self.lines, *self.tips, self.big_label, self.big_text, self.help_text,
               self.banner, *(c.text for c in self.chips), self.footnote, self.qr_label, self.identity, self.image_text]
        if self.call_banner is not None:
            out += [self.call_banner.who, self.call_banner.status, self.call_banner.short_status]
        for b in (*self.choices, *self.actions, *self.toolbar, *(self.call_banner.buttons if self.call_banner else ())):
            out += [b.text, b.detail]
        if self.pin:
            out += [self.pin.tries_text, self.pin.tries_short, self.pin.notice_short]
        if self.error_summary is not None:
            out += [self.error_summary.title, *self.error_summary.items]
        for f in self.fields:
            out += [f.label, f.hint, f.value, f.error, *(c.text for c in f.choices)]
            out += [t for p in f.parts for t in (p.label, p.value, p.error)]
            out += [f.today.text] if f.today else []
        for r in self.review:
            out += [r.label, r.value, r.edit.text if r.edit else ""]
        for o in self.overlays:
            out += [o.title, *o.lines, *(b.text for b in o.buttons)]
        return [t for t in out if t]

    def buttons(self) -> list[Button]:
        out = [*self.toolbar, *self.choices, *self.actions]
        for f in self.fields:
            out += list(f.choices)
            out += [f.today] if f.today else []
        out += [r.edit for r in self.review if r.edit]
        for o in self.overlays:
            out += list(o.buttons)
        return out
