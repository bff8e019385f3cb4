"""The one composition root: settings decide real or emulated card, printer and gateway.

Nothing else in the kiosk constructs hardware or network objects. ``build`` returns a ``Kiosk``
whose runtime is ready for the UI; with emulated parts it also exposes them (``emulation``)
so the demo and tests can insert a card or read the receipts the printer produced.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.printer.link import PrinterLink
from kiosk.flow.call_state import CallConfig, parse_hours
from kiosk.flow.effects import LoadCatalogue
from kiosk.flow.events import HeadphonesPlugged
from kiosk.flow.state import Accessibility, FlowConfig, initial_state
from kiosk.logsetup import event as log_event
from kiosk.runtime.controller import Runtime
from kiosk.runtime.effects import EffectRunner
from kiosk.runtime.headphones import HeadphoneWatcher
from kiosk.runtime.ports import Ports
from kiosk.runtime.session_state import SessionStateFile
from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.backend.offline_auth import ClockGuard

log = logging.getLogger("kiosk.bootstrap")


@dataclass
class Emulation:
    """The emulated parts of a demo/test kiosk, for scripts that play the citizen."""

    readers: Any  # drivers.smartcard.emulator.EmulatedReaders
    variant: str
    citizen_pki: Any  # drivers.smartcard.emulator.CardPki
    staff_pki: Any  # the demo librarian's card (the embedded gateway lists her as staff)
    receipts_dir: Path
    gateway: Any = None  # gateway.embedded.LocalGateway when embedded
    stick_image: Path | None = None  # the emulated USB stick (a FAT image; kiosk/signing/demo_stick.py)

    def citizen_card(self, **kwargs: Any) -> Any:
        from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard

        return EmulatedCard(self.variant, pki=self.citizen_pki, holder=DEMO_CITIZEN, **kwargs)

    def staff_card(self, **kwargs: Any) -> Any:
        from drivers.smartcard.emulator import DEMO_STAFF, EmulatedCard

        return EmulatedCard(self.variant, pki=self.staff_pki, holder=DEMO_STAFF, **kwargs)

    def insert(self, card: Any = None) -> Any:
        card = card or self.citizen_card()
        self.readers.insert(card)
        return card

    def remove(self) -> None:
        self.readers.remove()


@dataclass
class Kiosk:
    settings: Settings
    runtime: Runtime
    ports: Ports | None = None
    runner: EffectRunner | None = None
    workdir: Path | None = None
    emulation: Emulation | None = None
    background: list[Any] = field(default_factory=list)  # objects with start()/stop()
    embedded_gateway: Any = None  # gateway.embedded.LocalGateway when gateway.mode = "embedded"
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def video(self) -> Any:
        """The call port's latest frames for the call screen (None: no calls)."""
        return self.ports.calls.video if self.ports is not None and self.ports.calls is not None else None

    def start(self) -> None:
        if self.ports is not None:
            self.ports.card.start(self.runtime.post)
            self.runner(LoadCatalogue(), self.runtime.result_poster())  # warm: the catalogue is public
        for worker in self.background:
            worker.start()

    def close(self) -> None:
        for worker in self.background:
            worker.stop()
        if self.runner is not None:
            self.runner.close()
        if self.ports is not None:
            self.ports.close()
        for close in reversed(self.closers):
            close()


def flow_config(settings: Settings) -> FlowConfig:
    acc = settings.accessibility
    return FlowConfig(
        languages=settings.site.languages,
        default_language=settings.site.languages[0],
        idle_timeout_s=settings.timeouts.idle_s,
        idle_warning_s=settings.timeouts.idle_warning_s,
        goodbye_s=settings.timeouts.goodbye_s,
        staff_idle_timeout_s=settings.staff.idle_s,
        guided_idle_s=settings.staff.guided_idle_min * 60,
        default_accessibility=Accessibility(acc.large_text, acc.high_contrast, acc.speech),
        calls=call_config(settings),
    )


def call_config(settings: Settings) -> CallConfig | None:
    """The ``[calls]`` settings the flow needs; None when calls are off."""
    c = settings.calls
    if c.mode == "off" or not c.institutions:
        return None
    pairs = tuple(tuple(pair.split("=", 1)) for pair in c.services)
    return CallConfig(c.institutions, c.topics, tuple(parse_hours(line) for line in c.hours),
                      tuple((sid.strip(), code.strip()) for sid, code in pairs))


