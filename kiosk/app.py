"""Entry point: load settings → bootstrap → run the UI.

``kiosk [--config FILE]`` runs the touchscreen app; ``kiosk outbox run`` runs only the delivery
worker (its own systemd service, so queued submissions keep flowing if the UI crashes).
A broken settings file, or parts that cannot be set up (a kiosk not enrolled yet has no device key),
do not stop the app: it starts into the out-of-order screen showing only error codes, and the details
go to the log — a crash loop would make systemd reboot the kiosk.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kiosk.logsetup import configure_logging
from kiosk.logsetup import event as log_event
from kiosk.paths import DEFAULT_CONFIG
from kiosk.provisioning.sdnotify import Notifier

# Exit status of a deliberate exit ("leave to maintenance", technician role): the unit lists it in
# RestartPreventExitStatus= and SuccessExitStatus=, so systemd neither restarts nor counts a failure.
MAINTENANCE_EXIT_CODE = 75
log = logging.getLogger("kiosk.app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Pietura self-service eID kiosk. Without a command it runs the touchscreen app.",
    )
    parser.add_argument("--config", default=os.environ.get("PIETURA_CONFIG", DEFAULT_CONFIG),
                        help=f"kiosk.toml to use (default: $PIETURA_CONFIG or {DEFAULT_CONFIG})")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    sub = parser.add_subparsers(dest="command")
    outbox = sub.add_parser("outbox", help="the submission outbox")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_sub.add_parser("run", help="deliver queued submissions until stopped")
    outbox_sub.add_parser("status", help="print queue depth and the age of the oldest item")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
    notifier = Notifier.from_environ(os.environ, os.getpid())
    if not args.command:  # the app: more start-up time while settings, parts and Kivy load, until READY
        notifier.extend_until_ready()
    from kiosk import bootstrap
    from kiosk.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        for issue in exc.issues:  # key paths and codes only; values may be secrets
            log_event(log, "settings_problem", logging.ERROR, code=issue.code, path=issue.path)
        if args.command:
            print(str(exc), file=sys.stderr)
            return 2
        kiosk = bootstrap.build_out_of_order(exc.codes)
    else:
        if args.command == "outbox":
            # not enrolled yet: the worker waits, re-reading this file, with its wait as the unit's status
            return bootstrap.run_outbox(settings, args.outbox_command, reload=lambda: load_settings(args.config),
                                        status=notifier.status)
        try:
            kiosk = bootstrap.build(settings)
        except Exception as exc:  # e.g. not enrolled yet (no device key): a crash loop would reboot the kiosk
            code = exc.code if isinstance(getattr(exc, "code", None), str) else "startup_failed"
            log_event(log, "startup_failed", logging.ERROR, code=code, error=type(exc).__name__)
            kiosk = bootstrap.build_out_of_order([code])
    return run_ui(kiosk, notifier)


def run_ui(kiosk, notifier: Notifier | None = None) -> int:
    """Run the touchscreen app; systemd hears READY once it runs and a watchdog ping from the Kivy
    main loop, so a frozen UI stops pinging and gets restarted."""
    from kiosk.provisioning.report import acknowledge, pending_report
    from kiosk.ui.app import KioskApp

    notifier = notifier or Notifier.from_environ(os.environ, os.getpid())
    state_dir = Path(kiosk.settings.storage.data_dir) if kiosk.settings.storage.data_dir else None
    report = pending_report(state_dir) if state_dir else None  # first boot's result, shown once
    kiosk.start()
    try:
        app = KioskApp(kiosk.runtime, kiosk.settings, report=report, video=kiosk.video,
                       report_seen=lambda shown: acknowledge(state_dir, shown) if state_dir else None)
        from kivy.clock import Clock  # after KioskApp: it configures Kivy before the window exists

        Clock.schedule_once(lambda _dt: notifier.ready("running"), 0)
        interval = notifier.watchdog_interval()
        if interval:
            Clock.schedule_interval(lambda _dt: notifier.watchdog(), interval)
        app.run()
    finally:
        notifier.stopping()
        kiosk.close()
    if app.maintenance:
        log_event(log, "left_to_maintenance")
        return MAINTENANCE_EXIT_CODE
    return 0


if __name__ == "__main__":
    sys.exit(main())
