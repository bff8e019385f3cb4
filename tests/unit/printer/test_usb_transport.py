"""UsbTransport error classification with an in-process stand-in for pyusb (no USB printer in CI)."""

import errno
import sys
import types

import pytest

from drivers.printer.errors import PrinterError
from drivers.printer.transports import UsbTransport


class USBError(OSError):
    pass


class USBTimeoutError(USBError):
    pass


class FakeDevice:
    def __init__(self, fail_open=None, fail_write=None, replies=b""):
        self.fail_open, self.fail_write, self.replies = fail_open, fail_write, bytearray(replies)
        self.written = bytearray()
        self.detached = False

    def is_kernel_driver_active(self, interface):
        return True

    def detach_kernel_driver(self, interface):
        self.detached = True

    def set_configuration(self):
        if self.fail_open:
            raise USBError(self.fail_open, "open failed")

    def write(self, endpoint, data, timeout):
        assert timeout > 0  # never "wait forever"
        if self.fail_write:
            raise USBError(self.fail_write, "write failed")
        self.written += data
        return len(data)

    def read(self, endpoint, size, timeout):
        assert timeout > 0
        if not self.replies:
            raise USBTimeoutError(errno.ETIMEDOUT, "timeout")
        out = bytes(self.replies[:1])
        del self.replies[:1]
        return out


@pytest.fixture
def fake_usb(monkeypatch):
    def install(device):
        core = types.SimpleNamespace(find=lambda **kw: device, USBError=USBError, USBTimeoutError=USBTimeoutError)
        util = types.SimpleNamespace(dispose_resources=lambda dev: None)
        usb = types.ModuleType("usb")
        usb.core, usb.util = core, util
        monkeypatch.setitem(sys.modules, "usb", usb)
        monkeypatch.setitem(sys.modules, "usb.core", core)
        monkeypatch.setitem(sys.modules, "usb.util", util)
    return install


def test_write_read_and_flush(fake_usb):
    device = FakeDevice(replies=b"\x12\x16")
    fake_usb(device)
    t = UsbTransport(0x04B8, 0x0E15, 0x82, 0x01)
    assert device.detached
    t.write(b"x" * 10000, timeout=2)
    assert bytes(device.written) == b"x" * 10000
    assert t.read(1, 0.1) == b"\x12"
    t.flush_input()
    assert t.read(1, 0.1) == b""  # timeout is 'no reply', not an exception


@pytest.mark.parametrize("number, code", [(errno.EACCES, "printer_permission_denied"), (errno.EBUSY, "printer_busy"),
                                          (errno.ENODEV, "printer_disconnected")])
def test_open_errors_are_classified(fake_usb, number, code):
    fake_usb(FakeDevice(fail_open=number))
    with pytest.raises(PrinterError) as info:
        UsbTransport(0x04B8, 0x0E15, 0x82, 0x01)
    assert info.value.code == code


def test_write_timeout_and_missing_device(fake_usb):
    fake_usb(FakeDevice(fail_write=errno.ETIMEDOUT))
    with pytest.raises(PrinterError) as info:
        UsbTransport(1, 2, 0x81, 0x02).write(b"abc", 1)
    assert info.value.code == "printer_timeout"
    fake_usb(None)
    with pytest.raises(PrinterError) as missing:
        UsbTransport(1, 2, 0x81, 0x02)
    assert missing.value.code == "printer_not_found"


def test_without_pyusb(monkeypatch):
    monkeypatch.setitem(sys.modules, "usb", None)
    with pytest.raises(PrinterError) as info:
        UsbTransport(1, 2, 0x81, 0x02)
    assert info.value.code == "printer_driver_missing"
