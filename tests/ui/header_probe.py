"""Build the real header of every screen state on one panel (Kivy has one window per process) and judge it
with the layout audit's own rules.

    python -m tests.ui.header_probe 800x480@7      (needs DISPLAY; prints one JSON object)

For every screen of ``tests.unit.ui.states.every_screen`` — plus the staff chip with a guided banner — in
both languages and both text sizes, the header the app builds (``kiosk.ui.header.header``) is laid out in a
window of the panel's size; the audit's snapshot of its widget tree is checked by every rule
(``devtools.audit.rules``), and the header is built a second time to compare the boxes (the same view on
the same panel must give the same pixels). Printed: the findings, the header heights and the
differences between the two builds.
"""

from __future__ import annotations

import dataclasses
import json
import sys

from tests.ui.probe_window import open_window


def main() -> int:
    window = open_window(sys.argv[1])
    panel, geometry, root = window.panel, window.geometry, window.root
    from kivy.uix.widget import Widget

    from devtools.audit.capture import snapshot_tree
    from devtools.audit.panel import render_context
    from devtools.audit.rules import audit
    from devtools.tour_support import Render, TextSize
    from kiosk.flow import events as ev
    from kiosk.flow.machine import step
    from kiosk.i18n import Translator
    from kiosk.ui.header import Identity, header
    from kiosk.ui.presenter import present
    from kiosk.ui.theme import PALETTES, sizes_for
    from kiosk.ui.widgets import Style
    from tests.unit.ui import states as S

    cat = S.catalogue()
    views = dict(S.every_screen(cat))
    called, _effects = step(S.signed_in(cat), ev.CallStaff())
    views["catalogue-staff-called-guided"] = called
    names = {"lv": "Valsts pārvaldes pakalpojumi", "en": "State administration services"}
    banners = {"lv": "Palīdz darbinieks: Ilze Bērziņa (vada sesiju)", "en": "Guided by staff: Ilze Bērziņa"}
    result: dict = {"findings": [], "heights": {}, "unstable": []}

    def build(view, style, identity) -> list[tuple[str, tuple[int, int, int, int]]]:
        root.clear_widgets()
        head = header(view, style, identity, lambda _action: None, width=panel.width)
        root.add_widget(head)
        root.add_widget(Widget())
        window.frames()
        return [(getattr(w, "wid", ""), tuple(round(v) for v in (*w.to_window(w.x, w.y), w.width, w.height)))
                for w in head.walk(restrict=True) if getattr(w, "wid", "")]

    for name, state in views.items():
        for language in ("lv", "en"):
            for size in (TextSize.NORMAL, TextSize.LARGE):
                large = size is TextSize.LARGE
                acc = dataclasses.replace(state.accessibility, large_text=large)
                view = present(dataclasses.replace(state, accessibility=acc), Translator(language))
                if name.endswith("-guided"):
                    view = dataclasses.replace(view, banner=banners[language])
                style = Style(PALETTES["normal"], sizes_for(geometry, large))
                identity = Identity(names[language], "", "Rīgas Centrālā bibliotēka (demo)")
                first = build(view, style, identity)
                render = Render(0, name, language, size)
                ctx = render_context(render, panel, geometry, (panel.width, panel.height), view.screen)
                for finding in audit(snapshot_tree(root), ctx):
                    result["findings"].append(finding.as_dict())
                result["heights"][f"{name}-{language}-{size.value}"] = round(root.children[-1].height)
                if build(view, style, identity) != first:
                    result["unstable"].append(f"{name}-{language}-{size.value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
