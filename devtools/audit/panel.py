"""One panel's audit in one process (Kivy's window size is fixed per process).

``python -m devtools.audit.panel --panel 800x480@7 --out DIR`` starts its own Xvfb (large enough for
the panel), the emulated kiosk and the real app, runs the screenshot tour with an :class:`Auditor` as
its sink — every shot in both text sizes, the help opened once on every screen, every page of a paged
screen — and writes
``DIR/part.json`` (the renders and findings) and ``DIR/renders/*.png`` (for the contact sheet).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from devtools.audit.capture import PAGE_PART, snapshot_tree
from devtools.audit.rules import audit
from devtools.audit.snapshot import Box, Finding, RenderContext
from devtools.panels import Panel, parse_panel
from devtools.tour_support import Render, TextSize

NORMAL_CAP_MM = 4.8  # ADA 707.7.2: a capital I at least 3/16 in
LARGE_CAP_MM = 6.1  # EN 301 549 5.1.4: 0.7° at 50 cm
# Screens only the librarian sees: codes and settings names may be shown there.
STAFF_SCREENS = frozenset({"staff_panel", "staff_reprint", "proxy_authorisation", "provisioning_report"})


def render_context(render: Render, panel: Panel, geometry: Any, window: tuple[float, float],
                   rendered_screen: str) -> RenderContext:
    """The rule figures for one render, in this panel's pixels (``geometry``: kiosk.ui.theme.Geometry)."""
    from kiosk.ui.theme import CAP_HEIGHT_EM, MIN_TARGET_DP, TARGET_SPACING_DP

    cap_mm = LARGE_CAP_MM if render.size is TextSize.LARGE else NORMAL_CAP_MM
    return RenderContext(
        screen=render.name + ("-help" if render.help_open else ""), panel=panel.name, size=render.size.value,
        language=render.language, window=Box(0, 0, *window), min_target_px=geometry.dp(MIN_TARGET_DP),
        min_spacing_px=geometry.dp(TARGET_SPACING_DP), min_cap_px=cap_mm * geometry.px_per_mm,
        cap_height_em=CAP_HEIGHT_EM, citizen=rendered_screen not in STAFF_SCREENS)


class Auditor:
    """The tour's sink: snapshots the widget tree, runs every rule, keeps a picture of the render."""

    def __init__(self, panel: Panel, out_dir: Path):
        self.panel = panel
        self.pictures = out_dir / "renders"
        self.renders: list[dict[str, Any]] = []
        self.findings: list[Finding] = []
        self.seconds = {"checking": 0.0, "pictures": 0.0, "pages": 0.0}  # of the panel's time: the audit's own share

    def __call__(self, driver: Any, render: Render) -> None:
        from kivy.core.window import Window

        app = driver.app
        if tuple(Window.size) != (self.panel.width, self.panel.height):
            raise RuntimeError(f"the window is {Window.size}, not the panel {self.panel.name}")
        ctx = render_context(render, self.panel, app.ui.geometry, tuple(Window.size), app.rendered_screen)
        started = time.perf_counter()
        found = audit(snapshot_tree(app.root), ctx)
        checked = time.perf_counter()
        self.findings += found
        picture = driver.screenshot(self.pictures / f"{render.label}.png")
        pictured = time.perf_counter()
        later, pages = self._later_pages(driver, ctx)
        self.findings += later
        self.seconds["checking"] += checked - started
        self.seconds["pictures"] += pictured - checked
        self.seconds["pages"] += time.perf_counter() - pictured
        self.renders.append({"label": render.label, "screen": ctx.screen, "view": app.rendered_screen,
                             "language": ctx.language, "size": ctx.size, "findings": len(found) + len(later),
                             "later_pages": pages,
                             "picture": str(picture.relative_to(self.pictures.parent))})


    @staticmethod
    def _later_pages(driver: Any, ctx: RenderContext) -> tuple[list[Finding], int]:
        """Every other page of each paged column in sight, turned to, judged by the same rules (no picture),
        then the page the render shows again: a control or a text on page 3 is held to the rules too."""
        from kiosk.ui.paging import Pager

        root = driver.app.root
        found: list[Finding] = []
        judged = 0
        for pager in [w for w in root.walk(restrict=True) if isinstance(w, Pager) and w.page_count > 1]:
            shown = pager.page
            for page in range(pager.page_count):
                if page != shown:
                    pager.show_page(page)
                    driver.step()  # the page's parts laid out and drawn
                    seen = audit(snapshot_tree(root), replace(ctx, screen=f"{ctx.screen} (page {page + 1})"))
                    found += [f for f in seen if not f.widget.endswith(PAGE_PART)]  # the render's own audit has them
                    judged += 1
            pager.show_page(shown)  # laid out with the tour's next frame
        return found, judged


def run_panel(panel: Panel, out_dir: Path, config: str, parts: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The whole tour on one panel; returns (and writes to ``out_dir/part.json``) its renders and findings."""
    from devtools import tour
    from devtools.tour_shots import PARTS
    from devtools.xvfb import virtual_display

    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    auditor = Auditor(panel, out_dir)
    with virtual_display(panel.xvfb_screen), tour.emulated_kiosk(config, panel.name) as kiosk:
        tour.run_tour(kiosk, auditor, parts=parts or PARTS, sizes=(TextSize.NORMAL, TextSize.LARGE),
                      help_everywhere=True)
    part = {"panel": panel.name, "seconds": round(time.monotonic() - started, 1),
            "spent": {k: round(v, 1) for k, v in auditor.seconds.items()}, "renders": auditor.renders,
            "findings": [f.as_dict() for f in auditor.findings]}
    (out_dir / "part.json").write_text(json.dumps(part, ensure_ascii=False, indent=1), encoding="utf-8")
    return part


def main(argv: list[str] | None = None) -> int:
    from kiosk.paths import config_dir

    parser = argparse.ArgumentParser(prog="python -m devtools.audit.panel", description=__doc__.splitlines()[0])
    parser.add_argument("--panel", required=True, help="WIDTHxHEIGHT@INCH, e.g. 800x480@7")
    parser.add_argument("--out", required=True, help="folder for part.json and the render pictures")
    parser.add_argument("--config", default=str(config_dir() / "demo.toml"))
    parser.add_argument("--part", action="append", dest="parts", help="only this part of the tour (repeatable)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the Xvfb and the kiosk are stopped
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-kivy-"))
    os.environ.pop("DISPLAY", None)  # always a fresh Xvfb the panel fits on
    part = run_panel(parse_panel(args.panel), Path(args.out), args.config, tuple(args.parts) if args.parts else None)
    pages = sum(r["later_pages"] for r in part["renders"])
    print(f"{part['panel']}: {len(part['renders'])} renders and {pages} later pages, {len(part['findings'])} findings, "
          f"{part['seconds']} s ({', '.join(f'{what} {s} s' for what, s in part['spent'].items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
