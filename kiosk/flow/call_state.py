"""What the session keeps about a video call with a specialist (kiosk/flow/call.py): the kiosk's call
settings (institutions, topics, opening hours) and the call in progress. Views only: never media, never
the phone number beyond the callback screen, the citizen's name and code never (they are read from the
session only when the citizen consented, for the one effect that sends them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kiosk.call.flow import CallState

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CODE_RE = re.compile(r"^[A-Z0-9_-]{2,16}$")
TIMES_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
GENERAL_TOPICS = ("question", "form_help")  # topics offered when the call does not start from a service


@dataclass(frozen=True)
class OpeningHours:
    """One line of ``calls.hours``: an institution answers calls on these weekdays between these times."""

    institution: str
    days: frozenset[int]  # Monday = 0
    start: dt.time
    end: dt.time

    def covers(self, when: dt.datetime) -> bool:
        return when.weekday() in self.days and self.start <= when.time() < self.end


def parse_hours(line: str) -> OpeningHours:
    """``"VSAA mon-thu 08:30-17:00"`` (one weekday or a range, local time); ValueError when not like that."""
    parts = line.split()
    if len(parts) != 3 or not CODE_RE.match(parts[0]):
        raise ValueError(f"not 'CODE mon-fri 08:30-17:00': {line!r}")
    code, days, times = parts
    first, _, last = days.lower().partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise ValueError(f"weekdays are mon … sun: {line!r}")
    start_day, end_day = DAYS.index(first), DAYS.index(last or first)
    match = TIMES_RE.match(times)
    if match is None or end_day < start_day:
        raise ValueError(f"not 'CODE mon-fri 08:30-17:00': {line!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError(f"not a time of day: {line!r}")
    start = dt.time(h1, m1)
    end = dt.time.max if (h2, m2) == (24, 0) else dt.time(min(h2, 23), m2)
    if end <= start:
        raise ValueError(f"the end must come after the start: {line!r}")
    return OpeningHours(code, frozenset(range(start_day, end_day + 1)), start, end)


@dataclass(frozen=True)
class CallConfig:
    """The ``[calls]`` settings the flow needs: which institutions can be called, the general topics, and
    when each institution answers (an institution without hours lines answers whenever the kiosk is open)."""

    institutions: tuple[str, ...]
    topics: tuple[str, ...] = GENERAL_TOPICS
    hours: tuple[OpeningHours, ...] = ()
    service_institutions: tuple[tuple[str, str], ...] = ()  # (service id, institution code) pairs

    def open_at(self, institution: str, when: dt.datetime | None) -> bool:
        lines = [h for h in self.hours if h.institution == institution]
        if not lines or when is None:  # no hours given, or the time is not known yet: let the gateway decide
            return True
        return any(h.covers(when) for h in lines)

    def institution_for(self, service_id: str | None, institution_name: str = "") -> str:
        """The institution a service belongs to: from ``calls.services``, else the code the service's
        institution name ends with ("… (VSAA)"); "" when none of the kiosk's institutions fits."""
        for sid, code in self.service_institutions:
            if sid == service_id and code in self.institutions:
                return code
        for code in self.institutions:
            if institution_name.rstrip().endswith(f"({code})"):
                return code
        return ""


@dataclass(frozen=True)
class CallDesk:
    """A call from the kiosk, from choosing the institution to the last screen.

    ``back_to`` is the screen the citizen came from (the catalogue, a service's intro or a form page):
    they return there, answers intact, when the call ends. ``call`` is the call's own state machine
    (kiosk.call.flow); before the citizen starts it, its phase is IDLE and this is the choice screen.
    """

    back_to: str  # a Screen value
    institution: str = ""
    topic: str = ""
    picked: bool = False  # the institution was chosen on the call's own screen (not given by the service)
    share_identity: bool = False  # the separate choice on the consent screen
    call: CallState = field(default_factory=CallState)
    phone: str = field(default="", repr=False)  # as typed on the callback screen
    print_status: str = ""  # "" | printing | printed | failed
    print_problem: str = ""
