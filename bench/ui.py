"""UI figures: cold start to the first frame drawn (the window's first flip: the welcome screen, taking
taps; the kiosk loads the other screens just after it, docs/ui.md *Start*) and steady-state RSS (after
that load), each next to a bare Kivy window measured in the same run; the taps and seconds of the residence-declaration journey driven
by the UI driver; the time to build each screen; card removal to a clean screen.

Goals (printed next to the figures): start ≤1.2× and RSS ≤1.1× the bare window, each screen built in
≤16 ms, wipe ≤1 s. Runs under Xvfb (started here when there is no DISPLAY). Prints numbers only.

``python bench/ui.py --only journey`` (or ``start``, ``wipe``, ``build``) runs one part.

The start is measured with the project's bytecode compiled first, as the image ships it
(``image_build/customize.sh`` runs ``compileall``; the root file system is read-only, so a kiosk never
compiles at start): Kivy's own bytecode is installed with it, and a development shell with
``PYTHONDONTWRITEBYTECODE`` would otherwise charge the kiosk alone for compiling ~100 modules. The
translations are compiled too (``python -m kiosk.i18n compile``), as the image build does.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD_COMMON = r"""
import os, sys, time, json
sys.path.insert(0, {repo!r})
T0 = float(os.environ["BENCH_T0"])
def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
from kivy.clock import Clock
result = {{}}
def first_frame(app):
    result["start_s"] = time.time() - T0
    cpu = os.times()
    result["cpu_s"] = cpu.user + cpu.system  # the process's own CPU time: steady on a loaded machine
    result["modules_first"] = sorted(m for m in sys.modules if m.startswith("kiosk."))  # what the first frame waited for
    Clock.schedule_once(lambda dt: steady(app), 2.0)
def on_first_frame(app):
    # the first frame drawn (the window's first flip): laid out, its texts rendered, drawn; a callback
    # scheduled from build() would run before any of that, early in the same pass of the loop
    from kivy.core.window import Window
    def flipped(*_a):
        Window.unbind(on_flip=flipped)
        first_frame(app)
    Window.bind(on_flip=flipped)
def steady(app):
    result["rss_kib"] = rss_kib()
    result["modules_steady"] = sum(m.startswith("kiosk.") for m in sys.modules)
    print("BENCH " + json.dumps(result), flush=True)
    app.stop()
"""

BARE = CHILD_COMMON + r"""
from kivy.config import Config
Config.set("graphics", "width", "800"); Config.set("graphics", "height", "480")
from kivy.app import App
from kivy.uix.label import Label
class Bare(App):
    def build(self):
        on_first_frame(self)
        return Label(text="Pietura")
Bare().run()
"""

KIOSK = CHILD_COMMON + r"""
from dataclasses import replace
from kiosk.flow.state import initial_state
from kiosk.runtime.controller import Runtime
from kiosk.settings import Settings, DisplaySettings
from kiosk.ui.app import KioskApp
settings = Settings(display=DisplaySettings(width=800, height=480, diagonal_inch=7.0, fullscreen=False))
app = KioskApp(Runtime(initial_state()), settings, speech=None)
orig_build = app.build
def build():
    root = orig_build()
    on_first_frame(app)
    return root
