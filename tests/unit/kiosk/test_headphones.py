"""Headphones start speech: USB audio cards from /proc/asound/cards and the jack's SW_HEADPHONE_INSERT
input events, over a fake /proc + /sys + /dev tree (a FIFO stands in for /dev/input/eventN).

Real USB headphones and a codec with jack detection are not available on this machine; the formats
are the kernel's (Documentation/input/input.rst, sound/core/info.c)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from kiosk.runtime.headphones import (
    EV_SW,
    INPUT_EVENT,
    SW_HEADPHONE_INSERT,
    SW_LINEOUT_INSERT,
    HeadphoneWatcher,
    UsbAudioTracker,
    headphone_inserts,
    jack_devices,
    usb_audio_cards,
)

PI_ONLY = """\
 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                      bcm2835 Headphones
 1 [vc4hdmi        ]: vc4-hdmi - vc4-hdmi
                      vc4-hdmi
"""
WITH_USB = PI_ONLY + """\
 2 [Device         ]: USB-Audio - USB Audio Device
                      C-Media Electronics Inc. USB Audio Device at usb-3f980000.usb-1.2, full speed
"""
EV_KEY, EV_SYN = 0x01, 0x00


def record(kind: int, code: int, value: int) -> bytes:
    return INPUT_EVENT.pack(1700000000, 5, kind, code, value)


def test_usb_audio_cards_are_read_from_proc_asound():
    assert usb_audio_cards(PI_ONLY) == frozenset()
    assert usb_audio_cards(WITH_USB) == {"2:Device"}


def test_a_new_usb_card_is_a_plug_in_but_the_first_reading_is_the_baseline():
    tracker = UsbAudioTracker()
    assert tracker.update(WITH_USB) is False  # plugged in before the kiosk started: no surprise speech
    assert tracker.update(WITH_USB) is False
    assert tracker.update(PI_ONLY) is False  # unplugged
    assert tracker.update(WITH_USB) is True  # plugged in again


def test_only_headphone_insertion_counts_and_partial_records_wait():
    stream = (record(EV_SW, SW_HEADPHONE_INSERT, 1) + record(EV_SYN, 0, 0)
              + record(EV_SW, SW_HEADPHONE_INSERT, 0)  # taken out
              + record(EV_SW, SW_LINEOUT_INSERT, 1)  # a line-out cable is not headphones
              + record(EV_KEY, SW_HEADPHONE_INSERT, 1))  # a key with the same code number
    count, rest = headphone_inserts(stream)
    assert count == 1 and rest == b""
    insert = record(EV_SW, SW_HEADPHONE_INSERT, 1)
    count, rest = headphone_inserts(insert[:10])
    assert count == 0 and rest == insert[:10]
    count, rest = headphone_inserts(rest + insert[10:])
    assert count == 1 and rest == b""


def fake_tree(tmp_path: Path, sw_bits: dict[str, str]) -> tuple[Path, Path, Path]:
    proc, sys, dev = tmp_path / "proc", tmp_path / "sys", tmp_path / "dev"
    (proc / "asound").mkdir(parents=True)
    (proc / "asound" / "cards").write_text(PI_ONLY)
    (dev / "input").mkdir(parents=True)
    for name, bits in sw_bits.items():
        caps = sys / "class" / "input" / name / "device" / "capabilities"
        caps.mkdir(parents=True)
        caps.joinpath("sw").write_text(bits + "\n")
        os.mkfifo(dev / "input" / name)
    return proc, sys, dev


def test_jack_devices_are_those_with_the_headphone_switch(tmp_path):
    _proc, sys, _dev = fake_tree(tmp_path, {"event0": "0", "event1": "14", "event2": "1 0", "event3": "44"})
    # 0x14 = bits 2 and 4 (headphone, microphone); "1 0": bit 64 only; 0x44 = bits 2 and 6
    assert jack_devices(sys) == ["event1", "event3"]


def test_watcher_starts_speech_for_usb_and_jack(tmp_path):
    proc, sys, dev = fake_tree(tmp_path, {"event4": "4"})
    plugged = threading.Event()
    calls = []

    def on_plugged():
        calls.append(1)
        plugged.set()

    writer = os.open(dev / "input" / "event4", os.O_RDWR | os.O_NONBLOCK)  # keeps the FIFO open
    watcher = HeadphoneWatcher(on_plugged, proc_root=proc, sys_root=sys, dev_root=dev, poll_s=0.05)
    try:
        watcher.start()
        assert not plugged.wait(0.3) and calls == []  # nothing plugged in: silence
        os.write(writer, record(EV_SW, SW_HEADPHONE_INSERT, 1) + record(EV_SYN, 0, 0))
        assert plugged.wait(5), "jack insertion not seen"
        plugged.clear()
        (proc / "asound" / "cards").write_text(WITH_USB)
        assert plugged.wait(5), "USB audio card not seen"
        assert len(calls) == 2
    finally:
        watcher.stop()
        os.close(writer)


def test_watcher_without_sound_hardware_stays_quiet(tmp_path):
    watcher = HeadphoneWatcher(lambda: None, proc_root=tmp_path / "none", sys_root=tmp_path / "none",
                               dev_root=tmp_path / "none", poll_s=0.05)
    watcher.start()
    assert watcher.check_usb() is False and watcher.read_jacks(0.05) == 0
    watcher.stop()
