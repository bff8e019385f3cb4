"""Wi-Fi and Ethernet settings as NetworkManager keyfiles for the boot partition.

Why keyfiles and not kiosk.toml: NetworkManager reads them natively, so there is one source for the
network; first boot moves them from FAT into the data partition (mode 0600) and deletes them from FAT,
so the Wi-Fi key does not stay readable on the card.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass

WIFI_FILE = "pietura-wifi.nmconnection"
ETHERNET_FILE = "pietura-ethernet.nmconnection"
_NS = uuid.UUID("6f0c1b1e-5a49-4a57-8f3a-7069657475ff")


@dataclass(frozen=True)
class StaticIp:
    address: str  # "192.0.2.10/24"
    gateway: str
    dns: tuple[str, ...]


def parse_ethernet(text: str | None) -> StaticIp | None:
    """'dhcp' (or nothing) → None; 'static:ADDR/PREFIX,GATEWAY[,DNS…]' → StaticIp; ValueError otherwise."""
    if not text or text == "dhcp":
        return None
    kind, _, rest = text.partition(":")
    if kind != "static" or not rest:
        raise ValueError(f"{text!r}: use 'dhcp' or 'static:ADDR/PREFIX,GATEWAY[,DNS…]'")
    addr, *others = [x.strip() for x in rest.split(",")]
    iface = ipaddress.ip_interface(addr)
    if "/" not in addr:
        raise ValueError(f"{addr!r}: add the prefix length, e.g. /24")
    if not others:
        raise ValueError("static address needs a gateway")
    gateway = ipaddress.ip_address(others[0])
    if gateway not in iface.network:
        raise ValueError(f"gateway {gateway} is not in {iface.network}")
    dns = tuple(str(ipaddress.ip_address(x)) for x in others[1:])
    return StaticIp(str(iface), str(gateway), dns)


@dataclass(frozen=True)
class NetworkPlan:
    wifi_ssid: str | None
    wifi_psk: str | None
    country: str
    ethernet: StaticIp | None

    def problems(self) -> list[str]:
        found = []
        if self.wifi_ssid is not None and not 1 <= len(self.wifi_ssid.encode()) <= 32:
            found.append("--wifi-ssid: must be 1–32 bytes")
        if self.wifi_psk is not None:
            if self.wifi_ssid is None:
                found.append("--wifi-psk: given without --wifi-ssid")
            if not 8 <= len(self.wifi_psk) <= 63 or not self.wifi_psk.isascii():
                found.append("--wifi-psk: must be 8–63 plain ASCII characters")
        if not (len(self.country) == 2 and self.country.isalpha()):
            found.append("--wifi-country: two letters, e.g. LV")
        return found


def keyfiles(plan: NetworkPlan) -> dict[str, str]:
    """File name → NetworkManager keyfile text (nothing for plain DHCP Ethernet: NM does that by itself)."""
    files = {}
    if plan.wifi_ssid:
        lines = ["[connection]", "id=pietura-wifi", f"uuid={uuid.uuid5(_NS, 'wifi:' + plan.wifi_ssid)}",
                 "type=wifi", "autoconnect=true", "", "[wifi]", "mode=infrastructure", f"ssid={plan.wifi_ssid}",
                 "powersave=2", ""]
        if plan.wifi_psk:
            lines += ["[wifi-security]", "key-mgmt=wpa-psk", f"psk={plan.wifi_psk}", ""]
        lines += ["[ipv4]", "method=auto", "", "[ipv6]", "method=auto", ""]
        files[WIFI_FILE] = "\n".join(lines)
    if plan.ethernet:
        eth = plan.ethernet
        lines = ["[connection]", "id=pietura-ethernet", f"uuid={uuid.uuid5(_NS, 'eth0')}", "type=ethernet",
                 "interface-name=eth0", "autoconnect=true", "", "[ipv4]", "method=manual",
                 f"address1={eth.address},{eth.gateway}"]
        if eth.dns:
            lines.append("dns=" + ";".join(eth.dns) + ";")
        lines += ["", "[ipv6]", "method=ignore", ""]
        files[ETHERNET_FILE] = "\n".join(lines)
    return files
