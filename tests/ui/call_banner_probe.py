"""Build what stands above a screen while a video call goes on away from the call screen (the header and the
call banner, or the banner in the header's place) on one panel, as the app builds it, and judge it.

    python -m tests.ui.call_banner_probe 800x480@7      (needs DISPLAY; prints one JSON object)

For the banner's states — the screen shown (a service's intro), hidden (a form's first page with card data),
not shown (showing stopped), the call ended meanwhile, and staff called — in both languages and both text
sizes, ``kiosk.ui.call_banner.top`` is laid out in a window of the panel's size above an empty screen, with
a landscape screen's page buttons beside the page and without. Printed per build: the ids of the buttons
above the screen, the banner's words, whether the banner took the header's place, the room left for the screen, and the layout
audit's findings on those widgets.
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
    from kiosk.call import flow as cf
    from kiosk.flow import call_events as cev
    from kiosk.flow import events as ev
    from kiosk.i18n import Translator
    from kiosk.ui.call_banner import top
    from kiosk.ui.header import Identity, header
    from kiosk.ui.presenter import present
    from kiosk.ui.theme import PALETTES, sizes_for
    from kiosk.ui.widgets import Style
    from tests.unit.call.test_call_session import in_call
    from tests.unit.flow.support import run
    from tests.unit.ui import states as S
    from wire.call import CallOutcome

    cat = S.catalogue()
    shown = run(in_call(cat), cev.ShowMyScreen())[0]
    hidden = run(shown, ev.StartForm())[0]
    states = {
        "shown": shown,
        "hidden": hidden,
        "stopped": run(hidden, cev.StopShowing())[0],
        "ended": run(hidden, cev.CallNews(cf.RemoteEnded(CallOutcome.RESOLVED)))[0],
        "staff-called": run(hidden, ev.Help(True), ev.CallStaff(), ev.Help(False))[0],
    }
    names = {"lv": "Valsts pārvaldes pakalpojumi", "en": "State administration services"}
    result: dict = {"builds": []}

    for name, state in states.items():
        for language in ("lv", "en"):
            for size in (TextSize.NORMAL, TextSize.LARGE):
                large = size is TextSize.LARGE
                acc = dataclasses.replace(state.accessibility, large_text=large)
                view = present(dataclasses.replace(state, accessibility=acc), Translator(language))
                assert view.call_banner is not None, name
                style = Style(PALETTES["normal"], sizes_for(geometry, large))
                for side_nav in (False, True) if panel.width > panel.height else (False,):
                    root.clear_widgets()
                    head = header(view, style, Identity(names[language]), lambda _action: None, strip=False)
                    parts = top(head, view, style, lambda _action: None, side_nav)
                    for part in parts:
                        root.add_widget(part)
                    head.show_identity()
                    root.add_widget(Widget())  # the screen
                    window.frames()
                    render = Render(0, f"call-banner-{name}", language, size)
                    ctx = render_context(render, panel, geometry, (panel.width, panel.height), view.screen)
                    result["builds"].append({
                        "state": name, "language": language, "size": size.value, "side_nav": side_nav,
                        "in_place": head not in parts,
                        "buttons": sorted(getattr(w, "wid", "") for part in parts for w in part.walk(restrict=True)
                                          if w.__class__.__name__.endswith("Button") and getattr(w, "wid", "")),
                        "words": next((w.text for part in parts for w in part.walk(restrict=True)
                                       if getattr(w, "wid", "") == "call-banner-status"), ""),
                        "room": round(panel.height - sum(p.height for p in parts)),
                        "findings": [f.as_dict() for f in audit(snapshot_tree(root), ctx)],
                    })
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