app.build = build
app.run()
"""


def run_child(code: str) -> dict:
    script = Path(tempfile.mkdtemp(prefix="pietura-bench-")) / "child.py"  # Kivy apps need a source file
    script.write_text(code, encoding="utf-8")
    env = dict(os.environ, BENCH_T0=repr(time.time()), KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1")
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"child failed: {out.stderr[-2000:]}")


def start_and_memory(rounds: int = 3) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "kiosk", "drivers", "wire"], cwd=REPO, check=True,
                   timeout=300)  # timestamp-checked bytecode, so an edited source is compiled again
    subprocess.run([sys.executable, "-m", "kiosk.i18n", "compile"], cwd=REPO, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)  # the merged translations, as the image ships them
    bare, kiosk = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine load
        bare.append(run_child(BARE.format(repo=str(REPO))))
        kiosk.append(run_child(KIOSK.format(repo=str(REPO))))
    b_start = statistics.median(r["start_s"] for r in bare)
    k_start = statistics.median(r["start_s"] for r in kiosk)
    b_cpu = statistics.median(r["cpu_s"] for r in bare)
    k_cpu = statistics.median(r["cpu_s"] for r in kiosk)
    b_rss = statistics.median(r["rss_kib"] for r in bare) / 1024
    k_rss = statistics.median(r["rss_kib"] for r in kiosk) / 1024
    print(f"cold start to first frame: bare Kivy {b_start:.2f} s, kiosk welcome {k_start:.2f} s, "
          f"ratio {k_start / b_start:.2f} (goal ≤1.2)")
    print(f"CPU time to first frame: bare Kivy {b_cpu:.2f} s, kiosk welcome {k_cpu:.2f} s, ratio {k_cpu / b_cpu:.2f} "
          "(the same start without the waits a loaded machine adds)")
    print(f"steady RSS: bare Kivy {b_rss:.1f} MiB, kiosk {k_rss:.1f} MiB, ratio {k_rss / b_rss:.2f} (goal ≤1.1)")
    first = kiosk[-1]["modules_first"]
    print(f"kiosk modules imported before the first frame: {len(first)} (after the rest has loaded: "
          f"{kiosk[-1]['modules_steady']}); of the flow: {' '.join(m[11:] for m in first if m.startswith('kiosk.flow.'))}")


def screen_build_times() -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    from dataclasses import replace

    from devtools.ui_driver import Driver
    from kiosk.ui.app import KioskApp
    from tests.unit.ui import states as S

    class StaticRuntime:
        def __init__(self, state):
            self.state = state

        def subscribe(self, _cb):
            pass

        def on_effect(self, _cb):
            pass

        def tick(self):
            pass

        def post(self, _event):
            pass

        def pump(self):
            return 0

        def press_pin_digit(self, _d):
            pass

    from kiosk.settings import DisplaySettings, Settings

    settings = Settings(display=DisplaySettings(width=800, height=480, diagonal_inch=7.0, fullscreen=False))
    every = S.every_screen(S.catalogue())
    app = KioskApp(StaticRuntime(every["welcome"]), settings, speech=None)
    driver = Driver.start(app)
    print("screen build time (median of 15, ms; goal ≤16): wall clock, and the UI thread's CPU time, which a "
          "loaded machine does not inflate")
    worst = worst_cpu = 0.0
    for name, state in every.items():
        times, cpu = [], []
        for i in range(15):
            app.view = None  # force a full rebuild
            app.state = None
            other = replace(state, language="en" if i % 2 else "lv")
            t, c = time.perf_counter(), time.thread_time()
            app.render(other)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            driver.step()
        med, med_cpu = statistics.median(times), statistics.median(cpu)
        worst, worst_cpu = max(worst, med), max(worst_cpu, med_cpu)
        print(f"  {name:30s} {med:6.1f} {med_cpu:6.1f}")
    print(f"  slowest screen {worst:.1f} ms wall, {worst_cpu:.1f} ms CPU")
    driver.stop()


def wipe_time() -> None:
    """Card pulled mid-form on the emulated stack: removal → clean welcome drawn (separate process)."""
    code = r"""
import os, sys, time, tempfile, dataclasses
sys.path.insert(0, os.environ["BENCH_REPO"])
from pathlib import Path
from kiosk import bootstrap
from kiosk.settings import load_settings
from kiosk.ui.app import KioskApp
from devtools.ui_driver import Driver
s = load_settings(os.environ["BENCH_CONFIG"])
s = dataclasses.replace(s, display=dataclasses.replace(s.display, width=800, height=480, diagonal_inch=7.0))
k = bootstrap.build(s, workdir=Path(tempfile.mkdtemp())); k.start()
app = KioskApp(k.runtime, s, speech=None); d = Driver.start(app)
d.wait_until(lambda: k.runtime.state.catalogue is not None, 30)
times = []
for _ in range(5):
    k.emulation.insert(); d.wait_for_screen("pin")
    for c in "1234": d.tap("pin-" + c)
    d.tap("pin-ok"); d.wait_for_screen("catalogue")
    d.tap("situation-moving"); d.tap("service-residence-declaration"); d.tap("btn-start"); d.wait_for_screen("form")
    t = time.perf_counter(); k.emulation.remove(); d.wait_for_screen("welcome", 10)
    times.append(time.perf_counter() - t)