def build_out_of_order(codes: list[str]) -> Kiosk:
    """No hardware, no network: only the screen that tells staff the configuration is broken."""
    settings = Settings()
    state = initial_state(flow_config(settings), out_of_order=",".join(codes) or "settings_invalid")
    return Kiosk(settings=settings, runtime=Runtime(state))


def build(settings: Settings, *, workdir: Path | None = None, clock: Callable[[], float] | None = None) -> Kiosk:
    """``clock`` (monotonic seconds) lets tests move time forward instead of waiting for timeouts."""
    closers: list[Callable[[], None]] = []
    workdir = _data_dir(settings, workdir, closers)
    runtime = Runtime(initial_state(flow_config(settings)), **({"clock": clock} if clock else {}))
    emulation = None

    if settings.card_reader.mode == "emulated":
        readers, pki, staff_pki = _emulated_readers(settings)
        emulation = Emulation(readers, settings.card_reader.emulated_variant, pki, staff_pki, workdir / "receipts")
        from kiosk.signing.demo_stick import make_demo_stick

        emulation.stick_image = make_demo_stick(workdir / "usb-stick.img")
        trust = [pki.intermediate_pem, staff_pki.intermediate_pem]
    else:
        from drivers.smartcard.readers import PcscReaders

        readers, trust = PcscReaders(), []
        if settings.card_reader.emulated_pki_dir:  # a vpcd-emulated card behind real pcscd
            from drivers.smartcard.emulator import CardPki

            trust = [CardPki.load(settings.card_reader.emulated_pki_dir).intermediate_pem]

    from kiosk.backend.offline_auth import ClockGuard

    # one clock check per kiosk: every gateway answer feeds it, offline sign-in asks it
    link = _gateway(settings, workdir, trust, emulation, closers, ClockGuard())
    printer = _printer(settings, emulation)
    ports, heartbeat, delivery = _ports(settings, runtime, workdir, readers, link, printer, emulation)
    runner = EffectRunner(ports, runtime.pin, settings.timeouts)
    runtime.runner = runner
    kiosk = Kiosk(settings, runtime, ports, runner, workdir, emulation, closers=closers, embedded_gateway=link.embedded)
    if settings.outbox.worker == "app":  # "service": pietura-outbox.service alone delivers (no double delivery)
        kiosk.background.append(delivery)
    kiosk.background.append(heartbeat)
    if isinstance(printer.transport, PrinterLink):
        kiosk.background.append(printer.transport)  # connects now or keeps retrying
    # headphones plugged in start speech (USB audio cards, a jack's insertion switch); quiet without them
    kiosk.background.append(HeadphoneWatcher(lambda: runtime.post(HeadphonesPlugged())))
    if settings.update.session_state:  # idle/session for the update service (docs/updates.md)
        presence = SessionStateFile(Path(settings.update.session_state))
        runtime.subscribe(presence)
        presence(runtime.state)
        closers.append(presence.clear)
    log_event(log, "bootstrapped", card=settings.card_reader.mode, gateway=settings.gateway.mode,
              transport=settings.printer.transport, outbox_worker=settings.outbox.worker)
    return kiosk


def _data_dir(settings: Settings, workdir: Path | None, closers: list) -> Path:
    if workdir is None and settings.storage.data_dir:
        workdir = Path(settings.storage.data_dir)
    if workdir is None:  # demo: a fresh folder per run, removed at the end
        workdir = Path(tempfile.mkdtemp(prefix="pietura-"))
        closers.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def _emulated_readers(settings: Settings) -> tuple[Any, Any, Any]:
    from drivers.smartcard.emulator import DEMO_STAFF, CardPki, EmulatedReaders, make_pki

    folder = settings.card_reader.emulated_pki_dir
    variant = settings.card_reader.emulated_variant
    pki = CardPki.load(folder) if folder else make_pki(variant=variant)
    return EmulatedReaders(), pki, make_pki(DEMO_STAFF, variant)


@dataclass
class GatewayLink:
    """Everything that talks to (or for) the gateway: client, origin, sealing key, device identity."""

    client: Any
    origin: str
    sealing_key: Any
    status_base: str
    device_id: str
    device_key: Any  # wire.device_key.DeviceKey: signs requests and offline attestations
    clock_guard: ClockGuard
    embedded: Any = None  # the in-process reference gateway (demo, tests)


