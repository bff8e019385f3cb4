"""The layout audit: every rule on hand-made widget snapshots (no Kivy), and the real audit's counts
held to the committed ratchet (``tests/ui/audit-ratchet.json``).

The ratchet test runs ``python -m devtools.audit`` (the real app under Xvfb, every tour state × 2
languages × 2 text sizes × the 3 reference panels) unless ``PIETURA_UI_AUDIT_REPORT`` names the report
that ``make test`` has just written with ``make ui-audit``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from devtools.audit import rules
from devtools.audit.panel import render_context
from devtools.audit.report import merge, totals
from devtools.audit.rules import Rule, audit, developer_strings
from devtools.audit.snapshot import Box, Kind, RenderContext, WidgetSnapshot
from devtools.panels import REFERENCE_PANELS, parse_panel
from devtools.tour_support import Render, TextSize

REPO = Path(__file__).resolve().parents[2]
RATCHET = Path(__file__).with_name("audit-ratchet.json")
WINDOW = Box(0, 0, 800, 480)
LINE = Box(10, 10, 400, 60)
AUDIT_TIMEOUT_S = 3600  # three panels, about 300 renders each: 5–15 min, longer on a loaded machine


def ctx(citizen: bool = True) -> RenderContext:
    return RenderContext(screen="welcome", panel="800x480@7", size="normal", language="lv", window=WINDOW,
                         min_target_px=48, min_spacing_px=8, min_cap_px=25.2, cap_height_em=0.711,
                         citizen=citizen)


def button(wid: str, x: float, y: float, w: float = 100, h: float = 60, **kw) -> WidgetSnapshot:
    kw.setdefault("text", "Tālāk")
    kw.setdefault("font_size", 40)
    kw.setdefault("texture_size", (w - 24, 40))
    return WidgetSnapshot(id=wid, kind=Kind.BUTTON, box=Box(x, y, w, h), padding_x=12, **kw)


def text(wid: str, words: str, box: Box = LINE, **kw) -> WidgetSnapshot:
    kw.setdefault("font_size", 40)
    kw.setdefault("texture_size", (box.width, box.height))
    return WidgetSnapshot(id=wid, kind=Kind.LABEL, box=box, text=words, **kw)


def ids(check, widgets, context=None) -> list[str]:
    return [wid for wid, _detail in check(widgets, context or ctx())]


# -- the rules, each on widgets that break it and on widgets that do not ----------------------------------
def test_scroll_overflow_is_content_taller_than_its_view() -> None:
    tall = WidgetSnapshot(id="body", kind=Kind.SCROLL, box=Box(0, 60, 800, 300), content=(800, 420))
    fits = WidgetSnapshot(id="fits", kind=Kind.SCROLL, box=Box(0, 60, 800, 300), content=(800, 300.5))
    assert ids(rules.scroll_overflow, [tall, fits]) == ["body"]


def test_text_overflow_text_larger_than_its_box() -> None:
    over = text("over", "Lūdzu, ievietojiet karti", Box(0, 0, 200, 40), texture_size=(200, 90))
    fits = text("fits", "Labdien", Box(0, 100, 200, 40), texture_size=(120, 40))
    assert ids(rules.text_overflow, [over, fits]) == ["over"]


def test_text_overflow_shortened_text_and_broken_words() -> None:
    cut = text("library-name", "Rīgas Centrālā bibliotēka", Box(0, 0, 200, 40), shorten=True,
               natural_width=420, texture_size=(200, 40))
    whole = text("whole", "Rīga", Box(0, 50, 200, 40), shorten=True, natural_width=90, texture_size=(90, 40))
    broken = button("btn-x", 300, 0, 120, 60, text="Apstiprināt", widest_word=180)
    assert ids(rules.text_overflow, [cut, whole, broken]) == ["library-name", "btn-x"]


def test_text_overflow_cut_by_the_scroll_view_edge() -> None:
    view = Box(0, 100, 800, 300)
    half = text("line-5", "Kods", Box(10, 80, 400, 60), clip=view)
    inside = text("line-1", "Kods", Box(10, 200, 400, 60), clip=view)
    away = text("line-9", "Kods", Box(10, -200, 400, 60), clip=view)  # scrolled away: another rule's
    assert ids(rules.text_overflow, [half, inside, away]) == ["line-5"]


def test_overlap_only_between_controls_on_one_layer() -> None:
    a, b = button("a", 0, 0, 100, 60), button("b", 90, 0, 100, 60)
    over_overlay = button("c", 0, 0, 100, 60, layer=1)
    hidden = button("d", 50, 0, 100, 60, visible=False)
    label_under = text("e", "x", Box(0, 0, 100, 60))
    scrolled_under_the_bar = button("f", 0, 10, 100, 60, clip=Box(0, 100, 800, 300))
    found = list(rules.overlap([a, b, over_overlay, hidden, label_under, scrolled_under_the_bar], ctx()))
    assert [(w, d.split()[1]) for w, d in found] == [("a", "b")]


def test_small_target_below_48_dp() -> None:
    assert ids(rules.small_target, [button("small", 0, 0, 100, 40), button("ok", 200, 0, 48, 48)]) == ["small"]


def test_tight_spacing_closer_than_8_dp() -> None:
    a, b, c = button("a", 0, 0), button("b", 104, 0), button("c", 300, 0)
    diagonal = button("d", 212, 68)  # 8 px right of b and 8 px above it: far enough
    half_seen = button("e", 300, 64, clip=Box(0, 100, 800, 300))  # its seen part starts 40 px above c
    assert ids(rules.tight_spacing, [a, b, c, diagonal, half_seen]) == ["a"]


def test_small_text_by_capital_height_including_markup_sizes() -> None:
    big = text("big", "Labdien", font_size=36)  # 36 × 0.711 = 25.6 px ≥ 25.2
    small = text("small", "Labdien", font_size=35)  # 24.9 px
    detail = button("detail", 0, 100, text="Izziņa\n[size=20]par deklarēto adresi[/size]", font_size=40)
    empty = text("empty", "  ", font_size=10)
    assert ids(rules.small_text, [big, small, detail, empty]) == ["small", "detail"]
    large = RenderContext(**{**ctx().__dict__, "size": "large", "min_cap_px": 32.0})
    assert ids(rules.small_text, [big], large) == ["big"]


def test_off_screen_controls_past_the_window_or_scrolled_away() -> None:
    past = button("lang-en", 760, 400, 100, 60)
    inside = button("ok", 600, 400, 100, 60)
    scrolled = button("btn-next", 10, 20, 100, 60, clip=Box(0, 100, 800, 300))
    under_bar = button("field-moved_on-year-plus", 600, 200, 100, 60, clip=Box(0, 100, 800, 300), under_bar=True)
    assert ids(rules.off_screen, [past, inside, scrolled, under_bar]) == [
        "lang-en", "btn-next", "field-moved_on-year-plus"]


def test_developer_strings_on_citizen_screens_only() -> None:
    code = text("line-1", "Kodi tehniķiem: settings_invalid_value")
    note = text("intro", "Šis lauku saraksts ir reālās PMLP veidlapas modelis.")
    fine = text("ok", "Rakstiet uz info@pmlp.gov.lv vai https://www.latvija.lv/e_pakalpojumi [b]Labi[/b]")
    assert ids(rules.developer_string, [code, note, fine]) == ["line-1", "intro"]
    assert ids(rules.developer_string, [code, note], ctx(citizen=False)) == []


def test_codes_the_screen_marks_for_staff_are_not_developer_strings() -> None:
    """The codes under "out of order" are for the technician by design (a ``StaffOnly`` part of the screen);
    the same code elsewhere on the citizen screen is still a finding."""
    staff = replace(text("footnote", "Kodi tehniķim: settings_invalid_value"), for_staff=True)
    citizen = text("line-0", "Kodi tehniķim: settings_invalid_value")
    assert ids(rules.developer_string, [staff, citizen]) == ["line-0"]


@pytest.mark.parametrize(("shown", "found"), [
    ("Sveiki, {name}!", ["placeholder: '{name}'"]),
    ("%(n)d atrasti", ["placeholder: '%(n)d'"]),
    ("card_communication_error", ["snake_case code: 'card_communication_error'"]),
    ("Model of the form", ["model note: 'Model'"]),
    ("None", ["program text: 'None'"]),
    ("Jūsu iesniegums ir nosūtīts: PT-2026-ABCD", []),
])
def test_developer_strings(shown: str, found: list[str]) -> None:
    assert developer_strings(shown) == found


def test_audit_names_rule_render_and_widget() -> None:
    findings = audit([button("tiny", 0, 0, 40, 40, font_size=20)], ctx())
    assert {f.rule for f in findings} == {"small_target", "small_text"}
    assert {(f.screen, f.panel, f.size, f.language, f.widget) for f in findings} == {
        ("welcome", "800x480@7", "normal", "lv", "tiny")}


def test_every_rule_is_run() -> None:
    assert set(rules.RULES) == set(Rule)


def test_rule_figures_come_from_the_panel_geometry() -> None:
    from kiosk.ui.theme import Geometry

    geometry = Geometry(800, 480, 7.0)
    normal = render_context(Render(1, "welcome", "lv", TextSize.NORMAL), parse_panel("800x480@7"), geometry,
                            (800, 480), "welcome")
    large = render_context(Render(1, "welcome", "lv", TextSize.LARGE, help_open=True),
                           parse_panel("800x480@7"), geometry, (800, 480), "staff_panel")
    assert normal.min_cap_px == pytest.approx(4.8 * geometry.px_per_mm) and normal.citizen
    assert large.min_cap_px == pytest.approx(6.1 * geometry.px_per_mm) and not large.citizen
    assert large.screen == "welcome-help" and large.size == "large"
    assert normal.min_target_px == geometry.dp(48) and normal.min_spacing_px == geometry.dp(8)


def test_the_ratchet_only_goes_down() -> None:
    from devtools.audit.ratchet import lowered

    counts = {**{r.value: 5 for r in Rule}, "overlap": 2, "small_text": 9}
    limits = lowered({**{r.value: 5 for r in Rule if r is not Rule.OFF_SCREEN}, "small_text": 7}, counts)
    assert limits["overlap"] == 2 and limits["small_text"] == 7 and limits["off_screen"] == 5


def test_panel_names() -> None:
    assert [parse_panel(p).name for p in REFERENCE_PANELS] == list(REFERENCE_PANELS)
    assert parse_panel("720x1280@7").xvfb_screen == "1280x1280x24"
    with pytest.raises(ValueError):
        parse_panel("800x480")


def test_report_counts_every_rule_and_prints_totals() -> None:
    part = {"panel": "800x480@7", "seconds": 1.0, "renders": [{"label": "01-welcome-lv"}],
            "findings": [{"rule": "small_text"}, {"rule": "small_text"}, {"rule": "overlap"}]}
    report = merge([part])
    assert report["renders"] == 1 and report["panels"] == ["800x480@7"]
    assert report["counts"] == {**{r.value: 0 for r in Rule}, "small_text": 2, "overlap": 1}
    assert totals(report).splitlines()[-1].split() == ["total", "3"]


# -- the real audit, held to the ratchet ------------------------------------------------------------------
@pytest.fixture(scope="module")
def audit_report(tmp_path_factory) -> dict:
    given = os.environ.get("PIETURA_UI_AUDIT_REPORT")
    if given:
        return json.loads(Path(given).read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("ui-audit")
    done = subprocess.run([sys.executable, "-m", "devtools.audit", "--out", str(out), "--jobs", "2"], cwd=REPO,
                          capture_output=True, text=True, timeout=AUDIT_TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.display
@pytest.mark.timeout(AUDIT_TIMEOUT_S)
def test_the_audit_visits_every_state_on_every_panel(audit_report: dict) -> None:
    assert audit_report["panels"] == list(REFERENCE_PANELS)
    lists = audit_report["render_list"]
    assert audit_report["renders"] == sum(len(v) for v in lists.values())
    first = lists[REFERENCE_PANELS[0]]
    assert all(sorted(v) == sorted(first) for v in lists.values())  # the same states on every panel
    from devtools.tour_shots import SHOTS

    shown = {label.split("-", 1)[1] for label in first}
    for name in SHOTS:
        for lang in ("lv", "en"):
            assert f"{name}-{lang}" in shown and f"{name}-{lang}-large" in shown, (name, lang)
    assert sum("-help-" in label for label in first) >= 2 * 20  # the help open on every screen
    assert all(figures["later_pages"] > 0 for figures in audit_report["per_panel"].values())  # pages 2… judged too


@pytest.mark.slow
@pytest.mark.display
@pytest.mark.timeout(AUDIT_TIMEOUT_S)
def test_no_rule_has_more_findings_than_the_ratchet(audit_report: dict) -> None:
    ratchet = json.loads(RATCHET.read_text(encoding="utf-8"))["counts"]
    counts = audit_report["counts"]
    assert set(ratchet) == {r.value for r in Rule}, "every rule needs a line in tests/ui/audit-ratchet.json"
    # A few renders depend on the clock (the idle countdown, the date input's month names): a count may move
    # by a handful between two runs of the same code, never by more than 1 % of a rule's ratchet.
    grown = {rule: (counts[rule], ratchet[rule]) for rule in ratchet
             if counts[rule] > ratchet[rule] + math.ceil(ratchet[rule] / 100)}
    assert not grown, f"findings grew (now, allowed): {grown}; see out/ui-audit/report.json and the contact sheets"
    fallen = {rule: (counts[rule], ratchet[rule]) for rule in ratchet if counts[rule] < ratchet[rule]}
    if fallen:
        warnings.warn(f"UI audit findings fell (now, ratchet): {fallen}. Lower the ratchet with "
                      f"`python -m devtools.audit.ratchet` (it sets these counts in {RATCHET.relative_to(REPO)}) "
                      "and commit it with the change.", stacklevel=1)
