"""The call banner above a screen while the citizen shows it during a call, on the three reference panels, in
both languages and both text sizes, as the app builds it (header and banner, or the banner in the header's
place): while the call goes on the other language, Help and the way back to the call are always there —
one language button, never two —, nothing breaks a layout rule, and a landscape screen keeps the room its page buttons need.

Each panel runs in its own process (tests/ui/call_banner_probe.py): Kivy has one window per process.
"""

from __future__ import annotations

import pytest

from tests.ui.probe_window import PANELS, run_probes

pytestmark = [pytest.mark.display, pytest.mark.slow]


@pytest.fixture(scope="module")
def probes(display, tmp_path_factory) -> dict[str, list[dict]]:
    found = run_probes("tests.ui.call_banner_probe", tmp_path_factory.mktemp("call-banner"))
    return {panel: result["builds"] for panel, result in found.items()}


@pytest.mark.parametrize("panel", PANELS)
def test_one_language_button_help_and_the_way_back_on_every_banner(probes, panel):
    builds = probes[panel]
    assert len(builds) >= 5 * 2 * 2  # five banner states, two languages, two text sizes
    for b in builds:
        where = (b["state"], b["language"], b["size"], b["side_nav"])
        other = "lang-en" if b["language"] == "lv" else "lang-lv"
        languages = [w for w in b["buttons"] if w.startswith("lang-")]
        if b["state"] == "ended":  # the call is over: its words before the language ("OK" brings the header back)
            assert b["words"] and languages in ([], [other]), where
        else:
            assert languages == [other], where
        assert "btn-help" in b["buttons"], where
        back = "btn-close-call-banner" if b["state"] == "ended" else "btn-back-to-call"
        assert back in b["buttons"], where
        if b["state"] == "staff-called":
            assert "btn-cancel-staff-call" in b["buttons"], where
        if not b["in_place"]:  # under the header: the header's speech and text size too, and the banner's words
            assert {"btn-speech", "btn-text-size"} <= set(b["buttons"]) and b["words"], where


@pytest.mark.parametrize("panel", PANELS)
def test_the_banner_passes_every_layout_rule(probes, panel):
    assert [f for b in probes[panel] for f in b["findings"]] == []


def test_large_text_on_the_small_panels_puts_the_banner_in_the_header_place_where_it_must(probes):
    small = [b for b in probes["800x480@7"] if b["size"] == "large"]
    assert small and all(b["in_place"] for b in small)
    # one row, so that the screen keeps the room its page buttons beside the page need (the strip ≤ a third)
    assert all(b["room"] >= 480 * 2 / 3 for b in small if b["state"] != "staff-called")
    portrait = [b for b in probes["720x1280@7"] if b["size"] == "large"]
    assert all("btn-text-size" in b["buttons"] for b in portrait)  # the way back from large text, too
    words = {b["words"] for b in probes["720x1280@7"] if b["state"] == "shown"}
    assert all(words) and any("Anna Bērziņa" in w or "VSAA" in w for w in words)