def _gateway(settings: Settings, workdir: Path, trust: list[bytes], emulation: Emulation | None,
             closers: list, guard: ClockGuard) -> GatewayLink:
    from kiosk.backend.client import GatewayClient
    from kiosk.paths import config_dir

    if settings.gateway.mode == "embedded":
        from drivers.smartcard.emulator import DEMO_STAFF
        from gateway.embedded import make_local_gateway

        staff = [DEMO_STAFF.personal_code] if emulation is not None else []
        # an emulated card signs too: the test TSA and OCSP responder for its issuer (docs/signing.md)
        issuer = None if emulation is None else (emulation.citizen_pki.intermediate_cert,
                                                 emulation.citizen_pki.intermediate_key)
        local = make_local_gateway(workdir / "gateway", trust, services_dir=config_dir() / "services",
                                   staff_codes=staff, signing_issuer=issuer)
        base_url = local.start()
        closers.append(local.close)
        if emulation is not None:
            emulation.gateway = local
        client = GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key,
                               clock_guard=guard)
        closers.append(client.close)
        return GatewayLink(client, local.origin, local.sealing_public_key, f"{base_url}/s", local.device_id,
                           local.device_key, guard, local)

    from wire.device_key import DeviceKey
    from wire.protocol import load_sealing_public_key

    g = settings.gateway
    device_key = DeviceKey.load(g.device_key_file)
    client = GatewayClient(g.url, device_id=g.device_id, device_key=device_key,
                           ca_file=g.ca_file or None, connect_timeout=g.connect_timeout_s,
                           read_timeout=g.read_timeout_s, clock_guard=guard)
    closers.append(client.close)
    sealing = load_sealing_public_key(Path(g.sealing_key_file).read_bytes())
    return GatewayLink(client, g.origin, sealing, f"{g.url.rstrip('/')}/s", g.device_id, device_key, guard)


def _printer(settings: Settings, emulation: Emulation | None) -> Any:
    """The printer opens nothing here: a printer that is off must not keep the kiosk from
    starting. A real link (PrinterLink) connects in the background and after every loss; the
    in-process emulator is its own link."""
    from drivers.printer.link import open_link
    from drivers.printer.printer import ReceiptPrinter
    from drivers.printer.transports import emulated_printer

    printer_settings = settings.printer
    if printer_settings.transport == "emulator":
        if emulation is not None and not printer_settings.emulator.out_dir:
            emulation.receipts_dir.mkdir(parents=True, exist_ok=True)
            emulator = dataclasses.replace(printer_settings.emulator, out_dir=str(emulation.receipts_dir))
            printer_settings = printer_settings.replace(emulator=emulator)
        return ReceiptPrinter(printer_settings, emulated_printer(printer_settings).transport())
    return ReceiptPrinter(printer_settings, open_link(printer_settings))


def _ports(settings: Settings, runtime: Runtime, workdir: Path, readers: Any, link: GatewayLink,
           printer: Any, emulation: Emulation | None = None) -> tuple[Ports, Any, Any]:
    """The ports on real (or emulated) parts, the heartbeat sender and the in-app delivery worker."""
    from kiosk.adapters.auth import GatewayAuthenticator
    from kiosk.adapters.card import CardSession
    from kiosk.adapters.catalogue import CachedCatalogue
    from kiosk.adapters.counters import DailyCounters
    from kiosk.adapters.heartbeat import Heartbeat, collector
    from kiosk.adapters.offline_signin import OfflineSignIn
    from kiosk.adapters.receipts import ReceiptService
    from kiosk.adapters.staff import StaffDesk
    from kiosk.adapters.submissions import SubmissionService

    card = CardSession(readers, preferred_reader=settings.card_reader.reader,
                       transmit_timeout=settings.card_reader.transmit_timeout_s)
    client = link.client
    submissions = SubmissionService.open(workdir, client, link.sealing_key, link.status_base)
    receipts = ReceiptService(printer, settings.site)
    counters = DailyCounters(workdir / "counters.json")
    calls = _calls(settings, link, receipts, workdir)
    collect = collector(runtime, receipts, submissions.outbox, counters, calls)
    heartbeat = Heartbeat(client, collect)
    offline = None
    if settings.gateway.offline_auth:
        offline = OfflineSignIn(card, link.device_key, link.device_id, link.origin, link.clock_guard)
    ports = Ports(
        card=card,
        auth=GatewayAuthenticator(card, client, link.origin, offline),
        catalogue=CachedCatalogue(client, workdir / "catalogue.json"),
        submissions=submissions,
        receipts=receipts,
        staff=StaffDesk(heartbeat, collect, receipts, submissions, counters, client, link.status_base),
        signing=_signing(card, client, receipts, settings, emulation),
        calls=calls,
        closers=(submissions.close, lambda: printer.transport.close() if printer.transport else None),
    )
    return ports, heartbeat, submissions.worker


