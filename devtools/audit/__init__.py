"""The layout audit (``make ui-audit``): the real app under Xvfb, every screen state of the screenshot
tour × 2 languages × 2 text sizes × the reference panels, checked against the kiosk's layout rules.

- :mod:`devtools.audit.snapshot` — what a rule sees of a widget (pure data, no Kivy);
- :mod:`devtools.audit.rules` — one small pure function per rule over a render's snapshots;
- :mod:`devtools.audit.capture` — walks the real Kivy widget tree into snapshots;
- :mod:`devtools.audit.panel` — one app process for one panel: the tour with an auditing sink;
- :mod:`devtools.audit.report` — ``report.json``, the contact sheets and the printed totals;
- ``python -m devtools.audit`` — runs every panel (one process each) and writes the report.
"""
