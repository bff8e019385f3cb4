"""What the fleet page makes of kiosk text and numbers (pure: no server)."""

from __future__ import annotations

import math
import sys
import unicodedata

import pytest

from gateway.fleet import _clock
from gateway.fleet_page import visible


def test_every_control_format_and_separator_character_is_shown_as_its_code_point():
    hidden = [chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs", "Zl", "Zp")]
    assert len(hidden) > 2000  # C0, DEL, C1, bidi and other format characters, surrogates, separators
    for ch in hidden:
        shown = visible(f"a{ch}b")
        assert shown == f"aU+{ord(ch):04X}b", repr(ch)
        shown.encode("utf-8")  # a lone surrogate would not survive writing the page


@pytest.mark.parametrize("text,shown", [
    ("Rīgas Centrālā bibliotēka", "Rīgas Centrālā bibliotēka"),  # Latvian letters stay as they are
    ("<b>kiosk</b> & \"1\"", "&lt;b&gt;kiosk&lt;/b&gt; &amp; &quot;1&quot;"),
    ("exe.\u202egnp", "exe.U+202Egnp"), ("\x1b[2J", "U+001B[2J"), ("a\x00b", "aU+0000b"), (7, "7"),
])
def test_visible(text, shown):
    assert visible(text) == shown


@pytest.mark.parametrize("clock", [math.nan, math.inf, -math.inf])
def test_a_non_finite_clock_is_not_read_as_a_time(clock):
    assert _clock({"clock_s": clock}, 1_800_000_000_000) == []


def test_a_finite_clock_still_counts():
    assert [p.code for p in _clock({"clock_s": 1_800_000_400.5}, 1_800_000_000_000)] == ["clock_skew"]