print("BENCH", min(times), max(times))
d.stop(); k.close()
"""
    env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", BENCH_REPO=str(REPO),
               BENCH_CONFIG=str(REPO / "config" / "demo.toml"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        print(f"wipe: failed ({out.stderr[-500:]})")
        return
    lo, hi = (float(v) for v in line.split()[1:])
    print(f"card removed mid-form → clean welcome drawn: {lo * 1000:.0f}–{hi * 1000:.0f} ms over 5 runs (goal ≤1000)")


JOURNEY = r"""
import os, sys, time, tempfile, dataclasses, json
sys.path.insert(0, os.environ["BENCH_REPO"])
from pathlib import Path
from kiosk import bootstrap
from kiosk.settings import load_settings
from kiosk.ui.app import KioskApp
from kiosk.ui.paging import Pager
from devtools.ui_driver import Driver
from tests.ui import journeys

# Every touch a person makes: the driver's taps (each key of the on-screen keyboard is one) and each
# page the driver turns to reach a widget on another page (a tap on "Next page" for a person).
count = {"taps": 0, "pages": 0}
tap, show_page = Driver.tap, Pager.show_page
def counted_tap(self, wid, *a, **kw):
    count["taps"] += 1
    return tap(self, wid, *a, **kw)
def counted_show_page(self, page):
    before = self.page
    show_page(self, page)
    count["pages"] += abs(int(self.page) - int(before))
Driver.tap, Pager.show_page = counted_tap, counted_show_page

s = load_settings(os.environ["BENCH_CONFIG"])
s = dataclasses.replace(s, display=dataclasses.replace(s.display, panel=os.environ["BENCH_PANEL"], fullscreen=False))
k = bootstrap.build(s, workdir=Path(tempfile.mkdtemp())); k.start()
app = KioskApp(k.runtime, s, speech=None); d = Driver.start(app)
d.wait_until(lambda: k.runtime.state.catalogue is not None, 30)
class UI:
    kiosk, driver = k, d
t = time.perf_counter()
journeys.sign_in(UI)
journeys.fill_residence_form(UI)
journeys.submit(UI)
d.wait_until(lambda: k.runtime.state.printing is not None and k.runtime.state.printing.status != "printing", 30)
d.tap("btn-finish"); d.wait_for_screen("take_card")
seconds = time.perf_counter() - t
print("BENCH " + json.dumps({**count, "seconds": seconds}), flush=True)
k.emulation.remove(); d.wait_for_screen("welcome", 10)
d.stop(); k.close()
"""

JOURNEY_PANELS = ("7in-800x480", "10in-1280x800", "7in-720x1280")


def journey() -> None:
    """Residence declaration from card in to "take your card", as the UI driver does it: taps and seconds.

    The seconds are the driver's (no reading or thinking time): they show what the kiosk itself adds."""
    print("residence declaration by the UI driver (card in → take card; taps incl. keyboard keys and page turns):")
    for panel in JOURNEY_PANELS:
        env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", BENCH_REPO=str(REPO), BENCH_PANEL=panel,
                   BENCH_CONFIG=str(REPO / "config" / "demo.toml"))
        out = subprocess.run([sys.executable, "-c", JOURNEY], env=env, capture_output=True, text=True, timeout=600)
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
        if line is None:
            print(f"  {panel}: failed ({out.stderr[-800:]})")
            continue
        r = json.loads(line[6:])
        print(f"  {panel:14s} {r['taps'] + r['pages']:4d} taps ({r['taps']} on widgets, {r['pages']} page turns), "
              f"{r['seconds']:.1f} s")


PARTS = {"start": lambda: start_and_memory(), "journey": journey, "wipe": wipe_time, "build": screen_build_times}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from devtools.xvfb import display_available

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append", help="run only this part (repeatable)")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-bench-kivy-"))
    with display_available():
        for name in args.only or ["start", "journey", "wipe", "build"]:
            PARTS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