def _calls(settings: Settings, link: GatewayLink, receipts: Any, workdir: Path) -> Any:
    """Video calls (docs/video.md): through the gateway's call service, a pretend specialist, or none."""
    c = settings.calls
    if c.mode == "off":
        return None
    from kiosk.call.desk import EmulatedCallDesk, GatewayCallDesk, TicketPrinter, device_sources

    printer = TicketPrinter(receipts)
    if c.mode == "emulated":
        return EmulatedCallDesk(printer)
    from kiosk.call.client import CallClient  # aiortc: the "call" extra

    g = settings.gateway
    client = CallClient(link.client.base_url, device_id=link.device_id, device_key=link.device_key,
                        ca_file=(g.ca_file or None) if g.mode == "remote" else None, timeout=c.request_s)
    callbacks = None
    if link.sealing_key is not None:  # callback requests to the institution (kiosk/call/callbacks.py)
        from kiosk.call.callbacks import CallbackQueue, CallbackSender

        callbacks = CallbackSender(CallbackQueue(workdir / "callbacks.sqlite", link.sealing_key), client)
    return GatewayCallDesk(client, printer, ring_s=c.ring_s, poll_s=c.poll_s,
                           sources=device_sources(c.camera, c.microphone, c.speaker), callbacks=callbacks)


def _signing(card: Any, client: Any, receipts: Any, settings: Settings, emulation: Emulation | None) -> Any:
    """Signing on the USB stick (docs/signing.md): the real sticks' partitions, or the emulated stick's image."""
    from kiosk.adapters import usbstick
    from kiosk.adapters.signing import SigningDesk

    if emulation is None:
        from kiosk.signing.trust import load_anchors

        return SigningDesk(card, client, candidates=usbstick.find_stick_partitions, printer=receipts,
                           site_name=settings.site.library_name, anchors=load_anchors(settings.signing.trust_anchors))
    image = emulation.stick_image
    return SigningDesk(card, client, candidates=lambda: [image] if image is not None else [], printer=receipts,
                       site_name=settings.site.library_name, anchors=[emulation.citizen_pki.intermediate_cert])


NOT_THE_OWNER = 4  # pietura-outbox.service: SuccessExitStatus/RestartPreventExitStatus, so it stays stopped


def run_outbox(settings: Settings, command: str, reload: Callable[[], Settings] | None = None,
               status: Callable[[str], object] = lambda _text: None, stop: threading.Event | None = None) -> int:
    """``kiosk outbox run|status``: the delivery worker as its own process, from kiosk.toml. Before
    enrolment ``run`` waits, re-reading kiosk.toml with ``reload`` (kiosk.backend.enrolment_wait); 0 when
    ``stop`` ends the wait."""
    from kiosk.backend import delivery
    from kiosk.backend.enrolment_wait import wait_for_enrolment

    g = settings.gateway
    if not settings.storage.data_dir:
        print("storage.data_dir is empty: this kiosk keeps no outbox on disk")
        return 2
    data = Path(settings.storage.data_dir)
    argv = [command, "--db", str(data / "outbox.sqlite")]
    if command == "run" and settings.outbox.worker != "service":
        print("kiosk outbox run: the kiosk app delivers (outbox.worker = \"app\"); not starting a second worker")
        return NOT_THE_OWNER
    if command == "run":
        if g.mode != "remote":
            print("kiosk outbox run needs gateway.mode = \"remote\" (the embedded gateway lives in the app)")
            return 2
        enrolled = wait_for_enrolment(settings, reload or (lambda: settings), stop or threading.Event(), status)
        if enrolled is None:
            return 0
        g = enrolled.gateway
        argv += ["--gateway", g.url, "--device-id", g.device_id, "--device-key", g.device_key_file,
                 "--connect-timeout", str(g.connect_timeout_s), "--read-timeout", str(g.read_timeout_s)]
        if g.ca_file:
            argv += ["--ca-file", g.ca_file]
    return delivery.main(argv)
